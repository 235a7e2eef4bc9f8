// The receiver for the Next.js route, made once per server instance: accepted secrets from the
// environment (REKKO_ACCEPTED_SECRETS, the JSON list of the stack output `acceptedSecrets`),
// and typed handlers. Here the handlers keep the latest events in memory, for a page to show.
import { createWebReceiver, type KnownRekkoEvent, type RekkoEvent } from "pulumi-rekko/receiver";

/** The latest events, newest last. */
export const inbox: (KnownRekkoEvent | RekkoEvent)[] = [];

export const rekko = createWebReceiver({
  secrets: () => JSON.parse(process.env.REKKO_ACCEPTED_SECRETS ?? "[]") as string[],
  on: {
    whale_alert: (event) => void inbox.push(event),
    price_shift: (event) => void inbox.push(event),
    analysis_complete: (event) => void inbox.push(event),
  },
  onEvent: (event) => void inbox.push(event),
});
