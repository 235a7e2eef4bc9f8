/** The event types Rekko documents for webhooks. */
export const EVENT_TYPES = ["price_shift", "whale_alert", "analysis_complete"] as const;

/** One documented Rekko event type. */
export type RekkoEventType = (typeof EVENT_TYPES)[number];

/** True when `value` is one of {@link EVENT_TYPES}. */
export function isEventType(value: unknown): value is RekkoEventType {
  return typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);
}

/** True when two event lists hold the same set of names (order and repeats ignored). */
export function sameEventSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  const left = new Set(a.map(String));
  const right = new Set(b.map(String));
  return left.size === right.size && [...left].every((e) => right.has(e));
}
