/**
 * Micro-benchmark behind docs/PERFORMANCE.md ("Time"): the CPU the API client spends per
 * request. 100 creates and 100 deletes against an in-process emulator, 8 at a time (the
 * engine's parallelism here), through `RekkoClient` (got) and through bare `node:http`; both
 * figures include the emulator's own work. Round 1 runs cold, as in a fresh provider process.
 *
 *   npx tsx scripts/bench/client-cpu.ts
 */
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { RekkoClient } from "../../provider/core/client";
import { RekkoEmulator } from "../../provider/testing";

const N = 100;
const WIDTH = 8;
const ROUNDS = 3;

function bare(base: string, key: string, method: string, path: string, body?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve());
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Runs `fn` over `items`, `width` at a time. */
async function pool<T>(items: readonly T[], width: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

async function measure(work: () => Promise<void>): Promise<{ cpuMs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - t0 };
}

async function main(): Promise<void> {
  const emu = await RekkoEmulator.start();
  try {
    const registration = (i: number) => ({
      url: `http://127.0.0.1:9/bench/${i}`,
      events: ["whale_alert", "price_shift"],
      secret: `bench-signing-secret-${i}-0123456789abcdef`,
    });
    const indexes = Array.from({ length: N }, (_, i) => i);
    for (let round = 1; round <= ROUNDS; round++) {
      const viaGot = await measure(async () => {
        const client = new RekkoClient({ baseUrl: emu.url, apiKey: emu.apiKey, maxRequestsPerMinute: 100_000 });
        const ids: string[] = [];
        await pool(indexes, WIDTH, async (i) => ids.push((await client.createWebhook(registration(i))).webhook_id));
        await pool(ids, WIDTH, (id) => client.deleteWebhook(id));
      });
      const viaHttp = await measure(async () => {
        await pool(indexes, WIDTH, (i) => bare(emu.url, emu.apiKey, "POST", "/v1/webhooks", JSON.stringify(registration(i))));
        const ids = emu.webhooks().map((w) => w.webhook_id);
        await pool(ids, WIDTH, (id) => bare(emu.url, emu.apiKey, "DELETE", `/v1/webhooks/${id}`));
      });
      const line = (name: string, m: { cpuMs: number; wallMs: number }) =>
        `${name} ${m.cpuMs.toFixed(0)} ms CPU (${((m.cpuMs / (2 * N)) * 1000).toFixed(0)} µs a request), ${m.wallMs.toFixed(0)} ms wall`;
      process.stdout.write(
        `round ${round}: ${N} creates + ${N} deletes: ${line("RekkoClient (got)", viaGot)}; ${line("node:http", viaHttp)}\n`,
      );
    }
    if (emu.webhooks().length !== 0) throw new Error("webhooks left behind");
  } finally {
    await emu.stop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
