import * as pulumi from "@pulumi/pulumi";
import { type RekkoEventType, RekkoWebhook } from "pulumi-rekko";

/** One declared webhook; its signing secret is `hookSecrets[name]` (a secret config object). */
interface Hook {
  name: string;
  url: string;
  events: RekkoEventType[];
}

const config = new pulumi.Config();
const hooks = config.requireObject<Hook[]>("hooks");
const secrets = config.requireSecretObject<Record<string, string>>("hookSecrets");

const made: Record<string, RekkoWebhook> = {};
for (const h of hooks) {
  made[h.name] = new RekkoWebhook(h.name, {
    url: h.url,
    events: h.events,
    secret: secrets.apply((all) => all[h.name] ?? ""),
  });
}

export const webhookIds = Object.fromEntries(Object.entries(made).map(([k, w]) => [k, w.webhookId]));
