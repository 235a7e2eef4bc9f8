import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { checkDocumentReferences, checkReferences, isRepoPath, titleParts } from "../../scripts/docs/references";
import { documents } from "../../scripts/figures/check";
import { REPO } from "../../scripts/figures/results";

describe("docs references: what README.md and docs/ point at exists (scripts/docs/references.ts, in npm run docs:check)", () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, ".."), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  const problems = (text: string, file = "docs/X.md") =>
    checkDocumentReferences(root, file, text).map((p) => `${p.line}: ${p.message}`);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "references-"));
    write("provider/core/rateLimit.ts", "export {};\n");
    write(
      "test/core/orphans.spec.ts",
      'import { table } from "./table";\ndescribe("orphans", () => {\n  it("lists the webhook of a pending create " +\n    "whose id the state holds", () => {});\n});\n',
    );
    write("test/core/table.ts", 'export const table = [{ name: "keeps a held webhook" }];\n');
    write("docs/COST.md", "# Cost\n");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("tells repository paths from placeholders, globs and commands", () => {
    expect(isRepoPath("provider/core/rateLimit.ts")).to.equal(true);
    expect(isRepoPath("./scripts/setup.sh")).to.equal(true);
    expect(isRepoPath("package.json")).to.equal(true);
    expect(isRepoPath("test/reliability/<file>")).to.equal(false);
    expect(isRepoPath("test/core/**/*.spec.ts")).to.equal(false);
    expect(isRepoPath("npm run demo")).to.equal(false);
    expect(isRepoPath("sdk/go/")).to.equal(false);
    expect(isRepoPath("https://api.rekko.ai")).to.equal(false);
  });

  it("refuses a path that does not exist, such as a renamed file", () => {
    expect(problems("The limit (`provider/core/ratelimit.ts`) and `provider/core/rateLimit.ts`.")).to.deep.equal([
      "1: `provider/core/ratelimit.ts` does not exist",
    ]);
  });

  it("checks each quoted title against the spec named last before it, in the spec or what it imports", () => {
    expect(titleParts("lists the webhook … state holds")).to.deep.equal(["lists the webhook", "state holds"]);
    const ok =
      'See `test/core/orphans.spec.ts` "lists the webhook of a pending create whose id …" and\n- a list item ("keeps a held webhook").';
    expect(problems(ok)).to.deep.equal([]);
    expect(problems('As `test/core/orphans.spec.ts`, "lists the webhook … state holds", shows.')).to.deep.equal([]);
    expect(problems('As `test/core/orphans.spec.ts` shows:\n- it "deletes everything".')).to.deep.equal([
      '2: no test of test/core/orphans.spec.ts (or of what it imports) is titled "deletes everything": "deletes everything" is not in it',
    ]);
  });

  it("a quote inside code, or before any spec, is no title", () => {
    expect(problems('The message `events[0] is "whale", which is\nnot a type` (`test/core/orphans.spec.ts`).')).to.deep.equal([]);
    expect(problems('It says "no such thing"; see `test/core/orphans.spec.ts`.')).to.deep.equal([]);
  });

  it("checks relative links, and a registry page link as its Markdown file", () => {
    expect(problems("[cost](COST.md), [cost](./COST/), [nowhere](LIFECYCLE.md#x), [site](https://rekko.ai)")).to.deep.equal([
      "1: the link to LIFECYCLE.md#x leads nowhere (docs/LIFECYCLE.md)",
    ]);
  });

  it("reads the file names of a where-things-are row relative to the row's folder, and skips fenced code", () => {
    const table = "| path | holds |\n|---|---|\n| `provider/core/` | `rateLimit.ts`, `ratelimit.ts` (old) |\n";
    expect(problems(table, "README.md")).to.deep.equal(["3: `ratelimit.ts` is not in provider/core/"]);
    expect(problems("```sh\ncat `provider/core/nothing.ts`\n```\n")).to.deep.equal([]);
  });

  it("a block announced as a copy of a file must be that file", () => {
    write("examples/basic/index.ts", 'export const a = "b";\n');
    const block = (body: string) => `Run it:\n\n<!-- file: examples/basic/index.ts -->\n\`\`\`ts\n${body}\n\`\`\`\n`;
    expect(problems(block('export const a = "b";'))).to.deep.equal([]);
    expect(problems(block('export const a = "c";'))).to.deep.equal([
      "4: the block differs from examples/basic/index.ts: copy the file as it is",
    ]);
    expect(problems("<!-- file: examples/none.ts -->\n```ts\nx\n```\n")).to.deep.equal([
      "1: `examples/none.ts` (the file the block copies) does not exist",
    ]);
    expect(problems("<!-- file: examples/basic/index.ts -->\nNo block.\n")).to.deep.equal([
      "1: `<!-- file: examples/basic/index.ts -->` is not followed by a fenced block",
    ]);
  });

  it("README.md and docs/ name only paths, links and test titles that exist", () => {
    const found = checkReferences(REPO, documents(REPO)).map((p) => `${p.file}:${p.line}: ${p.message}`);
    expect(found).to.deep.equal([]);
  });
});
