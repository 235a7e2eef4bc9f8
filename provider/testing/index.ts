/**
 * `pulumi-rekko/testing`: a local Rekko webhook API for tests and demos.
 * @packageDocumentation
 */

export { signPayload } from "../receiver/signature";
export {
  type DeliveryReport,
  type EmulatedWebhook,
  type EmulatorOptions,
  type FaultSpec,
  type LoggedRequest,
  maskKey,
  RekkoEmulator,
} from "./emulator";
export { LocalReceiver, type LocalReceiverArgs } from "./localReceiver";
export { defaultPayload } from "./payloads";
