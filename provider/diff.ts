import { isUnknown } from "./validation";

/** The key under which the Node.js SDK stores the serialized provider. */
export const PROVIDER_KEY = "__provider";

/** What `diff` answers; `changes` is always set (see PULUMI-NOTES: never leave it undefined). */
export interface WebhookDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

function sameSecret(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === undefined || v === null ? "" : v);
  return !isUnknown(b) && norm(a) === norm(b);
}

function sameEvents(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  if (b.some(isUnknown)) return false;
  const left = new Set(a.map(String));
  const right = new Set(b.map(String));
  return left.size === right.size && [...left].every((e) => right.has(e));
}

/**
 * The provider's `diff`, with no network. `olds` are the old **outputs** (which echo the
 * inputs), `news` the new checked inputs. A change of url, events (as a set) or secret
 * replaces, create-before-delete so deliveries never stop. A change of the stored provider
 * code alone is an in-place no-op update, which rolls the code forward.
 */
export function diffWebhook(olds: Record<string, unknown>, news: Record<string, unknown>): WebhookDiff {
  const replaces: string[] = [];
  if (isUnknown(news.url) || olds.url !== news.url) replaces.push("url");
  if (!sameEvents(olds.events, news.events)) replaces.push("events");
  if (!sameSecret(olds.secret, news.secret)) replaces.push("secret");
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
  const codeChanged =
    news[PROVIDER_KEY] !== undefined && !isUnknown(news[PROVIDER_KEY]) && olds[PROVIDER_KEY] !== news[PROVIDER_KEY];
  return { changes: codeChanged, replaces: [], deleteBeforeReplace: false };
}
