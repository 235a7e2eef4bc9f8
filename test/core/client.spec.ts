import { expect } from "chai";
import {
  RekkoAuthenticationError,
  RekkoConflictError,
  RekkoNetworkError,
  RekkoPlanError,
  RekkoQuotaError,
  RekkoResponseError,
  RekkoServerError,
  RekkoValidationError,
} from "../../provider";
import { RekkoClient } from "../../provider/core/client";
import { RateLimiter } from "../../provider/core/rateLimit";
import { CLOCK_SKEW_ALLOWANCE_MS, decideUnknownCreate } from "../../provider/core/unknownCreate";
import { RekkoEmulator } from "../../provider/testing";

const PRO = "rk_pro_client_test_key_1111";
const reg = { url: "https://hooks.example.com/c", events: ["whale_alert"], secret: "client-test-secret-123456" };

describe("API client against the emulator", () => {
  let emu: RekkoEmulator;
  let waits: number[];
  const client = (over: Partial<ConstructorParameters<typeof RekkoClient>[0]> = {}) =>
    new RekkoClient({
      baseUrl: emu.url,
      apiKey: PRO,
      limiter: new RateLimiter(100_000),
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...over,
    });
  const calls = (method?: string) => emu.requests().filter((r) => r.path.startsWith("/v1/") && (!method || r.method === method));

  beforeEach(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [PRO, "rk_free_client_test_key_22"] });
    waits = [];
  });
  afterEach(() => emu.stop());

  it("creates with exactly one POST and no list", async () => {
    const info = await client().createWebhook(reg);
    expect(info.webhook_id).to.match(/^wh-/);
    expect(calls().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["POST 200"]);
    expect(emu.webhooks()[0]?.secret).to.equal(reg.secret);
  });

  it("retries a GET on 503 honouring Retry-After seconds", async () => {
    emu.addFault({ kind: "status", method: "GET", status: 503, times: 2, headers: { "retry-after": "2" } });
    expect(await client().listWebhooks()).to.deep.equal([]);
    expect(calls("GET").map((r) => r.status)).to.deep.equal([503, 503, 200]);
    expect(waits).to.deep.equal([2000, 2000]);
  });

  it("retries a 429 rate limit, also for POST, without listing", async () => {
    emu.addFault({
      kind: "status",
      method: "POST",
      status: 429,
      times: 1,
      body: { detail: "Rate limit exceeded. Try again in 1 seconds." },
      headers: { "retry-after": "1" },
    });
    await client().createWebhook(reg);
    expect(calls().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["POST 429", "POST 200"]);
    expect(waits).to.deep.equal([1000]);
    expect(emu.webhooks()).to.have.length(1);
  });

  it("honours an HTTP-date Retry-After", async () => {
    const when = new Date(Date.now() + 3000).toUTCString();
    emu.addFault({ kind: "status", method: "GET", status: 503, times: 1, headers: { "retry-after": when } });
    await client().listWebhooks();
    expect(waits[0]).to.be.within(1000, 3000);
  });

  it("backs off exponentially with jitter when no Retry-After is given, and gives up with the cause", async () => {
    emu.addFault({ kind: "status", method: "GET", status: 500, times: 10 });
    let error: unknown;
    await client({ maxAttempts: 4, baseDelayMs: 100 })
      .listWebhooks()
      .catch((e) => {
        error = e;
      });
    expect(error).to.be.instanceOf(RekkoServerError);
    expect((error as Error).message).to.include("500");
    expect(calls("GET")).to.have.length(4);
    expect(waits).to.have.length(3);
    for (const [i, w] of waits.entries()) expect(w).to.be.within(100 * 2 ** i * 0.5, 100 * 2 ** i);
  });

  it("fails fast on a quota 429, with the plan message", async () => {
    let error: unknown;
    await new RekkoClient({ baseUrl: emu.url, apiKey: "rk_free_client_test_key_22", sleep: async () => {} })
      .createWebhook(reg)
      .catch((e) => {
        error = e;
      });
    expect(error).to.be.instanceOf(RekkoPlanError);
    expect((error as Error).message)
      .to.match(/Pro plan/)
      .and.match(/Monthly DEEP quota/);
    expect(calls()).to.have.length(1);
  });

  it("fails fast on a Pro key's quota 429 (ISO Retry-After), naming the quota, the usage and the reset date", async () => {
    emu.addFault({
      kind: "status",
      method: "POST",
      status: 429,
      times: 1,
      body: { detail: "Monthly DEEP quota exceeded (10/10). Resets on 2027-01-01. Upgrade for more." },
      headers: { "retry-after": "2027-01-01T00:00:00Z" },
    });
    const error = await client()
      .createWebhook(reg)
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RekkoQuotaError);
    expect(error).to.include({ used: 10, limit: 10, resetsOn: "2027-01-01", tier: "DEEP" });
    expect(calls("POST"), "no retry").to.have.length(1);
    expect(waits).to.deep.equal([]);
  });

  it("getCustomer reads GET /v1/customers/me: plan, usage and quotas per tier, the reset day", async () => {
    await client().createWebhook(reg);
    const me = await client().getCustomer();
    expect(me).to.include({ plan: "pro", status: "active", key_prefix: "rk_pro_..." });
    expect(me.usage.deep, "the create was one DEEP call").to.equal(1);
    expect(me.quotas.deep, "the emulator's Pro default: no DEEP limit").to.equal(null);
    expect(me.resets_on).to.match(/^\d{4}-\d{2}-01$/);
    expect(calls().map((r) => `${r.method} ${r.path}`)).to.deep.equal(["POST /v1/webhooks", "GET /v1/customers/me"]);
  });

  it("a Pro key over its DEEP quota (the emulator's billing) fails fast naming the quota, the usage and the reset date", async () => {
    emu.setBilling(PRO, { quotas: { deep: 1 } });
    await client().createWebhook(reg);
    const error = await client()
      .createWebhook(reg)
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RekkoQuotaError);
    const { resets_on } = await client().getCustomer();
    expect(error).to.include({ tier: "DEEP", used: 1, limit: 1, resetsOn: resets_on });
    expect((error as Error).message).to.include(`resets on ${resets_on}`);
    expect(
      calls("POST").map((r) => r.status),
      "no retry",
    ).to.deep.equal([200, 429]);
  });

  it("makes exactly one webhook when the connection drops after a create was stored", async () => {
    emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks", times: 1 });
    const info = await client().createWebhook(reg);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([info.webhook_id]);
    expect(calls().map((r) => r.method)).to.deep.equal(["POST", "GET"]);
  });

  it("lists, then retries, when a POST answered 503 without storing", async () => {
    emu.addFault({ kind: "status", method: "POST", status: 503, times: 1 });
    const info = await client().createWebhook(reg);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([info.webhook_id]);
    expect(calls().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["POST 503", "GET 200", "POST 200"]);
  });

  it("after an unknown outcome, never adopts a webhook with the same url and events created before the window; adopts its own", async () => {
    const old = await client().createWebhook(reg);
    // The API's clock moves past the window (the clock-skew allowance plus the Date header's one-second resolution).
    emu.setClock({ advanceMs: CLOCK_SKEW_ALLOWANCE_MS + 3000 });
    emu.addFault({ kind: "status", method: "POST", status: 502, times: 1 });
    const fresh = await client().createWebhook(reg);
    expect(fresh.webhook_id, "a 502 that stored nothing: sent again").not.to.equal(old.webhook_id);
    expect(emu.webhooks()).to.have.length(2);

    emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks", times: 1 });
    const rotated = { ...reg, secret: "client-test-secret-rotated-1" };
    // As a session does: the ids its resources hold (here the one just made) are never taken.
    const held = new Set([fresh.webhook_id]);
    const c = client();
    const adopted = await c.createWebhook(rotated, {
      reconcile: async (unknown) => decideUnknownCreate("POST /v1/webhooks", await c.listWebhooks(), unknown, held),
    });
    const stored = new Map(emu.webhooks().map((w) => [w.webhook_id, w.secret]));
    expect(stored.size, "no second POST").to.equal(3);
    expect(adopted.webhook_id).not.to.equal(old.webhook_id);
    expect(stored.get(adopted.webhook_id)).to.equal("client-test-secret-rotated-1");
  });

  it("fails naming every candidate and the recovery step when several webhooks may be an unanswered create's", async () => {
    // Another create with the same url and events lands while this one goes unanswered every time.
    emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks", times: 6 });
    const other = new RekkoClient({ baseUrl: emu.url, apiKey: PRO, limiter: new RateLimiter(100_000) });
    let error: unknown;
    await client({
      sleep: async () => {
        if (emu.webhooks().length === 1) await other.createWebhook(reg);
      },
    })
      .createWebhook(reg)
      .catch((e) => {
        error = e;
      });
    expect(error).to.be.instanceOf(RekkoConflictError);
    const ids = emu.webhooks().map((w) => w.webhook_id);
    expect(ids.length).to.be.at.least(2);
    for (const id of ids) expect((error as Error).message).to.include(id);
    expect((error as Error).message)
      .to.include("pulumi-rekko-orphans")
      .and.include("2 s clock-skew allowance");
  });

  it("retries POST on a refused connection (nothing was sent)", async () => {
    let error: unknown;
    await new RekkoClient({
      baseUrl: "http://127.0.0.1:1",
      apiKey: PRO,
      maxAttempts: 3,
      sleep: async () => {},
      limiter: new RateLimiter(100_000),
    })
      .createWebhook(reg)
      .catch((e) => {
        error = e;
      });
    expect(error).to.be.instanceOf(RekkoNetworkError);
    expect((error as Error).message).to.include("ECONNREFUSED");
    expect(JSON.stringify(error)).not.to.include(PRO);
    expect(String((error as Error).cause)).not.to.include(PRO);
  });

  it("maps 401, 403 and 422 to clear errors", async () => {
    let e: unknown;
    await new RekkoClient({ baseUrl: emu.url, apiKey: "rk_pro_wrong_key_000000000" }).listWebhooks().catch((x) => {
      e = x;
    });
    expect(e).to.be.instanceOf(RekkoAuthenticationError);
    expect((e as Error).message)
      .to.include("rekko:apiKey")
      .and.not.include("rk_pro_wrong");
    emu.addFault({ kind: "status", method: "POST", status: 403, body: { detail: "Your plan does not include webhooks" } });
    await client()
      .createWebhook(reg)
      .catch((x) => {
        e = x;
      });
    expect(e).to.be.instanceOf(RekkoPlanError);
    await client()
      .createWebhook({ ...reg, events: ["nope"] })
      .catch((x) => {
        e = x;
      });
    expect(e).to.be.instanceOf(RekkoValidationError);
    expect((e as Error).message).to.include("body.events.0");
  });

  it("treats DELETE of a missing webhook as already gone", async () => {
    expect(await client().deleteWebhook("wh-000000000000")).to.equal(false);
    const info = await client().createWebhook(reg);
    expect(await client().deleteWebhook(info.webhook_id)).to.equal(true);
  });

  it("keeps the defaults for options given as undefined (maxAttempts, timeouts, delays)", async () => {
    emu.addFault({ kind: "status", method: "GET", status: 503, times: 10 });
    let error: unknown;
    const c = client({
      maxAttempts: undefined,
      requestTimeoutMs: undefined,
      connectTimeoutMs: undefined,
      baseDelayMs: undefined,
      maxDelayMs: undefined,
      maxRequestsPerMinute: undefined,
    });
    await c.listWebhooks().catch((e) => {
      error = e;
    });
    expect(error, "a persistent 503 ends after the default 6 attempts").to.be.instanceOf(RekkoServerError);
    expect(calls("GET")).to.have.length(6);
    const opts = (c as unknown as { transport: { opts: Record<string, unknown> } }).transport.opts;
    expect(opts).to.include({ requestTimeoutMs: 30_000, connectTimeoutMs: 5_000, baseDelayMs: 250, maxDelayMs: 30_000 });
  });

  for (const status of [301, 302, 303, 307, 308]) {
    it(`treats a ${status} redirect of DELETE as an error naming the Location without credentials; the webhook stays`, async () => {
      const info = await client().createWebhook(reg);
      emu.addFault({
        kind: "status",
        method: "DELETE",
        status,
        body: {},
        headers: { location: "https://user:hunter2@api.example.com/v1/webhooks/x?token=abc" },
      });
      let error: unknown;
      await client()
        .deleteWebhook(info.webhook_id)
        .catch((e) => {
          error = e;
        });
      expect(error).to.be.instanceOf(RekkoResponseError);
      const message = (error as Error).message;
      expect(message).to.include(`${status}`).and.include("Location https://api.example.com/v1/webhooks/x?…");
      expect(message).not.to.include("hunter2").and.not.include("user:").and.not.include("token=abc");
      expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([info.webhook_id]);
    });
  }

  it("treats a 3xx answer to a list or a create as an error, without following it", async () => {
    emu.addFault({ kind: "status", method: "GET", status: 302, body: {}, headers: { location: "/elsewhere" } });
    let error: unknown;
    await client()
      .listWebhooks()
      .catch((e) => {
        error = e;
      });
    expect((error as Error).message).to.include(`Location ${emu.url}/elsewhere`);
    emu.addFault({ kind: "status", method: "POST", status: 307, body: {} });
    await client()
      .createWebhook(reg)
      .catch((e) => {
        error = e;
      });
    expect((error as Error).message).to.match(/answered 307 .*no Location header/);
    expect(calls().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["GET 302", "POST 307"]);
  });

  it("paces requests with the shared client-side rate limit (observed in the emulator log)", async () => {
    const c = new RekkoClient({ baseUrl: emu.url, apiKey: PRO, limiter: new RateLimiter(120) });
    const started = Date.now();
    for (let i = 0; i < 14; i++) await c.listWebhooks();
    const times = calls("GET").map((r) => Date.parse(r.time));
    // A burst of 10, then one every 500 ms.
    expect(times).to.have.length(14);
    expect((times[13] ?? 0) - (times[9] ?? 0)).to.be.at.least(1500);
    expect(Date.now() - started).to.be.at.least(1500);
  });
});
