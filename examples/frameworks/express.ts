// Express: mount the Node receiver's handler on its route before any body parser, so it reads
// the raw bytes itself. The rest of the app may parse JSON as usual.
import express from "express";
import { createNodeReceiver, type ReceiverOptions } from "pulumi-rekko/receiver";

/** An Express app receiving Rekko deliveries on `POST /rekko`. */
export function createApp(options: ReceiverOptions<Buffer>): express.Express {
  const rekko = createNodeReceiver(options);
  const app = express();
  app.post("/rekko", rekko.handle);
  app.use(express.json());
  app.post("/other", (req, res) => {
    res.json({ parsed: req.body });
  });
  return app;
}
