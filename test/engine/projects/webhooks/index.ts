import * as pulumi from "@pulumi/pulumi";
import { type RekkoEventType, RekkoWebhook } from "pulumi-rekko";

interface Hook {
  name: string;
  url: string;
  events: RekkoEventType[];
  /** Use the secret config value `hookSecret` (+ this suffix) as the signing secret. */
  secretSuffix?: string;
  /** Pass a plain (non-secret) string as the signing secret, to check it still ends up secret. */
  plainSecret?: boolean;
  adoptWebhookId?: string;
}

const config = new pulumi.Config();
const hooks = config.requireObject<Hook[]>("hooks");
const hookSecret = config.getSecret("hookSecret");

const made: Record<string, RekkoWebhook> = {};
for (const h of hooks) {
  const secret =
    (h.plainSecret ? `plain-text-secret-for-${h.name}-123` : undefined) ??
    (h.secretSuffix !== undefined && hookSecret ? hookSecret.apply((s) => `${s}${h.secretSuffix}`) : undefined);
  made[h.name] = new RekkoWebhook(h.name, {
    url: h.url,
    events: h.events,
    ...(secret !== undefined ? { secret } : {}),
    ...(h.adoptWebhookId ? { adoptWebhookId: h.adoptWebhookId } : {}),
  });
}

export const webhookIds = Object.fromEntries(Object.entries(made).map(([k, w]) => [k, w.webhookId]));
export const secrets = Object.fromEntries(Object.entries(made).map(([k, w]) => [k, w.secret]));
export const enabled = Object.fromEntries(Object.entries(made).map(([k, w]) => [k, w.enabled]));
