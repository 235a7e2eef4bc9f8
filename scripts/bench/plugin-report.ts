/**
 * The executable plugin beside the Node.js-runtime plugin and the dynamic resource: its targets
 * and its markdown (pure; nothing runs here).
 */
import { hostLine, type Machine } from "./machine";
import type { Face, NativeBench } from "./native";
import type { PluginStarts } from "./plugin";
import { MIN_TIMING_RUNS, median, PHASES, ratioVerdict, type Target, targetTable } from "./results";

/** What `--record` keeps of the plugin bench. */
export interface PluginResults {
  machine: Machine;
  /** Process start to the GetSchema answer, per way to run the plugin. */
  starts: PluginStarts[];
  /** What a user downloads: the executable's release archive, and the npm package that carries the Node.js-runtime plugin. */
  archives: { face: "native" | "exe"; what: string; bytes: number }[];
  /** up, refresh and destroy (and the other phases) of N webhooks on the three faces. */
  phases: NativeBench;
  targets: Target[];
}

/** The executable must answer GetSchema within this long of its start, ms. */
export const EXE_START_MS = 500;

const FACE_NAME: Record<Face, string> = {
  exe: "executable plugin",
  native: "Node.js-runtime plugin",
  rekko: "dynamic resource (`RekkoWebhook`)",
};

const startsOf = (r: Pick<PluginResults, "starts">, face: PluginStarts["face"]) =>
  r.starts.find((s) => s.face === face)?.runs ?? [];

/**
 * The targets: the executable answers GetSchema within {@link EXE_START_MS} of its start (median
 * of the runs); at the largest N no phase of the executable is slower than the Node.js-runtime
 * plugin's (median of the paired exe / Node.js ratios ≤ 1, decided as the timing targets are).
 */
export function pluginTargets(r: Pick<PluginResults, "starts" | "phases">): Target[] {
  const targets: Target[] = [];
  const exe = startsOf(r, "exe").map((s) => s.schemaMs);
  if (exe.length)
    targets.push({
      name: "executable plugin: start to GetSchema answer",
      target: `≤ ${EXE_START_MS / 1000} s (median)`,
      measured: `${(median(exe) / 1000).toFixed(3)} s (median of ${exe.length}, ${(Math.min(...exe) / 1000).toFixed(3)}–${(Math.max(...exe) / 1000).toFixed(3)} s)`,
      holds: median(exe) <= EXE_START_MS,
    });
  const samples = r.phases.samples;
  if (!samples.length) return targets;
  const largest = Math.max(...samples.map((s) => s.n));
  for (const phase of ["up", "refresh", "destroy"] as const) {
    const ratios = samples
      .filter((s) => s.face === "exe" && s.n === largest && s.phase === phase)
      .map((e) => {
        const n = samples.find((s) => s.face === "native" && s.n === largest && s.phase === phase && s.run === e.run);
        return n ? e.ms / n.ms : Number.NaN;
      })
      .filter(Number.isFinite);
    if (!ratios.length) continue;
    const verdict = ratioVerdict(ratios, 1);
    targets.push({
      name: `time ${phase}, N=${largest}, executable / Node.js-runtime plugin`,
      target: `≤ 1 (median of ≥ ${MIN_TIMING_RUNS} paired runs)`,
      measured: verdict.why,
      holds: verdict.holds,
    });
  }
  return targets;
}

const sec = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : "–");
const mib = (kib: number) => (Number.isFinite(kib) && kib > 0 ? (kib / 1024).toFixed(0) : "–");

/** The figures as markdown: start, memory and archive per way to run the plugin, the phases of the three faces, the targets. */
export function pluginMarkdown(r: PluginResults): string {
  const faces: Face[] = ["exe", "native", "rekko"];
  const start = (face: Face, pick: (s: PluginStarts["runs"][number]) => number, fmt: (x: number) => string) => {
    if (face === "rekko") return "–";
    const xs = startsOf(r, face).map(pick);
    return xs.length ? `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})` : "–";
  };
  const archive = (face: Face) => {
    const a = r.archives.find((x) => x.face === face);
    return a ? `${(a.bytes / 1e6).toFixed(1)} MB (${a.what})` : "–";
  };
  const runs = Math.max(0, ...r.starts.map((s) => s.runs.length));
  const samples = r.phases.samples;
  const sizes = [...new Set(samples.map((s) => s.n))];
  const rows = sizes.flatMap((n) =>
    PHASES.map((phase) => {
      const ms = (face: Face) =>
        median(samples.filter((s) => s.face === face && s.n === n && s.phase === phase).map((s) => s.ms));
      return `| ${n} | ${phase} | ${faces.map((f) => sec(ms(f))).join(" | ")} | ${(ms("exe") / ms("native")).toFixed(2)} |`;
    }),
  );
  const rss = (face: Face) => Math.max(0, ...samples.filter((s) => s.face === face).map((s) => s.providerRssKiB));
  const phaseRuns = Math.max(0, ...samples.map((s) => s.run));
  return [
    `${runs} start(s) per plugin and ${phaseRuns} run(s) per phase (medians, range in brackets); ${hostLine(r.machine)}.`,
    "",
    `| | ${faces.map((f) => FACE_NAME[f]).join(" | ")} |`,
    "| --- | --- | --- | --- |",
    `| start to GetSchema answer (s) | ${faces
      .map((f) =>
        start(
          f,
          (s) => s.schemaMs,
          (x) => (x / 1000).toFixed(3),
        ),
      )
      .join(" | ")} |`,
    `| start to its port printed (s) | ${faces
      .map((f) =>
        start(
          f,
          (s) => s.portMs,
          (x) => (x / 1000).toFixed(3),
        ),
      )
      .join(" | ")} |`,
    `| RSS at the GetSchema answer (MiB) | ${faces
      .map((f) =>
        start(
          f,
          (s) => s.rssKiB,
          (x) => (x / 1024).toFixed(0),
        ),
      )
      .join(" | ")} |`,
    `| peak provider RSS over the phases (MiB) | ${faces.map((f) => mib(rss(f))).join(" | ")} |`,
    `| download | ${faces.map(archive).join(" | ")} |`,
    "",
    `| N | phase | ${faces.map((f) => `${FACE_NAME[f]} (s)`).join(" | ")} | executable / Node.js |`,
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    targetTable(r.targets),
  ].join("\n");
}
