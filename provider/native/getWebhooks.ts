/** `rekko:index:getWebhooks`: the lookup function of the native provider. */
import { EVENT_TYPES, isEventType } from "../core/events";
import type { WebhookSession } from "../core/session";
import type { CheckFailure } from "../core/validation";
import { hide, revealProps, secretKeys } from "./protocol";

type Props = Record<string, unknown>;

/** What an invoke answers: the outputs, or failures naming the argument. */
export interface InvokeAnswer {
  outputs?: Props;
  failures: CheckFailure[];
}

/** A function of the native provider. */
export type NativeFunction = (session: WebhookSession, args: Props) => Promise<InvokeAnswer>;

/** One list call, filtered by url and event; with an argument that arrived secret, every output is secret. */
export const getWebhooks: NativeFunction = async (session, args) => {
  const { url, event } = revealProps(args);
  if (event !== undefined && event !== null && !isEventType(event)) {
    const reason = `event is ${JSON.stringify(event)}, which is not a Rekko event type. Use one of: ${EVENT_TYPES.join(", ")}.`;
    return { failures: [{ property: "event", reason }] };
  }
  const all = await session.api().listWebhooks();
  const matching = all.filter((w) => (url == null || w.url === url) && (event == null || w.events.includes(event)));
  const webhooks = matching.map((w) => ({
    webhookId: w.webhook_id,
    url: w.url,
    events: w.events,
    enabled: w.enabled,
    failureCount: w.failure_count,
    createdAt: w.created_at,
  }));
  const outputs = { webhooks, ids: webhooks.map((w) => w.webhookId) };
  return { outputs: secretKeys(args).length > 0 ? hide(outputs, Object.keys(outputs)) : outputs, failures: [] };
};
