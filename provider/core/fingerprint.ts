import { createHash } from "node:crypto";

/**
 * A non-reversible fingerprint of an API key: `sha256:` and the first 16 hex digits of the
 * key's SHA-256. Stored with each webhook (never the key) so that a different key is noticed
 * before it forgets or "deletes" webhooks it cannot see. Keys are high-entropy tokens, so the
 * truncated hash tells keys apart without revealing anything usable.
 */
export function keyFingerprint(apiKey: string): string {
  return `sha256:${createHash("sha256").update(apiKey, "utf8").digest("hex").slice(0, 16)}`;
}
