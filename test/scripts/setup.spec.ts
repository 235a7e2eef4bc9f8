import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ROOT, toolchainDir } from "../../scripts/rig/engine";

/** Sources scripts/toolchain-env.sh (as scripts/setup.sh does) with `env`: the toolchain it exports, and what it printed to stderr. */
function toolchainEnv(env: Record<string, string>): { toolchain: string; stderr: string } {
  const r = spawnSync("bash", ["-c", 'source scripts/toolchain-env.sh && printf "%s" "$PULUMI_REKKO_TOOLCHAIN"'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`sourcing scripts/toolchain-env.sh failed: ${r.stderr}`);
  return { toolchain: r.stdout, stderr: r.stderr };
}

describe("set-up: the toolchain and the random plugin of a checkout (scripts/toolchain-env.sh)", function () {
  this.timeout(120_000);
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "rekko-pulumi-home-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("installs the random plugin into a fresh PULUMI_HOME (a fresh clone's) even when PULUMI_REKKO_TOOLCHAIN is already set, and keeps that toolchain", () => {
    const version = /^RANDOM_VERSION=(.+)$/m.exec(readFileSync(join(ROOT, "toolchain", "versions.env"), "utf8"))?.[1];
    const env = { PULUMI_HOME: home, PULUMI_REKKO_TOOLCHAIN: toolchainDir() };
    const first = toolchainEnv(env);
    expect(first.toolchain).to.equal(toolchainDir());
    accessSync(join(home, "plugins", `resource-random-v${version}`, "pulumi-resource-random"), constants.X_OK);
    // With the plugin in place, a preset toolchain skips the check altogether.
    const again = toolchainEnv(env);
    expect(again.toolchain).to.equal(toolchainDir());
    expect(again.stderr).to.not.include("Pulumi toolchain");
  });
});
