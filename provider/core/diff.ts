import { sameEventSet } from "./events";
import { sameWebhookUrl } from "./urls";

/**
 * A reason to replace the webhook: a changed field (the API has no update), or `enabled`: the
 * last refresh saw it disabled and the API cannot turn it back on.
 */
export type ReplacedField = "url" | "events" | "secret" | "enabled";

/**
 * The replace rules, with no network. `olds` are the old outputs (which echo the declared
 * inputs), `news` the new checked inputs. A change of url (a spelling of the same endpoint,
 * such as the API's normalised form read at import, is no change), events (as a set) or secret
 * replaces the webhook; a value still pending (preview) counts as a change. A webhook whose old
 * outputs say `enabled: false` is replaced too, unless `news.replaceWhenDisabled` is false.
 */
export function replacedFields(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  isPending: (value: unknown) => boolean = () => false,
): ReplacedField[] {
  const replaces: ReplacedField[] = [];
  const sameUrl = typeof olds.url === "string" && typeof news.url === "string" && sameWebhookUrl(olds.url, news.url);
  if (isPending(news.url) || !sameUrl) replaces.push("url");
  const a = olds.events;
  const b = news.events;
  if (!Array.isArray(a) || !Array.isArray(b) || b.some(isPending) || !sameEventSet(a, b)) replaces.push("events");
  const norm = (v: unknown) => (v === undefined || v === null ? "" : v);
  if (isPending(news.secret) || norm(olds.secret) !== norm(news.secret)) replaces.push("secret");
  if (olds.enabled === false && news.replaceWhenDisabled !== false) replaces.push("enabled");
  return replaces;
}

/**
 * The warning for a webhook the last refresh saw disabled (`olds.enabled === false`), or
 * undefined: Rekko stops delivering after consecutive failures and the API cannot re-enable it,
 * so the plan replaces it (`replaces` holds `enabled`) unless `replaceWhenDisabled` is false.
 */
export function disabledWarning(
  id: string,
  olds: Record<string, unknown>,
  replaces: readonly ReplacedField[],
): string | undefined {
  if (olds.enabled !== false) return undefined;
  const failures = typeof olds.failureCount === "number" ? `${olds.failureCount}` : "too many";
  const seen = `Rekko webhook ${id} is disabled: Rekko stopped delivering to it after ${failures} consecutive failed deliveries (seen by the last refresh), and the API cannot re-enable it.`;
  return replaces.includes("enabled")
    ? `${seen} This update replaces it with a new webhook, created before the old one is deleted, so deliveries resume; fix the receiver first. Set replaceWhenDisabled: false to keep it as it is.`
    : `${seen} replaceWhenDisabled is false, so it stays disabled: remove that input (or replace the webhook) to get deliveries back.`;
}
