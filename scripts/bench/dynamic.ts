/**
 * RekkoWebhook against a no-op dynamic resource of the same shape (scripts/bench/projects/rekko
 * and baseline), phase by phase and back to back, through the real Pulumi CLI against the local
 * emulator: wall time, API calls, state size, memory, CPU; and the rate-limited runs of
 * RekkoWebhook against an emulator that enforces the API's limit. See docs/PERFORMANCE.md.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Stack } from "@pulumi/pulumi/automation";
import { burstFor } from "../../provider/core/rateLimit";
import { DEFAULT_MAX_REQUESTS_PER_MINUTE } from "../../provider/core/settings";
import { RekkoEmulator } from "../../provider/testing";
import { exportText, openProject, type TestProject } from "../rig/engine";
import { paceOf, pacingFloorMs } from "../rig/pace";
import { countCalls } from "./calls";
import { ProcessSampler, type ProcessUsage } from "./procs";
import { KINDS, type Kind, type OpSample, PHASES, type Phase, type RateLimitedRun, type StateSize } from "./results";

/** Both projects declare one dynamic resource type each: `…/rekko:RekkoWebhook`, `…/rekko:NoopWebhook`. */
const DYNAMIC = "pulumi-nodejs:dynamic/";
/** The client limit for the timing runs: the emulator has no rate limit there (see docs/PERFORMANCE.md). */
export const UNTHROTTLED = "100000";
/** The emulator's limit in the rate-limited runs: the API's documented limit for Pro keys. */
export const RATE_LIMIT = 120;

export type Log = (msg: string) => void;

/** Where the projects come from and what the CLI gets, for both projects. */
export interface ProjectOptions {
  /** The project of each kind (`--rekko-project` measures another one in place of RekkoWebhook's). */
  dirOf: (kind: Kind) => string;
  /** Extra environment for the CLI (`--env`). */
  env: Record<string, string>;
}

async function runOp(stack: Stack, phase: Phase | "up" | "destroy"): Promise<Record<string, number>> {
  if (phase === "preview") return { ...(await stack.preview()).changeSummary };
  const r = phase === "refresh" ? await stack.refresh() : phase === "destroy" ? await stack.destroy() : await stack.up();
  if (r.summary.result !== "succeeded") throw new Error(`${phase} ended ${r.summary.result}`);
  return { ...r.summary.resourceChanges };
}

/** Checks that the engine did what the phase should do to n resources (plus the stack itself). */
function checkChanges(phase: Phase, n: number, changes: Record<string, number>): void {
  const want: Record<Phase, [string, number]> = {
    preview: ["create", n + 1],
    up: ["create", n + 1],
    "second-up": ["same", n + 1],
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
  const { calls, statuses } = countCalls(emu.requests().slice(mark));
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

/**
 * The timing runs: for each N and run, each phase of both projects back to back (the first
 * alternating by run, so drift and other load hit both alike), after one unmeasured preview.
 */
export async function timingRuns(
  sizes: readonly number[],
  runs: number,
  projects: ProjectOptions,
  log: Log,
): Promise<{ samples: OpSample[]; state: StateSize[] }> {
  const emu = await RekkoEmulator.start();
  const open: Partial<Record<Kind, TestProject>> = {};
  const samples: OpSample[] = [];
  const state: StateSize[] = [];
  try {
    for (const kind of KINDS) {
      const project = await openProject(projects.dirOf(kind), projects.env);
      open[kind] = project;
      // The same stack config for both, so the engine does the same config work.
      await project.stack.setAllConfig({
        "rekko:apiKey": { value: emu.apiKey, secret: true },
        "rekko:baseUrl": { value: emu.url },
        "rekko:maxRequestsPerMinute": { value: UNTHROTTLED },
        count: { value: "1" },
      });
    }
    const stackOf = (kind: Kind): TestProject => {
      const p = open[kind];
      if (!p) throw new Error(`no project for ${kind}`);
      return p;
    };
    log("warm-up: one preview of each project (not counted)");
    for (const kind of KINDS) await stackOf(kind).stack.preview();
    for (const n of sizes) {
      for (const kind of KINDS) await stackOf(kind).stack.setConfig("count", { value: String(n) });
      for (let run = 1; run <= runs; run++) {
        const order: Kind[] = run % 2 === 1 ? ["rekko", "baseline"] : ["baseline", "rekko"];
        for (const phase of PHASES) {
          for (const kind of order) {
            const project = stackOf(kind);
            const sample = await timed(project, emu, { kind, n, run, phase });
            samples.push(sample);
            log(
              `N=${n} run ${run} ${phase.padEnd(9)} ${kind.padEnd(8)} ${(sample.ms / 1000).toFixed(2)} s  calls: ${JSON.stringify(sample.calls)}`,
            );
            if (phase === "up" && run === 1 && n > 1) state.push(await stateSize(project, kind, n));
          }
        }
        if (emu.webhooks().length !== 0)
          throw new Error(`after destroy the emulator still holds ${emu.webhooks().length} webhooks`);
      }
    }
  } finally {
    for (const project of Object.values(open)) {
      await project?.destroyAndRemove().catch((err: Error) => log(`clean-up of ${project.dir}: ${err.message}`));
    }
    await emu.stop();
  }
  return { samples, state };
}

/** Times one operation against the rate-limited emulator and reads its request log. */
async function limitedOp(
  project: TestProject,
  emu: RekkoEmulator,
  phase: "up" | "destroy",
  n: number,
  log: Log,
): Promise<RateLimitedRun> {
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
  const entries = emu
    .requests()
    .slice(mark)
    .filter((r) => r.path.startsWith("/v1/"));
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
 * `up` of n webhooks, then `destroy`, against an emulator enforcing the API's limit, with the
 * client's default limit, in a fresh stack. (The limit cannot be lifted for the destroy: refresh
 * and destroy configure the provider with the config stored in state.)
 */
export async function rateLimitedRuns(n: number, projects: ProjectOptions, log: Log): Promise<RateLimitedRun[]> {
  const emu = await RekkoEmulator.start({ rateLimitPerMinute: RATE_LIMIT });
  let project: TestProject | undefined;
  try {
    project = await openProject(projects.dirOf("rekko"), projects.env);
    await project.stack.setAllConfig({
      "rekko:apiKey": { value: emu.apiKey, secret: true },
      "rekko:baseUrl": { value: emu.url },
      count: { value: String(n) },
    });
    log(
      `rate-limited up and destroy of ${n} (emulator ${RATE_LIMIT}/min, client default ${DEFAULT_MAX_REQUESTS_PER_MINUTE}/min)`,
    );
    const up = await limitedOp(project, emu, "up", n, log);
    const destroy = await limitedOp(project, emu, "destroy", n, log);
    return [up, destroy];
  } finally {
    await project?.destroyAndRemove().catch((err: Error) => log(`clean-up of ${project?.dir}: ${err.message}`));
    await emu.stop();
  }
}

/** The default project of a kind. */
export const projectDir = (kind: Kind | "native" | "costs-dynamic" | "costs-native") => join(__dirname, "projects", kind);
