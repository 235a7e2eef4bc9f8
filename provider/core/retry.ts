/** Retry timing: the server's `Retry-After`, and exponential backoff with jitter. Pure. */

/** Parses `Retry-After` (seconds or an HTTP/ISO date) into ms from `now`. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const when = Date.parse(text);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}

/**
 * The wait before retry number `attempt` (1 = after the first attempt): `baseMs` doubled per
 * attempt, capped at `maxMs`, with "equal jitter" (between half and all of it), so clients
 * that failed together do not retry together.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
