/**
 * The emulator's own clock: the machine's clock plus an offset the tests set (a server whose
 * clock runs ahead or behind, or a jump to the next billing month). It stamps `Date` headers,
 * `created_at`, the request log and the billing month.
 */
export class EmulatorClock {
  constructor(
    private offset = 0,
    private readonly machine: () => number = Date.now,
  ) {}

  /** Now on the emulator's clock, ms since the epoch. */
  now(): number {
    return this.machine() + this.offset;
  }

  /** How far the emulator's clock is ahead of the machine's (negative: behind), ms. */
  get offsetMs(): number {
    return this.offset;
  }

  /** Sets the offset from the machine's clock, ms. */
  setOffset(ms: number): void {
    this.offset = ms;
  }

  /** Moves the clock to `time` (ms since the epoch); it runs on from there. */
  setNow(time: number): void {
    this.offset = time - this.machine();
  }

  /** Moves the clock forward by `ms` (backward when negative). */
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** The API's timestamp shape: ISO 8601 with microseconds and `Z`. */
export function apiTimestamp(time: number): string {
  return new Date(time).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
