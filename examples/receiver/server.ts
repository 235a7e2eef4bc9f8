// A production receiver for Rekko deliveries: run it with REKKO_ACCEPTED_SECRETS set to the
// JSON list from `pulumi stack output secrets --show-secrets` (e.g. through your platform's
// secret store). Rekko signs no timestamp, so the handler's duplicate memory (same body within
// ten minutes) is the replay protection; keep handlers idempotent as well.
import { createServer } from "node:http";
import { createWebhookHandler } from "pulumi-rekko";

const secrets = JSON.parse(process.env.REKKO_ACCEPTED_SECRETS ?? "[]") as string[];

const handler = createWebhookHandler({
  secrets,
  maxBodyBytes: 64 * 1024,
  onEvent: async (event) => {
    switch (event.type) {
      case "whale_alert":
        console.log(`whale on ${String(event.market_id)}: ${String(event.side)} ${String(event.flow)}`);
        break;
      case "price_shift":
        console.log(`${String(event.market_id)} moved ${String(event.change_pct)}%`);
        break;
      case "analysis_complete":
        console.log(`analysis ${String(event.analysis_id)} ready`);
        break;
    }
  },
});

createServer((req, res) => {
  if (req.url === "/rekko") handler(req, res);
  else res.writeHead(404).end();
}).listen(Number(process.env.PORT ?? 8080));
