/**
 * What a figure source is: where its numbers come from (a results file a script writes, or the
 * code itself) and the views that render them into documents.
 */
import type { Results } from "./results";

/** A source whose figures a script measures into docs/figures/<name>.json. */
export interface MeasuredSource<T = never> {
  kind: "measured";
  /** What is measured, in a few words (shown in pending blocks and in docs:check's report). */
  title: string;
  /** The exact command, from the repository root, that measures it and rewrites its blocks. */
  command: string;
  /** View name ("" for the main view) → markdown. */
  views: Record<string, (r: Results<T>) => string>;
}

/** A source rendered from the code (a documented default): nothing to measure, never stale. */
export interface CodeSource {
  kind: "code";
  title: string;
  /** The file the values come from. */
  from: string;
  views: Record<string, () => string>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds sources of every data shape.
export type FigureSource = MeasuredSource<any> | CodeSource;
export type Registry = Readonly<Record<string, FigureSource>>;

/** Views every measured source has besides its own: `measured` (commit and date) and `command`. */
export const COMMON_VIEWS = ["measured", "command"] as const;

/** Defines a measured source with typed views. */
export function measured<T>(title: string, command: string, views: Record<string, (r: Results<T>) => string>): MeasuredSource<T> {
  return { kind: "measured", title, command, views };
}

/** Defines a source rendered from code. */
export function fromCode(title: string, from: string, views: Record<string, () => string>): CodeSource {
  return { kind: "code", title, from, views };
}
