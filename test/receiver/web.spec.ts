import { createHmac } from "node:crypto";
import { expect } from "chai";
import {
  createWebReceiver,
  isKnownEvent,
  type KnownRekkoEvent,
  REASONS,
  type ReceiverOptions,
  type RekkoEvent,
  type SecretsOption,
} from "../../provider/receiver/index.web";
import { calls } from "./sync";

const SECRET = "web-face-secret-0123456789";
const sign = (body: string | Uint8Array, secret = SECRET) => createHmac("sha256", secret).update(body).digest("hex");
const WHALE = '{"type":"whale_alert","market_id":"KX-1","platform":"kalshi","side":"yes","flow":250000,"price":0.66}';

function post(body: RequestInit["body"], headers: Record<string, string> = {}, init: RequestInit = {}): Request {
  return new Request("http://receiver.test/rekko", { method: "POST", body, headers, duplex: "half", ...init } as RequestInit);
}
const signed = (body: string, secret = SECRET) => post(body, { "x-webhook-signature": sign(body, secret) });

/** A body stream that yields `chunk` until cancelled, counting pulls; or errors after `failAfter` chunks. */
function endless(chunk: Uint8Array, failAfter?: number) {
  const seen = { pulls: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.pulls++;
      if (failAfter !== undefined && seen.pulls > failAfter) controller.error(new Error("connection reset"));
      else controller.enqueue(chunk);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

/** A receiver used only to verify (its handler is never called by `verify`). */
const verifier = (secrets: SecretsOption = [SECRET], maxBodyBytes?: number) =>
  createWebReceiver({ secrets, maxBodyBytes, onEvent: () => expect.fail("verify calls no handler") });
/** Verifies `request` with a new receiver accepting `secrets`. */
const verifyWith = (request: Request, secrets: SecretsOption, options: { maxBodyBytes?: number } = {}) =>
  verifier(secrets, options.maxBodyBytes).verify(request);

async function answer(response: Response): Promise<{ status: number; reason?: string; message: string }> {
  const body = (await response.json()) as { status: string; reason?: string };
  return { status: response.status, reason: body.reason, message: body.status };
}

describe("receiver, web face: verify and verifyBody", () => {
  it("verifies a signed delivery and returns the parsed event and the exact bytes", async () => {
    const result = await verifyWith(signed(WHALE), [SECRET]);
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    expect(result.event).to.include({ type: "whale_alert", market_id: "KX-1", flow: 250000 });
    expect(new TextDecoder().decode(result.rawBody)).to.equal(WHALE);
  });

  it("accepts any of the accepted secrets (rotation), given as a list or a function", async () => {
    const next = "next-secret-abcdefghijklmnop";
    expect((await verifyWith(signed(WHALE, next), [SECRET, next])).ok).to.equal(true);
    expect((await verifyWith(signed(WHALE, next), async () => [next])).ok).to.equal(true);
  });

  const refusals: [string, () => Request, keyof typeof REASONS][] = [
    ["no header", () => post(WHALE), "missing-signature"],
    ["an empty header", () => post(WHALE, { "x-webhook-signature": "" }), "missing-signature"],
    ["a short header", () => post(WHALE, { "x-webhook-signature": sign(WHALE).slice(2) }), "malformed-signature"],
    ["non-hex", () => post(WHALE, { "x-webhook-signature": "z".repeat(64) }), "malformed-signature"],
    ["a sha256= prefix", () => post(WHALE, { "x-webhook-signature": `sha256=${sign(WHALE)}` }), "malformed-signature"],
    // Headers.get joins a repeated header with ", ", as a second x-webhook-signature arrives.
    ["several values", () => post(WHALE, { "x-webhook-signature": `${sign(WHALE)}, ${sign(WHALE)}` }), "malformed-signature"],
    ["another secret", () => signed(WHALE, "some-other-secret-xxxxxxxx"), "mismatch"],
    [
      "invalid UTF-8",
      () => post(new Uint8Array([0x7b, 0xff, 0x7d]), { "x-webhook-signature": sign(new Uint8Array([0x7b, 0xff, 0x7d])) }),
      "not-json",
    ],
    ["not JSON", () => signed("not json"), "not-json"],
    ["a JSON array", () => signed("[1,2]"), "not-event"],
    ["an object without a string type", () => signed('{"type":7}'), "not-event"],
  ];
  for (const [what, request, reason] of refusals) {
    it(`refuses ${what} as ${reason} (${REASONS[reason].status})`, async () => {
      const result = await verifyWith(request(), [SECRET]);
      expect(result).to.deep.equal({ ok: false, reason, ...REASONS[reason] });
    });
  }

  it("refuses a body someone already read as parsed-body (500), without reading again", async () => {
    const request = signed(WHALE);
    await request.text();
    expect(await verifyWith(request, [SECRET])).to.include({ ok: false, reason: "parsed-body", status: 500 });
  });

  it("refuses a declared oversize body without reading it, and stops reading an undeclared one past the limit", async () => {
    const declared = endless(new Uint8Array(1024));
    const big = post(declared.stream, { "x-webhook-signature": "a".repeat(64), "content-length": "999999" });
    expect(await verifyWith(big, [SECRET], { maxBodyBytes: 4096 })).to.include({ reason: "body-too-large", status: 413 });
    expect(declared.seen.cancelled, "declared oversize body cancelled").to.equal(true);
    const streamed = endless(new Uint8Array(1024));
    const request = post(streamed.stream, { "x-webhook-signature": "a".repeat(64) });
    expect(await verifyWith(request, [SECRET], { maxBodyBytes: 4096 })).to.include({ reason: "body-too-large" });
    expect(streamed.seen.cancelled, "stream cancelled").to.equal(true);
    expect(streamed.seen.pulls, "chunks pulled").to.be.at.most(8);
  });

  it("answers read-error (400) to a body stream that errors midway", async () => {
    const { stream } = endless(new TextEncoder().encode('{"type":'), 2);
    const result = await verifyWith(post(stream, { "x-webhook-signature": "a".repeat(64) }), [SECRET]);
    expect(result).to.include({ ok: false, reason: "read-error", status: 400 });
  });

  it("answers no-secret (500) when the secrets function gives none or throws", async () => {
    expect(await verifyWith(signed(WHALE), () => [])).to.include({ reason: "no-secret", status: 500 });
    const failing = () => {
      throw new Error("secret store down");
    };
    expect(await verifyWith(signed(WHALE), failing)).to.include({ reason: "no-secret" });
  });

  it("verifies bytes already read (verifyBody), and refuses a parsed object as parsed-body", async () => {
    const rekko = verifier(SECRET);
    expect((await rekko.verifyBody(new TextEncoder().encode(WHALE), sign(WHALE))).ok).to.equal(true);
    expect((await rekko.verifyBody(WHALE, sign(WHALE))).ok).to.equal(true);
    const parsed = JSON.parse(WHALE) as never;
    expect(await rekko.verifyBody(parsed, sign(WHALE))).to.include({ reason: "parsed-body", status: 500 });
  });
});

describe("receiver, web face: createWebReceiver, handle and handleBody", () => {
  const typed: KnownRekkoEvent[] = [];
  const fallback: RekkoEvent[] = [];
  const options: ReceiverOptions = {
    secrets: [SECRET],
    on: {
      whale_alert: (e) => {
        // typed: e.flow is a number, e.side a string
        typed.push({ ...e, flow: e.flow + 0, side: e.side.toUpperCase() });
      },
      price_shift: (e) => {
        typed.push(e);
      },
    },
    onEvent: (e) => {
      fallback.push(e);
    },
  };
  const rekko = createWebReceiver(options);
  beforeEach(() => {
    typed.length = 0;
    fallback.length = 0;
  });

  it("answers 405 with Allow: POST to other methods", async () => {
    const response = await rekko.handle(new Request("http://receiver.test/rekko"));
    expect(response.status).to.equal(405);
    expect(response.headers.get("allow")).to.equal("POST");
    expect(await answer(response)).to.include({ reason: "method-not-allowed" });
  });

  it("gives each documented type to its own handler, typed, and anything else to the fallback", async () => {
    const unknown = '{"type":"market_closed","market_id":"KX-2"}';
    const shapeless = '{"type":"whale_alert","market_id":"KX-3"}';
    const analysis = '{"type":"analysis_complete","analysis_id":"an-1","market_id":"KX-4","platform":"kalshi"}';
    for (const body of [WHALE, unknown, shapeless, analysis]) {
      expect((await rekko.handle(signed(body))).status, body).to.equal(200);
    }
    expect(typed.map((e) => [e.type, e.market_id, e.side])).to.deep.equal([["whale_alert", "KX-1", "YES"]]);
    expect(fallback.map((e) => e.market_id)).to.deep.equal(["KX-2", "KX-3", "KX-4"]);
  });

  it("isKnownEvent narrows only documented types carrying their documented fields", () => {
    expect(isKnownEvent(JSON.parse(WHALE) as RekkoEvent)).to.equal(true);
    expect(isKnownEvent({ type: "whale_alert", market_id: "m" })).to.equal(false);
    expect(isKnownEvent({ type: "analysis_complete", analysis_id: "a", market_id: "m", platform: "p" })).to.equal(true);
    expect(isKnownEvent({ type: "market_closed", market_id: "m" })).to.equal(false);
  });

  it('answers 200 "ignored" when no handler takes an event', async () => {
    const only = createWebReceiver({ secrets: SECRET, on: { price_shift: () => undefined } });
    const response = await only.handle(signed('{"type":"new_type"}'));
    expect(await answer(response)).to.deep.equal({
      status: 200,
      reason: undefined,
      message: "ignored: no handler for this event",
    });
  });

  it("answers each refusal with its documented status and reason, never throwing", async () => {
    const cases: [Request, string][] = [
      [post(WHALE), "missing-signature"],
      [signed(WHALE, "wrong-secret-0123456789"), "mismatch"],
      [signed("{oops"), "not-json"],
    ];
    for (const [request, reason] of cases) {
      const reply = await answer(await rekko.handle(request));
      expect(reply).to.include({ reason, status: REASONS[reason as keyof typeof REASONS].status });
    }
  });

  it("answers 500 handler-failed when a handler throws, reports the error to onError, and lets the retry through", async () => {
    let fail = true;
    const errors: unknown[] = [];
    const flaky = createWebReceiver({
      secrets: SECRET,
      onEvent: () => {
        if (fail) throw new Error("database down");
      },
      onError: (error) => errors.push(error),
    });
    const body = '{"type":"price_shift","market_id":"retry"}';
    expect(await answer(await flaky.handle(signed(body)))).to.include({ status: 500, reason: "handler-failed" });
    expect(errors.map((e) => (e as Error).message)).to.deep.equal(["database down"]);
    fail = false;
    expect((await flaky.handle(signed(body))).status).to.equal(200);
  });

  it("gives a second, distinct whale_alert with the same body to the handler (regression: the repeat memory dropped distinct events)", async () => {
    // Rekko's whale_alert carries no id and no timestamp: two genuine alerts can be byte-identical.
    const whales: [number, boolean][] = [];
    const receiver = createWebReceiver({
      secrets: SECRET,
      on: { whale_alert: (e, delivery) => void whales.push([e.flow, delivery.repeat]) },
    });
    expect((await receiver.handle(signed(WHALE))).status).to.equal(200);
    expect((await receiver.handleBody(WHALE, sign(WHALE))).status).to.equal(200);
    expect(whales, "both reach the handler; the second is flagged as a suspected repeat").to.deep.equal([
      [250000, false],
      [250000, true],
    ]);
  });

  it('with repeats: "suppress", answers a repeat 200 without the handler; each receiver has its own memory', async () => {
    const suppressing = createWebReceiver({ ...options, repeats: "suppress" });
    const body =
      '{"type":"price_shift","market_id":"dup-web","platform":"kalshi","old_yes":0.1,"new_yes":0.2,"change_pct":100,"timestamp":"2026-03-21T14:30:00Z"}';
    expect(await answer(await suppressing.handle(signed(body)))).to.include({ status: 200, message: "ok" });
    expect(await answer(await suppressing.handle(signed(body)))).to.include({
      status: 200,
      message: "repeat suppressed",
    });
    expect(await suppressing.handleBody(body, sign(body))).to.include({ status: 200, repeat: true, handled: false });
    const other = createWebReceiver({ ...options, repeats: "suppress" });
    expect(await other.handleBody(body, sign(body)), "another receiver").to.include({
      status: 200,
      repeat: false,
      handled: true,
    });
    expect(typed.map((e) => e.market_id)).to.deep.equal(["dup-web", "dup-web"]);
  });

  it('with repeats: "off", keeps no memory: the same body twice is handled twice and flagged neither time', async () => {
    const forgetting = createWebReceiver({ ...options, repeats: "off" });
    const body =
      '{"type":"price_shift","market_id":"dup-off","platform":"kalshi","old_yes":0.1,"new_yes":0.2,"change_pct":100,"timestamp":"2026-03-21T14:30:00Z"}';
    expect(await forgetting.handleBody(body, sign(body))).to.include({ status: 200, repeat: false, handled: true });
    expect(await forgetting.handleBody(body, sign(body))).to.include({ status: 200, repeat: false, handled: true });
    expect(typed.map((e) => e.market_id)).to.deep.equal(["dup-off", "dup-off"]);
  });

  it("by default, gives a copy arriving while the first is being handled to the handler too, flagged; a failure of the first does not touch it", async () => {
    const handler = calls<boolean, boolean>();
    const slow = createWebReceiver({
      secrets: SECRET,
      onEvent: async (_e, delivery) => {
        if (!(await handler.enter(delivery.repeat))) throw new Error("failed after a while");
      },
    });
    const body = '{"type":"whale_alert","market_id":"concurrent"}';
    const first = slow.handle(signed(body));
    const inFirst = await handler.next();
    const second = slow.handle(signed(body));
    const inSecond = await handler.next();
    expect([inFirst.arg, inSecond.arg], "the second is in the handler while the first still is").to.deep.equal([false, true]);
    inFirst.answer(false);
    expect((await first).status).to.equal(500);
    inSecond.answer(true);
    expect((await second).status).to.equal(200);
  });

  it("refuses options with no handler or no secret when made", () => {
    expect(() => createWebReceiver({ secrets: SECRET } as ReceiverOptions)).to.throw(
      TypeError,
      /createWebReceiver needs `onEvent` or `on` handlers/,
    );
    expect(() => createWebReceiver({ secrets: [], onEvent: () => undefined })).to.throw(
      TypeError,
      /at least one non-empty secret/,
    );
  });
});
