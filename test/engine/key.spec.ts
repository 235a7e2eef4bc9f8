import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { keyFingerprint } from "../../provider/core/fingerprint";
import { WEBHOOK_RESOURCE_TYPE } from "../../provider/core/orphans";
import { RekkoEmulator } from "../../provider/testing";
import { exportText, pulumiCli, resources, type TestProject, webhooksProject } from "../support/engine";

/** Runs a CLI operation expected to fail; returns everything it printed. */
async function failing(run: (onOutput: (o: string) => void) => Promise<unknown>): Promise<string> {
  const printed: string[] = [];
  const outcome = await run((o) => printed.push(o)).then(
    () => "succeeded",
    (e: Error) => `${printed.join("")}\n${e.message}`,
  );
  expect(outcome, "the operation must fail").not.to.equal("succeeded");
  return outcome;
}

describe("engine: a webhook remembers the fingerprint of the key that registered it (real CLI, two accounts)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  const keyA = `rk_pro_${randomBytes(16).toString("hex")}`;
  const keyB = `rk_pro_${randomBytes(16).toString("hex")}`;
  /** Whether each webhook of the state holds key A's fingerprint (it differs per webhook id). */
  const heldByA = async () => (await fingerprints()).map((r) => r.fingerprint === keyFingerprint(keyA, r.id));
  /** Each webhook's keyFingerprint, decrypted (`pulumi stack export --show-secrets`); it is a secret output. */
  const fingerprints = async () => {
    const text = await pulumiCli(project.stack, ["stack", "export", "--show-secrets"]);
    const all = (
      JSON.parse(text) as { deployment: { resources: { type: string; id?: string; outputs?: Record<string, unknown> }[] } }
    ).deployment.resources;
    return all
      .filter((r) => r.type === WEBHOOK_RESOURCE_TYPE)
      .map((r) => {
        const fp = r.outputs?.keyFingerprint as { plaintext?: string } | string | undefined;
        return { id: r.id ?? "", fingerprint: typeof fp === "object" ? JSON.parse(fp.plaintext ?? "null") : fp };
      });
  };
  const hook = { name: "a", url: "http://127.0.0.1:9/key", events: ["whale_alert"], secretSuffix: "a" };
  const out = (o: string) => project.printed.push(o);
  const state = async () => resources(project.stack, WEBHOOK_RESOURCE_TYPE);
  const switchKey = (key: string) => project.stack.setConfig("rekko:apiKey", { value: key, secret: true });

  before(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [keyA, keyB] });
    project = await webhooksProject(
      { url: emu.url, apiKey: keyA },
      {
        hookSecret: { value: "key-test-signing-secret-", secret: true },
        hooks: { value: JSON.stringify([hook]) },
      },
    );
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.result).to.equal("succeeded");
  });
  after(async () => {
    await switchKey(keyA);
    await project?.stack.up({ onOutput: out });
    await project?.destroyAndRemove();
    expect(emu.webhooks()).to.deep.equal([]);
    await emu?.stop();
  });

  it("stores an HMAC of the webhook id keyed with the key in the state, as a secret, never the key", async () => {
    const [r] = await state();
    expect(r?.outputs?.keyFingerprint, "a secret output").to.have.property("4dabf18193072939515e22adb298388d");
    const [fp] = await fingerprints();
    expect(fp?.fingerprint).to.equal(keyFingerprint(keyA, r?.id ?? ""));
    expect(fp?.fingerprint).to.match(/^hmac:[0-9a-f]{16}$/);
    const text = await exportText(project.stack);
    expect(text).not.to.include(keyA);
    expect(text).not.to.include(keyA.slice("rk_pro_".length));
  });

  it("under another account's key, preview, up, refresh and destroy refuse, naming the mismatch and the way out; nothing is forgotten", async () => {
    const [before] = await state();
    await switchKey(keyB);
    const messages = [
      await failing((onOutput) => project.stack.preview({ onOutput })),
      await failing((onOutput) => project.stack.up({ onOutput })),
      await failing((onOutput) => project.stack.refresh({ onOutput })),
      await failing((onOutput) => project.stack.destroy({ onOutput })),
    ];
    for (const m of messages) {
      expect(m).to.include("registered with another API key than the configured one");
      expect(m).to.include("pulumi config set --secret rekko:apiKey").and.include("and run `pulumi up`");
      expect(m).to.include("pulumi destroy").and.include("pulumi state delete");
      expect(m).not.to.include(keyA).and.not.to.include(keyB);
    }
    expect(
      (await state()).map((r) => r.id),
      "the state still holds the webhook",
    ).to.deep.equal([before?.id]);
    expect(
      emu.webhooks().map((w) => w.webhook_id),
      "and it is still registered",
    ).to.deep.equal([before?.id]);
  });

  it("with the original key back, up works, and then refresh (which uses the key of the last up)", async () => {
    await switchKey(keyA);
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.result).to.equal("succeeded");
    const refresh = await project.stack.refresh({ onOutput: out });
    expect(refresh.summary.result).to.equal("succeeded");
    expect(refresh.summary.resourceChanges ?? {}).not.to.have.property("delete");
    expect(await heldByA()).to.deep.equal([true]);
  });

  it("state from before fingerprints takes the key's fingerprint silently on refresh, and is protected from then on", async () => {
    const exported = JSON.parse(await pulumiCli(project.stack, ["stack", "export"])) as {
      deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] };
    };
    for (const r of exported.deployment.resources) if (r.type === WEBHOOK_RESOURCE_TYPE) delete r.outputs?.keyFingerprint;
    await project.stack.importStack(exported as never);
    expect((await state()).map((r) => r.outputs?.keyFingerprint)).to.deep.equal([undefined]);
    const refresh = await project.stack.refresh({ onOutput: out });
    expect(refresh.summary.result).to.equal("succeeded");
    expect(refresh.summary.resourceChanges ?? {}).not.to.have.property("delete");
    expect(await heldByA()).to.deep.equal([true]);
    await switchKey(keyB);
    const m = await failing((onOutput) => project.stack.up({ onOutput }));
    expect(m).to.include("registered with another API key than the configured one");
  });
});
