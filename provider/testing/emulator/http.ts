/** The emulator's HTTP plumbing: JSON answers and bounded body reading. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** A body that could not be read, with the status to answer (413 when too large). */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Answers JSON, unless the response is already under way or gone. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Reads the whole body, refusing more than `max` bytes (declared or sent) with a 413 {@link BodyError}. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > max) {
      req.resume();
      reject(new BodyError(413, "Request body too large"));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyError(413, "Request body too large"));
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** True when the request declares a JSON body (`application/json` or `application/…+json`). */
export function isJsonType(contentType: string | undefined): boolean {
  return /^application\/(.+\+)?json\s*(;|$)/i.test(String(contentType ?? "").trim());
}
