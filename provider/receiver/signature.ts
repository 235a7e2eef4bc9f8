// The Node face of signing and verification: node:crypto, synchronous.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { bodyBytes } from "./body.js";
import { parseSignatureHeader, SIGNATURE_HEADER } from "./header.js";
import { secretList } from "./secrets.js";
import type { ReceiverCrypto } from "./verify.js";

export { SIGNATURE_HEADER };

/** Raw body bytes as received: a Buffer/Uint8Array, or the exact string. */
export type RawBody = Uint8Array | string;

function rawBytes(rawBody: unknown, fn: string): Uint8Array {
  const bytes = bodyBytes(rawBody);
  if (bytes) return bytes;
  throw new TypeError(
    `pulumi-rekko: ${fn} needs the raw request body (Buffer or string), got ${rawBody === null ? "null" : typeof rawBody}. ` +
      "Read the body before any JSON parsing: a re-serialised object does not have the signed bytes.",
  );
}

/** True when `signature` is the HMAC-SHA256 of `body` with one of `secrets`; every secret is checked, so timing does not tell which one matched. */
function hmacMatches(body: Uint8Array, signature: Uint8Array, secrets: readonly string[]): boolean {
  let ok = false;
  for (const secret of secrets) {
    if (timingSafeEqual(createHmac("sha256", secret).update(body).digest(), signature)) ok = true;
  }
  return ok;
}

/** node:crypto for the receiver pipeline (synchronous). */
export const nodeCrypto: ReceiverCrypto = {
  matches: hmacMatches,
  sha256Hex: (body) => createHash("sha256").update(body).digest("hex"),
};

/**
 * `x-webhook-signature` for a body: lowercase hex HMAC-SHA256 of the raw bytes keyed with
 * the secret. For tests and for your own test suites.
 */
export function signPayload(rawBody: RawBody, secret: string): string {
  if (typeof secret !== "string" || secret === "")
    throw new TypeError("pulumi-rekko: signPayload needs a non-empty secret string.");
  return createHmac("sha256", secret).update(rawBytes(rawBody, "signPayload")).digest("hex");
}

/**
 * True only when `signatureHeader` is one value of 64 hex characters (either case) that is
 * the HMAC-SHA256 of the exact bytes with one of the secrets. Constant-time comparison after
 * a length check. Never throws on a missing or malformed header (several values, a
 * `sha256=` prefix, wrong length, non-hex: false); throws a TypeError when given a parsed
 * object instead of the raw body, or no secret at all. For the reason of a refusal, use a
 * receiver's `verifyBody`.
 */
export function verifySignature(
  rawBody: RawBody,
  signatureHeader: string | string[] | undefined | null,
  secretOrSecrets: string | readonly string[],
): boolean {
  const body = rawBytes(rawBody, "verifySignature");
  const secrets = secretList(secretOrSecrets);
  if (secrets.length === 0) throw new TypeError("pulumi-rekko: verifySignature needs at least one non-empty secret.");
  const signature = parseSignatureHeader(signatureHeader);
  return signature instanceof Uint8Array && hmacMatches(body, signature, secrets);
}
