import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { AllowEntry } from "../../scripts/figures/allowed";
import { BlockSyntaxError, findBlocks, withoutBlocks } from "../../scripts/figures/blocks";
import { checkDocs, renderDocs } from "../../scripts/figures/check";
import { findFigures } from "../../scripts/figures/detect";
import { readResults, writeResults } from "../../scripts/figures/results";
import { fromCode, measured, type Registry } from "../../scripts/figures/sources";

/** A figure source measured by `bash measure.sh`: `{ seconds }`, rendered as "took N s". */
const registry: Registry = {
  timing: measured<{ seconds: number }>("a timing", "bash measure.sh", {
    "": (r) => `| run | seconds |\n|---|---|\n| one | ${r.data.seconds} s |`,
    short: (r) => `took ${r.data.seconds} s`,
  }),
  limits: fromCode("limits", "limits.ts", { rate: () => "110" }),
};

describe("figures: the docs' generated blocks and docs:check (scripts/figures)", () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, ".."), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  const read = (file: string) => readFileSync(join(root, file), "utf8");
  const check = (allow: AllowEntry[] = []) => checkDocs(root, registry, allow);
  const messages = (allow: AllowEntry[] = []) => check(allow).problems.map((p) => `${p.file}:${p.line}: ${p.message}`);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "figures-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  describe("finding figures in prose", () => {
    const found = (text: string) => findFigures(text).map((f) => `${f.kind}:${f.text}`);

    it("finds times, sizes, rates, counts of runs, ratios and percentages", () => {
      expect(found("npm test took 643 s for 526 tests; the import 15.22 ms")).to.deep.equal([
        "time:643 s",
        "runs:526 tests",
        "time:15.22 ms",
      ]);
      expect(found("3218 B, 7017 bytes, 88 MB and 46.5 MiB")).to.deep.equal([
        "size:3218 B",
        "size:7017 bytes",
        "size:88 MB",
        "size:46.5 MiB",
      ]);
      expect(found("Pro 120 requests/minute, 110 a minute, 16309 ops/s")).to.deep.equal([
        "rate:120 requests/minute",
        "rate:110 a minute",
        "rate:16309 ops/s",
      ]);
      expect(found("1.28× the baseline, 91.7% of the limit, 0.07 %, 5 runs")).to.deep.equal([
        "ratio:1.28×",
        "percent:91.7%",
        "percent:0.07 %",
        "runs:5 runs",
      ]);
      expect(found("from 1.19–1.28 s and 22 to 30 s, a 60-second window")).to.deep.equal([
        "time:1.19–1.28 s",
        "time:22 to 30 s",
        "time:60-second",
      ]);
    });

    it("leaves statuses, multiplications, versions, dates and plain counts alone", () => {
      expect(
        found("429s and 503s; 429×14, 503×n; Node ≥ 22.12, v3.276.0; 2026-11-30 20:36 UTC; 30 webhooks; N = 100; `--runs 3`"),
      ).to.deep.equal([]);
      expect(found("and suite 3 runs the built CLI; step 2 takes the lock")).to.deep.equal([]);
    });

    it("gives the line of each figure", () => {
      expect(findFigures("no figure\nnone here\n  took 5 s").map((f) => f.line)).to.deep.equal([3]);
    });
  });

  describe("blocks", () => {
    it("reads block and inline forms with their source and view", () => {
      const text =
        "a\n<!-- figure:timing -->\n| x |\n<!-- /figure:timing -->\nIt <!-- figure:timing:short -->took 5 s<!-- /figure:timing:short -->.\n";
      const blocks = findBlocks(text);
      expect(blocks.map((b) => [b.source, b.view, b.line, b.inline, b.content])).to.deep.equal([
        ["timing", "", 2, false, "\n| x |\n"],
        ["timing", "short", 5, true, "took 5 s"],
      ]);
      expect(withoutBlocks(text).split("\n").length).to.equal(text.split("\n").length);
      expect(findFigures(withoutBlocks(text))).to.deep.equal([]);
    });

    it("takes markers inside fenced code for examples, not blocks", () => {
      const text = "```md\nIt <!-- figure:ci -->\n<!-- /figure:other -->\n```\n<!-- figure:timing -->\n<!-- /figure:timing -->\n";
      expect(findBlocks(text).map((b) => [b.id, b.line])).to.deep.equal([["timing", 5]]);
    });

    it("refuses an unclosed, a nested, a stray or a misspelt marker, naming the line", () => {
      const fails = (text: string) => {
        try {
          findBlocks(text);
        } catch (err) {
          expect(err).to.be.instanceOf(BlockSyntaxError);
          return `${(err as BlockSyntaxError).line}: ${(err as Error).message}`;
        }
        return "no error";
      };
      expect(fails("x\n<!-- figure:timing -->\n5 s\n")).to.match(/^2: .* has no <!-- \/figure:timing -->/);
      expect(
        fails("<!-- figure:timing -->\n<!-- figure:limits:rate -->1<!-- /figure:limits:rate -->\n<!-- /figure:timing -->"),
      ).to.match(/^2: a figure marker inside/);
      expect(fails("text\n<!-- /figure:timing -->")).to.match(/^2: stray/);
      expect(fails("<!-- figure:Timing -->x<!-- /figure:Timing -->")).to.match(/^1: stray or misspelt/);
      expect(fails("It took\n<!-- figure:timing:short -->5 s<!-- /figure:timing:short --> in all.")).to.match(
        /^2: .* starts a line, so it is a block/,
      );
    });
  });

  describe("docs:check", () => {
    it("fails on a hand-typed figure in README.md or docs/, naming the file and line", () => {
      write("README.md", "# x\n\n`npm test` took 643 s on a fresh clone.\n");
      write("docs/deep/NOTES.md", "All good.\nThe bundle is 7017 bytes.\n");
      expect(messages()).to.deep.equal([
        'README.md:3: "643 s" (time) stands outside any generated block',
        'docs/deep/NOTES.md:2: "7017 bytes" (size) stands outside any generated block',
      ]);
    });

    it("accepts a documented constant the allow-list covers, and fails on an entry that covers nothing", () => {
      write("README.md", "The API allows Pro keys 120 requests/minute.\n");
      const allow = [{ file: "README.md", phrase: "Pro keys 120 requests/minute", source: "API docs, rate limits" }];
      expect(messages(allow)).to.deep.equal([]);
      expect(check(allow).allowed).to.equal(1);
      write("README.md", "The API has a rate limit.\n");
      expect(messages(allow)).to.deep.equal([
        'README.md:0: the allow-list entry "Pro keys 120 requests/minute" (docs/figures/allowed.json) covers no figure in README.md: remove it or fix its phrase',
      ]);
    });

    it("leaves a document generated as a whole from the code to its own test, when the allow-list says so", () => {
      write("docs/API.md", "| `DEFAULT_MAX_BODY_BYTES` | const | bytes (256 KiB). |\n");
      const allow = [{ file: "docs/API.md", phrase: "*", source: "npm run docs:api" }];
      expect(messages(allow)).to.deep.equal([]);
      write("docs/API.md", "No figure today.\n");
      expect(messages(allow)).to.deep.equal([]);
      expect(messages()).to.deep.equal([]);
      write("docs/API.md", "It takes 5 s.\n");
      expect(messages()).to.deep.equal(['docs/API.md:1: "5 s" (time) stands outside any generated block']);
    });

    it("renders a source that was never measured as pending, with its command, and reports it", () => {
      write(
        "README.md",
        "x\n<!-- figure:timing -->\n<!-- /figure:timing -->\nIt <!-- figure:timing:short --><!-- /figure:timing:short -->.\n",
      );
      expect(renderDocs(root, registry)).to.deep.equal(["README.md"]);
      expect(read("README.md")).to.equal(
        "x\n<!-- figure:timing -->\n_Not measured yet (a timing): run `bash measure.sh`._\n<!-- /figure:timing -->\n" +
          "It <!-- figure:timing:short -->(not measured yet: run `bash measure.sh`)<!-- /figure:timing:short -->.\n",
      );
      const report = check();
      expect(report.problems).to.deep.equal([]);
      expect(report.pending.map((p) => [p.id, p.command])).to.deep.equal([
        ["timing", "bash measure.sh"],
        ["timing:short", "bash measure.sh"],
      ]);
    });

    it("fails on a block that differs from what its results render (a hand edit, or results newer than the doc), naming the commands", () => {
      write(
        "README.md",
        "It <!-- figure:timing:short --><!-- /figure:timing:short -->.\n\n<!-- figure:timing -->\n<!-- /figure:timing -->\n",
      );
      writeResults("timing", "bash measure.sh", { seconds: 12 }, root);
      renderDocs(root, registry);
      expect(read("README.md")).to.include("It <!-- figure:timing:short -->took 12 s<!-- /figure:timing:short -->.");
      expect(read("README.md")).to.include("| one | 12 s |");
      expect(messages()).to.deep.equal([]);

      // A hand edit inside a block.
      write("README.md", read("README.md").replace("took 12 s", "took 11 s"));
      expect(messages()).to.deep.equal([
        "README.md:1: figure:timing:short differs from what its source renders (edited by hand, or not rewritten after the last measurement): " +
          "`npm run docs:render` rewrites it from docs/figures/timing.json; `bash measure.sh` measures it again",
      ]);
      renderDocs(root, registry);
      expect(messages()).to.deep.equal([]);

      // A new measurement the document was not rewritten for.
      writeResults("timing", "bash measure.sh", { seconds: 13 }, root);
      expect(check().problems.map((p) => p.line)).to.deep.equal([1, 3]);
      expect(renderDocs(root, registry, ["limits"])).to.deep.equal([]);
      expect(renderDocs(root, registry, ["timing"])).to.deep.equal(["README.md"]);
      expect(messages()).to.deep.equal([]);
    });

    it("renders code sources and the common views, and refuses unknown sources and views", () => {
      write("README.md", "Default <!-- figure:limits:rate -->110<!-- /figure:limits:rate --> a minute.\n");
      expect(messages()).to.deep.equal([]);
      write("README.md", "Default <!-- figure:limits:rate -->120<!-- /figure:limits:rate --> a minute.\n");
      expect(messages()[0]).to.include("`npm run docs:render` rewrites it from the code");
      writeResults("timing", "bash measure.sh", { seconds: 12 }, root);
      write(
        "README.md",
        "At <!-- figure:timing:measured --><!-- /figure:timing:measured -->: <!-- figure:timing:command --><!-- /figure:timing:command -->.\n",
      );
      renderDocs(root, registry);
      expect(read("README.md")).to.match(/At <!-- figure:timing:measured -->commit \S+, \d{4}-\d\d-\d\d \d\d:\d\d UTC<!--/);
      expect(read("README.md")).to.include("<!-- figure:timing:command -->`bash measure.sh`<!--");
      write(
        "README.md",
        "<!-- figure:nothing -->\n<!-- /figure:nothing -->\n<!-- figure:timing:wide -->\n<!-- /figure:timing:wide -->\n",
      );
      expect(messages()).to.deep.equal([
        'README.md:1: figure:nothing: unknown figure source "nothing" (known: timing, limits)',
        'README.md:3: figure:timing:wide: figure source "timing" has no view "wide" (it has: (main view), short, measured, command)',
      ]);
    });
  });

  describe("results files", () => {
    it("record the command, the commit, the date and the data, and are checked when read", () => {
      const r = writeResults("timing", "bash measure.sh", { seconds: 3 }, root, new Date("2026-12-04T05:00:00Z"));
      expect(readResults("timing", root)).to.deep.equal(r);
      expect(r).to.include({ source: "timing", command: "bash measure.sh", date: "2026-12-04T05:00:00.000Z" });
      expect(r.commit).to.be.a("string");
      write("docs/figures/other.json", JSON.stringify({ ...r, source: "timing" }));
      expect(() => readResults("other", root)).to.throw('"source" is "timing", expected "other"');
      expect(() => writeResults("Bad Name", "x", {}, root)).to.throw("lower-case");
    });
  });
});
