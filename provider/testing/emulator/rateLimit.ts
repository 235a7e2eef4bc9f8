/** The emulator's per-key rate limit: a sliding one-minute window, as the Rekko API answers it. */

/** Per-key windows of request times; `clock` is injectable for tests. */
export class RateWindows {
  private readonly windows = new Map<string, number[]>();

  constructor(
    private perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The limit in requests a minute (0 = off). */
  get limit(): number {
    return this.perMinute;
  }

  /** Sets the limit (0 = off) and forgets every window. */
  setLimit(perMinute: number): void {
    this.perMinute = perMinute;
    this.windows.clear();
  }

  /** Counts a request of `key`; returns the seconds to wait when it is over the limit (and not counted), else undefined. */
  take(key: string): number | undefined {
    if (this.perMinute <= 0) return undefined;
    const now = this.clock();
    const window = (this.windows.get(key) ?? []).filter((t) => now - t < 60_000);
    this.windows.set(key, window);
    if (window.length >= this.perMinute) return Math.max(1, Math.ceil((60_000 - (now - (window[0] ?? now))) / 1000));
    window.push(now);
    return undefined;
  }

  clear(): void {
    this.windows.clear();
  }
}
