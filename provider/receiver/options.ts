// What a receiver is made with, and the check that runs when it is made.
import type { RekkoEventType } from "../core/events.js";
import type { RekkoEvent, RekkoEventOf } from "./events.js";
import { type SecretsOption, secretList } from "./secrets.js";

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
   * (see {@link ReceiverOptions.repeats}).
   */
  repeat: boolean;
}

/** Per-type handlers: each gets the documented event of its type, typed. */
export type RekkoEventHandlers<B extends Uint8Array = Uint8Array> = {
  [T in RekkoEventType]?: (event: RekkoEventOf<T>, delivery: DeliveryInfo<B>) => unknown;
};

/** What a receiver does with a delivery whose body it handled within the window: see {@link ReceiverOptions.repeats}. */
export type RepeatPolicy = "flag" | "suppress" | "off";

const REPEAT_POLICIES: readonly unknown[] = ["flag", "suppress", "off"] satisfies RepeatPolicy[];

/** Options of a receiver, on either face (`B` is the body type its handlers get). */
export interface ReceiverOptions<B extends Uint8Array = Uint8Array> {
  /** Accepted secrets (several during a rotation: `acceptedSecrets`), or a function returning them per request. */
  secrets: SecretsOption;
  /**
   * Handlers per documented type, e.g. `{ whale_alert: (e) => … }`. A handler gets only
   * events of its type that carry the documented fields.
   */
  on?: RekkoEventHandlers<B>;
  /**
   * The fallback: every verified event no `on` handler took (types Rekko adds later,
   * documented types with other fields, types without an `on` handler). A throw (or a
   * rejection) of any handler answers 500, so Rekko counts a failure and may deliver again.
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

/** Checks options once, when a receiver is made: a missing handler or secret is a programming error. */
export function checkOptions(options: ReceiverOptions<never>, fn: string): void {
  if (!options || typeof options !== "object") throw new TypeError(`pulumi-rekko: ${fn} needs an options object.`);
  if (typeof options.onEvent !== "function" && (!options.on || typeof options.on !== "object")) {
    throw new TypeError(`pulumi-rekko: ${fn} needs \`onEvent\` or \`on\` handlers.`);
  }
  if (typeof options.secrets !== "function" && secretList(options.secrets).length === 0) {
    throw new TypeError(`pulumi-rekko: ${fn} needs at least one non-empty secret (\`secrets\`).`);
  }
  if (options.repeats !== undefined && !REPEAT_POLICIES.includes(options.repeats)) {
    throw new TypeError(`pulumi-rekko: ${fn}: \`repeats\` is "flag" (the default), "suppress" or "off".`);
  }
  if ("dedupe" in options) {
    // Earlier versions suppressed repeats by default (`dedupe`), which dropped distinct events.
    throw new TypeError(
      `pulumi-rekko: ${fn}: \`dedupe\` was replaced by \`repeats\` ("flag", the default, "suppress" or "off") and \`repeatWindow\`.`,
    );
  }
}
