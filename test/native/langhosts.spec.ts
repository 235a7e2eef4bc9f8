import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { ROOT, toolchainDir } from "../support/engine";

/** The language hosts of toolchain/ (`langhost-<language>`, each its own Go module) and the code they and the SDK generators share (`*-shared`). */
const HOSTS = readdirSync(join(ROOT, "toolchain"))
  .filter((d) => (d.startsWith("langhost-") || d.endsWith("-shared")) && existsSync(join(ROOT, "toolchain", d, "go.mod")))
  .sort();

const hasGo = spawnSync("go", ["version"], { stdio: "ignore" }).status === 0;

describe("toolchain: the language hosts' own Go tests (go test ./... in toolchain/langhost-* and toolchain/*-shared)", function () {
  this.timeout(300_000);

  it("finds the Node.js, Go and Python hosts", () => {
    expect(HOSTS).to.include.members(["langhost-go", "langhost-nodejs", "langhost-python", "langhost-shared", "sdkgen-shared"]);
  });

  for (const host of HOSTS) {
    it(`go test ./... passes in toolchain/${host}`, function () {
      if (!hasGo) {
        // Without Go the hosts cannot have been built here: the toolchain then came from a pulumi
        // already on PATH (toolchain/install.sh). If ours was built, Go was there and must be now.
        const built = existsSync(join(toolchainDir(), "pulumi-language-go"));
        if (built) expect.fail(`go is not on PATH, but the toolchain in ${toolchainDir()} was built from Go: install Go >= 1.25`);
        console.log(`      skipped: no go on PATH, and the toolchain is a pulumi found on PATH (${toolchainDir()})`);
        this.skip();
      }
      const start = Date.now();
      const out = execFileSync("go", ["test", "-count=1", "./..."], {
        cwd: join(ROOT, "toolchain", host),
        encoding: "utf8",
        stdio: "pipe",
      });
      expect(out).to.match(/^ok\s/m);
      console.log(`      ${out.trim().split("\n").pop()} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
    });
  }
});
