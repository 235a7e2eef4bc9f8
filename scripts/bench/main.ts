/**
 * `npm run bench`: what pulumi-rekko costs, through the real Pulumi CLI (local file backend) and
 * the local Rekko emulator. Five parts, each with its own figures in docs/PERFORMANCE.md:
 *   dynamic   RekkoWebhook against a no-op dynamic resource of the same shape: time, API calls,
 *             state, memory, CPU per phase; then the rate-limited runs (figure source `bench`)
 *   native    the native rekko:index:Webhook beside RekkoWebhook (`bench-native`)
 *   costs     the API calls of every operation on both faces (`bench-costs`)
 *   receiver  pulumi-rekko/receiver: cold import, web bundle, verification throughput (`bench-receiver`)
 *   plugin    the executable plugin beside the Node.js-runtime plugin and the dynamic resource: start
 *             to a GetSchema answer, memory, download size, the phases at N = 100 (`bench-plugin`)
 *
 *   npm run bench                           # every part at full size (N = 1, 10, 100; 5 runs; rate-limited runs of 300)
 *   npm run bench -- --record               # the same, then records the results in docs/figures/ and rewrites the docs' blocks
 *   npm run bench -- --only costs --record  # one part (repeatable: --only native --only costs)
 *   npm run bench -- --quick                # N = 1, 10; 1 run; no rate-limited runs; costs at N = 2; plugin at N = 10 (never recorded)
 *
 * Options: --runs <k>, --sizes 1,10,100, --costs-n <n> (3), --plugin-n <n> (100), --plugin-starts <k> (10),
 * --plugin-exe <path> (measure this executable, or the one in this release archive, instead of building it), --no-rate-limited, --rate-limited-n <n> (300),
 * --no-timing (the dynamic part's rate-limited runs only), --json <path> (every part's results),
 * --deadline-minutes <m> (45 per part); for experiments: --env KEY=VALUE (extra CLI environment,
 * repeatable), --rekko-project <dir> (measure another project in place of scripts/bench/projects/rekko).
 * A missed target makes the run exit 1. Set-up (npm ci when needed, build, toolchain) is
 * scripts/setup.sh's, as for `npm run demo`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { DEFAULT_MAX_REQUESTS_PER_MINUTE } from "../../provider/core/settings";
import { RekkoEmulator } from "../../provider/testing";
import { record } from "../figures/record";
import { ROOT, toolchainDir } from "../rig/engine";
import { benchCosts } from "./costs";
import { type CostsResults, costsTargets } from "./costs-report";
import { type Log, projectDir, RATE_LIMIT, rateLimitedRuns, timingRuns, UNTHROTTLED } from "./dynamic";
import { machine, versions } from "./machine";
import { benchNative } from "./native";
import { type NativeResults, nativeTargets } from "./native-report";
import { hostExecutable, pluginStarts } from "./plugin";
import { type PluginResults, pluginTargets } from "./plugin-report";
import { benchReceiver } from "./receiver";
import { type ReceiverResults, receiverTargets } from "./receiver-report";
import { markdown } from "./report";
import { type BenchResult, evaluate, type Kind, type RateLimitedRun, summarize, type Target } from "./results";

const PARTS = ["dynamic", "native", "costs", "receiver", "plugin"] as const;
type Part = (typeof PARTS)[number];
/** The figure source each part records. */
const SOURCE: Record<Part, string> = {
  dynamic: "bench",
  native: "bench-native",
  costs: "bench-costs",
  receiver: "bench-receiver",
  plugin: "bench-plugin",
};

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
    sizes: { type: "string" },
    "costs-n": { type: "string" },
    "plugin-n": { type: "string" },
    "plugin-starts": { type: "string" },
    "plugin-exe": { type: "string" },
    "no-rate-limited": { type: "boolean", default: false },
    "rate-limited-n": { type: "string" },
    "no-timing": { type: "boolean", default: false },
    json: { type: "string" },
    record: { type: "boolean", default: false },
    "deadline-minutes": { type: "string", default: "45" },
    env: { type: "string", multiple: true },
    "rekko-project": { type: "string" },
    only: { type: "string", multiple: true },
    help: { type: "boolean", default: false },
  },
});

const log: Log = (msg) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function positiveInts(text: string, what: string): number[] {
  const list = text.split(",").map((x) => Number(x.trim()));
  if (list.length === 0 || list.some((x) => !Number.isInteger(x) || x < 1 || x > 1000)) {
    throw new Error(`${what} must be a comma-separated list of integers from 1 to 1000, got ${JSON.stringify(text)}`);
  }
  return list;
}
const positiveInt = (text: string | undefined, what: string, fallback: number) =>
  text === undefined ? fallback : (positiveInts(text, what)[0] ?? fallback);

/** `--env KEY=VALUE` (repeatable): extra environment for the CLI of both projects (experiments). */
function engineExtraEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of args.env ?? []) {
    const at = pair.indexOf("=");
    if (at < 1) throw new Error(`--env wants KEY=VALUE, got ${JSON.stringify(pair)}`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

/** The command that measures a part again, as recorded with its figures. */
const commandFor = (part: Part) => `npm run bench -- --only ${part} --record`;

/** Runs a part within the deadline (the process exits 2 if it passes). */
async function withDeadline<T>(part: Part, run: () => Promise<T>): Promise<T> {
  const minutes = Number(args["deadline-minutes"]);
  const timer = setTimeout(
    () => {
      log(`the ${part} part passed its deadline of ${minutes} minutes; aborting`);
      process.exit(2);
    },
    (Number.isFinite(minutes) && minutes > 0 ? minutes : 45) * 60_000,
  );
  try {
    return await run();
  } finally {
    clearTimeout(timer);
  }
}

async function dynamicPart(quick: boolean, runs: number, sizes: number[]): Promise<BenchResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const host = machine();
  const ver = versions(ROOT, toolchainDir());
  log(`toolchain ${toolchainDir()}; ${JSON.stringify(ver)}`);
  const projects = {
    dirOf: (kind: Kind) =>
      kind === "rekko" && args["rekko-project"] ? resolve(process.cwd(), args["rekko-project"]) : projectDir(kind),
    env: engineExtraEnv(),
  };
  const timing = !args["no-timing"];
  const withRateLimited = !quick && !args["no-rate-limited"];
  const { samples, state } = timing ? await timingRuns(sizes, runs, projects, log) : { samples: [], state: [] };
  const rateLimited: RateLimitedRun[] = withRateLimited
    ? await rateLimitedRuns(positiveInt(args["rate-limited-n"], "--rate-limited-n", 300), projects, log)
    : [];
  host.loadAtEnd = loadavg()[0] ?? 0;
  const partial = {
    startedAt: startedAt.toISOString(),
    options: { quick, runs, sizes: timing ? sizes : [], rateLimited: withRateLimited },
    settings: {
      "rekko:maxRequestsPerMinute (timing runs)": UNTHROTTLED,
      "emulator rate limit (timing runs)": "off",
      "rate-limited run: emulator limit per minute": RATE_LIMIT,
      "rate-limited run: client limit per minute": DEFAULT_MAX_REQUESTS_PER_MINUTE,
      "pulumi --parallel": "default (4 × GOMAXPROCS)",
      ...(args.env?.length ? { "extra CLI environment": args.env.join(" ") } : {}),
      ...(args["rekko-project"] ? { "rekko project": projects.dirOf("rekko") } : {}),
    },
    machine: host,
    versions: ver,
    samples,
    summary: summarize(samples, timing ? sizes : []),
    state,
    rateLimited,
  };
  return {
    ...partial,
    finishedAt: new Date().toISOString(),
    totalSeconds: (performance.now() - t0) / 1000,
    targets: evaluate(partial),
  };
}

/** The stack config of the timing runs: the emulator's key and address, the client's limit lifted. */
const unthrottled = (emu: RekkoEmulator) => ({
  "rekko:apiKey": { value: emu.apiKey, secret: true },
  "rekko:baseUrl": { value: emu.url },
  "rekko:maxRequestsPerMinute": { value: UNTHROTTLED },
});

async function nativePart(runs: number, sizes: number[]): Promise<NativeResults> {
  const host = machine();
  const emu = await RekkoEmulator.start();
  try {
    const config = unthrottled(emu);
    const faces = [
      { face: "rekko", dir: projectDir("rekko") },
      { face: "native", dir: projectDir("native") },
    ] as const;
    const bench = await benchNative(emu, faces, sizes, runs, config, log);
    host.loadAtEnd = loadavg()[0] ?? 0;
    return { ...bench, machine: host, targets: nativeTargets(bench) };
  } finally {
    await emu.stop();
  }
}

async function costsPart(n: number): Promise<CostsResults> {
  const host = machine();
  const bench = await benchCosts(n, log);
  host.loadAtEnd = loadavg()[0] ?? 0;
  return { ...bench, machine: host, targets: costsTargets(bench) };
}

/** The size of the npm package's tarball, which carries the Node.js-runtime plugin (`npm pack --dry-run`). */
function npmPackageBytes(): { what: string; bytes: number } {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const [pack] = JSON.parse(out) as { filename: string; size: number }[];
  if (!pack) throw new Error("npm pack --dry-run --json printed no package");
  return { what: `${pack.filename}, with its dependencies installed on first use`, bytes: pack.size };
}

async function pluginPart(n: number, runs: number, starts: number): Promise<PluginResults> {
  const host = machine();
  const { exe, archive } = hostExecutable(ROOT, join(ROOT, ".work", "bench", "plugin"), args["plugin-exe"]);
  log(`executable plugin: ${exe}`);
  const nodePlugin = join(ROOT, "dist", "provider", "native", "main.js");
  const startRuns = await pluginStarts(
    [
      { face: "exe", command: exe },
      { face: "native", command: process.execPath, args: [nodePlugin] },
    ],
    starts,
    log,
  );
  const archives: PluginResults["archives"] = [{ face: "native", ...npmPackageBytes() }];
  if (archive) archives.unshift({ face: "exe", what: basename(archive), bytes: statSync(archive).size });
  const emu = await RekkoEmulator.start();
  try {
    const config = unthrottled(emu);
    const faces = [
      { face: "exe", dir: projectDir("native"), plugin: exe },
      { face: "native", dir: projectDir("native") },
      { face: "rekko", dir: projectDir("rekko") },
    ] as const;
    const phases = await benchNative(emu, faces, [n], runs, config, log);
    host.loadAtEnd = loadavg()[0] ?? 0;
    const partial = { starts: startRuns, phases };
    return { machine: host, archives, ...partial, targets: pluginTargets(partial) };
  } finally {
    await emu.stop();
  }
}

async function receiverPart(runs: number): Promise<ReceiverResults> {
  const host = machine();
  const bench = await benchReceiver(ROOT, runs, log);
  host.loadAtEnd = loadavg()[0] ?? 0;
  return { ...bench, machine: host, targets: receiverTargets(bench) };
}

async function main(): Promise<void> {
  if (args.help) {
    process.stdout.write(`${readFileSync(__filename, "utf8").split("*/")[0]}*/\n`);
    return;
  }
  if (Number(process.versions.node.split(".")[0]) < 22)
    throw new Error(`Node ${process.version}: run with Node >= 22 (npm run bench puts node_modules/.bin first on PATH)`);
  const quick = args.quick ?? false;
  if (quick && args.record) throw new Error("--record keeps full measurements only; drop --quick (or name --sizes and --runs)");
  const parts = (args.only ?? [...PARTS]) as Part[];
  for (const p of parts) if (!PARTS.includes(p)) throw new Error(`--only takes ${PARTS.join(", ")}, got ${JSON.stringify(p)}`);
  const runs = positiveInt(args.runs, "--runs", quick ? 1 : 5);
  const sizes = args.sizes ? positiveInts(args.sizes, "--sizes") : quick ? [1, 10] : [1, 10, 100];
  const results: Partial<Record<Part, unknown>> = {};
  const t0 = performance.now();
  for (const part of parts) {
    if (part === "plugin" && !args.only && !args["plugin-exe"] && !existsSync(join(ROOT, "scripts", "dist-plugin.ts"))) {
      log(
        "part plugin skipped: this checkout has no executable plugin build (scripts/dist-plugin.ts); --plugin-exe <path> measures one",
      );
      continue;
    }
    log(`part ${part}`);
    const data = await withDeadline(part, async () => {
      if (part === "dynamic") return dynamicPart(quick, runs, sizes);
      if (part === "native") return nativePart(runs, sizes);
      if (part === "costs") return costsPart(positiveInt(args["costs-n"], "--costs-n", quick ? 2 : 3));
      if (part === "plugin")
        return pluginPart(
          positiveInt(args["plugin-n"], "--plugin-n", quick ? 10 : 100),
          runs,
          positiveInt(args["plugin-starts"], "--plugin-starts", quick ? 3 : 10),
        );
      return receiverPart(positiveInt(args.runs, "--runs", quick ? 3 : 7));
    });
    results[part] = data;
    if (part === "dynamic") process.stdout.write(`\n${markdown(data as BenchResult)}\n`);
    if (args.record) record(SOURCE[part], commandFor(part), data);
  }
  if (args.json) {
    const path = resolve(process.cwd(), args.json);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
    log(`wrote ${path}`);
  }
  const targets = Object.values(results).flatMap((r) => (r as { targets?: Target[] }).targets ?? []);
  const missed = targets.filter((t) => t.holds === false);
  const undecided = targets.filter((t) => t.holds === null).length;
  for (const t of missed) log(`MISSED ${t.name}: wanted ${t.target}; measured ${t.measured}`);
  log(
    `${targets.length - missed.length - undecided} of ${targets.length} targets hold, ${missed.length} missed, ${undecided} without a verdict; ` +
      `${((performance.now() - t0) / 1000).toFixed(0)} s in all`,
  );
  log(
    args.record
      ? `recorded in docs/figures/ and rendered into the docs; to measure again: ${parts.map(commandFor).join("; ")}`
      : `not recorded; to record these figures: ${parts.length === PARTS.length ? "npm run bench -- --record" : parts.map(commandFor).join("; ")}`,
  );
  // A missed target fails the run (no verdict does not).
  if (missed.length) process.exitCode = 1;
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
