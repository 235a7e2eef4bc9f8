/** The documented Rekko webhook API: `GET`/`POST /v1/webhooks`, `DELETE /v1/webhooks/{id}`, with its auth, quota and rate-limit answers. */
import type { IncomingMessage } from "node:http";
import { BodyError, readBody } from "./http";
import type { RateWindows } from "./rateLimit";
import { publicInfo, type WebhookStore } from "./store";
import { parseRegistration } from "./unprocessable";

/** Sends the answer (or drops the connection, when a fault says so). */
export type Answer = (status: number, body: unknown, headers?: Record<string, string>) => void;

/** What the API routes work on. */
export interface ApiContext {
  store: WebhookStore;
  rate: RateWindows;
  apiKeys: readonly string[];
  maxBodyBytes: number;
}

/** The monthly quota answer free keys get: webhooks need Pro. */
function quotaAnswer(answer: Answer): void {
  const now = new Date();
  const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const day = reset.toISOString().slice(0, 10);
  answer(
    429,
    { detail: `Monthly DEEP quota exceeded (0/0). Resets on ${day}. Upgrade to Pro for webhooks.` },
    { "retry-after": reset.toISOString() },
  );
}

/** Serves one request of the documented API. `key` is the bearer key, if any. */
export async function serveApi(
  ctx: ApiContext,
  req: IncomingMessage,
  method: string,
  path: string,
  key: string | null,
  answer: Answer,
): Promise<void> {
  const collection = path === "/v1/webhooks" || path === "/v1/webhooks/";
  const item = /^\/v1\/webhooks\/([^/]+)$/.exec(path);
  const allowed = collection ? ["GET", "POST"] : ["DELETE"];
  const reads = collection && method === "POST";
  if (!reads) req.resume();
  if (!collection && !item) return answer(404, { detail: "Not Found" });
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
  if (key.startsWith("rk_free_")) {
    req.resume();
    return quotaAnswer(answer);
  }
  if (item) {
    let id: string;
    try {
      id = decodeURIComponent(item[1] ?? "");
    } catch {
      // A malformed %-escape cannot name a webhook: 404 like any unknown id, not a 500.
      return answer(404, { detail: "Webhook not found" });
    }
    if (!ctx.store.delete(key, id)) return answer(404, { detail: "Webhook not found" });
    return answer(200, { status: "deleted", webhook_id: id });
  }
  if (method === "GET") return answer(200, ctx.store.ownedBy(key).map(publicInfo));
  let raw: Buffer;
  try {
    raw = await readBody(req, ctx.maxBodyBytes);
  } catch (err) {
    return answer(err instanceof BodyError ? err.status : 400, { detail: (err as Error).message });
  }
  const parsed = parseRegistration(req.headers["content-type"], raw);
  if ("detail" in parsed) return answer(422, parsed);
  answer(200, publicInfo(ctx.store.create(key, parsed)));
}
