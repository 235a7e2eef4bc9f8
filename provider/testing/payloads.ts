import type { RekkoEventType } from "../core/events";

/** Realistic documented payload fields per event type, used when a trigger leaves them out. */
export function defaultPayload(type: RekkoEventType, now = new Date()): Record<string, unknown> {
  const timestamp = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  switch (type) {
    case "price_shift":
      return { market_id: "KXFED-26MAR19", platform: "kalshi", old_yes: 0.62, new_yes: 0.68, change_pct: 9.7, timestamp };
    case "whale_alert":
      return { market_id: "KXFED-26MAR19", platform: "kalshi", side: "yes", flow: 250000, price: 0.66, timestamp };
    case "analysis_complete":
      return { analysis_id: "an-7c9e6679f4a1", market_id: "KXFED-26MAR19", platform: "kalshi", timestamp };
  }
}
