import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { createWebhookHandler, type RekkoEvent, SeenBodies, signPayload } from "../../provider";

const SECRET = "receiver-secret-0123456789";

function post(port: number, body: string | Buffer, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: "POST", path: "/", headers: { "content-type": "application/json", ...headers } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("receiver helper", () => {
  let server: Server;
  let port: number;
  const events: RekkoEvent[] = [];
  let failNext = false;
  before(async () => {
    server = createServer(
      createWebhookHandler({
        secrets: () => [SECRET, "previous-secret-0123456789"],
        maxBodyBytes: 1024,
        onEvent: (e) => {
          if (failNext) {
            failNext = false;
            throw new Error("boom");
          }
          events.push(e);
        },
      }),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    events.length = 0;
  });

  it("accepts a correctly signed event, with either accepted secret", async () => {
    const body = '{"type":"whale_alert","market_id":"m1"}';
    expect(await post(port, body, { "x-webhook-signature": signPayload(body, SECRET) })).to.equal(200);
    const body2 = '{"type":"whale_alert","market_id":"m2"}';
    expect(await post(port, body2, { "x-webhook-signature": signPayload(body2, "previous-secret-0123456789") })).to.equal(200);
    expect(events.map((e) => e.market_id)).to.deep.equal(["m1", "m2"]);
  });
  it("answers 401 to a bad or missing signature, without calling the handler", async () => {
    const body = '{"type":"whale_alert"}';
    expect(await post(port, body, { "x-webhook-signature": signPayload(body, "wrong-secret-xxxxxxxxxx") })).to.equal(401);
    expect(await post(port, body)).to.equal(401);
    expect(events).to.deep.equal([]);
  });
  it("answers 400 to signed bytes that are not a JSON event", async () => {
    for (const body of ["not json", "[1,2]", '{"no":"type"}']) {
      expect(await post(port, body, { "x-webhook-signature": signPayload(body, SECRET) }), body).to.equal(400);
    }
  });
  it("answers 413 to a body over the limit", async () => {
    const body = JSON.stringify({ type: "x", pad: "a".repeat(2000) });
    expect(await post(port, body, { "x-webhook-signature": signPayload(body, SECRET) })).to.equal(413);
  });
  it("suppresses a duplicate delivery but processes a retry after a handler failure", async () => {
    const body = '{"type":"price_shift","market_id":"dup"}';
    const sig = { "x-webhook-signature": signPayload(body, SECRET) };
    failNext = true;
    expect(await post(port, body, sig)).to.equal(500);
    expect(await post(port, body, sig)).to.equal(200);
    expect(await post(port, body, sig)).to.equal(200);
    expect(events.filter((e) => e.market_id === "dup")).to.have.length(1);
  });
  it("keeps its duplicate memory bounded and time-limited", () => {
    let now = 0;
    const seen = new SeenBodies(3, 1000, () => now);
    expect(["a", "b", "c", "d"].map((k) => seen.checkAndAdd(k))).to.deep.equal([false, false, false, false]);
    expect(seen.checkAndAdd("a"), "evicted by size").to.equal(false);
    expect(seen.checkAndAdd("d")).to.equal(true);
    now = 5000;
    expect(seen.checkAndAdd("d"), "expired").to.equal(false);
  });
});
