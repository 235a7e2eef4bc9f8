// The answer to one delivery, and the JSON body the handlers send with it.
import type { RekkoEvent } from "./events.js";
import { REASONS, type RekkoFailureReason } from "./reasons.js";

/** The answer to one delivery. */
export interface DeliveryResult {
  /** The HTTP status to answer. */
  status: number;
  /** Why it was refused; absent when answered 200. */
  reason?: RekkoFailureReason;
  /** A short message safe to send back. */
  message: string;
  /** The verified event, when there was one. */
  event?: RekkoEvent;
  /** True when the same bytes were handled within the repeat window, or were being handled (see `repeats`). */
  repeat?: boolean;
  /** False when no handler took the event (answered 200 all the same). */
  handled?: boolean;
}

/** The answer to a refusal. */
export function failed(reason: RekkoFailureReason): DeliveryResult {
  const { status, message } = REASONS[reason];
  return { status, reason, message };
}

/** The JSON body the handlers answer with. */
export function answerBody(result: DeliveryResult): string {
  return JSON.stringify(result.reason ? { status: result.message, reason: result.reason } : { status: result.message });
}
