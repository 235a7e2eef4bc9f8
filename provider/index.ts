/**
 * pulumi-rekko: Rekko AI webhooks as Pulumi resources, with signing secrets and
 * delivery verification.
 * @packageDocumentation
 */
export { type ClientOptions, RekkoClient, type WebhookInfo, type WebhookRegistration } from "./client";
export { DEFAULT_BASE_URL, DEFAULT_MAX_REQUESTS_PER_MINUTE, type RawSettings, resolveSettings, type Settings } from "./config";
export * from "./errors";
export { EVENT_TYPES, isEventType, type RekkoEventType } from "./events";
export {
  type DeleteUnmanagedOptions,
  type DeleteUnmanagedResult,
  deleteUnmanagedWebhooks,
  type FindUnmanagedOptions,
  type FindUnmanagedResult,
  findUnmanagedWebhooks,
  type PendingCreate,
  type StateInput,
  type StateWebhooks,
  type UnmanagedWebhook,
  WEBHOOK_RESOURCE_TYPE,
  webhooksInState,
} from "./orphans";
export { RekkoWebhookProvider } from "./provider";
export {
  createWebhookHandler,
  type DeliveryResult,
  processDelivery,
  type ReceiverOptions,
  type RekkoEvent,
  SeenBodies,
} from "./receiver";
export { type RawBody, SIGNATURE_HEADER, signPayload, verifySignature } from "./signature";
export { VERSION } from "./version";
export { RekkoWebhook, type RekkoWebhookArgs } from "./webhook";
export { RekkoWebhookWithSecret, type RekkoWebhookWithSecretArgs } from "./withSecret";
