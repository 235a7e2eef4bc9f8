// The Node face of the receiver: node:http requests (Express and any framework that hands
// over the IncomingMessage), and bodies already read (Fastify, AWS Lambda).
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  answerBody,
  bytesSource,
  checkOptions,
  type DeliveryResult,
  type DeliverySource,
  failed,
  handleSource,
  memoryFor,
  type RekkoHandlerOptions,
  SIGNATURE_HEADER,
} from "./core.js";
import type { RekkoEvent } from "./events.js";
import { SeenBodies } from "./memory.js";
import { nodeCrypto, type RawBody } from "./signature.js";

export { type DeliveryResult, type RekkoEvent, SeenBodies };

/** Options of {@link createWebhookHandler} and {@link processDelivery}: handlers get the body as a Buffer. */
export type ReceiverOptions = RekkoHandlerOptions<Buffer>;

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Verifies and handles one delivery given its raw body and signature header: the status and
 * reason of each refusal are those of `REASONS` (401 bad or missing signature, 413 over
 * `maxBodyBytes`, 400 not a JSON event, 500 a parsed object instead of the raw body, no
 * secret, or a handler that threw); 200 otherwise (repeats and unhandled types included).
 * With `seen`, repeats are flagged (`delivery.repeat`), or suppressed with `repeats:
 * "suppress"`. Never throws.
 */
export function processDelivery(
  rawBody: RawBody,
  signature: string | string[] | undefined,
  options: ReceiverOptions,
  seen?: SeenBodies,
): Promise<DeliveryResult> {
  return handleSource(bytesSource(rawBody, signature, toBuffer), options, seen, nodeCrypto);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | "too-large" | "error"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (value: Buffer | "too-large" | "error") => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onError);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) done("too-large");
      else chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks));
    const onError = () => done("error");
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onError);
  });
}

/** A node:http request as the core sees it; `unread` tells whether the body was left unread (so the answer closes the connection). */
function requestSource(req: IncomingMessage): DeliverySource<Buffer> & { unread: boolean } {
  const declared = req.headers["content-length"];
  const source = {
    unread: false,
    header: req.headers[SIGNATURE_HEADER],
    // Something (a body parser) already read the stream, or left a parsed body.
    consumed: req.readableEnded || (req as { body?: unknown }).body !== undefined,
    declaredLength: declared === undefined ? undefined : Number(declared),
    read: (max: number) => readBody(req, max),
    discard: () => {
      // Stop reading: the response closes the connection instead of draining the body.
      source.unread = true;
      req.pause();
    },
  };
  return source;
}

function answer(res: ServerResponse, result: DeliveryResult, close: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const body = answerBody(result);
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  };
  if (result.status === 405) headers.allow = "POST";
  if (close) headers.connection = "close";
  res.writeHead(result.status, headers);
  res.end(body);
}

/**
 * A `node:http` request handler for Rekko deliveries (also an Express route handler, with no
 * body parser before it): checks the signature header before reading, reads the raw body up
 * to `maxBodyBytes`, verifies it against the accepted secrets, parses the event, suppresses
 * flags repeats and calls the `on` handler of its type or `onEvent`. Answers 405 to anything but
 * POST. A refusal before the body is fully read (413, 401 on a missing or malformed header)
 * stops reading and closes the connection. Never throws; answers JSON
 * `{"status": message, "reason"}`.
 * @example
 * createServer(createWebhookHandler({ secrets, on: { whale_alert: (e) => console.log(e.market_id, e.flow) } })).listen(8080);
 */
export function createWebhookHandler(options: ReceiverOptions): (req: IncomingMessage, res: ServerResponse) => void {
  checkOptions(options, "createWebhookHandler");
  const memory = memoryFor(options);
  return (req, res) => {
    // A request that fails after we stopped listening must not crash the process.
    req.on("error", () => undefined);
    if (req.method !== "POST") {
      req.pause();
      answer(res, failed("method-not-allowed"), true);
      return;
    }
    const source = requestSource(req);
    handleSource(source, options, memory, nodeCrypto).then((result) => answer(res, result, source.unread));
  };
}
