/** The receiver's figures as markdown, and the views README.md takes from them (pure; nothing runs here). */
import { hostLine, type Machine } from "./machine";
import type { ReceiverBench, Stat } from "./receiver";
import { type Target, targetTable } from "./results";

/** What `--record` keeps of the receiver bench. */
export interface ReceiverResults extends ReceiverBench {
  machine: Machine;
  targets: Target[];
}

const f = (n: number, digits: number) => n.toFixed(digits);
const spread = (s: Stat, digits: number, scale = 1) =>
  `${f(s.median * scale, digits)} (${f(s.min * scale, digits)}–${f(s.max * scale, digits)})`;

/** The receiver's targets: cold import, memory, the web bundle, the Node face's throughput. */
export function receiverTargets(r: ReceiverBench): Target[] {
  const { receiver } = r.imports;
  const rssRatio = receiver.rssMiB.median / r.bareRssMiB.median;
  const nodeRatio = r.ratios.node.median;
  const kb = r.bundle.bytes / 1024;
  const target = (name: string, wanted: string, measured: string, holds: boolean): Target => ({
    name,
    target: wanted,
    measured,
    holds,
  });
  return [
    target(
      "cold `require` of the subpath",
      "≤ 0.1 s",
      `${f(receiver.requireMs.median / 1000, 4)} s`,
      receiver.requireMs.median <= 100,
    ),
    target("RSS after it", "≤ 1.2 × bare `node`", `${f(rssRatio, 3)} ×`, rssRatio <= 1.2),
    target("web bundle, minified", "≤ 8 KiB", `${r.bundle.bytes} bytes (${f(kb, 2)} KiB)`, r.bundle.bytes <= 8 * 1024),
    target(
      "`node:` imports in the web bundle",
      "none",
      r.bundle.nodeImports.join(", ") || "none",
      r.bundle.nodeImports.length === 0,
    ),
    target("Node face's verifications per CPU-second", "≥ 0.8 × the floor", `${f(nodeRatio, 3)} ×`, nodeRatio >= 0.8),
  ];
}

/** The receiver section of docs/PERFORMANCE.md: figures and targets. */
export function receiverMarkdown(r: ReceiverResults): string {
  const { receiver, root } = r.imports;
  return [
    `Node ${r.node}, ${hostLine(r.machine)}; medians of ${r.bareRssMiB.runs} runs, spread min–max in brackets.`,
    "",
    "| cold import, fresh process | `require` (ms) | whole process (ms) | RSS after (MiB) |",
    "|---|---|---|---|",
    `| bare \`node -e\` (nothing required) | – | ${spread(r.bareProcessMs, 1)} | ${spread(r.bareRssMiB, 1)} |`,
    `| \`require("pulumi-rekko/receiver")\` | ${spread(receiver.requireMs, 2)} | ${spread(receiver.processMs, 1)} | ${spread(receiver.rssMiB, 1)} |`,
    `| \`require("pulumi-rekko")\` (root) | ${spread(root.requireMs, 1)} | ${spread(root.processMs, 1)} | ${spread(root.rssMiB, 1)} |`,
    "",
    `Bundle (esbuild, \`export * from "pulumi-rekko/receiver"\`, platform browser, ESM, minified): **${r.bundle.bytes} bytes**, ${r.bundle.gzipBytes} bytes gzipped; \`node:\` imports in it: ${r.bundle.nodeImports.join(", ") || "none"}.`,
    "",
    `| verification, ${r.bodyBytes}-byte body, ${r.secrets} secrets (the last one matches), one process, one libuv thread | ops/s | × floor (per run) |`,
    "|---|---|---|",
    `| floor: \`createHmac\` + \`timingSafeEqual\` per secret, no early exit | ${spread(r.throughput.floor, 0)} | 1 |`,
    `| Node face: \`verifySignature\` | ${spread(r.throughput.node, 0)} | ${spread(r.ratios.node, 3)} |`,
    `| web face: \`await receiver.verifyBody\` (crypto.subtle; also decodes and parses the JSON) | ${spread(r.throughput.web, 0)} | ${spread(r.ratios.web, 3)} |`,
    "",
    targetTable(r.targets),
  ].join("\n");
}

/** The cold-import sentence of README.md: the subpath against the root and a bare `node`. */
export function receiverImports(r: ReceiverResults): string {
  const { receiver, root } = r.imports;
  return (
    `\`require("pulumi-rekko/receiver")\` measured ${f(receiver.requireMs.median, 2)} ms and ${f(receiver.rssMiB.median, 1)} MiB RSS ` +
    `(a bare \`node\`: ${f(r.bareRssMiB.median, 1)} MiB) against ${f(root.requireMs.median, 1)} ms and ${f(root.rssMiB.median, 1)} MiB for the root ` +
    `(medians of ${receiver.requireMs.runs} runs; ${hostLine(r.machine)})`
  );
}

/** The web bundle's size, minified. */
export const receiverBundle = (r: ReceiverResults) => `${r.bundle.bytes} bytes`;
