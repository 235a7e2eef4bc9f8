/** Stable error codes of this package. */
export type RekkoErrorCode =
  | "ERR_REKKO_CONFIG"
  | "ERR_REKKO_AUTH"
  | "ERR_REKKO_PLAN"
  | "ERR_REKKO_VALIDATION"
  | "ERR_REKKO_RATE_LIMIT"
  | "ERR_REKKO_NOT_FOUND"
  | "ERR_REKKO_CONFLICT"
  | "ERR_REKKO_SERVER"
  | "ERR_REKKO_NETWORK"
  | "ERR_REKKO_RESPONSE";

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
export class RekkoError extends Error {
  override name = "RekkoError";
  readonly code: RekkoErrorCode;
  readonly status: number | undefined;
  readonly request: string | undefined;

  constructor(code: RekkoErrorCode, message: string, details: RekkoErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.request = details.request;
    Object.defineProperty(this, "stack", { value: `${code}: ${message}`, enumerable: false, writable: true });
  }
}

/** Missing or invalid settings (API key, base URL). */
export class RekkoConfigError extends RekkoError {
  override name = "RekkoConfigError";
  constructor(message: string) {
    super("ERR_REKKO_CONFIG", message);
  }
}

/** 401: the API key is missing or not valid. */
export class RekkoAuthenticationError extends RekkoError {
  override name = "RekkoAuthenticationError";
}

/** 403, or a quota 429: the key's plan does not include webhooks. */
export class RekkoPlanError extends RekkoError {
  override name = "RekkoPlanError";
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
  readonly fields: RekkoFieldError[];
  constructor(message: string, fields: RekkoFieldError[], details: RekkoErrorDetails) {
    super("ERR_REKKO_VALIDATION", message, details);
    this.fields = fields;
  }
}

/** 429 rate limit still answered after every retry. */
export class RekkoRateLimitError extends RekkoError {
  override name = "RekkoRateLimitError";
}

/** 404 where a webhook was expected. */
export class RekkoNotFoundError extends RekkoError {
  override name = "RekkoNotFoundError";
}

/** The declared webhook conflicts with what the API holds (adoption mismatch). */
export class RekkoConflictError extends RekkoError {
  override name = "RekkoConflictError";
}

/** 5xx still answered after every retry. */
export class RekkoServerError extends RekkoError {
  override name = "RekkoServerError";
}

/** The API could not be reached (DNS, refused, reset, timeout) after every retry. */
export class RekkoNetworkError extends RekkoError {
  override name = "RekkoNetworkError";
}

/** The API answered something this package cannot read. */
export class RekkoResponseError extends RekkoError {
  override name = "RekkoResponseError";
}

function detailText(body: unknown): string | undefined {
  if (body && typeof body === "object" && "detail" in body) {
    const detail = (body as { detail: unknown }).detail;
    if (typeof detail === "string") return detail;
  }
  return undefined;
}

/** Reads FastAPI's 422 body into field errors. */
export function validationFields(body: unknown): RekkoFieldError[] {
  const detail = body && typeof body === "object" ? (body as { detail?: unknown }).detail : undefined;
  if (!Array.isArray(detail)) return [];
  return detail.map((item: unknown) => {
    const entry = (item ?? {}) as { loc?: unknown; msg?: unknown };
    const loc = Array.isArray(entry.loc) ? entry.loc.map(String).join(".") : "body";
    return { field: loc, message: typeof entry.msg === "string" ? entry.msg : "invalid" };
  });
}

/** True when a 429 is a monthly quota, not a short rate limit. */
export function isQuotaResponse(body: unknown, retryAfter: string | undefined, now = Date.now()): boolean {
  const text = detailText(body) ?? "";
  if (/quota/i.test(text)) return true;
  if (retryAfter && !/^\s*\d+(\.\d+)?\s*$/.test(retryAfter)) {
    const when = Date.parse(retryAfter);
    // A retry date more than 5 minutes ahead is a quota reset, not a rate limit.
    if (!Number.isNaN(when) && when - now > 5 * 60_000) return true;
  }
  return false;
}

/**
 * Maps an HTTP error answer to the matching error class, with a message that says
 * what to do. `request` is `METHOD /path` and never holds credentials.
 */
export function errorFromResponse(status: number, body: unknown, request: string, retryAfter?: string): RekkoError {
  const text = detailText(body);
  const said = text ? ` The API said: "${text}".` : "";
  const details = { status, request };
  if (status === 401) {
    return new RekkoAuthenticationError(
      "ERR_REKKO_AUTH",
      `${request} was refused (401): the Rekko API key is missing or invalid.${said} Set a valid key with ` +
        "`pulumi config set --secret rekko:apiKey <key>` or the REKKO_API_KEY environment variable.",
      details,
    );
  }
  if (status === 403 || (status === 429 && isQuotaResponse(body, retryAfter))) {
    return new RekkoPlanError(
      "ERR_REKKO_PLAN",
      `${request} was refused (${status}): webhooks need a Rekko Pro plan (free keys have no webhook quota).${said} ` +
        "Use an rk_pro_ key, or wait for the quota to reset.",
      details,
    );
  }
  if (status === 422) {
    const fields = validationFields(body);
    const lines = fields.map((f) => `  - ${f.field}: ${f.message}`).join("\n");
    return new RekkoValidationError(
      `${request} was refused (422): the API rejected the webhook; fix the listed inputs.${lines ? `\n${lines}` : said}`,
      fields,
      details,
    );
  }
  if (status === 429) {
    return new RekkoRateLimitError(
      "ERR_REKKO_RATE_LIMIT",
      `${request} was rate limited (429) after every retry.${said} Lower rekko:maxRequestsPerMinute or run again later.`,
      details,
    );
  }
  if (status === 404) {
    return new RekkoNotFoundError("ERR_REKKO_NOT_FOUND", `${request} answered 404: not found.${said}`, details);
  }
  if (status >= 500) {
    return new RekkoServerError(
      "ERR_REKKO_SERVER",
      `${request} failed with ${status} after every retry.${said} The Rekko API is having trouble; run again later.`,
      details,
    );
  }
  return new RekkoResponseError("ERR_REKKO_RESPONSE", `${request} failed with ${status}.${said}`, details);
}
