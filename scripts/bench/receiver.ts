// The receiver's figures: cold import of `pulumi-rekko/receiver` against the root
// entry and a bare `node`, the esbuild bundle of its web entry, and verification throughput
// of both faces next to a bare createHmac + timingSafeEqual floor. Each figure is the median
// of several runs in fresh processes, with the spread (min–max). Needs a built dist/.
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { webBundle } from "../rig/bundle";

/** Median and spread of a set of runs. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export interface ImportCost {
  /** The `require` itself, ms. */
  requireMs: Stat;
  /** The whole process, from spawn to exit, ms. */
  processMs: Stat;
  /** RSS after the require, MiB. */
  rssMiB: Stat;
}

export interface ReceiverBench {
  node: string;
  bareRssMiB: Stat;
  bareProcessMs: Stat;
  imports: { receiver: ImportCost; root: ImportCost };
  bundle: { bytes: number; gzipBytes: number; nodeImports: string[] };
  throughput: { floor: Stat; node: Stat; web: Stat };
  /** Per run, ops/s of the face over ops/s of the floor in the same process. */
  ratios: { node: Stat; web: Stat };
  bodyBytes: number;
  secrets: number;
}

function stat(values: number[]): Stat {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, runs: sorted.length };
}

const MiB = 1024 * 1024;

/** One fresh `node` process requiring `specifier` (nothing when empty); its own timings and RSS. */
function probe(root: string, specifier: string): { requireMs: number; processMs: number; rssMiB: number } {
  const script = `const t = performance.now(); ${specifier ? `require(${JSON.stringify(specifier)});` : ""}
    const requireMs = performance.now() - t;
    console.log(JSON.stringify({ requireMs, rss: process.memoryUsage().rss }));`;
  const started = process.hrtime.bigint();
  const out = execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  const { requireMs, rss } = JSON.parse(out) as { requireMs: number; rss: number };
  return { requireMs, processMs, rssMiB: rss / MiB };
}

// One fresh process per run: each face takes turns with the floor in batches of 200 calls
// (half of `seconds` per face), so the machine's state falls on both alike; ops/s = calls /
// CPU time of the process (user + system, every thread) spent in them, so time the process
// waits for a core taken by other work does not count.
const THROUGHPUT = `
const { createHmac, timingSafeEqual, randomBytes } = require("node:crypto");
const receiver = require(process.argv[1]);
const seconds = Number(process.argv[2]);
const base = '{"type":"whale_alert","market_id":"KXFED-26MAR19","pad":""}';
const body = Buffer.from(base.replace('"pad":""', '"pad":"' + "x".repeat(2048 - base.length) + '"'));
const secrets = [randomBytes(24).toString("hex"), randomBytes(24).toString("hex"), randomBytes(24).toString("hex")];
const header = createHmac("sha256", secrets[2]).update(body).digest("hex");
const given = Buffer.from(header, "hex");
const floor = () => {
  let ok = false;
  for (const s of secrets) if (timingSafeEqual(createHmac("sha256", s).update(body).digest(), given)) ok = true;
  return ok;
};
const node = () => receiver.verifySignature(body, header, secrets);
const webReceiver = receiver.createWebReceiver({ secrets, onEvent: () => undefined });
const web = () => webReceiver.verifyBody(body, header).then((r) => r.ok);
const fns = { floor, node, web };
(async () => {
  const spent = { floor: 0, node: 0, web: 0 };
  const calls = { floor: 0, node: 0, web: 0 };
  for (const [name, fn] of Object.entries(fns)) {
    if (!(await fn())) throw new Error(name + " did not verify");
    for (let i = 0; i < 1000; i++) await fn();
  }
  // Two halves: floor and Node face take turns, then floor and web face (whose promises
  // and garbage would otherwise land in the other two's batches).
  for (const pair of [["floor", "node"], ["floor", "web"]]) {
    const end = performance.now() + (seconds * 1000) / 2;
    while (performance.now() < end) {
      for (const name of pair) {
        const fn = fns[name];
        const t = process.cpuUsage();
        if (name === "web") for (let i = 0; i < 200; i++) await fn();
        else for (let i = 0; i < 200; i++) fn();
        const used = process.cpuUsage(t);
        spent[name] += (used.user + used.system) / 1000;
        calls[name] += 200;
      }
    }
  }
  const ops = Object.fromEntries(Object.keys(fns).map((k) => [k, (calls[k] / spent[k]) * 1000]));
  console.log(JSON.stringify({ ops, bodyBytes: body.length }));
})();`;

type Verifier = "floor" | "node" | "web";

function throughput(entry: string, seconds: number): { ops: Record<Verifier, number>; bodyBytes: number } {
  // One libuv thread, so crypto.subtle's work (run on the thread pool) stays on one core too.
  const out = execFileSync(process.execPath, ["-e", THROUGHPUT, entry, String(seconds)], {
    encoding: "utf8",
    env: { ...process.env, UV_THREADPOOL_SIZE: "1" },
  });
  return JSON.parse(out) as { ops: Record<Verifier, number>; bodyBytes: number };
}

/** Runs every receiver measurement; `runs` fresh processes per figure. */
export async function benchReceiver(root: string, runs: number, log: (msg: string) => void): Promise<ReceiverBench> {
  log(`receiver: cold imports (${runs} runs each, interleaved)`);
  const bare: ReturnType<typeof probe>[] = [];
  const sub: ReturnType<typeof probe>[] = [];
  const top: ReturnType<typeof probe>[] = [];
  probe(root, "pulumi-rekko"); // warm the file cache once, as after any install
  for (let i = 0; i < runs; i++) {
    bare.push(probe(root, ""));
    sub.push(probe(root, "pulumi-rekko/receiver"));
    top.push(probe(root, "pulumi-rekko"));
  }
  const cost = (list: ReturnType<typeof probe>[]): ImportCost => ({
    requireMs: stat(list.map((p) => p.requireMs)),
    processMs: stat(list.map((p) => p.processMs)),
    rssMiB: stat(list.map((p) => p.rssMiB)),
  });

  log("receiver: esbuild bundle of pulumi-rekko/receiver for the browser platform, minified");
  const text = await webBundle(root);
  const code = new TextEncoder().encode(text);
  const nodeImports = [...new Set([...text.matchAll(/["'](node:[a-z_/]+)["']/g)].map((m) => m[1] ?? ""))];

  const entry = `${root}/dist/provider/receiver/index.js`;
  log(`receiver: verification throughput, 2 KiB body, 3 secrets (${runs} processes of 3 s, verifiers interleaved)`);
  const runsOps: Record<Verifier, number>[] = [];
  let bodyBytes = 0;
  for (let i = 0; i < runs; i++) {
    const r = throughput(entry, 3);
    runsOps.push(r.ops);
    bodyBytes = r.bodyBytes;
  }
  const of = (v: Verifier) => stat(runsOps.map((o) => o[v]));
  const ratio = (v: Verifier) => stat(runsOps.map((o) => o[v] / o.floor));
  return {
    node: process.version,
    bareRssMiB: stat(bare.map((p) => p.rssMiB)),
    bareProcessMs: stat(bare.map((p) => p.processMs)),
    imports: { receiver: cost(sub), root: cost(top) },
    bundle: { bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength, nodeImports },
    throughput: { floor: of("floor"), node: of("node"), web: of("web") },
    ratios: { node: ratio("node"), web: ratio("web") },
    bodyBytes,
    secrets: 3,
  };
}
