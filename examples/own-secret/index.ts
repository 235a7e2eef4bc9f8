import * as pulumi from "@pulumi/pulumi";
import { RekkoWebhook } from "pulumi-rekko";

const config = new pulumi.Config();

const hook = new RekkoWebhook("trading-signals", {
  url: config.require("receiverUrl"),
  events: ["price_shift", "whale_alert"],
  // pulumi config set --secret signingSecret <32+ random characters>
  secret: config.requireSecret("signingSecret"),
});

export const webhookId = hook.webhookId;
export const enabled = hook.enabled;
export const failureCount = hook.failureCount;
