// `npm run docs:api`: writes docs/API.md from the package's declarations: every entry point of
// package.json `exports` (its `types` file, read as the TypeScript source it is built from)
// with each exported name, its kind, its signature (functions) and the first sentence of its
// TSDoc; then the `rekko` plugin's surface from its schema. `--check` writes nothing and exits 1
// when docs/API.md differs from what it would write (npm test runs it: test/scripts/api-doc.spec.ts).
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

type Exports = Record<string, string | Record<string, string | Record<string, string>>>;

/** One exported name. */
interface Entry {
  name: string;
  kind: "class" | "function" | "const" | "interface" | "type" | "enum" | "namespace";
  signature?: string;
  summary: string;
}

const KIND_ORDER: Entry["kind"][] = ["class", "function", "const", "enum", "namespace", "interface", "type"];

/** The source file a `types` path of `exports` is built from: `./dist/provider/x.d.ts` → `provider/x.ts`. */
function sourceOf(types: string): string {
  return types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts");
}

/** Entry points: subpath, the source of its default `types`, and those of its export conditions. */
function entryPoints(root: string): { subpath: string; source: string; conditions: Record<string, string> }[] {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; exports: Exports };
  const out = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== "object" || typeof target.types !== "string") continue;
    const conditions: Record<string, string> = {};
    for (const [condition, value] of Object.entries(target)) {
      if (typeof value === "object" && typeof value.types === "string") conditions[condition] = sourceOf(value.types);
    }
    out.push({
      subpath: subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
      source: sourceOf(target.types),
      conditions,
    });
  }
  return out;
}

/** TSDoc text as Markdown: `{@link X}` and `{@link X | text}` become code, lines join. */
function markdown(text: string): string {
  return text
    .replace(
      /\{@link\s+([^}|\s]+)\s*(?:\|\s*([^}]+))?\}/g,
      (_m, target: string, label?: string) => `\`${label?.trim() || target}\``,
    )
    .replace(/\s*\n\s*/g, " ")
    .trim();
}

/** The first sentence (up to a full stop followed by a capital, code or emphasis), with table pipes escaped. */
function firstSentence(text: string): string {
  const paragraph = markdown(text.split(/\n\s*\n/)[0] ?? "");
  const end = /(?<!\be\.g|\bi\.e)\.\s+(?=[A-Z`*])/.exec(paragraph);
  return (end ? paragraph.slice(0, end.index + 1) : paragraph).replace(/\|/g, "\\|");
}

/** The leading `/** … *\/` of a file, without its tags (`internal` tells whether it has `@internal`): what the file says of itself. */
function fileDoc(text: string): { doc: string; internal: boolean } {
  const match = /^\s*\/\*\*([\s\S]*?)\*\//.exec(text);
  if (!match?.[1]) return { doc: "", internal: false };
  const lines = match[1].split("\n").map((l) => l.replace(/^\s*\* ?/, ""));
  const internal = lines.some((l) => l.trim() === "@internal");
  const body = lines.filter((l) => !/^@\w+/.test(l.trim())).join("\n");
  // Paragraphs stay paragraphs and lists stay lists; the lines of each join.
  const paragraphs = body.split(/\n\s*\n/).map((p) =>
    p
      .split(/\n(?=- )/)
      .map((part) => markdown(part))
      .join("\n"),
  );
  return { doc: paragraphs.filter((p) => p !== "").join("\n\n"), internal };
}

function kindOf(decl: ts.Declaration): Entry["kind"] | undefined {
  if (ts.isClassDeclaration(decl)) return "class";
  if (ts.isFunctionDeclaration(decl)) return "function";
  if (ts.isVariableDeclaration(decl)) return "const";
  if (ts.isInterfaceDeclaration(decl)) return "interface";
  if (ts.isTypeAliasDeclaration(decl)) return "type";
  if (ts.isEnumDeclaration(decl)) return "enum";
  if (ts.isModuleDeclaration(decl)) return "namespace";
  return undefined;
}

function entriesOf(checker: ts.TypeChecker, sf: ts.SourceFile): Entry[] {
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  if (!moduleSymbol) throw new Error(`api-doc: ${sf.fileName} is not a module`);
  const out: Entry[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decl = symbol.declarations?.[0];
    const kind = decl && kindOf(decl);
    if (!decl || !kind) throw new Error(`api-doc: cannot tell what ${exported.name} (${sf.fileName}) is`);
    let summary = firstSentence(ts.displayPartsToString(symbol.getDocumentationComment(checker)));
    const deprecated = symbol.getJsDocTags(checker).find((t) => t.name === "deprecated");
    if (deprecated) summary = `**Deprecated:** ${firstSentence(ts.displayPartsToString(deprecated.text))} ${summary}`.trim();
    if (!summary) summary = "(no TSDoc)";
    let signature: string | undefined;
    if (kind === "function") {
      const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
      signature = type
        .getCallSignatures()
        .map((s) => `${exported.name}${checker.signatureToString(s, decl, ts.TypeFormatFlags.NoTruncation)}`)
        .join("; ");
    }
    out.push({ name: exported.name, kind, signature, summary });
  }
  const rank = (e: Entry) => KIND_ORDER.indexOf(e.kind);
  return out.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, "en"));
}

function table(entries: Entry[]): string {
  const rows = entries.map((e) => {
    const name = (e.signature ?? e.name).replace(/\|/g, "\\|");
    return `| \`${name}\` | ${e.kind} | ${e.summary} |`;
  });
  return ["| name | kind | what it is |", "|---|---|---|", ...rows].join("\n");
}

interface Schema {
  name: string;
  config: { variables: Record<string, { description?: string }> };
  resources: Record<string, { description?: string; isComponent?: boolean }>;
  functions?: Record<string, { description?: string }>;
  types?: Record<string, { description?: string; type?: string; enum?: unknown[] }>;
}

/** The `rekko` plugin's surface, from its schema (the source of truth for every Pulumi language). */
function pluginSection(root: string): string {
  const schema = JSON.parse(readFileSync(join(root, "provider", "native", "schema.json"), "utf8")) as Schema;
  const rows: string[] = [];
  for (const [token, r] of Object.entries(schema.resources)) {
    rows.push(`| \`${token}\` | ${r.isComponent ? "component" : "resource"} | ${firstSentence(r.description ?? "")} |`);
  }
  for (const [token, f] of Object.entries(schema.functions ?? {})) {
    rows.push(`| \`${token}\` | function | ${firstSentence(f.description ?? "")} |`);
  }
  for (const [token, t] of Object.entries(schema.types ?? {})) {
    rows.push(`| \`${token}\` | ${t.enum ? "enum" : "type"} | ${firstSentence(t.description ?? "")} |`);
  }
  for (const [name, v] of Object.entries(schema.config.variables)) {
    rows.push(`| \`${schema.name}:${name}\` | provider configuration | ${firstSentence(v.description ?? "")} |`);
  }
  return [
    `## The \`${schema.name}\` Pulumi package (bin \`pulumi-resource-${schema.name}\`)`,
    "",
    "The native provider plugin shipped in the same npm package, for every Pulumi language. Its schema",
    "(`provider/native/schema.json`, printed by `pulumi package get-schema`) is its public surface:",
    "",
    "| token | kind | what it is |",
    "|---|---|---|",
    ...rows,
  ].join("\n");
}

/** docs/API.md as the declarations of `root` (a checkout) say it. */
export function renderApiDoc(root: string): string {
  const entries = entryPoints(root);
  const files = [...new Set(entries.flatMap((e) => [e.source, ...Object.values(e.conditions)]))].map((f) => join(root, f));
  const config = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const source = (file: string) => {
    const sf = program.getSourceFile(join(root, file));
    if (!sf) throw new Error(`api-doc: ${file} not found`);
    return sf;
  };
  const sections = [
    "# The public surface",
    "",
    "<!-- Generated by `npm run docs:api` (scripts/api-doc.ts) from the declarations; do not edit. -->",
    "",
    "What `pulumi-rekko` exports, by entry point (`package.json` `exports`). Everything else under",
    "`dist/` is internal and may change in any release; deep imports are refused by `exports`",
    "(`test/engine/package.spec.ts` proves it from the packed tarball). Each row is the first",
    "sentence of the name's TSDoc; the declarations say the rest.",
  ];
  for (const entry of entries) {
    const sf = source(entry.source);
    const names = entriesOf(checker, sf);
    const { doc, internal } = fileDoc(sf.text);
    sections.push("", `## \`${entry.subpath}\`${internal ? " (internal)" : ""}`, "");
    if (doc) sections.push(doc, "");
    sections.push(table(names));
    // Conditions that resolve to another file (the web face for browser and worker bundlers).
    const byFile = new Map<string, string[]>();
    for (const [condition, file] of Object.entries(entry.conditions)) {
      if (file !== entry.source) byFile.set(file, [...(byFile.get(file) ?? []), condition]);
    }
    for (const [file, conditions] of byFile) {
      const subset = new Set(entriesOf(checker, source(file)).map((e) => e.name));
      const missing = names.filter((e) => !subset.has(e.name)).map((e) => `\`${e.name}\``);
      const extra = [...subset].filter((n) => !names.some((e) => e.name === n));
      if (extra.length) throw new Error(`api-doc: ${file} exports ${extra.join(", ")}, which ${entry.source} does not`);
      sections.push(
        "",
        `Under the ${conditions.map((c) => `\`${c}\``).join(", ")} export conditions it resolves to \`${file}\` ` +
          `(ES modules in \`dist/esm/\`): the names above except ${missing.join(", ")}.`,
      );
    }
  }
  sections.push("", pluginSection(root));
  // The package's `main`: what a require of the package directory (not of its name) gets.
  const main = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { main: string }).main;
  const mainDoc = fileDoc(readFileSync(join(root, sourceOf(`./${main.replace(/\.js$/, ".d.ts")}`)), "utf8")).doc;
  sections.push("", `### The package directory (\`main\`: \`${main}\`)`, "", mainDoc, "");
  return sections.join("\n");
}

if (require.main === module) {
  const root = join(__dirname, "..");
  const target = join(root, "docs", "API.md");
  const text = renderApiDoc(root);
  if (process.argv.includes("--check")) {
    if (readFileSync(target, "utf8") !== text) {
      console.error("docs/API.md differs from the declarations: run `npm run docs:api` and commit the result.");
      process.exit(1);
    }
    console.log("docs/API.md matches the declarations.");
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${relative(root, target)}`);
  }
}
