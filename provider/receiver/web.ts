// The web-standard face: WebCrypto (`crypto.subtle`) and the Fetch API's Request/Response,
// so it runs unchanged on Node ≥ 22, Bun, Deno, Cloudflare Workers, Vercel edge and Next.js
// route handlers. Nothing here imports a Node built-in.
import {
  answerBody,
  bytesSource,
  checkOptions,
  DEFAULT_MAX_BODY_BYTES,
  type DeliveryResult,
  type DeliverySource,
  failed,
  handleSource,
  memoryFor,
  type ReceiverCrypto,
  type RekkoHandlerOptions,
  type RekkoVerification,
  refuse,
  type SecretsOption,
  SIGNATURE_HEADER,
  verifySource,
} from "./core.js";
import type { SeenBodies } from "./memory.js";

// Imported keys per secret; a handful of secrets are live at a time (rotation overlap).
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const keys = new Map<string, Promise<HmacKey>>();
const encoder = new TextEncoder();

function hmacKey(secret: string): Promise<HmacKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= 32) keys.clear();
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    keys.set(secret, key);
  }
  return key;
}

/** HMAC-SHA256 on `crypto.subtle`; `verify` compares in constant time, and every secret is tried. */
const subtleCrypto: ReceiverCrypto = {
  async matches(body, signature, secrets) {
    const results = await Promise.all(
      secrets.map(async (secret) =>
        crypto.subtle.verify(
          "HMAC",
          await hmacKey(secret),
          signature as Uint8Array<ArrayBuffer>,
          body as Uint8Array<ArrayBuffer>,
        ),
      ),
    );
    return results.includes(true);
  },
  async sha256Hex(body) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body as Uint8Array<ArrayBuffer>));
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  },
};

async function readLimited(body: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array | "too-large" | "error"> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        // Stop reading: the rest of the body is never pulled.
        reader.cancel().catch(() => undefined);
        return "too-large";
      }
      chunks.push(value);
    }
  } catch {
    return "error";
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function requestSource(request: Request): DeliverySource<Uint8Array> {
  const length = request.headers.get("content-length");
  return {
    header: request.headers.get(SIGNATURE_HEADER) ?? undefined,
    consumed: request.bodyUsed,
    declaredLength: length === null ? undefined : Number(length),
    read: (max) => readLimited(request.body, max),
    discard: () => {
      if (request.body && !request.body.locked) request.body.cancel().catch(() => undefined);
    },
  };
}

/** Options of {@link verifyRekkoRequest} and {@link verifyRekkoBody}. */
export interface VerifyOptions {
  /** Largest body accepted, bytes. Default 256 KiB. */
  maxBodyBytes?: number;
}

/**
 * Verifies a delivery given as a Fetch API `Request`: reads the body (at most
 * `maxBodyBytes`), checks `x-webhook-signature` against the accepted secrets in constant
 * time over the raw bytes, and parses the event. Never throws; a refusal says why
 * (`reason`) and which HTTP status to answer.
 * @example
 * const result = await verifyRekkoRequest(request, ["current-secret", "next-secret"]);
 * if (!result.ok) return new Response(result.message, { status: result.status });
 */
export function verifyRekkoRequest(
  request: Request,
  secrets: SecretsOption,
  options: VerifyOptions = {},
): Promise<RekkoVerification> {
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return verifySource(requestSource(request), secrets, max, subtleCrypto).catch(() => refuse("read-error"));
}

/**
 * Verifies a body already read (bytes, an `ArrayBuffer`, or the exact string) with its
 * `x-webhook-signature` value, on `crypto.subtle`. A parsed object is refused as
 * `parsed-body`. Never throws.
 */
export function verifyRekkoBody(
  rawBody: Uint8Array | ArrayBuffer | string,
  signature: string | null | undefined,
  secrets: SecretsOption,
  options: VerifyOptions = {},
): Promise<RekkoVerification> {
  return verifySource(
    bytesSource(rawBody, signature, (b) => b),
    secrets,
    options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    subtleCrypto,
  );
}

// Repeat memory per options object: define the options once (module scope) and pass them
// to every call, so repeats are recognised across requests.
const memories = new WeakMap<object, SeenBodies | undefined>();

/**
 * Handles one delivery given as a Fetch API `Request` and answers it: 405 to anything but
 * POST; otherwise verifies ({@link verifyRekkoRequest}), flags repeats and calls the `on`
 * handler of the event's type or `onEvent`. Answers JSON `{"status", "reason"}` with the
 * status of the reason; 200 when handled, suppressed or ignored; 500 when a handler throws.
 * Never throws. Pass the same `options` object every time: it keys the repeat memory.
 * @example
 * const options = { secrets: JSON.parse(env.REKKO_ACCEPTED_SECRETS), on: { whale_alert: (e) => alert(e.market_id) } };
 * export default { fetch: (request) => handleRekkoRequest(request, options) };
 */
export async function handleRekkoRequest(request: Request, options: RekkoHandlerOptions): Promise<Response> {
  checkOptions(options, "handleRekkoRequest");
  if (!memories.has(options)) memories.set(options, memoryFor(options));
  const result: DeliveryResult =
    request.method !== "POST"
      ? failed("method-not-allowed")
      : await handleSource(requestSource(request), options, memories.get(options), subtleCrypto);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (result.status === 405) headers.allow = "POST";
  return new Response(answerBody(result), { status: result.status, headers });
}
