// The verify pipeline: the documented order of checks, from the header to the event.
import { parseEvent } from "./body.js";
import type { RekkoEvent } from "./events.js";
import { parseSignatureHeader } from "./header.js";
import { type RekkoFailure, refuse } from "./reasons.js";
import { resolveSecrets, type SecretsOption } from "./secrets.js";
import type { DeliverySource } from "./source.js";

/** A verified delivery: a signed JSON object with a string `type`. */
export interface RekkoVerified<B extends Uint8Array = Uint8Array> {
  ok: true;
  event: RekkoEvent;
  /** The exact bytes that were verified. */
  rawBody: B;
}

/** The result of verifying one delivery. */
export type RekkoVerification<B extends Uint8Array = Uint8Array> = RekkoVerified<B> | RekkoFailure;

/** The HMAC the pipeline needs; synchronous on Node, asynchronous on `crypto.subtle`. */
export interface ReceiverCrypto {
  /** True when `signature` is the HMAC-SHA256 of `body` with one of `secrets`, compared in constant time. */
  matches(body: Uint8Array, signature: Uint8Array, secrets: readonly string[]): boolean | Promise<boolean>;
  /** Lowercase hex SHA-256 of `body`. */
  sha256Hex(body: Uint8Array): string | Promise<string>;
}

/**
 * Verifies one delivery in the documented order: body already consumed (`parsed-body`),
 * signature header (`missing-signature`, `malformed-signature`) before reading anything,
 * size (`body-too-large`, declared or read), `read-error`, `no-secret`, `mismatch`, then
 * `not-json` and `not-event` on the verified bytes.
 */
export async function verifySource<B extends Uint8Array>(
  source: DeliverySource<B>,
  secrets: SecretsOption,
  maxBodyBytes: number,
  crypto: ReceiverCrypto,
): Promise<RekkoVerification<B>> {
  const signature = source.consumed ? refuse("parsed-body") : parseSignatureHeader(source.header);
  if (!(signature instanceof Uint8Array) || (source.declaredLength ?? 0) > maxBodyBytes) {
    source.discard();
    return signature instanceof Uint8Array ? refuse("body-too-large") : signature;
  }
  const body = await source.read(maxBodyBytes);
  if (body === "too-large" || body === "error") {
    source.discard();
    return refuse(body === "too-large" ? "body-too-large" : "read-error");
  }
  const accepted = await resolveSecrets(secrets);
  if (accepted.length === 0) return refuse("no-secret");
  if (!(await crypto.matches(body, signature, accepted))) return refuse("mismatch");
  const parsed = parseEvent(body);
  return "event" in parsed ? { ok: true, event: parsed.event, rawBody: body } : parsed;
}
