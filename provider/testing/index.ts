/**
 * `pulumi-rekko/testing`: a local Rekko API for tests and demos.
 * @packageDocumentation
 */

export { signPayload } from "../receiver/signature";
export {
  type Account,
  type BillingView,
  type ClockChange,
  type ClockView,
  type DeepCounts,
  type DeliveryReport,
  DOCUMENTED_QUOTAS,
  type EmulatedWebhook,
  type EmulatorOptions,
  type EmulatorSettings,
  type FaultSpec,
  type LoggedRequest,
  maskKey,
  type Plan,
  type QuotaOptions,
  RekkoEmulator,
  type Tier,
  type TierCounts,
  type TierQuotas,
} from "./emulator";
export { LocalReceiver, type LocalReceiverArgs } from "./localReceiver";
export { defaultPayload } from "./payloads";
