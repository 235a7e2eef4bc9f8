// The delivered events, typed from the API documentation. Rekko documents each payload by
// example only, so a documented type whose fields do not have the documented shape is not
// given to that type's handler: it goes to the fallback, like a type Rekko adds later.
import { isEventType, type RekkoEventType } from "../core/events.js";

/** `price_shift`: a market's yes price moved. */
export interface PriceShiftEvent {
  type: "price_shift";
  market_id: string;
  platform: string;
  /** Yes price before the move, 0–1. */
  old_yes: number;
  /** Yes price after the move, 0–1. */
  new_yes: number;
  /** Relative change, percent. */
  change_pct: number;
  /** ISO 8601 time of the move. */
  timestamp: string;
  /** Fields Rekko may add. */
  [field: string]: unknown;
}

/** `whale_alert`: a large flow on one side of a market. */
export interface WhaleAlertEvent {
  type: "whale_alert";
  market_id: string;
  platform: string;
  /** The side the flow went to, e.g. `"yes"`. */
  side: string;
  /** Size of the flow. */
  flow: number;
  /** Price at the flow, 0–1. */
  price: number;
  /** Fields Rekko may add (its emulator sends `timestamp`). */
  [field: string]: unknown;
}

/** `analysis_complete`: an analysis Rekko ran on a market is ready. */
export interface AnalysisCompleteEvent {
  type: "analysis_complete";
  analysis_id: string;
  market_id: string;
  platform: string;
  /** Fields Rekko may add. */
  [field: string]: unknown;
}

/** One of the three documented events, discriminated by `type`. */
export type KnownRekkoEvent = PriceShiftEvent | WhaleAlertEvent | AnalysisCompleteEvent;

/** The documented event of a given type. */
export type RekkoEventOf<T extends RekkoEventType> = Extract<KnownRekkoEvent, { type: T }>;

/**
 * A verified delivery: a JSON object with a string `type`. Documented types with their
 * documented fields narrow to {@link KnownRekkoEvent} through {@link isKnownEvent}.
 */
export interface RekkoEvent {
  type: string;
  [field: string]: unknown;
}

const FIELDS: { [T in RekkoEventType]: Record<string, "string" | "number"> } = {
  price_shift: {
    market_id: "string",
    platform: "string",
    old_yes: "number",
    new_yes: "number",
    change_pct: "number",
    timestamp: "string",
  },
  whale_alert: { market_id: "string", platform: "string", side: "string", flow: "number", price: "number" },
  analysis_complete: { analysis_id: "string", market_id: "string", platform: "string" },
};

/** True when `event` is a documented type carrying its documented fields with their types. */
export function isKnownEvent(event: RekkoEvent): event is KnownRekkoEvent {
  if (!isEventType(event.type)) return false;
  return Object.entries(FIELDS[event.type]).every(([field, kind]) => typeof event[field] === kind);
}
