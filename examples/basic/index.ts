import * as pulumi from "@pulumi/pulumi";
import { RekkoWebhookWithSecret } from "pulumi-rekko";

const config = new pulumi.Config();

const hook = new RekkoWebhookWithSecret("alerts", {
  url: config.require("receiverUrl"),
  events: ["whale_alert", "analysis_complete"],
});

export const webhookId = hook.webhookId;
export const signingSecret = hook.secret; // a secret stack output
