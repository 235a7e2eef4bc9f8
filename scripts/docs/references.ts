/**
 * What README.md and docs/ point at must exist: a repository path written in backticks
 * (`provider/core/rateLimit.ts`, `test/core/orphans.spec.ts`), a relative Markdown link, a file
 * name in a row of a "where things are" table (relative to the folder in the row's first cell),
 * and the title of a test named after its spec file:
 *
 *   `test/core/orphans.spec.ts` "lists the webhook of a pending create whose id …"
 *
 * A title may leave out words with "…"; each part must stand in the spec file or in a file it
 * imports by a relative path (the scenario tables). And a fenced block right after
 * `<!-- file: examples/basic/index.ts -->` must be that file, as it is (an example the tests run).
 * Part of `npm run docs:check`; measures nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

export interface ReferenceProblem {
  file: string;
  line: number;
  message: string;
}

/** Top-level folders and files a backticked path may start with. */
const ROOTS = ["provider", "test", "scripts", "toolchain", "examples", "docs", "demo", ".ci"];
const TOP_FILES = ["package.json", "Pulumi.yaml", "tsconfig.json", "biome.json", "README.md", "package-lock.json"];

/** Placeholders and globs: not one path. */
const PATTERN_CHARS = /[<>*{}$…]|\.\.\./;

/** Whether a backticked token names a path of this repository. */
export function isRepoPath(token: string): boolean {
  if (PATTERN_CHARS.test(token) || /\s/.test(token)) return false;
  const t = token.replace(/^\.\//, "");
  if (TOP_FILES.includes(t)) return true;
  const first = t.split("/")[0] ?? "";
  return t.includes("/") && ROOTS.includes(first) && /^[\w.\-/@]+$/.test(t);
}

/** The paragraphs of a Markdown text outside fenced code, each with its first line number; a table is one. */
function paragraphs(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fenced = false;
  let current: { line: number; lines: string[]; table: boolean } | undefined;
  const flush = () => {
    if (current) out.push({ line: current.line, text: current.lines.join("\n") });
    current = undefined;
  };
  text.split("\n").forEach((raw, i) => {
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      flush();
      return;
    }
    if (fenced) return;
    if (raw.trim() === "") {
      flush();
      return;
    }
    const table = /^\s*\|/.test(raw);
    if (current && current.table !== table) flush();
    if (!current) current = { line: i + 1, lines: [], table };
    current.lines.push(raw);
  });
  flush();
  return out;
}

const lineAt = (p: { line: number; text: string }, index: number) => p.line + (p.text.slice(0, index).match(/\n/g)?.length ?? 0);

const squash = (s: string) => s.replace(/\s+/g, " ");

/** The parts of a test title a document quotes: split at "…", stripped of joining punctuation. */
export function titleParts(title: string): string[] {
  return squash(title)
    .split(/…|\.\.\./)
    .map((s) => s.trim().replace(/^[,;:]\s*/, ""))
    .filter((s) => s.length > 0);
}

/** The text a spec's titles may stand in: the spec and the files it imports relatively. */
function specText(root: string, spec: string): string {
  const seen = new Set<string>();
  const texts: string[] = [];
  const visit = (file: string, depth: number) => {
    if (seen.has(file) || !existsSync(join(root, file))) return;
    seen.add(file);
    const text = readFileSync(join(root, file), "utf8");
    texts.push(text);
    if (depth === 0) return;
    for (const m of text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
      const target = normalize(join(dirname(file), m[1] ?? ""));
      for (const candidate of [target, `${target}.ts`, join(target, "index.ts")]) {
        if (existsSync(join(root, candidate)) && candidate.endsWith(".ts")) visit(candidate, depth - 1);
      }
    }
  };
  visit(spec, 2);
  // Titles may be written in a source across lines, as concatenated literals, or with escaped quotes.
  return squash(texts.join("\n"))
    .replace(/(["'`]) ?\+ ?\1/g, "")
    .replace(/\\"/g, '"')
    .replace(/\\`/g, "`");
}

/**
 * The test titles of a paragraph: every double-quoted string outside code, each of the spec file
 * named (in backticks) last before it: `spec` "a", "b"; or `spec` ("a" and "b").
 */
function titlesIn(text: string): { spec: string; title: string; index: number }[] {
  const specs: { index: number; path: string }[] = [];
  // Code spans (they may run over lines) are masked, so a quote inside one is not a title.
  const masked = text.replace(/`([^`]+)`/g, (span, inner: string, index: number) => {
    const path = inner.trim().replace(/^\.\//, "");
    if (isRepoPath(path) && /\.spec\.ts$/.test(path)) specs.push({ index, path });
    return " ".repeat(span.length);
  });
  const out: { spec: string; title: string; index: number }[] = [];
  for (const m of masked.matchAll(/"([^"]+)"|“([^”]+)”/g)) {
    const index = m.index ?? 0;
    const spec = specs.filter((s) => s.index < index).pop();
    if (spec) out.push({ spec: spec.path, title: m[1] ?? m[2] ?? "", index });
  }
  return out;
}

/** A fenced block announced by `<!-- file: path -->` on the line before it must hold that file. */
function copiedFiles(root: string, file: string, text: string): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const m = /^<!-- file: (\S+) -->$/.exec(raw.trim());
    if (!m) return;
    const path = m[1] ?? "";
    const fence = /^(```+|~~~+)/.exec(lines[i + 1] ?? "")?.[1];
    const end = fence ? lines.findIndex((l, k) => k > i + 1 && l.startsWith(fence)) : -1;
    if (!fence || end === -1) {
      problems.push({ file, line: i + 1, message: `\`<!-- file: ${path} -->\` is not followed by a fenced block` });
    } else if (!existsSync(join(root, path))) {
      problems.push({ file, line: i + 1, message: `\`${path}\` (the file the block copies) does not exist` });
    } else if (
      lines
        .slice(i + 2, end)
        .join("\n")
        .trim() !== readFileSync(join(root, path), "utf8").trim()
    ) {
      problems.push({ file, line: i + 2, message: `the block differs from ${path}: copy the file as it is` });
    }
  });
  return problems;
}

/** Every broken reference of one Markdown document (`file`, relative to `root`). */
export function checkDocumentReferences(root: string, file: string, text: string): ReferenceProblem[] {
  const problems: ReferenceProblem[] = copiedFiles(root, file, text);
  const cache = new Map<string, string>();
  for (const p of paragraphs(text)) {
    // Backticked paths.
    for (const m of p.text.matchAll(/`([^`]+)`/g)) {
      const token = (m[1] ?? "").trim();
      if (!isRepoPath(token)) continue;
      const path = token.replace(/^\.\//, "").replace(/[#:].*$/, "");
      if (!existsSync(join(root, path)))
        problems.push({ file, line: lineAt(p, m.index ?? 0), message: `\`${token}\` does not exist` });
    }
    // Test titles, each of the spec named before it.
    for (const { spec, title, index } of titlesIn(p.text)) {
      if (!existsSync(join(root, spec))) continue;
      if (!cache.has(spec)) cache.set(spec, specText(root, spec));
      const haystack = cache.get(spec) ?? "";
      const missing = titleParts(title).filter((part) => !haystack.includes(part));
      if (missing.length)
        problems.push({
          file,
          line: lineAt(p, index),
          message: `no test of ${spec} (or of what it imports) is titled "${squash(title)}": "${missing[0]}" is not in it`,
        });
    }
    // Relative Markdown links.
    for (const m of p.text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] ?? "";
      if (/^[a-z][\w+.-]*:/i.test(target) || target.startsWith("#") || target.startsWith("/")) continue;
      const path = normalize(join(dirname(file), target.replace(/#.*$/, "")));
      // The registry serves docs/<page>.md as <page>/ (docs/_index.md links so).
      const page = path.endsWith("/") ? `${path.replace(/\/+$/, "")}.md` : path;
      if (!existsSync(join(root, path)) && !existsSync(join(root, page)))
        problems.push({ file, line: lineAt(p, m.index ?? 0), message: `the link to ${target} leads nowhere (${path})` });
    }
    // A "where things are" row: file names in it are relative to the folder of its first cell.
    p.text.split("\n").forEach((rowText, k) => {
      const folder = /^\s*\|\s*`([^`]+\/)`/.exec(rowText)?.[1];
      if (!folder || !isRepoPath(folder.replace(/\/$/, ""))) return;
      const cells = rowText.split("|").slice(2).join("|");
      for (const m of cells.matchAll(/`([\w.\-/]+\.(?:ts|js|json|yaml|sh|go|md)|[\w.-]+\/)`/g)) {
        const name = m[1] ?? "";
        if (isRepoPath(name) || name.startsWith("./")) continue;
        if (!existsSync(join(root, folder, name)))
          problems.push({ file, line: p.line + k, message: `\`${name}\` is not in ${folder}` });
      }
    });
  }
  return problems;
}

/** Every broken reference of the given documents. */
export function checkReferences(root: string, files: readonly string[]): ReferenceProblem[] {
  return files.flatMap((file) => checkDocumentReferences(root, file, readFileSync(join(root, file), "utf8")));
}
