/**
 * The check behind `npm run docs:check` and the rendering behind `npm run docs:render`: every
 * generated block holds what its source's last results render, and no figure stands in prose
 * outside a block unless the allow-list names its source. Nothing is measured here.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type AllowEntry, phraseSpans, WHOLE_DOCUMENT } from "./allowed";
import { type Block, BlockSyntaxError, blockContent, findBlocks, replaceBlocks, withoutBlocks } from "./blocks";
import { findFigures } from "./detect";
import { readResults, resultsPath, stamp } from "./results";
import { COMMON_VIEWS, type Registry } from "./sources";

/** The documents whose figures are checked: README.md and every markdown file under docs/. */
export function documents(root: string): string[] {
  const out: string[] = [];
  if (existsSync(join(root, "README.md"))) out.push("README.md");
  const walk = (dir: string) => {
    if (!existsSync(join(root, dir))) return;
    for (const e of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".md")) out.push(join(dir, e.name));
    }
  };
  walk("docs");
  return out;
}

/** What a block should hold, or a problem with the block itself. */
export type Rendering = { ok: true; text: string; pending?: string } | { ok: false; message: string };

/** Renders one block's view from its source (results file or code). */
export function render(registry: Registry, root: string, block: Pick<Block, "source" | "view" | "inline">): Rendering {
  const source = registry[block.source];
  if (!source)
    return { ok: false, message: `unknown figure source "${block.source}" (known: ${Object.keys(registry).join(", ")})` };
  if (source.kind === "code") {
    const view = source.views[block.view];
    if (!view)
      return {
        ok: false,
        message: `figure source "${block.source}" has no view "${block.view}" (it has: ${viewList(Object.keys(source.views))})`,
      };
    return { ok: true, text: view() };
  }
  const known = [...Object.keys(source.views), ...COMMON_VIEWS];
  if (!known.includes(block.view))
    return { ok: false, message: `figure source "${block.source}" has no view "${block.view}" (it has: ${viewList(known)})` };
  if (block.view === "command") return { ok: true, text: `\`${source.command}\`` };
  let results: ReturnType<typeof readResults>;
  try {
    results = readResults(block.source, root);
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  if (!results) {
    const text = block.inline
      ? `(not measured yet: run \`${source.command}\`)`
      : `_Not measured yet (${source.title}): run \`${source.command}\`._`;
    return { ok: true, text, pending: source.command };
  }
  if (block.view === "measured") return { ok: true, text: stamp(results) };
  const view = source.views[block.view];
  if (!view) return { ok: false, message: `no view "${block.view}"` };
  try {
    return { ok: true, text: view(results) };
  } catch (err) {
    return { ok: false, message: `rendering ${resultsPath(block.source, root)} failed: ${(err as Error).message}` };
  }
}

const viewList = (views: string[]) => views.map((v) => (v === "" ? "(main view)" : v)).join(", ");

export interface Problem {
  file: string;
  line: number;
  message: string;
}

export interface CheckReport {
  files: string[];
  blocks: number;
  /** Blocks whose source has not been measured yet, with the command that measures it. */
  pending: { file: string; line: number; id: string; command: string }[];
  /** Figures in prose that the allow-list covers. */
  allowed: number;
  problems: Problem[];
}

/** Checks every document under `root` against `registry` and the allow-list. */
export function checkDocs(root: string, registry: Registry, allow: readonly AllowEntry[]): CheckReport {
  const report: CheckReport = { files: documents(root), blocks: 0, pending: [], allowed: 0, problems: [] };
  const usedEntries = new Set<AllowEntry>();
  for (const file of report.files) {
    const text = readFileSync(join(root, file), "utf8");
    let blocks: Block[];
    try {
      blocks = findBlocks(text);
    } catch (err) {
      if (!(err instanceof BlockSyntaxError)) throw err;
      report.problems.push({ file, line: err.line, message: err.message });
      continue;
    }
    for (const b of blocks) {
      report.blocks++;
      const r = render(registry, root, b);
      if (!r.ok) {
        report.problems.push({ file, line: b.line, message: `figure:${b.id}: ${r.message}` });
        continue;
      }
      if (r.pending) report.pending.push({ file, line: b.line, id: b.id, command: r.pending });
      if (blockContent(r.text, b.inline) !== b.content) {
        const source = registry[b.source];
        const how =
          source?.kind === "measured"
            ? `\`npm run docs:render\` rewrites it from ${relative(root, resultsPath(b.source, root))}; \`${source.command}\` measures it again`
            : "`npm run docs:render` rewrites it from the code";
        report.problems.push({
          file,
          line: b.line,
          message: `figure:${b.id} differs from what its source renders (edited by hand, or not rewritten after the last measurement): ${how}`,
        });
      }
    }
    const prose = withoutBlocks(text);
    const entries = allow.filter((e) => e.file === file);
    const spans = entries.map((e) => ({ e, spans: phraseSpans(prose, e.phrase) }));
    for (const f of findFigures(prose)) {
      const cover = spans.find(({ spans }) => spans.some(([a, b]) => a <= f.index && f.index + f.text.length <= b));
      if (cover) {
        usedEntries.add(cover.e);
        report.allowed++;
        continue;
      }
      report.problems.push({
        file,
        line: f.line,
        message: `${JSON.stringify(f.text.replace(/\s+/g, " "))} (${f.kind}) stands outside any generated block`,
      });
    }
  }
  for (const e of allow) {
    const wholeDocument = e.phrase === WHOLE_DOCUMENT && report.files.includes(e.file);
    if (!usedEntries.has(e) && !wholeDocument)
      report.problems.push({
        file: e.file,
        line: 0,
        message: `the allow-list entry ${JSON.stringify(e.phrase)} (docs/figures/allowed.json) covers no figure in ${e.file}: remove it or fix its phrase`,
      });
  }
  return report;
}

/** Rewrites every block of every document from its source; `only` limits it to those sources. Returns the files changed. */
export function renderDocs(root: string, registry: Registry, only?: readonly string[]): string[] {
  const changed: string[] = [];
  for (const file of documents(root)) {
    const path = join(root, file);
    const text = readFileSync(path, "utf8");
    let next: string;
    try {
      next = replaceBlocks(text, (b) => {
        if (only && !only.includes(b.source)) return undefined;
        const r = render(registry, root, b);
        if (!r.ok) throw new Error(`${file}:${b.line}: figure:${b.id}: ${r.message}`);
        return r.text;
      });
    } catch (err) {
      if (err instanceof BlockSyntaxError) throw new Error(`${file}:${err.line}: ${err.message}`);
      throw err;
    }
    if (next !== text) {
      writeFileSync(path, next);
      changed.push(file);
    }
  }
  return changed;
}
