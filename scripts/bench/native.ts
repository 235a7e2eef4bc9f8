// The native provider beside RekkoWebhook: the same N webhooks with the same inputs,
// declared through `rekko:index:Webhook` of the `pulumi-resource-rekko` plugin and through the
// dynamic resource, in the same Node.js language host, against the same emulator, phase by
// phase and back to back: wall time, API calls, state bytes per webhook, peak provider RSS.
import { performance } from "node:perf_hooks";
import type { RekkoEmulator } from "../../provider/testing";
import { exportText, linkPlugin, openProject, type TestProject } from "../rig/engine";
import { type Calls, countCalls } from "./calls";
import { ProcessSampler } from "./procs";
import { PHASES, type Phase } from "./results";

/** `rekko`: RekkoWebhook (dynamic); `native`: rekko:index:Webhook (the plugin). */
export type Face = "rekko" | "native";
export const FACES: readonly Face[] = ["rekko", "native"];
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
  calls: Calls;
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

async function operate(p: TestProject, phase: Phase): Promise<void> {
  if (phase === "preview") {
    await p.stack.preview();
    return;
  }
  const r = phase === "refresh" ? await p.stack.refresh() : phase === "destroy" ? await p.stack.destroy() : await p.stack.up();
  if (r.summary.result !== "succeeded") throw new Error(`${phase} ended ${r.summary.result}`);
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
 * with `config` (the same stack config for both), from the project `dirOf` each face.
 */
export async function benchNative(
  emu: RekkoEmulator,
  dirOf: (face: Face) => string,
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
      const p = await openProject(dirOf(face), {}, {}, { name: `bench-${face}` });
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
                calls: countCalls(emu.requests().slice(mark)).calls,
                providerRssKiB: usage.rssKiB.provider ?? 0,
              };
              samples.push(sample);
              log(
                `native bench N=${n} run ${run} ${phase.padEnd(9)} ${face.padEnd(6)} ${(sample.ms / 1000).toFixed(2)} s ${JSON.stringify(sample.calls)}`,
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
