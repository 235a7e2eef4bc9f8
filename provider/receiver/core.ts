// The one implementation behind both receiver faces: the order of checks, the reasons and
// statuses, header and body parsing, repeat handling and dispatch. A face supplies the
// request as a DeliverySource and the HMAC as a ReceiverCrypto (node:crypto, synchronous, or
// crypto.subtle, asynchronous). No import of Node built-ins or of any package here.
import type { RekkoEventType } from "../core/events.js";
import { isKnownEvent, type RekkoEvent, type RekkoEventOf } from "./events.js";
import { SeenBodies } from "./memory.js";

/** The header Rekko puts the signature in. */
export const SIGNATURE_HEADER = "x-webhook-signature";

/** Largest body the handlers accept unless told otherwise, bytes (256 KiB). */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/**
 * Why a delivery was refused, with the HTTP status the handlers answer and the message they
 * send (`{"status": message, "reason": reason}`). 401s tell Rekko the delivery is not ours;
 * 500s are the receiver's own fault (so Rekko counts a failure and retries).
 */
export const REASONS = {
  "method-not-allowed": { status: 405, message: "use POST" },
  "missing-signature": { status: 401, message: "missing x-webhook-signature" },
  "malformed-signature": { status: 401, message: "x-webhook-signature is not one value of 64 hex characters" },
  mismatch: { status: 401, message: "x-webhook-signature does not match the body with any accepted secret" },
  "body-too-large": { status: 413, message: "body too large" },
  "read-error": { status: 400, message: "the request body could not be read" },
  "not-json": { status: 400, message: "body is not UTF-8 JSON" },
  "not-event": { status: 400, message: "body is not a Rekko event (a JSON object with a string type)" },
  "parsed-body": {
    status: 500,
    message: "the body was read or parsed before verification; give the handler the raw bytes",
  },
  "no-secret": { status: 500, message: "no accepted secret is configured" },
  "handler-failed": { status: 500, message: "handler failed" },
} as const satisfies Record<string, { status: number; message: string }>;

/** A reason a delivery was refused; see {@link REASONS} for its status. */
export type RekkoFailureReason = keyof typeof REASONS;

/** A refused delivery. */
export interface RekkoFailure {
  ok: false;
  reason: RekkoFailureReason;
  /** The HTTP status to answer. */
  status: number;
  /** A message safe to send back (never holds a secret or the body). */
  message: string;
}

/** A verified delivery: a signed JSON object with a string `type`. */
export interface RekkoVerified<B extends Uint8Array = Uint8Array> {
  ok: true;
  event: RekkoEvent;
  /** The exact bytes that were verified. */
  rawBody: B;
}

/** The result of verifying one delivery. */
export type RekkoVerification<B extends Uint8Array = Uint8Array> = RekkoVerified<B> | RekkoFailure;

/** Builds the refusal for a reason. */
export function refuse(reason: RekkoFailureReason): RekkoFailure {
  const { status, message } = REASONS[reason];
  return { ok: false, reason, status, message };
}

/** Accepted secrets: one, several (rotation overlap), or a function giving them per request. */
export type SecretsOption = string | readonly string[] | (() => string | readonly string[] | Promise<string | readonly string[]>);

/** The non-empty strings of a secrets value. */
export function secretList(value: unknown): string[] {
  if (typeof value === "string") return value === "" ? [] : [value];
  const out: string[] = [];
  if (Array.isArray(value)) for (const s of value) if (typeof s === "string" && s !== "") out.push(s);
  return out;
}

/** Resolves a {@link SecretsOption}; a function that throws gives none. */
export async function resolveSecrets(option: SecretsOption): Promise<string[]> {
  try {
    return secretList(typeof option === "function" ? await option() : option);
  } catch {
    return [];
  }
}

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

/** A request as the core sees it; each face adapts its own request type to this. */
export interface DeliverySource<B extends Uint8Array> {
  /** The signature header value(s) as received. */
  header: unknown;
  /** True when something read or parsed the body before us. */
  consumed: boolean;
  /** The declared `content-length`, when there is one. */
  declaredLength: number | undefined;
  /** Reads the body, stopping as soon as it exceeds `max` bytes. */
  read(max: number): Promise<B | "too-large" | "error"> | B | "too-large" | "error";
  /** Stops reading a body that will not be used (refused before or while reading). */
  discard(): void;
}

/** The HMAC the core needs; synchronous on Node, asynchronous on `crypto.subtle`. */
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

/** What a handler gets besides the event. */
export interface DeliveryInfo<B extends Uint8Array = Uint8Array> {
  /** The verified bytes. */
  rawBody: B;
  /** Lowercase hex SHA-256 of the body: the key of the repeat memory. */
  bodySha256: string;
  /**
   * True when the same bytes were handled (answered 200) within the repeat window, or are
   * being handled now: a retry, a replay, the same event from both webhooks of a rotation, or a
   * new event that happens to have the same content. The payload cannot tell which
   * (see {@link RekkoHandlerOptions.repeats}).
   */
  repeat: boolean;
}

/** What a receiver does with a delivery whose body it handled within the window: see {@link RekkoHandlerOptions.repeats}. */
export type RepeatPolicy = "flag" | "suppress" | "off";

/** Per-type handlers: each gets the documented event of its type, typed. */
export type RekkoEventHandlers<B extends Uint8Array = Uint8Array> = {
  [T in RekkoEventType]?: (event: RekkoEventOf<T>, delivery: DeliveryInfo<B>) => unknown;
};

/** Options of the handlers of both faces. */
export interface RekkoHandlerOptions<B extends Uint8Array = Uint8Array> {
  /** Accepted secrets (several during a rotation: `acceptedSecrets`), or a function returning them per request. */
  secrets: SecretsOption;
  /**
   * Handlers per documented type, e.g. `{ whale_alert: (e) => … }`. A handler gets only
   * events of its type that carry the documented fields.
   */
  on?: RekkoEventHandlers<B>;
  /**
   * The fallback: every verified, new event no `on` handler took (types Rekko adds later,
   * documented types with other fields, types without an `on` handler). A throw (or a
   * rejection) of any handler answers 500, so Rekko counts a failure and retries.
   * Events that no handler takes are answered 200 and reported `handled: false`.
   */
  onEvent?: (event: RekkoEvent, delivery: DeliveryInfo<B>) => unknown;
  /** Called with what a handler threw (for your logs); the answer is 500 either way. */
  onError?: (error: unknown, event: RekkoEvent) => void;
  /** Largest body accepted, bytes; larger answers 413 and reading stops. Default 256 KiB. */
  maxBodyBytes?: number;
  /**
   * What to do with a repeat: a delivery whose exact bytes were handled (answered 200) within
   * the window, or are being handled now. Rekko's payloads carry no delivery id and no signed
   * timestamp, and `whale_alert` carries no time at all, so the bytes cannot tell a retry or a
   * replay from a new event with the same content (two equal whale alerts within minutes).
   * - `"flag"` (default): every verified delivery reaches its handler; a repeat has
   *   `delivery.repeat === true` (and `repeat: true` in the result), for the handler to decide.
   * - `"suppress"`: a repeat is answered 200 without calling a handler, and a copy arriving
   *   while the first is being handled waits for it and shares its answer. Choose it only when
   *   two events with identical bodies are the same event for you: it drops such events.
   * - `"off"`: no memory; `delivery.repeat` is always false.
   */
  repeats?: RepeatPolicy;
  /** The repeat memory's bounds: most bodies remembered (default 10,000) and for how long, ms (default 600,000). */
  repeatWindow?: { size?: number; ttlMs?: number };
}

/** The answer to one delivery. */
export interface DeliveryResult {
  /** The HTTP status to answer. */
  status: number;
  /** Why it was refused; absent when answered 200. */
  reason?: RekkoFailureReason;
  /** A short message safe to send back. */
  message: string;
  /** The verified event, when there was one. */
  event?: RekkoEvent;
  /** True when the same bytes were handled within the repeat window, or were being handled (see `repeats`). */
  repeat?: boolean;
  /** False when no handler took the event (answered 200 all the same). */
  handled?: boolean;
}

/** The memory a handler keeps across deliveries, per its options. */
export function memoryFor(options: RekkoHandlerOptions<never>): SeenBodies | undefined {
  return options.repeats === "off" ? undefined : new SeenBodies(options.repeatWindow?.size, options.repeatWindow?.ttlMs);
}

/** Checks options once, when a handler is made: a missing handler is a programming error. */
export function checkOptions(options: RekkoHandlerOptions<never>, fn: string): void {
  if (!options || typeof options !== "object") throw new TypeError(`pulumi-rekko: ${fn} needs an options object.`);
  if (typeof options.onEvent !== "function" && (!options.on || typeof options.on !== "object")) {
    throw new TypeError(`pulumi-rekko: ${fn} needs \`onEvent\` or \`on\` handlers.`);
  }
  if (typeof options.secrets !== "function" && secretList(options.secrets).length === 0) {
    throw new TypeError(`pulumi-rekko: ${fn} needs at least one non-empty secret (\`secrets\`).`);
  }
  if (options.repeats !== undefined && !["flag", "suppress", "off"].includes(options.repeats)) {
    throw new TypeError(`pulumi-rekko: ${fn}: \`repeats\` is "flag" (the default), "suppress" or "off".`);
  }
  if ("dedupe" in options) {
    // Earlier versions suppressed repeats by default (`dedupe`), which dropped distinct events.
    throw new TypeError(
      `pulumi-rekko: ${fn}: \`dedupe\` was replaced by \`repeats\` ("flag", the default, "suppress" or "off") and \`repeatWindow\`.`,
    );
  }
}

/** The handlers' answer to a refusal. */
export function failed(reason: RekkoFailureReason): DeliveryResult {
  const { status, message } = REASONS[reason];
  return { status, reason, message };
}

async function dispatch<B extends Uint8Array>(
  event: RekkoEvent,
  delivery: DeliveryInfo<B>,
  options: RekkoHandlerOptions<B>,
): Promise<DeliveryResult> {
  const typed = isKnownEvent(event) ? options.on?.[event.type] : undefined;
  const handler = (typed ?? options.onEvent) as ((e: RekkoEvent, d: DeliveryInfo<B>) => unknown) | undefined;
  const { repeat } = delivery;
  if (!handler) return { status: 200, message: "ignored: no handler for this event", event, handled: false, repeat };
  try {
    await handler(event, delivery);
  } catch (error) {
    try {
      options.onError?.(error, event);
    } catch {
      // a failing logger does not change the answer
    }
    return { ...failed("handler-failed"), event, repeat };
  }
  return { status: 200, message: "ok", event, handled: true, repeat };
}

/**
 * Handles one delivery: verifies it ({@link verifySource}), then calls the handler, telling it
 * whether the body is a repeat, or, with `repeats: "suppress"`, calls it once per body. Never throws.
 */
export async function handleSource<B extends Uint8Array>(
  source: DeliverySource<B>,
  options: RekkoHandlerOptions<B>,
  memory: SeenBodies | undefined,
  crypto: ReceiverCrypto,
): Promise<DeliveryResult> {
  try {
    const verified = await verifySource(source, options.secrets, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, crypto);
    if (!verified.ok) return failed(verified.reason);
    const { event, rawBody } = verified;
    const bodySha256 = await crypto.sha256Hex(rawBody);
    const work = (repeat: boolean) => dispatch(event, { rawBody, bodySha256, repeat }, options);
    if (!memory) return await work(false);
    const suppress = (shared?: DeliveryResult): DeliveryResult =>
      shared ? { ...shared, repeat: true } : { status: 200, message: "repeat suppressed", event, repeat: true, handled: false };
    return await memory.run(bodySha256, work, options.repeats === "suppress" ? suppress : undefined);
  } catch {
    return failed("handler-failed");
  }
}

/** The JSON body the handlers answer with. */
export function answerBody(result: DeliveryResult): string {
  return JSON.stringify(result.reason ? { status: result.message, reason: result.reason } : { status: result.message });
}

/** A source over a body already in memory (a string, bytes, or, refused as `parsed-body`, anything else). */
export function bytesSource<B extends Uint8Array>(
  rawBody: unknown,
  header: unknown,
  wrap: (bytes: Uint8Array) => B,
): DeliverySource<B> {
  const bytes = bodyBytes(rawBody);
  return {
    header,
    consumed: bytes === undefined,
    declaredLength: undefined,
    read: (max) => (bytes === undefined ? "error" : bytes.byteLength > max ? "too-large" : wrap(bytes)),
    discard: () => undefined,
  };
}
