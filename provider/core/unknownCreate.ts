/**
 * What an unanswered create did. The API has no idempotency key and never returns a secret,
 * so the list is the only evidence: a webhook with the create's url and events, created (by its
 * `created_at`, on the server's clock) while one of the create's unanswered attempts was under
 * way, and held by no resource of this deployment, may be the one it registered. Pure: the
 * caller lists and records.
 */
import { RekkoConflictError } from "./errors";
import { sameEventSet } from "./events";
import type { ClockOffset } from "./serverClock";
import type { UnknownAttempt } from "./transport";
import { sameWebhookUrl } from "./urls";
import type { WebhookInfo, WebhookRegistration } from "./webhookInfo";

/**
 * The clock-skew allowance, ms, added on both sides of an attempt's window. The API's offset
 * from this machine is measured, not assumed ({@link ServerClock}: to about a second, from its
 * `Date` headers), so the allowance covers only what that cannot see: a `created_at` written
 * to the whole second (up to 1 s early) and the API's hosts' clocks disagreeing among
 * themselves (NTP keeps them well within 1 s). It is bounded, so a webhook that another stack
 * with the same key, url and events registered more than a few seconds before this create was
 * sent, or after its outcome became unknown, is never taken for this create's.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 2_000;

/**
 * The offset assumed when no answer carried a readable `Date` header (RFC 9110 requires one of
 * an origin server with a clock): the clocks agree, within the allowance. If they do not, the
 * create's own webhook falls outside the window and the create is sent again: a duplicate
 * that `pulumi-rekko-orphans` lists, never another stack's webhook taken.
 */
const NO_DATE_OFFSET: ClockOffset = { low: 0, high: 0 };

/** A create whose outcome is unknown, as the client hands it to a reconciliation. */
export interface UnknownCreate {
  registration: WebhookRegistration;
  /** Every attempt of this create whose outcome is unknown so far (local clock). */
  attempts: readonly UnknownAttempt[];
  /** The API's clock offset as known now (after the reconciliation's own list, when read again). */
  offset: () => ClockOffset | undefined;
}

/** A window of `created_at` values, ms on the server's clock. */
export interface CreateWindow {
  from: number;
  to: number;
}

/** The server-clock windows in which the unknown attempts could have stored a webhook. */
export function createWindows(attempts: readonly UnknownAttempt[], offset: ClockOffset | undefined): CreateWindow[] {
  const { low, high } = offset ?? NO_DATE_OFFSET;
  return attempts.map((a) => ({
    from: a.sentAt + low - CLOCK_SKEW_ALLOWANCE_MS,
    to: a.unknownAt + high + CLOCK_SKEW_ALLOWANCE_MS,
  }));
}

/**
 * The listed webhooks that may be the one this create registered: same url (as the API may
 * normalise it) and events, `created_at` inside one of `windows`, and not in `held`. A webhook
 * without a readable `created_at` cannot be placed in time and is never taken.
 */
export function unknownCreateCandidates(
  listed: readonly WebhookInfo[],
  registration: WebhookRegistration,
  windows: readonly CreateWindow[],
  held: ReadonlySet<string>,
): WebhookInfo[] {
  return listed.filter((w) => {
    if (held.has(w.webhook_id)) return false;
    if (!sameWebhookUrl(w.url, registration.url) || !sameEventSet(w.events, registration.events)) return false;
    const at = Date.parse(w.created_at);
    return !Number.isNaN(at) && windows.some((win) => at >= win.from && at <= win.to);
  });
}

/** Several webhooks may be the one an unanswered POST registered: adopting any could keep the wrong one. */
export function ambiguousCreate(
  request: string,
  candidates: readonly WebhookInfo[],
  windows: readonly CreateWindow[],
): RekkoConflictError {
  const ids = candidates.map((w) => w.webhook_id).join(", ");
  const span = windows.map((w) => `${new Date(w.from).toISOString()} to ${new Date(w.to).toISOString()}`).join(", ");
  return new RekkoConflictError(
    `${request} got no answer, and ${candidates.length} webhooks with this url and events were created while it was under way ` +
      `(${ids}; created_at from ${span} on the API's clock, which includes a ${CLOCK_SKEW_ALLOWANCE_MS / 1000} s clock-skew allowance); ` +
      "one may be this create's, the others another deployment's or another resource's, so none was adopted. " +
      "Run `pulumi stack export | pulumi-rekko-orphans` (with the export of every stack using this key) to see which no stack holds, " +
      "delete those with `--delete --id <id>`, then run `pulumi up` again.",
    { request },
  );
}

/**
 * Decides an unanswered create from a list taken after it: the one candidate, undefined when
 * there is none (send again), or a {@link RekkoConflictError} naming them when there are several.
 */
export function decideUnknownCreate(
  request: string,
  listed: readonly WebhookInfo[],
  unknown: UnknownCreate,
  held: ReadonlySet<string>,
): WebhookInfo | undefined {
  const windows = createWindows(unknown.attempts, unknown.offset());
  const candidates = unknownCreateCandidates(listed, unknown.registration, windows, held);
  if (candidates.length > 1) throw ambiguousCreate(request, candidates, windows);
  return candidates[0];
}
