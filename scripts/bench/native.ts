// The native provider beside RekkoWebhook (issue 13): the same N webhooks with the same inputs,
// declared through `rekko:index:Webhook` of the `pulumi-resource-rekko` plugin and through the
// dynamic resource, in the same Node.js language host, against the same emulator, phase by
// phase and back to back: wall time, API calls, state bytes per webhook, peak provider RSS.
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { RekkoEmulator } from "../../provider/testing";
import { exportText, linkPlugin, openProject, type TestProject } from "../rig/engine";
import { ProcessSampler } from "./procs";

/** `rekko`: RekkoWebhook (dynamic); `native`: rekko:index:Webhook (the plugin). */
export type Face = "rekko" | "native";
const FACES: readonly Face[] = ["rekko", "native"];
const PHASES = ["preview", "up", "refresh", "destroy"] as const;
type Phase = (typeof PHASES)[number];
const TYPES: Record<Face, (type: string) => boolean> = {
  rekko: (t) => t === "pulumi-nodejs:dynamic/rekko:RekkoWebhook",
  native: (t) => t === "rekko:index:Webhook",
};

/** One operation of one face. */
export interface NativeSample {
  face: Face;
  n: number;
  run: number;
  phase: Phase;
  ms: number;
  calls: Record<string, number>;
  providerRssKiB: number;
}

/** State after `up` of n webhooks. */
export interface NativeState {
  face: Face;
  n: number;
  exportBytes: number;
  /** Mean bytes of one webhook's entry in the export (compact JSON). */
  entryBytes: number;
}

export interface NativeBench {
  samples: NativeSample[];
  state: NativeState[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

async function operate(p: TestProject, phase: Phase): Promise<void> {
  if (phase === "preview") {
    await p.stack.preview();
    return;
  }
  const r = phase === "up" ? await p.stack.up() : phase === "refresh" ? await p.stack.refresh() : await p.stack.destroy();
  if (r.summary.result !== "succeeded") throw new Error(`${phase} ended ${r.summary.result}`);
}

function calls(emu: RekkoEmulator, mark: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of emu.requests().slice(mark)) {
    if (!r.path.startsWith("/v1/")) continue;
    const key = `${r.method} ${r.path.replace(/\/v1\/webhooks\/[^/]+$/, "/v1/webhooks/{id}")}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

async function stateOf(p: TestProject, face: Face, n: number): Promise<NativeState> {
  const text = await exportText(p.stack);
  const mine = ((JSON.parse(text) as { deployment: { resources?: { type: string }[] } }).deployment.resources ?? []).filter((r) =>
    TYPES[face](r.type),
  );
  if (mine.length !== n) throw new Error(`the ${face} stack holds ${mine.length} webhooks after up, expected ${n}`);
  const total = mine.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0);
  return { face, n, exportBytes: Buffer.byteLength(text), entryBytes: Math.round(total / n) };
}

/**
 * Measures both faces at each N (`runs` times, the first face alternating), against `emu`,
 * with `config` (the same stack config for both), from the bench projects in `projects`.
 */
export async function benchNative(
  emu: RekkoEmulator,
  projects: string,
  sizes: readonly number[],
  runs: number,
  config: Record<string, { value: string; secret?: boolean }>,
  log: (msg: string) => void,
): Promise<NativeBench> {
  const open: Partial<Record<Face, TestProject>> = {};
  const samples: NativeSample[] = [];
  const state: NativeState[] = [];
  try {
    for (const face of FACES) {
      const p = await openProject(join(projects, face), {}, {}, { name: `bench-${face}` });
      if (face === "native") linkPlugin(p.dir);
      await p.stack.setAllConfig({ ...config, count: { value: "1" } });
      await p.stack.preview();
      open[face] = p;
    }
    for (const n of sizes) {
      for (const face of FACES) await open[face]?.stack.setConfig("count", { value: String(n) });
      for (let run = 1; run <= runs; run++) {
        const order: Face[] = run % 2 ? ["rekko", "native"] : ["native", "rekko"];
        for (const phase of PHASES) {
          for (const face of order) {
            const p = open[face] as TestProject;
            const mark = emu.requests().length;
            const sampler = new ProcessSampler();
            sampler.start();
            const t0 = performance.now();
            try {
              await operate(p, phase);
            } finally {
              const usage = await sampler.stop();
              const sample = {
                face,
                n,
                run,
                phase,
                ms: performance.now() - t0,
                calls: calls(emu, mark),
                providerRssKiB: usage.rssKiB.provider ?? 0,
              };
              samples.push(sample);
              log(
                `native bench N=${n} run ${run} ${phase.padEnd(7)} ${face.padEnd(6)} ${(sample.ms / 1000).toFixed(2)} s ${JSON.stringify(sample.calls)}`,
              );
            }
            if (phase === "up" && run === 1) state.push(await stateOf(p, face, n));
          }
        }
      }
    }
  } finally {
    for (const p of Object.values(open)) await p?.destroyAndRemove().catch(() => undefined);
  }
  return { samples, state };
}

const sec = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : "–");
const callText = (c: Record<string, number>) =>
  Object.entries(c)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${v}× ${k}`)
    .join(", ") || "0";

/** The figures as markdown: time and calls per phase, state bytes, provider RSS. */
export function nativeMarkdown(r: NativeBench, when: string, host: string): string {
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
  const [lo, hi] = [Math.min(...sizes), Math.max(...sizes)];
  const perWebhook = (face: Face) => {
    const a = r.state.find((x) => x.face === face && x.n === lo);
    const b = r.state.find((x) => x.face === face && x.n === hi);
    return a && b && hi > lo ? (b.exportBytes - a.exportBytes) / (hi - lo) : Number.NaN;
  };
  if (hi > lo) {
    const [a, b] = [perWebhook("rekko"), perWebhook("native")];
    stateRows.push(
      `| export bytes per added webhook ((N=${hi} − N=${lo}) / ${hi - lo}) | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(3)} | | |`,
    );
  }
  const rss = (face: Face, n: number) =>
    Math.max(...r.samples.filter((s) => s.face === face && s.n === n).map((s) => s.providerRssKiB));
  const rssRows = sizes.map((n) => `| ${n} | ${(rss("rekko", n) / 1024).toFixed(0)} | ${(rss("native", n) / 1024).toFixed(0)} |`);
  return [
    `Measured ${when} UTC, ${runs} run(s) per N (medians), ${host}.`,
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
  ].join("\n");
}
