/**
 * A receiving endpoint for scenarios: one local HTTP server whose paths stand for the
 * receivers of the declared webhooks. It records every delivery (path, body, signature) and
 * answers 200, or 500 on the paths told to fail (so that Rekko disables that webhook alone).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SIGNATURE_HEADER } from "../../provider/receiver/signature";

/** One delivery as the receiver got it. */
export interface Delivery {
  path: string;
  body: string;
  signature: string;
  status: number;
}

export class Receiver {
  /** Every delivery, oldest first. */
  readonly deliveries: Delivery[] = [];
  /** Paths answered 500. */
  readonly failing = new Set<string>();

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>`. */
    readonly base: string,
  ) {}

  static async start(): Promise<Receiver> {
    let receiver: Receiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = new URL(req.url ?? "/", "http://receiver").pathname;
        const status = receiver?.failing.has(path) ? 500 : 200;
        receiver?.deliveries.push({
          path,
          body: Buffer.concat(chunks).toString("utf8"),
          signature: String(req.headers[SIGNATURE_HEADER] ?? ""),
          status,
        });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    receiver = new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  /** The url of the receiver at `path` (`/<path>`). */
  url(path: string): string {
    return `${this.base}/${path.replace(/^\//, "")}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
