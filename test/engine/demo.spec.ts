import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { engineEnv, ROOT, toolchainDir } from "../support/engine";

describe("npm run demo (the README's first command)", function () {
  this.timeout(600_000);

  it("deploys, delivers one event of each type, verifies every signature, destroys, and exits 0", async () => {
    const state = mkdtempSync(join(tmpdir(), "rekko-demo-state-"));
    try {
      const env = {
        ...process.env,
        ...engineEnv({ PULUMI_BACKEND_URL: `file://${state}` }),
        PULUMI_REKKO_TOOLCHAIN: toolchainDir(),
      };
      const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "demo.ts")], {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        out += d.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(code, out).to.equal(0);
      for (const type of ["price_shift", "whale_alert", "analysis_complete"]) {
        expect(out).to.include(`✔ ${type}: arrived at the receiver and its x-webhook-signature verified`);
      }
      expect(out).to.include("is registered with the stack's signing secret");
      expect(out).to.include("the emulator holds 0 webhooks");
      expect(out).to.include("demo complete");
      expect(out).to.match(/signingSecret\s+\[secret\]/);
    } finally {
      rmSync(state, { recursive: true, force: true });
      rmSync(join(ROOT, `Pulumi.demo-test-${process.pid}.yaml`), { force: true });
    }
  });
});
