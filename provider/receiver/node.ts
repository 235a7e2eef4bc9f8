// The Node face of the receiver: node:http requests (Express and any framework that hands
// over the IncomingMessage), and bodies already read (Fastify, AWS Lambda).
import type { IncomingMessage, ServerResponse } from "node:http";
import { answerBody, type DeliveryResult, failed } from "./answer.js";
import { receiverCore } from "./handle.js";
import { SIGNATURE_HEADER } from "./header.js";
import type { ReceiverOptions } from "./options.js";
import { nodeCrypto, type RawBody } from "./signature.js";
import { bytesSource, type DeliverySource } from "./source.js";
import type { RekkoVerification } from "./verify.js";

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

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

/** A node:http request as the pipeline sees it; `unread` tells whether the body was left unread (so the answer closes the connection). */
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

/** A receiver on the Node face: the same verbs as the web face's, over node:http and Buffers. */
export interface NodeReceiver {
  /**
   * A `node:http` request handler (also an Express route handler, with no body parser before
   * it): checks the signature header before reading, reads the raw body up to `maxBodyBytes`,
   * verifies it against the accepted secrets, parses the event, flags or suppresses a repeat
   * and calls the `on` handler of its type or `onEvent`. Answers 405 to anything but POST. A
   * refusal before the body is fully read (413, 401 on a missing or malformed header) stops
   * reading and closes the connection. Never throws; answers JSON `{"status": message, "reason"}`.
   */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /**
   * Handles a body already read (Fastify, AWS Lambda) with its signature header: the status
   * and reason of each refusal are those of `REASONS` (401 bad or missing signature, 413 over
   * `maxBodyBytes`, 400 not a JSON event, 500 a parsed object instead of the raw body, no
   * secret, or a handler that threw); 200 otherwise (repeats and unhandled types included).
   * Never throws.
   */
  handleBody(rawBody: RawBody, signature: string | string[] | undefined): Promise<DeliveryResult>;
  /**
   * Verifies a `node:http` request without calling a handler: the checks of
   * {@link NodeReceiver.handle}, for a route that answers itself. A refusal before the body is
   * read leaves it unread: answer it with `connection: close`. Never throws.
   */
  verify(req: IncomingMessage): Promise<RekkoVerification<Buffer>>;
  /** Verifies a body already read with its signature header; a parsed object is refused as `parsed-body`. Never throws. */
  verifyBody(rawBody: RawBody, signature: string | string[] | undefined): Promise<RekkoVerification<Buffer>>;
}

function nodeReceiver(options: ReceiverOptions<Buffer>, fn: string): NodeReceiver {
  const core = receiverCore(options, nodeCrypto, fn);
  const body = (rawBody: RawBody, signature: string | string[] | undefined) => bytesSource(rawBody, signature, toBuffer);
  return {
    handle(req, res) {
      // A request that fails after we stopped listening must not crash the process.
      req.on("error", () => undefined);
      if (req.method !== "POST") {
        req.pause();
        answer(res, failed("method-not-allowed"), true);
        return;
      }
      const source = requestSource(req);
      core.handle(source).then((result) => answer(res, result, source.unread));
    },
    handleBody: (rawBody, signature) => core.handle(body(rawBody, signature)),
    verify: (req) => core.verify(requestSource(req)),
    verifyBody: (rawBody, signature) => core.verify(body(rawBody, signature)),
  };
}

/**
 * Makes a receiver for Node (`node:http`, `node:crypto`): it holds its options and repeat
 * memory, so make it once and use it for every request. Throws a TypeError for options with
 * no handler or no secret.
 * @example
 * const rekko = createNodeReceiver({ secrets, on: { whale_alert: (e) => console.log(e.market_id, e.flow) } });
 * createServer(rekko.handle).listen(8080);
 */
export function createNodeReceiver(options: ReceiverOptions<Buffer>): NodeReceiver {
  return nodeReceiver(options, "createNodeReceiver");
}

/**
 * A `node:http` request handler for Rekko deliveries: `createNodeReceiver(options).handle`.
 * @deprecated Use {@link createNodeReceiver} and its `handle`.
 */
export function createWebhookHandler(options: ReceiverOptions<Buffer>): (req: IncomingMessage, res: ServerResponse) => void {
  return nodeReceiver(options, "createWebhookHandler").handle;
}
