/**
 * `pulumi-rekko/receiver` for web-standard runtimes (browsers, Cloudflare Workers, Vercel
 * edge, Deno): the web face only, with no Node built-in. Node resolves the full entry
 * (`index.ts`), which adds the Node face.
 * @packageDocumentation
 */
export {
  DEFAULT_MAX_BODY_BYTES,
  type DeliveryInfo,
  type DeliveryResult,
  REASONS,
  type RekkoEventHandlers,
  type RekkoFailure,
  type RekkoFailureReason,
  type RekkoHandlerOptions,
  type RekkoVerification,
  type RekkoVerified,
  type SecretsOption,
  SIGNATURE_HEADER,
} from "./core.js";
export {
  type AnalysisCompleteEvent,
  isKnownEvent,
  type KnownRekkoEvent,
  type PriceShiftEvent,
  type RekkoEvent,
  type RekkoEventOf,
  type WhaleAlertEvent,
} from "./events.js";
export { SeenBodies } from "./memory.js";
export { handleRekkoRequest, type VerifyOptions, verifyRekkoBody, verifyRekkoRequest } from "./web.js";
