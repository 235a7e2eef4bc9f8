/**
 * The API's clock as the client can know it: bounds on the offset (server time minus local
 * time) read from the `Date` header of the API's answers. A webhook's `created_at` is on the
 * server's clock, and an unanswered create is judged by it (see unknownCreate.ts).
 */

/** Bounds, in ms, on server time minus local time: the true offset lies in `[low, high]`. */
export interface ClockOffset {
  low: number;
  high: number;
}

/** `Date` has whole seconds: the server's time when it wrote the header lies in `[date, date + 1 s)`. */
const DATE_RESOLUTION_MS = 1000;

/**
 * The offset of the API's clock, narrowed by every answer: an answer sent at local `sentAt`,
 * received at `receivedAt` and dated `date` (second resolution) says the offset lies in
 * `[date − receivedAt, date + 1 s − sentAt]`. Answers are intersected, so the bounds narrow
 * to about a second or less; when a new answer does not fit the bounds (either clock was set
 * in between), the bounds restart from that answer.
 */
export class ServerClock {
  private bounds: ClockOffset | undefined;

  /** Notes an answer's `Date` header; ignores a missing or unreadable one. */
  observe(sentAt: number, receivedAt: number, date: string | string[] | undefined): void {
    const server = typeof date === "string" ? Date.parse(date) : Number.NaN;
    if (Number.isNaN(server)) return;
    const seen = { low: server - receivedAt, high: server + DATE_RESOLUTION_MS - sentAt };
    const b = this.bounds;
    if (!b || seen.low > b.high || seen.high < b.low) {
      this.bounds = seen;
      return;
    }
    this.bounds = { low: Math.max(b.low, seen.low), high: Math.min(b.high, seen.high) };
  }

  /** The bounds known so far, or undefined when no answer carried a readable `Date`. */
  offset(): ClockOffset | undefined {
    return this.bounds ? { ...this.bounds } : undefined;
  }
}
