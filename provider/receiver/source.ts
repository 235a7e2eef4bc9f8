// A delivery as the verify pipeline sees it: each face adapts its request type to this.
import { bodyBytes } from "./body.js";

/** A request as the verify pipeline sees it; each face adapts its own request type to this. */
export interface DeliverySource<B extends Uint8Array> {
  /** The signature header value(s) as received. */
  header: unknown;
  /** True when something read or parsed the body before us. */
  consumed: boolean;
  /** The declared `content-length`, when there is one. */
  declaredLength: number | undefined;
  /** Reads the body, stopping as soon as it exceeds `max` bytes. */
  read(max: number): Promise<B | "too-large" | "error"> | B | "too-large" | "error";
  /** Stops reading a body that will not be used (refused before or while reading). */
  discard(): void;
}

/** A source over a body already in memory (a string, bytes, or, refused as `parsed-body`, anything else). */
export function bytesSource<B extends Uint8Array>(
  rawBody: unknown,
  header: unknown,
  wrap: (bytes: Uint8Array) => B,
): DeliverySource<B> {
  const bytes = bodyBytes(rawBody);
  return {
    header,
    consumed: bytes === undefined,
    declaredLength: undefined,
    read: (max) => (bytes === undefined ? "error" : bytes.byteLength > max ? "too-large" : wrap(bytes)),
    discard: () => undefined,
  };
}
