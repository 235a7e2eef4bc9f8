// Dispatch: a verified event to the `on` handler of its type, or to `onEvent`.
import { type DeliveryResult, failed } from "./answer.js";
import { isKnownEvent, type RekkoEvent } from "./events.js";
import type { DeliveryInfo, ReceiverOptions } from "./options.js";

/** Calls the handler of `event`; a throw or rejection answers 500 (`handler-failed`). Never throws. */
export async function dispatch<B extends Uint8Array>(
  event: RekkoEvent,
  delivery: DeliveryInfo<B>,
  options: ReceiverOptions<B>,
): Promise<DeliveryResult> {
  const typed = isKnownEvent(event) ? options.on?.[event.type] : undefined;
  const handler = (typed ?? options.onEvent) as ((e: RekkoEvent, d: DeliveryInfo<B>) => unknown) | undefined;
  const { repeat } = delivery;
  if (!handler) return { status: 200, message: "ignored: no handler for this event", event, handled: false, repeat };
  try {
    await handler(event, delivery);
  } catch (error) {
    try {
      options.onError?.(error, event);
    } catch {
      // a failing logger does not change the answer
    }
    return { ...failed("handler-failed"), event, repeat };
  }
  return { status: 200, message: "ok", event, handled: true, repeat };
}
