import * as pulumi from "@pulumi/pulumi";
import { RekkoWebhook, RekkoWebhookWithSecret } from "pulumi-rekko";

// What each operation costs in API calls, on the dynamic face: `count` webhooks (their urls end
// in `urlSuffix`, so changing it replaces them), `withSecret` RekkoWebhookWithSecret at `rotation`,
// and, with `adoptId`, one webhook adopted instead of registered. ../costs-native declares the same.
const config = new pulumi.Config();
const count = config.getNumber("count") ?? 0;
const suffix = config.get("urlSuffix") ?? "";
const withSecret = config.getNumber("withSecret") ?? 0;
const rotation = config.getNumber("rotation") ?? 0;
const adoptId = config.get("adoptId");

const ids: pulumi.Output<string>[] = [];
for (let i = 0; i < count; i++) {
  ids.push(
    new RekkoWebhook(`hook-${i}`, {
      url: `http://127.0.0.1:9/costs/${i}${suffix}`,
      events: ["whale_alert", "price_shift"],
      secret: `costs-signing-secret-${i}-0123456789abcdef`,
    }).webhookId,
  );
}
for (let i = 0; i < withSecret; i++) {
  ids.push(
    new RekkoWebhookWithSecret(`paired-${i}`, {
      url: `http://127.0.0.1:9/costs/paired/${i}`,
      events: ["analysis_complete"],
      rotation,
    }).webhookId,
  );
}
if (adoptId) {
  ids.push(
    new RekkoWebhook("adopted", { url: "http://127.0.0.1:9/costs/adopted", events: ["whale_alert"], adoptWebhookId: adoptId })
      .webhookId,
  );
}

export const webhookIds = ids;
