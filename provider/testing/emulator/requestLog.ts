/** The emulator's request log: what was asked, what was answered, keys masked. */

/** One line of the request log. Keys are masked. */
export interface LoggedRequest {
  time: string;
  method: string;
  path: string;
  status: number;
  key: string | null;
  faults: string[];
}

/** `rk_pro_…abcd`: enough to tell keys apart, never the key. */
export function maskKey(key: string | null | undefined): string | null {
  if (!key) return null;
  const tier = /^(rk_[a-z]+_)/.exec(key)?.[1] ?? "";
  return `${tier}…${key.slice(-4)}`;
}

/** The last `limit` requests, oldest first. */
export class RequestLog {
  private readonly lines: LoggedRequest[] = [];

  /** `now` stamps each line (the emulator's clock, ms since the epoch). */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly limit = 20_000,
  ) {}

  /** Appends one request; the key is masked here. */
  add(method: string, path: string, status: number, key: string | null, faults: string[]): void {
    this.lines.push({ time: new Date(this.now()).toISOString(), method, path, status, key: maskKey(key), faults });
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }

  /** A copy of the log. */
  list(): LoggedRequest[] {
    return this.lines.map((r) => ({ ...r, faults: [...r.faults] }));
  }

  clear(): void {
    this.lines.length = 0;
  }
}
