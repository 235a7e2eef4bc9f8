/**
 * `npm run bench`: RekkoWebhook against a no-op dynamic resource of the same shape, through
 * the real Pulumi CLI (Automation API, local file backend) and the local Rekko emulator.
 * See docs/PERFORMANCE.md for what is measured and the latest figures.
 *
 *   npm run bench                       # N = 1, 10, 100; 5 runs each; the rate-limited runs
 *   npm run bench -- --quick            # N = 1, 10; 1 run; no rate-limited runs
 *   npm run bench -- --json bench-results.json --doc
 *   npm run bench -- --only receiver [--doc]   # the receiver's figures alone (about 1 minute)
 *   npm run bench -- --only native [--doc]     # the native provider beside RekkoWebhook alone (--sizes, --runs)
 *
 * Options: --quick, --runs <k>, --sizes 1,10,100, --no-rate-limited, --rate-limited-n <n> (300),
 * --no-timing (only the rate-limited runs), --json <path>,
 * --doc (rewrite the results section of docs/PERFORMANCE.md), --deadline-minutes <m>;
 * for experiments: --env KEY=VALUE (extra CLI environment, repeatable), --rekko-project <dir>
 * (measure another project in place of scripts/bench/projects/rekko).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Stack } from "@pulumi/pulumi/automation";
import { burstFor } from "../provider/core/rateLimit";
import { DEFAULT_MAX_REQUESTS_PER_MINUTE } from "../provider/core/settings";
import { RekkoEmulator } from "../provider/testing";
import { machine, versions } from "./bench/machine";
import { benchNative, nativeMarkdown } from "./bench/native";
import { ProcessSampler, type ProcessUsage } from "./bench/procs";
import { benchReceiver, receiverMarkdown } from "./bench/receiver";
import { markdown } from "./bench/report";
import {
  type BenchResult,
  evaluate,
  KINDS,
  type Kind,
  type OpSample,
  PHASES,
  type Phase,
  type RateLimitedRun,
  type StateSize,
  summarize,
} from "./bench/results";
import { exportText, openProject, ROOT, type TestProject, toolchainDir } from "./rig/engine";
import { paceOf, pacingFloorMs } from "./rig/pace";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
    sizes: { type: "string" },
    "no-rate-limited": { type: "boolean", default: false },
    "rate-limited-n": { type: "string" },
    "no-timing": { type: "boolean", default: false },
    json: { type: "string" },
    doc: { type: "boolean", default: false },
    "deadline-minutes": { type: "string", default: "45" },
    env: { type: "string", multiple: true },
    "rekko-project": { type: "string" },
    only: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

const PROJECTS = join(__dirname, "bench", "projects");
const DOC = join(ROOT, "docs", "PERFORMANCE.md");
/** Both projects declare one dynamic resource type each: `…/rekko:RekkoWebhook`, `…/rekko:NoopWebhook`. */
const DYNAMIC = "pulumi-nodejs:dynamic/";
/** The client limit for the timing runs: the emulator has no rate limit there (see docs/PERFORMANCE.md). */
const UNTHROTTLED = "100000";
const RATE_LIMIT = 120;
/**
 * Webhooks of the rate-limited runs: 300 at 110/min take at least (300 − 9) / 110 min ≈ 159 s,
 * several of the API's 60-second windows, so a client that paces too fast meets 429s and one
 * that paces too slowly misses the floor.
 */
const RATE_LIMITED_N = 300;

const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function positiveInts(text: string, what: string): number[] {
  const list = text.split(",").map((x) => Number(x.trim()));
  if (list.length === 0 || list.some((x) => !Number.isInteger(x) || x < 1 || x > 1000)) {
    throw new Error(`${what} must be a comma-separated list of integers from 1 to 1000, got ${JSON.stringify(text)}`);
  }
  return list;
}

/** Rekko API calls since `mark`, with webhook ids folded into `{id}`. */
function apiCalls(emu: RekkoEmulator, mark: number) {
  const calls: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const entries = emu
    .requests()
    .slice(mark)
    .filter((r) => r.path.startsWith("/v1/"));
  for (const r of entries) {
    const key = `${r.method} ${r.path.replace(/\/v1\/webhooks\/[^/]+$/, "/v1/webhooks/{id}")}`;
    calls[key] = (calls[key] ?? 0) + 1;
    statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
  }
  return { calls, statuses, entries };
}

async function runOp(stack: Stack, phase: Phase): Promise<Record<string, number>> {
  switch (phase) {
    case "preview":
      return { ...(await stack.preview()).changeSummary };
    case "up": {
      const r = await stack.up();
      if (r.summary.result !== "succeeded") throw new Error(`up ended ${r.summary.result}`);
      return { ...r.summary.resourceChanges };
    }
    case "refresh": {
      const r = await stack.refresh();
      if (r.summary.result !== "succeeded") throw new Error(`refresh ended ${r.summary.result}`);
      return { ...r.summary.resourceChanges };
    }
    case "destroy": {
      const r = await stack.destroy();
      if (r.summary.result !== "succeeded") throw new Error(`destroy ended ${r.summary.result}`);
      return { ...r.summary.resourceChanges };
    }
  }
}

/** Checks that the engine did what the phase should do to n resources (plus the stack itself). */
function checkChanges(phase: Phase, n: number, changes: Record<string, number>): void {
  const want: Record<Phase, [string, number]> = {
    preview: ["create", n + 1],
    up: ["create", n + 1],
    refresh: ["same", n + 1],
    destroy: ["delete", n + 1],
  };
  const [op, count] = want[phase];
  if ((changes[op] ?? 0) !== count) {
    throw new Error(`${phase} of ${n} resources reported ${JSON.stringify(changes)}, expected ${op}: ${count}`);
  }
}

async function timed(
  project: TestProject,
  emu: RekkoEmulator,
  at: { kind: Kind; n: number; run: number; phase: Phase },
): Promise<OpSample> {
  const mark = emu.requests().length;
  const sampler = new ProcessSampler();
  sampler.start();
  const t0 = performance.now();
  let changes: Record<string, number>;
  let ms: number;
  let usage: ProcessUsage;
  try {
    changes = await runOp(project.stack, at.phase);
    ms = performance.now() - t0;
  } finally {
    usage = await sampler.stop();
  }
  checkChanges(at.phase, at.n, changes);
  const { calls, statuses } = apiCalls(emu, mark);
  return { ...at, ms, changes, calls, statuses, ...usage };
}

async function stateSize(project: TestProject, kind: Kind, n: number): Promise<StateSize> {
  const text = await exportText(project.stack);
  const deployment = (
    JSON.parse(text) as {
      deployment?: { resources?: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] };
    }
  ).deployment;
  const mine = (deployment?.resources ?? []).filter((r) => r.type.startsWith(DYNAMIC));
  if (mine.length !== n) throw new Error(`stack export of ${kind} holds ${mine.length} dynamic resources, expected ${n}`);
  const mean = (bytes: (r: (typeof mine)[number]) => number) =>
    Math.round(mine.reduce((sum, r) => sum + bytes(r), 0) / mine.length);
  const json = (v: unknown) => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)));
  const entryBytes = mean(json);
  const entryWithoutProviderBytes = mean((r) => json(r) - json(r.inputs?.__provider) - json(r.outputs?.__provider));
  const provider = mine[0]?.outputs?.__provider;
  return {
    kind,
    n,
    exportBytes: Buffer.byteLength(text),
    entryBytes,
    providerBytes: typeof provider === "string" ? Buffer.byteLength(provider) : 0,
    entryWithoutProviderBytes,
  };
}

/** Times one operation against the rate-limited emulator and reads its request log. */
async function limitedOp(project: TestProject, emu: RekkoEmulator, phase: "up" | "destroy", n: number): Promise<RateLimitedRun> {
  const mark = emu.requests().length;
  const started = Date.now();
  const t0 = performance.now();
  let ok = true;
  let error: string | undefined;
  try {
    await runOp(project.stack, phase);
  } catch (err) {
    ok = false;
    error = (err as Error).message.split("\n").slice(0, 3).join(" ");
  }
  const ms = performance.now() - t0;
  const { entries } = apiCalls(emu, mark);
  const served = entries.filter((r) => r.status !== 429);
  const burst = burstFor(DEFAULT_MAX_REQUESTS_PER_MINUTE);
  const pace = paceOf(entries, burst);
  const webhooksAfter = emu.webhooks().length;
  const result: RateLimitedRun = {
    phase,
    n,
    emulatorLimitPerMinute: RATE_LIMIT,
    clientLimitPerMinute: DEFAULT_MAX_REQUESTS_PER_MINUTE,
    clientBurst: burst,
    ms,
    succeeded: ok && webhooksAfter === (phase === "up" ? n : 0),
    ...(error ? { error } : {}),
    webhooksAfter,
    served: pace.served,
    status429: pace.status429,
    otherErrors: served.filter((r) => r.status >= 400 || r.status === 0).length,
    spanMs: pace.spanMs,
    floorMs: pacingFloorMs(pace.served, burst, DEFAULT_MAX_REQUESTS_PER_MINUTE),
    firstRequestAfterMs: (pace.firstAt ?? started) - started,
    ratePerMinute: pace.ratePerMinute,
    ratePerMinuteWholeOperation: (pace.served * 60_000) / ms,
    ratePerMinuteAfterBurst: pace.steadyPerMinute,
    fraction: pace.steadyPerMinute / RATE_LIMIT,
  };
  log(`rate-limited ${phase}: ${JSON.stringify(result)}`);
  return result;
}

/**
 * `up` of n webhooks, then `destroy`, against an emulator enforcing 120 requests a minute,
 * with the client's default limit, in a fresh stack. (The limit cannot be lifted for the
 * destroy: refresh and destroy configure the provider with the config stored in state.)
 */
async function rateLimitedRuns(n: number): Promise<RateLimitedRun[]> {
  const emu = await RekkoEmulator.start({ rateLimitPerMinute: RATE_LIMIT });
  let project: TestProject | undefined;
  try {
    project = await openProject(projectDir("rekko"), engineExtraEnv());
    await project.stack.setAllConfig({
      "rekko:apiKey": { value: emu.apiKey, secret: true },
      "rekko:baseUrl": { value: emu.url },
      count: { value: String(n) },
    });
    log(
      `rate-limited up and destroy of ${n} (emulator ${RATE_LIMIT}/min, client default ${DEFAULT_MAX_REQUESTS_PER_MINUTE}/min)`,
    );
    const up = await limitedOp(project, emu, "up", n);
    const destroy = await limitedOp(project, emu, "destroy", n);
    return [up, destroy];
  } finally {
    await project?.destroyAndRemove().catch((err: Error) => log(`clean-up of ${project?.dir}: ${err.message}`));
    await emu.stop();
  }
}

/** The project of a kind; `--rekko-project <dir>` measures another project in place of RekkoWebhook's (experiments). */
function projectDir(kind: Kind): string {
  return kind === "rekko" && args["rekko-project"] ? resolve(process.cwd(), args["rekko-project"]) : join(PROJECTS, kind);
}

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

/** Rewrites the `<!-- section:begin -->` … `<!-- section:end -->` part of docs/PERFORMANCE.md. */
function writeDoc(body: string, section = "bench"): void {
  const text = readFileSync(DOC, "utf8");
  const begin = `<!-- ${section}:begin -->`;
  const end = `<!-- ${section}:end -->`;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${DOC} has no ${begin} … ${end} section to rewrite`);
  writeFileSync(DOC, `${text.slice(0, a + begin.length)}\n${body}\n${text.slice(b)}`);
}

async function main(): Promise<void> {
  if (args.help) {
    process.stdout.write(`${readFileSync(__filename, "utf8").split("*/")[0]}*/\n`);
    return;
  }
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 22)
    throw new Error(`Node ${process.version}: run with Node >= 22 (npm run bench puts node_modules/.bin first on PATH)`);
  const quick = args.quick ?? false;
  const runs = args.runs ? (positiveInts(args.runs, "--runs")[0] ?? 1) : quick ? 1 : 5;
  const timing = !args["no-timing"];
  const sizes = !timing ? [] : args.sizes ? positiveInts(args.sizes, "--sizes") : quick ? [1, 10] : [1, 10, 100];
  const withRateLimited = !quick && !args["no-rate-limited"];
  const rateLimitedN = args["rate-limited-n"]
    ? (positiveInts(args["rate-limited-n"], "--rate-limited-n")[0] ?? RATE_LIMITED_N)
    : RATE_LIMITED_N;
  const deadlineMinutes = Number(args["deadline-minutes"]);
  const deadline = setTimeout(
    () => {
      log(`deadline of ${deadlineMinutes} minutes passed; aborting`);
      process.exit(2);
    },
    (Number.isFinite(deadlineMinutes) && deadlineMinutes > 0 ? deadlineMinutes : 45) * 60_000,
  );
  deadline.unref();

  const startedAt = new Date();
  const t0 = performance.now();
  const host = machine();
  log("building the package (scripts/build.sh)");
  execFileSync("bash", [join(ROOT, "scripts", "build.sh")], { cwd: ROOT, stdio: "inherit" });
  if (args.only !== undefined && args.only !== "receiver" && args.only !== "native")
    throw new Error(`--only takes "receiver" or "native", got ${JSON.stringify(args.only)}`);
  const receiverRuns = args.runs ? (positiveInts(args.runs, "--runs")[0] ?? 1) : quick ? 3 : 7;
  /** Prints a section's figures (rendered with the time and the machine) and, with --doc, writes them to its part of the doc. */
  const publish = (section: string, render: (when: string, hostLine: string) => string) => {
    const hostLine = `${host.nproc} CPUs (${host.cpuModel}), load ${loadavg()[0]?.toFixed(2)} at the end`;
    const text = render(new Date().toISOString().slice(0, 16).replace("T", " "), hostLine);
    process.stdout.write(`\n${text}\n`);
    if (args.doc) {
      writeDoc(text, section);
      log(`updated the ${section} section of ${DOC}`);
    }
  };
  const receiverFigures = async () => {
    const figures = await benchReceiver(ROOT, receiverRuns, log);
    publish("receiver", (when, hostLine) => receiverMarkdown(figures, when, hostLine));
    return figures;
  };
  if (args.only === "receiver") {
    const figures = await receiverFigures();
    if (args.json) writeFileSync(resolve(process.cwd(), args.json), `${JSON.stringify(figures, null, 2)}\n`);
    return;
  }
  // The native provider beside RekkoWebhook: same N, same phases, same unthrottled settings.
  const nativeFigures = async () => {
    const emu = await RekkoEmulator.start();
    try {
      const config = {
        "rekko:apiKey": { value: emu.apiKey, secret: true },
        "rekko:baseUrl": { value: emu.url },
        "rekko:maxRequestsPerMinute": { value: UNTHROTTLED },
      };
      const figures = await benchNative(emu, PROJECTS, sizes.length ? sizes : [1, 10, 100], runs, config, log);
      publish("native", (when, hostLine) => nativeMarkdown(figures, when, hostLine));
      return figures;
    } finally {
      await emu.stop();
    }
  };
  if (args.only === "native") {
    const figures = await nativeFigures();
    if (args.json) writeFileSync(resolve(process.cwd(), args.json), `${JSON.stringify(figures, null, 2)}\n`);
    return;
  }
  const tools = toolchainDir();
  const ver = versions(ROOT, tools);
  log(`toolchain ${tools}; ${JSON.stringify(ver)}`);

  const emu = await RekkoEmulator.start();
  const projects: Partial<Record<Kind, TestProject>> = {};
  const samples: OpSample[] = [];
  const state: StateSize[] = [];
  let rateLimited: RateLimitedRun[] = [];
  try {
    for (const kind of timing ? KINDS : []) {
      const project = await openProject(projectDir(kind), engineExtraEnv());
      projects[kind] = project;
      // The same stack config for both, so the engine does the same config work.
      await project.stack.setAllConfig({
        "rekko:apiKey": { value: emu.apiKey, secret: true },
        "rekko:baseUrl": { value: emu.url },
        "rekko:maxRequestsPerMinute": { value: UNTHROTTLED },
        count: { value: "1" },
      });
    }
    const stackOf = (kind: Kind): TestProject => {
      const p = projects[kind];
      if (!p) throw new Error(`no project for ${kind}`);
      return p;
    };
    if (timing) log("warm-up: one preview of each project (not counted)");
    for (const kind of timing ? KINDS : []) await stackOf(kind).stack.preview();

    for (const n of sizes) {
      for (const kind of KINDS) await stackOf(kind).stack.setConfig("count", { value: String(n) });
      for (let run = 1; run <= runs; run++) {
        // Each phase of both back to back, the first alternating by run, so drift and other
        // load on the machine hit both alike.
        const order: Kind[] = run % 2 === 1 ? ["rekko", "baseline"] : ["baseline", "rekko"];
        for (const phase of PHASES) {
          for (const kind of order) {
            const project = stackOf(kind);
            const sample = await timed(project, emu, { kind, n, run, phase });
            samples.push(sample);
            log(
              `N=${n} run ${run} ${phase.padEnd(7)} ${kind.padEnd(8)} ${(sample.ms / 1000).toFixed(2)} s  calls: ${JSON.stringify(sample.calls)}`,
            );
            if (phase === "up" && run === 1 && n > 1) state.push(await stateSize(project, kind, n));
          }
        }
        if (emu.webhooks().length !== 0)
          throw new Error(`after destroy the emulator still holds ${emu.webhooks().length} webhooks`);
      }
    }
    if (withRateLimited) rateLimited = await rateLimitedRuns(rateLimitedN);
  } finally {
    for (const project of Object.values(projects)) {
      await project?.destroyAndRemove().catch((err: Error) => log(`clean-up of ${project.dir}: ${err.message}`));
    }
    await emu.stop();
  }

  host.loadAtEnd = loadavg()[0] ?? 0;
  const partial = {
    startedAt: startedAt.toISOString(),
    options: { quick, runs, sizes, rateLimited: withRateLimited },
    settings: {
      "rekko:maxRequestsPerMinute (timing runs)": UNTHROTTLED,
      "emulator rate limit (timing runs)": "off",
      "rate-limited run: emulator limit per minute": RATE_LIMIT,
      "rate-limited run: client limit per minute": DEFAULT_MAX_REQUESTS_PER_MINUTE,
      "pulumi --parallel": "default (4 × GOMAXPROCS)",
      ...(args.env?.length ? { "extra CLI environment": args.env.join(" ") } : {}),
      ...(args["rekko-project"] ? { "rekko project": projectDir("rekko") } : {}),
    },
    machine: host,
    versions: ver,
    samples,
    summary: summarize(samples, sizes),
    state,
    rateLimited,
  };
  const result: BenchResult = {
    ...partial,
    finishedAt: new Date().toISOString(),
    totalSeconds: (performance.now() - t0) / 1000,
    targets: evaluate(partial),
  };
  const text = markdown(result);
  process.stdout.write(`\n${text}\n`);
  if (args.json) {
    const path = resolve(process.cwd(), args.json);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${path}`);
  }
  if (args.doc) {
    writeDoc(text);
    log(`updated ${DOC}`);
  }
  if (timing) await receiverFigures();
  if (timing) await nativeFigures();
  const missed = result.targets.filter((t) => t.holds === false).length;
  const undecided = result.targets.filter((t) => t.holds === null).length;
  log(
    `${result.targets.length - missed - undecided} of ${result.targets.length} targets hold, ${missed} missed, ${undecided} without a verdict; ${result.totalSeconds.toFixed(0)} s in all`,
  );
  // A missed target fails the run (no verdict does not).
  if (missed) process.exitCode = 1;
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
