#!/usr/bin/env node
import { parseArgs } from "node:util";
import { type DeepCounts, RekkoEmulator } from "../testing/emulator";

const usage = `Usage: rekko-emulator [--port N] [--host H] [--api-key K]... [--control-token T]
                      [--rate-limit N] [--disable-after N] [--state FILE] [--allow-remote]
                      [--normalize-urls] [--list-lag-ms N] [--clock-skew-ms N]
                      [--deep-counts create|writes|all] [--deep-quota N]

A local Rekko API (see pulumi-rekko's README). Prints "listening on http://HOST:PORT",
the accepted key (when generated) and the control token that /_emulator/* requires
(Authorization: Bearer <token>; generated unless given); stops cleanly on SIGINT/SIGTERM.

  --allow-remote        allow a non-loopback --host and any Host header
  --normalize-urls      store and list urls as the API may normalise them (lower-case host,
                        no default port, "/" for an empty path)
  --list-lag-ms N       a created webhook is listed only N ms after its create answered, and a
                        deleted one stays listed as long (default 0)
  --clock-skew-ms N     the emulator's clock runs N ms ahead (Date headers, created_at, the billing
                        month); behind with a negative N, written --clock-skew-ms=-N (default 0)
  --deep-counts C       which webhook calls count as DEEP calls: create, writes (creates and
                        deletes) or all (also the list; the default)
  --deep-quota N        DEEP calls a month for each Pro key (default: no limit; Rekko's Pro plan
                        has 10). rk_free_ keys have Rekko's Free quotas (DEEP 0).

Environment: REKKO_EMULATOR_API_KEYS (keys separated by commas or spaces) and
REKKO_EMULATOR_CONTROL_TOKEN stand for --api-key and --control-token when those are not given,
so neither shows in the process list.`;

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
      "normalize-urls": { type: "boolean", default: false },
      "list-lag-ms": { type: "string" },
      "clock-skew-ms": { type: "string" },
      "deep-counts": { type: "string" },
      "deep-quota": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const number = (name: string, min: number): number | undefined => {
    const v = values[name as keyof typeof values] as string | undefined;
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new Error(`--${name} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ""}, got ${v}`);
    }
    return n;
  };
  const envKeys = (process.env.REKKO_EMULATOR_API_KEYS ?? "").split(/[\s,]+/).filter(Boolean);
  const keys = values["api-key"] ?? (envKeys.length > 0 ? envKeys : undefined);
  const token = values["control-token"] ?? (process.env.REKKO_EMULATOR_CONTROL_TOKEN || undefined);
  const deepCounts = values["deep-counts"];
  if (deepCounts !== undefined && !["create", "writes", "all"].includes(deepCounts)) {
    throw new Error(`--deep-counts must be create, writes or all, got ${deepCounts}`);
  }
  const deepQuota = number("deep-quota", 0);
  const emulator = await RekkoEmulator.start({
    port: number("port", 0) ?? 0,
    host: values.host ?? "127.0.0.1",
    allowRemote: values["allow-remote"] ?? false,
    ...(keys ? { apiKeys: keys } : {}),
    ...(token ? { controlToken: token } : {}),
    ...(values["rate-limit"] ? { rateLimitPerMinute: number("rate-limit", 0) ?? 0 } : {}),
    ...(values["disable-after"] ? { disableAfterFailures: number("disable-after", 1) ?? 5 } : {}),
    ...(values.state ? { statePath: values.state } : {}),
    normalizeUrls: values["normalize-urls"] ?? false,
    listLagMs: number("list-lag-ms", 0) ?? 0,
    clockSkewMs: number("clock-skew-ms", Number.MIN_SAFE_INTEGER) ?? 0,
    ...(deepCounts ? { deepCounts: deepCounts as DeepCounts } : {}),
    ...(deepQuota !== undefined ? { quotas: { pro: { deep: deepQuota } } } : {}),
  });
  console.log(`listening on ${emulator.url}`);
  if (!keys) console.log(`api key: ${emulator.apiKey}`);
  if (!token) console.log(`control token: ${emulator.controlToken}`);
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
