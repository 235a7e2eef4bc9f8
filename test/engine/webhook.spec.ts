import { join } from "node:path";
import { expect } from "chai";
import { WEBHOOK_RESOURCE_TYPE } from "../../provider/core/orphans";
import { RekkoEmulator } from "../../provider/testing";
import { apiCalls, expectNoneIn, exportText, openProject, resources, type TestProject, webhooksProject } from "../support/engine";

const TYPE = WEBHOOK_RESOURCE_TYPE;
const HOOK_SECRET = "engine-test-signing-secret-";

describe("engine: RekkoWebhook lifecycle (real CLI, file backend, emulator)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let mark = 0;
  const calls = () => apiCalls(emu, mark);
  const setHooks = (hooks: unknown) => project.stack.setConfig("hooks", { value: JSON.stringify(hooks) });
  const out = (o: string) => project.printed.push(o);
  const hookA = { name: "a", url: "http://127.0.0.1:9/a", events: ["whale_alert", "price_shift"], secretSuffix: "a" };
  const hookB = {
    name: "b",
    url: "http://127.0.0.1:9/b",
    events: ["analysis_complete"],
    plainSecret: true,
  };

  before(async () => {
    emu = await RekkoEmulator.start();
    project = await openProject(join(__dirname, "projects", "webhooks"));
    await project.stack.setAllConfig({
      "rekko:apiKey": { value: emu.apiKey, secret: true },
      "rekko:baseUrl": { value: emu.url },
      hookSecret: { value: HOOK_SECRET, secret: true },
    });
    await setHooks([hookA, hookB]);
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });
  beforeEach(() => {
    mark = emu.requests().length;
  });

  it("preview shows two creates and makes zero API calls", async () => {
    const preview = await project.stack.preview({ onOutput: out });
    expect(preview.changeSummary.create).to.equal(3);
    expect(calls()).to.deep.equal([]);
  });

  it("up registers each webhook with one POST and no list, secrets as declared", async () => {
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.result).to.equal("succeeded");
    expect(calls()).to.deep.equal(["POST /v1/webhooks", "POST /v1/webhooks"]);
    const ids = up.outputs.webhookIds?.value as Record<string, string>;
    const stored = new Map(emu.webhooks().map((w) => [w.webhook_id, w]));
    expect(stored.get(ids.a ?? "")?.secret).to.equal(`${HOOK_SECRET}a`);
    expect(stored.get(ids.b ?? "")?.secret).to.equal("plain-text-secret-for-b-123");
    const secretOuts = (await resources(project.stack, TYPE)).map((r) => r.outputs?.secret);
    expect(secretOuts).to.have.length(2);
    for (const s of secretOuts)
      expect(s, "the secret output is stored as a secret").to.have.property("4dabf18193072939515e22adb298388d");
    const state = await resources(project.stack, TYPE);
    expect(state.map((r) => r.id).sort()).to.deep.equal(Object.values(ids).sort());
  });

  it("a second up changes nothing and calls nothing", async () => {
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.resourceChanges).to.deep.equal({ same: 3 });
    expect(calls()).to.deep.equal([]);
  });

  it("reordering events changes nothing", async () => {
    await setHooks([{ ...hookA, events: ["price_shift", "whale_alert"] }, hookB]);
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.resourceChanges).to.deep.equal({ same: 3 });
    expect(calls()).to.deep.equal([]);
  });

  it("changing events replaces create-before-delete (POST, then DELETE)", async () => {
    const before = (await resources(project.stack, TYPE)).find((r) => r.urn.endsWith("::a"))?.id;
    await setHooks([{ ...hookA, events: ["price_shift", "whale_alert", "analysis_complete"] }, hookB]);
    const preview = await project.stack.preview({ onOutput: out });
    expect(preview.changeSummary.replace).to.equal(1);
    expect(calls(), "preview calls nothing").to.deep.equal([]);
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.resourceChanges).to.include({ replace: 1, same: 2 });
    expect(calls()).to.deep.equal(["POST /v1/webhooks", "DELETE /v1/webhooks/{id}"]);
    const after = (await resources(project.stack, TYPE)).find((r) => r.urn.endsWith("::a"))?.id;
    expect(after).to.not.equal(before);
    expect(emu.webhooks().map((w) => w.webhook_id))
      .to.include(after)
      .and.not.include(before);
    expect(emu.webhooks()).to.have.length(2);
  });

  it("refresh drops a webhook deleted outside with one list call; the next up re-creates it", async () => {
    const b = (await resources(project.stack, TYPE)).find((r) => r.urn.endsWith("::b"))?.id ?? "";
    await fetch(`${emu.url}/v1/webhooks/${b}`, { method: "DELETE", headers: { authorization: `Bearer ${emu.apiKey}` } });
    mark = emu.requests().length;
    const refresh = await project.stack.refresh({ onOutput: out });
    expect(refresh.summary.result).to.equal("succeeded");
    expect(calls()).to.deep.equal(["GET /v1/webhooks"]);
    expect((await resources(project.stack, TYPE)).map((r) => r.urn.split("::").pop())).to.deep.equal(["a"]);
    mark = emu.requests().length;
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.resourceChanges).to.include({ create: 1 });
    expect(calls()).to.deep.equal(["POST /v1/webhooks"]);
    expect(emu.webhooks()).to.have.length(2);
  });

  it("keeps the webhook secrets and the API key out of the state and the CLI output", async () => {
    const text = await exportText(project.stack);
    expectNoneIn(text, project.printed, [...emu.webhooks().map((w) => w.secret), emu.apiKey]);
  });

  it("destroy deletes every webhook", async () => {
    const destroy = await project.stack.destroy({ onOutput: out });
    expect(destroy.summary.result).to.equal("succeeded");
    expect(calls()).to.deep.equal(["DELETE /v1/webhooks/{id}", "DELETE /v1/webhooks/{id}"]);
    expect(emu.webhooks()).to.deep.equal([]);
  });
});

describe("engine: bad input and settings fail at preview, naming the field", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  before(async () => {
    emu = await RekkoEmulator.start();
    project = await webhooksProject(emu, { hookSecret: { value: "short", secret: true } });
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });

  const failing = async (hooks: unknown, pattern: RegExp) => {
    await project.stack.setConfig("hooks", { value: JSON.stringify(hooks) });
    let message = "";
    await project.stack.preview({ onOutput: (o) => project.printed.push(o) }).catch((e: Error) => {
      message = e.message;
    });
    expect(message, "preview must fail").to.match(pattern);
    expect(emu.requests().filter((r) => r.path.startsWith("/v1/"))).to.deep.equal([]);
  };

  it("refuses a private receiver, unknown events and a short secret, each by name", async () => {
    await failing([{ name: "x", url: "https://10.0.0.8/hook", events: ["whale_alert"] }], /url .*private/);
    await failing(
      [{ name: "x", url: "https://hooks.example.com/h", events: ["whale"] }],
      /events\[0\] is "whale".*Use one of: price_shift/,
    );
    await failing(
      [{ name: "x", url: "https://hooks.example.com/h", events: ["whale_alert"], secretSuffix: "x" }],
      /secret is \(secret, 6 chars\); it must be 16 to 1024 characters/,
    );
  });

  it("reports a missing API key with both ways to set it", async () => {
    await project.stack.removeConfig("rekko:apiKey");
    await failing(
      [{ name: "x", url: "http://127.0.0.1:9/h", events: ["whale_alert"] }],
      /pulumi config set --secret rekko:apiKey <key>.*REKKO_API_KEY/s,
    );
  });
});
