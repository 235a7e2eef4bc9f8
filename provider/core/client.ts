/**
 * The Rekko API client: one method per documented call. HTTP, retries and the server clock
 * live in transport.ts; what an unanswered create did is decided in unknownCreate.ts. The
 * client returns what the API said and records nothing: a provider session decides what a
 * deployment holds (session.ts).
 */
import { RekkoError, RekkoResponseError } from "./errors";
import { delay, RateLimiter } from "./rateLimit";
import { DEFAULT_MAX_REQUESTS_PER_MINUTE, type Settings } from "./settings";
import { Transport } from "./transport";
import { decideUnknownCreate, type UnknownCreate } from "./unknownCreate";
import { asWebhook, type WebhookInfo, type WebhookRegistration } from "./webhookInfo";

export type { UnknownCreate } from "./unknownCreate";
export type { WebhookInfo, WebhookRegistration } from "./webhookInfo";

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
  /** Called once per retry, for logs and figures. */
  onRetry?: (info: { request: string; attempt: number; delayMs: number; reason: string }) => void;
  /**
   * Once aborted (a cancelled deployment), a failed call is not retried: it fails with
   * {@link RekkoCancelledError} at once, and a wait before a retry ends early. A POST whose
   * outcome is unknown is still reconciled first, so a webhook it registered is not lost.
   */
  signal?: AbortSignal;
}

/** Options of {@link RekkoClient.createWebhook}. */
export interface CreateOptions {
  /**
   * Decides what an unanswered POST did: the webhook to take as this create's, or undefined to
   * send the POST again (it may throw, e.g. when several webhooks may be this create's). A
   * provider session passes its own, which knows the ids its deployment holds and waits for
   * the creates it still has under way. Default: one list, decided with
   * {@link decideUnknownCreate} and no held ids.
   */
  reconcile?: (unknown: UnknownCreate) => Promise<WebhookInfo | undefined>;
}

/** Calls per billing tier (webhook calls are DEEP). */
export interface TierCounts {
  listing: number;
  insight: number;
  strategy: number;
  deep: number;
}

/** Monthly calls a plan allows per tier; `null` when a tier has no limit. */
export type TierQuotas = { [tier in keyof TierCounts]: number | null };

/** `GET /v1/customers/me`: the key's account, plan, this month's usage and quotas. */
export interface CustomerInfo {
  customer_id: string;
  email: string;
  /** `free` or `pro` (others may come). */
  plan: string;
  /** `active`, `past_due` or `canceled`. */
  status: string;
  /** Display-safe start of the key, e.g. `rk_pro_...`. */
  key_prefix: string;
  usage: TierCounts;
  quotas: TierQuotas;
  /** The day the quotas reset, `YYYY-MM-DD` (UTC). */
  resets_on: string;
}

const TIERS = ["listing", "insight", "strategy", "deep"] as const;

/** Reads a `CustomerInfo`; throws when plan, usage, quotas or resets_on are missing or not numbers. */
function asCustomer(value: unknown, request: string): CustomerInfo {
  const v = (value ?? {}) as Record<string, unknown>;
  const counts = <T>(x: unknown, ok: (n: unknown) => n is T): Record<(typeof TIERS)[number], T> | undefined => {
    const o = (x ?? {}) as Record<string, unknown>;
    return TIERS.every((t) => ok(o[t]))
      ? (Object.fromEntries(TIERS.map((t) => [t, o[t]])) as Record<(typeof TIERS)[number], T>)
      : undefined;
  };
  const usage = counts(v.usage, (n): n is number => typeof n === "number");
  const quotas = counts(v.quotas, (n): n is number | null => n === null || typeof n === "number");
  if (!usage || !quotas || typeof v.plan !== "string" || typeof v.resets_on !== "string") {
    throw new RekkoResponseError(`${request} answered without plan, usage, quotas or resets_on.`, { request });
  }
  const text = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : "");
  return {
    customer_id: text("customer_id"),
    email: text("email"),
    plan: v.plan,
    status: text("status"),
    key_prefix: text("key_prefix"),
    usage,
    quotas,
    resets_on: v.resets_on,
  };
}

/**
 * The Rekko webhook API client: bearer auth, a `User-Agent`, timeouts, a process-wide rate
 * limit, bounded retries with backoff and jitter honouring `Retry-After`, and creates that look
 * for their webhook in the list before sending again (see {@link RekkoClient.createWebhook}).
 */
export class RekkoClient {
  private readonly transport: Transport;

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
    this.transport = new Transport({
      maxAttempts: 6,
      baseDelayMs: 250,
      maxDelayMs: 30_000,
      connectTimeoutMs: 5_000,
      requestTimeoutMs: 30_000,
      sleep: delay,
      ...options,
      limiter: options.limiter ?? new RateLimiter(options.maxRequestsPerMinute ?? DEFAULT_MAX_REQUESTS_PER_MINUTE),
    });
  }

  /** `GET /v1/webhooks`: every webhook of the key. */
  async listWebhooks(): Promise<WebhookInfo[]> {
    const request = "GET /v1/webhooks";
    const body = await this.transport.call(request, () => this.transport.http.get("v1/webhooks"));
    if (!Array.isArray(body)) throw new RekkoResponseError(`${request} did not answer a list.`, { request });
    return body.map((w) => asWebhook(w, request));
  }

  /**
   * `POST /v1/webhooks`: one POST on the happy path, no list. Retried only when the server
   * cannot have acted (refused, rate-limit 429). When the outcome is unknown (timeout, dropped
   * connection, 5xx after sending), `options.reconcile` decides from a list taken afterwards
   * (see {@link CreateOptions} and unknownCreate.ts): the one webhook with this url and events
   * created while an unanswered attempt was under way is taken; with none, the POST is sent
   * again; with several, it fails naming them.
   *
   * The API has no idempotency key, so this cannot always tell: a webhook the server stores
   * after that list (a gateway 504 while the backend still works) is registered a second time by
   * the next POST (`pulumi-rekko-orphans` lists the first as a duplicate); and a webhook with
   * the same url and events that someone else created within the same few seconds, while this
   * POST stored nothing, can be taken for it.
   */
  async createWebhook(registration: WebhookRegistration, options: CreateOptions = {}): Promise<WebhookInfo> {
    const request = "POST /v1/webhooks";
    const reconcile =
      options.reconcile ??
      (async (unknown: UnknownCreate) => decideUnknownCreate(request, await this.listWebhooks(), unknown, new Set()));
    const body = await this.transport.call(
      request,
      () => this.transport.http.post("v1/webhooks", { json: registration }),
      (attempts) => reconcile({ registration, attempts, offset: () => this.transport.clock.offset() }),
    );
    return asWebhook(body, request);
  }

  /** `DELETE /v1/webhooks/{id}`. Returns false when it was already gone (404). */
  async deleteWebhook(id: string): Promise<boolean> {
    const request = `DELETE /v1/webhooks/${id}`;
    try {
      await this.transport.call(request, () => this.transport.http.delete(`v1/webhooks/${encodeURIComponent(id)}`));
      return true;
    } catch (err) {
      if (err instanceof RekkoError && err.status === 404) return false;
      throw err;
    }
  }

  /**
   * `GET /v1/customers/me`: the plan, this month's usage and quotas per tier, and the reset day.
   * Whether Rekko bills this call is not documented (it may count as a LISTING call).
   */
  async getCustomer(): Promise<CustomerInfo> {
    const request = "GET /v1/customers/me";
    return asCustomer(await this.transport.call(request, () => this.transport.http.get("v1/customers/me")), request);
  }
}
