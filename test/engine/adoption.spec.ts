import { join } from "node:path";
import { expect } from "chai";
import { RekkoClient } from "../../provider/core/client";
import { WEBHOOK_RESOURCE_TYPE } from "../../provider/core/orphans";
import { RekkoEmulator } from "../../provider/testing";
import { apiCalls, openProject, resources, type TestProject } from "../support/engine";

/**
 * `adoptWebhookId` through the real CLI (README, "Adopting an existing webhook"): a webhook
 * registered outside the stack is taken over by `pulumi up` with no POST, a mismatch fails
 * naming what differs, and `pulumi destroy` deletes the adopted webhook.
 */
describe("engine: adopting a webhook registered outside the stack (real CLI)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let mark = 0;
  let legacyId = "";
  const printed: string[] = [];
  const out = (o: string) => printed.push(o);
  const calls = () => apiCalls(emu, mark);
  const legacy = { url: "http://127.0.0.1:9/legacy", events: ["whale_alert", "price_shift"] };

  before(async () => {
    emu = await RekkoEmulator.start();
    // Registered outside any stack, as with the Rekko API directly.
    const outside = new RekkoClient({ baseUrl: emu.url, apiKey: emu.apiKey });
    legacyId = (await outside.createWebhook({ ...legacy, secret: "registered-outside-0123456789" })).webhook_id;
    project = await openProject(join(__dirname, "projects", "webhooks"), {}, {}, { name: "adoption" });
    await project.stack.setAllConfig({
      "rekko:apiKey": { value: emu.apiKey, secret: true },
      "rekko:baseUrl": { value: emu.url },
    });
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });
  beforeEach(() => {
    mark = emu.requests().length;
  });

  it("a declaration that differs from the registered webhook fails naming what differs, registering nothing", async () => {
    await project.stack.setConfig("hooks", {
      value: JSON.stringify([{ name: "legacy", url: legacy.url, events: ["analysis_complete"], adoptWebhookId: legacyId }]),
    });
    const failed = await project.stack.up({ onOutput: out }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failed, "up fails").to.be.instanceOf(Error);
    expect(printed.join("")).to.include(`Cannot adopt webhook ${legacyId}`).and.include("events: declared [analysis_complete]");
    expect(calls()).not.to.include("POST /v1/webhooks");
    expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([legacyId]);
    expect(await resources(project.stack, WEBHOOK_RESOURCE_TYPE)).to.deep.equal([]);
  });

  it("up adopts it with no POST; the state holds its id", async () => {
    await project.stack.setConfig("hooks", {
      value: JSON.stringify([{ name: "legacy", ...legacy, adoptWebhookId: legacyId }]),
    });
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.result).to.equal("succeeded");
    expect(up.summary.resourceChanges).to.include({ create: 1 });
    expect(
      calls().filter((c) => !c.startsWith("GET ")),
      "only list calls",
    ).to.deep.equal([]);
    expect(calls()).to.include("GET /v1/webhooks");
    expect((up.outputs.webhookIds?.value as Record<string, string> | undefined)?.legacy).to.equal(legacyId);
    const state = await resources(project.stack, WEBHOOK_RESOURCE_TYPE);
    expect(state.map((r) => r.id)).to.deep.equal([legacyId]);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([legacyId]);
  });

  it("a second up changes nothing and calls nothing", async () => {
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.resourceChanges).to.deep.equal({ same: 2 });
    expect(calls()).to.deep.equal([]);
  });

  it("destroy deletes the adopted webhook", async () => {
    const destroy = await project.stack.destroy({ onOutput: out });
    expect(destroy.summary.result).to.equal("succeeded");
    expect(calls()).to.deep.equal([`DELETE /v1/webhooks/{id}`]);
    expect(
      emu
        .requests()
        .slice(mark)
        .find((r) => r.method === "DELETE")?.path,
    ).to.equal(`/v1/webhooks/${legacyId}`);
    expect(emu.webhooks()).to.deep.equal([]);
  });
});
