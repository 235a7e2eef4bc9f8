/**
 * Reading the Rekko API's error answers (FastAPI-shaped bodies): the one status → error-class
 * mapper, and the body parsing it needs.
 */
import {
  RekkoAuthenticationError,
  type RekkoError,
  type RekkoFieldError,
  RekkoNotFoundError,
  RekkoPlanError,
  type RekkoQuotaDetails,
  RekkoQuotaError,
  RekkoRateLimitError,
  RekkoResponseError,
  RekkoServerError,
  RekkoValidationError,
} from "./errors";

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
 * Reads a quota 429: `Monthly DEEP quota exceeded (10/10). Resets on 2027-01-01. …` and an ISO
 * `Retry-After` holding the reset moment. Whatever the detail leaves out stays undefined; the
 * reset day falls back to the `Retry-After` date (UTC).
 */
export function quotaDetails(body: unknown, retryAfter: string | undefined): RekkoQuotaDetails {
  const text = detailText(body) ?? "";
  const usage = /(\w+)\s+quota exceeded\s*\((\d+)\s*\/\s*(\d+)\)/i.exec(text);
  const tier = /\b(LISTING|INSIGHT|STRATEGY|DEEP)\b/i.exec(text)?.[1]?.toUpperCase() ?? "DEEP";
  let resetsOn = /Resets on (\d{4}-\d{2}-\d{2})/i.exec(text)?.[1];
  if (!resetsOn && retryAfter && !/^\s*\d+(\.\d+)?\s*$/.test(retryAfter)) {
    const when = Date.parse(retryAfter);
    if (!Number.isNaN(when)) resetsOn = new Date(when).toISOString().slice(0, 10);
  }
  return {
    tier: usage?.[1]?.toUpperCase() ?? tier,
    used: usage ? Number(usage[2]) : undefined,
    limit: usage ? Number(usage[3]) : undefined,
    resetsOn,
  };
}

function quotaError(body: unknown, request: string, retryAfter: string | undefined, said: string): RekkoQuotaError {
  const q = quotaDetails(body, retryAfter);
  const usage = q.used !== undefined && q.limit !== undefined ? ` (${q.used} of ${q.limit} calls used)` : "";
  const reset = q.resetsOn ? `it resets on ${q.resetsOn} (UTC)` : "it resets on the 1st of the month (UTC)";
  const plan =
    q.limit === 0
      ? `This key's plan has no ${q.tier} calls: webhooks need a Rekko Pro plan (free keys have no webhook quota).`
      : `Webhook calls count as ${q.tier} calls.`;
  return new RekkoQuotaError(
    `${request} was refused (429): the key's monthly ${q.tier} quota is used up${usage}; ${reset}. ${plan}${said} ` +
      "Run again after the reset, or raise the quota (a Pro plan, or paying per call); retrying sooner cannot succeed.",
    q,
    { status: 429, request },
  );
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
      `${request} was refused (401): the Rekko API key is missing or invalid.${said} Set a valid key with ` +
        "`pulumi config set --secret rekko:apiKey <key>` or the REKKO_API_KEY environment variable.",
      details,
    );
  }
  if (status === 429 && isQuotaResponse(body, retryAfter)) return quotaError(body, request, retryAfter, said);
  if (status === 403) {
    return new RekkoPlanError(
      `${request} was refused (403): webhooks need a Rekko Pro plan (free keys have no webhook quota).${said} ` +
        "Use an rk_pro_ key.",
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
      `${request} was rate limited (429) after every retry.${said} Lower rekko:maxRequestsPerMinute or run again later.`,
      details,
    );
  }
  if (status === 404) {
    return new RekkoNotFoundError(`${request} answered 404: not found.${said}`, details);
  }
  if (status >= 500) {
    return new RekkoServerError(
      `${request} failed with ${status} after every retry.${said} The Rekko API is having trouble; run again later.`,
      details,
    );
  }
  return new RekkoResponseError(`${request} failed with ${status}.${said}`, details);
}
