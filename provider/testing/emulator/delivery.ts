/** Delivering one event to one webhook, as Rekko does: a JSON POST signed with the webhook's secret. */
import { EVENT_TYPES, isEventType, type RekkoEventType } from "../../core/events";
import { SIGNATURE_HEADER, signPayload } from "../../receiver/signature";
import { defaultPayload } from "../payloads";
import type { EmulatedWebhook } from "./store";

/** The result of one delivery attempt. */
export interface DeliveryReport {
  webhook_id: string;
  url: string;
  ok: boolean;
  status: number | null;
  error: string | null;
  duration_ms: number;
  signature: string | null;
}

/**
 * POSTs `body` to the webhook's url (no redirects followed) with the signature header when it
 * has a secret, then updates its `failure_count`, and `enabled` once `disableAfter`
 * consecutive deliveries failed.
 */
export async function deliver(
  hook: EmulatedWebhook,
  body: string,
  timeoutMs: number,
  disableAfter: number,
): Promise<DeliveryReport> {
  const signature = hook.secret ? signPayload(body, hook.secret) : null;
  const started = Date.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    const response = await fetch(hook.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "rekko-emulator",
        ...(signature ? { [SIGNATURE_HEADER]: signature } : {}),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    await response.arrayBuffer().catch(() => undefined);
    if (status < 200 || status > 299) error = `HTTP ${status}`;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    error = e.name === "TimeoutError" ? "timeout" : (e.cause?.code ?? e.message);
  }
  const ok = error === null;
  hook.failure_count = ok ? 0 : hook.failure_count + 1;
  if (!ok && hook.failure_count >= disableAfter) hook.enabled = false;
  return { webhook_id: hook.webhook_id, url: hook.url, ok, status, error, duration_ms: Date.now() - started, signature };
}

/**
 * Delivers an event (the documented payload of `type` stamped `now`, with `data` over it) to
 * every enabled webhook of `hooks` subscribed to its type, at once. Throws on an unknown type.
 */
export function deliverEvent(
  hooks: readonly EmulatedWebhook[],
  type: RekkoEventType,
  data: Record<string, unknown>,
  now: Date,
  timeoutMs: number,
  disableAfter: number,
): Promise<DeliveryReport[]> {
  if (!isEventType(type)) throw new Error(`event type must be one of ${EVENT_TYPES.join(", ")}`);
  const body = JSON.stringify({ type, ...defaultPayload(type, now), ...data });
  const targets = hooks.filter((w) => w.enabled && w.events.includes(type));
  return Promise.all(targets.map((w) => deliver(w, body, timeoutMs, disableAfter)));
}
