// Before: the dynamic resources of the pulumi-rekko package.
import * as pulumi from "@pulumi/pulumi";
import { RekkoWebhook, RekkoWebhookWithSecret } from "pulumi-rekko";

const config = new pulumi.Config();

const alerts = new RekkoWebhook("alerts", {
  url: "http://127.0.0.1:9/migrate/alerts",
  events: ["whale_alert", "price_shift"],
  secret: config.requireSecret("alertsSecret"),
});

const signed = new RekkoWebhookWithSecret("signed", {
  url: "http://127.0.0.1:9/migrate/signed",
  events: ["analysis_complete"],
});

export const alertsId = alerts.webhookId;
export const signedId = signed.webhookId;
export const acceptedSecrets = signed.acceptedSecrets;
