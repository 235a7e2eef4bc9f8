import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { resources, type TestProject, webhooksProject } from "../support/engine";

const TYPE = "pulumi-nodejs:dynamic/rekko:RekkoWebhook";
const HOOK_SECRET = "replace-unknown-signing-secret-";

describe("engine: a create whose answer is lost during a replacement keeps the new webhook (real CLI, drop-after fault)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  const out = (o: string) => project.printed.push(o);
  const own = { name: "own", url: "http://127.0.0.1:9/own", events: ["whale_alert", "price_shift"] };
  const gen = { name: "gen", url: "http://127.0.0.1:9/gen", events: ["analysis_complete"], withSecret: true };
  const setHooks = (hooks: unknown) => project.stack.setConfig("hooks", { value: JSON.stringify(hooks) });
  const stateId = async (name: string) => (await resources(project.stack, TYPE)).find((r) => r.urn.endsWith(`::${name}`))?.id;

  /** Runs `up` with the next create's connection dropped after the API stored it; returns the up result. */
  const upWithDroppedCreate = async () => {
    const mark = emu.requests().length;
    emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks", times: 1 });
    const up = await project.stack.up({ onOutput: out });
    const posts = emu
      .requests()
      .slice(mark)
      .filter((r) => r.method === "POST" && r.path === "/v1/webhooks");
    expect(
      posts.map((r) => r.faults),
      "the create's answer was dropped",
    ).to.deep.equal([["drop-after"]]);
    return up;
  };

  before(async () => {
    emu = await RekkoEmulator.start();
    project = await webhooksProject(emu, { hookSecret: { value: HOOK_SECRET, secret: true } });
    await setHooks([
      { ...own, secretSuffix: "1" },
      { ...gen, rotation: 0 },
    ]);
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.result).to.equal("succeeded");
  });
  after(async () => {
    await project?.destroyAndRemove();
    expect(emu.webhooks(), "destroy leaves nothing").to.deep.equal([]);
    await emu?.stop();
  });

  /** Replaces webhook `name` by declaring `hooks` while its create's answer is dropped; checks what the state and the API hold. */
  const replaceWithDroppedCreate = async (
    name: string,
    hooks: unknown,
    signingSecret: (outputs: Record<string, string>) => string,
  ) => {
    const old = await stateId(name);
    await setHooks(hooks);
    const up = await upWithDroppedCreate();
    expect(up.summary.resourceChanges).to.include({ replace: 1 });
    const now = await stateId(name);
    expect(now).to.be.a("string").and.not.equal(old);
    const stored = new Map(emu.webhooks().map((w) => [w.webhook_id, w]));
    expect(stored.has(old ?? ""), "the replaced webhook is deleted").to.equal(false);
    const secrets = up.outputs.secrets?.value as Record<string, string>;
    expect(stored.get(now ?? "")?.secret, "the state's webhook signs with the new secret").to.equal(signingSecret(secrets));
    expect(emu.webhooks(), "no webhook held by no one").to.have.length(2);
    const refresh = await project.stack.refresh({ onOutput: out });
    expect(refresh.summary.resourceChanges ?? {}).not.to.have.property("delete");
    expect(await stateId(name), "refresh keeps it").to.equal(now);
  };

  it("RekkoWebhook secret change: the state holds the new webhook, signed with the new secret; the old one is deleted", async () => {
    await replaceWithDroppedCreate(
      "own",
      [
        { ...own, secretSuffix: "2" },
        { ...gen, rotation: 0 },
      ],
      () => `${HOOK_SECRET}2`,
    );
  });

  it("RekkoWebhookWithSecret rotation: the state holds the new webhook, signed with the rotated secret; the old one is deleted", async () => {
    await replaceWithDroppedCreate(
      "gen",
      [
        { ...own, secretSuffix: "2" },
        { ...gen, rotation: 1 },
      ],
      (secrets) => secrets.gen ?? "",
    );
  });
});
