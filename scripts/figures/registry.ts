/**
 * Every figure source of README.md and docs/: its name (the `<source>` of `<!-- figure:<source>[:<view>] -->`
 * and of docs/figures/<source>.json), the command that measures it, and the views that render it.
 * A document may hold a measured number only inside a block of one of these.
 */
import { DEFAULT_BASE_URL, DEFAULT_MAX_REQUESTS_PER_MINUTE } from "../../provider/core/settings";
import { CLOCK_SKEW_ALLOWANCE_MS } from "../../provider/core/unknownCreate";
import { DEFAULT_MAX_BODY_BYTES } from "../../provider/receiver/body";
import { type CostsResults, costsMarkdown } from "../bench/costs-report";
import { type NativeResults, nativeMarkdown } from "../bench/native-report";
import { type PluginResults, pluginMarkdown } from "../bench/plugin-report";
import { type ReceiverResults, receiverBundle, receiverImports, receiverMarkdown } from "../bench/receiver-report";
import { markdown } from "../bench/report";
import type { BenchResult } from "../bench/results";
import { provenance, type Results, stamp } from "./results";
import { fromCode, measured, type Registry } from "./sources";

const seconds = (s: number) => `${s.toFixed(s < 100 ? 1 : 0)} s`;
const load = (x: number | undefined) => (x === undefined ? "unknown" : x.toFixed(2));
/** With several runs: how many, and each one's time. */
const spread = (runs: { seconds: number }[] | undefined) =>
  runs && runs.length > 1
    ? ` (the median of ${runs.length} runs on fresh clones, one after the other: ${runs.map((x) => seconds(x.seconds)).join(", ")})`
    : "";

/** One `.ci/run` on a fresh clone. */
export interface CiRun {
  seconds: number;
  tests: { passing: number; pending: number; failing: number };
  exitCode: number;
  loadAtStart: number;
  loadAtEnd: number;
}

/** `npm test` through `.ci/run` on a fresh clone, then `npm run demo` there (`npm run measure -- ci`). */
export interface CiData {
  /** The run's time; with several runs, their median. */
  seconds: number;
  /** Each run, when there were several (`--runs N`). */
  runs?: CiRun[];
  /** Mocha's summary: passing, pending and failing tests. */
  tests: { passing: number; pending: number; failing: number };
  exitCode: number;
  demoSeconds?: number;
  demoExitCode?: number;
  cpus: number;
  cpuModel: string;
  loadAtStart: number;
  loadAtEnd: number;
}

/** The toolchain built from nothing: empty Go caches and an empty toolchain cache (`npm run measure -- toolchain`). */
export interface ToolchainData {
  seconds: number;
  exitCode: number;
  go: string;
  cpus: number;
  cpuModel: string;
  loadAtStart: number;
  loadAtEnd: number;
}

/** What Pulumi's Node.js host installs into the package directory the first time (`npm run measure -- plugin-install`). */
export interface PluginInstallData {
  packages: number;
  bytes: number;
}

/** One suite of `npm run reliability`: its printed lines, its problems, and each run's figures (SuiteReport.data). */
export interface ReliabilityData {
  suite: string;
  lines: string[];
  problems: string[];
  runs: Record<string, unknown>[];
}

const machine = (d: { cpus: number; loadAtStart: number; loadAtEnd: number }) =>
  `${d.cpus} CPUs, 1-minute load ${load(d.loadAtStart)} at the start and ${load(d.loadAtEnd)} at the end`;

const reliabilityBlock = (r: Results<ReliabilityData>) =>
  [`\`${r.command}\`, ${stamp(r)}:`, "", "```text", ...r.data.lines, "```"].join("\n");

interface UpgradeRun {
  from: string;
  codeChanged: boolean;
  counts: Record<string, number>;
  writes: number;
}

/** What an upgrade did to a deployed stack, from the `real` run of the upgrade suite. */
function upgradeOutcome(r: Results<ReliabilityData>): string {
  const real = r.data.runs.find((d) => d.real !== undefined)?.real as UpgradeRun | undefined;
  if (!real) return `(the last upgrade run, ${stamp(r)}, had no run with the real build)`;
  const counts = Object.entries(real.counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ");
  const what = real.codeChanged
    ? "the stored provider code differed from this version's, and `up` updated each webhook in place"
    : "the stored provider code was identical to this version's, and `up` changed nothing";
  return `from \`${real.from}\`: ${what} (${counts}), with ${real.writes} \`POST\` or \`DELETE\` (${stamp(r)})`;
}

const reliability = (
  suite: string,
  title: string,
  extra: Record<string, (r: Results<ReliabilityData>) => string> = {},
  options = "",
) =>
  measured<ReliabilityData>(
    `reliability suite ${suite}: ${title}`,
    `npm run reliability -- --suite ${suite}${options} --record`,
    {
      "": reliabilityBlock,
      ...extra,
    },
  );

/** A block: the figures, then where they come from. */
const withProvenance =
  <T>(render: (data: T) => string) =>
  (r: Results<T>) =>
    `${render(r.data)}\n\n${provenance(r)}`;

/** The serialized provider each RekkoWebhook stores (twice) in its state. */
function providerBytes(r: Results<BenchResult>): string {
  const s = r.data.state.find((x) => x.kind === "rekko");
  return s ? `${s.providerBytes} bytes, ${stamp(r)}` : `the last run, ${stamp(r)}, measured no state`;
}

export const REGISTRY: Registry = {
  defaults: fromCode(
    "documented defaults of the code",
    "provider/core/settings.ts, provider/core/unknownCreate.ts, provider/receiver/body.ts",
    {
      "base-url": () => `\`${DEFAULT_BASE_URL}\``,
      "max-requests-per-minute": () => String(DEFAULT_MAX_REQUESTS_PER_MINUTE),
      "receiver-max-body": () => `${DEFAULT_MAX_BODY_BYTES / 1024} KiB`,
      "clock-skew-allowance": () => `${CLOCK_SKEW_ALLOWANCE_MS / 1000} s`,
    },
  ),
  ci: measured<CiData>("`npm test` through `.ci/run` on a fresh clone, then `npm run demo`", "npm run measure -- ci", {
    "": (r) =>
      `took ${seconds(r.data.seconds)}${spread(r.data.runs)}, \`npm ci\` included, for ${r.data.tests.passing} passing tests` +
      `${r.data.tests.pending ? ` (${r.data.tests.pending} pending)` : ""}${r.data.exitCode ? `, and FAILED (exit ${r.data.exitCode}, ${r.data.tests.failing} failing)` : ""} ` +
      `(${stamp(r)}; ${machine(r.data)})`,
    demo: (r) =>
      r.data.demoSeconds === undefined
        ? "(not run)"
        : `took ${seconds(r.data.demoSeconds)}${r.data.demoExitCode ? ` and FAILED (exit ${r.data.demoExitCode})` : ""} (${stamp(r)})`,
  }),
  toolchain: measured<ToolchainData>(
    "the Pulumi toolchain built with empty Go and toolchain caches",
    "npm run measure -- toolchain",
    {
      "": (r) =>
        `took ${seconds(r.data.seconds)}${r.data.exitCode ? ` and FAILED (exit ${r.data.exitCode})` : ""} (${r.data.go}; ${stamp(r)}; ${machine(r.data)})`,
    },
  ),
  "plugin-install": measured<PluginInstallData>(
    "what Pulumi's Node.js host installs into the package directory",
    "npm run measure -- plugin-install",
    {
      "": (r) => `${r.data.packages} packages (${(r.data.bytes / 1e6).toFixed(0)} MB; ${stamp(r)})`,
    },
  ),
  bench: measured<BenchResult>(
    "RekkoWebhook against a no-op dynamic resource, and the rate-limited runs",
    "npm run bench -- --only dynamic --record",
    { "": withProvenance(markdown), "provider-bytes": providerBytes },
  ),
  "bench-native": measured<NativeResults>("the native provider beside RekkoWebhook", "npm run bench -- --only native --record", {
    "": withProvenance(nativeMarkdown),
  }),
  "bench-costs": measured<CostsResults>(
    "the API calls of each operation on both faces",
    "npm run bench -- --only costs --record",
    { "": withProvenance(costsMarkdown) },
  ),
  "bench-plugin": measured<PluginResults>(
    "the executable plugin beside the Node.js-runtime plugin and the dynamic resource",
    "npm run bench -- --only plugin --record",
    { "": withProvenance(pluginMarkdown) },
  ),
  "bench-receiver": measured<ReceiverResults>(
    "the receiver's import cost, bundle and throughput",
    "npm run bench -- --only receiver --record",
    {
      "": withProvenance(receiverMarkdown),
      imports: (r) => `${receiverImports(r.data)}, ${stamp(r)}`,
      bundle: (r) => `${receiverBundle(r.data)} (${stamp(r)})`,
    },
  ),
  "reliability-faults": reliability("faults", "faults during up, refresh and destroy"),
  "reliability-rate": reliability("rate", "the rate limit"),
  "reliability-interrupt": reliability("interrupt", "an interrupted deployment"),
  "reliability-fuzz": reliability("fuzz", "bad input, property-based"),
  "reliability-debug": reliability("debug", "secrets in --debug and -v output"),
  "reliability-model": reliability("model", "model-based sequences on both faces", {}, " --steps 500 --seed 1000"),
  // From the build `npm test` pins (UPGRADE_BASELINE), the one README.md speaks of.
  "reliability-upgrade": reliability(
    "upgrade",
    "an upgrade of a deployed stack",
    { outcome: upgradeOutcome },
    " --upgrade-from 1b08d7e",
  ),
};
