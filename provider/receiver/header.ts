// The signature header: its name, and its value decoded to the signature bytes.
import { type RekkoFailure, refuse } from "./reasons.js";

/** The header Rekko puts the signature in. */
export const SIGNATURE_HEADER = "x-webhook-signature";

/** The value of the hex digit with char code `c`, or -1 when it is not one. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/**
 * The signature bytes of an `x-webhook-signature` value, or why there are none: missing
 * (absent, empty, an empty list), malformed (several values, not 64 hex characters, a
 * `sha256=` prefix). Surrounding whitespace is ignored, as HTTP does; hex of either case.
 */
export function parseSignatureHeader(header: unknown): Uint8Array | RekkoFailure {
  let value = header;
  if (Array.isArray(value)) {
    if (value.length > 1) return refuse("malformed-signature");
    value = value[0];
  }
  if (value === undefined || value === null) return refuse("missing-signature");
  if (typeof value !== "string") return refuse("malformed-signature");
  const hex = value.trim();
  if (hex === "") return refuse("missing-signature");
  if (hex.length !== 64) return refuse("malformed-signature");
  // One pass checks and decodes (this runs on every delivery, next to three HMACs).
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    const high = nibble(hex.charCodeAt(2 * i));
    const low = nibble(hex.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) return refuse("malformed-signature");
    bytes[i] = (high << 4) | low;
  }
  return bytes;
}
