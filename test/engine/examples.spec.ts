import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { exportText, openProject, pulumiCli, ROOT, type TestProject } from "../support/engine";

const example = (name: string) => join(ROOT, "examples", name);

describe("engine: the examples deploy, work and destroy against the emulator", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  // The examples as users get them, run without the language host's type-check (CHECKED_PROGRAMS:
  // faces.spec.ts type-checks them).
  const open = (name: string) =>
    openProject(example(name), { REKKO_API_KEY: emu.apiKey, REKKO_BASE_URL: emu.url, PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
  const secretOutput = (p: TestProject, name: string) =>
    pulumiCli(p.stack, ["stack", "output", name, "--show-secrets", "--stack", "dev"]).then((s) => s.trim());
  const finish = async (p: TestProject, secrets: string[]) => {
    const text = await exportText(p.stack);
    for (const s of [...secrets, emu.apiKey]) expect(text.includes(s), "secret in stack export").to.equal(false);
    await p.destroyAndRemove();
    expect(emu.webhooks()).to.deep.equal([]);
  };

  beforeEach(async () => {
    emu = await RekkoEmulator.start();
  });
  afterEach(() => emu.stop());

  it("basic: one webhook, its generated secret exported as a secret", async () => {
    const p = await open("basic");
    await p.stack.setConfig("receiverUrl", { value: "http://127.0.0.1:9/rekko" });
    const up = await p.stack.up({ onOutput: (o) => p.printed.push(o) });
    expect(up.outputs.signingSecret?.secret).to.equal(true);
    const secret = await secretOutput(p, "signingSecret");
    const [stored] = emu.webhooks();
    expect(stored).to.include({ webhook_id: up.outputs.webhookId?.value, url: "http://127.0.0.1:9/rekko", secret });
    expect(stored?.events).to.deep.equal(["whale_alert", "analysis_complete"]);
    await finish(p, [secret]);
  });

  it("own-secret: a webhook signed with a secret from stack config", async () => {
    const p = await open("own-secret");
    const own = "own-secret-from-config-0123456789abcdef";
    await p.stack.setAllConfig({
      receiverUrl: { value: "http://127.0.0.1:9/signals" },
      signingSecret: { value: own, secret: true },
    });
    const up = await p.stack.up({ onOutput: (o) => p.printed.push(o) });
    expect(up.outputs.enabled?.value).to.equal(true);
    expect(emu.webhooks().map((w) => w.secret)).to.deep.equal([own]);
    await finish(p, [own]);
  });

  it("receiver: two webhooks verified by one receiver, and a rotation", async () => {
    const p = await open("receiver");
    const up = await p.stack.up({ onOutput: (o) => p.printed.push(o) });
    const log = String(up.outputs.receiverLog?.value);
    for (const type of ["price_shift", "whale_alert", "analysis_complete"] as const) {
      const reports = await emu.trigger(type, { market_id: `before-${type}` });
      expect(reports.map((r) => r.ok)).to.deep.equal([true]);
    }
    await p.stack.setConfig("marketsRotation", { value: "1" });
    const rotated = await p.stack.up({ onOutput: (o) => p.printed.push(o) });
    expect(rotated.summary.resourceChanges).to.include({ replace: 1 });
    const [report] = await emu.trigger("whale_alert", { market_id: "after-rotation" });
    expect(report?.ok).to.equal(true);
    const entries = existsSync(log)
      ? readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { verified: boolean; market_id?: string })
      : [];
    expect(entries.every((e) => e.verified)).to.equal(true);
    expect(entries.map((e) => e.market_id)).to.include.members([
      "before-price_shift",
      "before-whale_alert",
      "before-analysis_complete",
      "after-rotation",
    ]);
    const secrets = JSON.parse(await secretOutput(p, "acceptedSecrets")) as string[];
    await finish(p, secrets);
  });
});
