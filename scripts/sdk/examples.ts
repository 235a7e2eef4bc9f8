/**
 * The registry examples: each YAML program of examples/registry/ converted into TypeScript,
 * Python, Go, C# and Java with the toolchain's program generators (pulumi-yaml's converter to PCL,
 * then the generators `pulumi convert` runs), written into the descriptions of the schema's
 * resources and functions (`{{% examples %}}` blocks, as Pulumi's registry renders them) and into
 * docs/_index.md (a language chooser).
 *
 * One correction is made to the generators' output, by {@link javaEnums}: pulumi-java's program
 * generator (1.17.0, and 1.22.0, the newest the Go module proxy serves) writes an enum-typed
 * argument as its string value (`.events("whale_alert")`), which the Java SDK, taking `EventType`,
 * does not compile; the values become the SDK's enum constants (`EventType.WhaleAlert`).
 *
 *   tsx scripts/sdk/examples.ts           regenerates provider/native/schema.json and docs/_index.md
 *   tsx scripts/sdk/examples.ts --check   exits 1, naming what differs, when they are not what the
 *                                         generators produce
 * The toolchain is $PULUMI_REKKO_TOOLCHAIN, or what toolchain/install.sh prints.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const SCHEMA = join(ROOT, "provider", "native", "schema.json");
const INDEX = join(ROOT, "docs", "_index.md");
const EXAMPLES = join(ROOT, "examples", "registry");

/** Which example documents which schema token; the example of the index page. */
export const DOCUMENTS: Record<string, string> = {
  webhook: "rekko:index:Webhook",
  "webhook-with-secret": "rekko:index:WebhookWithSecret",
  "get-webhooks": "rekko:index:getWebhooks",
};
const INDEX_EXAMPLE = "webhook";

/** The languages, in the registry's order: folder the generator writes, fence, chooser name. */
const LANGUAGES = [
  { dir: "nodejs", fence: "typescript" },
  { dir: "python", fence: "python" },
  { dir: "go", fence: "go" },
  { dir: "dotnet", fence: "csharp" },
  { dir: "java", fence: "java" },
  { dir: "yaml", fence: "yaml" },
] as const;

interface Example {
  name: string;
  title: string;
  /** Program text per fence language. */
  code: Record<string, string>;
}

function toolchain(): string {
  if (process.env.PULUMI_REKKO_TOOLCHAIN) return process.env.PULUMI_REKKO_TOOLCHAIN;
  const out = execFileSync("bash", [join(ROOT, "toolchain", "install.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return out.trim().split("\n").pop() ?? "";
}

/** Runs the generators into a temporary directory and reads every example's programs. */
export function generateExamples(): Example[] {
  const bin = toolchain();
  const spec = JSON.parse(readFileSync(SCHEMA, "utf8")) as EnumSchema;
  const out = mkdtempSync(join(tmpdir(), "rekko-examples-"));
  try {
    const opts = { stdio: "pipe" as const };
    execFileSync(join(bin, "pulumi-rekko-sdkgen-go-nodejs-python"), ["programs", SCHEMA, EXAMPLES, out], opts);
    execFileSync(join(bin, "pulumi-rekko-sdkgen-dotnet-java"), ["programs", SCHEMA, out], opts);
    return Object.keys(DOCUMENTS)
      .sort()
      .map((name) => {
        const yaml = readFileSync(join(EXAMPLES, name, "Pulumi.yaml"), "utf8");
        const title = /^description: (.*)$/m.exec(yaml)?.[1] ?? name;
        const code: Record<string, string> = {};
        for (const { dir, fence } of LANGUAGES) {
          const file = {
            nodejs: "index.ts",
            python: "__main__.py",
            go: "main.go",
            dotnet: "Program.cs",
            java: "MyStack.java",
            yaml: "",
          }[dir];
          code[fence] = dir === "yaml" ? yamlProgram(yaml) : readFileSync(join(out, name, dir, file), "utf8");
        }
        code.java = javaEnums(code.java ?? "", spec);
        return { name, title, code };
      });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** What {@link javaEnums} reads of a schema. */
export interface EnumSchema {
  name: string;
  types?: Record<string, { type?: string; enum?: { name?: string; value: unknown }[] }>;
  resources?: Record<string, { inputProperties?: Record<string, PropertyType> }>;
  functions?: Record<string, { inputs?: { properties?: Record<string, PropertyType> } }>;
}
interface PropertyType {
  $ref?: string;
  items?: { $ref?: string };
}

/**
 * A Java example with every string given for an enum-typed argument replaced by the Java SDK's
 * enum constant, and the enum class imported. Which builder methods take an enum comes from the
 * schema: every resource input and function argument whose type (or item type) is a string
 * enum, by property name (one enum per name, else this throws). Inside such a method's
 * parentheses each string literal must be one of the enum's values (else this throws, naming
 * it); the constant is the value's `name` in the schema (pulumi-java's enum member name). A
 * program with no such string comes back unchanged.
 */
export function javaEnums(java: string, spec: EnumSchema): string {
  const enumOf = new Map<string, string>();
  const note = (prop: string, t: PropertyType) => {
    const ref = t.$ref ?? t.items?.$ref;
    const token = ref?.startsWith("#/types/") ? ref.slice("#/types/".length) : undefined;
    if (!token || !spec.types?.[token]?.enum) return;
    const had = enumOf.get(prop);
    if (had && had !== token) throw new Error(`property ${prop} is ${had} in one place and ${token} in another`);
    enumOf.set(prop, token);
  };
  for (const r of Object.values(spec.resources ?? {})) for (const [n, p] of Object.entries(r.inputProperties ?? {})) note(n, p);
  for (const f of Object.values(spec.functions ?? {}))
    for (const [n, p] of Object.entries(f.inputs?.properties ?? {})) note(n, p);

  const imports = new Set<string>();
  let out = java;
  for (const [prop, token] of enumOf) {
    const [, module, typeName] = token.split(":");
    const values = new Map((spec.types?.[token]?.enum ?? []).map((e) => [String(e.value), e.name]));
    const call = new RegExp(`\\.${prop}\\(`, "g");
    let result = "";
    let from = 0;
    for (let m = call.exec(out); m; m = call.exec(out)) {
      // The argument list: to the parenthesis that closes this call (strings skipped).
      let depth = 1;
      let i = m.index + m[0].length;
      for (; i < out.length && depth > 0; i++) {
        const c = out[i];
        if (c === '"') for (i++; i < out.length && out[i] !== '"'; i++) i += out[i] === "\\" ? 1 : 0;
        else if (c === "(") depth++;
        else if (c === ")") depth--;
      }
      if (depth > 0) throw new Error(`the Java program's .${prop}( call is not closed`);
      const args = out.slice(m.index + m[0].length, i - 1);
      const fixed = args.replace(/"((?:[^"\\]|\\.)*)"/g, (_, value: string) => {
        const name = values.get(value);
        if (name === undefined) throw new Error(`.${prop}("${value}"): "${value}" is not a value of ${token}`);
        if (!name) throw new Error(`${token}'s value "${value}" has no name in the schema (the Java constant's name)`);
        imports.add(`com.pulumi.${spec.name}.${module === "index" ? "" : `${module}.`}enums.${typeName}`);
        return `${typeName}.${name}`;
      });
      result += out.slice(from, m.index + m[0].length) + fixed;
      from = i - 1;
      call.lastIndex = i;
    }
    out = result + out.slice(from);
  }
  if (imports.size === 0) return out;
  // After the last import of the package's own classes (the generator's first group).
  const own = [...out.matchAll(new RegExp(`^import com\\.pulumi\\.${spec.name}\\..*;$`, "gm"))].pop();
  if (!own) throw new Error(`the Java program imports nothing of com.pulumi.${spec.name}`);
  const at = (own.index ?? 0) + own[0].length;
  const lines = [...imports].sort().map((i) => `\nimport ${i};`);
  return out.slice(0, at) + lines.join("") + out.slice(at);
}

/** The YAML program as a user writes it: without the project's name and description lines. */
function yamlProgram(yaml: string): string {
  return yaml.replace(/^(name|description): .*\n/gm, "");
}

const fenced = (lang: string, code: string) => `\`\`\`${lang}\n${code.trimEnd()}\n\`\`\``;

/** The `{{% examples %}}` block of a description. */
export function examplesBlock(examples: Example[]): string {
  const parts = examples.map(
    (e) =>
      `{{% example %}}\n### ${e.title}\n\n${LANGUAGES.map((l) => fenced(l.fence, e.code[l.fence] ?? "")).join("\n")}\n{{% /example %}}`,
  );
  return `{{% examples %}}\n## Example Usage\n\n${parts.join("\n")}\n{{% /examples %}}`;
}

const BLOCK = /\n*\{\{% examples %\}\}[\s\S]*?\{\{% \/examples %\}\}/;

/** The description with its examples block replaced (or put before `## Import`, or appended). */
export function withExamples(description: string, block: string): string {
  const bare = description.replace(BLOCK, "");
  const at = bare.indexOf("\n\n## Import");
  return at < 0 ? `${bare}\n\n${block}` : `${bare.slice(0, at)}\n\n${block}${bare.slice(at)}`;
}

/** docs/_index.md's example: a language chooser, between two markers. */
export function indexExample(example: Example): string {
  const choosables = LANGUAGES.map(
    (l) => `{{% choosable language ${l.fence} %}}\n\n${fenced(l.fence, example.code[l.fence] ?? "")}\n\n{{% /choosable %}}`,
  );
  return `<!-- examples:start (generated by scripts/sdk/examples.ts from examples/registry/${example.name}) -->\n{{< chooser language "${LANGUAGES.map((l) => l.fence).join(",")}" >}}\n${choosables.join("\n")}\n{{< /chooser >}}\n<!-- examples:end -->`;
}
const INDEX_BLOCK = /<!-- examples:start[\s\S]*?<!-- examples:end -->/;

type Spec = { resources: Record<string, { description: string }>; functions: Record<string, { description: string }> };

function main(): void {
  const check = process.argv.includes("--check");
  const examples = generateExamples();
  const text = readFileSync(SCHEMA, "utf8");
  const spec = JSON.parse(text) as Spec;
  const differ: string[] = [];
  for (const e of examples) {
    const token = DOCUMENTS[e.name] ?? "";
    const entry = spec.resources[token] ?? spec.functions[token];
    if (!entry) throw new Error(`examples/registry/${e.name} documents ${token}, which is not in the schema`);
    const want = withExamples(entry.description, examplesBlock([e]));
    if (want !== entry.description) differ.push(`${token} (from examples/registry/${e.name})`);
    entry.description = want;
  }
  const index = readFileSync(INDEX, "utf8");
  const first = examples.find((e) => e.name === INDEX_EXAMPLE);
  if (!first || !INDEX_BLOCK.test(index))
    throw new Error(`docs/_index.md has no <!-- examples:start --> … <!-- examples:end --> block`);
  const newIndex = index.replace(INDEX_BLOCK, indexExample(first));
  if (newIndex !== index) differ.push("docs/_index.md");
  if (check) {
    if (differ.length > 0) {
      console.error(
        `Examples differ from what the generators produce: ${differ.join(", ")}. Run: npx tsx scripts/sdk/examples.ts`,
      );
      process.exit(1);
    }
    console.log("the schema's examples and docs/_index.md match the generators");
    return;
  }
  writeFileSync(SCHEMA, `${JSON.stringify(spec, null, 2)}\n`);
  execFileSync(join(ROOT, "node_modules", ".bin", "biome"), ["format", "--write", SCHEMA], { stdio: "inherit" });
  writeFileSync(INDEX, newIndex);
  console.log(differ.length > 0 ? `updated: ${differ.join(", ")}` : "unchanged");
}

if (require.main === module) main();
