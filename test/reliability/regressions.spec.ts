/**
 * Regression tests of the bugs the reliability suites found, one per bug, named after it.
 */
import { expect } from "chai";
import { RekkoClient } from "../../provider/core/client";
import { hostKind } from "../../provider/core/hosts";
import { RateLimiter } from "../../provider/core/rateLimit";
import { urlProblem } from "../../provider/core/validation";
import * as rt from "../../provider/dynamic/runtime";
import { RekkoEmulator } from "../../provider/testing";
import { call } from "../support/http";

const KEY = "rk_pro_regression_key_0000001";

describe("regressions found by the reliability suites", () => {
  describe("emulator", () => {
    let emu: RekkoEmulator;
    beforeEach(async () => {
      emu = await RekkoEmulator.start({ apiKeys: [KEY] });
    });
    afterEach(() => emu.stop());

    it("bug: DELETE with a malformed %-escape in the webhook id answered 500 (URIError) instead of 404", async () => {
      for (const id of ["%E0%A4%A", "%", "%zz", "wh-%"]) {
        const r = await call(emu.url, "DELETE", `/v1/webhooks/${id}`, { key: KEY });
        expect(r.status, id).to.equal(404);
        expect(r.body).to.deep.equal({ detail: "Webhook not found" });
      }
      expect(emu.requests().map((r) => r.status)).to.deep.equal([404, 404, 404, 404]);
    });

    it("bug: a fault with a non-string method/path or bad headers was accepted, then every request answered 500", async () => {
      const bad: unknown[] = [
        { kind: "latency", method: 5 },
        { kind: "latency", path: { a: 1 } },
        { kind: "status", status: 503, headers: { "bad header": "x" } },
        { kind: "status", status: 503, headers: { "x-ok": 5 } },
        { kind: "status", status: 503, headers: ["x"] },
        { kind: "latency", latencyMs: "100" },
        { kind: "latency", latencyMs: 600_001 },
        { kind: "status", status: 503, times: 1.5 },
        { kind: "status", status: 503, every: 0 },
        { kind: "latency", random: "yes" },
      ];
      for (const spec of bad) {
        const r = await call(emu.url, "POST", "/_emulator/faults", { json: spec, headers: emu.controlHeaders() });
        expect(r.status, JSON.stringify(spec)).to.equal(400);
        expect(String((r.body as { detail: string }).detail)).to.match(/^fault /);
      }
      const list = await call(emu.url, "GET", "/v1/webhooks", { key: KEY });
      expect(list.status).to.equal(200);
      expect(emu.addFault({ kind: "latency", latencyMs: 1.5, method: "GET", path: "/v1/*", every: 2, times: 3 })).to.match(
        /^fault-/,
      );
    });

    it("bug: a fault overridden by another on the same request was used up and logged as applied", async () => {
      emu.addFault({ kind: "status", status: 503, times: 1 });
      emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks", times: 1 });
      emu.addFault({ kind: "latency", latencyMs: 1, times: 1 });
      const reg = { url: "https://hooks.example.com/x", events: ["whale_alert"] };
      const first = await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg });
      expect(first.status).to.equal(503);
      expect(emu.requests()[0]?.faults).to.deep.equal(["status", "latency"]);
      // The drop-after was not used by the 503: it applies to the next create.
      await call(emu.url, "POST", "/v1/webhooks", { key: KEY, json: reg }).catch(() => undefined);
      expect(emu.requests()[1]).to.include({ status: 0 });
      expect(emu.requests()[1]?.faults).to.deep.equal(["drop-after"]);
      expect(emu.webhooks()).to.have.length(1);
    });
  });

  describe("client", () => {
    it("bug: a create whose last attempt dropped after storing was not reconciled, leaving an orphan webhook", async () => {
      const emu = await RekkoEmulator.start({ apiKeys: [KEY] });
      try {
        emu.addFault({ kind: "status", method: "POST", path: "/v1/webhooks", status: 503, times: 1 });
        emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks", times: 1 });
        const client = new RekkoClient({
          baseUrl: emu.url,
          apiKey: KEY,
          maxAttempts: 2,
          limiter: new RateLimiter(100_000),
          sleep: async () => {},
        });
        const info = await client.createWebhook({ url: "https://hooks.example.com/last", events: ["whale_alert"], secret: "" });
        expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([info.webhook_id]);
        // No list before the create: the first list is taken after the first unknown outcome.
        expect(emu.requests().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["POST 503", "GET 200", "POST 0", "GET 200"]);
        // When nothing was stored, the last error is still what the caller gets.
        emu.addFault({ kind: "status", method: "POST", path: "/v1/webhooks", status: 503, times: 2 });
        let error: unknown;
        await client.createWebhook({ url: "https://hooks.example.com/none", events: ["whale_alert"], secret: "" }).catch((e) => {
          error = e;
        });
        expect((error as Error).message).to.match(/failed with 503 after every retry/);
        expect(emu.webhooks()).to.have.length(1);
      } finally {
        await emu.stop();
      }
    });
  });

  describe("runtime check", () => {
    afterEach(() => rt.configure({}));

    it("bug: a bad rekko:maxRequestsPerMinute was reported as a failure of rekko:baseUrl", async () => {
      rt.configure({ apiKey: KEY, baseUrl: "http://127.0.0.1:9", maxRequestsPerMinute: "0" });
      const { failures } = await rt.check({}, { url: "http://127.0.0.1:9/h", events: ["whale_alert"] });
      expect(failures.map((f) => f.property)).to.deep.equal(["rekko:maxRequestsPerMinute"]);
      expect(failures[0]?.reason).to.match(/^rekko:maxRequestsPerMinute "0" must be a positive number/);
      rt.configure({ apiKey: KEY, baseUrl: "ftp://api.example.com" });
      const base = await rt.check({}, { url: "https://hooks.example.com/h", events: ["whale_alert"] });
      expect(base.failures.map((f) => f.property)).to.deep.equal(["rekko:baseUrl"]);
    });
  });

  describe("validation", () => {
    const remote = { allowLocalReceivers: false };

    it("bug: IPv6 forms embedding a private IPv4 address other than ::ffff:a.b.c.d were accepted as public", () => {
      // IPv4-translated (RFC 2765), 6to4 (RFC 3056), local-use NAT64 (RFC 8215), site-local (deprecated).
      for (const host of [
        "[::ffff:0:10.0.0.1]",
        "[::ffff:0:a9fe:a9fe]",
        "[2002:c0a8:101::1]",
        "[2002:7f00:1::]",
        "[64:ff9b:1::a00:1]",
        "[fec0::1]",
      ]) {
        expect(hostKind(host), host).to.equal("private");
        expect(urlProblem(`https://${host}/hook`, remote), host).to.match(/^url .* private, link-local or reserved/);
      }
      // Their public counterparts stay public.
      for (const host of ["[::ffff:0:8.8.8.8]", "[2002:808:808::1]", "[64:ff9b::8.8.8.8]", "[2001:4860:4860::8888]"]) {
        expect(hostKind(host), host).to.equal("public");
      }
    });

    it("bug: urls with invisible or bidirectional formatting characters (zero-width, bidi override) were accepted", () => {
      for (const url of [
        "https://hooks\u200b.example.com/r",
        "https://hooks.example.com/\u202eevil",
        "https://hooks.example.com/a\u2066b",
        "\ufeffhttps://hooks.example.com/r",
        "https://hooks.exam\u00adple.com/r",
      ]) {
        expect(urlProblem(url, remote), JSON.stringify(url)).to.match(/^url .* invisible or bidirectional formatting characters/);
      }
      expect(urlProblem("https://hooks.example.com/caf%C3%A9/\u00e9", remote)).to.equal(undefined);
    });
  });
});
