import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { hostTarget, registryNode } from "../../scripts/dist-plugin";
import { ROOT } from "../support/engine";

/** The built plugin (scripts/setup.sh builds dist/ before the tests). */
const MAIN = join(ROOT, "dist", "provider", "native", "main.js");

/**
 * Node.js releases just below the plugin's floor (22.12, package.json's engines), installed from
 * the npm registry's `node-<os>-<arch>` packages (cached under ~/.cache/pulumi-rekko/node-bin).
 */
const OLD_NODES = ["20.19.6", "22.11.0"];

describe("native provider: the plugin executable", () => {
  it("serves on a loopback port and prints it as its first line", async () => {
    const child = spawn(process.execPath, [MAIN, "127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
    const line = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString())));
    child.kill();
    expect(line.trim()).to.match(/^\d+$/);
  });

  for (const version of OLD_NODES) {
    it(`under Node.js ${version} (older than 22.12) says so in one line and exits 1`, function () {
      this.timeout(300_000);
      const node = registryNode(hostTarget(), version);
      const r = spawnSync(node, [MAIN, "127.0.0.1:1"], { encoding: "utf8" });
      expect(r.status).to.equal(1);
      expect(r.stdout).to.equal("");
      expect(r.stderr).to.equal(
        `pulumi-resource-rekko: Node.js >= 22.12 is needed to run the rekko provider plugin; \`node\` on PATH is ${version}. Install Node.js 22 (https://nodejs.org) and run the command again.\n`,
      );
    });
  }
});
