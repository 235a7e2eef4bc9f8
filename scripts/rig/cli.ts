/**
 * The real `pulumi` CLI, spawned as a user runs it: in its own process group, both output
 * streams and the engine event log captured, every process it starts tracked by pid, so that a
 * run can be interrupted (SIGINT, SIGKILL) and nothing it started outlives it unnoticed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT, toolchainDir } from "./engine";

/** One CLI run. */
export interface CliResult {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The engine event log (JSON lines), when one was written. */
  events: string;
  ms: number;
  /** When the CLI exited (ms since the epoch), before the wait for the processes it left. */
  exitedAt: number;
  /** Processes the CLI started that were still alive `lingerMs` after it exited (then killed by pid). */
  lingering: string[];
}

/** Options of {@link Rig.run}. */
export interface RunOptions {
  /** Text written to the CLI's standard input. */
  input?: string;
  /** Kill the run (its whole process group) after this long. Default 15 minutes. */
  timeoutMs?: number;
  /** Called with the CLI's child process once it started (to interrupt it). */
  onStart?: (child: ChildProcess) => void;
  /** Do not write the engine event log (written for up, preview, refresh and destroy by default). */
  noEventLog?: boolean;
  /** Extra environment. */
  env?: Record<string, string>;
  /** How long processes the CLI started may outlive it before they are killed. Default 10 s. */
  lingerMs?: number;
}

/** Where and how {@link spawnPulumi} runs the CLI. */
export interface SpawnOptions extends RunOptions {
  /** The project directory. */
  cwd: string;
  /** Environment on top of this process's (the stack's backend, passphrase, PATH…). */
  env: Record<string, string>;
  /** Where the CLI writes its engine event log (`--event-log` must be among the arguments). */
  eventLog?: string | undefined;
}

/**
 * Runs the toolchain's `pulumi` with `args` in its own process group; on timeout the group is
 * killed. After the CLI exits, processes it started that are still alive get `lingerMs` to
 * finish (a provider orphaned by SIGKILL), then are killed and named in `lingering`.
 */
export function spawnPulumi(args: string[], options: SpawnOptions): Promise<CliResult> {
  return spawnTracked(join(toolchainDir(), "pulumi"), args, options);
}

/** {@link spawnPulumi} for any command (`file`): the rig's process tracking, on its own. */
export function spawnTracked(file: string, args: string[], options: SpawnOptions): Promise<CliResult> {
  const started = Date.now();
  // Every process the CLI starts inherits this mark, so that one started just before the CLI
  // was killed (and so never seen as its descendant) is still found after it exits.
  const mark = `${process.pid}-${++spawned}-${started}`;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, [MARK]: mark },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.stdin.on("error", () => {}); // a command may exit without reading its input
    child.stdin.end(options.input ?? "");
    // The language host and the provider start process groups of their own: track every
    // descendant while the CLI runs, so none outlives the run unnoticed.
    const family = new Map<number, string>();
    const watch = setInterval(() => descendants(child.pid, family), 200);
    const timer = setTimeout(
      () => {
        descendants(child.pid, family);
        marked(mark, family);
        killProcesses(family);
        killGroup(child.pid);
      },
      options.timeoutMs ?? 15 * 60_000,
    );
    child.on("error", (e) => {
      clearTimeout(timer);
      clearInterval(watch);
      reject(e);
    });
    child.on("close", (code, signal) => {
      const exitedAt = Date.now();
      clearTimeout(timer);
      clearInterval(watch);
      marked(mark, family);
      void settle(child.pid, family, options.lingerMs ?? 10_000).then((lingering) => {
        const stdout = Buffer.concat(out).toString("utf8");
        const stderr = Buffer.concat(err).toString("utf8");
        const events = options.eventLog && existsSync(options.eventLog) ? readFileSync(options.eventLog, "utf8") : "";
        resolve({ args, code, signal, stdout, stderr, events, ms: exitedAt - started, exitedAt, lingering });
      });
    });
    options.onStart?.(child);
  });
}

/** The environment variable that marks the processes of one {@link spawnTracked} run. */
const MARK = "PULUMI_REKKO_RIG_CLI";
let spawned = 0;

/** Runs the built orphans CLI (dist/provider/cli/orphans.js) as a user would. */
export function orphansCli(
  args: string[],
  env: { apiKey: string; baseUrl: string },
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "dist", "provider", "cli", "orphans.js"), ...args], {
      env: { ...process.env, REKKO_API_KEY: env.apiKey, REKKO_BASE_URL: env.baseUrl },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/** The "Resources:" counts of a CLI run (`{created: 30, unchanged: 1}`). */
export function resourceCounts(out: string): Record<string, number> {
  const section = out.slice(out.lastIndexOf("Resources:"));
  const counts: Record<string, number> = {};
  for (const m of section.matchAll(
    /^\s+[-+~]*\s*(\d+) (created|updated|deleted|replaced|unchanged|imported|read|refreshed|to \w+)/gm,
  )) {
    counts[m[2] ?? ""] = Number(m[1]);
  }
  return counts;
}

/**
 * A documented recovery step for the file backend: a CLI killed while saving a checkpoint can
 * leave the checkpoint's attribute sidecar (`<stack>.json.attrs`, written after the data, not
 * atomically) empty, and every command then fails with "failed to load checkpoint: EOF". The
 * checkpoint itself (`<stack>.json`) is intact: removing the empty sidecar (and the `.tmp` of
 * the unfinished write) restores the last saved checkpoint. Returns what was removed.
 */
export function repairTruncatedAttrs(backend: string): string[] {
  const stacks = join(backend, ".pulumi", "stacks");
  if (!existsSync(stacks)) return [];
  const removed: string[] = [];
  const files = readdirTree(stacks);
  for (const file of files.filter((f) => f.endsWith(".json.attrs") && statSync(f).size === 0)) {
    rmSync(file);
    removed.push(file.slice(stacks.length + 1));
    for (const tmp of files.filter((f) => f.startsWith(file.slice(0, -".attrs".length)) && f.endsWith(".tmp"))) rmSync(tmp);
  }
  return removed;
}

/** Every file under `dir`, recursively (paths). */
export function readdirTree(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...readdirTree(p));
    else out.push(p);
  }
  return out;
}

/** `/proc/<pid>/stat` fields: parent pid and start time (to tell a reused pid apart). */
function procStat(pid: number): { ppid: number; start: string; name: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    if (fields[0] === "Z") return undefined; // a zombie is gone already
    return { ppid: Number(fields[1]), start: fields[19] ?? "", name: text.slice(text.indexOf("(") + 1, close) };
  } catch {
    return undefined;
  }
}

/** Adds every live descendant of `root` to `family` (pid → start time and name). */
function descendants(root: number | undefined, family: Map<number, string>): void {
  if (!root) return;
  const children = new Map<number, number[]>();
  let pids: string[];
  try {
    pids = readdirSync("/proc");
  } catch {
    return; // no /proc (not Linux): processes are not tracked
  }
  for (const name of pids) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const st = procStat(pid);
    if (st) children.set(st.ppid, [...(children.get(st.ppid) ?? []), pid]);
  }
  const queue = [root, ...family.keys()];
  while (queue.length) {
    const pid = queue.shift() as number;
    for (const c of children.get(pid) ?? []) {
      const st = procStat(c);
      if (!st) continue;
      const known = family.get(c);
      // The start time identifies the process (an exec, like the provider's shell script
      // becoming node, keeps it); the name is refreshed for the report.
      if (known !== undefined && known.split(":")[0] !== st.start) continue;
      family.set(c, `${st.start}:${st.name}`);
      if (known === undefined) queue.push(c);
    }
  }
}

/**
 * Adds every live process whose environment carries `mark` to `family`: those the CLI started
 * and left behind, including any reparented before {@link descendants} saw it.
 */
function marked(mark: string, family: Map<number, string>): void {
  const entry = `${MARK}=${mark}\0`;
  let pids: string[];
  try {
    pids = readdirSync("/proc");
  } catch {
    return;
  }
  for (const name of pids) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid || family.has(pid)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, "latin1");
    } catch {
      continue; // gone, or not ours to read
    }
    if (!environ.includes(entry)) continue;
    const st = procStat(pid);
    if (st) family.set(pid, `${st.start}:${st.name}`);
  }
}

function alive(pid: number, id: string): boolean {
  const st = procStat(pid);
  return st !== undefined && st.start === id.split(":")[0];
}

/** SIGKILL, by pid, to the tracked processes that are still the same processes. */
function killProcesses(family: Map<number, string>): string[] {
  const killed: string[] = [];
  for (const [pid, id] of family) {
    const st = procStat(pid);
    if (!st || st.start !== id.split(":")[0]) continue; // gone, or the pid is another process's now
    try {
      process.kill(pid, "SIGKILL");
      killed.push(`${pid} ${st.name}`); // the name now: it may have exec'd since it was seen
    } catch {
      // already gone
    }
  }
  return killed;
}

/** SIGKILL to the process group the rig started (the CLI is its leader). */
function killGroup(pgid: number | undefined): void {
  if (!pgid) return;
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Waits up to `waitMs` for every process the CLI started to exit, then kills the rest; returns those. */
async function settle(pgid: number | undefined, family: Map<number, string>, waitMs: number): Promise<string[]> {
  const until = Date.now() + waitMs;
  const left = () => [...family].some(([pid, id]) => alive(pid, id));
  while (left() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const killed = killProcesses(family);
  killGroup(pgid);
  return killed;
}
