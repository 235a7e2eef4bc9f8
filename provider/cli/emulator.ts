#!/usr/bin/env node
import { parseArgs } from "node:util";
import { RekkoEmulator } from "../testing/emulator";

const usage = `Usage: rekko-emulator [--port N] [--host H] [--api-key K]... [--control-token T]
                      [--rate-limit N] [--disable-after N] [--state FILE] [--allow-remote]

A local Rekko webhook API (see pulumi-rekko's README). Prints "listening on http://HOST:PORT",
the accepted key (when generated) and the control token that /_emulator/* requires
(Authorization: Bearer <token>; generated unless --control-token is given); stops cleanly on
SIGINT/SIGTERM. --allow-remote allows a non-loopback --host and any Host header.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      host: { type: "string", default: "127.0.0.1" },
      "api-key": { type: "string", multiple: true },
      "control-token": { type: "string" },
      "rate-limit": { type: "string" },
      "disable-after": { type: "string" },
      state: { type: "string" },
      "allow-remote": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const number = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  const emulator = await RekkoEmulator.start({
    port: number("port", values.port, 0) ?? 0,
    host: values.host ?? "127.0.0.1",
    allowRemote: values["allow-remote"] ?? false,
    ...(values["api-key"] ? { apiKeys: values["api-key"] } : {}),
    ...(values["control-token"] ? { controlToken: values["control-token"] } : {}),
    ...(values["rate-limit"] ? { rateLimitPerMinute: number("rate-limit", values["rate-limit"], 0) ?? 0 } : {}),
    ...(values["disable-after"] ? { disableAfterFailures: number("disable-after", values["disable-after"], 1) ?? 5 } : {}),
    ...(values.state ? { statePath: values.state } : {}),
  });
  console.log(`listening on ${emulator.url}`);
  if (!values["api-key"]) console.log(`api key: ${emulator.apiKey}`);
  if (!values["control-token"]) console.log(`control token: ${emulator.controlToken}`);
  const stop = (signal: string) => {
    emulator.stop().then(
      () => {
        console.log(`stopped (${signal})`);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: Error) => {
  console.error(`rekko-emulator: ${err.message.replace(/^rekko-emulator: /, "")}`);
  console.error(usage);
  process.exit(2);
});
