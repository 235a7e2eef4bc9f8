/** The API's webhook shapes, and reading them from an answer. */
import { RekkoResponseError } from "./errors";

/** A webhook as the API lists it (`WebhookInfo`); the secret is never returned. */
export interface WebhookInfo {
  webhook_id: string;
  url: string;
  events: string[];
  enabled: boolean;
  failure_count: number;
  /** ISO 8601, on the server's clock; "" when the API gave none. */
  created_at: string;
}

/** The body of `POST /v1/webhooks`. */
export interface WebhookRegistration {
  url: string;
  events: string[];
  secret: string;
}

/** Reads one `WebhookInfo` of an answer to `request`; throws when it has no id, url or events. */
export function asWebhook(value: unknown, request: string): WebhookInfo {
  const v = (value ?? {}) as Partial<WebhookInfo>;
  if (typeof v.webhook_id !== "string" || typeof v.url !== "string" || !Array.isArray(v.events)) {
    throw new RekkoResponseError(`${request} answered a webhook without webhook_id, url or events.`, { request });
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
