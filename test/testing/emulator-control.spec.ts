import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { call } from "../support/http";

const KEY = "rk_pro_control_test_key_0001";
const reg = { url: "https://hooks.example.com/rekko", events: ["whale_alert"], secret: "control-test-signing-secret" };

const ROUTES: [string, string, unknown?][] = [
  ["GET", "/_emulator/requests"],
  ["GET", "/_emulator/webhooks"],
  ["GET", "/_emulator/faults"],
  ["POST", "/_emulator/faults", { kind: "status", status: 503 }],
  ["DELETE", "/_emulator/faults"],
  ["PUT", "/_emulator/config", { rateLimitPerMinute: 1 }],
  ["GET", "/_emulator/clock"],
  ["PUT", "/_emulator/clock", { advanceMs: 60_000 }],
  ["GET", "/_emulator/billing"],
  ["PUT", "/_emulator/billing", { key: KEY, quotas: { deep: 0 } }],
  ["POST", "/_emulator/events", { type: "whale_alert" }],
  ["POST", "/_emulator/reset"],
];

describe("emulator: the control surface needs the control token", () => {
  let emu: RekkoEmulator;
  beforeEach(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [KEY] });
    await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg });
  });
  afterEach(() => emu.stop());

  it("generates a token of its own, unlike any key", () => {
    expect(emu.controlToken).to.match(/^rk_emuctl_[0-9a-f]{32}$/);
    expect(emu.apiKeys).not.to.include(emu.controlToken);
  });

  it("refuses every route with no token, a wrong token or an API key (401), and changes nothing", async () => {
    for (const auth of [
      undefined,
      "Bearer wrong-token-0123456789",
      `Bearer ${KEY}`,
      emu.controlToken,
      `Basic ${emu.controlToken}`,
    ]) {
      for (const [method, path, json] of ROUTES) {
        const headers: Record<string, string> = auth ? { authorization: auth } : {};
        const r = await call(emu.url, method, path, { headers, ...(json ? { json } : {}) });
        expect(r.status, `${method} ${path} with ${auth}`).to.equal(401);
        expect(r.text).to.match(/control token/);
        expect(r.text).not.to.include(reg.secret);
      }
    }
    expect(emu.webhooks()).to.have.length(1);
    expect(emu.faultSpecs()).to.deep.equal([]);
    expect(emu.settings().rateLimitPerMinute).to.equal(0);
    expect(emu.clock().offsetMs).to.equal(0);
    expect(emu.account(KEY).quotas.deep).to.equal(null);
  });

  it("serves every route with the token", async () => {
    for (const [method, path, json] of ROUTES) {
      const r = await call(emu.url, method, path, { headers: emu.controlHeaders(), ...(json ? { json } : {}) });
      expect(r.status, `${method} ${path}`).to.equal(200);
    }
  });

  it("accepts only application/json bodies (a cross-origin text/plain POST is refused with 415)", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
      const headers = { ...emu.controlHeaders(), ...(type ? { "content-type": type } : {}) };
      const r = await call(emu.url, "POST", "/_emulator/faults", { body: '{"kind":"drop-before"}', headers });
      expect(r.status, type).to.equal(415);
      const e = await call(emu.url, "POST", "/_emulator/events", { body: '{"type":"whale_alert"}', headers });
      expect(e.status, type).to.equal(415);
    }
    expect(emu.faultSpecs()).to.deep.equal([]);
    const ok = await call(emu.url, "POST", "/_emulator/faults", {
      body: '{"kind":"drop-before"}',
      headers: { ...emu.controlHeaders(), "content-type": "application/json; charset=utf-8" },
    });
    expect(ok.status).to.equal(200);
  });

  it("serves only loopback Host names unless remote access is allowed (DNS rebinding)", async () => {
    for (const host of ["evil.example.com", "rebind.attacker.test:80", "localhost.evil.com", "api.localhost", "10.0.0.1"]) {
      const control = await call(emu.url, "GET", "/_emulator/webhooks", { headers: { ...emu.controlHeaders(), host } });
      expect(control.status, host).to.equal(403);
      expect(control.text).not.to.include(reg.secret);
      expect((await call(emu.url, "GET", "/v1/webhooks", { key: KEY, headers: { host } })).status, host).to.equal(403);
    }
    const port = new URL(emu.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "127.0.0.2"]) {
      expect(
        (await call(emu.url, "GET", "/_emulator/webhooks", { headers: { ...emu.controlHeaders(), host } })).status,
        host,
      ).to.equal(200);
    }
    const open = await RekkoEmulator.start({ allowRemote: true });
    try {
      const r = await call(open.url, "GET", "/_emulator/webhooks", {
        headers: { ...open.controlHeaders(), host: "emulator.lan" },
      });
      expect(r.status).to.equal(200);
    } finally {
      await open.stop();
    }
  });

  it("takes a given control token, and refuses one that is short or equal to a key", async () => {
    const given = await RekkoEmulator.start({ apiKeys: [KEY], controlToken: "my-control-token-0123456789" });
    try {
      expect(given.controlToken).to.equal("my-control-token-0123456789");
      const r = await call(given.url, "GET", "/_emulator/requests", {
        headers: { authorization: "Bearer my-control-token-0123456789" },
      });
      expect(r.status).to.equal(200);
    } finally {
      await given.stop();
    }
    for (const controlToken of ["short", KEY]) {
      let error: Error | undefined;
      await RekkoEmulator.start({ apiKeys: [KEY], controlToken }).catch((e: Error) => {
        error = e;
      });
      expect(error?.message, controlToken).to.match(/control token must be at least 16 characters and differ from every API key/);
    }
  });
});

describe("emulator: a corrupt state file stops start() with nothing listening", () => {
  const freePort = () =>
    new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
  const refused = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(true));
    });

  for (const [name, text] of [
    ["not JSON", "{ this is not json"],
    ["not an emulator state", '{"webhooks": "nope"}'],
    ["a webhook without its fields", '{"webhooks": [{"webhook_id": "wh-1"}]}'],
    ["JSON null", "null"],
  ] as const) {
    it(`refuses a state file that is ${name}, and leaves the file as it was`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "rekko-emu-state-"));
      const statePath = join(dir, "state.json");
      writeFileSync(statePath, text);
      try {
        const port = await freePort();
        let error: Error | undefined;
        await RekkoEmulator.start({ port, statePath }).catch((e: Error) => {
          error = e;
        });
        expect(error?.message).to.match(/state file .*state\.json is not (valid JSON|an emulator state)/);
        expect(await refused(port), "nothing listens on the port").to.equal(true);
        expect(readFileSync(statePath, "utf8")).to.equal(text);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("starts empty when the state file does not exist yet", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rekko-emu-state-"));
    try {
      const emu = await RekkoEmulator.start({ statePath: join(dir, "new", "state.json") });
      expect(emu.webhooks()).to.deep.equal([]);
      await emu.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
