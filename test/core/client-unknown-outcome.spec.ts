import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { RekkoClient } from "../../provider";
import { RateLimiter } from "../../provider/core/rateLimit";

/**
 * What a create with an unknown outcome can and cannot promise (README, "Errors"): the Rekko
 * API has no idempotency key, so the client can only look at the list before it sends a POST
 * again. A stand-in server plays a gateway that answers 504 while its backend either has
 * already stored the webhook or stores it later.
 */
describe("API client: a create whose outcome is unknown (no idempotency key in the API)", () => {
  let server: Server;
  let base: string;
  const stored: { webhook_id: string; url: string; events: string[]; created_at: string }[] = [];
  /** What the next POST does: store then answer 504, answer 504 and store only later, or store and answer 200. */
  let plan: ("store-then-504" | "504-store-later" | "store")[] = [];
  let late: (() => void) | undefined;
  const seen: string[] = [];
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
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      if (req.method === "GET") return json(200, stored);
      // The backend finishing an earlier create (after the client's list) before this one.
      late?.();
      late = undefined;
      const { url, events } = JSON.parse(text) as { url: string; events: string[] };
      const store = () => {
        const w = { webhook_id: `wh-${stored.length + 1}`, url, events, created_at: new Date().toISOString() };
        stored.push(w);
        return w;
      };
      const step = plan.shift() ?? "store";
      if (step === "store-then-504") {
        store();
        return json(504, { detail: "Gateway Timeout" });
      }
      if (step === "504-store-later") {
        late = store;
        return json(504, { detail: "Gateway Timeout" });
      }
      return json(200, store());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    stored.length = 0;
    seen.length = 0;
    late = undefined;
  });
  const posts = () => seen.filter((s) => s === "POST /v1/webhooks").length;
  const client = () =>
    new RekkoClient({
      baseUrl: base,
      apiKey: "rk_pro_unknown_outcome",
      sleep: async () => {},
      limiter: new RateLimiter(100_000),
    });

  it("guaranteed: a 504 after the server stored the webhook adopts it through the list, with no second POST", async () => {
    plan = ["store-then-504"];
    const info = await client().createWebhook(reg);
    expect(posts()).to.equal(1);
    expect(seen.slice(seen.indexOf("POST /v1/webhooks"))).to.include("GET /v1/webhooks");
    expect(stored.map((w) => w.webhook_id)).to.deep.equal([info.webhook_id]);
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
});
