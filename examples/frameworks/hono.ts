// Hono (any runtime: Node, Bun, Deno, Workers): hand the web-standard Request to the web
// receiver, which reads the raw body itself. Make the receiver once, so its repeat memory
// lasts across requests.
import { Hono } from "hono";
import { createWebReceiver, type ReceiverOptions } from "pulumi-rekko/receiver";

/** A Hono app receiving Rekko deliveries on `POST /rekko`. */
export function createApp(options: ReceiverOptions): Hono {
  const rekko = createWebReceiver(options);
  const app = new Hono();
  app.post("/rekko", (c) => rekko.handle(c.req.raw));
  return app;
}
