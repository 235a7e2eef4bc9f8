// pulumi-rekko/receiver loads nothing but its own files: no @pulumi/*, no got, no dependency;
// and its web entry, which bundlers for browsers and workers resolve, no Node built-in either.
// Checked on the built output, the files a consumer gets.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect } from "chai";
import { ROOT } from "../support/engine";

const DIST = join(ROOT, "dist", "provider");

/** Every file and bare specifier reachable by `require` from `entry` in the built output. */
function graph(entry: string): { files: string[]; external: string[] } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/require\("([^"]+)"\)/g)) {
      if (!spec) continue;
      if (spec.startsWith(".")) visit(`${resolve(dirname(file), spec)}.js`.replace(/\.js\.js$/, ".js"));
      else external.add(spec);
    }
  };
  visit(join(DIST, entry));
  return { files: [...files].map((f) => relative(DIST, f)).sort(), external: [...external].sort() };
}

describe("pulumi-rekko/receiver boundary (built output)", () => {
  it("the Node entry requires only its own files and node: built-ins", () => {
    const { files, external } = graph("receiver/index.js");
    expect(
      files.every((f) => f.startsWith("receiver/") || f === "core/events.js"),
      files.join(", "),
    ).to.equal(true);
    expect(external).to.deep.equal(["node:crypto"]);
  });

  it("the web entry requires no Node built-in and no package", () => {
    const { external } = graph("receiver/index.web.js");
    expect(external).to.deep.equal([]);
  });

  it("loading the entry through the package's exports loads no file from node_modules", () => {
    const script = `require("pulumi-rekko/receiver");
      console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes("node_modules"))))`;
    const loaded = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" })) as string[];
    expect(loaded).to.deep.equal([]);
  });
});
