// The receiver both faces wrap: options checked once, one repeat memory, and the pipeline
// of one delivery (verify, then the repeat memory, then dispatch). A face supplies its
// request as a DeliverySource and the HMAC as a ReceiverCrypto.
import { type DeliveryResult, failed } from "./answer.js";
import { DEFAULT_MAX_BODY_BYTES } from "./body.js";
import { dispatch } from "./dispatch.js";
import { RepeatMemory } from "./memory.js";
import { checkOptions, type ReceiverOptions } from "./options.js";
import { refuse } from "./reasons.js";
import type { DeliverySource } from "./source.js";
import { type ReceiverCrypto, type RekkoVerification, verifySource } from "./verify.js";

/** The face-independent half of a receiver: what each face's verbs call with its own source. */
export interface ReceiverCore<B extends Uint8Array> {
  /** Verifies one delivery (never throws; a source that fails to read gives `read-error`). */
  verify(source: DeliverySource<B>): Promise<RekkoVerification<B>>;
  /** Verifies, then hands the event to its handler through the repeat memory. Never throws. */
  handle(source: DeliverySource<B>): Promise<DeliveryResult>;
}

/** Makes the core of a receiver: checks `options` (a TypeError naming `fn`) and holds its repeat memory. */
export function receiverCore<B extends Uint8Array>(
  options: ReceiverOptions<B>,
  crypto: ReceiverCrypto,
  fn: string,
): ReceiverCore<B> {
  checkOptions(options, fn);
  const bounds = options.repeatWindow;
  const memory = options.repeats === "off" ? undefined : new RepeatMemory(bounds?.size, bounds?.ttlMs);
  const suppress = options.repeats === "suppress";
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const verify = (source: DeliverySource<B>) =>
    verifySource(source, options.secrets, max, crypto).catch((): RekkoVerification<B> => refuse("read-error"));
  return {
    verify,
    async handle(source) {
      try {
        const verified = await verify(source);
        if (!verified.ok) return failed(verified.reason);
        const { event, rawBody } = verified;
        const bodySha256 = await crypto.sha256Hex(rawBody);
        const work = (repeat: boolean) => dispatch(event, { rawBody, bodySha256, repeat }, options);
        if (!memory) return await work(false);
        const suppressed = (shared?: DeliveryResult): DeliveryResult =>
          shared
            ? { ...shared, repeat: true }
            : { status: 200, message: "repeat suppressed", event, repeat: true, handled: false };
        return await memory.run(bodySha256, work, suppress ? suppressed : undefined);
      } catch {
        return failed("handler-failed");
      }
    },
  };
}
