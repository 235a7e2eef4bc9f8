import * as rekko from "./rekko";

const hook = new rekko.Webhook("hook", {
  url: "http://127.0.0.1:9/ts-sdk",
  events: [rekko.EventType.WhaleAlert, "price_shift"],
  secret: "ts-sdk-signing-secret-0123456789",
});
const paired = new rekko.WebhookWithSecret("paired", { url: "http://127.0.0.1:9/ts-sdk/paired", events: ["analysis_complete"] });
const found = rekko.getWebhooksOutput({ url: hook.url });

export const hookId = hook.webhookId;
export const pairedId = paired.webhookId;
export const acceptedSecrets = paired.acceptedSecrets;
export const foundIds = found.ids;
