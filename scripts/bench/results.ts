import { type Calls, callText, meetsTarget, TARGETS } from "./calls";
import type { Machine, Versions } from "./machine";
import type { ProcessUsage } from "./procs";

/** `rekko` is RekkoWebhook; `baseline` the no-op dynamic resource of the same shape. */
export type Kind = "rekko" | "baseline";
export const KINDS: readonly Kind[] = ["rekko", "baseline"];

/** The timed phases, in the order they run on one stack. */
export const PHASES = ["preview", "up", "second-up", "refresh", "destroy"] as const;
export type Phase = (typeof PHASES)[number];

/** One timed Pulumi operation, with the peak RSS and CPU time of its processes. */
export interface OpSample extends ProcessUsage {
  kind: Kind;
  n: number;
  run: number;
  phase: Phase;
  /** Wall time of the Automation API call (the CLI process, start to exit), ms. */
  ms: number;
  /** The engine's resource change summary. */
  changes: Record<string, number>;
  /** Rekko API calls the emulator logged during the operation, `METHOD /path` with ids as `{id}`. */
  calls: Calls;
  /** HTTP statuses of those calls. */
  statuses: Record<string, number>;
}

/** State size after `up` of `n` resources, from `pulumi stack export`. */
export interface StateSize {
  kind: Kind;
  n: number;
  /** Bytes of the whole `pulumi stack export` text. */
  exportBytes: number;
  /** Mean bytes of one resource's entry in the export (compact JSON of the entry). */
  entryBytes: number;
  /** Bytes of the serialized provider (`outputs.__provider`, stored once more in `inputs`). */
  providerBytes: number;
  /** Mean bytes of one resource's entry without its two `__provider` copies (compact JSON). */
  entryWithoutProviderBytes: number;
}

/**
 * One operation on `n` webhooks against an emulator that enforces the API's rate limit, with
 * the client's default limit: the `up`, then the `destroy` right after it.
 */
export interface RateLimitedRun {
  phase: "up" | "destroy";
  n: number;
  emulatorLimitPerMinute: number;
  clientLimitPerMinute: number;
  clientBurst: number;
  /** Wall time of the operation, ms. */
  ms: number;
  /** The operation succeeded and the emulator holds what it should (n after up, 0 after destroy). */
  succeeded: boolean;
  error?: string;
  /** Webhooks the emulator holds after the operation. */
  webhooksAfter: number;
  /** Requests answered with something other than 429. */
  served: number;
  status429: number;
  /** Other non-2xx answers. */
  otherErrors: number;
  /** From the first to the last served request, ms. */
  spanMs: number;
  /**
   * The least span the client's token bucket allows for the served requests:
   * (served − clientBurst) / clientLimitPerMinute, ms.
   */
  floorMs: number;
  /** From the start of the operation to the first request, ms (engine and program start-up). */
  firstRequestAfterMs: number;
  /** (served - 1) / span: the rate while requests flowed, the initial burst included. */
  ratePerMinute: number;
  /** served / whole wall time of the operation. */
  ratePerMinuteWholeOperation: number;
  /** The steady-state rate: after the client's initial burst, from the burst's last request to the last request. */
  ratePerMinuteAfterBurst: number;
  /** ratePerMinuteAfterBurst / emulatorLimitPerMinute: the steady state against the API's limit. */
  fraction: number;
}

/** Medians of one phase at one N. */
export interface PhaseSummary {
  n: number;
  phase: Phase;
  rekkoMs: number;
  baselineMs: number;
  /** Ratio of the medians. */
  ratio: number;
  /** Median of the per-run ratios (each run's rekko and baseline operations ran back to back). */
  pairedRatio: number;
  /** The per-run ratios, sorted (their spread is printed with every timing verdict). */
  pairedRatios: number[];
  rekkoRunsMs: number[];
  baselineRunsMs: number[];
}

/**
 * A target of the issue and whether it held: true, false, or null when the measurement
 * cannot decide (too few runs, or the threshold inside the runs' spread).
 */
export interface Target {
  name: string;
  target: string;
  measured: string;
  holds: boolean | null;
}

/** Timing targets are decided on the median of at least this many paired runs. */
export const MIN_TIMING_RUNS = 5;

/** The q-quantile (0..1) of a list, by linear interpolation between the sorted values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (s[lo] ?? 0) + ((s[hi] ?? 0) - (s[lo] ?? 0)) * (at - lo);
}

/**
 * The verdict on "ratio ≤ threshold" from paired per-run ratios: null (no verdict) with fewer
 * than {@link MIN_TIMING_RUNS} runs, or when the threshold lies within the middle half of the
 * runs (between the first and third quartiles: within the noise); otherwise median ≤ threshold.
 */
export function ratioVerdict(ratios: readonly number[], threshold: number): { holds: boolean | null; why: string } {
  const m = median(ratios);
  const q1 = quantile(ratios, 0.25);
  const q3 = quantile(ratios, 0.75);
  const spread = `median ${m.toFixed(2)} of ${ratios.length} paired runs, quartiles ${q1.toFixed(2)}–${q3.toFixed(2)}, range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  if (ratios.length < MIN_TIMING_RUNS) return { holds: null, why: `${spread}; no verdict: fewer than ${MIN_TIMING_RUNS} runs` };
  if (q1 <= threshold && threshold <= q3)
    return { holds: null, why: `${spread}; no verdict: ${threshold} lies within the quartiles (noise)` };
  return { holds: m <= threshold, why: spread };
}

/** Everything `--json` writes. */
export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  totalSeconds: number;
  options: { quick: boolean; runs: number; sizes: number[]; rateLimited: boolean };
  /** How the measured stacks were configured. */
  settings: Record<string, string | number>;
  machine: Machine;
  versions: Versions;
  samples: OpSample[];
  summary: PhaseSummary[];
  state: StateSize[];
  rateLimited: RateLimitedRun[];
  targets: Target[];
}

/** The median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Medians and ratios per N and phase. */
export function summarize(samples: readonly OpSample[], sizes: readonly number[]): PhaseSummary[] {
  const out: PhaseSummary[] = [];
  for (const n of sizes) {
    for (const phase of PHASES) {
      const pick = (kind: Kind) => samples.filter((s) => s.n === n && s.phase === phase && s.kind === kind).map((s) => s.ms);
      const rekkoRunsMs = pick("rekko");
      const baselineRunsMs = pick("baseline");
      const rekkoMs = median(rekkoRunsMs);
      const baselineMs = median(baselineRunsMs);
      const paired = samples
        .filter((s) => s.n === n && s.phase === phase && s.kind === "rekko")
        .map((a) => {
          const b = samples.find((s) => s.n === n && s.phase === phase && s.kind === "baseline" && s.run === a.run);
          return b ? a.ms / b.ms : Number.NaN;
        })
        .filter(Number.isFinite);
      out.push({
        n,
        phase,
        rekkoMs,
        baselineMs,
        ratio: rekkoMs / baselineMs,
        pairedRatio: median(paired),
        pairedRatios: [...paired].sort((a, b) => a - b),
        rekkoRunsMs,
        baselineRunsMs,
      });
    }
  }
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The API-call targets of a set of operations, one per phase: every run of the phase must make
 * exactly the calls its target allows at its N (calls.ts).
 */
export function callTargets(
  samples: readonly { phase: Phase; n: number; run: number; calls: Calls }[],
  label = "API calls",
): Target[] {
  return PHASES.map((phase) => {
    const mine = samples.filter((s) => s.phase === phase);
    const bad = mine.filter((s) => meetsTarget(phase, { n: s.n }, s.calls) === false);
    const seen = [...new Set(mine.map((s) => `N=${s.n}: ${callText(s.calls)}`))];
    return {
      name: `${label}, ${phase}`,
      target: TARGETS[phase].text,
      measured:
        bad.length === 0
          ? seen.join("; ")
          : `${bad.length} run(s) off: ${bad.map((s) => `N=${s.n} run ${s.run}: ${callText(s.calls)}`).join("; ")}`,
      holds: bad.length === 0 && mine.length > 0,
    };
  });
}

/** Targets as a markdown table: name, wanted, measured, holds (yes / **no** / no verdict). */
export function targetTable(targets: readonly Target[]): string {
  const cell = (x: string) => x.replace(/\|/g, "\\|");
  return [
    "| target | wanted | measured | holds |",
    "| --- | --- | --- | --- |",
    ...targets.map(
      (t) =>
        `| ${cell(t.name)} | ${cell(t.target)} | ${cell(t.measured)} | ${t.holds === null ? "no verdict" : t.holds ? "yes" : "**no**"} |`,
    ),
  ].join("\n");
}

/** Evaluates the targets against the measurements. */
export function evaluate(r: Omit<BenchResult, "targets" | "finishedAt" | "totalSeconds">): Target[] {
  const targets: Target[] = callTargets(r.samples.filter((s) => s.kind === "rekko"));
  const largest = Math.max(...r.options.sizes);
  for (const phase of ["up", "refresh", "destroy"] as const) {
    const s = r.summary.find((x) => x.n === largest && x.phase === phase);
    if (!s) continue;
    const verdict = ratioVerdict(s.pairedRatios, 1.25);
    targets.push({
      name: `time ${phase}, N=${largest}`,
      target: `rekko/baseline ≤ 1.25 (median of ≥ ${MIN_TIMING_RUNS} paired runs)`,
      measured: `${verdict.why}; medians ${(s.rekkoMs / 1000).toFixed(2)} s / ${(s.baselineMs / 1000).toFixed(2)} s = ${s.ratio.toFixed(2)}`,
      holds: verdict.holds,
    });
  }
  const perResource = statePerResource(r.state);
  if (perResource) {
    targets.push({
      name: "state bytes per resource",
      target: "rekko ≤ 1.5 × baseline",
      measured: `${perResource.rekko} B / ${perResource.baseline} B = ${(perResource.rekko / perResource.baseline).toFixed(2)}× (${perResource.how})`,
      holds: perResource.rekko <= 1.5 * perResource.baseline,
    });
  }
  const provider = r.state.find((s) => s.kind === "rekko");
  if (provider) {
    targets.push({
      name: "serialized provider (__provider)",
      target: "≤ 16 KiB",
      measured: `${provider.providerBytes} B`,
      holds: provider.providerBytes <= 16 * 1024,
    });
  }
  for (const rl of r.rateLimited) {
    const label = `rate-limited ${rl.phase}, N=${rl.n}`;
    targets.push({
      name: `${label}: steady-state rate`,
      target: `90–100% of the API's ${rl.emulatorLimitPerMinute}/min, after the client's burst`,
      measured: `${rl.ratePerMinuteAfterBurst.toFixed(1)}/min = ${pct(rl.fraction)} (client limit ${rl.clientLimitPerMinute}/min; first to last request ${rl.ratePerMinute.toFixed(1)}/min, whole operation ${rl.ratePerMinuteWholeOperation.toFixed(1)}/min)`,
      holds: rl.fraction >= 0.9 && rl.fraction <= 1,
    });
    targets.push({
      name: `${label}: span against the floor`,
      target: `≤ 1.10 × (served − burst) / client limit`,
      measured: `${(rl.spanMs / 1000).toFixed(1)} s / ${(rl.floorMs / 1000).toFixed(1)} s = ${(rl.spanMs / rl.floorMs).toFixed(3)} (${rl.served} served, burst ${rl.clientBurst}, ${rl.clientLimitPerMinute}/min; wall ${(rl.ms / 1000).toFixed(1)} s)`,
      holds: rl.floorMs > 0 && rl.spanMs <= 1.1 * rl.floorMs,
    });
    targets.push({
      name: `${label}: 429s`,
      target: "at most a handful (≤ 5)",
      measured: String(rl.status429),
      holds: rl.status429 <= 5,
    });
    targets.push({
      name: `${label}: failed operations`,
      target: "0",
      measured: rl.succeeded ? "0" : `1 (${rl.error ?? `${rl.webhooksAfter}/${rl.n} ${rl.phase === "up" ? "created" : "left"}`})`,
      holds: rl.succeeded,
    });
  }
  return targets;
}

/**
 * Bytes of state one more resource adds, per kind: the difference of the export sizes at
 * the two largest N divided by the difference of N (so stack-wide overhead cancels out).
 */
export function statePerResource(state: readonly StateSize[]): { rekko: number; baseline: number; how: string } | undefined {
  const ns = [...new Set(state.map((s) => s.n))].sort((a, b) => a - b);
  const hi = ns[ns.length - 1];
  const lo = ns[ns.length - 2];
  if (hi === undefined || lo === undefined) return undefined;
  const per = (kind: Kind) => {
    const a = state.find((s) => s.kind === kind && s.n === lo);
    const b = state.find((s) => s.kind === kind && s.n === hi);
    return a && b ? Math.round((b.exportBytes - a.exportBytes) / (hi - lo)) : Number.NaN;
  };
  return { rekko: per("rekko"), baseline: per("baseline"), how: `export bytes (N=${hi} − N=${lo}) / ${hi - lo}` };
}
