/**
 * Finds figures in prose: numbers with a unit of time, size or rate, a count of runs, tests or
 * cases, a ratio (`1.28×`) or a percentage. These are what docs:check refuses outside a
 * generated block. Not figures: HTTP statuses in the plural (`429s`), counts written as products
 * (`429×14`, `503×n`), labels (`suite 3 runs`), version numbers, dates and plain counts of things
 * (`30 webhooks`).
 */

/** A figure found in a text. */
export interface FoundFigure {
  /** 1-based line number. */
  line: number;
  /** The figure as written, e.g. `643 s`, `1.28×`, `91.7%`. */
  text: string;
  /** Offset of the figure in the text. */
  index: number;
  kind: "time" | "size" | "rate" | "runs" | "ratio" | "percent";
}

// A number (643, 1,017, 0.35, ~3), optionally a range (1–3, 1.19-1.28, 5 to 8).
const NUM = String.raw`~?\d+(?:,\d{3})*(?:\.\d+)?`;
const RANGE = String.raw`${NUM}(?:\s*(?:[–-]|to)\s*${NUM})?`;

const UNITS: { kind: FoundFigure["kind"]; unit: string }[] = [
  {
    kind: "rate",
    unit: String.raw`(?:(?:requests?|calls?|ops|req)\s*)?(?:\/\s*(?:min|minute|s|sec|second)\b|(?:a|per)\s+(?:minute|second)\b)`,
  },
  { kind: "time", unit: String.raw`(?:ms|µs|us|ns|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?|days?)\b` },
  { kind: "size", unit: String.raw`(?:B|bytes?|[kKMG]i?B)\b` },
  { kind: "runs", unit: String.raw`(?:runs?|tests?|cases|samples|iterations|times)\b` },
  { kind: "ratio", unit: "×" },
  { kind: "percent", unit: "%" },
];

const PATTERN = new RegExp(
  String.raw`(?<![\w.\-/:#@$])(?<num>${RANGE})(?<sep>\s*|-)(?:${UNITS.map((u, i) => `(?<u${i}>${u.unit})`).join("|")})`,
  "g",
);

/** A number that labels something (`suite 3 runs …`, `step 2 takes …`) rather than counting or measuring. */
const LABEL_BEFORE = /\b(?:suites?|steps?|phases?|items?|issues?|sections?|parts?|rounds?)\s*$/i;

/** An HTTP status in the plural: `429s`, `503s`. */
const isStatusPlural = (num: string, sep: string, unit: string) => sep === "" && unit === "s" && /^[1-5]\d\d$/.test(num);

/** Every figure in `text`, in order. */
export function findFigures(text: string): FoundFigure[] {
  const out: FoundFigure[] = [];
  for (const m of text.matchAll(PATTERN)) {
    const i = UNITS.findIndex((_, k) => m.groups?.[`u${k}`] !== undefined);
    const unit = UNITS[i];
    const num = m.groups?.num ?? "";
    const sep = m.groups?.sep ?? "";
    const unitText = m.groups?.[`u${i}`] ?? "";
    if (!unit || m.index === undefined) continue;
    if (isStatusPlural(num, sep, unitText)) continue;
    const end = m.index + m[0].length;
    // `429×14`, `503×n`: a count written as a product, not a ratio.
    if (unit.kind === "ratio" && /^\w/.test(text.slice(end))) continue;
    if (LABEL_BEFORE.test(text.slice(Math.max(0, m.index - 20), m.index))) continue;
    out.push({ line: lineOf(text, m.index), text: m[0], index: m.index, kind: unit.kind });
  }
  return out;
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
