/** The cost of each operation in API calls, on both faces: targets and the docs table (pure; nothing runs here). */
import { callText, meetsTarget, OPERATIONS, type Operation, TARGETS } from "./calls";
import type { CostFace, CostSample, CostsBench } from "./costs";
import { hostLine, type Machine } from "./machine";
import type { Target } from "./results";

/** What `--record` keeps of the costs bench. */
export interface CostsResults extends CostsBench {
  machine: Machine;
  targets: Target[];
}

/** What each operation is, as run (the same on both faces unless the face's entry says otherwise). */
const RUN: Record<Operation, string | Record<CostFace, string>> = {
  preview: "`pulumi preview` of a stack of N new webhooks",
  up: "`pulumi up` creating them",
  "second-up": "`pulumi up` again, nothing changed",
  replace: "`pulumi up` after every webhook's `url` changed: N replacements, each created before the old one is deleted",
  rotation: {
    rekko: "`pulumi up` after `rotation` + 1 on N `RekkoWebhookWithSecret`",
    native: "`pulumi up` after `rotation` + 1 on N `rekko:WebhookWithSecret`",
  },
  refresh: "`pulumi refresh` of N webhooks under one provider and key",
  import: {
    rekko: "`pulumi up` adopting 1 webhook registered outside the stack (`adoptWebhookId`)",
    native:
      "`pulumi import rekko:index:Webhook` of 1 webhook registered outside the stack (its preview and the import each read it)",
  },
  "get-webhooks": {
    rekko: "not offered on this face",
    native: "`pulumi up` of a program that calls `getWebhooks` once and declares nothing",
  },
  orphans: "`pulumi-rekko-orphans` on the stack's export",
  cost: "`pulumi preview --json | pulumi-rekko cost` for N new webhooks, the key set (the preview's own calls not counted)",
  destroy: "`pulumi destroy` of N webhooks",
};

const FACE_NAME: Record<CostFace, string> = { rekko: "dynamic", native: "native" };

/** One target per operation and face that has a target and was measured. */
export function costsTargets(r: CostsBench): Target[] {
  const out: Target[] = [];
  for (const op of OPERATIONS) {
    for (const face of ["rekko", "native"] as const) {
      const mine = r.samples.filter((s) => s.op === op && s.face === face);
      if (!mine.length || !TARGETS[op].expected) continue;
      const bad = mine.filter((s) => meetsTarget(op, { n: s.n }, s.calls) === false);
      out.push({
        name: `API calls, ${op} (${FACE_NAME[face]})`,
        target: TARGETS[op].text,
        measured: mine.map((s) => `N=${s.n}: ${callText(s.calls)}`).join("; "),
        holds: bad.length === 0,
      });
    }
  }
  return out;
}

const cellOf = (samples: readonly CostSample[], op: Operation, face: CostFace) => {
  const s = samples.find((x) => x.op === op && x.face === face);
  return s ? callText(s.calls) : "–";
};

/** The table of what each operation costs, from the measured counts. */
export function costsMarkdown(r: CostsResults): string {
  const verdict = (op: Operation) => {
    const mine = r.samples.filter((s) => s.op === op);
    if (!TARGETS[op].expected) return "–";
    if (!mine.length) return "not measured";
    return mine.every((s) => meetsTarget(op, { n: s.n }, s.calls)) ? "yes" : "**no**";
  };
  const run = (op: Operation) => {
    const what = RUN[op];
    // A table cell: a `|` (also inside code) must be escaped, or it ends the cell.
    return (typeof what === "string" ? what : `dynamic: ${what.rekko}; native: ${what.native}`).replace(/\|/g, "\\|");
  };
  return [
    `N = ${r.n}; one emulator, no faults and no rate limit, so no create's outcome is unknown; ${hostLine(r.machine)}.`,
    "",
    "| operation | what was run | dynamic face (`RekkoWebhook`) | native face (`rekko:Webhook`) | target | holds |",
    "| --- | --- | --- | --- | --- | --- |",
    ...OPERATIONS.map(
      (op) =>
        `| ${op} | ${run(op)} | ${cellOf(r.samples, op, "rekko")} | ${cellOf(r.samples, op, "native")} | ${TARGETS[op].text} | ${verdict(op)} |`,
    ),
  ].join("\n");
}
