import { createHash, createHmac } from "node:crypto";

/** Hex digits kept of a fingerprint: 64 bits tell two keys apart with a chance of 2^-64 of a collision. */
const DIGITS = 16;

/**
 * The fingerprint stored with each webhook (never the key), so that another key is noticed
 * before it forgets or "deletes" webhooks it cannot see: `hmac:` and the first 16 hex digits of
 * HMAC-SHA256 keyed with the API key over the webhook id.
 *
 * Keyed by the webhook id, it differs for every webhook, so fingerprints in two stacks (or two
 * webhooks) of one account cannot be linked to each other. It still lets whoever holds a
 * guessed key check it against the state, so the faces store it as a secret output: the
 * state alone (without the stack's secrets provider) then allows no offline check either.
 */
export function keyFingerprint(apiKey: string, webhookId: string): string {
  return `hmac:${createHmac("sha256", apiKey).update(webhookId, "utf8").digest("hex").slice(0, DIGITS)}`;
}

/**
 * The form written by earlier versions: `sha256:` and 16 hex digits of the key's SHA-256, the
 * same for every webhook of a key. Only read (to check state written then), never written.
 */
export function legacyKeyFingerprint(apiKey: string): string {
  return `sha256:${createHash("sha256").update(apiKey, "utf8").digest("hex").slice(0, DIGITS)}`;
}

/**
 * Whether the `stored` fingerprint of webhook `webhookId` says `apiKey` registered it: `true` or
 * `false` for either form, `undefined` when nothing usable is stored (state from before
 * fingerprints, or a form this version does not know).
 */
export function fingerprintMatches(stored: unknown, apiKey: string, webhookId: string): boolean | undefined {
  if (typeof stored !== "string") return undefined;
  if (stored.startsWith("hmac:")) return stored === keyFingerprint(apiKey, webhookId);
  if (stored.startsWith("sha256:")) return stored === legacyKeyFingerprint(apiKey);
  return undefined;
}

/** True when `stored` is in the current (`hmac:`) form, so a refresh or update need not rewrite it. */
export function isCurrentFingerprint(stored: unknown): boolean {
  return typeof stored === "string" && stored.startsWith("hmac:");
}
