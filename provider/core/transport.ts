/**
 * The HTTP side of the client: a configured `got` instance (bearer auth, `User-Agent`,
 * timeouts, no redirects), the shared rate limit, and bounded retries with backoff honouring
 * `Retry-After`. It tells a call that cannot have acted (refused connection, 429) from one
 * whose outcome is unknown (timeout, dropped connection, 5xx after sending), and hands the
 * latter to the caller's reconciliation before any retry. Every answer's `Date` header feeds
 * {@link ServerClock}.
 */
import type { Got, RequestError, Response } from "got";
import { RekkoCancelledError, RekkoConflictError, type RekkoError, RekkoNetworkError, RekkoResponseError } from "./errors";
import type { RateLimiter } from "./rateLimit";
import { errorFromResponse, isQuotaResponse } from "./responses";
import { backoffMs, retryAfterMs } from "./retry";
import { ServerClock } from "./serverClock";
import { displayUrl } from "./urls";
import { USER_AGENT } from "./version";

/** One attempt whose outcome is unknown: sent at local `sentAt`, given up at local `unknownAt` (ms since the epoch). */
export interface UnknownAttempt {
  sentAt: number;
  unknownAt: number;
}

/** What {@link Transport} needs, every field resolved. */
export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  limiter: RateLimiter;
  onRetry?: ((info: { request: string; attempt: number; delayMs: number; reason: string }) => void) | undefined;
  /** Aborted: no more retries (see `ClientOptions.signal`). */
  signal?: AbortSignal | undefined;
}

type Outcome =
  | { kind: "ok"; response: Response<string> }
  | { kind: "retry"; error: RekkoError; delayMs?: number | undefined; sent: boolean; sentAt: number };

/** Network failures that happen before a request leaves: the server cannot have acted. */
const SAFE_NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * A 3xx answer: the API never redirects, and a followed or ignored redirect could report a
 * DELETE done while the webhook stays. The Location is shown without credentials or query.
 */
function redirectError(status: number, location: string | undefined, request: string, baseUrl: string): RekkoResponseError {
  // origin + path (displayUrl): no user:password, and a query (which may hold a token) only as "?…".
  const resolved = location && URL.canParse(location, baseUrl) ? new URL(location, baseUrl).href : undefined;
  const target = !location
    ? "no Location header"
    : resolved
      ? `Location ${displayUrl(resolved)}`
      : "an unreadable Location header";
  return new RekkoResponseError(
    `${request} was answered ${status} (a redirect, ${target}); redirects are not followed, so the call did not take effect. ` +
      "Set rekko:baseUrl (or REKKO_BASE_URL) to the API's own address, e.g. https://api.rekko.ai, not one that redirects.",
    { status, request },
  );
}

function parseJson(text: string, request: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch (cause) {
    throw new RekkoResponseError(`${request} answered with a body that is not JSON.`, { request, cause });
  }
}

/** Requests to the Rekko API with the retry rules above. */
export class Transport {
  /** The API's clock, as its answers' `Date` headers tell it. */
  readonly clock = new ServerClock();
  readonly http: Got;

  constructor(private readonly opts: TransportOptions) {
    // Loaded with the first client, not with the module: a Pulumi program that only declares
    // webhooks, and a plugin that only serves its schema, never send a request.
    const got = (require("got") as typeof import("got")).default;
    this.http = got.extend({
      prefixUrl: `${opts.baseUrl.replace(/\/+$/, "")}/`,
      headers: { authorization: `Bearer ${opts.apiKey}`, "user-agent": USER_AGENT, accept: "application/json" },
      timeout: { connect: opts.connectTimeoutMs, request: opts.requestTimeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: "text",
    });
  }

  /**
   * Sends `request` until it is answered, retrying what may be retried, and returns the parsed
   * body. With `reconcile` (a call that may act, i.e. a POST), each attempt whose outcome is
   * unknown is followed, after the backoff, by `reconcile(attempts)` with every such attempt so
   * far: a value it returns is the call's result, undefined sends again. After the last attempt
   * it is asked once more before giving up, so an acted-on call is never left unheld.
   */
  async call<T>(
    request: string,
    send: () => Promise<Response<string>>,
    reconcile?: (attempts: readonly UnknownAttempt[]) => Promise<T | undefined>,
  ): Promise<unknown> {
    const unknown: UnknownAttempt[] = [];
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(request, send);
      if (outcome.kind === "ok") return parseJson(outcome.response.body, request);
      if (outcome.sent) unknown.push({ sentAt: outcome.sentAt, unknownAt: Date.now() });
      if (attempt >= this.opts.maxAttempts || this.cancelled()) {
        return this.lastLook(request, outcome.error, reconcile && outcome.sent ? () => reconcile(unknown) : undefined);
      }
      const wait = Math.min(
        this.opts.maxDelayMs,
        outcome.delayMs ?? backoffMs(attempt, this.opts.baseDelayMs, this.opts.maxDelayMs),
      );
      this.opts.onRetry?.({ request, attempt, delayMs: wait, reason: outcome.error.message });
      await this.untilCancelled(this.opts.sleep(wait));
      if (reconcile && outcome.sent) {
        const found = await reconcile(unknown);
        if (found !== undefined) return found;
      }
      if (this.cancelled()) throw this.cancelledError(request, outcome.error);
    }
  }

  /**
   * No more attempts (the last one failed, or the call was cancelled): the last attempt may have
   * acted too (dropped after storing, 5xx after sending), so `look` (the reconciliation) is asked
   * once more before giving up, or the webhook would exist with no one holding it.
   */
  private async lastLook<T>(request: string, error: RekkoError, look: (() => Promise<T | undefined>) | undefined): Promise<T> {
    if (look) {
      // A failed look keeps the original error; an ambiguous one is the better message.
      const found = await look().catch((e: unknown) => {
        if (e instanceof RekkoConflictError) throw e;
        return undefined;
      });
      if (found !== undefined) return found;
    }
    throw this.cancelled() ? this.cancelledError(request, error) : error;
  }

  private cancelled(): boolean {
    return this.opts.signal?.aborted === true;
  }

  private cancelledError(request: string, last: RekkoError): RekkoCancelledError {
    return new RekkoCancelledError(
      `${request} was not retried: the deployment was cancelled. The last attempt failed: ${last.message}`,
      { request, cause: last, ...(last.status !== undefined ? { status: last.status } : {}) },
    );
  }

  /** Waits for `wait`, or less when the call is cancelled meanwhile. */
  private untilCancelled(wait: Promise<void>): Promise<void> {
    const signal = this.opts.signal;
    if (!signal) return wait;
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      wait.then(done, done);
    });
  }

  private async attempt(request: string, send: () => Promise<Response<string>>): Promise<Outcome> {
    await this.opts.limiter.acquire();
    const sentAt = Date.now();
    let response: Response<string>;
    try {
      response = await send();
    } catch (err) {
      const e = err as RequestError & { event?: string };
      const code = e.code ?? "ERR_NETWORK";
      const beforeSend = SAFE_NETWORK_CODES.has(code) || (e.name === "TimeoutError" && e.event === "connect");
      const error = new RekkoNetworkError(
        `${request} could not reach the Rekko API (${code}). Check rekko:baseUrl and the network, then run again.`,
        // The cause keeps the code and message only: got's error holds the request options, key included.
        { request, cause: Object.assign(new Error(e.message), { code }) },
      );
      return { kind: "retry", error, sent: !beforeSend, sentAt };
    }
    this.clock.observe(sentAt, Date.now(), response.headers.date);
    const status = response.statusCode;
    if (status >= 300 && status < 400) throw redirectError(status, response.headers.location, request, this.opts.baseUrl);
    if (status < 300) return { kind: "ok", response };
    let body: unknown;
    try {
      body = response.body ? JSON.parse(response.body) : undefined;
    } catch {
      body = undefined;
    }
    const retryAfter = response.headers["retry-after"];
    const error = errorFromResponse(status, body, request, retryAfter);
    if (status === 429 && !isQuotaResponse(body, retryAfter)) {
      return { kind: "retry", error, delayMs: retryAfterMs(retryAfter), sent: false, sentAt };
    }
    if (status >= 500 || status === 408) return { kind: "retry", error, delayMs: retryAfterMs(retryAfter), sent: true, sentAt };
    throw error;
  }
}
