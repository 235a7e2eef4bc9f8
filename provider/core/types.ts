/**
 * Every Pulumi type token this package registers, in one table: the providers register with
 * these names, and the tools that read a state (the orphan finder, the cost command) recognise
 * the webhooks of every face from it. Adding a resource type means adding it here.
 */

/** `RekkoWebhook`, the Node.js dynamic resource: its id is a webhook id. */
export const DYNAMIC_WEBHOOK = "pulumi-nodejs:dynamic/rekko:RekkoWebhook";
/** `RekkoWebhookWithSecret`, the dynamic face's component (its child `RekkoWebhook` holds the webhook). */
export const DYNAMIC_WEBHOOK_WITH_SECRET = "rekko:index:RekkoWebhookWithSecret";
/** `rekko:index:Webhook` (`rekko:Webhook` in YAML), the native provider's resource: its id is a webhook id. */
export const NATIVE_WEBHOOK = "rekko:index:Webhook";
/** `rekko:index:WebhookWithSecret`, the native provider's component (its child `rekko:index:Webhook` holds the webhook). */
export const NATIVE_WEBHOOK_WITH_SECRET = "rekko:index:WebhookWithSecret";
/** `rekko:index:getWebhooks`, the native provider's lookup function. */
export const NATIVE_GET_WEBHOOKS = "rekko:index:getWebhooks";

/** What a resource type is to a tool that reads state. */
export interface ResourceTypeInfo {
  /** Which Pulumi face registers it. */
  face: "dynamic" | "native";
  /** True when the resource id is a Rekko webhook id (a custom resource); false for a component. */
  holdsWebhook: boolean;
}

/** Every resource type this package registers, by token. */
export const RESOURCE_TYPES: Readonly<Record<string, ResourceTypeInfo>> = Object.freeze({
  [DYNAMIC_WEBHOOK]: { face: "dynamic", holdsWebhook: true },
  [DYNAMIC_WEBHOOK_WITH_SECRET]: { face: "dynamic", holdsWebhook: false },
  [NATIVE_WEBHOOK]: { face: "native", holdsWebhook: true },
  [NATIVE_WEBHOOK_WITH_SECRET]: { face: "native", holdsWebhook: false },
});

/** The type tokens whose resource id is a webhook id: what a state holds of Rekko. */
export const WEBHOOK_TYPES: readonly string[] = Object.keys(RESOURCE_TYPES).filter((t) => RESOURCE_TYPES[t]?.holdsWebhook);

/** True when `type` is a resource whose id is a Rekko webhook id, on either face. */
export function isWebhookType(type: unknown): boolean {
  return typeof type === "string" && RESOURCE_TYPES[type]?.holdsWebhook === true;
}
