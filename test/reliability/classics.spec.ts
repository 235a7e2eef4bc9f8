/**
 * Suite 4, hand-written classics of bad input (the ones test/unit/validation.spec.ts,
 * receiver.spec.ts and emulator.spec.ts do not already cover): huge strings, unicode and
 * control characters, hostile schemes, IPv6/IPv4 spellings of private addresses,
 * credentials, bad event lists, wrong types, and the preview sentinel in every position.
 */
import { expect } from "chai";
import { checkInputs, urlProblem } from "../../provider/core/validation";
import { diffWebhook, isUnknown, UNKNOWN } from "../../provider/dynamic/protocol";
import * as rt from "../../provider/dynamic/runtime";
import type { ReceiverOptions } from "../../provider/receiver";
import { createNodeReceiver } from "../../provider/receiver/node";
import { signPayload } from "../../provider/receiver/signature";
import { RekkoEmulator } from "../../provider/testing";
import { call } from "../support/http";

/** One delivery to a new Node receiver. */
const processDelivery = (body: Buffer, signature: string, options: ReceiverOptions<Buffer>) =>
  createNodeReceiver(options).handleBody(body, signature);

const remote = { allowLocalReceivers: false, isPending: isUnknown };
const SECRET = "classic-secret-0123456789abcdef";
const ok = { url: "https://hooks.example.com/r", events: ["whale_alert"], secret: SECRET };

/** Runs check and returns the failing properties, requiring each reason to name its property and stay short. */
function refused(news: Record<string, unknown>): string[] {
  const { failures } = checkInputs(news, remote);
  for (const f of failures) {
    expect(f.reason, f.property).to.include(f.property);
    expect(f.reason.length, f.property).to.be.below(600);
  }
  return failures.map((f) => f.property);
}

describe("classics: huge strings", () => {
  it("refuses a 10 MB url quickly, with a message of bounded size", () => {
    const started = Date.now();
    const problem = urlProblem(`https://hooks.example.com/${"a".repeat(10 * 1024 * 1024)}`, remote) ?? "";
    expect(problem).to.match(/^url is 10485786 characters long; the limit is 2048/);
    expect(problem.length).to.be.below(300);
    expect(Date.now() - started).to.be.below(1000);
  });
  it("refuses a 1 MB secret without showing it", () => {
    const secret = `Q${"x".repeat(1024 * 1024)}`;
    const { failures } = checkInputs({ ...ok, secret }, remote);
    expect(failures.map((f) => f.property)).to.deep.equal(["secret"]);
    expect(failures[0]?.reason).to.match(/secret is \(secret, 1048577 chars\); it must be 16 to 1024/);
    expect(JSON.stringify(failures)).not.to.include("xxxxxxxx");
  });
  it("refuses a 10 MB event name and 100,000 events with short messages", () => {
    expect(refused({ ...ok, events: ["e".repeat(10 * 1024 * 1024)] })).to.deep.equal(["events"]);
    expect(refused({ ...ok, events: new Array(100_000).fill("whale_alert") })).to.deep.equal(["events"]);
    expect(refused({ ...ok, adoptWebhookId: "w".repeat(1024 * 1024) })).to.deep.equal(["adoptWebhookId"]);
  });
});

describe("classics: unicode and control characters in urls", () => {
  const refusedUrls: [string, string, RegExp][] = [
    ["NUL in the path", "https://hooks.example.com/a\u0000b", /spaces or control/],
    ["DEL", "https://hooks.example.com/\u007f", /spaces or control/],
    ["C1 next-line", "https://hooks.example.com/\u0085", /spaces or control/],
    ["paragraph separator", "https://hooks.example.com/\u2029", /spaces or control/],
    ["carriage return (header injection)", "https://hooks.example.com/x\r\nX-Evil: 1", /spaces or control/],
    ["leading space", " https://hooks.example.com/", /spaces or control/],
    ["word joiner", "https://hooks.example.com/\u2060", /invisible or bidirectional/],
    ["right-to-left mark", "https://hooks.example.com/\u200f", /invisible or bidirectional/],
  ];
  for (const [name, url, reason] of refusedUrls) {
    it(`refuses ${name}`, () => expect(urlProblem(url, remote)).to.match(reason).and.match(/^url/));
  }
  // Accepted: what WHATWG URL parsing turns into a plain public https URL.
  for (const url of [
    "https://hooks.example.com/\u{1F680}",
    "https://ｅｘａｍｐｌｅ.com/x",
    "https://hooks.example.com/caf\u00e9",
    "https://hooks.example.com/\ud800",
  ]) {
    it(`accepts ${JSON.stringify(url)} (percent-encoded or IDNA-mapped by URL parsing)`, () => {
      expect(urlProblem(url, remote)).to.equal(undefined);
    });
  }
});

describe("classics: schemes", () => {
  for (const [url, scheme] of [
    ["JAVASCRIPT:alert(1)", "javascript:"],
    ["javascript://hooks.example.com/%0aalert(1)", "javascript:"],
    ["data:text/html,<script>alert(1)</script>", "data:"],
    ["file://hooks.example.com/etc/passwd", "file:"],
    ["wss://hooks.example.com/", "wss:"],
    ["gopher://hooks.example.com/", "gopher:"],
    ["blob:https://hooks.example.com/1", "blob:"],
  ]) {
    it(`refuses ${url}`, () => expect(urlProblem(url, remote)).to.include(`uses the ${scheme} scheme`));
  }
  it("accepts an upper-case HTTPS scheme and host", () =>
    expect(urlProblem("HTTPS://HOOKS.EXAMPLE.COM/x", remote)).to.equal(undefined));
});

describe("classics: IPv6 and IPv4 spellings of private addresses", () => {
  const privateHosts = [
    "[::ffff:192.168.1.1]",
    "[::ffff:169.254.169.254]",
    "[::ffff:a9fe:a9fe]",
    "[0:0:0:0:0:ffff:10.0.0.1]",
    "[::10.0.0.1]",
    "[64:ff9b::192.168.0.1]",
    "[ff02::1]",
    "10.1",
    "0",
    "192.168.1.1.",
    "169.254.169.254.",
    "100.100.100.200",
    "224.0.0.1",
    // The deprecated IPv4-compatible form (::/96) reaches no loopback interface: reserved, outside 2000::/3.
    "[::127.0.0.1]",
  ];
  for (const host of privateHosts) {
    it(`refuses https://${host}/ as private`, () =>
      expect(urlProblem(`https://${host}/`, remote)).to.match(/private, link-local or reserved/));
  }
  for (const host of ["0x7f000001", "0177.0.0.1", "127.1", "017700000001", "[0::ffff:7f00:0001]", "LOCALHOST", "localhost."]) {
    it(`refuses https://${host}/ as this machine`, () =>
      expect(urlProblem(`https://${host}/`, remote)).to.match(/points to this machine/));
  }
  it("refuses an IPv6 zone id as not a URL", () =>
    expect(urlProblem("https://[fe80::1%25eth0]/", remote)).to.match(/not an absolute URL/));
  it("accepts public addresses in IPv6 spellings", () => {
    expect(urlProblem("https://[64:ff9b::8.8.8.8]/", remote)).to.equal(undefined);
    expect(urlProblem("https://[::ffff:8.8.8.8]/", remote)).to.equal(undefined);
  });
  it("accepts names that only DNS could reveal as private (no DNS lookup by design)", () => {
    expect(urlProblem("https://127.0.0.1.nip.io/", remote)).to.equal(undefined);
    expect(urlProblem("https://metadata.google.internal/", remote)).to.equal(undefined);
  });
});

describe("classics: credentials in urls", () => {
  for (const url of [
    "https://user@hooks.example.com/",
    "https://:pw@hooks.example.com/",
    "https://hooks.example.com@evil.example.com/",
    "https://%75ser:pw@hooks.example.com/",
    "https://user:@hooks.example.com/",
  ]) {
    it(`refuses ${url} without echoing it`, () => {
      const problem = urlProblem(url, remote) ?? "";
      expect(problem).to.match(/^url must not carry a user name or password/);
      expect(problem).not.to.include("pw@");
    });
  }
});

describe("classics: event lists", () => {
  const table: [string, unknown, RegExp][] = [
    ["a case variant", ["WHALE_ALERT"], /events\[0\] is "WHALE_ALERT"/],
    ["a trailing space", ["whale_alert "], /events\[0\] is "whale_alert "/],
    ["an empty name", [""], /events\[0\] is ""/],
    ["a null entry", ["whale_alert", null], /events\[1\] is null/],
    ["a number", [1], /events\[0\] is 1/],
    ["a nested list", [["whale_alert"]], /events\[0\] is \["whale_alert"\]/],
    ["a hole", Object.assign([], { 1: "whale_alert" }), /events\[0\] is undefined/],
    ["an array-like object", { 0: "whale_alert", length: 1 }, /events must be a list/],
    ["a duplicate after the sentinel", ["whale_alert", UNKNOWN, "whale_alert"], /lists "whale_alert" twice/],
    ["prototype names", ["__proto__", "constructor"], /events\[0\] is "__proto__"/],
  ];
  for (const [name, events, reason] of table) {
    it(`refuses ${name}`, () => {
      const { failures } = checkInputs({ ...ok, events }, remote);
      expect(failures.map((f) => f.property)).to.deep.equal(["events"]);
      expect(failures[0]?.reason).to.match(reason);
    });
  }
});

describe("classics: wrong types in every field", () => {
  const values: unknown[] = [
    null,
    true,
    0,
    -1.5,
    [],
    {},
    ["https://hooks.example.com/r"],
    { href: "https://hooks.example.com/r" },
  ];
  for (const field of ["url", "events", "secret", "adoptWebhookId"]) {
    it(`names ${field} for each wrong type, never throwing`, () => {
      for (const value of values) {
        if ((field === "secret" || field === "adoptWebhookId") && value === null) continue; // null means absent
        if (field === "events" && Array.isArray(value) && value.length === 0) continue; // covered: "events is empty"
        const props = refused({ ...ok, [field]: value });
        expect(props, `${field}=${JSON.stringify(value)}`).to.deep.equal([field]);
      }
    });
  }
});

describe("classics: the preview sentinel in every position", () => {
  const all = { url: UNKNOWN, events: UNKNOWN, secret: UNKNOWN, adoptWebhookId: UNKNOWN };
  it("check passes every field unknown at once, and events made only of unknowns", () => {
    expect(checkInputs(all, remote).failures).to.deep.equal([]);
    expect(checkInputs({ ...ok, events: [UNKNOWN, UNKNOWN] }, remote).failures).to.deep.equal([]);
  });
  it("the runtime's check passes them too, with no network", async () => {
    rt.configure({ apiKey: "rk_pro_sentinel_key_000000", baseUrl: "http://127.0.0.1:9" });
    try {
      expect((await rt.check({ url: UNKNOWN }, all)).failures).to.deep.equal([]);
      expect((await rt.check(all as Record<string, unknown>, { ...ok, url: UNKNOWN })).failures).to.deep.equal([]);
    } finally {
      rt.configure({});
    }
  });
  it("diff plans a replacement for an unknown url, events entry or secret, and no change for an unknown __provider", () => {
    const olds = { ...ok, __provider: "code" };
    expect(diffWebhook(olds, { ...ok, url: UNKNOWN }).replaces).to.deep.equal(["url"]);
    expect(diffWebhook(olds, { ...ok, events: [UNKNOWN] }).replaces).to.deep.equal(["events"]);
    expect(diffWebhook(olds, { ...ok, events: UNKNOWN }).replaces).to.deep.equal(["events"]);
    expect(diffWebhook(olds, { ...ok, secret: UNKNOWN }).replaces).to.deep.equal(["secret"]);
    expect(diffWebhook(olds, { ...ok, __provider: UNKNOWN })).to.deep.equal({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
  it("the receiver answers 401 to the sentinel as a signature and 400 to a signed sentinel body", async () => {
    const onEvent = () => {
      throw new Error("not called");
    };
    const body = Buffer.from(UNKNOWN);
    expect((await processDelivery(body, UNKNOWN, { secrets: SECRET, onEvent })).status).to.equal(401);
    expect((await processDelivery(body, signPayload(body, SECRET), { secrets: SECRET, onEvent })).status).to.equal(400);
  });
  it("the emulator refuses the sentinel as url or event (422 naming the field) and stores it as a secret string", async () => {
    const key = "rk_pro_sentinel_key_000001";
    const emu = await RekkoEmulator.start({ apiKeys: [key] });
    try {
      const url = await call(emu.url, "POST", "/v1/webhooks", { key, json: { ...ok, url: UNKNOWN } });
      expect(url.status).to.equal(422);
      expect((url.body as { detail: { loc: unknown[] }[] }).detail[0]?.loc).to.deep.equal(["body", "url"]);
      const event = await call(emu.url, "POST", "/v1/webhooks", { key, json: { ...ok, events: [UNKNOWN] } });
      expect(event.status).to.equal(422);
      expect((event.body as { detail: { loc: unknown[] }[] }).detail[0]?.loc).to.deep.equal(["body", "events", 0]);
      const secret = await call(emu.url, "POST", "/v1/webhooks", { key, json: { ...ok, secret: UNKNOWN } });
      expect(secret.status).to.equal(200);
      expect(secret.text).not.to.include(UNKNOWN);
      const del = await call(emu.url, "DELETE", `/v1/webhooks/${UNKNOWN}`, { key });
      expect(del.status).to.equal(404);
    } finally {
      await emu.stop();
    }
  });
});

describe("classics: receiver", () => {
  const onEvent = () => undefined;
  it("answers 413 to a 10 MB body over the default limit; with the limit raised, 401 to a bad signature and 400 to signed non-JSON", async () => {
    const body = Buffer.alloc(10 * 1024 * 1024, 120);
    expect((await processDelivery(body, signPayload(body, SECRET), { secrets: SECRET, onEvent })).status).to.equal(413);
    const raised = { secrets: SECRET, onEvent, maxBodyBytes: 16 * 1024 * 1024 };
    expect((await processDelivery(body, "0".repeat(64), raised)).status).to.equal(401);
    expect((await processDelivery(body, signPayload(body, SECRET), raised)).status).to.equal(400);
  });
  it("refuses signatures of the wrong length or with non-ASCII digits", async () => {
    const body = Buffer.from('{"type":"whale_alert"}');
    const good = signPayload(body, SECRET);
    for (const sig of [good.slice(1), `${good}0`, good.replace(/[0-9]/, "\u0661"), ` ${good.slice(0, 63)}\u200b`]) {
      expect((await processDelivery(body, sig, { secrets: SECRET, onEvent })).status, sig).to.equal(401);
    }
  });
  it("does not pollute Object.prototype with a __proto__ key and survives deep nesting", async () => {
    const proto = Buffer.from('{"type":"whale_alert","__proto__":{"polluted":true}}');
    const r = await processDelivery(proto, signPayload(proto, SECRET), { secrets: SECRET, onEvent });
    expect(r.status).to.equal(200);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    const deep = Buffer.from(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    const d = await processDelivery(deep, signPayload(deep, SECRET), { secrets: SECRET, onEvent });
    expect(d.status).to.equal(400);
  });
});
