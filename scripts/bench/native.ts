// The native provider beside RekkoWebhook: the same N webhooks with the same inputs,
// declared through `rekko:index:Webhook` of the `pulumi-resource-rekko` plugin and through the
// dynamic resource, in the same Node.js language host, against the same emulator, phase by
// phase and back to back: wall time, API calls, state bytes per webhook, peak provider RSS.

import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { RekkoEmulator } from "../../provider/testing";
import { exportText, linkPlugin, openProject, type TestProject } from "../rig/engine";
import { type Calls, countCalls } from "./calls";
import { ProcessSampler } from "./procs";
import { PHASES, type Phase } from "./results";

/**
 * `rekko`: RekkoWebhook (dynamic); `native`: rekko:index:Webhook of the plugin run by Node.js
 * (the npm package's bin); `exe`: the same resource of the executable plugin.
 */
export type Face = "rekko" | "native" | "exe";
const TYPES: Record<Face, (type: string) => boolean> = {
  rekko: (t) => t === "pulumi-nodejs:dynamic/rekko:RekkoWebhook",
  native: (t) => t === "rekko:index:Webhook",
  exe: (t) => t === "rekko:index:Webhook",
};

/** A face to measure: its project and, for the executable, the plugin file to put where the project finds it. */
export interface FaceSpec {
  face: Face;
  dir: string;
  /** The executable plugin (face `exe`). */
  plugin?: string;
}

/** Puts `plugin` where `plugins: providers: [{name: rekko, path: node_modules/.bin}]` finds it. */
function linkExecutable(dir: string, plugin: string): void {
  const bin = join(dir, "node_modules", ".bin");
  mkdirSync(bin, { recursive: true });
  rmSync(join(bin, "pulumi-resource-rekko"), { force: true });
  symlinkSync(plugin, join(bin, "pulumi-resource-rekko"));
}

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
 * Measures the faces at each N (`runs` times, each phase of every face back to back, the first
 * face rotating by run), against `emu`, with `config` (the same stack config for all).
 */
export async function benchNative(
  emu: RekkoEmulator,
  faces: readonly FaceSpec[],
  sizes: readonly number[],
  runs: number,
  config: Record<string, { value: string; secret?: boolean }>,
  log: (msg: string) => void,
): Promise<NativeBench> {
  const open: Partial<Record<Face, TestProject>> = {};
  const samples: NativeSample[] = [];
  const state: NativeState[] = [];
  try {
    for (const { face, dir, plugin } of faces) {
      const p = await openProject(dir, {}, {}, { name: `bench-${face}` });
      if (face === "native") linkPlugin(p.dir);
      if (face === "exe") {
        if (!plugin) throw new Error("the exe face needs the executable plugin's path");
        linkExecutable(p.dir, plugin);
      }
      await p.stack.setAllConfig({ ...config, count: { value: "1" } });
      await p.stack.preview();
      open[face] = p;
    }
    for (const n of sizes) {
      for (const { face } of faces) await open[face]?.stack.setConfig("count", { value: String(n) });
      for (let run = 1; run <= runs; run++) {
        const names = faces.map((f) => f.face);
        const order = [...names.slice((run - 1) % names.length), ...names.slice(0, (run - 1) % names.length)];
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
