import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { RekkoClient } from "../../provider/core/client";
import { RekkoConflictError } from "../../provider/core/errors";
import { delay, RateLimiter } from "../../provider/core/rateLimit";
import { WebhookSession } from "../../provider/core/session";
import { USER_AGENT } from "../../provider/core/version";

/**
 * What a create with an unknown outcome can and cannot promise (README, "Errors"): the Rekko
 * API has no idempotency key, so the client can only look at the list before it sends a POST
 * again. A stand-in server plays a gateway and a backend whose behaviour each test programs,
 * per POST (in arrival order) or per secret, so concurrent creates meet known outcomes.
 */
describe("API client: a create whose outcome is unknown (no idempotency key in the API)", () => {
  type Step =
    | "store" // store and answer 200
    | "store-then-504" // store, then answer 504
    | "504-store-later" // answer 504; store only when the next POST arrives
    | "store-then-hang" // store and never answer (the client times out)
    | "drop" // close the connection, storing nothing
    | "wait-store-then-drop" // after 150 ms, store, then close the connection
    | "store-answer-late"; // store at once, answer 400 ms later
  let server: Server;
  let base: string;
  const stored: { webhook_id: string; url: string; events: string[]; secret: string; created_at: string }[] = [];
  /** What the next POSTs do, in order; a POST whose secret is in `bySecret` does that instead (once). */
  let plan: Step[] = [];
  const bySecret = new Map<string, Step>();
  /** Store urls as an API that normalises them would (host case, default port, `/` for an empty path). */
  let normalise = false;
  let late: (() => void) | undefined;
  const seen: string[] = [];
  const headers: IncomingMessage["headers"][] = [];
  const hanging: ServerResponse[] = [];
  const reg = { url: "https://hooks.example.com/unknown", events: ["whale_alert"], secret: "unknown-outcome-secret-123" };

  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = "";
      req.on("data", (c: Buffer) => {
        text += c.toString("utf8");
      });
      req.on("end", () => resolve(text));
    });

  before(async () => {
    server = createServer(async (req, res) => {
      const text = await body(req);
      seen.push(`${req.method} ${req.url}`);
      headers.push(req.headers);
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      if (req.method === "GET")
        return json(
          200,
          stored.map(({ secret: _s, ...w }) => w),
        );
      // The backend finishing an earlier create (after the client's list) before this one.
      late?.();
      late = undefined;
      const { url, events, secret } = JSON.parse(text) as { url: string; events: string[]; secret: string };
      const store = () => {
        const w = {
          webhook_id: `wh-${stored.length + 1}`,
          url: normalise ? new URL(url).href : url,
          events,
          secret,
          created_at: new Date().toISOString(),
        };
        stored.push(w);
        const { secret: _s, ...info } = w;
        return info;
      };
      const step = bySecret.get(secret) ?? plan.shift() ?? "store";
      bySecret.delete(secret);
      if (step === "store-then-504") {
        store();
        return json(504, { detail: "Gateway Timeout" });
      }
      if (step === "504-store-later") {
        late = store;
        return json(504, { detail: "Gateway Timeout" });
      }
      if (step === "store-then-hang") {
        store();
        hanging.push(res);
        return;
      }
      if (step === "drop") {
        req.socket.destroy();
        return;
      }
      if (step === "wait-store-then-drop") {
        setTimeout(() => {
          store();
          req.socket.destroy();
        }, 150);
        return;
      }
      const info = store();
      if (step === "store-answer-late") {
        setTimeout(() => json(200, info), 400);
        return;
      }
      return json(200, info);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    stored.length = 0;
    seen.length = 0;
    headers.length = 0;
    plan = [];
    bySecret.clear();
    normalise = false;
    late = undefined;
  });
  afterEach(() => {
    for (const res of hanging.splice(0)) res.destroy();
  });
  const posts = () => seen.filter((s) => s === "POST /v1/webhooks").length;
  const fast = { sleep: async () => {}, limiter: new RateLimiter(100_000) };
  const client = (over: Partial<ConstructorParameters<typeof RekkoClient>[0]> = {}) =>
    new RekkoClient({ baseUrl: base, apiKey: "rk_pro_unknown_outcome", ...fast, ...over });
  /** The secret a webhook was stored with: every id a create returned must carry that create's. */
  const secretOf = (id: string) => stored.find((w) => w.webhook_id === id)?.secret;

  it("sends bearer auth and User-Agent: pulumi-rekko/<version> with every request", async () => {
    await client().createWebhook(reg);
    await client().listWebhooks();
    expect(USER_AGENT).to.match(/^pulumi-rekko\/\d+\.\d+\.\d+/);
    expect(headers.map((h) => h["user-agent"])).to.deep.equal([USER_AGENT, USER_AGENT]);
    expect(headers.map((h) => h.authorization)).to.deep.equal(["Bearer rk_pro_unknown_outcome", "Bearer rk_pro_unknown_outcome"]);
  });

  it("guaranteed: a 504 after the server stored the webhook adopts it through the list, with no second POST", async () => {
    plan = ["store-then-504"];
    const info = await client().createWebhook(reg);
    expect(seen).to.deep.equal(["POST /v1/webhooks", "GET /v1/webhooks"]);
    expect(stored.map((w) => w.webhook_id)).to.deep.equal([info.webhook_id]);
  });

  it("a request timeout is an unknown outcome: the list finds the webhook the server stored, with no second POST", async () => {
    plan = ["store-then-hang"];
    const started = Date.now();
    const info = await client({ requestTimeoutMs: 300 }).createWebhook(reg);
    expect(Date.now() - started).to.be.at.least(300);
    expect(seen).to.deep.equal(["POST /v1/webhooks", "GET /v1/webhooks"]);
    expect(stored.map((w) => w.webhook_id)).to.deep.equal([info.webhook_id]);
  });

  it("finds its webhook after an unknown outcome when the API normalises the url it stores", async () => {
    normalise = true;
    plan = ["store-then-504"];
    const info = await client().createWebhook({ ...reg, url: "https://Hooks.Example.com:443" });
    expect(posts()).to.equal(1);
    expect(stored.map((w) => [w.webhook_id, w.url])).to.deep.equal([[info.webhook_id, "https://hooks.example.com/"]]);
  });

  it("not guaranteed: a 504 while the backend still works, storing after the client's list, leaves a duplicate", async () => {
    plan = ["504-store-later", "store"];
    const info = await client().createWebhook(reg);
    // The client listed after the 504 (nothing there yet), then sent the POST again.
    expect(posts()).to.equal(2);
    expect(seen.slice(seen.indexOf("POST /v1/webhooks"), seen.lastIndexOf("POST /v1/webhooks"))).to.include("GET /v1/webhooks");
    // Two webhooks with the same url and events: the client holds the second; the first is held
    // by no resource (pulumi-rekko-orphans lists it as a duplicate of the managed one).
    expect(stored.map((w) => w.url)).to.deep.equal([reg.url, reg.url]);
    expect(info.webhook_id).to.equal("wh-2");
  });

  describe("in a provider session", () => {
    const session = (sleep = fast.sleep) =>
      new WebhookSession({ apiKey: "rk_pro_unknown_outcome", baseUrl: base }, { ...fast, sleep });
    const a = { url: "http://127.0.0.1:9/siblings", events: ["whale_alert"], secret: "sibling-secret-aaaaaaaa" };
    const b = { ...a, secret: "sibling-secret-bbbbbbbb" };

    it("an unanswered create waits for its sibling (same url and events) and never takes the webhook the sibling is answered with", async () => {
      // A's POST is dropped, storing nothing; B's is stored at once but answered only 400 ms later.
      bySecret.set(a.secret, "drop");
      bySecret.set(b.secret, "store-answer-late");
      const s = session();
      const [ra, rb] = await Promise.all([s.create(a), s.create(b)]);
      expect(ra.id).not.to.equal(rb.id);
      expect(secretOf(ra.id)).to.equal(a.secret);
      expect(secretOf(rb.id)).to.equal(b.secret);
      expect(posts(), "A was sent again").to.equal(3);
    });

    it("two unanswered creates with the same url and events but other secrets never take each other's webhook", async () => {
      // A's POST stores nothing; B's stores a webhook while A waits for it, then goes unanswered too.
      // B then waits out its backoff, so A decides first, with the webhook B stored in the list.
      bySecret.set(a.secret, "drop");
      bySecret.set(b.secret, "wait-store-then-drop");
      const s = session(() => delay(100));
      const results = await Promise.allSettled([s.create(a), s.create(b)]);
      const [ra, rb] = results;
      expect(ra?.status, "A cannot tell its webhook from B's: it fails").to.equal("rejected");
      if (ra?.status === "rejected") expect(ra.reason).to.be.instanceOf(RekkoConflictError);
      if (rb?.status === "fulfilled") expect(secretOf(rb.value.id)).to.equal(b.secret);
      else expect(rb?.reason).to.be.instanceOf(RekkoConflictError);
    });
  });
});
