// Hono (any runtime: Node, Bun, Deno, Workers): hand the web-standard Request to
// handleRekkoRequest, which reads the raw body itself. Define the options once, so the
// repeat memory lasts across requests.
import { Hono } from "hono";
import { handleRekkoRequest, type RekkoHandlerOptions } from "pulumi-rekko/receiver";

/** A Hono app receiving Rekko deliveries on `POST /rekko`. */
export function createApp(options: RekkoHandlerOptions): Hono {
  const app = new Hono();
  app.post("/rekko", (c) => handleRekkoRequest(c.req.raw, options));
  return app;
}
