// A production receiver for Rekko deliveries, on the light import (no Pulumi SDK loaded).
// Run it with REKKO_ACCEPTED_SECRETS set to the JSON list of the stack output
// `acceptedSecrets` (`pulumi stack output acceptedSecrets --show-secrets`), e.g. through your
// platform's secret store. Rekko's payloads carry no delivery id and no signed timestamp, so
// every verified delivery reaches a handler, and one whose body was handled in the last ten
// minutes comes with `delivery.repeat` set (a retry, a replay, or an equal new event).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeReceiver } from "pulumi-rekko/receiver";

const secrets = JSON.parse(process.env.REKKO_ACCEPTED_SECRETS ?? "[]") as string[];

const rekko = createNodeReceiver({
  secrets,
  maxBodyBytes: 64 * 1024,
  on: {
    whale_alert: (e) => console.log(`whale on ${e.market_id}: ${e.side} ${e.flow} at ${e.price}`),
    price_shift: (e) => console.log(`${e.market_id} moved ${e.change_pct}% to ${e.new_yes}`),
    analysis_complete: (e) => console.log(`analysis ${e.analysis_id} ready for ${e.market_id}`),
  },
  // Types Rekko adds later, and documented types with other fields.
  onEvent: (e) => console.log(`other event ${e.type}`),
});

const server = createServer((req, res) => {
  if (req.url === "/rekko") rekko.handle(req, res);
  else res.writeHead(404).end();
});
server.listen(Number(process.env.PORT ?? 8080), () => {
  console.log(`listening on ${(server.address() as AddressInfo).port}`);
});
