import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg, totalmem } from "node:os";
import { join } from "node:path";

/** The machine a benchmark ran on. */
export interface Machine {
  nproc: number;
  memoryGiB: number;
  cpuModel: string;
  kernel: string;
  /** 1-minute load average when the run began and ended (other work on the machine shows here). */
  loadAtStart: number;
  loadAtEnd?: number;
}

/** Versions of what was measured. */
export interface Versions {
  node: string;
  pulumiCli: string;
  pulumiSdk: string;
  package: string;
  /** The commit measured, and the files under provider/ that differed from it (uncommitted work). */
  commit: string;
  uncommittedProviderFiles: string[];
}

/** `2 CPUs (AMD EPYC), 1-minute load 0.52 at the start and 0.80 at the end`. */
export function hostLine(m: Machine): string {
  const end = m.loadAtEnd === undefined ? "" : ` and ${m.loadAtEnd.toFixed(2)} at the end`;
  return `${m.nproc} CPUs (${m.cpuModel}), 1-minute load ${m.loadAtStart.toFixed(2)} at the start${end}`;
}

function firstMatch(text: string, re: RegExp): string | undefined {
  return re.exec(text)?.[1]?.trim();
}

/** nproc, memory and CPU model (from `/proc/cpuinfo`). */
export function machine(): Machine {
  let cpuinfo = "";
  try {
    cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    cpuinfo = "";
  }
  let kernel = "";
  try {
    kernel = readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
  } catch {
    kernel = process.platform;
  }
  return {
    nproc: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: firstMatch(cpuinfo, /^model name\s*:\s*(.+)$/m) ?? "unknown",
    kernel,
    loadAtStart: loadavg()[0] ?? 0,
  };
}

function packageVersion(file: string): string {
  return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? "unknown";
}

/** Node.js, the Pulumi CLI in `toolchain`, the @pulumi/pulumi SDK and this package. */
export function versions(root: string, toolchain: string): Versions {
  let pulumiCli = "unknown";
  try {
    pulumiCli = execFileSync(join(toolchain, "pulumi"), ["version"], { encoding: "utf8", env: { ...process.env } }).trim();
  } catch {
    pulumiCli = "unknown";
  }
  let commit = "unknown";
  let uncommittedProviderFiles: string[] = [];
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    uncommittedProviderFiles = execFileSync("git", ["status", "--porcelain", "--", "provider"], { cwd: root, encoding: "utf8" })
      .split("\n")
      .map((l) => l.slice(3).trim())
      .filter((l) => l !== "");
  } catch {
    // Not a git checkout (e.g. an unpacked tarball): leave it unknown.
  }
  return {
    node: process.version,
    pulumiCli,
    pulumiSdk: packageVersion(join(root, "node_modules", "@pulumi", "pulumi", "package.json")),
    package: packageVersion(join(root, "package.json")),
    commit,
    uncommittedProviderFiles,
  };
}
