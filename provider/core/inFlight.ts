/**
 * The creates a session has under way, so that an unanswered one can wait for its siblings
 * (same url and events) before deciding, and decisions are made one at a time.
 */
import { sameEventSet } from "./events";
import { sameWebhookUrl } from "./urls";
import type { WebhookRegistration } from "./webhookInfo";

/**
 * One create under way: `sending` until it is answered or its outcome becomes unknown;
 * `abandoned` when it failed with its outcome unknown, so a webhook it may have stored is
 * held by no one.
 */
export interface PendingCreate {
  readonly registration: WebhookRegistration;
  state: "sending" | "unknown" | "abandoned" | "done";
  /** Resolves when the create leaves `sending`. */
  readonly sent: Promise<void>;
  readonly leaveSending: () => void;
}

function alike(a: WebhookRegistration, b: WebhookRegistration): boolean {
  return sameWebhookUrl(a.url, b.url) && sameEventSet(a.events, b.events);
}

/** The creates of one session that are under way. */
export class InFlightCreates {
  private readonly pending = new Set<PendingCreate>();
  private turn: Promise<unknown> = Promise.resolve();

  /** Notes a create about to be sent. Call {@link done} when it ends, however it ends. */
  begin(registration: WebhookRegistration): PendingCreate {
    let leaveSending = () => {};
    const sent = new Promise<void>((resolve) => {
      leaveSending = resolve;
    });
    const create: PendingCreate = { registration, state: "sending", sent, leaveSending };
    this.pending.add(create);
    return create;
  }

  /** The create's outcome became unknown: siblings stop waiting for it. */
  unknown(create: PendingCreate): void {
    create.state = "unknown";
    create.leaveSending();
  }

  /**
   * The create ended: answered or adopted (`ok`), or failed. One that failed with its outcome
   * unknown stays known to the session as `abandoned` (see {@link hasUnknownRival}).
   */
  done(create: PendingCreate, ok: boolean): void {
    create.leaveSending();
    if (!ok && create.state === "unknown") {
      create.state = "abandoned";
      return;
    }
    create.state = "done";
    this.pending.delete(create);
  }

  /**
   * Resolves once every sibling of `create` (same url and events) that is still being sent has
   * been answered (and its id recorded as held) or has itself become unknown.
   */
  async siblingsAnswered(create: PendingCreate): Promise<void> {
    const waiting = [...this.pending].filter(
      (p) => p !== create && p.state === "sending" && alike(p.registration, create.registration),
    );
    await Promise.all(waiting.map((p) => p.sent));
  }

  /**
   * True when another create of this session with the same url and events but another secret
   * is unanswered too, or failed unanswered: a webhook the list shows may then be either one's,
   * and taking it could sign deliveries with the other resource's secret.
   */
  hasUnknownRival(create: PendingCreate): boolean {
    return [...this.pending].some(
      (p) =>
        p !== create &&
        (p.state === "unknown" || p.state === "abandoned") &&
        alike(p.registration, create.registration) &&
        p.registration.secret !== create.registration.secret,
    );
  }

  /** Runs `decide` after every decision started before it, so each sees the ids the earlier ones took. */
  exclusive<T>(decide: () => Promise<T>): Promise<T> {
    const run = this.turn.then(decide);
    this.turn = run.catch(() => undefined);
    return run;
  }
}
