// Why a delivery is refused: each reason with the HTTP status the handlers answer and the
// message they send.

/**
 * Why a delivery was refused, with the HTTP status the handlers answer and the message they
 * send (`{"status": message, "reason": reason}`). 401s tell Rekko the delivery is not ours;
 * 500s are the receiver's own fault (so Rekko counts a failure and may deliver again).
 */
export const REASONS = {
  "method-not-allowed": { status: 405, message: "use POST" },
  "missing-signature": { status: 401, message: "missing x-webhook-signature" },
  "malformed-signature": { status: 401, message: "x-webhook-signature is not one value of 64 hex characters" },
  mismatch: { status: 401, message: "x-webhook-signature does not match the body with any accepted secret" },
  "body-too-large": { status: 413, message: "body too large" },
  "read-error": { status: 400, message: "the request body could not be read" },
  "not-json": { status: 400, message: "body is not UTF-8 JSON" },
  "not-event": { status: 400, message: "body is not a Rekko event (a JSON object with a string type)" },
  "parsed-body": {
    status: 500,
    message: "the body was read or parsed before verification; give the handler the raw bytes",
  },
  "no-secret": { status: 500, message: "no accepted secret is configured" },
  "handler-failed": { status: 500, message: "handler failed" },
} as const satisfies Record<string, { status: number; message: string }>;

/** A reason a delivery was refused; see {@link REASONS} for its status. */
export type RekkoFailureReason = keyof typeof REASONS;

/** A refused delivery. */
export interface RekkoFailure {
  ok: false;
  reason: RekkoFailureReason;
  /** The HTTP status to answer. */
  status: number;
  /** A message safe to send back (never holds a secret or the body). */
  message: string;
}

/** Builds the refusal for a reason. */
export function refuse(reason: RekkoFailureReason): RekkoFailure {
  const { status, message } = REASONS[reason];
  return { ok: false, reason, status, message };
}
