import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SIGNATURE_HEADER, verifySignature } from "./signature";

/** A delivered Rekko event: `type` plus the event's fields. */
export interface RekkoEvent {
  type: string;
  [field: string]: unknown;
}

/** Options of {@link createWebhookHandler} and {@link processDelivery}. */
export interface ReceiverOptions {
  /** Accepted secrets (several during a rotation), or a function returning them per request. */
  secrets: string | readonly string[] | (() => string | readonly string[]);
  /** Called once per verified, new delivery. A throw answers 500, so Rekko counts a failure. */
  onEvent: (event: RekkoEvent, delivery: { rawBody: Buffer; bodySha256: string }) => void | Promise<void>;
  /** Largest body accepted, bytes; larger answers 413. Default 256 KiB. */
  maxBodyBytes?: number;
  /**
   * Duplicate suppression: the same body (by SHA-256) seen again within `ttlMs` is answered
   * 200 without calling `onEvent` again. Rekko signs no timestamp, so this bounded memory is
   * also the replay window the helper protects. Default `{ size: 10000, ttlMs: 600000 }`;
   * `false` turns it off.
   */
  dedupe?: { size?: number; ttlMs?: number } | false;
}

/** The answer to one delivery. */
export interface DeliveryResult {
  status: 200 | 400 | 401 | 413 | 500;
  message: string;
  event?: RekkoEvent;
  duplicate?: boolean;
}

/** A bounded, time-limited set of seen body hashes (insertion-ordered Map). */
export class SeenBodies {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly size = 10_000,
    private readonly ttlMs = 600_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records `key`; true when it was already seen within the TTL. */
  checkAndAdd(key: string): boolean {
    const t = this.now();
    for (const [k, at] of this.seen) {
      if (t - at <= this.ttlMs && this.seen.size <= this.size) break;
      this.seen.delete(k);
    }
    const at = this.seen.get(key);
    if (at !== undefined && t - at <= this.ttlMs) return true;
    this.seen.delete(key);
    this.seen.set(key, t);
    if (this.seen.size > this.size) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return false;
  }

  /** Forgets `key` (used when handling failed, so a retry is processed). */
  forget(key: string): void {
    this.seen.delete(key);
  }
}

function secretsOf(options: ReceiverOptions): readonly string[] {
  const s = typeof options.secrets === "function" ? options.secrets() : options.secrets;
  return typeof s === "string" ? [s] : s;
}

/**
 * Verifies and handles one delivery given its raw body and signature header: 401 on a bad
 * signature, 400 on a body that is not a JSON object with a string `type`, 200 otherwise
 * (duplicates included), 500 when `onEvent` throws.
 */
export async function processDelivery(
  rawBody: Buffer,
  signature: string | string[] | undefined,
  options: ReceiverOptions,
  seen?: SeenBodies,
): Promise<DeliveryResult> {
  if (!verifySignature(rawBody, signature, secretsOf(options))) {
    return { status: 401, message: "invalid or missing x-webhook-signature" };
  }
  let event: unknown;
  try {
    event = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return { status: 400, message: "body is not JSON" };
  }
  if (!event || typeof event !== "object" || Array.isArray(event) || typeof (event as RekkoEvent).type !== "string") {
    return { status: 400, message: "body is not a Rekko event (a JSON object with a string type)" };
  }
  const bodySha256 = createHash("sha256").update(rawBody).digest("hex");
  if (seen?.checkAndAdd(bodySha256)) return { status: 200, message: "duplicate ignored", duplicate: true };
  try {
    await options.onEvent(event as RekkoEvent, { rawBody, bodySha256 });
  } catch {
    seen?.forget(bodySha256);
    return { status: 500, message: "handler failed" };
  }
  return { status: 200, message: "ok", event: event as RekkoEvent };
}

/**
 * A `node:http` request handler for Rekko deliveries: reads the raw body with a size limit,
 * verifies the signature against the accepted secrets, parses JSON, suppresses duplicates,
 * and calls `onEvent`. Answers 405 to anything but POST.
 */
export function createWebhookHandler(options: ReceiverOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const max = options.maxBodyBytes ?? 256 * 1024;
  const seen = options.dedupe === false ? undefined : new SeenBodies(options.dedupe?.size, options.dedupe?.ttlMs);
  const answer = (res: ServerResponse, status: number, message: string) => {
    if (res.headersSent) return;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: message }));
  };
  return (req, res) => {
    if (req.method !== "POST") {
      answer(res, 405, "use POST");
      return;
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > max) {
      answer(res, 413, "body too large");
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > max) {
        tooLarge = true;
        answer(res, 413, "body too large");
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => answer(res, 400, "request aborted"));
    req.on("end", () => {
      if (tooLarge) return;
      processDelivery(Buffer.concat(chunks), req.headers[SIGNATURE_HEADER], options, seen).then(
        (result) => answer(res, result.status, result.message),
        () => answer(res, 500, "handler failed"),
      );
    });
  };
}
