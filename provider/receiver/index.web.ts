/**
 * `pulumi-rekko/receiver` for web-standard runtimes (browsers, Cloudflare Workers, Vercel
 * edge, Deno): the web face only, with no Node built-in. Node resolves the full entry
 * (`index.ts`), which adds the Node face.
 * @packageDocumentation
 */
export type { DeliveryResult } from "./answer.js";
export { DEFAULT_MAX_BODY_BYTES } from "./body.js";
export {
  type AnalysisCompleteEvent,
  isKnownEvent,
  type KnownRekkoEvent,
  type PriceShiftEvent,
  type RekkoEvent,
  type RekkoEventOf,
  type WhaleAlertEvent,
} from "./events.js";
export { SIGNATURE_HEADER } from "./header.js";
export type { DeliveryInfo, ReceiverOptions, RekkoEventHandlers, RepeatPolicy } from "./options.js";
export { REASONS, type RekkoFailure, type RekkoFailureReason } from "./reasons.js";
export type { SecretsOption } from "./secrets.js";
export type { RekkoVerification, RekkoVerified } from "./verify.js";
export { createWebReceiver, type WebRawBody, type WebReceiver } from "./web.js";
