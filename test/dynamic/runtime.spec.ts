import { expect } from "chai";
import { RateLimiter } from "../../provider/core/ratelimit";
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
    expect(api().map((r) => `${r.method} ${r.status}`)).to.deep.equal([
      "GET 200",
      "POST 200",
      "GET 200",
      "DELETE 200",
      "DELETE 404",
    ]);
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
