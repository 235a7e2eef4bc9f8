import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { PassThrough } from "node:stream";
import { expect } from "chai";
import {
  createWebhookHandler,
  processDelivery,
  type ReceiverOptions,
  type RekkoEvent,
  SeenBodies,
  signPayload,
} from "../../provider";
import { call } from "../support/http";

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

describe("receiver, Node face (defects of issue 14 and bad input)", () => {
  const servers: Server[] = [];
  async function serve(
    handler: (req: IncomingMessage, res: ServerResponse) => void,
  ): Promise<{ port: number; sockets: Socket[] }> {
    const sockets: Socket[] = [];
    const server = createServer(handler);
    server.on("connection", (s) => sockets.push(s));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { port: (server.address() as AddressInfo).port, sockets };
  }
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
  });

  it("makes a duplicate arriving while the first copy is in onEvent wait for it, and share its failure (regression)", async () => {
    let release: (ok: boolean) => void = () => undefined;
    let calls = 0;
    const { port } = await serve(
      createWebhookHandler({
        secrets: SECRET,
        onEvent: async () => {
          calls++;
          if (!(await new Promise<boolean>((r) => (release = r)))) throw new Error("failed late");
        },
      }),
    );
    const body = '{"type":"whale_alert","market_id":"late-failure"}';
    const sig = { "x-webhook-signature": signPayload(body, SECRET) };
    const first = post(port, body, sig);
    await new Promise((r) => setTimeout(r, 50));
    let secondStatus = 0;
    const second = post(port, body, sig).then((s) => (secondStatus = s));
    await new Promise((r) => setTimeout(r, 50));
    expect(secondStatus, "not answered while the first is in onEvent").to.equal(0);
    release(false);
    expect(await first).to.equal(500);
    expect(await second, "shares the failure, so Rekko retries and the event is not lost").to.equal(500);
    const retry = post(port, body, sig);
    await new Promise((r) => setTimeout(r, 50));
    release(true);
    expect(await retry).to.equal(200);
    expect(await post(port, body, sig), "then a duplicate").to.equal(200);
    expect(calls).to.equal(2);
  });

  /** Streams `total` bytes in 64 KiB chunks without content-length; resolves with the status and headers of the answer. */
  function stream(port: number, total: number, headers: Record<string, string>) {
    return new Promise<{ status: number; connection?: string; written: number }>((resolve, reject) => {
      let written = 0;
      const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", headers });
      req.on("response", (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, written });
      });
      req.on("error", (e) => (written >= total ? undefined : reject(e)));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
  }

  it("after answering 413 stops reading the body and closes the connection (regression)", async () => {
    const { port, sockets } = await serve(
      createWebhookHandler({ secrets: SECRET, maxBodyBytes: 1024, onEvent: () => undefined }),
    );
    const total = 64 * 1024 * 1024;
    const answer = await stream(port, total, { "x-webhook-signature": "a".repeat(64) });
    expect(answer).to.include({ status: 413, connection: "close" });
    await new Promise((r) => setTimeout(r, 200));
    const socket = sockets[0];
    expect(socket?.destroyed, "connection closed").to.equal(true);
    expect(socket?.bytesRead ?? 0, "bytes the server read of a 64 MiB body").to.be.below(8 * 1024 * 1024);
  });

  it("answers a declared oversize body 413 without reading it, and a missing signature 401 before reading", async () => {
    const { port, sockets } = await serve(
      createWebhookHandler({ secrets: SECRET, maxBodyBytes: 1024, onEvent: () => undefined }),
    );
    const reply = await call(`http://127.0.0.1:${port}`, "POST", "/", {
      body: Buffer.alloc(4096, 0x20),
      headers: { "x-webhook-signature": "a".repeat(64) },
    });
    expect(reply.status).to.equal(413);
    expect(reply.headers.connection).to.equal("close");
    expect(reply.body).to.deep.equal({ status: "body too large", reason: "body-too-large" });
    const unsigned = await stream(port, 16 * 1024 * 1024, {});
    expect(unsigned).to.include({ status: 401, connection: "close" });
    await new Promise((r) => setTimeout(r, 200));
    expect(sockets[1]?.bytesRead ?? 0).to.be.below(4 * 1024 * 1024);
  });

  it("answers 500 parsed-body, at once, when a body parser ran before the handler", async () => {
    const handler = createWebhookHandler({ secrets: SECRET, onEvent: () => undefined });
    const { port } = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        (req as IncomingMessage & { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString());
        handler(req, res);
      });
    });
    const body = '{"type":"whale_alert"}';
    const reply = await call(`http://127.0.0.1:${port}`, "POST", "/", {
      body,
      headers: { "x-webhook-signature": signPayload(body, SECRET) },
    });
    expect(reply.status).to.equal(500);
    expect(reply.body).to.include({ reason: "parsed-body" });
  });

  it("answers 400 read-error to a body stream that errors midway, and does not throw", async () => {
    const req = Object.assign(new PassThrough(), {
      method: "POST",
      headers: { "x-webhook-signature": "a".repeat(64) },
    }) as unknown as IncomingMessage;
    const answered: { status?: number; body?: string } = {};
    const res = {
      headersSent: false,
      destroyed: false,
      writeHead(status: number) {
        answered.status = status;
      },
      end(body: string) {
        answered.body = body;
      },
    } as unknown as ServerResponse;
    createWebhookHandler({ secrets: SECRET, onEvent: () => undefined })(req, res);
    (req as unknown as PassThrough).write('{"type":');
    (req as unknown as PassThrough).destroy(new Error("ECONNRESET"));
    await new Promise((r) => setTimeout(r, 20));
    expect(answered.status).to.equal(400);
    expect(JSON.parse(answered.body ?? "{}")).to.deep.equal({
      status: "the request body could not be read",
      reason: "read-error",
    });
  });

  it("answers 405 with Allow: POST to other methods, and refuses options with no handler or no secret when made", async () => {
    const { port } = await serve(createWebhookHandler({ secrets: SECRET, onEvent: () => undefined }));
    const reply = await call(`http://127.0.0.1:${port}`, "GET", "/");
    expect([reply.status, reply.headers.allow, (reply.body as { reason?: string }).reason]).to.deep.equal([
      405,
      "POST",
      "method-not-allowed",
    ]);
    expect(() => createWebhookHandler({ secrets: SECRET } as ReceiverOptions)).to.throw(
      TypeError,
      /needs `onEvent` or `on` handlers/,
    );
    expect(() => createWebhookHandler({ secrets: [""], onEvent: () => undefined })).to.throw(TypeError, /non-empty secret/);
  });

  it("gives typed events to per-type handlers and the rest to onEvent; processDelivery reports the reason", async () => {
    const whales: number[] = [];
    const other: string[] = [];
    const options: ReceiverOptions = {
      secrets: SECRET,
      on: { whale_alert: (e) => void whales.push(e.flow) },
      onEvent: (e) => void other.push(e.type),
    };
    const whale = '{"type":"whale_alert","market_id":"m","platform":"kalshi","side":"no","flow":12,"price":0.4}';
    expect(await processDelivery(whale, signPayload(whale, SECRET), options)).to.include({ status: 200, handled: true });
    const future = '{"type":"orderbook_gap"}';
    expect(await processDelivery(future, signPayload(future, SECRET), options)).to.include({ status: 200, handled: true });
    expect(whales).to.deep.equal([12]);
    expect(other).to.deep.equal(["orderbook_gap"]);
    expect(await processDelivery({ type: "x" } as never, "a".repeat(64), options)).to.include({
      status: 500,
      reason: "parsed-body",
    });
    expect(await processDelivery(whale, undefined, options)).to.include({ status: 401, reason: "missing-signature" });
  });
});
