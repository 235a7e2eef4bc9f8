import * as pulumi from "@pulumi/pulumi";
import { type RekkoEventType, RekkoWebhook, RekkoWebhookWithSecret } from "pulumi-rekko";

interface Hook {
  name: string;
  url: string;
  events: RekkoEventType[];
  /** Use the secret config value `hookSecret` (+ this suffix) as the signing secret. */
  secretSuffix?: string;
  /** Pass a plain (non-secret) string as the signing secret, to check it still ends up secret. */
  plainSecret?: boolean;
  adoptWebhookId?: string;
  /** Use the secret config value `secretUrl` as the url (a receiver URL holding a token). */
  secretUrl?: boolean;
  /** Take the url from this environment variable (a plain value that is in no config). */
  urlEnv?: string;
  /** Take a plain (non-secret) signing secret from this environment variable. */
  secretEnv?: string;
  /** Declare a RekkoWebhookWithSecret (generated secret) at this rotation instead of a RekkoWebhook. */
  withSecret?: boolean;
  rotation?: number;
  replaceWhenDisabled?: boolean;
  /** Pass adoptWebhookId as an Output (known only at deploy time), not a plain string. */
  adoptLate?: boolean;
}

const config = new pulumi.Config();
const hooks = config.requireObject<Hook[]>("hooks");
const hookSecret = config.getSecret("hookSecret");
const secretUrl = config.getSecret("secretUrl");

const made: Record<string, RekkoWebhook> = {};
for (const h of hooks) {
  if (h.withSecret) {
    made[h.name] = new RekkoWebhookWithSecret(h.name, {
      url: h.url,
      events: h.events,
      ...(h.rotation !== undefined ? { rotation: h.rotation } : {}),
      ...(h.replaceWhenDisabled !== undefined ? { replaceWhenDisabled: h.replaceWhenDisabled } : {}),
    }).webhook;
    continue;
  }
  const secret =
    (h.plainSecret ? `plain-text-secret-for-${h.name}-123` : undefined) ??
    (h.secretEnv ? (process.env[h.secretEnv] ?? "") : undefined) ??
    (h.secretSuffix !== undefined && hookSecret ? hookSecret.apply((s) => `${s}${h.secretSuffix}`) : undefined);
  made[h.name] = new RekkoWebhook(h.name, {
    url: h.secretUrl && secretUrl ? secretUrl : h.urlEnv ? (process.env[h.urlEnv] ?? "") : h.url,
    events: h.events,
    ...(secret !== undefined ? { secret } : {}),
    ...(h.adoptWebhookId ? { adoptWebhookId: h.adoptLate ? pulumi.output(h.adoptWebhookId) : h.adoptWebhookId } : {}),
    ...(h.replaceWhenDisabled !== undefined ? { replaceWhenDisabled: h.replaceWhenDisabled } : {}),
  });
}

export const webhookIds = Object.fromEntries(Object.entries(made).map(([k, w]) => [k, w.webhookId]));
export const secrets = Object.fromEntries(Object.entries(made).map(([k, w]) => [k, w.secret]));
export const enabled = Object.fromEntries(Object.entries(made).map(([k, w]) => [k, w.enabled]));
