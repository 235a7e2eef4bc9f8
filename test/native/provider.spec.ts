import { expect } from "chai";
import { NATIVE_WEBHOOK as WEBHOOK } from "../../provider/core/types";
import * as dynamic from "../../provider/dynamic/runtime";
import { reveal, secret } from "../../provider/native/protocol";
import { RekkoNativeProvider } from "../../provider/native/provider";
import { UNKNOWN } from "../../provider/pulumi/unknowns";
import { RekkoEmulator } from "../../provider/testing";

const KEY = "rk_pro_native_provider_test_key_4444";
const SECRET = "native-test-secret-1234567";
const inputs = { url: "http://127.0.0.1:9/hook", events: ["whale_alert", "price_shift"], secret: secret(SECRET) };
const SIG = "4dabf18193072939515e22adb298388d";

describe("native provider methods against the emulator", () => {
  let emu: RekkoEmulator;
  let p: RekkoNativeProvider;
  const api = () => emu.requests().filter((r) => r.path.startsWith("/v1/"));
  beforeEach(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [KEY] });
    p = new RekkoNativeProvider();
    p.configure({ apiKey: secret(KEY), baseUrl: emu.url });
    dynamic.configure({ apiKey: KEY, baseUrl: emu.url });
  });
  afterEach(() => emu.stop());

  it("check refuses what the dynamic resource refuses, with the same messages, and calls nothing", async () => {
    const bad: Record<string, unknown>[] = [
      { url: "https://10.0.0.8/hook", events: ["whale_alert"] },
      { url: "https://hooks.example.com/h", events: ["whale_alrt"] },
      { url: "https://hooks.example.com/h", events: ["whale_alert", "whale_alert"] },
      { url: "ftp://hooks.example.com/h", events: [] },
      { url: "https://hooks.example.com/h", events: ["whale_alert"], secret: "short" },
      { events: ["price_shift"] },
    ];
    for (const news of bad) {
      const native = p.check(WEBHOOK, { ...news, ...(news.secret ? { secret: secret(news.secret) } : {}) });
      const dyn = await dynamic.check({}, news);
      expect(native.failures, JSON.stringify(news)).to.deep.equal(dyn.failures);
      expect(native.failures).to.not.be.empty;
    }
    expect(p.check(WEBHOOK, { url: "https://hooks.example.com/h", events: ["whale_alrt"] }).failures[0]?.reason).to.equal(
      'events[0] is "whale_alrt", which is not a Rekko event type. Use one of: price_shift, whale_alert, analysis_complete.',
    );
    expect(api()).to.deep.equal([]);
  });

  it("check keeps the secret a secret and lets preview placeholders through", () => {
    const ok = p.check(WEBHOOK, inputs);
    expect(ok.failures).to.deep.equal([]);
    expect(ok.inputs.secret).to.deep.equal(secret(SECRET));
    expect(p.check(WEBHOOK, { url: UNKNOWN, events: [UNKNOWN], secret: UNKNOWN }).failures).to.deep.equal([]);
  });

  it("diff: the core replace rules (events as a set), never delete-before-replace", async () => {
    const olds = { ...inputs, webhookId: "wh-1", enabled: true, failureCount: 0, createdAt: "x" };
    expect(await p.diff(WEBHOOK, "wh-1", olds, { ...inputs, events: ["price_shift", "whale_alert"] })).to.deep.equal({
      changes: false,
      replaces: [],
    });
    expect((await p.diff(WEBHOOK, "wh-1", olds, { ...inputs, url: "http://127.0.0.1:9/other" })).replaces).to.deep.equal(["url"]);
    expect((await p.diff(WEBHOOK, "wh-1", olds, { ...inputs, secret: secret(`${SECRET}x`) })).replaces).to.deep.equal(["secret"]);
    expect((await p.diff(WEBHOOK, "wh-1", olds, { ...inputs, events: [UNKNOWN] })).replaces).to.deep.equal(["events"]);
  });

  it("create: one POST each, no list; outputs echo the inputs with the secret wrapped; delete removes it", async () => {
    const { id, outs } = await p.create(WEBHOOK, inputs);
    await p.create(WEBHOOK, { ...inputs, url: "http://127.0.0.1:9/second" });
    expect(api().map((r) => r.method)).to.deep.equal(["POST", "POST"]);
    expect(outs.secret).to.deep.equal(secret(SECRET));
    expect(reveal(outs)).to.include({ webhookId: id, url: inputs.url, enabled: true, failureCount: 0 });
    expect(emu.webhooks()[0]?.secret).to.equal(SECRET);
    // A later deployment (a new provider session): the one that created it never deletes it.
    const later = new RekkoNativeProvider();
    later.configure({ apiKey: secret(KEY), baseUrl: emu.url });
    await later.delete(WEBHOOK, id, outs);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.not.include(id);
    expect(emu.webhooks()).to.have.length(1);
  });

  it("every input that arrived secret stays secret: check, create, read (old state), update; getWebhooks with a secret argument", async () => {
    const url = "http://127.0.0.1:9/hook?token=t0k3n";
    const news = { ...inputs, url: secret(url), events: ["whale_alert", secret("price_shift")] };
    const isSecret = (v: unknown) => typeof v === "object" && v !== null && SIG in v;
    const checked = p.check(WEBHOOK, news);
    expect(checked.failures).to.deep.equal([]);
    for (const k of ["url", "events", "secret"]) expect(isSecret(checked.inputs[k]), `check ${k}`).to.equal(true);
    expect(checked.inputs.url, "wrapped once").to.deep.equal(secret(url));
    const { id, outs } = await p.create(WEBHOOK, checked.inputs);
    for (const k of ["url", "events", "secret"]) expect(isSecret(outs[k]), `create ${k}`).to.equal(true);
    expect(isSecret(outs.webhookId)).to.equal(false);
    const read = await p.read(WEBHOOK, id, outs, checked.inputs);
    for (const k of ["url", "events", "secret"]) {
      expect(isSecret(read.props?.[k]), `read output ${k}`).to.equal(true);
      expect(isSecret(read.inputs?.[k]), `read input ${k}`).to.equal(true);
    }
    const updated = await p.update(WEBHOOK, id, outs, checked.inputs);
    for (const k of ["url", "events", "secret"]) expect(isSecret(updated[k]), `update ${k}`).to.equal(true);
    expect(reveal(updated)).to.deep.include({ url, webhookId: id });
    const found = await p.invoke("rekko:index:getWebhooks", { url: secret(url) });
    expect(found.outputs?.ids).to.deep.equal(secret([id]));
    expect(isSecret(found.outputs?.webhooks)).to.equal(true);
    const plain = await p.invoke("rekko:index:getWebhooks", { url });
    expect(plain.outputs?.ids, "no secret argument, no secret output").to.deep.equal([id]);
  });

  it("import: read by id returns the registered url and events as inputs, and no secret", async () => {
    const made = await fetch(`${emu.url}/v1/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ url: "http://127.0.0.1:9/outside", events: ["analysis_complete"], secret: "made-outside-1234567" }),
    }).then((r) => r.json() as Promise<{ webhook_id: string }>);
    const read = await p.read(WEBHOOK, made.webhook_id, {});
    expect(read.id).to.equal(made.webhook_id);
    expect(read.inputs).to.deep.equal({ url: "http://127.0.0.1:9/outside", events: ["analysis_complete"] });
    expect(read.props).to.not.have.property("secret");
    expect((await p.read(WEBHOOK, "wh-000000000000", {})).id, "a missing webhook is gone").to.equal("");
  });

  it("import: a registered url with a query (where tokens go) is kept secret in the inputs and outputs; one without is not", async () => {
    const register = (url: string) =>
      fetch(`${emu.url}/v1/webhooks`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ url, events: ["whale_alert"], secret: "made-outside-1234567" }),
      }).then((r) => r.json() as Promise<{ webhook_id: string }>);
    // Registered before the first read: a session reads the list once.
    const urls = ["http://127.0.0.1:9/q?sig=tok-123", "http://127.0.0.1:9/q2?token=abc&x=1", "http://127.0.0.1:9/plain"];
    const ids = [];
    for (const url of urls) ids.push((await register(url)).webhook_id);
    const fresh = new RekkoNativeProvider();
    fresh.configure({ apiKey: secret(KEY), baseUrl: emu.url });
    const [query, both, plain] = await Promise.all(ids.map((id) => fresh.read(WEBHOOK, id, {})));
    for (const [url, read] of [
      [urls[0], query],
      [urls[1], both],
    ] as const) {
      expect(read?.inputs?.url, url).to.deep.equal(secret(url));
      expect(read?.props?.url, url).to.deep.equal(secret(url));
    }
    expect(plain?.inputs?.url).to.equal("http://127.0.0.1:9/plain");
  });

  it("an imported webhook's secret is never rotated silently: declaring one fails diff with both ways out", async () => {
    const imported = {
      webhookId: "wh-1",
      url: inputs.url,
      events: inputs.events,
      enabled: true,
      failureCount: 0,
      createdAt: "x",
    };
    expect(await p.diff(WEBHOOK, "wh-1", imported, { url: inputs.url, events: inputs.events })).to.deep.equal({
      changes: false,
      replaces: [],
    });
    const refused = (news: Record<string, unknown>) =>
      p.diff(WEBHOOK, "wh-1", imported, news).then(
        () => "",
        (e: Error) => e.message,
      );
    expect(await refused(inputs)).to.match(/was imported.*Remove secret.*pulumi up --replace/);
    expect(await refused({ ...inputs, secret: UNKNOWN })).to.match(/was imported/);
    // A webhook registered by the provider without a secret has secret "": adding one is a visible replace.
    expect((await p.diff(WEBHOOK, "wh-1", { ...imported, secret: "" }, inputs)).replaces).to.deep.equal(["secret"]);
  });

  it("checkConfig: a missing key names both ways to set it; the key is kept secret; a bad base is refused without a property name", () => {
    const saved = process.env.REKKO_API_KEY;
    delete process.env.REKKO_API_KEY;
    try {
      const missing = p.checkConfig({ baseUrl: emu.url });
      expect(missing.failures).to.deep.equal([
        {
          property: "apiKey",
          reason:
            "No Rekko API key is set. Run `pulumi config set --secret rekko:apiKey <key>` in the stack, or set the REKKO_API_KEY environment variable.",
        },
      ]);
      const ok = p.checkConfig({ apiKey: KEY, baseUrl: emu.url });
      expect(ok.failures).to.deep.equal([]);
      expect(ok.inputs.apiKey).to.have.property(SIG);
      expect(p.checkConfig({ apiKey: UNKNOWN }).failures, "a key still to be computed is not missing").to.deep.equal([]);
      const bad = p.checkConfig({ apiKey: KEY, baseUrl: "http://api.example.com" });
      expect(
        bad.failures.map((f) => f.property),
        "no property name: the engine would print the url",
      ).to.deep.equal([""]);
      expect(bad.failures[0]?.reason).to.match(/must use https/);
      expect(p.checkConfig({ apiKey: KEY, maxRequestsPerMinute: -1 }).failures[0]?.property).to.equal("maxRequestsPerMinute");
    } finally {
      if (saved !== undefined) process.env.REKKO_API_KEY = saved;
    }
  });

  it("the core's key fingerprint: stored at create, and another key is refused before any API call", async () => {
    const { id, outs } = await p.create(WEBHOOK, inputs);
    expect(outs.keyFingerprint, "a secret output").to.have.property(SIG);
    expect(reveal(outs.keyFingerprint)).to.match(/^hmac:[0-9a-f]{16}$/);
    const other = new RekkoNativeProvider();
    other.configure({ apiKey: secret("rk_pro_another_account_key_5555"), baseUrl: emu.url });
    const before = api().length;
    const diffed = await other.diff(WEBHOOK, id, outs, inputs).catch((e: Error) => e);
    expect(String(diffed)).to.match(/registered with another API key than the configured one/);
    let refused = "";
    await other.delete(WEBHOOK, id, outs).catch((e: Error) => {
      refused = e.message;
    });
    expect(refused).to.match(/registered with another API key/);
    expect(api().length, "no API call").to.equal(before);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.include(id);
  });

  it("getWebhooks lists once per session for any number of callers with the same arguments; a failed list is not kept", async () => {
    await p.create(WEBHOOK, inputs);
    emu.addFault({ kind: "status", method: "GET", path: "/v1/webhooks", status: 401, times: 1 });
    const before = api().length;
    const failed = await p.invoke("rekko:index:getWebhooks", { url: inputs.url }).catch((e: Error) => e);
    expect(failed).to.be.instanceOf(Error);
    const answers = await Promise.all([1, 2, 3].map(() => p.invoke("rekko:index:getWebhooks", { url: inputs.url })));
    await p.invoke("rekko:index:getWebhooks", { url: inputs.url });
    for (const a of answers) expect(a.outputs?.ids).to.have.length(1);
    const gets = api()
      .slice(before)
      .filter((r) => r.method === "GET");
    expect(gets, "the failed list, then one").to.have.length(2);
    await p.invoke("rekko:index:getWebhooks", { url: inputs.url, event: "whale_alert" });
    expect(api().length - before, "other arguments list again").to.equal(3);
  });

  it("getWebhooks: one list, filtered by url and event; a bad event is named with the fix", async () => {
    const a = await p.create(WEBHOOK, inputs);
    await p.create(WEBHOOK, { url: "http://127.0.0.1:9/b", events: ["analysis_complete"] });
    const before = api().length;
    const all = await p.invoke("rekko:index:getWebhooks", {});
    expect(all.outputs?.ids).to.have.length(2);
    const byUrl = await p.invoke("rekko:index:getWebhooks", { url: inputs.url });
    expect(byUrl.outputs?.ids).to.deep.equal([a.id]);
    const byEvent = await p.invoke("rekko:index:getWebhooks", { event: "analysis_complete" });
    expect((byEvent.outputs?.webhooks as { url: string }[] | undefined)?.map((w) => w.url)).to.deep.equal([
      "http://127.0.0.1:9/b",
    ]);
    expect(
      api()
        .slice(before)
        .map((r) => r.method),
    ).to.deep.equal(["GET", "GET", "GET"]);
    const bad = await p.invoke("rekko:index:getWebhooks", { event: "whale" });
    expect(bad.failures[0]?.reason).to.match(/event is "whale", which is not a Rekko event type. Use one of: price_shift/);
  });
});
