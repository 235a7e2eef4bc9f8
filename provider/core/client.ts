import got, { type Got, type RequestError, type Response } from "got";
import { RekkoConflictError, RekkoError, RekkoNetworkError, RekkoResponseError } from "./errors";
import { sameEventSet } from "./events";
import { delay, RateLimiter } from "./rateLimit";
import { errorFromResponse, isQuotaResponse } from "./responses";
import { DEFAULT_MAX_REQUESTS_PER_MINUTE, type Settings } from "./settings";
import { USER_AGENT } from "./version";

/** A webhook as the API lists it (`WebhookInfo`); the secret is never returned. */
export interface WebhookInfo {
  webhook_id: string;
  url: string;
  events: string[];
  enabled: boolean;
  failure_count: number;
  created_at: string;
}

/** The body of `POST /v1/webhooks`. */
export interface WebhookRegistration {
  url: string;
  events: string[];
  secret: string;
}

/** Options of {@link RekkoClient}. */
export interface ClientOptions {
  /** API base, e.g. `https://api.rekko.ai`. */
  baseUrl: string;
  /** Bearer key. */
  apiKey: string;
  /** Client-side rate limit of this client, requests a minute. Default {@link DEFAULT_MAX_REQUESTS_PER_MINUTE}. */
  maxRequestsPerMinute?: number;
  /** Attempts per call, the first included. Default 6. */
  maxAttempts?: number;
  /** First backoff delay in ms (doubles each attempt, with jitter). Default 250. */
  baseDelayMs?: number;
  /** Longest single wait in ms, also the cap on `Retry-After`. Default 30000. */
  maxDelayMs?: number;
  /** Connect timeout in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Whole-request timeout in ms. Default 30000. */
  requestTimeoutMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** The limiter to share with other clients; default: a new one at `maxRequestsPerMinute`. */
  limiter?: RateLimiter;
  /** Ids held already (created or adopted by this session): an unanswered POST never adopts one of them. */
  claimed?: Set<string>;
  /** Called once per retry, for logs and figures. */
  onRetry?: (info: { request: string; attempt: number; delayMs: number; reason: string }) => void;
}

/** Options of {@link RekkoClient.createWebhook}. */
export interface UnknownCreateOptions {
  /**
   * Ids of every webhook that existed before this create began (a list taken earlier, plus the
   * ids the caller holds). After an unknown outcome only a webhook outside this set can be the
   * one this create registered, so a webhook being replaced (same url and events) is never
   * taken for it. Default: a `GET /v1/webhooks` taken just before the POST.
   */
  existing?: ReadonlySet<string>;
}

/** Several webhooks may be the one an unanswered POST registered: adopting any could keep the wrong one. */
function ambiguousCreate(request: string, candidates: WebhookInfo[]): RekkoConflictError {
  const ids = candidates.map((w) => w.webhook_id).join(", ");
  return new RekkoConflictError(
    `${request} got no answer, and ${candidates.length} webhooks with this url and events appeared since it began (${ids}); ` +
      "one may be this create's, the others someone else's, so none was adopted. Run `pulumi stack export | pulumi-rekko-orphans` " +
      "(with the export of every stack using this key) to see which no stack holds, delete those with `--delete --id <id>`, " +
      "then run `pulumi up` again.",
    { request },
  );
}

type Outcome = { kind: "ok"; response: Response<string> } | { kind: "retry"; error: RekkoError; delayMs?: number; sent: boolean };

const SAFE_NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** Parses `Retry-After` (seconds or an HTTP/ISO date) into ms from now. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const when = Date.parse(text);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}

/**
 * A 3xx answer: the API never redirects, and a followed or ignored redirect could report a
 * DELETE done while the webhook stays. The Location is shown without credentials or query.
 */
function redirectError(status: number, location: string | undefined, request: string, baseUrl: string): RekkoResponseError {
  let target = "no Location header";
  if (location) {
    try {
      const url = new URL(location, baseUrl);
      // origin + path: no user:password, and a query (which may hold a token) only as "?…".
      target = `Location ${url.origin}${url.pathname}${url.search ? "?…" : ""}`;
    } catch {
      target = "an unreadable Location header";
    }
  }
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
    throw new RekkoResponseError(`${request} answered with a body that is not JSON.`, {
      request,
      cause,
    });
  }
}

function asWebhook(value: unknown, request: string): WebhookInfo {
  const v = (value ?? {}) as Partial<WebhookInfo>;
  if (typeof v.webhook_id !== "string" || typeof v.url !== "string" || !Array.isArray(v.events)) {
    throw new RekkoResponseError(`${request} answered a webhook without webhook_id, url or events.`, {
      request,
    });
  }
  return {
    webhook_id: v.webhook_id,
    url: v.url,
    events: v.events.map(String),
    enabled: v.enabled ?? true,
    failure_count: v.failure_count ?? 0,
    created_at: typeof v.created_at === "string" ? v.created_at : "",
  };
}

/**
 * The Rekko webhook API client, on a configured `got` instance: bearer auth, a
 * `User-Agent`, timeouts, a process-wide rate limit, bounded retries with backoff and
 * jitter honouring `Retry-After`, and creates that look for their webhook in the list before
 * sending again (the API has no idempotency key: see {@link RekkoClient.createWebhook}).
 */
export class RekkoClient {
  private readonly http: Got;
  private readonly opts: Required<Omit<ClientOptions, "limiter" | "onRetry" | "claimed">> & Pick<ClientOptions, "onRetry">;
  private readonly limiter: RateLimiter;
  /** Ids this client's session holds (created or adopted): never adopted twice. */
  readonly claimed: Set<string>;

  /** A client for resolved settings (the one way the providers and the CLI build one). */
  static fromSettings(settings: Settings & { apiKey: string }, overrides: Partial<ClientOptions> = {}): RekkoClient {
    return new RekkoClient({
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      maxRequestsPerMinute: settings.maxRequestsPerMinute,
      ...overrides,
    });
  }

  constructor(given: ClientOptions) {
    // An option given as `undefined` means "not set": it must not override a default
    // (`maxAttempts: undefined` would otherwise retry forever, `requestTimeoutMs: undefined` drop the timeout).
    const options = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as ClientOptions;
    this.opts = {
      maxRequestsPerMinute: DEFAULT_MAX_REQUESTS_PER_MINUTE,
      maxAttempts: 6,
      baseDelayMs: 250,
      maxDelayMs: 30_000,
      connectTimeoutMs: 5_000,
      requestTimeoutMs: 30_000,
      sleep: delay,
      ...options,
    };
    this.limiter = options.limiter ?? new RateLimiter(this.opts.maxRequestsPerMinute);
    this.claimed = options.claimed ?? new Set<string>();
    this.http = got.extend({
      prefixUrl: `${options.baseUrl.replace(/\/+$/, "")}/`,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        "user-agent": USER_AGENT,
        accept: "application/json",
      },
      timeout: { connect: this.opts.connectTimeoutMs, request: this.opts.requestTimeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: "text",
    });
  }

  /** `GET /v1/webhooks`: every webhook of the key. */
  async listWebhooks(): Promise<WebhookInfo[]> {
    const request = "GET /v1/webhooks";
    const body = await this.call(request, () => this.http.get("v1/webhooks"));
    if (!Array.isArray(body)) {
      throw new RekkoResponseError(`${request} did not answer a list.`, { request });
    }
    return body.map((w) => asWebhook(w, request));
  }

  /** `GET /v1/customers/me`: the account's plan, usage, quotas and reset date, as answered. Rekko may bill it as a LISTING call. */
  async getCustomer(): Promise<unknown> {
    return this.call("GET /v1/customers/me", () => this.http.get("v1/customers/me"));
  }

  /**
   * `POST /v1/webhooks`. Retried only when the server cannot have acted (refused, 429).
   * When the outcome is unknown (timeout, dropped connection, 5xx), the list is read and the
   * one webhook with this url and events that did not exist before the create began (not in
   * `existing`) and is held by no one in this session (`claimed`) is adopted; with none, the
   * POST is sent again; with several, it fails naming them (see {@link UnknownCreateOptions}).
   *
   * The API has no idempotency key, so this prevents a duplicate only when the server stored
   * the webhook before that list: one it stores later (a gateway 504 while the backend still
   * works) is registered a second time by the next POST, and the first is held by no resource
   * (`pulumi-rekko-orphans` lists it as a duplicate). A webhook with the same url and events
   * created by someone else in that window, while this POST stored nothing, can be taken for it.
   */
  async createWebhook(registration: WebhookRegistration, options: UnknownCreateOptions = {}): Promise<WebhookInfo> {
    const request = "POST /v1/webhooks";
    // Without a snapshot from the caller, take one now: only a webhook missing from it can be this create's.
    const existing = options.existing ?? new Set((await this.listWebhooks()).map((w) => w.webhook_id));
    const body = await this.call(
      request,
      () => this.http.post("v1/webhooks", { json: registration }),
      async () => {
        const candidates = (await this.listWebhooks()).filter(
          (w) =>
            !existing.has(w.webhook_id) &&
            !this.claimed.has(w.webhook_id) &&
            w.url === registration.url &&
            sameEventSet(w.events, registration.events),
        );
        if (candidates.length > 1) throw ambiguousCreate(request, candidates);
        return candidates[0];
      },
    );
    const info = asWebhook(body, request);
    this.claimed.add(info.webhook_id);
    return info;
  }

  /** Marks an adopted id as held by this session. */
  claim(id: string): void {
    this.claimed.add(id);
  }

  /** `DELETE /v1/webhooks/{id}`. Returns false when it was already gone (404). */
  async deleteWebhook(id: string): Promise<boolean> {
    const request = `DELETE /v1/webhooks/${id}`;
    try {
      await this.call(request, () => this.http.delete(`v1/webhooks/${encodeURIComponent(id)}`));
      return true;
    } catch (err) {
      if (err instanceof RekkoError && err.status === 404) return false;
      throw err;
    }
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }

  private async attempt(request: string, send: () => Promise<Response<string>>): Promise<Outcome> {
    await this.limiter.acquire();
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
      return { kind: "retry", error, sent: !beforeSend };
    }
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
      return { kind: "retry", error, delayMs: retryAfterMs(retryAfter), sent: false };
    }
    if (status >= 500 || status === 408) return { kind: "retry", error, delayMs: retryAfterMs(retryAfter), sent: true };
    throw error;
  }

  private async call<T>(
    request: string,
    send: () => Promise<Response<string>>,
    reconcile?: () => Promise<T | undefined>,
  ): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(request, send);
      if (outcome.kind === "ok") return parseJson(outcome.response.body, request);
      if (attempt >= this.opts.maxAttempts) {
        // The last attempt may have acted too (dropped after storing, 5xx after sending): look
        // once more before giving up, or the webhook would exist with no one holding it.
        if (reconcile && outcome.sent) {
          // A failed look keeps the original error; an ambiguous one is the better message.
          const found = await reconcile().catch((e: unknown) => {
            if (e instanceof RekkoConflictError) throw e;
            return undefined;
          });
          if (found !== undefined) return found;
        }
        throw outcome.error;
      }
      const wait = Math.min(this.opts.maxDelayMs, outcome.delayMs ?? this.backoff(attempt));
      this.opts.onRetry?.({ request, attempt, delayMs: wait, reason: outcome.error.message });
      await this.opts.sleep(wait);
      if (reconcile && outcome.sent) {
        const found = await reconcile();
        if (found !== undefined) return found;
      }
    }
  }
}
