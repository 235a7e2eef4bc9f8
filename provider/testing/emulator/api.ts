/**
 * The documented Rekko API: `GET`/`POST /v1/webhooks`, `DELETE /v1/webhooks/{id}` and
 * `GET /v1/customers/me`, with their auth, rate-limit and quota answers.
 */
import type { IncomingMessage } from "node:http";
import { type Billing, countsAsDeep, type QuotaRefusal } from "./billing";
import { BodyError, readBody } from "./http";
import type { ListLag } from "./listLag";
import type { RateWindows } from "./rateLimit";
import { ownerOf, publicInfo, type WebhookStore } from "./store";
import { parseRegistration } from "./unprocessable";

/** Sends the answer (or drops the connection, when a fault says so). */
export type Answer = (status: number, body: unknown, headers?: Record<string, string>) => void;

/** What the API routes work on. */
export interface ApiContext {
  store: WebhookStore;
  rate: RateWindows;
  billing: Billing;
  lag: ListLag;
  apiKeys: readonly string[];
  maxBodyBytes: number;
  /** Store urls as a WHATWG URL serialises them. */
  normalizeUrls: boolean;
}

const CUSTOMER = "/v1/customers/me";

/**
 * Serves one request of the documented API. `key` is the bearer key, if any. A call is billed
 * once it passes the key and rate checks (whatever it then answers: 404 and 422 included);
 * over the quota it is refused with the quota 429 and not billed.
 */
export async function serveApi(
  ctx: ApiContext,
  req: IncomingMessage,
  method: string,
  path: string,
  key: string | null,
  answer: Answer,
): Promise<void> {
  const customer = path === CUSTOMER;
  const collection = path === "/v1/webhooks" || path === "/v1/webhooks/";
  const item = /^\/v1\/webhooks\/([^/]+)$/.exec(path);
  const allowed = customer ? ["GET"] : collection ? ["GET", "POST"] : ["DELETE"];
  if (!(collection && method === "POST")) req.resume();
  if (!customer && !collection && !item) return answer(404, { detail: "Not Found" });
  if (!allowed.includes(method)) return answer(405, { detail: "Method Not Allowed" }, { allow: allowed.join(", ") });
  const refuse = (status: number, body: unknown, headers?: Record<string, string>) => {
    req.resume();
    answer(status, body, headers);
  };
  if (!key || !ctx.apiKeys.includes(key)) {
    return refuse(401, { detail: key ? "Invalid API key" : "Missing API key. Send Authorization: Bearer <key>." });
  }
  const wait = ctx.rate.take(key);
  if (wait !== undefined) {
    return refuse(429, { detail: `Rate limit exceeded. Try again in ${wait} seconds.` }, { "retry-after": String(wait) });
  }
  let refusal: QuotaRefusal | undefined;
  if (customer) refusal = ctx.billing.charge(key, "listing");
  else if (countsAsDeep(ctx.billing.deepCounts, method)) refusal = ctx.billing.charge(key, "deep");
  if (refusal) return refuse(refusal.status, refusal.body, refusal.headers);
  if (customer) return answer(200, ctx.billing.account(key));
  if (item) {
    let id: string;
    try {
      id = decodeURIComponent(item[1] ?? "");
    } catch {
      // A malformed %-escape cannot name a webhook: 404 like any unknown id, not a 500.
      return answer(404, { detail: "Webhook not found" });
    }
    const gone = ctx.store.delete(key, id);
    if (!gone) return answer(404, { detail: "Webhook not found" });
    ctx.lag.deleted(gone);
    return answer(200, { status: "deleted", webhook_id: id });
  }
  if (method === "GET") return answer(200, ctx.lag.view(ctx.store.ownedBy(key), ownerOf(key)).map(publicInfo));
  let raw: Buffer;
  try {
    raw = await readBody(req, ctx.maxBodyBytes);
  } catch (err) {
    return answer(err instanceof BodyError ? err.status : 400, { detail: (err as Error).message });
  }
  const parsed = parseRegistration(req.headers["content-type"], raw);
  if ("detail" in parsed) return answer(422, parsed);
  const url = ctx.normalizeUrls ? new URL(parsed.url).href : parsed.url;
  const hook = ctx.store.create(key, { ...parsed, url });
  ctx.lag.created(hook);
  answer(200, publicInfo(hook));
}
