/**
 * Results files: `docs/figures/<source>.json`, written by the script that measured the figures,
 * holding the measured data with the commit, the date and the command that regenerates them.
 * Documents never hold a measured number that is not rendered from one of these.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The repository root. */
export const REPO = resolve(__dirname, "..", "..");
/** Where results files live, relative to the root. */
export const FIGURES_DIR = join("docs", "figures");

/** One results file. */
export interface Results<T = unknown> {
  /** The figure source's name (the file is docs/figures/<source>.json). */
  source: string;
  /** The command, run from the repository root, that measured this and regenerates it. */
  command: string;
  /** The commit measured (`git rev-parse --short HEAD`). */
  commit: string;
  /** True when tracked files outside the docs differed from that commit. */
  dirty: boolean;
  /** When the measurement finished, ISO 8601 UTC. */
  date: string;
  /** The measured values, in the shape the source's views read. */
  data: T;
}

export function resultsPath(source: string, root = REPO): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(source))
    throw new Error(`figure source names are lower-case words and dashes, got ${JSON.stringify(source)}`);
  return join(root, FIGURES_DIR, `${source}.json`);
}

/** The last results of `source`, or undefined when it has never been measured. */
export function readResults<T = unknown>(source: string, root = REPO): Results<T> | undefined {
  const path = resultsPath(source, root);
  if (!existsSync(path)) return undefined;
  const r = JSON.parse(readFileSync(path, "utf8")) as Results<T>;
  for (const key of ["source", "command", "commit", "date"] as const) {
    if (typeof r[key] !== "string") throw new Error(`${path}: "${key}" is missing or not a string`);
  }
  if (r.source !== source)
    throw new Error(`${path}: "source" is ${JSON.stringify(r.source)}, expected ${JSON.stringify(source)}`);
  return r;
}

/** The commit of `root` and whether tracked files outside the docs differ from it. */
export function commitOf(root = REPO): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const changed = execFileSync(
      "git",
      ["status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs", ":(exclude)README.md"],
      { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    ).trim();
    return { commit, dirty: changed !== "" };
  } catch {
    return { commit: "unknown", dirty: false };
  }
}

/** Writes the results of a measurement of `source`, stamped with the commit and the date. */
export function writeResults<T>(source: string, command: string, data: T, root = REPO, date = new Date()): Results<T> {
  const results: Results<T> = { source, command, ...commitOf(root), date: date.toISOString(), data };
  const path = resultsPath(source, root);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return results;
}

/** `2026-12-04 05:17 UTC`. */
export function shortDate(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

/** `commit 28d3905, 2026-11-30 23:57 UTC` (with a note when the checkout had uncommitted changes). */
export function stamp(r: Results): string {
  return `commit ${r.commit}${r.dirty ? " with uncommitted changes" : ""}, ${shortDate(r.date)}`;
}

/** The sentence every block view ends with: where the figures come from and how to regenerate them. */
export function provenance(r: Results): string {
  return `Measured at ${stamp(r)}; regenerate with \`${r.command}\`.`;
}
