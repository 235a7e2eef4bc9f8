import { createHmac, timingSafeEqual } from "node:crypto";

/** The header Rekko puts the signature in. */
export const SIGNATURE_HEADER = "x-webhook-signature";

/** Raw body bytes as received: a Buffer/Uint8Array, or the exact string. */
export type RawBody = Uint8Array | string;

function rawBytes(rawBody: unknown, fn: string): Buffer {
  if (typeof rawBody === "string") return Buffer.from(rawBody, "utf8");
  if (rawBody instanceof Uint8Array) return Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  throw new TypeError(
    `pulumi-rekko: ${fn} needs the raw request body (Buffer or string), got ${rawBody === null ? "null" : typeof rawBody}. ` +
      "Read the body before any JSON parsing: a re-serialised object does not have the signed bytes.",
  );
}

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
 * True only when `signatureHeader` is the HMAC-SHA256 of the exact bytes with one of the
 * secrets (hex, either case, an optional `sha256=` prefix). Constant-time comparison after
 * a length check. Never throws on a missing or malformed header; throws a TypeError when
 * given a parsed object instead of the raw body, or no secret at all.
 */
export function verifySignature(
  rawBody: RawBody,
  signatureHeader: string | string[] | undefined | null,
  secretOrSecrets: string | readonly string[],
): boolean {
  const body = rawBytes(rawBody, "verifySignature");
  const secrets = (typeof secretOrSecrets === "string" ? [secretOrSecrets] : [...(secretOrSecrets ?? [])]).filter(
    (s): s is string => typeof s === "string" && s !== "",
  );
  if (secrets.length === 0) throw new TypeError("pulumi-rekko: verifySignature needs at least one non-empty secret.");
  const header = Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader;
  if (typeof header !== "string") return false;
  const hex = header.trim().replace(/^sha256=/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const given = Buffer.from(hex, "hex");
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac("sha256", secret).update(body).digest();
    // Every secret is checked, so timing does not tell which one matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}
