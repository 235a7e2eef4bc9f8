/**
 * pulumi-rekko: Rekko AI webhooks as Pulumi resources, with signing secrets and
 * delivery verification.
 *
 * The public surface, by purpose (docs/API.md lists it):
 * - resources: {@link RekkoWebhook}, {@link RekkoWebhookWithSecret} and their provider;
 * - the API client and settings: {@link RekkoClient}, {@link resolveSettings};
 * - errors: {@link RekkoError} and one subclass per stable `code`;
 * - events: {@link EVENT_TYPES};
 * - orphan webhooks: {@link findUnmanagedWebhooks}, {@link deleteUnmanagedWebhooks};
 * - receiving: {@link verifySignature}, {@link createWebhookHandler} (also, without the Pulumi
 *   SDK, from `pulumi-rekko/receiver`).
 * @packageDocumentation
 */
export { type ClientOptions, RekkoClient, type WebhookInfo, type WebhookRegistration } from "./core/client";
export {
  RekkoAuthenticationError,
  RekkoConfigError,
  RekkoConflictError,
  RekkoError,
  type RekkoErrorCode,
  type RekkoErrorDetails,
  type RekkoFieldError,
  RekkoKeyMismatchError,
  RekkoNetworkError,
  RekkoNotFoundError,
  RekkoPlanError,
  RekkoQuotaError,
  RekkoRateLimitError,
  RekkoResponseError,
  RekkoServerError,
  RekkoValidationError,
} from "./core/errors";
export { EVENT_TYPES, isEventType, type RekkoEventType } from "./core/events";
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
} from "./core/orphans";
export {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_REQUESTS_PER_MINUTE,
  type RawSettings,
  resolveSettings,
  type Settings,
} from "./core/settings";
export { VERSION } from "./core/version";
export { RekkoWebhookProvider } from "./dynamic/provider";
export { RekkoWebhook, type RekkoWebhookArgs } from "./dynamic/webhook";
export { RekkoWebhookWithSecret, type RekkoWebhookWithSecretArgs } from "./dynamic/withSecret";
export {
  createWebhookHandler,
  type DeliveryResult,
  processDelivery,
  type ReceiverOptions,
  type RekkoEvent,
  SeenBodies,
} from "./receiver/node";
export { type RawBody, SIGNATURE_HEADER, signPayload, verifySignature } from "./receiver/signature";
