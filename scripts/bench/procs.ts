import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename } from "node:path";

/** What a process of a Pulumi operation is. */
export type ProcessKind = "cli" | "provider" | "program" | "langhost" | "other";

/** Peak resident set per process kind, KiB (the largest single process of that kind). */
export type PeakRss = Partial<Record<ProcessKind, number>>;

/** CPU time (user + system) per process kind, ms, summed over the processes of that kind. */
export type CpuMs = Partial<Record<ProcessKind, number>>;

/** What a {@link ProcessSampler} saw during one operation. */
export interface ProcessUsage {
  rssKiB: PeakRss;
  /** Per kind, from the samples: a lower bound (the last < 100 ms of a process that exits is missed). */
  cpuMs: CpuMs;
  /** Exact CPU of the whole process tree the operation started (all reaped children of this process), ms. */
  treeCpuMs: number;
  /** CPU of this process itself (Automation API, emulator, sampler), ms. */
  selfCpuMs: number;
}

/** Sorts a command line into a {@link ProcessKind}. */
export function kindOf(argv: string[]): ProcessKind {
  const exe = basename(argv[0] ?? "");
  const args = argv.join(" ");
  if (args.includes("cmd/dynamic-provider") || /pulumi-resource-rekko|native[/\\]main\.js/.test(args)) return "provider";
  if (exe === "pulumi") return "cli";
  if (exe === "pulumi-language-nodejs") return "langhost";
  if (/^node/.test(exe) && /@pulumi[/\\]pulumi[/\\]cmd[/\\]run/.test(args)) return "program";
  return "other";
}

async function text(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The fields of `/proc/<pid>/stat` after the command name (which may hold spaces and parentheses): [0] is field 3. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

function kib(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
  return m ? Number(m[1]) : 0;
}

let tickMs: number | undefined;
/** Milliseconds per clock tick (`getconf CLK_TCK`, 100 on Linux). */
function msPerTick(): number {
  if (tickMs === undefined) {
    let hz = 100;
    try {
      hz = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      hz = 100;
    }
    tickMs = 1000 / hz;
  }
  return tickMs;
}

/** CPU of the reaped children of this process (`cutime + cstime`), ms. */
function childrenCpuMs(): number {
  try {
    const f = statFields(readFileSync("/proc/self/stat", "utf8"));
    return (Number(f[13]) + Number(f[14])) * msPerTick();
  } catch {
    return 0;
  }
}

/**
 * Samples `/proc` every `intervalMs` for the descendants of this process (the CLI the
 * Automation API starts, its language host, program and dynamic provider): peak RSS per
 * process kind from `VmHWM` (the kernel's own high-water mark, so a peak between two samples
 * is not missed while the process lives), CPU time per kind, and the exact CPU of the tree.
 */
export class ProcessSampler {
  private readonly peaks: PeakRss = {};
  private readonly cpuTicks = new Map<number, { kind: ProcessKind; ticks: number }>();
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  private treeStart = 0;
  private selfStart: NodeJS.CpuUsage = process.cpuUsage();

  constructor(
    private readonly root = process.pid,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.treeStart = childrenCpuMs();
    this.selfStart = process.cpuUsage();
    this.timer = setInterval(() => {
      if (!this.busy) {
        this.busy = this.sample().finally(() => {
          this.busy = undefined;
        });
      }
    }, this.intervalMs);
  }

  /** Stops sampling after one last sample. */
  async stop(): Promise<ProcessUsage> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const treeCpuMs = childrenCpuMs() - this.treeStart;
    const self = process.cpuUsage(this.selfStart);
    await this.busy;
    await this.sample();
    const cpuMs: CpuMs = {};
    for (const { kind, ticks } of this.cpuTicks.values()) cpuMs[kind] = (cpuMs[kind] ?? 0) + ticks * msPerTick();
    return { rssKiB: { ...this.peaks }, cpuMs, treeCpuMs, selfCpuMs: (self.user + self.system) / 1000 };
  }

  private async sample(): Promise<void> {
    const pids = (await readdir("/proc")).filter((d) => /^\d+$/.test(d)).map(Number);
    const stats = new Map<number, string[]>();
    await Promise.all(
      pids.map(async (pid) => {
        const stat = await text(`/proc/${pid}/stat`);
        if (stat) stats.set(pid, statFields(stat));
      }),
    );
    const mine = (pid: number): boolean => {
      for (let p = Number(stats.get(pid)?.[1]), hops = 0; stats.has(p) && hops < 64; p = Number(stats.get(p)?.[1]), hops++) {
        if (p === this.root) return true;
      }
      return false;
    };
    await Promise.all(
      [...stats.keys()].filter(mine).map(async (pid) => {
        // Read every time: the plugin shell script `exec`s node, which changes the command line.
        const cmdline = await text(`/proc/${pid}/cmdline`);
        const status = await text(`/proc/${pid}/status`);
        const f = stats.get(pid);
        if (!cmdline || !status || !f) return;
        const kind = kindOf(cmdline.split("\0").filter((a) => a !== ""));
        this.peaks[kind] = Math.max(this.peaks[kind] ?? 0, kib(status, "VmHWM"), kib(status, "VmRSS"));
        this.cpuTicks.set(pid, { kind, ticks: Number(f[11]) + Number(f[12]) });
      }),
    );
  }
}
