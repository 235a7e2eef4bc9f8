#!/usr/bin/env node
// The demo's receiving service: a node:http server that verifies Rekko deliveries with
// pulumi-rekko's handler. Accepted secrets are re-read from a file on every request, so a
// rotation (which rewrites the file) applies at once. Every delivery is appended to a log.
// Usage: receiver-server.js SECRETS_FILE LOG_FILE PORT_FILE
const { createServer } = require("node:http");
const { appendFileSync, readFileSync, writeFileSync } = require("node:fs");
const { createWebhookHandler } = require("pulumi-rekko");

const [secretsFile, logFile, portFile] = process.argv.slice(2);
if (!secretsFile || !logFile || !portFile) {
  console.error("usage: receiver-server.js SECRETS_FILE LOG_FILE PORT_FILE");
  process.exit(2);
}
const log = (entry) => appendFileSync(logFile, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

const handler = createWebhookHandler({
  secrets: () => JSON.parse(readFileSync(secretsFile, "utf8")),
  onEvent: (event, delivery) =>
    log({ verified: true, type: event.type, market_id: event.market_id, sha256: delivery.bodySha256 }),
});

const server = createServer((req, res) => {
  res.on("finish", () => {
    if (res.statusCode !== 200) log({ verified: false, status: res.statusCode });
  });
  handler(req, res);
});
server.listen(0, "127.0.0.1", () => writeFileSync(portFile, String(server.address().port)));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
