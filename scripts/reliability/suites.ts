/**
 * The engine-level reliability suites: the real CLI on a file backend against the emulator
 * and its fault controls. Each suite returns summary lines (one per phase), the problems it
 * found (empty when it passed) and its figures; the specs assert on them, the script prints
 * them (scripts/reliability/main.ts).
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WEBHOOK_RESOURCE_TYPE } from "../../provider/core/orphans";
import { burstFor } from "../../provider/core/rateLimit";
import { DEFAULT_MAX_REQUESTS_PER_MINUTE } from "../../provider/core/settings";
import type { RekkoEmulator } from "../../provider/testing";
import { orphansCli, readdirTree, repairTruncatedAttrs, resourceCounts } from "../rig/cli";
import { ROOT, WORK } from "../rig/engine";
import {
  type CliResult,
  declareHooks,
  faultCount,
  findLeaks,
  type Leak,
  phaseLine,
  quiet,
  type RequestFigures,
  Rig,
  requestFigures,
  suiteLine,
  sumFigures,
  until,
} from "../rig/harness";
import { type Pace, paceOf, pacingFloorMs } from "../rig/pace";

/** What a suite reports. */
export interface SuiteReport {
  suite: string;
  /** One summary line per phase. */
  lines: string[];
  /** Everything that went wrong; empty when the suite passed. */
  problems: string[];
  /** Figures for docs/RELIABILITY.md. */
  data: Record<string, unknown>;
}

/** Faults of one phase. */
export interface FaultPlan {
  /** A 503 to every n-th API request. */
  every503: number;
  /** At most this many of those 503s (bounded runs; unlimited when absent). */
  limit503?: number;
  /** Random latency up to this many ms on every API request. */
  maxLatencyMs: number;
  /** 429 bursts (`Retry-After: 1`): `size` requests in a row, once `atRequest` API requests were seen. */
  bursts: { size: number; atRequest: number }[];
  /** Connections dropped after the server acted (e.g. stored the create). */
  drops?: { method: string; path: string; times: number };
}

const RATE_LIMITED = { detail: "Rate limit exceeded. Try again in 1 seconds." };

/** Programs a phase's faults; returns a function that stops the burst scheduler and clears them. */
export function installFaults(emu: RekkoEmulator, plan: FaultPlan): () => void {
  const start = emu.requests().length;
  const burst = (size: number) =>
    emu.addFault({
      kind: "status",
      path: "/v1/*",
      status: 429,
      times: size,
      headers: { "retry-after": "1" },
      body: RATE_LIMITED,
    });
  const pending = [...plan.bursts].sort((a, b) => a.atRequest - b.atRequest);
  while (pending[0]?.atRequest === 0) burst(pending.shift()?.size ?? 0);
  emu.addFault({
    kind: "status",
    path: "/v1/*",
    status: 503,
    every: plan.every503,
    ...(plan.limit503 !== undefined ? { times: plan.limit503 } : {}),
    body: { detail: "Service Unavailable (injected)" },
  });
  if (plan.drops) emu.addFault({ kind: "drop-after", ...plan.drops });
  if (plan.maxLatencyMs > 0)
    emu.addFault({ kind: "latency", path: "/v1/*", latencyMs: plan.maxLatencyMs, random: true, every: 1 });
  const timer = setInterval(() => {
    const seen = emu.requests().length - start;
    while (pending[0] && seen >= pending[0].atRequest) burst(pending.shift()?.size ?? 0);
  }, 10);
  return () => {
    clearInterval(timer);
    emu.clearFaults();
  };
}

function failed(step: string, r: CliResult): string {
  const tail = `${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`.trim();
  return `${step} exited ${r.code ?? r.signal}: …${tail}`;
}

/** Splits leaks into real ones and the SDK's own debug line in the engine event log (reported apart). */
export function leakFigures(
  leaks: Leak[],
  sdkDebugIn: readonly string[] = ["engine event log"],
): { real: Leak[]; sdkDebug: number } {
  const real = leaks.filter((l) => !(l.sdkDebug && sdkDebugIn.includes(l.where)));
  return { real, sdkDebug: leaks.length - real.length };
}

function leakProblems(real: Leak[]): string[] {
  return real.slice(0, 20).map((l) => `leak of ${l.what} in ${l.where}: …${l.context}…`);
}

/** Sizes of suite 1. */
export interface FaultsOptions {
  hooks: number;
  /** Unbounded 503s and two bursts per phase (full run); false bounds every fault so no call can use up its 6 attempts. */
  full: boolean;
}

/**
 * Suite 1, faults during up, refresh and destroy: 503 to every 4th request, random latency up
 * to 500 ms, dropped connections after 2 creates (and after a list and 2 deletes), 429 bursts
 * with Retry-After. Each phase must succeed; after `up` the emulator holds exactly the declared
 * webhooks (url, events, secret), `refresh --expect-no-changes` shows no drift, `destroy`
 * leaves none; the leak scan runs at the end (suite 5).
 */
export async function faultsSuite(options: FaultsOptions): Promise<SuiteReport> {
  const n = options.hooks;
  const report: SuiteReport = { suite: "faults", lines: [], problems: [], data: {} };
  const rig = await Rig.open({ hooks: declareHooks(n) });
  const bounded = options.full ? {} : { limit503: 2 };
  const bursts = (mid: number) =>
    options.full
      ? [
          { size: 3, atRequest: 0 },
          { size: 3, atRequest: mid },
        ]
      : [{ size: 2, atRequest: 0 }];
  try {
    const phase = async (
      name: string,
      plan: FaultPlan,
      run: () => Promise<CliResult>,
      check: (r: CliResult) => Promise<{ expected: number; found: number; problems: string[] }>,
    ) => {
      const mark = rig.mark();
      const stop = installFaults(rig.emu, plan);
      let r: CliResult;
      try {
        r = await run();
      } finally {
        stop();
      }
      const figures = rig.figures(mark);
      const outcome = await check(r);
      const problems = [...(r.code === 0 ? [] : [failed(`pulumi ${name}`, r)]), ...outcome.problems];
      // Every failed answer (injected 429/503, dropped connection) must have made the client retry
      // (or reconcile) once: counted by the client's onRetry hook, not derived from the faults.
      if (figures.retries !== figures.failedAnswers) {
        problems.push(`the client retried ${figures.retries} times for ${figures.failedAnswers} failed answers`);
      }
      report.problems.push(...problems.map((p) => `${name}: ${p}`));
      report.lines.push(
        phaseLine(name, {
          operations: n,
          figures,
          expected: outcome.expected,
          found: outcome.found,
          ms: r.ms,
          ok: problems.length === 0,
        }),
      );
      report.data[name] = { operations: n, ...figures, faults: faultCount(figures), ...outcome, exit: r.code, ms: r.ms };
      phases.push(figures);
      return outcome;
    };
    const phases: RequestFigures[] = [];
    const started = Date.now();

    const afterUp = await phase(
      "up",
      {
        every503: 4,
        ...bounded,
        maxLatencyMs: 500,
        bursts: bursts(Math.floor(n / 2)),
        drops: { method: "POST", path: "/v1/webhooks", times: 2 },
      },
      () => rig.up(),
      async () => rig.verify(),
    );
    await phase(
      "refresh",
      {
        every503: 4,
        ...bounded,
        maxLatencyMs: 500,
        bursts: [{ size: 2, atRequest: 0 }],
        drops: { method: "GET", path: "/v1/webhooks", times: 1 },
      },
      () => rig.refresh(["--expect-no-changes"]),
      async (r) => {
        const v = await rig.verify();
        const counts = resourceCounts(r.stdout);
        const drift = Object.entries(counts).filter(([k, c]) => k !== "unchanged" && c > 0);
        return { ...v, problems: [...v.problems, ...drift.map(([k, c]) => `refresh shows drift: ${c} ${k}`)] };
      },
    );
    const preview = await rig.run(["preview", "--expect-no-changes"]);
    if (preview.code !== 0) report.problems.push(failed("preview --expect-no-changes after refresh", preview));
    const afterDestroy = await phase(
      "destroy",
      {
        every503: 4,
        ...bounded,
        maxLatencyMs: 500,
        bursts: bursts(Math.floor(n / 2)),
        drops: { method: "DELETE", path: "/v1/webhooks/*", times: options.full ? 2 : 1 },
      },
      () => rig.destroy(),
      async () => {
        const state = await rig.state();
        const found = rig.emu.webhooks().length;
        const problems = [
          ...(found ? [`${found} webhooks left registered`] : []),
          ...(state.ids.length ? [`${state.ids.length} webhooks left in the state`] : []),
        ];
        return { expected: 0, found, problems };
      },
    );
    const leaks = await leakPhase(rig, report, "faults");
    report.lines.unshift(
      suiteLine(`suite 1 faults (${n} webhooks${options.full ? "" : ", bounded"})`, {
        operations: `${3 * n} (${n} creates, ${n} reads, ${n} deletes)`,
        figures: sumFigures(phases),
        webhooks: `after up expected=${afterUp.expected} found=${afterUp.found}, after destroy expected=0 found=${afterDestroy.found}`,
        leaks,
        ms: Date.now() - started,
        ok: report.problems.length === 0,
      }),
    );
  } finally {
    await rig.close();
  }
  return report;
}

/** Suite 5 after a suite: scans everything for the key and every secret; adds a summary line. */
async function leakPhase(
  rig: Rig,
  report: SuiteReport,
  suite: string,
  extra: Record<string, string> = {},
  sdkDebugIn: readonly string[] = ["engine event log"],
): Promise<number> {
  const leaks = await rig.leaks(extra);
  const { real, sdkDebug: sdkDebugInEventLog } = leakFigures(leaks, sdkDebugIn);
  report.problems.push(...leakProblems(real).map((p) => `${suite}: ${p}`));
  report.data[`leaks:${suite}`] = { real: real.length, sdkDebugInEventLog, needles: Object.keys(rig.needles()).length };
  report.lines.push(
    `    leaks: the API key and ${rig.secrets.size} webhook secrets searched in the stack export, CLI output, ` +
      `emulator request log, backend files, project files, CLI logs${Object.keys(extra).length ? `, ${Object.keys(extra).join(", ")}` : ""} ` +
      `and engine event log: ${real.length} hits (plus ${sdkDebugInEventLog} inside the Node SDK's RegisterResource debug ` +
      `diagnostics in the ${sdkDebugIn.join(" and ")}, upstream; see docs/RELIABILITY.md)`,
  );
  return real.length;
}

/** What suite 2 measured of one phase. */
export interface RatePhase {
  operations: number;
  found: number;
  expected: number;
  failedOps: number;
  exit: number | null;
  ms: number;
  figures: RequestFigures;
  pace: Pace;
  /** (requests − burst) / the client's limit: the least span its token bucket allows, ms. */
  floorMs: number;
}

/**
 * Suite 2, rate limit: the emulator allows `rate` requests a minute; `up` of `hooks` webhooks
 * must succeed with no failed operation; refresh and destroy follow at once (same minute).
 * Each phase reports the client's pace (steady state after its burst) against its own limit
 * and the API's, the floor its token bucket sets, the 429s and the client's retries.
 */
export async function rateLimitSuite(options: { hooks: number; rate: number; clientRate?: number }): Promise<SuiteReport> {
  const n = options.hooks;
  const clientLimit = options.clientRate ?? DEFAULT_MAX_REQUESTS_PER_MINUTE;
  const burst = burstFor(clientLimit);
  const report: SuiteReport = {
    suite: "rate-limit",
    lines: [],
    problems: [],
    data: { clientLimit, burst, apiLimit: options.rate },
  };
  const rig = await Rig.open({ hooks: declareHooks(n), emulator: { rateLimitPerMinute: options.rate } });
  try {
    if (options.clientRate) await rig.configSet("rekko:maxRequestsPerMinute", String(options.clientRate), false);
    const phase = async (name: string, run: () => Promise<CliResult>, expected: number) => {
      const mark = rig.mark();
      const r = await run();
      const figures = rig.figures(mark);
      const pace = paceOf(rig.emu.requests().slice(mark.requests), burst);
      const floorMs = pacingFloorMs(pace.served, burst, clientLimit);
      const found = rig.emu.webhooks().length;
      const failedOps = (r.stdout.match(/\*\*failed\*\*|error:/g) ?? []).length;
      const verify =
        name === "up" ? await rig.verify() : { problems: found === expected ? [] : [`${found} webhooks registered`] };
      const problems = [...(r.code === 0 ? [] : [failed(`pulumi ${name}`, r)]), ...verify.problems];
      report.problems.push(...problems.map((p) => `${name}: ${p}`));
      report.lines.push(
        phaseLine(name, {
          operations: n,
          figures,
          expected,
          found,
          ms: r.ms,
          ok: problems.length === 0,
          extra:
            `failed-operations=${failedOps} served=${pace.served} 429s=${pace.status429} span=${(pace.spanMs / 1000).toFixed(1)}s ` +
            `(floor ${(floorMs / 1000).toFixed(1)}s) steady=${pace.steadyPerMinute.toFixed(1)}/min (client ${clientLimit}, API ${options.rate})`,
        }),
      );
      const data: RatePhase = { operations: n, found, expected, failedOps, exit: r.code, ms: r.ms, figures, pace, floorMs };
      report.data[name] = data;
      phases.push(figures);
      return { found, failedOps };
    };
    const phases: RequestFigures[] = [];
    const started = Date.now();
    const up = await phase("up", () => rig.up(), n);
    const refresh = await phase("refresh", () => rig.refresh(["--expect-no-changes"]), n);
    const destroy = await phase("destroy", () => rig.destroy(), 0);
    const leaks = await leakPhase(rig, report, "rate-limit");
    report.lines.unshift(
      suiteLine(
        `suite 2 rate limit (${n} webhooks, emulator at ${options.rate}/min, client ${options.clientRate ? `set to ${options.clientRate}` : `at its default ${clientLimit}`}/min)`,
        {
          operations: `${3 * n} (${n} creates, ${n} reads, ${n} deletes)`,
          figures: sumFigures(phases),
          webhooks: `after up expected=${n} found=${up.found}, after destroy expected=0 found=${destroy.found}`,
          leaks,
          ms: Date.now() - started,
          ok: report.problems.length === 0,
          extra: `failed-operations=${up.failedOps + refresh.failedOps + destroy.failedOps}`,
        },
      ),
    );
  } finally {
    await rig.close();
  }
  return report;
}

/**
 * The state a SIGKILL leaves in a narrow race, made on every run: the engine keeps a pending
 * create's resource by reference, so a checkpoint that another create's completion saves after
 * the provider answered can hold the pending create together with its webhook's id. When the
 * kill did not leave such a record, the checkpoint is given one: the id of a registered webhook
 * no resource holds is written into the pending create of the same url (the resource it came
 * from). The recovery must then neither keep a duplicate nor lose the webhook. Returns what was
 * found or written.
 */
function givePendingCreateItsId(rig: Rig): string {
  const file = join(rig.project.backend, ".pulumi", "stacks", "rekko-reliability", "dev.json");
  if (!existsSync(file)) return "no checkpoint";
  const doc = JSON.parse(readFileSync(file, "utf8")) as {
    checkpoint?: {
      latest?: {
        resources?: { id?: string }[];
        pending_operations?: { type: string; resource: { id?: string; urn: string; inputs?: { url?: string } } }[];
      };
    };
  };
  const latest = doc.checkpoint?.latest;
  const creates = (latest?.pending_operations ?? []).filter((p) => p.type === "creating");
  if (creates.some((p) => p.resource.id)) return "a pending create already carried its id";
  const held = new Set((latest?.resources ?? []).map((r) => r.id));
  for (const p of creates) {
    const w = rig.emu.webhooks().find((x) => !held.has(x.webhook_id) && x.url === p.resource.inputs?.url);
    if (!w) continue;
    p.resource.id = w.webhook_id;
    writeFileSync(file, JSON.stringify(doc));
    return `the pending create of ${p.resource.urn.split("::").pop()} given the id ${w.webhook_id} (as the race leaves it)`;
  }
  return `no pending create matches a registered webhook (${creates.length} pending creates)`;
}

/**
 * Suite 3, interrupted deployment: `up` of `hooks` webhooks (400 ms latency on each create) is
 * interrupted with `signal` once a third are registered. Then the documented recovery
 * (docs/RELIABILITY.md): list and delete unmanaged webhooks with pulumi-rekko-orphans from the
 * stack export (those of interrupted creates too: the killed run's processes are gone by then), `pulumi cancel` if the stack is still locked, `pulumi refresh
 * --clear-pending-creates`, `pulumi up`. It must end with exactly the declared webhooks, each
 * held by the state, and no orphan; then destroy leaves none.
 */
export async function interruptSuite(options: {
  hooks: number;
  signal: "SIGINT" | "SIGKILL";
  /** How long the processes a killed CLI leaves behind may run on before they are killed. Default 30 s. */
  lingerMs?: number;
  /** `pulumi up --parallel` (default: the CLI's own), so a small stack is still interrupted part-way. */
  parallel?: number;
}): Promise<SuiteReport> {
  const n = options.hooks;
  const name = `interrupt-${options.signal}`;
  const report: SuiteReport = { suite: name, lines: [], problems: [], data: {} };
  const rig = await Rig.open({ hooks: declareHooks(n) });
  const env = { apiKey: rig.emu.apiKey, baseUrl: rig.emu.url };
  const toolOutput: string[] = [];
  const steps: string[] = [];
  const started = Date.now();
  try {
    const mark = rig.mark();
    rig.emu.addFault({ kind: "latency", method: "POST", path: "/v1/webhooks", latencyMs: 400, every: 1 });
    let pid = 0;
    const running = rig.up(options.parallel ? ["--parallel", String(options.parallel)] : [], {
      onStart: (c) => {
        pid = c.pid ?? 0;
      },
      // After SIGKILL the provider lives on and finishes its in-flight creates, as it would for a user.
      lingerMs: options.lingerMs ?? 30_000,
    });
    await until(() => rig.emu.webhooks().length >= Math.ceil(n / 3), 300_000, `${Math.ceil(n / 3)} creates`);
    // Hold the next create open (served, so stored, only after 4 s): the signal lands while it
    // is in flight on every run, and the webhook it stores appears after the CLI is gone. A
    // fault leaves the list once used: then that create has arrived and is being held.
    const held = rig.emu.addFault({ kind: "latency", method: "POST", path: "/v1/webhooks", latencyMs: 4_000, times: 1 });
    await until(() => !rig.emu.faultSpecs().some((f) => f.id === held), 120_000, "a held create");
    await new Promise((r) => setTimeout(r, 300));
    const atInterrupt = rig.emu.webhooks().length;
    process.kill(pid, options.signal);
    const interrupted = await running;
    await quiet(rig.emu, 5000);
    rig.emu.clearFaults();
    const pendingWithId = options.signal === "SIGKILL" ? givePendingCreateItsId(rig) : undefined;
    let repaired = repairTruncatedAttrs(rig.project.backend);
    if (options.signal === "SIGKILL" && repaired.length === 0) {
      // The truncated sidecar happens in about 1 kill in 5: when this kill did not cause it,
      // cause it, so that the documented repair is exercised on every run.
      const attrs = join(rig.project.backend, ".pulumi", "stacks", "rekko-reliability", "dev.json.attrs");
      writeFileSync(attrs, "");
      const broken = await rig.run(["stack", "export"]);
      if (broken.code === 0 || !/failed to load checkpoint: EOF/.test(broken.stderr)) {
        report.problems.push(
          `an empty dev.json.attrs did not break the stack as documented: exit ${broken.code} ${broken.stderr}`,
        );
      }
      repaired = repairTruncatedAttrs(rig.project.backend).map((f) => `${f} (emptied by the suite)`);
    }
    const before = await rig.state();
    const registered = rig.emu.webhooks();
    const orphansBefore = registered.filter((w) => !before.ids.includes(w.webhook_id)).length;
    report.data.interrupt = {
      signal: options.signal,
      exit: interrupted.code ?? interrupted.signal,
      registeredAtSignal: atInterrupt,
      registeredAfter: registered.length,
      recorded: before.ids.length,
      pendingCreates: before.pending.filter((p) => p.type === "creating").length,
      orphans: orphansBefore,
      lingeringProcesses: interrupted.lingering,
      pendingWithId,
    };
    if (pendingWithId) steps.push(`pending create with its id: ${pendingWithId}`);
    if (repaired.length) {
      steps.push(
        `file backend: ${repaired.join(", ")} was empty (every command fails: "failed to load checkpoint: EOF"); removed it, back to the previous checkpoint`,
      );
    }
    steps.push(
      `${options.signal} at ${atInterrupt}/${n} registered; CLI exit ${interrupted.code ?? interrupted.signal}; ` +
        `then ${registered.length} registered, ${before.ids.length} in state, ${before.pending.length} pending operations ` +
        `(${before.pending.filter((p) => p.id).length} holding an id), ${orphansBefore} orphans; ` +
        `processes outliving the CLI: ${interrupted.lingering.length ? interrupted.lingering.join(", ") : "none"}`,
    );

    // The documented recovery.
    const exportFile = join(rig.project.dir, "interrupted-export.json");
    writeFileSync(exportFile, before.text);
    const listed = await orphansCli(["--json", exportFile], env);
    toolOutput.push(listed.stdout, listed.stderr);
    const listedJson = JSON.parse(listed.stdout || "{}") as { unmanaged?: { webhook_id: string; pendingCreates: string[] }[] };
    const unmanaged = listedJson.unmanaged ?? [];
    steps.push(
      `pulumi-rekko-orphans listed ${unmanaged.length} (${unmanaged.filter((u) => u.pendingCreates.length > 0).length} matching a pending create)`,
    );
    if (listed.code !== 0) report.problems.push(`orphans list exited ${listed.code}: ${listed.stderr}`);
    if (unmanaged.length !== orphansBefore)
      report.problems.push(`orphans tool listed ${unmanaged.length}, expected ${orphansBefore}`);
    const removed = await orphansCli(["--delete", "--include-interrupted"], env, before.text);
    toolOutput.push(removed.stdout, removed.stderr);
    if (removed.code !== 0) report.problems.push(`orphans --delete exited ${removed.code}: ${removed.stderr}`);
    steps.push(`pulumi-rekko-orphans --delete: ${removed.stdout.match(/Deleted \d+/)?.[0] ?? "nothing to delete"}`);

    const lockDir = join(rig.project.backend, ".pulumi", "locks");
    const locked = existsSync(lockDir) && readdirTree(lockDir).length > 0;
    if (locked) {
      const cancel = await rig.run(["cancel", "--yes"]);
      steps.push(`stack locked by the killed CLI: pulumi cancel → exit ${cancel.code}`);
      if (cancel.code !== 0) report.problems.push(failed("pulumi cancel", cancel));
    }
    const refresh = await rig.refresh(["--clear-pending-creates"]);
    steps.push(`pulumi refresh --clear-pending-creates → exit ${refresh.code}`);
    if (refresh.code !== 0) report.problems.push(failed("pulumi refresh --clear-pending-creates", refresh));
    const up = await rig.up();
    steps.push(`pulumi up → exit ${up.code} (${JSON.stringify(resourceCounts(up.stdout))})`);
    if (up.code !== 0) report.problems.push(failed("pulumi up (recovery)", up));
    const after = await rig.state();
    const verify = await rig.verify(after.ids);
    const urls = rig.emu.webhooks().map((w) => w.url);
    const duplicates = urls.length - new Set(urls).size;
    report.problems.push(...verify.problems);
    if (after.pending.length) report.problems.push(`${after.pending.length} pending operations left in the state`);
    const check = await orphansCli([], env, after.text);
    toolOutput.push(check.stdout, check.stderr);
    const clean = /No unmanaged webhooks/.test(check.stdout);
    if (!clean) report.problems.push(`orphans tool after recovery (exit ${check.code}): ${check.stdout}${check.stderr}`);
    steps.push(`pulumi-rekko-orphans after recovery: ${clean ? "no unmanaged webhooks" : "SOME LEFT"}`);
    const figures = rig.figures(mark);
    const destroy = await rig.destroy();
    if (destroy.code !== 0) report.problems.push(failed("pulumi destroy", destroy));
    if (rig.emu.webhooks().length) report.problems.push(`${rig.emu.webhooks().length} webhooks left after destroy`);
    report.data.recovery = { steps, expected: verify.expected, found: verify.found, orphans: verify.orphans, duplicates };
    for (const s of steps) report.lines.push(`    ${s}`);
    const leaks = await leakPhase(rig, report, name, { "pulumi-rekko-orphans output": toolOutput.join("\n") });
    report.lines.unshift(
      suiteLine(`suite 3 interrupted up, ${options.signal} (${n} webhooks)`, {
        operations: `${n} creates interrupted + recovery`,
        figures,
        webhooks: `after recovery expected=${verify.expected} found=${verify.found} orphans=${verify.orphans} (before recovery: ${orphansBefore})`,
        leaks,
        ms: Date.now() - started,
        ok: report.problems.length === 0,
      }),
    );
  } finally {
    await rig.close();
  }
  return report;
}

/**
 * Suite 5 with debug output: `up`, `refresh`, `destroy` with `--debug`, then with
 * `-v=9 --logtostderr`. The API key must never appear; every webhook-secret hit must be the
 * Node SDK's `RegisterResource RPC finished` debug line (upstream), and nowhere else.
 */
export async function debugLeakSuite(options: { hooks: number; verbose: boolean }): Promise<SuiteReport> {
  const report: SuiteReport = { suite: "leaks-debug", lines: [], problems: [], data: {} };
  const rig = await Rig.open({ hooks: declareHooks(options.hooks, "d") });
  try {
    const modes: [string, string[]][] = [["--debug", ["--debug"]]];
    if (options.verbose) modes.push(["-v=9 --logtostderr", ["-v=9", "--logtostderr"]]);
    for (const [label, flags] of modes) {
      if (label !== "--debug") await rig.declare(declareHooks(options.hooks, "v"));
      const runs: [string, CliResult][] = [];
      runs.push(["up", await rig.up(flags)]);
      runs.push(["refresh", await rig.refresh(flags)]);
      runs.push(["destroy", await rig.destroy(flags)]);
      const needles = rig.needles();
      const byRun: Record<string, { key: number; secrets: number; sdkDebug: number; other: number; masked: number }> = {};
      for (const [op, r] of runs) {
        if (r.code !== 0) report.problems.push(failed(`pulumi ${op} ${label}`, r));
        const leaks = findLeaks({ stdout: r.stdout, stderr: r.stderr }, needles);
        const key = leaks.filter((l) => l.what === "API key").length;
        const sdk = leaks.filter((l) => l.sdkDebug && l.what !== "API key").length;
        const other = leaks.length - key - sdk;
        const masked = (`${r.stdout}${r.stderr}`.match(/\[secret\]/g) ?? []).length;
        byRun[op] = { key, secrets: leaks.length - key, sdkDebug: sdk, other, masked };
        if (key) report.problems.push(`${label} ${op}: the API key is printed`);
        for (const l of leaks.filter((x) => !x.sdkDebug))
          report.problems.push(`${label} ${op}: ${l.what} in ${l.where}: …${l.context}…`);
      }
      report.data[label] = byRun;
      report.lines.push(
        `    ${label}: ${Object.entries(byRun)
          .map(
            ([op, b]) =>
              `${op}: key=${b.key} secrets=${b.secrets} (SDK debug line=${b.sdkDebug}, elsewhere=${b.other}) [secret]-masked=${b.masked}`,
          )
          .join("; ")}`,
      );
    }
    // Here the CLI output is debug output: the SDK's debug line in it was counted above, per run.
    const leaks = await leakPhase(rig, report, "leaks-debug", {}, ["engine event log", "CLI output"]);
    const dbg = report.data["--debug"] as Record<string, { key: number; secrets: number; other: number }>;
    const total = (k: "key" | "secrets" | "other") => Object.values(dbg).reduce((a, b) => a + b[k], 0);
    report.lines.unshift(
      `[reliability] suite 5 leaks with --debug${options.verbose ? " and -v=9" : ""} (${options.hooks} webhooks): ` +
        `API key printed ${total("key")} times; webhook secrets printed ${total("secrets")} times with --debug, ` +
        `all in the Node SDK's RegisterResource debug line (elsewhere: ${total("other")}); leaks outside CLI debug output=${leaks} ` +
        `${report.problems.length === 0 ? "PASS (as documented)" : "FAIL"}`,
    );
  } finally {
    await rig.close();
  }
  return report;
}

/** Extracts the stored provider code (`__provider` input) of each webhook of a `pulumi stack export`. */
function storedProviders(exportText: string): string[] {
  const deployment = (
    JSON.parse(exportText) as { deployment?: { resources?: { type: string; inputs?: Record<string, unknown> }[] } }
  ).deployment;
  return (deployment?.resources ?? [])
    .filter((r) => r.type === WEBHOOK_RESOURCE_TYPE)
    .map((r) => String(r.inputs?.__provider ?? ""));
}

/**
 * The build `npm test` upgrades from: the last commit before the move to provider/core,
 * dynamic, receiver, testing and cli (its stored shell is `provider/provider.ts` and loads
 * `pulumi-rekko/runtime` from `dist/provider/runtime.js`). A stack deployed with it must
 * update in place with no API write (issue 12). Pinned, so the test means the same on every
 * clone; it needs the repository's history (not a shallow clone).
 */
export const UPGRADE_BASELINE = "1b08d7e317d5e9ba0487ebc036e554fcbb0a52df";

/** Builds the package of git revision `rev` into `dir` (git archive, then tsc with this checkout's toolchain). */
export function buildRevision(rev: string, dir: string): string {
  try {
    execFileSync("git", ["cat-file", "-e", `${rev}^{commit}`], { cwd: ROOT, stdio: "pipe" });
  } catch {
    throw new Error(
      `upgrade: git revision ${rev} is not in this clone (a shallow clone has no history): run \`git fetch --unshallow\`, or give another --upgrade-from.`,
    );
  }
  const sha = execFileSync("git", ["rev-parse", "--short", rev], { cwd: ROOT, encoding: "utf8" }).trim();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync("git", ["archive", "--format=tar", sha], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  execFileSync(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", join(dir, "tsconfig.build.json")], { cwd: dir, stdio: "pipe" });
  return sha;
}

function linkPackageTo(projectDir: string, target: string): void {
  const link = join(projectDir, "node_modules", "pulumi-rekko");
  rmSync(link, { recursive: true, force: true });
  symlinkSync(target, link, "dir");
}

/**
 * Suite 6, upgrade: deploy with the package of git revision `from`, switch the project's
 * `node_modules/pulumi-rekko` to this checkout, `pulumi up`: no webhook may be replaced or
 * touched (zero POST/DELETE), a diff on `__provider` alone is an in-place update; then the old
 * build is removed and `destroy` runs on the new code. Runs twice: with the real revision,
 * and with that revision's provider shell changed by one string (so `__provider` surely
 * differs and the roll-forward path is exercised even when the real shell did not change).
 */
export async function upgradeSuite(options: {
  hooks: number;
  from: string;
  /** Which of the two runs (default both). */
  variants?: ("real" | "shell-changed")[];
}): Promise<SuiteReport> {
  const report: SuiteReport = { suite: "upgrade", lines: [], problems: [], data: {} };
  let totalLeaks = 0;
  const all: [string, ((dir: string) => void) | undefined][] = [
    ["real", undefined],
    [
      "shell-changed",
      (dir) => {
        // The stored shell, as built: dist/provider/dynamic/provider.js since the layout move, dist/provider/provider.js before.
        const file = [join(dir, "dist", "provider", "dynamic", "provider.js"), join(dir, "dist", "provider", "provider.js")].find(
          (f) => existsSync(f),
        );
        if (!file)
          throw new Error(
            "upgrade: the previous build has no provider shell (dist/provider/dynamic/provider.js or dist/provider/provider.js)",
          );
        const text = readFileSync(file, "utf8");
        const marked = text.replace("is not installed where", "is not installed (previous build) where");
        if (marked === text) throw new Error("upgrade: could not mark the previous provider shell");
        writeFileSync(file, marked);
      },
    ],
  ];
  const variants = all.filter(([name]) => (options.variants ?? ["real", "shell-changed"]).includes(name as "real"));
  // The revision is built once; each variant runs on a copy of that build (it removes its copy before destroy).
  const build = join(WORK, "reliability", `upgrade-build-${process.pid}`);
  const sha = buildRevision(options.from, build);
  try {
    for (const [variant, patch] of variants) {
      const base = join(WORK, "reliability", `upgrade-base-${variant}-${process.pid}`);
      rmSync(base, { recursive: true, force: true });
      cpSync(build, base, { recursive: true });
      patch?.(base);
      const rig = await Rig.open({ hooks: declareHooks(options.hooks, "u") });
      const started = Date.now();
      try {
        linkPackageTo(rig.project.dir, base);
        const deploy = await rig.up();
        if (deploy.code !== 0) report.problems.push(`${variant}: ${failed(`deploy with ${sha}`, deploy)}`);
        const old = await rig.state();
        const oldCode = storedProviders(old.text);
        linkPackageTo(rig.project.dir, ROOT);
        const mark = rig.mark();
        const preview = await rig.run(["preview", "--diff"]);
        const up = await rig.up();
        const calls = rig.emu
          .requests()
          .slice(mark.requests)
          .filter((r) => r.path.startsWith("/v1/"));
        const writes = calls.filter((r) => r.method !== "GET").length;
        const now = await rig.state();
        const newCode = storedProviders(now.text);
        const counts = resourceCounts(up.stdout);
        const codeChanged = oldCode.some((c, i) => c !== newCode[i]);
        const problems: string[] = [];
        if (up.code !== 0) problems.push(failed("upgrade up", up));
        if (writes) problems.push(`the upgrade made ${writes} POST/DELETE calls`);
        if (JSON.stringify([...now.ids].sort()) !== JSON.stringify([...old.ids].sort())) problems.push("webhook ids changed");
        if ((counts.replaced ?? 0) + (counts.created ?? 0) + (counts.deleted ?? 0) > 0)
          problems.push(`up replaced or recreated: ${JSON.stringify(counts)}`);
        if (codeChanged && (counts.updated ?? 0) !== options.hooks)
          problems.push(`expected ${options.hooks} in-place updates, got ${JSON.stringify(counts)}`);
        if (newCode.some((c) => c.includes("(previous build)"))) problems.push("the stored provider code was not rolled forward");
        const previewLines = preview.stdout
          .split("\n")
          .filter((l) => /^\s+[-+~]/.test(l))
          .map((l) => (l.length > 120 ? `${l.slice(0, 120)}…` : l));
        // With the previous build removed, only this checkout's code exists: destroy must still work.
        rmSync(base, { recursive: true, force: true });
        const dmark = rig.mark();
        const destroy = await rig.destroy();
        const deletes = rig.emu
          .requests()
          .slice(dmark.requests)
          .filter((r) => r.method === "DELETE" && r.status === 200).length;
        if (destroy.code !== 0) problems.push(failed("destroy after upgrade", destroy));
        if (rig.emu.webhooks().length) problems.push(`${rig.emu.webhooks().length} webhooks left after destroy`);
        report.problems.push(...problems.map((p) => `${variant}: ${p}`));
        report.data[variant] = {
          from: sha,
          codeChanged,
          counts,
          writes,
          deletes,
          preview: previewLines.slice(0, 12),
        };
        report.lines.push(
          `    ${variant}: from ${sha}${patch ? " (+ provider shell string changed)" : ""} to the checkout: ` +
            `stored __provider ${codeChanged ? "changed" : "identical"}; up ${JSON.stringify(counts)} with ${writes} POST/DELETE; ` +
            `ids kept=${JSON.stringify([...now.ids].sort()) === JSON.stringify([...old.ids].sort())}; destroy on the new code deleted ${deletes}/${options.hooks}; ` +
            `webhooks expected=0 found=${rig.emu.webhooks().length} time=${((Date.now() - started) / 1000).toFixed(1)}s result=${problems.length ? "FAILED" : "ok"}`,
        );
        totalLeaks += await leakPhase(rig, report, `upgrade-${variant}`);
      } finally {
        await rig.close();
        rmSync(base, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  const ran = variants.map(
    ([k]) =>
      [k, report.data[k] as { from: string; codeChanged: boolean; counts: Record<string, number>; writes: number }] as const,
  );
  report.lines.unshift(
    `[reliability] suite 6 upgrade from ${ran[0]?.[1].from} (${options.hooks} webhooks, ${ran.map(([k]) => k).join(" and ")}): ` +
      ran
        .map(
          ([k, v]) =>
            `${k}: ${k === "real" ? `__provider ${v.codeChanged ? "changed" : "identical"}, ` : ""}up ${JSON.stringify(v.counts)}; `,
        )
        .join("") +
      `POST/DELETE during upgrades=${ran.reduce((a, [, v]) => a + v.writes, 0)} ` +
      `replaced=${ran.reduce((a, [, v]) => a + (v.counts.replaced ?? 0), 0)} leaks=${totalLeaks} ${report.problems.length === 0 ? "PASS" : "FAIL"}`,
  );
  return report;
}

/** Figures of a log slice, re-exported for the script. */
export { type RequestFigures, requestFigures };
