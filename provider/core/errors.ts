/** Stable error codes of this package. */
export type RekkoErrorCode =
  | "ERR_REKKO_CONFIG"
  | "ERR_REKKO_AUTH"
  | "ERR_REKKO_PLAN"
  | "ERR_REKKO_VALIDATION"
  | "ERR_REKKO_RATE_LIMIT"
  | "ERR_REKKO_NOT_FOUND"
  | "ERR_REKKO_CONFLICT"
  | "ERR_REKKO_KEY_MISMATCH"
  | "ERR_REKKO_SERVER"
  | "ERR_REKKO_NETWORK"
  | "ERR_REKKO_RESPONSE"
  | "ERR_REKKO_CANCELLED";

/** Details of a failed API call, without credentials. */
export interface RekkoErrorDetails {
  /** HTTP status, when the server answered. */
  status?: number;
  /** `METHOD /path` of the call. */
  request?: string;
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * Base class of every error this package throws. `code` is stable across versions;
 * the message says what failed and what to do. The `stack` is the message alone, so
 * the Pulumi CLI prints one clear line instead of a trace.
 */
export abstract class RekkoError extends Error {
  override name = "RekkoError";
  /** The stable code of this kind of error; each subclass fixes its own. */
  abstract readonly code: RekkoErrorCode;
  readonly status: number | undefined;
  readonly request: string | undefined;

  constructor(message: string, details: RekkoErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.request = details.request;
    // Read lazily: a subclass's `code` field is set only after this constructor returns.
    Object.defineProperty(this, "stack", {
      get: () => `${this.code}: ${this.message}`,
      set: () => {},
      enumerable: false,
      configurable: true,
    });
  }
}

/** A provider setting, as the stack config names it. */
export type RekkoSetting = "rekko:baseUrl" | "rekko:apiKey" | "rekko:maxRequestsPerMinute";

/**
 * Missing or invalid settings (API key, base URL, rate), or an input the provider cannot act on.
 * `setting` names the setting the error is about (as stripe's errors carry `param`), so callers
 * report the failure under it without reading the message; undefined when it is about no setting.
 */
export class RekkoConfigError extends RekkoError {
  override name = "RekkoConfigError";
  override readonly code = "ERR_REKKO_CONFIG";
  readonly setting: RekkoSetting | undefined;
  constructor(message: string, details: RekkoErrorDetails & { setting?: RekkoSetting } = {}) {
    super(message, details);
    this.setting = details.setting;
  }
}

/** 401: the API key is missing or not valid. */
export class RekkoAuthenticationError extends RekkoError {
  override name = "RekkoAuthenticationError";
  override readonly code = "ERR_REKKO_AUTH";
}

/** 403, or a quota 429: the key's plan does not include webhooks. */
export class RekkoPlanError extends RekkoError {
  override name = "RekkoPlanError";
  override readonly code = "ERR_REKKO_PLAN";
}

/** What a monthly quota 429 said: the tier, the usage and the reset date, as far as the answer gave them. */
export interface RekkoQuotaDetails {
  /** The billing tier whose quota ran out, e.g. `DEEP` (webhook calls are DEEP-tier). */
  tier: string;
  /** Calls of that tier used this month. */
  used: number | undefined;
  /** Calls of that tier the plan allows a month. */
  limit: number | undefined;
  /** The day the quota resets (`YYYY-MM-DD`, UTC), from the detail or the ISO `Retry-After`. */
  resetsOn: string | undefined;
}

/**
 * A quota 429: the key's monthly quota of a tier is used up. Retrying before `resetsOn` cannot
 * succeed, so it fails at once (a rate-limit 429, in seconds, is retried instead).
 */
export class RekkoQuotaError extends RekkoPlanError implements RekkoQuotaDetails {
  override name = "RekkoQuotaError";
  readonly tier: string;
  readonly used: number | undefined;
  readonly limit: number | undefined;
  readonly resetsOn: string | undefined;
  constructor(message: string, quota: RekkoQuotaDetails, details: RekkoErrorDetails = {}) {
    super(message, details);
    this.tier = quota.tier;
    this.used = quota.used;
    this.limit = quota.limit;
    this.resetsOn = quota.resetsOn;
  }
}

/** One field the API refused. */
export interface RekkoFieldError {
  /** Dotted location, e.g. `body.url`. */
  field: string;
  /** The server's message. */
  message: string;
}

/** 422: the API refused the request body. */
export class RekkoValidationError extends RekkoError {
  override name = "RekkoValidationError";
  override readonly code = "ERR_REKKO_VALIDATION";
  readonly fields: RekkoFieldError[];
  constructor(message: string, fields: RekkoFieldError[], details: RekkoErrorDetails = {}) {
    super(message, details);
    this.fields = fields;
  }
}

/** 429 rate limit still answered after every retry. */
export class RekkoRateLimitError extends RekkoError {
  override name = "RekkoRateLimitError";
  override readonly code = "ERR_REKKO_RATE_LIMIT";
}

/** 404 where a webhook was expected. */
export class RekkoNotFoundError extends RekkoError {
  override name = "RekkoNotFoundError";
  override readonly code = "ERR_REKKO_NOT_FOUND";
}

/** The declared webhook conflicts with what the API holds (adoption mismatch). */
export class RekkoConflictError extends RekkoError {
  override name = "RekkoConflictError";
  override readonly code = "ERR_REKKO_CONFLICT";
}

/** The configured API key is not the one that registered a webhook in the state (fingerprints differ). */
export class RekkoKeyMismatchError extends RekkoError {
  override name = "RekkoKeyMismatchError";
  override readonly code = "ERR_REKKO_KEY_MISMATCH";
}

/** 5xx still answered after every retry. */
export class RekkoServerError extends RekkoError {
  override name = "RekkoServerError";
  override readonly code = "ERR_REKKO_SERVER";
}

/** The API could not be reached (DNS, refused, reset, timeout) after every retry. */
export class RekkoNetworkError extends RekkoError {
  override name = "RekkoNetworkError";
  override readonly code = "ERR_REKKO_NETWORK";
}

/** The API answered something this package cannot read. */
export class RekkoResponseError extends RekkoError {
  override name = "RekkoResponseError";
  override readonly code = "ERR_REKKO_RESPONSE";
}

/** A call that failed was not retried because the caller cancelled (the client's `signal` aborted, e.g. Ctrl-C). */
export class RekkoCancelledError extends RekkoError {
  override name = "RekkoCancelledError";
  override readonly code = "ERR_REKKO_CANCELLED";
}
