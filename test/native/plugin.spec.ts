import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { ROOT } from "../support/engine";

/** The built plugin (scripts/setup.sh builds dist/ before the tests). */
const MAIN = join(ROOT, "dist", "provider", "native", "main.js");

/** A `node` older than 22.12 installed on this machine (outside node_modules), if any. */
function oldNode(): string | undefined {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node", "/bin/node"]) {
    const r = spawnSync(candidate, ["-p", "process.versions.node"], { encoding: "utf8" });
    const [major = 0, minor = 0] = (r.stdout ?? "").trim().split(".").map(Number);
    if (r.status === 0 && (major < 22 || (major === 22 && minor < 12))) return candidate;
  }
  return undefined;
}

describe("native provider: the plugin executable", () => {
  it("serves on a loopback port and prints it as its first line", async () => {
    const child = spawn(process.execPath, [MAIN, "127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
    const line = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString())));
    child.kill();
    expect(line.trim()).to.match(/^\d+$/);
  });

  it("under a Node.js older than 22.12 says so in one line and exits 1", function () {
    const node = oldNode();
    if (!node) this.skip();
    const r = spawnSync(node as string, [MAIN, "127.0.0.1:1"], { encoding: "utf8" });
    expect(r.status).to.equal(1);
    expect(r.stdout).to.equal("");
    expect(r.stderr.trim().split("\n")).to.have.length(1);
    expect(r.stderr).to.match(
      /^pulumi-resource-rekko: Node\.js >= 22\.12 is needed to run the rekko provider plugin; `node` on PATH is \d+\./,
    );
  });
});
