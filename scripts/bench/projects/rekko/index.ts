import * as pulumi from "@pulumi/pulumi";
import { RekkoWebhook } from "pulumi-rekko";

// `count` webhooks with the inputs the baseline project uses too (see ../baseline/index.ts).
const config = new pulumi.Config();
const count = config.requireNumber("count");

const hooks: RekkoWebhook[] = [];
for (let i = 0; i < count; i++) {
  hooks.push(
    new RekkoWebhook(`hook-${i}`, {
      url: `http://127.0.0.1:9/bench/${i}`,
      events: ["whale_alert", "price_shift"],
      secret: `bench-signing-secret-${i}-0123456789abcdef`,
    }),
  );
}

export const created = hooks.length;
export const firstId = hooks[0]?.webhookId;
