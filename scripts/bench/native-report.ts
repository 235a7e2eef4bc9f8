/** The native provider beside RekkoWebhook: its targets and its markdown (pure; nothing runs here). */
import { callText } from "./calls";
import { hostLine, type Machine } from "./machine";
import type { Face, NativeBench } from "./native";
import { callTargets, MIN_TIMING_RUNS, median, PHASES, type Phase, ratioVerdict, type Target, targetTable } from "./results";

/** What `--record` keeps of the native bench. */
export interface NativeResults extends NativeBench {
  machine: Machine;
  targets: Target[];
}

/** State per added webhook of the native resource, at most this fraction of the dynamic resource's. */
export const NATIVE_STATE_RATIO = 0.35;

const sec = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : "–");

/** Export bytes each added webhook costs a face: (bytes at the largest N − at the smallest) / the difference of N. */
function perAddedWebhook(r: NativeBench, face: Face): { bytes: number; lo: number; hi: number } | undefined {
  const sizes = r.state.filter((s) => s.face === face).map((s) => s.n);
  const [lo, hi] = [Math.min(...sizes), Math.max(...sizes)];
  const a = r.state.find((x) => x.face === face && x.n === lo);
  const b = r.state.find((x) => x.face === face && x.n === hi);
  return a && b && hi > lo ? { bytes: (b.exportBytes - a.exportBytes) / (hi - lo), lo, hi } : undefined;
}

/**
 * The targets: the API calls of each phase on both faces; state per added webhook ≤ 0.35 × the
 * dynamic resource's; up, refresh and destroy at the largest N no slower than the dynamic
 * resource (median of the paired native/dynamic ratios ≤ 1, decided as the timing targets are).
 */
export function nativeTargets(r: NativeBench): Target[] {
  const targets = [
    ...callTargets(
      r.samples.filter((s) => s.face === "rekko"),
      "API calls (dynamic)",
    ),
    ...callTargets(
      r.samples.filter((s) => s.face === "native"),
      "API calls (native)",
    ),
  ];
  const a = perAddedWebhook(r, "rekko");
  const b = perAddedWebhook(r, "native");
  if (a && b)
    targets.push({
      name: "state per added webhook, native / dynamic",
      target: `≤ ${NATIVE_STATE_RATIO}`,
      measured: `${b.bytes.toFixed(1)} B / ${a.bytes.toFixed(1)} B = ${(b.bytes / a.bytes).toFixed(3)} (export bytes, N=${b.hi} − N=${b.lo})`,
      holds: b.bytes / a.bytes <= NATIVE_STATE_RATIO,
    });
  const largest = Math.max(...r.samples.map((s) => s.n));
  for (const phase of ["up", "refresh", "destroy"] as const) {
    const ratios = r.samples
      .filter((s) => s.face === "native" && s.n === largest && s.phase === phase)
      .map((n) => {
        const d = r.samples.find((s) => s.face === "rekko" && s.n === largest && s.phase === phase && s.run === n.run);
        return d ? n.ms / d.ms : Number.NaN;
      })
      .filter(Number.isFinite);
    if (!ratios.length) continue;
    const verdict = ratioVerdict(ratios, 1);
    targets.push({
      name: `time ${phase}, N=${largest}, native / dynamic`,
      target: `≤ 1 (median of ≥ ${MIN_TIMING_RUNS} paired runs)`,
      measured: verdict.why,
      holds: verdict.holds,
    });
  }
  return targets;
}

/** The figures as markdown: time and calls per phase, state bytes, provider RSS, targets. */
export function nativeMarkdown(r: NativeResults): string {
  const sizes = [...new Set(r.samples.map((s) => s.n))];
  const runs = Math.max(...r.samples.map((s) => s.run));
  const pick = (face: Face, n: number, phase: Phase) =>
    r.samples.filter((s) => s.face === face && s.n === n && s.phase === phase);
  const rows = sizes.flatMap((n) =>
    PHASES.map((phase) => {
      const a = median(pick("rekko", n, phase).map((s) => s.ms));
      const b = median(pick("native", n, phase).map((s) => s.ms));
      const callsOf = (face: Face) => [...new Set(pick(face, n, phase).map((s) => callText(s.calls)))].join(" / ");
      return `| ${n} | ${phase} | ${sec(a)} | ${sec(b)} | ${(b / a).toFixed(2)} | ${callsOf("rekko")} | ${callsOf("native")} |`;
    }),
  );
  const stateRows = sizes.map((n) => {
    const a = r.state.find((s) => s.face === "rekko" && s.n === n);
    const b = r.state.find((s) => s.face === "native" && s.n === n);
    return `| ${n} | ${a?.entryBytes ?? "–"} | ${b?.entryBytes ?? "–"} | ${a && b ? (b.entryBytes / a.entryBytes).toFixed(2) : "–"} | ${a?.exportBytes ?? "–"} | ${b?.exportBytes ?? "–"} |`;
  });
  const a = perAddedWebhook(r, "rekko");
  const b = perAddedWebhook(r, "native");
  if (a && b)
    stateRows.push(
      `| export bytes per added webhook ((N=${a.hi} − N=${a.lo}) / ${a.hi - a.lo}) | ${a.bytes.toFixed(1)} | ${b.bytes.toFixed(1)} | ${(b.bytes / a.bytes).toFixed(3)} | | |`,
    );
  const rss = (face: Face, n: number) =>
    Math.max(...r.samples.filter((s) => s.face === face && s.n === n).map((s) => s.providerRssKiB));
  const rssRows = sizes.map((n) => `| ${n} | ${(rss("rekko", n) / 1024).toFixed(0)} | ${(rss("native", n) / 1024).toFixed(0)} |`);
  return [
    `${runs} run(s) per N (medians); ${hostLine(r.machine)}.`,
    "",
    "| N | phase | RekkoWebhook (s) | native (s) | native/dynamic | API calls (dynamic) | API calls (native) |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    "| N | bytes per webhook entry, dynamic | native | native/dynamic | export bytes, dynamic | native |",
    "|---|---|---|---|---|---|",
    ...stateRows,
    "",
    "| N | peak provider RSS (MiB), dynamic | native |",
    "|---|---|---|",
    ...rssRows,
    "",
    targetTable(r.targets),
  ].join("\n");
}
