import { sameEventSet } from "./events";

/** A field whose change replaces the webhook: the API has no update. */
export type ReplacedField = "url" | "events" | "secret";

/**
 * The replace rules, with no network. `olds` are the old outputs (which echo the declared
 * inputs), `news` the new checked inputs. A change of url, events (as a set) or secret
 * replaces the webhook; a value still pending (preview) counts as a change.
 */
export function replacedFields(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  isPending: (value: unknown) => boolean = () => false,
): ReplacedField[] {
  const replaces: ReplacedField[] = [];
  if (isPending(news.url) || olds.url !== news.url) replaces.push("url");
  const a = olds.events;
  const b = news.events;
  if (!Array.isArray(a) || !Array.isArray(b) || b.some(isPending) || !sameEventSet(a, b)) replaces.push("events");
  const norm = (v: unknown) => (v === undefined || v === null ? "" : v);
  if (isPending(news.secret) || norm(olds.secret) !== norm(news.secret)) replaces.push("secret");
  return replaces;
}
