/**
 * The figures of README.md and docs/, from the command line:
 *
 *   npm run docs:check                     # fails on a stale block, a figure outside any block, or a path,
 *                                          # link or test title named in the docs that does not exist (measures nothing)
 *   npm run docs:render [-- --only <source>]...   # rewrites the blocks from docs/figures/*.json (measures nothing)
 *   tsx scripts/figures/main.ts record <source> --command "<cmd>" --data '<json>'
 *                                          # for shell generators: writes docs/figures/<source>.json, then its blocks
 *   tsx scripts/figures/main.ts list       # every figure source, where its figures stand and the command that measures it
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { checkReferences } from "../docs/references";
import { loadAllowed } from "./allowed";
import { findBlocks } from "./blocks";
import { checkDocs, documents, renderDocs } from "./check";
import { record } from "./record";
import { REGISTRY } from "./registry";
import { REPO, readResults, stamp } from "./results";

function check(): number {
  const report = checkDocs(REPO, REGISTRY, loadAllowed(REPO));
  for (const p of report.problems) process.stderr.write(`${p.file}${p.line ? `:${p.line}` : ""}: ${p.message}\n`);
  const references = checkReferences(REPO, report.files);
  for (const p of references) process.stderr.write(`${p.file}:${p.line}: ${p.message}\n`);
  if (report.problems.some((p) => p.message.endsWith("outside any generated block")))
    process.stderr.write(
      "A measured figure belongs in a <!-- figure:<source>[:<view>] --> block rendered from the script that measures it " +
        "(scripts/figures/registry.ts); a documented constant (the API's own figures, a code default) may stand in prose " +
        "when docs/figures/allowed.json lists it with its source.\n",
    );
  const pending = [...new Map(report.pending.map((p) => [p.command, p])).values()];
  process.stdout.write(
    `docs:check: ${report.blocks} generated blocks in ${report.files.length} documents, ${report.allowed} allowed constants in prose, ` +
      `${report.problems.length} problem(s); ${references.length} broken reference(s) to paths, links or test titles\n`,
  );
  if (pending.length) {
    process.stdout.write(`not measured yet (${report.pending.length} blocks); to measure, run from the repository root:\n`);
    for (const p of pending) process.stdout.write(`  ${p.command}\n`);
  }
  return report.problems.length || references.length ? 1 : 0;
}

function list(): void {
  const uses = new Map<string, string[]>();
  for (const file of documents(REPO)) {
    for (const b of findBlocks(readFileSync(join(REPO, file), "utf8"))) {
      uses.set(b.source, [...(uses.get(b.source) ?? []), `${file}:${b.line}${b.view ? ` (${b.view})` : ""}`]);
    }
  }
  for (const [name, s] of Object.entries(REGISTRY)) {
    const r = s.kind === "measured" ? readResults(name, REPO) : undefined;
    const state = s.kind === "code" ? `from ${s.from}` : r ? `measured at ${stamp(r)}` : "not measured yet";
    process.stdout.write(`${name}: ${s.title}; ${state}\n`);
    if (s.kind === "measured") process.stdout.write(`  command: ${s.command}\n`);
    process.stdout.write(`  used in: ${(uses.get(name) ?? ["nothing"]).join(", ")}\n`);
  }
}

function main(): number {
  const [verb, ...rest] = process.argv.slice(2);
  if (verb === "check") return check();
  if (verb === "render") {
    const { values } = parseArgs({ args: rest, options: { only: { type: "string", multiple: true } } });
    const changed = renderDocs(REPO, REGISTRY, values.only);
    process.stdout.write(
      `docs:render: ${changed.length ? `rewrote ${changed.join(", ")}` : "every block already matches its results"}\n`,
    );
    return 0;
  }
  if (verb === "record") {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { command: { type: "string" }, data: { type: "string" } },
    });
    const source = positionals[0];
    if (!source || !values.command || values.data === undefined)
      throw new Error("usage: record <source> --command \"<command>\" --data '<json>'");
    record(source, values.command, JSON.parse(values.data) as unknown);
    return 0;
  }
  if (verb === "list") {
    list();
    return 0;
  }
  process.stderr.write(`${readFileSync(__filename, "utf8").split("*/")[0]}*/\n`);
  return 2;
}

if (require.main === module) {
  // `npm run docs:check | head`: a closed pipe is not a failure of the check.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  try {
    process.exitCode = main();
  } catch (err) {
    process.stderr.write(`figures: ${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}
