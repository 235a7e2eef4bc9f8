// The body: its bytes as given, its size limit, and the event it holds once verified.
import type { RekkoEvent } from "./events.js";
import { type RekkoFailure, refuse } from "./reasons.js";

/** Largest body the receivers accept unless told otherwise, bytes (256 KiB). */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

const encoder = new TextEncoder();

/** The bytes of a raw body (a string is taken as UTF-8), or undefined for anything else (a parsed object). */
export function bodyBytes(rawBody: unknown): Uint8Array | undefined {
  if (typeof rawBody === "string") return encoder.encode(rawBody);
  if (rawBody instanceof Uint8Array) return rawBody;
  if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  return undefined;
}

/** Parses verified bytes: strict UTF-8, JSON, an object with a string `type`. */
export function parseEvent(bytes: Uint8Array): { event: RekkoEvent } | RekkoFailure {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return refuse("not-json");
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || typeof (value as RekkoEvent).type !== "string") {
    return refuse("not-event");
  }
  return { event: value as RekkoEvent };
}
