import { expect } from "chai";
import { RekkoKeyMismatchError } from "../../provider/core/errors";
import { keyFingerprint } from "../../provider/core/fingerprint";
import { RateLimiter } from "../../provider/core/rateLimit";
import * as rt from "../../provider/dynamic/runtime";
import { RekkoEmulator } from "../../provider/testing";

const PRO = "rk_pro_runtime_test_key_333";
const SECRET = "runtime-test-secret-1234567";
const inputs = { url: "http://127.0.0.1:9/hook", events: ["whale_alert", "price_shift"], secret: SECRET };

describe("provider methods against the emulator", () => {
  let emu: RekkoEmulator;
  const api = () => emu.requests().filter((r) => r.path.startsWith("/v1/"));
  beforeEach(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [PRO] });
    rt.configure({ apiKey: PRO, baseUrl: emu.url }, { sleep: async () => {}, limiter: new RateLimiter(100_000) });
  });
  afterEach(() => emu.stop());

  it("check passes loopback receivers only against a loopback API, with no network", async () => {
    const local = await rt.check({}, inputs);
    expect(local.failures).to.deep.equal([]);
    rt.configure({ apiKey: PRO, baseUrl: "https://api.rekko.ai" });
    const remote = await rt.check({}, inputs);
    // A url failure names no property, so the engine does not print the url (see checkFailures.ts).
    expect(remote.failures.map((f) => f.property)).to.deep.equal([""]);
    expect(remote.failures[0]?.reason).to.match(/^url uses http/);
    expect(api()).to.deep.equal([]);
  });

  it("check reports a missing key and a bad base URL at preview time", async () => {
    const saved = process.env.REKKO_API_KEY;
    delete process.env.REKKO_API_KEY;
    try {
      rt.configure({ baseUrl: emu.url });
      const missing = await rt.check({}, inputs);
      expect(missing.failures).to.have.length(1);
      expect(missing.failures[0]?.reason).to.include("pulumi config set --secret rekko:apiKey").and.include("REKKO_API_KEY");
      rt.configure({ apiKey: PRO, baseUrl: "http://api.example.com" });
      const bad = await rt.check({}, inputs);
      expect(bad.failures[0]?.property).to.equal("rekko:baseUrl");
      expect(bad.failures[0]?.reason).to.match(/must use https/);
    } finally {
      if (saved !== undefined) process.env.REKKO_API_KEY = saved;
    }
  });

  it("create registers once and echoes the declared inputs; read refreshes enabled/failureCount; delete removes", async () => {
    const { id, outs } = await rt.create(inputs);
    expect(id).to.match(/^wh-/);
    expect(outs).to.include({ webhookId: id, url: inputs.url, enabled: true, failureCount: 0, secret: SECRET });
    expect(outs.events).to.deep.equal(inputs.events);
    expect(emu.webhooks()[0]?.secret).to.equal(SECRET);
    await emu.trigger("whale_alert");
    rt.configure({ apiKey: PRO, baseUrl: emu.url });
    const read = await rt.read(id, outs as unknown as Record<string, unknown>);
    expect(read.id).to.equal(id);
    expect(read.props).to.include({ failureCount: 1, enabled: true, secret: SECRET });
    await rt.delete(id);
    expect(emu.webhooks()).to.deep.equal([]);
    await rt.delete(id);
    expect(api().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["POST 200", "GET 200", "DELETE 200", "DELETE 404"]);
  });

  it("reads many webhooks with one list call, and reports one deleted outside as gone", async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await rt.create({ ...inputs, url: `http://127.0.0.1:9/h${i}` }));
    const gone = made[2]?.id ?? "";
    emu.webhooks(); // the outside deletion:
    await fetch(`${emu.url}/v1/webhooks/${gone}`, { method: "DELETE", headers: { authorization: `Bearer ${PRO}` } });
    rt.configure({ apiKey: PRO, baseUrl: emu.url });
    const before = api().length;
    const results = await Promise.all(made.map((m) => rt.read(m.id, m.outs as unknown as Record<string, unknown>)));
    expect(results.map((r) => r.id)).to.deep.equal(made.map((m) => (m.id === gone ? "" : m.id)));
    expect(
      api()
        .slice(before)
        .map((r) => r.method),
    ).to.deep.equal(["GET"]);
  });

  it("adopts an existing webhook by id without registering a new one", async () => {
    const existing = await rt.create(inputs);
    rt.configure({ apiKey: PRO, baseUrl: emu.url });
    const before = api().length;
    const adopted = await rt.create({ ...inputs, events: ["price_shift", "whale_alert"], adoptWebhookId: existing.id });
    expect(adopted.id).to.equal(existing.id);
    expect(
      api()
        .slice(before)
        .map((r) => r.method),
    ).to.deep.equal(["GET"]);
    expect(emu.webhooks()).to.have.length(1);
  });

  it("refuses to adopt a missing webhook or one that differs, saying what differs", async () => {
    const existing = await rt.create(inputs);
    // A new deployment: the webhook is held by no resource of it.
    rt.configure({ apiKey: PRO, baseUrl: emu.url }, { sleep: async () => {}, limiter: new RateLimiter(100_000) });
    let e: Error | undefined;
    await rt.create({ ...inputs, adoptWebhookId: "wh-000000000000" }).catch((x: Error) => {
      e = x;
    });
    expect(e?.message).to.match(/wh-000000000000 is not among this key's webhooks/);
    await rt
      .create({ ...inputs, url: "http://127.0.0.1:9/other", events: ["whale_alert"], adoptWebhookId: existing.id })
      .catch((x: Error) => {
        e = x;
      });
    expect(e?.message).to.include("url: the declared url is not the registered one (GET /v1/webhooks lists it)");
    expect(e?.message).not.to.include("127.0.0.1:9/");
    expect(e?.message).to.include("events: declared [whale_alert], registered [whale_alert, price_shift]");
    expect(emu.webhooks()).to.have.length(1);
  });

  it("update keeps the webhook and its outputs (stored code roll-forward)", async () => {
    const { id, outs } = await rt.create(inputs);
    const before = api().length;
    const res = await rt.update(id, { ...outs, __provider: "old" }, { ...inputs, __provider: "new" });
    expect(res.outs).to.deep.equal(outs);
    expect(api().length).to.equal(before);
  });

  it("create stores the key's fingerprint (never the key); read, diff, update and delete refuse another key, calling nothing", async () => {
    const { id, outs } = await rt.create(inputs);
    const props = outs as unknown as Record<string, unknown>;
    expect(outs.keyFingerprint)
      .to.equal(keyFingerprint(PRO, id))
      .and.match(/^hmac:[0-9a-f]{16}$/);
    expect(JSON.stringify(outs)).not.to.include(PRO.slice(7));
    const other = "rk_pro_another_account_key_999";
    rt.configure({ apiKey: other, baseUrl: emu.url }, { sleep: async () => {}, limiter: new RateLimiter(100_000) });
    const before = api().length;
    const refusals = [
      await rt.read(id, props).catch((e: Error) => e),
      await rt.diff(id, props, { ...inputs }).catch((e: Error) => e),
      await rt.update(id, props, { ...inputs }).catch((e: Error) => e),
      await rt.delete(id, props).catch((e: Error) => e),
    ];
    for (const e of refusals) {
      expect(e).to.be.instanceOf(RekkoKeyMismatchError);
      expect((e as Error).message)
        .to.include("registered with another API key than the configured one")
        .and.not.include(keyFingerprint(PRO, id))
        .and.not.include(keyFingerprint(other, id))
        .and.not.include(other);
    }
    expect(api().length, "refused before any call").to.equal(before);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([id]);
  });

  it("state from before fingerprints takes the key's on read and update, but only when the key's list shows the webhook", async () => {
    const { id, outs } = await rt.create(inputs);
    const { keyFingerprint: _fp, ...legacy } = outs as unknown as Record<string, unknown>;
    const read = await rt.read(id, legacy);
    expect(read.props?.keyFingerprint).to.equal(keyFingerprint(PRO, id));
    const updated = await rt.update(id, { ...legacy, __provider: "old" }, { ...inputs, __provider: "new" });
    expect(updated.outs.keyFingerprint).to.equal(keyFingerprint(PRO, id));
    rt.configure({ apiKey: PRO, baseUrl: emu.url }, { sleep: async () => {}, limiter: new RateLimiter(100_000) });
    const unseen = await rt.update("wh-000000000000", { ...legacy, webhookId: "wh-000000000000" }, { ...inputs });
    expect(unseen.outs, "not in this key's list: no fingerprint is guessed").not.to.have.property("keyFingerprint");
    await rt.delete(id, legacy);
    expect(emu.webhooks()).to.deep.equal([]);
  });

  it("diff replaces a webhook the last refresh saw disabled, with a warning; replaceWhenDisabled: false keeps it, still warning", async () => {
    const { id, outs } = await rt.create(inputs);
    const disabled = { ...(outs as unknown as Record<string, unknown>), enabled: false, failureCount: 5 };
    const warnings: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => warnings.push(String(chunk)) > 0) as typeof process.stderr.write;
    let replaced: Awaited<ReturnType<typeof rt.diff>>;
    let kept: Awaited<ReturnType<typeof rt.diff>>;
    try {
      replaced = await rt.diff(id, disabled, { ...inputs });
      kept = await rt.diff(id, disabled, { ...inputs, replaceWhenDisabled: false });
    } finally {
      process.stderr.write = write;
    }
    expect(replaced).to.deep.equal({ changes: true, replaces: ["enabled"], deleteBeforeReplace: false });
    expect(kept).to.deep.equal({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(warnings).to.have.length(2);
    expect(warnings[0]).to.match(
      new RegExp(`^warning: Rekko webhook ${id} is disabled: .* after 5 consecutive failed deliveries.*replaces it`),
    );
    expect(warnings[1]).to.include("replaceWhenDisabled is false, so it stays disabled");
    expect(await rt.diff(id, outs as unknown as Record<string, unknown>, { ...inputs })).to.include({ changes: false });
    const bad = await rt.check({}, { ...inputs, replaceWhenDisabled: "no" });
    expect(bad.failures.map((f) => f.property)).to.include("replaceWhenDisabled");
  });

  it("refuses a second adoption of a webhook a resource of the deployment holds; a replaced adopted resource registers anew", async () => {
    const outside = await rt.create(inputs);
    rt.configure({ apiKey: PRO, baseUrl: emu.url }, { sleep: async () => {}, limiter: new RateLimiter(100_000) });
    const results = await Promise.allSettled([
      rt.create({ ...inputs, adoptWebhookId: outside.id }),
      rt.create({ ...inputs, adoptWebhookId: outside.id }),
    ]);
    expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason.message)).to.include(
      `adoptWebhookId ${outside.id}: another resource of this deployment already holds`,
    );
    expect(emu.webhooks()).to.have.length(1);
    const adopted = results.find((r) => r.status === "fulfilled") as PromiseFulfilledResult<
      Awaited<ReturnType<typeof rt.create>>
    >;
    const changed = { ...inputs, events: ["whale_alert"], adoptWebhookId: outside.id };
    const plan = await rt.diff(outside.id, adopted.value.outs as unknown as Record<string, unknown>, changed);
    expect(plan.replaces).to.deep.equal(["events"]);
    const replacement = await rt.create(changed);
    expect(replacement.id, "the replacement registers a new webhook").not.to.equal(outside.id);
    expect(emu.webhooks()).to.have.length(2);
  });

  it("create fails with one clear message when no key is set", async () => {
    const saved = process.env.REKKO_API_KEY;
    delete process.env.REKKO_API_KEY;
    try {
      rt.configure({ baseUrl: emu.url });
      let e: Error | undefined;
      await rt.create(inputs).catch((x: Error) => {
        e = x;
      });
      expect(e?.message).to.match(/No Rekko API key is set/);
      expect(e?.stack).not.to.match(/at .*runtime/);
    } finally {
      if (saved !== undefined) process.env.REKKO_API_KEY = saved;
    }
  });
});
