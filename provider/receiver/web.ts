// The web-standard face: WebCrypto (`crypto.subtle`) and the Fetch API's Request/Response,
// so it runs unchanged on Node ≥ 22, Bun, Deno, Cloudflare Workers, Vercel edge and Next.js
// route handlers. Nothing here imports a Node built-in.
import { answerBody, type DeliveryResult, failed } from "./answer.js";
import { receiverCore } from "./handle.js";
import { SIGNATURE_HEADER } from "./header.js";
import type { ReceiverOptions } from "./options.js";
import { bytesSource, type DeliverySource } from "./source.js";
import { subtleCrypto } from "./subtle.js";
import type { RekkoVerification } from "./verify.js";

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

/** A body already read, as the web face takes it: bytes, an `ArrayBuffer`, or the exact string. */
export type WebRawBody = Uint8Array | ArrayBuffer | string;

/** A receiver on the web face: the same verbs as the Node face's, over `Request` and `Response`. */
export interface WebReceiver {
  /**
   * Handles a delivery given as a Fetch API `Request` and answers it: 405 to anything but POST;
   * otherwise verifies it (as {@link WebReceiver.verify}), flags or suppresses a repeat, and
   * calls the `on` handler of the event's type or `onEvent`. Answers JSON `{"status",
   * "reason"}` with the status of the reason; 200 when handled, suppressed or ignored; 500 when
   * a handler throws. Never throws.
   */
  handle(request: Request): Promise<Response>;
  /** Handles a body already read with its `x-webhook-signature` value; the result says what to answer. Never throws. */
  handleBody(rawBody: WebRawBody, signature: string | null | undefined): Promise<DeliveryResult>;
  /**
   * Verifies a delivery given as a `Request`, without calling a handler: reads the body (at
   * most `maxBodyBytes`), checks `x-webhook-signature` against the accepted secrets in
   * constant time over the raw bytes, and parses the event. Never throws; a refusal says why
   * (`reason`) and which HTTP status to answer.
   */
  verify(request: Request): Promise<RekkoVerification<Uint8Array>>;
  /** Verifies a body already read with its `x-webhook-signature` value; a parsed object is refused as `parsed-body`. Never throws. */
  verifyBody(rawBody: WebRawBody, signature: string | null | undefined): Promise<RekkoVerification<Uint8Array>>;
}

/**
 * Makes a receiver for web-standard runtimes (Fetch API and `crypto.subtle`): it holds its
 * options, imported keys and repeat memory, so make it once (module scope) and use it for
 * every request. Throws a TypeError for options with no handler or no secret.
 * @example
 * const rekko = createWebReceiver({ secrets: JSON.parse(env.REKKO_ACCEPTED_SECRETS), on: { whale_alert: (e) => alert(e.market_id) } });
 * export default { fetch: (request: Request) => rekko.handle(request) };
 */
export function createWebReceiver(options: ReceiverOptions<Uint8Array>): WebReceiver {
  const core = receiverCore(options, subtleCrypto(), "createWebReceiver");
  const body = (rawBody: WebRawBody, signature: string | null | undefined) => bytesSource(rawBody, signature, (b) => b);
  return {
    async handle(request) {
      const result = request.method !== "POST" ? failed("method-not-allowed") : await core.handle(requestSource(request));
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (result.status === 405) headers.allow = "POST";
      return new Response(answerBody(result), { status: result.status, headers });
    },
    handleBody: (rawBody, signature) => core.handle(body(rawBody, signature)),
    verify: (request) => core.verify(requestSource(request)),
    verifyBody: (rawBody, signature) => core.verify(body(rawBody, signature)),
  };
}
