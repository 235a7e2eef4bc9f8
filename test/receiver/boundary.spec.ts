// pulumi-rekko/receiver loads nothing but its own files: no @pulumi/*, no got, no dependency;
// and its web entry, which bundlers for browsers and workers resolve, no Node built-in either.
// Checked on the built output, the files a consumer gets.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect } from "chai";
import { webBundle } from "../support/bundle";
import { ROOT } from "../support/engine";

const DIST = join(ROOT, "dist");

/** Every file and bare specifier reachable by `require` from `entry` in the built output. */
function graph(entry: string): { files: string[]; external: string[] } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/(?:require\(|from |import )"([^"]+)"/g)) {
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
    const { files, external } = graph("provider/receiver/index.js");
    const own = (f: string) => f.startsWith("provider/receiver/") || f === "provider/core/events.js";
    expect(files.every(own), files.join(", ")).to.equal(true);
    expect(external).to.deep.equal(["node:crypto"]);
  });

  it("the web entries (CommonJS, and the ES modules bundlers get) import no Node built-in and no package", () => {
    expect(graph("provider/receiver/index.web.js").external).to.deep.equal([]);
    const esm = graph("esm/receiver/index.web.js");
    expect(esm.external).to.deep.equal([]);
    expect(esm.files).to.include.members(["esm/receiver/web.js", "esm/receiver/handle.js", "esm/core/events.js"]);
    expect(esm.files, "the web entry does not load the Node face").to.not.include.members(["esm/receiver/node.js"]);
  });

  it("bundles for the browser with esbuild through the package's exports: no node: import, at most 8 KB minified", async () => {
    const code = await webBundle(ROOT);
    console.log(`      web bundle: ${Buffer.byteLength(code)} bytes minified`);
    expect(code).to.include("x-webhook-signature");
    expect(code).to.not.match(/["']node:/);
    expect(Buffer.byteLength(code)).to.be.at.most(8 * 1024);
  });

  it("loading the entry through the package's exports loads no file from node_modules", () => {
    const script = `require("pulumi-rekko/receiver");
      console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes("node_modules"))))`;
    const loaded = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" })) as string[];
    expect(loaded).to.deep.equal([]);
  });
  it("the root export re-exports the Node face's functions themselves, not copies", () => {
    const names = ["createNodeReceiver", "createWebhookHandler", "verifySignature", "signPayload", "SIGNATURE_HEADER"];
    const script = `const root = require("pulumi-rekko"), sub = require("pulumi-rekko/receiver");
      console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => root[n] !== undefined && root[n] === sub[n])))`;
    const same = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" })) as boolean[];
    expect(same).to.deep.equal(names.map(() => true));
  });
});
