import { renderDocs } from "./check";
import { REGISTRY } from "./registry";
import { REPO, stamp, writeResults } from "./results";

/**
 * What a generator calls after measuring: writes docs/figures/<source>.json (with the commit,
 * the date and `command`, the command line that measured it) and rewrites that source's blocks
 * in every document; prints what it did and the command that measures the source again.
 */
export function record<T>(source: string, command: string, data: T, root = REPO): void {
  const figure = REGISTRY[source];
  if (figure?.kind !== "measured") throw new Error(`"${source}" is not a measured figure source (scripts/figures/registry.ts)`);
  const r = writeResults(source, command, data, root);
  const changed = renderDocs(root, REGISTRY, [source]);
  process.stderr.write(
    `figures: wrote docs/figures/${source}.json (${stamp(r)}); rewrote its blocks in ${changed.length ? changed.join(", ") : "no document"}; ` +
      `to measure it again: ${figure.command}\n`,
  );
}
