/**
 * What one deployment (a provider session) holds, with one writer: the session. The client
 * returns ids and records nothing here.
 */
import type { WebhookInfo } from "./webhookInfo";

/**
 * The ids a deployment holds, the ids its creates produced, and its one shared list.
 *
 * - `held`: every id a resource of this deployment holds (created, adopted, read, diffed,
 *   updated): never adopted again, neither by `adoptWebhookId` nor after an unanswered create.
 * - `made`: every id a create of this deployment adopted or returned. A delete of one of them
 *   in the same deployment is a replacement (`--replace`, a taint, a rename without an alias)
 *   that took the old resource's webhook again: it must not be deleted.
 * - `readopting`: `adoptWebhookId` values of resources this deployment replaces after a Diff:
 *   their create registers a new webhook instead of adopting the old one again.
 * - the list: one `GET /v1/webhooks` shared by every read, dropped after any change.
 */
export class Holdings {
  private readonly heldIds = new Set<string>();
  private readonly madeIds = new Set<string>();
  private readonly readoptIds = new Set<string>();
  private listing: Promise<WebhookInfo[]> | undefined;

  /** @param fetchList takes a fresh list (the client's `listWebhooks`), built lazily so no key is needed before a list. */
  constructor(private readonly fetchList: () => Promise<WebhookInfo[]>) {}

  /** Every id a resource of this deployment holds. */
  get held(): ReadonlySet<string> {
    return this.heldIds;
  }

  /** Notes that a resource of this deployment holds `id`. */
  hold(id: string): void {
    if (id) this.heldIds.add(id);
  }

  /** Notes that a create of this deployment returned or adopted `id` (it is held too). */
  made(id: string): void {
    this.hold(id);
    this.madeIds.add(id);
  }

  /** True when a create of this deployment returned or adopted `id`. */
  wasMade(id: string): boolean {
    return this.madeIds.has(id);
  }

  /** Notes that the resource adopting `id` is being replaced: its create registers anew. */
  readopting(id: string): void {
    this.readoptIds.add(id);
  }

  /** True (once) when a create adopting `id` is a replacement's, which registers a new webhook instead. */
  takeReadopting(id: string): boolean {
    return this.readoptIds.delete(id);
  }

  /**
   * Every webhook of the key: the shared list, taken once and reused until a change. `fresh`
   * takes a new one (and shares it from then on), for a decision that must see the latest state.
   */
  list(fresh = false): Promise<WebhookInfo[]> {
    if (!this.listing || fresh) {
      const pending = this.fetchList();
      this.listing = pending;
      pending.catch(() => {
        if (this.listing === pending) this.listing = undefined;
      });
    }
    return this.listing;
  }

  /** A change made by this deployment: the next read lists again. */
  changed(): void {
    this.listing = undefined;
  }
}
