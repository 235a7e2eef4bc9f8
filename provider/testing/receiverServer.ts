// The process behind LocalReceiver: a node:http server on 127.0.0.1 that verifies Rekko
// deliveries with a Node receiver (createNodeReceiver). Accepted secrets are re-read from a file on every
// request, so a rotation (which rewrites the file) applies at once. Every delivery is
// appended to a JSON-lines log. Usage: node receiverServer.js SECRETS_FILE LOG_FILE PORT_FILE
import { appendFileSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeReceiver } from "../receiver/node";

const [secretsFile, logFile, portFile] = process.argv.slice(2);
if (!secretsFile || !logFile || !portFile) {
  console.error("usage: receiverServer.js SECRETS_FILE LOG_FILE PORT_FILE");
  process.exit(2);
}
const log = (entry: Record<string, unknown>) =>
  appendFileSync(logFile, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

const rekko = createNodeReceiver({
  secrets: () => JSON.parse(readFileSync(secretsFile, "utf8")) as string[],
  onEvent: (event, delivery) =>
    log({ verified: true, type: event.type, market_id: event.market_id, sha256: delivery.bodySha256, repeat: delivery.repeat }),
});

const server = createServer((req, res) => {
  res.on("finish", () => {
    if (res.statusCode !== 200) log({ verified: false, status: res.statusCode });
  });
  rekko.handle(req, res);
});
// The port file appears whole (written aside, then renamed): LocalReceiver reads it as soon as it exists.
server.listen(0, "127.0.0.1", () => {
  writeFileSync(`${portFile}.tmp`, String((server.address() as AddressInfo).port));
  renameSync(`${portFile}.tmp`, portFile);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
