/**
 * The allow-list of figures that may stand in prose: documented constants (the Rekko API's own
 * figures) and code defaults that no generator renders, each with its source. A figure is
 * allowed where one of the file's phrases covers it; an entry that covers nothing is an error,
 * so the list cannot outlive the text it was written for.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FIGURES_DIR, REPO } from "./results";

export interface AllowEntry {
  /** The document, relative to the repository root. */
  file: string;
  /**
   * Words around the figure, as in the document (runs of white space match any white space); `*`
   * for a document generated as a whole from the code, whose own test keeps it current.
   */
  phrase: string;
  /** Where the figure is documented or defined: the API documentation's section, or a file and name in the code. */
  source: string;
}

export const ALLOWED_FILE = join(FIGURES_DIR, "allowed.json");

export function loadAllowed(root = REPO): AllowEntry[] {
  const path = join(root, ALLOWED_FILE);
  if (!existsSync(path)) return [];
  const list = JSON.parse(readFileSync(path, "utf8")) as AllowEntry[];
  if (!Array.isArray(list)) throw new Error(`${path} must hold a JSON array of {file, phrase, source}`);
  list.forEach((e, i) => {
    for (const key of ["file", "phrase", "source"] as const) {
      if (typeof e[key] !== "string" || e[key].trim() === "") throw new Error(`${path}: entry ${i} has no "${key}"`);
    }
  });
  return list;
}

/** A phrase that covers a whole document. */
export const WHOLE_DOCUMENT = "*";

/** The spans [start, end) of `text` that an entry's phrase covers. */
export function phraseSpans(text: string, phrase: string): [number, number][] {
  if (phrase === WHOLE_DOCUMENT) return [[0, text.length]];
  const pattern = phrase
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(String.raw`\s+`);
  return [...text.matchAll(new RegExp(pattern, "g"))].map((m) => [m.index ?? 0, (m.index ?? 0) + m[0].length]);
}
