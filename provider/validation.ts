import { EVENT_TYPES, isEventType } from "./events";

/** The string the Pulumi engine sends for a value not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True for the preview placeholder. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** A check failure: which input property, and why (with the fix). */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** What `check` needs to know about its surroundings. */
export interface CheckContext {
  /** The API base is on loopback (local development), so loopback/http receivers are allowed. */
  allowLocalReceivers: boolean;
}

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

function ipv4Parts(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

function ipv4Kind(parts: number[]): "loopback" | "private" | undefined {
  const [a = 0, b = 0] = parts;
  if (a === 127) return "loopback";
  if (a === 0 || a === 10 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31)) return "private";
  if ((a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224) return "private";
  return undefined;
}

function expandIpv6(input: string): number[] | undefined {
  let host = input;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(host);
  if (v4?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Parts(v4[1]) ?? [-1];
    if (a < 0) return undefined;
    host = `${host.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = host.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves[1] ? halves[1].split(":") : [];
  if (![...head, ...tail].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const zeros = new Array<string>(halves.length === 2 ? fill : 0).fill("0");
  return [...head, ...zeros, ...tail].map((g) => Number.parseInt(g, 16));
}

/**
 * Classifies a URL host (as `URL.hostname` gives it) without any DNS lookup:
 * `loopback` (localhost, 127/8, ::1), `private` (RFC 1918, link-local, CGNAT, unique-local,
 * unspecified, multicast, and IPv4-mapped forms of those) or `public`.
 */
export function hostKind(hostname: string): "loopback" | "private" | "public" {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  const v4 = ipv4Parts(host);
  if (v4) return ipv4Kind(v4) ?? "public";
  if (!host.includes(":")) return "public";
  const g = expandIpv6(host);
  if (!g) return "private";
  const [g0 = 0, , , , , g5 = 0, g6 = 0, g7 = 0] = g;
  if (g.slice(0, 7).every((x) => x === 0) && g7 === 1) return "loopback";
  if (g.every((x) => x === 0)) return "private";
  const nat64 = g0 === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  const mapped = nat64 || (g.slice(0, 5).every((x) => x === 0) && (g5 === 0xffff || (g5 === 0 && g6 !== 0)));
  if (mapped) {
    const kind = ipv4Kind([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]);
    if (kind) return kind;
    return g5 === 0xffff || nat64 ? "public" : "private";
  }
  // Other forms that embed an IPv4 address: IPv4-translated ::ffff:0:a.b.c.d (RFC 2765) and
  // 6to4 2002:aabb:ccdd::/48; a private or loopback one inside makes the address private.
  const translated = g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && g5 === 0;
  const [, g1 = 0, g2 = 0] = g;
  const embedded = translated ? [g6, g7] : g0 === 0x2002 ? [g1, g2] : undefined;
  if (embedded && ipv4Kind(embedded.flatMap((x = 0) => [x >> 8, x & 0xff]))) return "private";
  // Local-use NAT64 64:ff9b:1::/48 (RFC 8215) and the deprecated site-local fec0::/10 are private too.
  if ((g0 === 0x64 && g1 === 0xff9b && g2 === 1) || (g0 & 0xffc0) === 0xfec0) return "private";
  if ((g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80 || (g0 & 0xff00) === 0xff00) return "private";
  return "public";
}

/** Checks a receiver URL; returns the reason it is refused, or undefined when it is fine. */
export function urlProblem(value: unknown, ctx: CheckContext): string | undefined {
  const fix = "Give the absolute https:// URL of your receiver, e.g. https://hooks.example.com/rekko.";
  if (typeof value !== "string") return `url must be a string, got ${show(value)}. ${fix}`;
  if (value.length === 0) return `url is empty. ${fix}`;
  if (value.length > MAX_URL_LENGTH) return `url is ${value.length} characters long; the limit is ${MAX_URL_LENGTH}. ${fix}`;
  if (CONTROL_OR_SPACE.test(value)) return `url ${show(value)} contains spaces or control characters. ${fix}`;
  if (INVISIBLE.test(value)) {
    return `url ${show(value)} contains invisible or bidirectional formatting characters (zero-width, bidi override, soft hyphen). ${fix}`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `url ${show(value)} is not an absolute URL. ${fix}`;
  }
  if (url.username || url.password) {
    return "url must not carry a user name or password (user:password@host): Rekko signs each delivery instead; verify it with the signing secret.";
  }
  if (url.hash || value.includes("#")) return `url ${show(value)} has a #fragment, which is never sent to a server. Remove it.`;
  const kind = hostKind(url.hostname);
  if (url.protocol === "http:") {
    if (ctx.allowLocalReceivers && kind === "loopback") return undefined;
    return `url ${show(value)} uses http; Rekko delivers only to https. Use https:// (plain http is allowed only for a loopback receiver while the API itself is on loopback, as with the local emulator).`;
  }
  if (url.protocol !== "https:") return `url ${show(value)} uses the ${url.protocol} scheme. ${fix}`;
  if (kind === "loopback" && !ctx.allowLocalReceivers) {
    return `url ${show(value)} points to this machine (${url.hostname}), which the Rekko API cannot reach. Use a public https host (loopback receivers are allowed only against a local emulator).`;
  }
  if (kind === "private") {
    return `url ${show(value)} points to a private, link-local or reserved address (${url.hostname}), which the Rekko API cannot reach. Use a public https host.`;
  }
  return undefined;
}

/** Checks the event list; returns the reason it is refused, or undefined. Unknown entries pass. */
export function eventsProblem(value: unknown): string | undefined {
  const names = EVENT_TYPES.join(", ");
  if (!Array.isArray(value)) return `events must be a list of event types (${names}), got ${show(value)}.`;
  if (value.length === 0) return `events is empty. List at least one of: ${names}.`;
  const seen = new Set<string>();
  for (const [i, e] of value.entries()) {
    if (isUnknown(e)) continue;
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
  const failures: CheckFailure[] = [];
  const inputs: Record<string, unknown> = { ...news };
  const add = (property: string, reason: string | undefined) => {
    if (reason) failures.push({ property, reason });
  };
  if (news.url === undefined) add("url", "url is required: the https URL that receives the webhook deliveries.");
  else if (!isUnknown(news.url)) add("url", urlProblem(news.url, ctx));
  if (news.events === undefined) add("events", `events is required: a list of ${EVENT_TYPES.join(", ")}.`);
  else if (!isUnknown(news.events)) add("events", eventsProblem(news.events));
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
