import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { call, type Reply } from "../support/http";
import { isDetailError, responseErrors } from "../support/openapi";

const PRO = "rk_pro_test_key_aaaaaaaaaaaa";
const PRO2 = "rk_pro_test_key_bbbbbbbbbbbb";
const FREE = "rk_free_test_key_cccccccccc";
const SECRET = "whsec_emulator_test_secret_1";
const reg = { url: "https://hooks.example.com/rekko", events: ["whale_alert", "analysis_complete"], secret: SECRET };

/** A control-surface call with the emulator's control token. */
function ctl(
  emu: RekkoEmulator,
  method: string,
  path: string,
  options: { body?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return call(emu.url, method, path, { ...options, headers: { ...emu.controlHeaders(), ...options.headers } });
}

interface Received {
  body: string;
  signature: string | undefined;
}

async function receiver(status = 200): Promise<{ server: Server; url: string; got: Received[]; setStatus: (s: number) => void }> {
  const got: Received[] = [];
  let answer = status;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({
        body: Buffer.concat(chunks).toString("utf8"),
        signature: req.headers["x-webhook-signature"] as string | undefined,
      });
      res.writeHead(answer);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, setStatus: (s) => (answer = s) };
}

describe("emulator: documented API", () => {
  let emu: RekkoEmulator;
  beforeEach(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [PRO, PRO2, FREE] });
  });
  afterEach(() => emu.stop());

  it("creates, lists and deletes webhooks with documented shapes", async () => {
    const created = await call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: reg });
    expect(created.status).to.equal(200);
    expect(responseErrors("POST", "/v1/webhooks", 200, created.body)).to.deep.equal([]);
    const info = created.body as Record<string, unknown>;
    expect(info.webhook_id).to.match(/^wh-[0-9a-f]{12}$/);
    expect(info).to.include({ url: reg.url, enabled: true, failure_count: 0 });
    expect(info).not.to.have.property("secret");
    expect(Date.parse(String(info.created_at))).to.be.closeTo(Date.now(), 5000);

    const listed = await call(emu.url, "GET", "/v1/webhooks", { key: PRO });
    expect(responseErrors("GET", "/v1/webhooks", 200, listed.body)).to.deep.equal([]);
    expect(listed.body).to.deep.equal([info]);
    expect(listed.text).not.to.include(SECRET);

    const deleted = await call(emu.url, "DELETE", `/v1/webhooks/${info.webhook_id}`, { key: PRO });
    expect(deleted.status).to.equal(200);
    expect(responseErrors("DELETE", "/v1/webhooks/{webhook_id}", 200, deleted.body)).to.deep.equal([]);
    expect((await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).body).to.deep.equal([]);
  });

  it("isolates webhooks per key", async () => {
    const a = (await call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: reg })).body as { webhook_id: string };
    expect((await call(emu.url, "GET", "/v1/webhooks", { key: PRO2 })).body).to.deep.equal([]);
    const other = await call(emu.url, "DELETE", `/v1/webhooks/${a.webhook_id}`, { key: PRO2 });
    expect(other.status).to.equal(404);
    expect(emu.webhooks()).to.have.length(1);
  });

  it("answers 401 with a detail for a missing or unknown key", async () => {
    for (const key of [undefined, "rk_pro_unknown_key_zzzzzzzz"]) {
      const r = await call(emu.url, "GET", "/v1/webhooks", key ? { key } : {});
      expect(r.status).to.equal(401);
      expect(isDetailError(r.body)).to.equal(true);
    }
  });

  it("answers FastAPI-shaped 422s for malformed bodies", async () => {
    const cases: [string, { body?: string; json?: unknown; headers?: Record<string, string> }, string, (string | number)[]][] = [
      ["invalid JSON", { body: "{not json", headers: { "content-type": "application/json" } }, "json_invalid", ["body", 0]],
      ["missing url", { json: { events: ["whale_alert"] } }, "missing", ["body", "url"]],
      ["missing events", { json: { url: reg.url } }, "missing", ["body", "events"]],
      ["url not a string", { json: { ...reg, url: 5 } }, "string_type", ["body", "url"]],
      ["events not a list", { json: { ...reg, events: "whale_alert" } }, "list_type", ["body", "events"]],
      ["unknown event", { json: { ...reg, events: ["nope"] } }, "enum", ["body", "events", 0]],
      ["not a URL", { json: { ...reg, url: "nota url" } }, "url_parsing", ["body", "url"]],
      [
        "wrong content type",
        { body: JSON.stringify(reg), headers: { "content-type": "text/plain" } },
        "model_attributes_type",
        ["body"],
      ],
      ["array body", { json: [reg] }, "model_attributes_type", ["body"]],
    ];
    for (const [name, opts, type, loc] of cases) {
      const r = await call(emu.url, "POST", "/v1/webhooks", { key: PRO, ...opts });
      expect(r.status, name).to.equal(422);
      expect(responseErrors("POST", "/v1/webhooks", 422, r.body), name).to.deep.equal([]);
      const first = (r.body as { detail: { type: string; loc: unknown[]; msg: string }[] }).detail[0];
      expect(first?.type, name).to.equal(type);
      expect(first?.loc, name).to.deep.equal(loc);
      expect(first?.msg, name).to.be.a("string");
    }
    expect(emu.webhooks()).to.deep.equal([]);
  });

  it("answers 404 for an unknown id, unknown paths; 405 for a wrong method; 413 for a huge body", async () => {
    expect((await call(emu.url, "DELETE", "/v1/webhooks/wh-000000000000", { key: PRO })).status).to.equal(404);
    expect((await call(emu.url, "GET", "/v2/nothing", { key: PRO })).status).to.equal(404);
    expect((await call(emu.url, "PUT", "/v1/webhooks", { key: PRO })).status).to.equal(405);
    const huge = await call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: { ...reg, pad: "x".repeat(2 * 1024 * 1024) } });
    expect(huge.status).to.equal(413);
    expect((await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).status, "still serving").to.equal(200);
  });

  it("answers the quota 429 with an ISO date Retry-After to a free key", async () => {
    const r = await call(emu.url, "POST", "/v1/webhooks", { key: FREE, json: reg });
    expect(r.status).to.equal(429);
    expect((r.body as { detail: string }).detail).to.match(/Monthly DEEP quota exceeded/);
    const retry = String(r.headers["retry-after"]);
    expect(retry).to.match(/^\d{4}-\d{2}-\d{2}T/);
    expect(Date.parse(retry)).to.be.greaterThan(Date.now());
  });

  it("rate-limits per key with Retry-After in seconds", async () => {
    emu.setRateLimit(3);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).status);
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    const limited = await call(emu.url, "GET", "/v1/webhooks", { key: PRO });
    expect(String(limited.headers["retry-after"])).to.match(/^\d+$/);
    expect((limited.body as { detail: string }).detail).to.match(/Rate limit exceeded\. Try again in \d+ seconds\./);
    expect((await call(emu.url, "GET", "/v1/webhooks", { key: PRO2 })).status, "other key unaffected").to.equal(200);
  });

  it("serves concurrent requests", async () => {
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: { ...reg, url: `https://h.example.com/${i}` } }),
      ),
    );
    expect(replies.every((r) => r.status === 200)).to.equal(true);
    expect(new Set(emu.webhooks().map((w) => w.webhook_id)).size).to.equal(50);
  });
});

describe("emulator: deliveries", () => {
  let emu: RekkoEmulator;
  let rcv: Awaited<ReturnType<typeof receiver>>;
  beforeEach(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [PRO], disableAfterFailures: 3 });
    rcv = await receiver();
  });
  afterEach(async () => {
    await emu.stop();
    await new Promise<void>((r) => rcv.server.close(() => r()));
  });

  it("delivers signed events to subscribed, enabled webhooks only", async () => {
    await call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: { ...reg, url: rcv.url } });
    await call(emu.url, "POST", "/v1/webhooks", {
      key: PRO,
      json: { url: rcv.url, events: ["price_shift"], secret: "another-secret-123456" },
    });
    const r = await ctl(emu, "POST", "/_emulator/events", { json: { type: "whale_alert", data: { market_id: "M-1" } } });
    expect(r.status).to.equal(200);
    const deliveries = (r.body as { deliveries: { ok: boolean; status: number }[] }).deliveries;
    expect(deliveries).to.have.length(1);
    expect(deliveries[0]).to.include({ ok: true, status: 200 });
    expect(rcv.got).to.have.length(1);
    const got = rcv.got[0] as Received;
    const payload = JSON.parse(got.body) as Record<string, unknown>;
    expect(payload).to.include({ type: "whale_alert", market_id: "M-1", platform: "kalshi" });
    expect(payload).to.have.keys("type", "market_id", "platform", "side", "flow", "price", "timestamp");
    const independent = createHmac("sha256", SECRET).update(Buffer.from(got.body, "utf8")).digest("hex");
    expect(got.signature).to.equal(independent);
  });

  it("counts consecutive failures, resets on success, and disables after the limit", async () => {
    const created = (await call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: { ...reg, url: rcv.url } })).body as {
      webhook_id: string;
    };
    rcv.setStatus(500);
    await emu.trigger("whale_alert");
    await emu.trigger("whale_alert");
    let listed = (await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).body as { failure_count: number; enabled: boolean }[];
    expect(listed[0]).to.include({ failure_count: 2, enabled: true });
    rcv.setStatus(204);
    await emu.trigger("analysis_complete");
    listed = (await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).body as { failure_count: number; enabled: boolean }[];
    expect(listed[0]).to.include({ failure_count: 0, enabled: true });
    rcv.setStatus(503);
    for (let i = 0; i < 3; i++) await emu.trigger("whale_alert");
    listed = (await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).body as { failure_count: number; enabled: boolean }[];
    expect(listed[0]).to.include({ failure_count: 3, enabled: false });
    const before = rcv.got.length;
    expect(await emu.trigger("whale_alert")).to.deep.equal([]);
    expect(rcv.got.length, "a disabled webhook gets nothing").to.equal(before);
    expect(created.webhook_id).to.match(/^wh-/);
  });

  it("counts a refused connection as a failure", async () => {
    await call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: { ...reg, url: "http://127.0.0.1:1/nothing" } });
    const [report] = await emu.trigger("whale_alert");
    expect(report?.ok).to.equal(false);
    expect(report?.error).to.be.a("string");
    expect(emu.webhooks()[0]?.failure_count).to.equal(1);
  });

  it("refuses unknown event types on the control surface", async () => {
    const r = await ctl(emu, "POST", "/_emulator/events", { json: { type: "nope" } });
    expect(r.status).to.equal(400);
  });
});

describe("emulator: faults, log, reset", () => {
  let emu: RekkoEmulator;
  beforeEach(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [PRO] });
  });
  afterEach(() => emu.stop());

  it("answers a programmed status for the next N matches, with headers", async () => {
    const f = await ctl(emu, "POST", "/_emulator/faults", {
      json: { kind: "status", method: "GET", path: "/v1/webhooks", status: 503, times: 2, headers: { "retry-after": "1" } },
    });
    expect(f.status).to.equal(200);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).status);
    expect(statuses).to.deep.equal([503, 503, 200]);
  });

  it("applies a fault to every Nth match", async () => {
    emu.addFault({ kind: "status", path: "/v1/*", status: 500, every: 4 });
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).status);
    expect(statuses).to.deep.equal([200, 200, 200, 500, 200, 200, 200, 500]);
  });

  it("adds latency", async () => {
    emu.addFault({ kind: "latency", latencyMs: 300 });
    const t = Date.now();
    await call(emu.url, "GET", "/v1/webhooks", { key: PRO });
    expect(Date.now() - t).to.be.at.least(280);
  });

  it("drops the connection after storing a create", async () => {
    emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks" });
    let failed = false;
    await call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: reg }).catch(() => {
      failed = true;
    });
    expect(failed, "the client sees a dropped connection").to.equal(true);
    expect(emu.webhooks(), "but the webhook was stored").to.have.length(1);
  });

  it("drops the connection before processing", async () => {
    emu.addFault({ kind: "drop-before", method: "POST" });
    let failed = false;
    await call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: reg }).catch(() => {
      failed = true;
    });
    expect(failed).to.equal(true);
    expect(emu.webhooks()).to.deep.equal([]);
  });

  it("logs requests with masked keys and shows stored secrets on the control surface", async () => {
    await call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: reg });
    const log = await ctl(emu, "GET", "/_emulator/requests");
    expect(log.text).not.to.include(PRO);
    const first = (log.body as { method: string; path: string; status: number; key: string }[])[0];
    expect(first).to.include({ method: "POST", path: "/v1/webhooks", status: 200, key: "rk_pro_…aaaa" });
    const hooks = await ctl(emu, "GET", "/_emulator/webhooks");
    expect((hooks.body as { secret: string }[])[0]?.secret).to.equal(SECRET);
    expect(hooks.text).not.to.include(PRO);
  });

  it("resets everything", async () => {
    await call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: reg });
    emu.addFault({ kind: "status", status: 500, times: 5 });
    expect((await ctl(emu, "POST", "/_emulator/reset")).status).to.equal(200);
    expect(emu.webhooks()).to.deep.equal([]);
    expect((await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).status).to.equal(200);
  });

  it("rejects bad control bodies without dying", async () => {
    expect(
      (await ctl(emu, "POST", "/_emulator/faults", { body: "{", headers: { "content-type": "application/json" } })).status,
    ).to.equal(400);
    expect((await ctl(emu, "POST", "/_emulator/faults", { json: { kind: "explode" } })).status).to.equal(400);
    expect((await ctl(emu, "POST", "/_emulator/faults", { json: { kind: "status", status: 99 } })).status).to.equal(400);
    expect((await ctl(emu, "GET", "/_emulator/nothing")).status).to.equal(404);
    expect((await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).status).to.equal(200);
  });
});

describe("emulator: persistence and binding", () => {
  it("keeps webhooks across a restart, in a private file, keys only as hashes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rekko-emu-"));
    const statePath = join(dir, "state.json");
    try {
      const first = await RekkoEmulator.start({ apiKeys: [PRO], statePath });
      const made = (await call(first.url, "POST", "/v1/webhooks", { key: PRO, json: reg })).body;
      await first.stop();
      expect(statSync(statePath).mode & 0o777).to.equal(0o600);
      expect(readFileSync(statePath, "utf8")).not.to.include(PRO);
      const second = await RekkoEmulator.start({ apiKeys: [PRO], statePath });
      expect((await call(second.url, "GET", "/v1/webhooks", { key: PRO })).body).to.deep.equal([made]);
      expect(second.webhooks()[0]?.secret).to.equal(SECRET);
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a non-loopback host unless allowed", async () => {
    let error: Error | undefined;
    await RekkoEmulator.start({ host: "0.0.0.0" }).catch((e: Error) => {
      error = e;
    });
    expect(error?.message).to.match(/not loopback.*allow-remote/);
  });

  it("generates a Pro key when none is given", async () => {
    const emu = await RekkoEmulator.start();
    expect(emu.apiKey).to.match(/^rk_pro_/);
    expect((await call(emu.url, "GET", "/v1/webhooks", { key: emu.apiKey })).status).to.equal(200);
    await emu.stop();
  });
});
