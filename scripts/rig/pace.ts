import type { LoggedRequest } from "../../provider/testing";

/** How fast an operation's API requests were served, from the emulator's request log. */
export interface Pace {
  /** Requests answered with something other than 429. */
  served: number;
  /** 429 answers. */
  status429: number;
  /** First to last served request, ms. */
  spanMs: number;
  /** Time of the first served request (ms since the epoch); undefined when none was served. */
  firstAt: number | undefined;
  /** (served − 1) / span, a minute: the rate while requests flowed, burst included. */
  ratePerMinute: number;
  /**
   * The steady-state rate: from the last request of the client's initial burst to the last
   * request, (served − burst) / that span, a minute. 0 when there are too few requests.
   */
  steadyPerMinute: number;
}

/** The pace of the API requests (paths under /v1/) of a slice of the log, for a client burst of `burst`. */
export function paceOf(log: readonly LoggedRequest[], burst: number): Pace {
  const api = log.filter((r) => r.path.startsWith("/v1/"));
  const times = api
    .filter((r) => r.status !== 429)
    .map((r) => Date.parse(r.time))
    .sort((a, b) => a - b);
  const first = times[0];
  const last = times[times.length - 1];
  const spanMs = first !== undefined && last !== undefined ? last - first : 0;
  const steady = times.slice(Math.max(0, burst - 1));
  const steadyMs = (steady[steady.length - 1] ?? 0) - (steady[0] ?? 0);
  return {
    served: times.length,
    status429: api.filter((r) => r.status === 429).length,
    spanMs,
    firstAt: first,
    ratePerMinute: times.length > 1 && spanMs > 0 ? ((times.length - 1) * 60_000) / spanMs : 0,
    steadyPerMinute: steady.length > 1 && steadyMs > 0 ? ((steady.length - 1) * 60_000) / steadyMs : 0,
  };
}

/**
 * The least time a client with a token bucket of `perMinute` and `burst` needs for `n`
 * requests from the first to the last: (n − burst) / perMinute, ms (0 when n ≤ burst).
 */
export function pacingFloorMs(n: number, burst: number, perMinute: number): number {
  return (Math.max(0, n - burst) * 60_000) / perMinute;
}
