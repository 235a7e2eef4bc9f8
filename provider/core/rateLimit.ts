/**
 * A token bucket: `perMinute` requests a minute on average, with a burst of a twelfth of that
 * ({@link burstFor}). One per provider session, shared by every request of that session, so a
 * large stack stays under the API's own limit instead of tripping 429s. Time comes from a
 * monotonic clock ({@link monotonicNow}) unless a test injects one.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  readonly perMinute: number;
  readonly burst: number;

  constructor(
    perMinute: number,
    private readonly now: () => number = monotonicNow,
    private readonly sleep: (ms: number) => Promise<void> = delay,
  ) {
    if (!Number.isFinite(perMinute) || perMinute <= 0) throw new RangeError("perMinute must be a positive number");
    this.perMinute = perMinute;
    this.burst = burstFor(perMinute);
    this.tokens = this.burst;
    this.last = now();
  }

  /** Resolves when a request may be sent. Calls are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute));
    }
  }
}

/** Milliseconds on a monotonic clock: a wall-clock step (NTP, a manual change) never stalls or bursts the bucket. */
export function monotonicNow(): number {
  return performance.now();
}

/** The burst a bucket of `perMinute` allows: a twelfth, at least 1. */
export function burstFor(perMinute: number): number {
  return Math.max(1, Math.floor(perMinute / 12));
}

/** Promise-based sleep. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
