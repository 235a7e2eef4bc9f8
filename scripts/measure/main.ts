/**
 * Measurements of the whole project, each recorded into docs/figures/<source>.json with the
 * commit and the date, then rendered into README.md and docs/ (scripts/figures). Run them on an
 * otherwise idle machine, from the repository root, with the work committed:
 *
 *   npm run measure -- ci [--runs N]    # `.ci/run` (= npm test) on a fresh clone of HEAD (N clones, one after the
 *                                       # other: the median is recorded, each run kept), then `npm run demo` there
 *   npm run measure -- toolchain        # the Pulumi toolchain built with empty Go caches and an empty toolchain cache
 *   npm run measure -- plugin-install   # what Pulumi's Node.js host installs into the packed package's directory
 *
 * Each prints its command's output as it goes and, at the end, what it recorded.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { performance } from "node:perf_hooks";
import { machine } from "../bench/machine";
import { record } from "../figures/record";
import type { CiData, CiRun, PluginInstallData, ToolchainData } from "../figures/registry";
import { commitOf, REPO } from "../figures/results";

/**
 * The environment a user's shell would give a command in a fresh clone: this process's, without
 * what `npm run` and the set-up add (npm_* variables, this checkout's node_modules/.bin on PATH,
 * the toolchain and Pulumi home of this checkout, Rekko settings).
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|INIT_CWD$|PULUMI_|REKKO_|NODE_OPTIONS$)/.test(k)) continue;
    env[k] = v;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((p) => p !== "" && !p.startsWith(REPO))
    .join(delimiter);
  return { ...env, ...extra };
}

/** Runs a command, its output shown and kept; resolves with the exit code, the output and the wall time. */
function run(
  cmd: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; output: string; seconds: number }> {
  process.stderr.write(`\n==> ${[cmd, ...args].join(" ")}   (in ${options.cwd})\n`);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer, to: NodeJS.WriteStream) => {
      output += chunk.toString();
      to.write(chunk);
    };
    child.stdout.on("data", (c: Buffer) => keep(c, process.stdout));
    child.stderr.on("data", (c: Buffer) => keep(c, process.stderr));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), output, seconds: (performance.now() - t0) / 1000 }),
    );
  });
}

const loadNow = () => Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);

/** Mocha's closing summary: the last `N passing`, `N pending`, `N failing` lines. */
export function mochaSummary(output: string): CiData["tests"] {
  const last = (word: string) => {
    const all = [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, "gm"))];
    return Number(all[all.length - 1]?.[1] ?? 0);
  };
  return { passing: last("passing"), pending: last("pending"), failing: last("failing") };
}

/** Refuses to measure uncommitted work: a fresh clone measures HEAD, and the record names HEAD. */
function requireClean(): string {
  const { commit, dirty } = commitOf(REPO);
  if (dirty) throw new Error("tracked files differ from HEAD; commit first (the measurement is recorded against the commit)");
  return commit;
}

/**
 * `.ci/run` on `runs` fresh clones of HEAD, one after the other, then `npm run demo` in the last.
 * The recorded time is the median of the runs; each run's time is kept beside it.
 */
async function ci(runs = 1): Promise<void> {
  requireClean();
  const host = machine();
  const results: CiRun[] = [];
  let demo: { seconds: number; code: number } | undefined;
  for (let i = 0; i < runs; i++) {
    const scratch = mkdtempSync(join(tmpdir(), "pulumi-rekko-ci-"));
    const clone = join(scratch, "pulumi-rekko");
    try {
      // A full clone: the upgrade test builds an older revision from the history.
      const cloned = await run("git", ["clone", "--quiet", "--no-local", REPO, clone], { cwd: scratch, env: userEnv() });
      if (cloned.code !== 0) throw new Error("git clone failed");
      const loadAtStart = loadNow();
      const test = await run(join(clone, ".ci", "run"), [], { cwd: clone, env: userEnv() });
      results.push({
        seconds: test.seconds,
        tests: mochaSummary(test.output),
        exitCode: test.code,
        loadAtStart,
        loadAtEnd: loadNow(),
      });
      process.stderr.write(`measure ci: run ${i + 1} of ${runs}: ${JSON.stringify(results[i])}\n`);
      if (i === runs - 1) demo = await run("npm", ["run", "demo"], { cwd: clone, env: userEnv() });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as CiRun;
  const failed = results.find((r) => r.exitCode !== 0);
  const data: CiData = {
    seconds: median.seconds,
    tests: (failed ?? median).tests,
    exitCode: failed?.exitCode ?? 0,
    ...(runs > 1 ? { runs: results } : {}),
    ...(demo ? { demoSeconds: demo.seconds, demoExitCode: demo.code } : {}),
    cpus: host.nproc,
    cpuModel: host.cpuModel,
    loadAtStart: results[0]?.loadAtStart ?? host.loadAtStart,
    loadAtEnd: results[results.length - 1]?.loadAtEnd ?? loadNow(),
  };
  record("ci", `npm run measure -- ci${runs > 1 ? ` --runs ${runs}` : ""}`, data);
  process.stderr.write(`${JSON.stringify(data)}\n`);
  if (data.exitCode !== 0 || demo?.code !== 0) process.exitCode = 1;
}

async function toolchain(): Promise<void> {
  requireClean();
  const scratch = mkdtempSync(join(tmpdir(), "pulumi-rekko-toolchain-"));
  try {
    const env = userEnv({
      PULUMI_REKKO_CACHE: join(scratch, "cache"),
      PULUMI_REKKO_NO_AMBIENT: "1",
      GOCACHE: join(scratch, "go-build"),
      GOMODCACHE: join(scratch, "go-mod"),
      GOPATH: join(scratch, "go"),
      PULUMI_HOME: join(scratch, "pulumi-home"),
    });
    const go = await run("go", ["version"], { cwd: REPO, env });
    const host = machine();
    const built = await run("bash", [join(REPO, "toolchain", "install.sh")], { cwd: REPO, env });
    const data: ToolchainData = {
      seconds: built.seconds,
      exitCode: built.code,
      go: go.output.trim().replace(/^go version /, ""),
      cpus: host.nproc,
      cpuModel: host.cpuModel,
      loadAtStart: host.loadAtStart,
      loadAtEnd: loadNow(),
    };
    record("toolchain", "npm run measure -- toolchain", data);
    if (built.code !== 0) process.exitCode = 1;
  } finally {
    // Go's module cache is read-only on disk.
    await run("chmod", ["-R", "u+w", scratch], { cwd: tmpdir(), env: userEnv() });
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function pluginInstall(): Promise<void> {
  requireClean();
  const scratch = mkdtempSync(join(tmpdir(), "pulumi-rekko-install-"));
  try {
    const env = userEnv();
    const packed = await run("npm", ["pack", "--pack-destination", scratch], { cwd: REPO, env: process.env });
    if (packed.code !== 0) throw new Error("npm pack failed");
    const tarball = packed.output.trim().split("\n").pop() ?? "";
    await run("tar", ["-xzf", join(scratch, tarball), "-C", scratch], { cwd: scratch, env });
    const dir = join(scratch, "package");
    // What Pulumi's Node.js language host runs in a plugin directory that has no node_modules.
    const installed = await run("npm", ["install", "--no-audit", "--no-fund"], { cwd: dir, env });
    if (installed.code !== 0) throw new Error("npm install failed");
    const lock = join(dir, "node_modules", ".package-lock.json");
    if (!existsSync(lock)) throw new Error(`${lock} is missing`);
    const packages = Object.keys((JSON.parse(readFileSync(lock, "utf8")) as { packages: object }).packages).filter((p) =>
      p.startsWith("node_modules/"),
    ).length;
    const du = await run("du", ["-sb", join(dir, "node_modules")], { cwd: dir, env });
    const data: PluginInstallData = { packages, bytes: Number(du.output.split(/\s/)[0]) };
    record("plugin-install", "npm run measure -- plugin-install", data);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const MEASUREMENTS: Record<string, (args: string[]) => Promise<void>> = {
  ci: (args) => ci(runsOf(args)),
  toolchain,
  "plugin-install": pluginInstall,
};

/** `--runs N` (default 1). */
function runsOf(args: string[]): number {
  const at = args.indexOf("--runs");
  if (at < 0) return 1;
  const n = Number(args[at + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--runs takes a whole number of runs, at least 1 (got ${args[at + 1]})`);
  return n;
}

if (require.main === module) {
  const what = process.argv[2] ?? "";
  const measure = MEASUREMENTS[what];
  if (!measure) {
    process.stderr.write(`${readFileSync(__filename, "utf8").split("*/")[0]}*/\n`);
    process.exitCode = 2;
  } else {
    Promise.resolve()
      .then(() => measure(process.argv.slice(3)))
      .catch((err: Error) => {
        process.stderr.write(`measure ${what}: ${err.message}\n`);
        process.exitCode = 1;
      });
  }
}
