// The framework recipes in examples/frameworks and examples/aws-lambda, each run with the
// real framework from npm on loopback, receiving signed deliveries from the emulator.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Readable } from "node:stream";
import { serve } from "@hono/node-server";
import { expect } from "chai";
import { NextRequest } from "next/server";
import { createApp as expressApp } from "../../examples/frameworks/express";
import { createApp as fastifyApp } from "../../examples/frameworks/fastify";
import { createApp as honoApp } from "../../examples/frameworks/hono";
import { POST } from "../../examples/frameworks/next/app/api/rekko/route";
import { inbox } from "../../examples/frameworks/next/lib/rekko";
import { EVENT_TYPES } from "../../provider/core/events";
import type { DeliveryInfo, ReceiverOptions, RekkoEvent } from "../../provider/receiver";
import { createNodeReceiver, signPayload } from "../../provider/receiver";
import { RekkoEmulator } from "../../provider/testing";
import { linkPackage, ROOT } from "../support/engine";
import { call } from "../support/http";
import { functionUrlServer, type UrlHandler } from "../support/lambda-url";
import { gate } from "./sync";

// The receiver accepts the current and the next secret (a rotation overlap); the webhook
// signs with the next one.
const CURRENT = "framework-current-secret-0123456789";
const NEXT = "framework-next-secret-abcdefghijklmn";
const ACCEPTED = [CURRENT, NEXT];

/** Options for a recipe that record what each handler got: typed handlers, and the fallback; a repeat is marked. */
function recorder<B extends Uint8Array>() {
  const events: string[] = [];
  const record = (line: string, delivery: DeliveryInfo<B>) => void events.push(delivery.repeat ? `${line} (repeat)` : line);
  const options: ReceiverOptions<B> = {
    secrets: ACCEPTED,
    on: {
      whale_alert: (e, d) => record(`${e.type}:${e.side}:${e.flow.toFixed(0)}`, d),
      price_shift: (e, d) => record(`${e.type}:${e.change_pct}`, d),
      analysis_complete: (e, d) => record(`${e.type}:${e.analysis_id}`, d),
    },
    onEvent: (e: RekkoEvent, d) => record(`fallback:${e.type}`, d),
  };
  return { events, options };
}
const EXPECTED = ["price_shift:9.7", "whale_alert:yes:250000", "analysis_complete:an-7c9e6679f4a1"];

async function listen(server: Server): Promise<string> {
  if (!server.listening) await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: Server) => new Promise<void>((r) => server.close(() => r()));

describe("framework recipes on loopback, with deliveries from the emulator", function () {
  this.timeout(60_000);
  let emu: RekkoEmulator;
  before(async () => {
    emu = await RekkoEmulator.start();
  });
  after(() => emu.stop());
  afterEach(() => emu.reset());

  /** Registers `url` for every event type, triggers each once, and checks a forged and an unsigned delivery are refused. */
  async function deliverTo(url: string, market_id = "KXFED-26MAR19"): Promise<void> {
    const created = await call(emu.url, "POST", "/v1/webhooks", {
      key: emu.apiKey,
      json: { url, events: [...EVENT_TYPES], secret: NEXT },
    });
    expect(created.status, created.text).to.equal(200);
    for (const type of EVENT_TYPES) {
      const reports = await emu.trigger(type, { market_id });
      expect(
        reports.map((r) => [r.ok, r.status, r.error]),
        type,
      ).to.deep.equal([[true, 200, null]]);
    }
    const body = '{"type":"whale_alert","market_id":"forged"}';
    const forged = await call(url, "POST", "", {
      body,
      headers: { "content-type": "application/json", "x-webhook-signature": signPayload(body, "attacker-secret-0123456789") },
    });
    expect([forged.status, (forged.body as { reason?: string }).reason]).to.deep.equal([401, "mismatch"]);
    const unsigned = await call(url, "POST", "", { body, headers: { "content-type": "application/json" } });
    expect([unsigned.status, (unsigned.body as { reason?: string }).reason]).to.deep.equal([401, "missing-signature"]);
  }

  it("Express 5: a Node receiver's handle on the route, body parsers after it", async () => {
    const { events, options } = recorder<Buffer>();
    const server = expressApp(options).listen(0, "127.0.0.1");
    try {
      const base = await listen(server);
      await deliverTo(`${base}/rekko`);
      expect(events).to.deep.equal(EXPECTED);
      const other = await call(base, "POST", "/other", { json: { a: 1 } });
      expect(other.body, "the rest of the app still parses JSON").to.deep.equal({ parsed: { a: 1 } });
    } finally {
      await close(server);
    }
  });

  it("Fastify 5: raw Buffer body in an encapsulated scope, a Node receiver's handleBody", async () => {
    const { events, options } = recorder<Buffer>();
    const app = fastifyApp({ ...options, maxBodyBytes: 4096 });
    try {
      const base = await app.listen({ port: 0, host: "127.0.0.1" });
      await deliverTo(`${base}/rekko`);
      expect(events).to.deep.equal(EXPECTED);
      const big = await call(base, "POST", "/rekko", {
        body: Buffer.alloc(8192, 0x20),
        headers: { "content-type": "application/json" },
      });
      expect(big.status, "Fastify's own limit").to.equal(413);
    } finally {
      await app.close();
    }
  });

  it("Hono 4 on @hono/node-server: a web receiver's handle(c.req.raw)", async () => {
    const { events, options } = recorder<Uint8Array>();
    const server = serve({ fetch: honoApp(options).fetch, port: 0, hostname: "127.0.0.1" }) as Server;
    try {
      await new Promise((r) => server.once("listening", r));
      await deliverTo(`${await listen(server)}/rekko`);
      expect(events).to.deep.equal(EXPECTED);
    } finally {
      await close(server);
    }
  });

  it("Next.js 16 route handler: the exported POST(NextRequest), served on loopback (next dev not booted)", async () => {
    process.env.REKKO_ACCEPTED_SECRETS = JSON.stringify(ACCEPTED);
    // What Next's Node server does for a route handler: a NextRequest over the incoming stream, then the Response out.
    const server = createServer(async (req, res) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) for (const v of [value ?? []].flat()) headers.append(name, v);
      const body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      const init = { method: req.method, headers, body, duplex: "half" };
      const response = await POST(
        new NextRequest(`http://127.0.0.1${req.url}`, init as ConstructorParameters<typeof NextRequest>[1]),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    try {
      await deliverTo(`${await listen(server)}/api/rekko`);
      expect(inbox.map((e) => [e.type, e.market_id])).to.deep.equal(EVENT_TYPES.map((t) => [t, "KXFED-26MAR19"]));
    } finally {
      delete process.env.REKKO_ACCEPTED_SECRETS;
      await close(server);
    }
  });

  it("node:http: examples/receiver/server.ts, the production receiver, with REKKO_ACCEPTED_SECRETS from the stack", async () => {
    linkPackage(join(ROOT, "examples", "receiver"));
    const child = spawn(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "examples", "receiver", "server.ts")], {
      env: { ...process.env, PORT: "0", REKKO_ACCEPTED_SECRETS: JSON.stringify(ACCEPTED) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const lines: string[] = [];
      let printed = gate();
      child.stdout.setEncoding("utf8").on("data", (text: string) => {
        lines.push(...text.trim().split("\n"));
        printed.open();
      });
      child.once("exit", (code) => printed.open(void lines.push(`exited ${code}`)));
      /** Waits, line by line as the server prints them, until it has printed `count` lines. */
      const linesPrinted = async (count: number) => {
        while (lines.length < count) {
          await printed.opened;
          printed = gate();
        }
      };
      await linesPrinted(1);
      const port = /listening on (\d+)/.exec(lines[0] ?? "")?.[1];
      await deliverTo(`http://127.0.0.1:${port}/rekko`, "server-ts");
      await linesPrinted(4);
      expect(lines.slice(1)).to.deep.equal([
        "server-ts moved 9.7% to 0.68",
        "whale on server-ts: yes 250000 at 0.66",
        "analysis an-7c9e6679f4a1 ready for server-ts",
      ]);
    } finally {
      child.kill();
    }
  });

  it("a rotation overlap: two webhooks signing with the old and the new secret deliver the same event; both verify, the second is flagged as a repeat", async () => {
    const { events, options } = recorder<Buffer>();
    const server = createServer(createNodeReceiver(options).handle);
    try {
      const url = `${await listen(server)}/rekko`;
      for (const secret of [CURRENT, NEXT]) {
        const created = await call(emu.url, "POST", "/v1/webhooks", {
          key: emu.apiKey,
          json: { url, events: ["whale_alert"], secret },
        });
        expect(created.status).to.equal(200);
      }
      const reports = await emu.trigger("whale_alert", { market_id: "overlap" });
      expect(reports.map((r) => [r.ok, r.status])).to.deep.equal([
        [true, 200],
        [true, 200],
      ]);
      expect(new Set(reports.map((r) => r.signature)).size, "signed with two secrets").to.equal(2);
      expect(events).to.deep.equal(["whale_alert:yes:250000", "whale_alert:yes:250000 (repeat)"]);
    } finally {
      await close(server);
    }
  });

  for (const base64 of [false, true]) {
    it(`AWS Lambda function URL event (payload 2.0, body ${base64 ? "base64-encoded" : "as text"}): examples/aws-lambda/handler.ts`, async () => {
      process.env.REKKO_ACCEPTED_SECRETS = JSON.stringify(ACCEPTED);
      // examples/aws-lambda is a project of its own: its pulumi-rekko is this checkout, linked.
      linkPackage(join(ROOT, "examples", "aws-lambda"));
      const { handler } = require(join(ROOT, "examples", "aws-lambda", "handler.ts")) as { handler: UrlHandler };
      const market = base64 ? "lambda-base64" : "lambda-text";
      const server = functionUrlServer(handler, base64);
      const logged: string[] = [];
      const log = console.log;
      console.log = (line: string) => void logged.push(line);
      try {
        await deliverTo(`${await listen(server)}/`, market);
      } finally {
        console.log = log;
        delete process.env.REKKO_ACCEPTED_SECRETS;
        await close(server);
      }
      expect(logged.map((l) => JSON.parse(l) as Record<string, unknown>)).to.deep.equal([
        { event: "price_shift", market, change_pct: 9.7 },
        { event: "whale_alert", market, side: "yes", flow: 250000 },
        { event: "analysis_complete", analysis: "an-7c9e6679f4a1" },
      ]);
    });
  }
});
