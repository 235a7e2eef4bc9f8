// Duplicate suppression for receivers. Rekko signs no timestamp, so a bounded, time-limited
// memory of body hashes is also the replay window the handlers protect.

/** The outcome a duplicate shares with the delivery it repeats. */
export interface SharedOutcome {
  status: number;
}

/** A bounded, time-limited set of seen body hashes (insertion-ordered Map), plus the deliveries in flight. */
export class SeenBodies {
  private readonly seen = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<SharedOutcome>>();
  /**
   * @param size - most hashes remembered; the oldest is forgotten first. Default 10,000.
   * @param ttlMs - how long a hash is remembered, ms. Default 600,000 (10 minutes).
   * @param now - the clock, ms (for tests).
   */
  constructor(
    private readonly size = 10_000,
    private readonly ttlMs = 600_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `key` was recorded within the TTL. */
  has(key: string): boolean {
    const at = this.seen.get(key);
    return at !== undefined && this.now() - at <= this.ttlMs;
  }

  /** Records `key` now, evicting expired and over-size entries. */
  add(key: string): void {
    const t = this.now();
    for (const [k, at] of this.seen) {
      if (t - at <= this.ttlMs && this.seen.size <= this.size) break;
      this.seen.delete(k);
    }
    this.seen.delete(key);
    this.seen.set(key, t);
    if (this.seen.size > this.size) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  /** Records `key`; true when it was already seen within the TTL. */
  checkAndAdd(key: string): boolean {
    if (this.has(key)) return true;
    this.add(key);
    return false;
  }

  /** Forgets `key` (used when handling failed, so a retry is processed). */
  forget(key: string): void {
    this.seen.delete(key);
  }

  /**
   * Runs `work` for a body at most once at a time: a body seen within the TTL gets
   * `duplicate()` without running anything; a body arriving while the same body is in
   * `work` waits for it and gets its outcome (so when the first copy fails, the second
   * fails too and Rekko retries, instead of the event being acknowledged and lost).
   * A body is remembered only once `work` answered 200.
   */
  async once<R extends SharedOutcome>(key: string, work: () => Promise<R>, duplicate: (shared?: R) => R): Promise<R> {
    if (this.has(key)) return duplicate();
    const pending = this.inFlight.get(key) as Promise<R> | undefined;
    if (pending) return duplicate(await pending);
    const run = work();
    this.inFlight.set(key, run);
    try {
      const outcome = await run;
      if (outcome.status === 200) this.add(key);
      return outcome;
    } finally {
      this.inFlight.delete(key);
    }
  }
}
