/**
 * pulumi-rekko: Rekko AI webhooks as Pulumi resources, with signing secrets and
 * delivery verification. What a program or a script needs, by purpose:
 * - resources: {@link RekkoWebhook} and {@link RekkoWebhookWithSecret}, with their arguments;
 * - errors: {@link RekkoError} and one subclass per stable `code`;
 * - events: {@link EVENT_TYPES} and {@link isEventType};
 * - webhooks no stack holds: {@link findUnmanagedWebhooks} and {@link deleteUnmanagedWebhooks};
 * - receiving deliveries: {@link createNodeReceiver} and {@link verifySignature} (also, with the
 *   web face and without the Pulumi SDK, from `pulumi-rekko/receiver`);
 * - {@link VERSION}.
 * @packageDocumentation
 */
export type { WebhookInfo } from "./core/client";
export {
  RekkoAuthenticationError,
  RekkoCancelledError,
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
  type RekkoQuotaDetails,
  RekkoQuotaError,
  RekkoRateLimitError,
  RekkoResponseError,
  RekkoServerError,
  type RekkoSetting,
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
  type UnmanagedWebhook,
} from "./core/orphans";
export { VERSION } from "./core/version";
export { RekkoWebhook, type RekkoWebhookArgs } from "./dynamic/webhook";
export { RekkoWebhookWithSecret, type RekkoWebhookWithSecretArgs } from "./dynamic/withSecret";
export {
  createNodeReceiver,
  createWebhookHandler,
  type DeliveryInfo,
  type DeliveryResult,
  type NodeReceiver,
  type RawBody,
  type ReceiverOptions,
  type RekkoEvent,
  SIGNATURE_HEADER,
  signPayload,
  verifySignature,
} from "./receiver/index";
