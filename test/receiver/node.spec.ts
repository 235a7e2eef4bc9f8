import { once } from "node:events";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { PassThrough } from "node:stream";
import { expect } from "chai";
import {
  createNodeReceiver,
  createWebhookHandler,
  type ReceiverOptions,
  type RekkoEvent,
  signPayload,
} from "../../provider/receiver";
import { call } from "../support/http";
import { calls, drained, gate } from "./sync";

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

describe("receiver, Node face (createNodeReceiver)", () => {
  let server: Server;
  let port: number;
  const events: RekkoEvent[] = [];
  const repeats: boolean[] = [];
  before(async () => {
    server = createServer(
      createNodeReceiver({
        secrets: () => [SECRET, "previous-secret-0123456789"],
        maxBodyBytes: 1024,
        onEvent: (e, delivery) => {
          events.push(e);
          repeats.push(delivery.repeat);
        },
      }).handle,
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    events.length = 0;
    repeats.length = 0;
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
  it('with repeats: "suppress", answers a repeat 200 without the handler, but handles a retry after a handler failure', async () => {
    let fail = true;
    const handled: boolean[] = [];
    const rekko = createNodeReceiver({
      secrets: SECRET,
      repeats: "suppress",
      onEvent: (_e, delivery) => {
        handled.push(delivery.repeat);
        if (fail) throw new Error("boom");
      },
    });
    const body = '{"type":"price_shift","market_id":"dup"}';
    const deliver = () => rekko.handleBody(body, signPayload(body, SECRET));
    expect(await deliver()).to.include({ status: 500, reason: "handler-failed", repeat: false });
    fail = false;
    expect(await deliver(), "the retry of a failure is handled").to.include({ status: 200, handled: true, repeat: false });
    expect(await deliver()).to.deep.include({ status: 200, message: "repeat suppressed", handled: false, repeat: true });
    expect(handled).to.deep.equal([false, false]);
  });

  it("refuses a repeats value it does not know, and the former dedupe option, naming the replacement", () => {
    expect(() => createNodeReceiver({ secrets: SECRET, onEvent: () => undefined, repeats: "drop" as never })).to.throw(
      TypeError,
      /`repeats` is "flag" \(the default\), "suppress" or "off"/,
    );
    const old = { secrets: SECRET, onEvent: () => undefined, dedupe: false } as ReceiverOptions<Buffer>;
    expect(() => createNodeReceiver(old)).to.throw(TypeError, /createNodeReceiver: `dedupe` was replaced by `repeats`/);
  });
  it("gives a second, distinct whale_alert with the same body to the handler (regression: the repeat memory dropped distinct events)", async () => {
    // Rekko's whale_alert carries no id and no timestamp: two genuine alerts can be byte-identical.
    const body = '{"type":"whale_alert","market_id":"same","platform":"kalshi","side":"yes","flow":5000,"price":0.5}';
    const sig = { "x-webhook-signature": signPayload(body, SECRET) };
    expect(await post(port, body, sig)).to.equal(200);
    expect(await post(port, body, sig)).to.equal(200);
    expect(events.map((e) => e.market_id)).to.deep.equal(["same", "same"]);
    expect(repeats, "the second is flagged as a suspected repeat").to.deep.equal([false, true]);
  });
});

describe("receiver, Node face (regressions and bad input)", () => {
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
  /** Resolves once the server side of a connection is closed. */
  const closed = (socket: Socket | undefined): Promise<unknown> =>
    !socket || socket.destroyed ? Promise.resolve() : once(socket, "close");

  it('with repeats: "suppress", makes a repeat arriving while the first copy is in onEvent wait for it, and share its failure (regression)', async () => {
    const handler = calls<boolean, boolean>();
    const secretsAsked = calls<void, void>();
    let entered = 0;
    const { port } = await serve(
      createNodeReceiver({
        // Asked once per delivery, after its body is read: the last step before the repeat memory
        // that waits for anything (node:crypto is synchronous).
        secrets: async () => {
          await secretsAsked.enter();
          return SECRET;
        },
        repeats: "suppress",
        onEvent: async (_e, delivery) => {
          entered++;
          if (!(await handler.enter(delivery.repeat))) throw new Error("failed late");
        },
      }).handle,
    );
    const body = '{"type":"whale_alert","market_id":"late-failure"}';
    const sig = { "x-webhook-signature": signPayload(body, SECRET) };
    const first = post(port, body, sig);
    (await secretsAsked.next()).answer();
    const inFirst = await handler.next();
    let secondStatus = 0;
    const second = post(port, body, sig).then((s) => (secondStatus = s));
    (await secretsAsked.next()).answer();
    await drained();
    expect([secondStatus, entered], "the repeat waits, not answered and not handled").to.deep.equal([0, 1]);
    inFirst.answer(false);
    expect(await first).to.equal(500);
    expect(await second, "shares the failure, so Rekko retries and the event is not lost").to.equal(500);
    const retry = post(port, body, sig);
    (await secretsAsked.next()).answer();
    const inRetry = await handler.next();
    expect(inRetry.arg, "a retry after a failure is no repeat").to.equal(false);
    inRetry.answer(true);
    expect(await retry).to.equal(200);
    const repeat = post(port, body, sig);
    (await secretsAsked.next()).answer();
    expect(await repeat, "then a repeat, suppressed").to.equal(200);
    expect(entered).to.equal(2);
  });

  it("by default, gives a copy arriving while the first is in onEvent to the handler too, flagged as a repeat", async () => {
    const handler = calls<boolean, boolean>();
    const { port } = await serve(
      createNodeReceiver({ secrets: SECRET, onEvent: async (_e, delivery) => void (await handler.enter(delivery.repeat)) })
        .handle,
    );
    const body = '{"type":"whale_alert","market_id":"concurrent-flag"}';
    const sig = { "x-webhook-signature": signPayload(body, SECRET) };
    const first = post(port, body, sig);
    const inFirst = await handler.next();
    const second = post(port, body, sig);
    const inSecond = await handler.next();
    expect([inFirst.arg, inSecond.arg], "the second is in the handler while the first still is").to.deep.equal([false, true]);
    inSecond.answer(true);
    inFirst.answer(true);
    expect(await Promise.all([first, second])).to.deep.equal([200, 200]);
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
      createNodeReceiver({ secrets: SECRET, maxBodyBytes: 1024, onEvent: () => undefined }).handle,
    );
    const total = 64 * 1024 * 1024;
    const answer = await stream(port, total, { "x-webhook-signature": "a".repeat(64) });
    expect(answer).to.include({ status: 413, connection: "close" });
    await closed(sockets[0]);
    const socket = sockets[0];
    expect(socket?.destroyed, "connection closed").to.equal(true);
    expect(socket?.bytesRead ?? 0, "bytes the server read of a 64 MiB body").to.be.below(8 * 1024 * 1024);
  });

  it("answers a declared oversize body 413 without reading it, and a missing signature 401 before reading", async () => {
    const { port, sockets } = await serve(
      createNodeReceiver({ secrets: SECRET, maxBodyBytes: 1024, onEvent: () => undefined }).handle,
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
    await closed(sockets[1]);
    expect(sockets[1]?.bytesRead ?? 0).to.be.below(4 * 1024 * 1024);
  });

  it("answers 500 parsed-body, at once, when a body parser ran before the handler", async () => {
    const { handle } = createNodeReceiver({ secrets: SECRET, onEvent: () => undefined });
    const { port } = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        (req as IncomingMessage & { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString());
        handle(req, res);
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
    const ended = gate();
    const res = {
      headersSent: false,
      destroyed: false,
      writeHead(status: number) {
        answered.status = status;
      },
      end(body: string) {
        answered.body = body;
        ended.open();
      },
    } as unknown as ServerResponse;
    createNodeReceiver({ secrets: SECRET, onEvent: () => undefined }).handle(req, res);
    (req as unknown as PassThrough).write('{"type":');
    (req as unknown as PassThrough).destroy(new Error("ECONNRESET"));
    await ended.opened;
    expect(answered.status).to.equal(400);
    expect(JSON.parse(answered.body ?? "{}")).to.deep.equal({
      status: "the request body could not be read",
      reason: "read-error",
    });
  });

  it("answers 405 with Allow: POST to other methods, and refuses options with no handler or no secret when made", async () => {
    const { port } = await serve(createNodeReceiver({ secrets: SECRET, onEvent: () => undefined }).handle);
    const reply = await call(`http://127.0.0.1:${port}`, "GET", "/");
    expect([reply.status, reply.headers.allow, (reply.body as { reason?: string }).reason]).to.deep.equal([
      405,
      "POST",
      "method-not-allowed",
    ]);
    expect(() => createNodeReceiver({ secrets: SECRET } as ReceiverOptions<Buffer>)).to.throw(
      TypeError,
      /createNodeReceiver needs `onEvent` or `on` handlers/,
    );
    expect(() => createNodeReceiver({ secrets: [""], onEvent: () => undefined })).to.throw(TypeError, /non-empty secret/);
  });

  it("gives typed events to per-type handlers and the rest to onEvent; handleBody reports the reason", async () => {
    const whales: number[] = [];
    const other: string[] = [];
    const rekko = createNodeReceiver({
      secrets: SECRET,
      on: { whale_alert: (e) => void whales.push(e.flow) },
      onEvent: (e) => void other.push(e.type),
    });
    const whale = '{"type":"whale_alert","market_id":"m","platform":"kalshi","side":"no","flow":12,"price":0.4}';
    expect(await rekko.handleBody(whale, signPayload(whale, SECRET))).to.include({ status: 200, handled: true });
    const future = '{"type":"orderbook_gap"}';
    expect(await rekko.handleBody(future, signPayload(future, SECRET))).to.include({ status: 200, handled: true });
    expect(whales).to.deep.equal([12]);
    expect(other).to.deep.equal(["orderbook_gap"]);
    expect(await rekko.handleBody({ type: "x" } as never, "a".repeat(64))).to.include({
      status: 500,
      reason: "parsed-body",
    });
    expect(await rekko.handleBody(whale, undefined)).to.include({ status: 401, reason: "missing-signature" });
  });

  it("verify and verifyBody: the checks of handle without a handler, for a route that answers itself", async () => {
    let called = 0;
    const rekko = createNodeReceiver({ secrets: SECRET, maxBodyBytes: 1024, onEvent: () => void called++ });
    const { port } = await serve((req, res) => {
      rekko.verify(req).then((result) => {
        const answer = result.ok ? { type: result.event.type, bytes: result.rawBody.length } : { reason: result.reason };
        res.writeHead(result.ok ? 200 : result.status, { "content-type": "application/json", connection: "close" });
        res.end(JSON.stringify(answer));
      });
    });
    const body = '{"type":"whale_alert","market_id":"self"}';
    const base = `http://127.0.0.1:${port}`;
    const ok = await call(base, "POST", "/", { body, headers: { "x-webhook-signature": signPayload(body, SECRET) } });
    expect([ok.status, ok.body]).to.deep.equal([200, { type: "whale_alert", bytes: body.length }]);
    const forged = await call(base, "POST", "/", { body, headers: { "x-webhook-signature": signPayload(body, "x".repeat(20)) } });
    expect([forged.status, forged.body]).to.deep.equal([401, { reason: "mismatch" }]);
    const big = await call(base, "POST", "/", {
      body: Buffer.alloc(4096, 0x20),
      headers: { "x-webhook-signature": "a".repeat(64) },
    });
    expect([big.status, big.body]).to.deep.equal([413, { reason: "body-too-large" }]);
    const verified = await rekko.verifyBody(Buffer.from(body), signPayload(body, SECRET));
    expect(verified.ok && Buffer.isBuffer(verified.rawBody), "the Node face gives Buffers").to.equal(true);
    expect(await rekko.verifyBody(body, [signPayload(body, SECRET), "b".repeat(64)])).to.include({
      reason: "malformed-signature",
    });
    expect(called, "no handler ran").to.equal(0);
  });

  it("createWebhookHandler, kept for programs written against 0.1.0, is a Node receiver's handle", async () => {
    const got: string[] = [];
    const { port } = await serve(createWebhookHandler({ secrets: SECRET, onEvent: (e) => void got.push(e.type) }));
    const body = '{"type":"price_shift"}';
    const reply = await call(`http://127.0.0.1:${port}`, "POST", "/", {
      body,
      headers: { "x-webhook-signature": signPayload(body, SECRET) },
    });
    expect([reply.status, got]).to.deep.equal([200, ["price_shift"]]);
    expect(() => createWebhookHandler({ secrets: [], onEvent: () => undefined })).to.throw(
      TypeError,
      /createWebhookHandler needs at least one non-empty secret/,
    );
  });
});
