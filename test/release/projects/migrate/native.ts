// After: the native provider's resources through its Node.js SDK (@pulumi-rekko/rekko), each
// aliased to the dynamic resource it replaces, so the engine moves the state over and calls
// nothing that registers, deletes or rotates.
import * as pulumi from "@pulumi/pulumi";
import * as rekko from "@pulumi-rekko/rekko";

const config = new pulumi.Config();

const alerts = new rekko.Webhook(
  "alerts",
  {
    url: "http://127.0.0.1:9/migrate/alerts",
    events: ["whale_alert", "price_shift"],
    secret: config.requireSecret("alertsSecret"),
  },
  // RekkoWebhook's type token.
  { aliases: [{ type: "pulumi-nodejs:dynamic/rekko:RekkoWebhook" }] },
);

const signed = new rekko.WebhookWithSecret(
  "signed",
  {
    url: "http://127.0.0.1:9/migrate/signed",
    events: ["analysis_complete"],
  },
  // RekkoWebhookWithSecret's URN. A component of a provider takes its alias as a URN; its
  // passwords and its webhook follow it.
  { aliases: [pulumi.createUrn("signed", "rekko:index:RekkoWebhookWithSecret")] },
);

export const alertsId = alerts.webhookId;
export const signedId = signed.webhookId;
export const acceptedSecrets = signed.acceptedSecrets;
