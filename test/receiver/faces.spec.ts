// Property tests over bad input: every generated delivery gets, from each verb of the Node
// receiver (handle as the real node:http handler on loopback, handleBody, verifyBody) and of
// the web receiver (handle, handleBody, verifyBody), the status and reason a small independent
// model of the documented rules predicts, and the faces agree with each other.
import { createHmac } from "node:crypto";
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { expect } from "chai";
import fc from "fast-check";
import { createNodeReceiver, createWebReceiver, REASONS, type RekkoVerification } from "../../provider/receiver";

const SECRETS = ["faces-secret-one-0123456789", "faces-secret-two-0123456789", "faces-secret-three-012345678"];
const MAX = 512;
const hmac = (body: Uint8Array, secret: string) => createHmac("sha256", secret).update(body).digest("hex");

type HeaderKind =
  | "absent"
  | "empty"
  | "valid"
  | "upper"
  | "padded"
  | "prefixed"
  | "short"
  | "long"
  | "non-hex"
  | "several"
  | "other-secret"
  | "garbage";

interface Case {
  body: Uint8Array;
  header: HeaderKind;
  garbage: string;
  secretIndex: number;
}

const bodies = fc.oneof(
  fc
    .record({ type: fc.constantFrom("price_shift", "whale_alert", "analysis_complete", "other"), market_id: fc.string() })
    .map((o) => new TextEncoder().encode(JSON.stringify(o))),
  fc.string().map((s) => new TextEncoder().encode(s)),
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom("[1]", "null", "7", '{"type":1}', '"x"', "{").map((s) => new TextEncoder().encode(s)),
  fc.integer({ min: MAX - 2, max: MAX + 200 }).map((n) => new TextEncoder().encode(`{"type":"x","pad":"${"a".repeat(n)}"}`)),
);

// Header values an HTTP request can carry: visible ASCII, no leading/trailing whitespace.
const headerText = fc
  .string({ unit: fc.constantFrom(..."0123456789abcdefABCDEFxyz=,; -".split("")), maxLength: 80 })
  .map((s) => s.trim());

const cases: fc.Arbitrary<Case> = fc.record({
  body: bodies,
  header: fc.constantFrom<HeaderKind>(
    "absent",
    "empty",
    "valid",
    "upper",
    "padded",
    "prefixed",
    "short",
    "long",
    "non-hex",
    "several",
    "other-secret",
    "garbage",
  ),
  garbage: headerText,
  secretIndex: fc.nat({ max: SECRETS.length - 1 }),
});

function headerOf(c: Case): string | undefined {
  const sig = hmac(c.body, SECRETS[c.secretIndex] ?? "");
  switch (c.header) {
    case "absent":
      return undefined;
    case "empty":
      return "";
    case "valid":
      return sig;
    case "upper":
      return sig.toUpperCase();
    case "padded":
      return ` ${sig} `;
    case "prefixed":
      return `sha256=${sig}`;
    case "short":
      return sig.slice(1);
    case "long":
      return `${sig}0`;
    case "non-hex":
      return `${sig.slice(0, 63)}g`;
    case "several":
      return `${sig}, ${sig}`;
    case "other-secret":
      return hmac(c.body, "not-an-accepted-secret-000");
    case "garbage":
      return c.garbage;
  }
}

const outcome = (status: number, reason?: string) => (reason === undefined ? { status } : { status, reason });

/** The documented rules, written independently of the implementation. */
function expected(c: Case): { status: number; reason?: string } {
  const header = headerOf(c)?.trim();
  const refusal = (reason: keyof typeof REASONS) => ({ status: REASONS[reason].status, reason });
  if (header === undefined || header === "") return refusal("missing-signature");
  if (!/^[0-9a-fA-F]{64}$/.test(header)) return refusal("malformed-signature");
  if (c.body.byteLength > MAX) return refusal("body-too-large");
  if (!SECRETS.some((s) => hmac(c.body, s) === header.toLowerCase())) return refusal("mismatch");
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(c.body));
  } catch {
    return refusal("not-json");
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || typeof (value as { type?: unknown }).type !== "string") {
    return refusal("not-event");
  }
  return { status: 200 };
}

describe("receiver faces agree on every generated delivery (property-based)", function () {
  this.timeout(120_000);
  // Plain options, valid for both faces (the handlers' body type differs).
  const options = { secrets: SECRETS, maxBodyBytes: MAX, repeats: "off" as const, onEvent: () => undefined };
  const node = createNodeReceiver(options);
  const web = createWebReceiver(options);
  let server: Server;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  before(async () => {
    server = createServer(node.handle);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    agent.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  function overHttp(body: Uint8Array, header: string | undefined): Promise<{ status: number; reason?: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (header !== undefined) headers["x-webhook-signature"] = header;
      const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString()) as { reason?: string };
          resolve(outcome(res.statusCode ?? 0, answer.reason));
        });
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  async function onWeb(body: Uint8Array, header: string | undefined) {
    const headers: Record<string, string> = header === undefined ? {} : { "x-webhook-signature": header };
    const response = await web.handle(new Request("http://receiver.test/", { method: "POST", body, headers }));
    const answer = (await response.json()) as { reason?: string };
    return outcome(response.status, answer.reason);
  }

  it("node:http handler and web handler: documented status and reason, identical on both", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const want = expected(c);
        const header = headerOf(c);
        const [onNode, onWebFace] = await Promise.all([overHttp(c.body, header), onWeb(c.body, header)]);
        expect(onNode, "node face").to.deep.equal(want);
        expect(onWebFace, "web face").to.deep.equal(want);
      }),
      { numRuns: 300 },
    );
  });

  it("handleBody and verifyBody, also given several header values or a parsed object: identical on both faces", async () => {
    const given = fc.oneof(
      cases.map((c) => ({ body: c.body as unknown, header: headerOf(c) as string | string[] | undefined, c })),
      cases.map((c) => ({ body: c.body as unknown, header: [headerOf(c) ?? "", headerOf(c) ?? ""], c: undefined })),
      fc.jsonValue().map((v) => ({ body: v as unknown, header: "a".repeat(64), c: undefined })),
    );
    await fc.assert(
      fc.asyncProperty(given, async ({ body, header, c }) => {
        // Headers.get joins a repeated header with ", ": what the web face gets for several values.
        const webHeader = Array.isArray(header) ? header.join(", ") : header;
        const verified = (v: RekkoVerification) => (v.ok ? outcome(200) : outcome(v.status, v.reason));
        const answers = {
          "node handleBody": await node.handleBody(body as string, header).then((r) => outcome(r.status, r.reason)),
          "node verifyBody": verified(await node.verifyBody(body as string, header)),
          "web handleBody": await web.handleBody(body as string, webHeader).then((r) => outcome(r.status, r.reason)),
          "web verifyBody": verified(await web.verifyBody(body as string, webHeader)),
        };
        const want = c
          ? expected(c)
          : Array.isArray(header)
            ? outcome(401, "malformed-signature")
            : typeof body !== "string"
              ? outcome(500, "parsed-body")
              : Buffer.byteLength(body) > MAX
                ? outcome(413, "body-too-large")
                : outcome(401, "mismatch");
        for (const [verb, answer] of Object.entries(answers)) expect(answer, verb).to.deep.equal(want);
      }),
      { numRuns: 1000 },
    );
  });
  it("a body stream that errors after any number of chunks: read-error (400) on both faces, never a throw", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { maxLength: 6 }), async (chunks) => {
        const header = "a".repeat(64);
        // Node face: the real handler over a request stream that fails after the chunks.
        const req = Object.assign(new PassThrough(), { method: "POST", headers: { "x-webhook-signature": header } });
        const onNode = new Promise<{ status: number; reason?: string }>((resolve) => {
          const res = {
            headersSent: false,
            destroyed: false,
            writeHead: (status: number) => {
              res.status = status;
            },
            end: (body: string) => resolve(outcome(res.status, (JSON.parse(body) as { reason?: string }).reason)),
            status: 0,
          };
          node.handle(req as unknown as IncomingMessage, res as unknown as ServerResponse);
        });
        for (const chunk of chunks) req.write(chunk);
        setImmediate(() => req.destroy(new Error("ECONNRESET")));
        // Web face: a Request whose body stream fails after the same chunks.
        let i = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            const chunk = chunks[i++];
            if (chunk) controller.enqueue(chunk);
            else controller.error(new Error("ECONNRESET"));
          },
        });
        const request = new Request("http://receiver.test/", {
          method: "POST",
          body,
          headers: { "x-webhook-signature": header },
          duplex: "half",
        } as RequestInit);
        const response = await web.handle(request);
        const webAnswer = outcome(response.status, ((await response.json()) as { reason?: string }).reason);
        expect(await onNode, "node face").to.deep.equal({ status: 400, reason: "read-error" });
        expect(webAnswer, "web face").to.deep.equal({ status: 400, reason: "read-error" });
      }),
      { numRuns: 100 },
    );
  });
});
