import { renderDocs } from "./check";
import { REGISTRY } from "./registry";
import { REPO, stamp, writeResults } from "./results";

/**
 * What a generator calls after measuring: writes docs/figures/<source>.json (with the commit,
 * the date and `command`) and rewrites that source's blocks in every document.
 */
export function record<T>(source: string, command: string, data: T, root = REPO): void {
  if (REGISTRY[source]?.kind !== "measured")
    throw new Error(`"${source}" is not a measured figure source (scripts/figures/registry.ts)`);
  const r = writeResults(source, command, data, root);
  const changed = renderDocs(root, REGISTRY, [source]);
  process.stderr.write(
    `figures: wrote docs/figures/${source}.json (${stamp(r)}); rewrote its blocks in ${changed.length ? changed.join(", ") : "no document"}\n`,
  );
}

/** The command line this process was started with, as a user would type it from the repository root. */
export function commandLine(npmScript: string, args: readonly string[] = process.argv.slice(2)): string {
  return args.length ? `npm run ${npmScript} -- ${args.join(" ")}` : `npm run ${npmScript}`;
}
