import { EVENT_TYPES, isEventType } from "./events";
import { classifyHost } from "./hosts";

/** A check failure: which input property, and why (with the fix). */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** What `check` needs to know about its surroundings. */
export interface CheckContext {
  /** The API base is on loopback (local development), so loopback/http receivers are allowed. */
  allowLocalReceivers: boolean;
  /**
   * Recognises a value not known yet (a preview placeholder of the calling face); such values
   * pass unchecked. Default: nothing is pending.
   */
  isPending?: (value: unknown) => boolean;
}

const nothingPending = (_value: unknown) => false;

const MAX_URL_LENGTH = 2048;
const MIN_SECRET_LENGTH = 16;
const MAX_SECRET_LENGTH = 1024;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds.
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f\u2028\u2029]/;
/** Invisible and bidirectional formatting characters: a url holding one is not the url its owner sees. */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/;
const WEBHOOK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function show(value: unknown, max = 80): string {
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

/** A secret shown in messages: never its characters, only its length. */
export function maskSecret(value: unknown): string {
  return typeof value === "string" ? `(secret, ${value.length} chars)` : `(a ${typeof value})`;
}

/**
 * Checks a receiver URL; returns the reason it is refused, or undefined when it is fine. The
 * reason never repeats the url or any part of it (its user:password, host, path or query): a
 * receiver URL often carries a token, may be a Pulumi secret, and the engine masks only whole
 * secret values. It names the kind of problem, and for a host the IANA range it falls in.
 */
export function urlProblem(value: unknown, ctx: CheckContext): string | undefined {
  const fix = "Give the absolute https:// URL of your receiver, e.g. https://hooks.example.com/rekko.";
  if (typeof value !== "string") return `url must be a string, got ${value === null ? "null" : `a ${typeof value}`}. ${fix}`;
  if (value.length === 0) return `url is empty. ${fix}`;
  if (value.length > MAX_URL_LENGTH) return `url is ${value.length} characters long; the limit is ${MAX_URL_LENGTH}. ${fix}`;
  const at = (re: RegExp) => ` (at character ${value.search(re) + 1} of ${value.length})`;
  if (CONTROL_OR_SPACE.test(value)) return `url contains spaces or control characters${at(CONTROL_OR_SPACE)}. ${fix}`;
  if (INVISIBLE.test(value)) {
    return `url contains invisible or bidirectional formatting characters (zero-width, bidi override, soft hyphen)${at(INVISIBLE)}. ${fix}`;
  }
  if (!URL.canParse(value)) return `url is not an absolute URL. ${fix}`;
  const url = new URL(value);
  if (url.username || url.password) {
    return "url must not carry a user name or password (user:password@host): Rekko signs each delivery instead; verify it with the signing secret.";
  }
  if (url.hash || value.includes("#")) return "url has a #fragment, which is never sent to a server. Remove it.";
  const host = classifyHost(url.hostname);
  if (url.protocol === "http:") {
    if (ctx.allowLocalReceivers && host.kind === "loopback") return undefined;
    return "url uses http; Rekko delivers only to https. Use https:// (plain http is allowed only for a loopback receiver while the API itself is on loopback, as with the local emulator).";
  }
  if (url.protocol !== "https:") return `url uses the ${url.protocol} scheme. ${fix}`;
  if (host.kind === "loopback" && !ctx.allowLocalReceivers) {
    return `url points to this machine (${host.ip ? "a loopback address" : "a localhost name"}), which the Rekko API cannot reach. Use a public https host (loopback receivers are allowed only against a local emulator).`;
  }
  if (host.kind === "private") {
    return `url points to a private, link-local or reserved address (IANA special-purpose range: ${host.range}), which the Rekko API cannot reach. Use a public https host.`;
  }
  return undefined;
}

/** Checks the event list; returns the reason it is refused, or undefined. Unknown entries pass. */
export function eventsProblem(value: unknown, isPending: (value: unknown) => boolean = nothingPending): string | undefined {
  const names = EVENT_TYPES.join(", ");
  if (!Array.isArray(value)) return `events must be a list of event types (${names}), got ${show(value)}.`;
  if (value.length === 0) return `events is empty. List at least one of: ${names}.`;
  const seen = new Set<string>();
  for (const [i, e] of value.entries()) {
    if (isPending(e)) continue;
    if (!isEventType(e)) return `events[${i}] is ${show(e)}, which is not a Rekko event type. Use one of: ${names}.`;
    if (seen.has(e)) return `events lists ${show(e)} twice. List each event type once.`;
    seen.add(e);
  }
  return undefined;
}

/** Checks an optional signing secret; messages never show it. */
export function secretProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return `secret must be a string, got ${maskSecret(value)}.`;
  if (value.length < MIN_SECRET_LENGTH || value.length > MAX_SECRET_LENGTH) {
    return `secret is ${maskSecret(value)}; it must be ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters. Use RekkoWebhookWithSecret, or a random.RandomPassword of length 32 or more.`;
  }
  if (CONTROL_OR_SPACE.test(value))
    return `secret ${maskSecret(value)} contains spaces or control characters. Use letters, digits and punctuation only.`;
  return undefined;
}

/** Checks an optional webhook id to adopt. */
export function adoptProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !WEBHOOK_ID.test(value)) {
    return `adoptWebhookId ${show(value)} is not a webhook id. Use the webhook_id that GET /v1/webhooks lists, e.g. wh-f47ac10b58cc.`;
  }
  return undefined;
}

/** The inputs of a webhook after `check`. */
export interface CheckedInputs {
  url: string;
  events: string[];
  secret?: string;
  adoptWebhookId?: string;
  [key: string]: unknown;
}

/**
 * The provider's `check`: validates and normalises with no network. Unknown (preview)
 * values pass. Every failure names the property, the bad value (secrets masked) and the fix.
 */
export function checkInputs(
  news: Record<string, unknown>,
  ctx: CheckContext,
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const isUnknown = ctx.isPending ?? nothingPending;
  const failures: CheckFailure[] = [];
  const inputs: Record<string, unknown> = { ...news };
  const add = (property: string, reason: string | undefined) => {
    if (reason) failures.push({ property, reason });
  };
  if (news.url === undefined) add("url", "url is required: the https URL that receives the webhook deliveries.");
  else if (!isUnknown(news.url)) add("url", urlProblem(news.url, ctx));
  if (news.events === undefined) add("events", `events is required: a list of ${EVENT_TYPES.join(", ")}.`);
  else if (!isUnknown(news.events)) add("events", eventsProblem(news.events, isUnknown));
  if (!isUnknown(news.secret)) {
    if (news.secret === "" || news.secret === null) delete inputs.secret;
    else add("secret", secretProblem(news.secret));
  }
  if (!isUnknown(news.adoptWebhookId)) {
    if (news.adoptWebhookId === "" || news.adoptWebhookId === null) delete inputs.adoptWebhookId;
    else add("adoptWebhookId", adoptProblem(news.adoptWebhookId));
  }
  return { inputs, failures };
}
