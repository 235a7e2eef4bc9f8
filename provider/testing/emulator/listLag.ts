/**
 * List lag: an API whose list is read from a replica that trails the writes. A created webhook
 * appears in `GET /v1/webhooks` only `ms` after its create was answered, and a deleted one
 * stays listed for as long. The writes themselves are immediate: a DELETE of a webhook just
 * created finds it, a second DELETE of a deleted one answers 404.
 */
import type { EmulatorClock } from "./clock";
import type { StoredWebhook } from "./store";

export class ListLag {
  private readonly visibleAt = new Map<string, number>();
  private ghosts: { hook: StoredWebhook; until: number }[] = [];

  constructor(
    private readonly clock: EmulatorClock,
    private lagMs = 0,
  ) {}

  get ms(): number {
    return this.lagMs;
  }

  /** Sets the lag for writes from now on. */
  setMs(ms: number): void {
    this.lagMs = ms;
  }

  /** A create was answered now. */
  created(hook: StoredWebhook): void {
    if (this.lagMs > 0) this.visibleAt.set(hook.webhook_id, this.clock.now() + this.lagMs);
  }

  /** A delete was answered now: the list keeps showing the webhook (as it was) for the lag. */
  deleted(hook: StoredWebhook): void {
    const shown = this.visibleAt.get(hook.webhook_id);
    this.visibleAt.delete(hook.webhook_id);
    const now = this.clock.now();
    // Never listed yet: the replica never saw it, so it never appears.
    if (this.lagMs > 0 && (shown === undefined || shown <= now)) {
      this.ghosts.push({ hook: { ...hook, events: [...hook.events] }, until: now + this.lagMs });
    }
  }

  /** What the list shows of `stored` (the owner's webhooks as they are), for the owner `owner`. */
  view(stored: readonly StoredWebhook[], owner: string): StoredWebhook[] {
    const now = this.clock.now();
    this.ghosts = this.ghosts.filter((g) => g.until > now);
    for (const [id, at] of this.visibleAt) if (at <= now) this.visibleAt.delete(id);
    const shown = stored.filter((w) => !this.visibleAt.has(w.webhook_id));
    return [...shown, ...this.ghosts.filter((g) => g.hook.owner === owner).map((g) => g.hook)];
  }

  /** Forgets what is in flight (everything is listed as it is). */
  clear(): void {
    this.visibleAt.clear();
    this.ghosts = [];
  }
}
