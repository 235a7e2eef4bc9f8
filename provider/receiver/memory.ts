// The repeat memory of a receiver. Rekko's deliveries carry no delivery id and no signed
// timestamp (a `whale_alert` carries no time at all), so the bytes cannot tell a retry or a
// replay from a new event with the same content: the memory only knows that the same body was
// handled (answered 200) within its window, or is being handled now. What to do with such a
// delivery is the receiver's option: flag it (the default) or suppress it.

/** The outcome a suppressed repeat shares with the delivery it repeats. */
export interface SharedOutcome {
  status: number;
}

/** A bounded, time-limited memory of handled body hashes (an insertion-ordered Map), plus the deliveries in flight. */
export class RepeatMemory {
  private readonly seen = new Map<string, number>();
  private readonly inFlight = new Map<string, { count: number; outcome: Promise<SharedOutcome> }>();
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
  private has(key: string): boolean {
    const at = this.seen.get(key);
    return at !== undefined && this.now() - at <= this.ttlMs;
  }

  /** Records `key` now, evicting expired and over-size entries. */
  private add(key: string): void {
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

  /**
   * Runs `work` for one delivery of body `key`; `repeat` tells it whether the same body was
   * handled within the TTL or is being handled now. With `suppress`, such a delivery runs
   * nothing: a body handled within the TTL gets `suppress()`, and a body arriving while the
   * same body is in `work` waits for it and gets `suppress(its outcome)` (so when the first
   * copy fails, the second fails too and is delivered again, instead of being acknowledged
   * and lost). A body is remembered only once `work` answered 200.
   */
  async run<R extends SharedOutcome>(
    key: string,
    work: (repeat: boolean) => Promise<R>,
    suppress?: (shared?: R) => R,
  ): Promise<R> {
    const pending = this.inFlight.get(key);
    const repeat = pending !== undefined || this.has(key);
    if (repeat && suppress) return suppress(pending && ((await pending.outcome) as R));
    const outcome = work(repeat);
    const entry = pending ?? { count: 0, outcome };
    entry.count++;
    this.inFlight.set(key, entry);
    try {
      const answered = await outcome;
      if (answered.status === 200) this.add(key);
      return answered;
    } finally {
      if (--entry.count === 0) this.inFlight.delete(key);
    }
  }
}
