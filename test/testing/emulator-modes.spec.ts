import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { call } from "../support/http";

const KEY = "rk_pro_modes_test_key_000001";
const OTHER = "rk_pro_modes_test_key_000002";
const reg = (url: string) => ({ url, events: ["whale_alert"], secret: "modes-test-signing-secret" });
const list = async (emu: RekkoEmulator, key = KEY) =>
  ((await call(emu.url, "GET", "/v1/webhooks", { key })).body as { webhook_id: string; url: string }[]).map((w) => w.webhook_id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("emulator: url normalisation (normalizeUrls, --normalize-urls)", () => {
  const sent = [
    ["https://Hooks.Example.COM/In", "https://hooks.example.com/In"],
    ["https://hooks.example.com:443/x", "https://hooks.example.com/x"],
    ["https://hooks.example.com", "https://hooks.example.com/"],
    ["http://127.0.0.1:80", "http://127.0.0.1/"],
    ["https://hooks.example.com:8443/x?a=1", "https://hooks.example.com:8443/x?a=1"],
  ] as const;

  it("stores, answers and lists each url normalised", async () => {
    const emu = await RekkoEmulator.start({ apiKeys: [KEY], normalizeUrls: true });
    try {
      for (const [url, stored] of sent) {
        const created = await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg(url) });
        expect((created.body as { url: string }).url, url).to.equal(stored);
      }
      const listed = (await call(emu.url, "GET", "/v1/webhooks", { key: KEY })).body as { url: string }[];
      expect(listed.map((w) => w.url)).to.deep.equal(sent.map(([, s]) => s));
      expect(emu.webhooks().map((w) => w.url)).to.deep.equal(sent.map(([, s]) => s));
    } finally {
      await emu.stop();
    }
  });

  it("keeps urls as sent by default, and switches with PUT /_emulator/config { normalizeUrls }", async () => {
    const emu = await RekkoEmulator.start({ apiKeys: [KEY] });
    try {
      expect(emu.settings().normalizeUrls).to.equal(false);
      const asSent = await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg("https://Hooks.Example.COM") });
      expect((asSent.body as { url: string }).url).to.equal("https://Hooks.Example.COM");
      const on = await call(emu.url, "PUT", "/_emulator/config", {
        headers: emu.controlHeaders(),
        json: { normalizeUrls: true },
      });
      expect(on.body).to.include({ normalizeUrls: true });
      const normal = await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg("https://Hooks.Example.COM") });
      expect((normal.body as { url: string }).url).to.equal("https://hooks.example.com/");
      const bad = await call(emu.url, "PUT", "/_emulator/config", {
        headers: emu.controlHeaders(),
        json: { normalizeUrls: "yes" },
      });
      expect(bad.status).to.equal(400);
      expect(bad.text).to.match(/normalizeUrls must be true or false/);
    } finally {
      await emu.stop();
    }
  });
});

describe("emulator: list lag (listLagMs, --list-lag-ms)", () => {
  // Long enough that a loaded machine answers the list inside it.
  const LAG = 1000;
  let emu: RekkoEmulator;
  beforeEach(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [KEY, OTHER], listLagMs: LAG });
  });
  afterEach(() => emu.stop());

  it("lists a created webhook only once the lag has passed since its create answered", async () => {
    const created = (await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg("https://h.example.com/a") })).body as {
      webhook_id: string;
    };
    const answered = Date.now();
    expect(await list(emu), "just created").to.deep.equal([]);
    expect(
      emu.webhooks().map((w) => w.webhook_id),
      "stored at once",
    ).to.deep.equal([created.webhook_id]);
    await sleep(answered + LAG + 50 - Date.now());
    expect(await list(emu)).to.deep.equal([created.webhook_id]);
  });

  it("keeps a deleted webhook listed for the lag, while the delete itself takes effect at once", async () => {
    emu.configure({ listLagMs: 0 });
    const created = (await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg("https://h.example.com/b") })).body as {
      webhook_id: string;
    };
    emu.configure({ listLagMs: LAG });
    expect((await call(emu.url, "DELETE", `/v1/webhooks/${created.webhook_id}`, { key: KEY })).status).to.equal(200);
    const answered = Date.now();
    expect(await list(emu), "still listed").to.deep.equal([created.webhook_id]);
    expect(await list(emu, OTHER), "never another key's").to.deep.equal([]);
    expect(emu.webhooks(), "gone at once").to.deep.equal([]);
    expect(
      (await call(emu.url, "DELETE", `/v1/webhooks/${created.webhook_id}`, { key: KEY })).status,
      "a second delete",
    ).to.equal(404);
    await sleep(answered + LAG + 50 - Date.now());
    expect(await list(emu)).to.deep.equal([]);
  });

  it("never lists a webhook deleted before it was listed", async () => {
    const created = (await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg("https://h.example.com/c") })).body as {
      webhook_id: string;
    };
    expect((await call(emu.url, "DELETE", `/v1/webhooks/${created.webhook_id}`, { key: KEY })).status).to.equal(200);
    for (let i = 0; i < 3; i++) {
      expect(await list(emu)).to.deep.equal([]);
      await sleep(LAG / 2);
    }
  });

  it("changes with PUT /_emulator/config { listLagMs }, refusing a bad value", async () => {
    const r = await call(emu.url, "PUT", "/_emulator/config", { headers: emu.controlHeaders(), json: { listLagMs: 0 } });
    expect(r.body).to.include({ listLagMs: 0 });
    const created = (await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg("https://h.example.com/d") })).body as {
      webhook_id: string;
    };
    expect(await list(emu)).to.deep.equal([created.webhook_id]);
    for (const listLagMs of [-1, 1.5, "10", 3_600_001]) {
      const bad = await call(emu.url, "PUT", "/_emulator/config", { headers: emu.controlHeaders(), json: { listLagMs } });
      expect(bad.status, String(listLagMs)).to.equal(400);
    }
    let error: Error | undefined;
    await RekkoEmulator.start({ listLagMs: -5 }).catch((e: Error) => {
      error = e;
    });
    expect(error?.message).to.match(/rekko-emulator: listLagMs must be a whole number from 0/);
  });
});

describe("emulator: its own clock (Date header, created_at, clockSkewMs)", () => {
  it("answers with a Date header and created_at from its clock, accurate by default", async () => {
    const emu = await RekkoEmulator.start({ apiKeys: [KEY] });
    try {
      const before = Date.now();
      const r = await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg("https://h.example.com/t") });
      const after = Date.now();
      const date = Date.parse(String(r.headers.date));
      expect(date).to.be.within(Math.floor(before / 1000) * 1000, after);
      const created = Date.parse((r.body as { created_at: string }).created_at);
      expect(created).to.be.within(before, after);
      expect((r.body as { created_at: string }).created_at).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      for (const [method, path] of [
        ["GET", "/v1/webhooks"],
        ["GET", "/v2/nothing"],
      ]) {
        const other = await call(emu.url, method ?? "", path ?? "", { key: KEY });
        expect(Date.parse(String(other.headers.date)), path).to.be.closeTo(Date.now(), 2000);
      }
      expect(emu.clock().offsetMs).to.equal(0);
    } finally {
      await emu.stop();
    }
  });

  for (const skew of [90_000, -90_000]) {
    it(`puts its clock ${skew > 0 ? "ahead" : "behind"} with clockSkewMs ${skew}: Date, created_at and the request log`, async () => {
      const emu = await RekkoEmulator.start({ apiKeys: [KEY], clockSkewMs: skew });
      try {
        const r = await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg("https://h.example.com/s") });
        const now = Date.now();
        expect(Date.parse(String(r.headers.date)) - now).to.be.closeTo(skew, 2000);
        expect(Date.parse((r.body as { created_at: string }).created_at) - now).to.be.closeTo(skew, 1000);
        expect(Date.parse(emu.requests().at(-1)?.time ?? "") - now).to.be.closeTo(skew, 1000);
        expect(emu.settings().clockSkewMs).to.equal(skew);
      } finally {
        await emu.stop();
      }
    });
  }

  it("moves its clock with PUT /_emulator/config { clockSkewMs } and PUT /_emulator/clock, refusing bad changes", async () => {
    const emu = await RekkoEmulator.start({ apiKeys: [KEY] });
    const ctl = (method: string, path: string, json?: unknown) =>
      call(emu.url, method, path, { headers: emu.controlHeaders(), ...(json !== undefined ? { json } : {}) });
    try {
      expect((await ctl("PUT", "/_emulator/config", { clockSkewMs: -5000 })).body).to.include({ clockSkewMs: -5000 });
      const set = await ctl("PUT", "/_emulator/clock", { now: "2031-01-31T23:59:00Z" });
      expect(Date.parse((set.body as { now: string }).now)).to.be.closeTo(Date.parse("2031-01-31T23:59:00Z"), 2000);
      const advanced = await ctl("PUT", "/_emulator/clock", { advanceMs: 120_000 });
      expect(Date.parse((advanced.body as { now: string }).now)).to.be.closeTo(Date.parse("2031-02-01T00:01:00Z"), 2000);
      const read = await ctl("GET", "/_emulator/clock");
      expect((read.body as { offsetMs: number }).offsetMs).to.equal(emu.settings().clockSkewMs);
      const r = await call(emu.url, "GET", "/v1/webhooks", { key: KEY });
      expect(Date.parse(String(r.headers.date))).to.be.closeTo(Date.parse("2031-02-01T00:01:00Z"), 3000);
      expect((await ctl("PUT", "/_emulator/clock", { offsetMs: 0 })).body).to.include({ offsetMs: 0 });
      for (const body of [{}, { now: "yesterday" }, { advanceMs: 1, offsetMs: 2 }, { advanceMs: 1.5 }, { offsetMs: 1e15 }]) {
        expect((await ctl("PUT", "/_emulator/clock", body)).status, JSON.stringify(body)).to.equal(400);
      }
      expect((await ctl("PUT", "/_emulator/config", { clockSkewMs: "1" })).status).to.equal(400);
      expect(emu.clock().offsetMs).to.equal(0);
    } finally {
      await emu.stop();
    }
  });
});

describe("emulator: the state file is written through a fresh temporary file", () => {
  it("opens a random temporary name exclusively, so a link planted at a guessable name is not written through", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rekko-emu-tmp-"));
    const statePath = join(dir, "state.json");
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "untouched");
    // The name the emulator used to write through: <state>.<pid>.tmp.
    symlinkSync(victim, `${statePath}.${process.pid}.tmp`);
    const emu = await RekkoEmulator.start({ apiKeys: [KEY], statePath });
    try {
      for (let i = 0; i < 3; i++) {
        expect(
          (await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg(`https://h.example.com/${i}`) })).status,
        ).to.equal(200);
      }
      expect(readFileSync(victim, "utf8")).to.equal("untouched");
      expect((JSON.parse(readFileSync(statePath, "utf8")) as { webhooks: unknown[] }).webhooks).to.have.length(3);
      const left = readdirSync(dir).filter((f) => f.endsWith(".tmp") && f !== `state.json.${process.pid}.tmp`);
      expect(left, "no temporary file left").to.deep.equal([]);
    } finally {
      await emu.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(dir)).to.equal(false);
  });
});
