import { expect } from "chai";
import fc from "fast-check";
import { hostKind } from "../../provider/core/hosts";
import { checkInputs, urlProblem } from "../../provider/core/validation";
import { isUnknown, UNKNOWN } from "../../provider/dynamic/protocol";

const remote = { allowLocalReceivers: false, isPending: isUnknown };
const local = { allowLocalReceivers: true, isPending: isUnknown };
const SECRET = "s3cr3t-value-that-is-long-enough";

describe("validation: url", () => {
  const refused: [string, unknown, RegExp][] = [
    ["not a string", 42, /must be a string/],
    ["empty", "", /empty/],
    ["relative", "/hooks", /not an absolute URL/],
    ["http", "http://hooks.example.com/x", /uses http/],
    ["ftp scheme", "ftp://hooks.example.com/x", /ftp: scheme/],
    ["javascript scheme", "javascript:alert(1)", /javascript: scheme/],
    ["file scheme", "file:///etc/passwd", /file: scheme/],
    ["credentials", "https://user:pw@hooks.example.com/x", /user name or password/],
    ["fragment", "https://hooks.example.com/x#frag", /#fragment/],
    ["space", "https://hooks.example.com/a b", /spaces or control/],
    ["newline", "https://hooks.example.com/a\nb", /spaces or control/],
    ["tab", "https://hooks.\texample.com/", /spaces or control/],
    ["too long", `https://hooks.example.com/${"a".repeat(3000)}`, /limit is 2048/],
    ["localhost", "https://localhost/x", /points to this machine/],
    ["loopback v4", "https://127.0.0.1/x", /points to this machine/],
    ["loopback v4 decimal", "https://2130706433/x", /points to this machine/],
    ["loopback v6", "https://[::1]/x", /points to this machine/],
    ["private 10/8", "https://10.1.2.3/x", /private/],
    ["private 192.168", "https://192.168.0.10/x", /private/],
    ["private 172.16/12", "https://172.20.1.1/x", /private/],
    ["link-local", "https://169.254.169.254/latest", /private/],
    ["unspecified", "https://0.0.0.0/x", /private/],
    ["v6 unique-local", "https://[fd00::1]/x", /private/],
    ["v6 link-local", "https://[fe80::1]/x", /private/],
    ["v4-mapped private", "https://[::ffff:10.0.0.1]/x", /private/],
    ["v4-mapped loopback", "https://[::ffff:127.0.0.1]/x", /points to this machine/],
    ["unicode control", "https://hooks.example.com/\u2028", /spaces or control/],
  ];
  for (const [name, value, reason] of refused) {
    it(`refuses ${name}`, () => {
      const problem = urlProblem(value, remote);
      expect(problem).to.match(reason);
      expect(problem).to.match(/^url/);
    });
  }
  const accepted = [
    "https://hooks.example.com/rekko",
    "https://hooks.example.com:8443/rekko?x=1",
    "https://8.8.8.8/x",
    "https://[2606:4700:4700::1111]/x",
    "https://xn--bcher-kva.example/x",
  ];
  for (const value of accepted) {
    it(`accepts ${value}`, () => expect(urlProblem(value, remote)).to.equal(undefined));
  }
  it("accepts http and loopback receivers only while the API is on loopback", () => {
    expect(urlProblem("http://127.0.0.1:8080/hook", local)).to.equal(undefined);
    expect(urlProblem("http://localhost:8080/hook", local)).to.equal(undefined);
    expect(urlProblem("http://127.0.0.1:8080/hook", remote)).to.match(/uses http/);
    expect(urlProblem("http://10.0.0.1/hook", local)).to.match(/uses http/);
    expect(urlProblem("https://10.0.0.1/hook", local)).to.match(/private/);
  });
  it("classifies hosts without DNS", () => {
    expect(hostKind("example.com")).to.equal("public");
    expect(hostKind("api.localhost")).to.equal("loopback");
    expect(hostKind("[::ffff:7f00:1]")).to.equal("loopback");
    expect(hostKind("100.64.0.1")).to.equal("private");
    expect(hostKind("[64:ff9b::a00:1]")).to.equal("private");
    expect(hostKind("[::]")).to.equal("private");
  });
});

describe("validation: checkInputs", () => {
  const ok = { url: "https://hooks.example.com/r", events: ["whale_alert"], secret: SECRET };
  const table: [string, Record<string, unknown>, string | undefined, RegExp?][] = [
    ["valid", ok, undefined],
    ["missing url", { events: ["whale_alert"] }, "url", /required/],
    ["missing events", { url: ok.url }, "events", /required/],
    ["events not a list", { ...ok, events: "whale_alert" }, "events", /must be a list/],
    ["events empty", { ...ok, events: [] }, "events", /is empty/],
    ["unknown event", { ...ok, events: ["whale"] }, "events", /events\[0\].*not a Rekko event type.*price_shift/],
    ["duplicate event", { ...ok, events: ["whale_alert", "whale_alert"] }, "events", /twice/],
    ["secret too short", { ...ok, secret: "short" }, "secret", /16 to 1024/],
    ["secret not a string", { ...ok, secret: 5 }, "secret", /must be a string/],
    ["secret with spaces", { ...ok, secret: "a secret with spaces in it" }, "secret", /spaces/],
    ["bad adopt id", { ...ok, adoptWebhookId: "../../x" }, "adoptWebhookId", /not a webhook id/],
    ["unknown url", { ...ok, url: UNKNOWN }, undefined],
    ["unknown events", { ...ok, events: UNKNOWN }, undefined],
    ["unknown event entry", { ...ok, events: [UNKNOWN, "whale_alert"] }, undefined],
    ["unknown secret", { ...ok, secret: UNKNOWN }, undefined],
    ["unknown adopt id", { ...ok, adoptWebhookId: UNKNOWN }, undefined],
    ["good adopt id", { ...ok, adoptWebhookId: "wh-f47ac10b58cc" }, undefined],
  ];
  for (const [name, news, property, reason] of table) {
    it(`${name}: ${property ? `fails on ${property}` : "passes"}`, () => {
      const { failures } = checkInputs(news, remote);
      if (property === undefined) expect(failures).to.deep.equal([]);
      else {
        expect(failures.map((f) => f.property)).to.deep.equal([property]);
        if (reason) expect(failures[0]?.reason).to.match(reason);
      }
    });
  }
  it("never shows a secret in a message", () => {
    const secret = "abc def ghi jkl mno pqr";
    const { failures } = checkInputs({ ...ok, secret }, remote);
    expect(failures).to.have.length(1);
    expect(JSON.stringify(failures)).not.to.include("abc def");
  });
  it("drops an empty secret (unsigned webhook) and an empty adopt id", () => {
    const { inputs, failures } = checkInputs({ ...ok, secret: "", adoptWebhookId: "" }, remote);
    expect(failures).to.deep.equal([]);
    expect(inputs).not.to.have.property("secret");
    expect(inputs).not.to.have.property("adoptWebhookId");
  });
  it("never throws and names a known property for any input (property-based, 2000 cases)", () => {
    const known = new Set(["url", "events", "secret", "adoptWebhookId"]);
    fc.assert(
      fc.property(
        fc.record(
          {
            url: fc.oneof(fc.webUrl(), fc.string(), fc.anything(), fc.constant(UNKNOWN)),
            events: fc.oneof(
              fc.array(fc.constantFrom("price_shift", "whale_alert", "analysis_complete", "x", UNKNOWN)),
              fc.anything(),
            ),
            secret: fc.oneof(fc.string(), fc.anything()),
            adoptWebhookId: fc.oneof(fc.string(), fc.anything()),
          },
          { requiredKeys: [] },
        ),
        fc.boolean(),
        (news, allow) => {
          const { failures } = checkInputs(news as Record<string, unknown>, { allowLocalReceivers: allow, isPending: isUnknown });
          for (const f of failures) {
            expect(known.has(f.property), f.property).to.equal(true);
            expect(f.reason).to.be.a("string").and.not.equal("");
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("validation: url reasons never repeat the url (it may be a secret or hold a token)", () => {
  const remote = { allowLocalReceivers: false };
  const cases = [
    "https://alice:pw-PART-1@recv.example.org/tok-PART-2",
    "https://alice:pw-PART-1@[recv/tok-PART-2",
    "http://recv.example.org/tok-PART-2?sig=PART-3",
    "ftp://recv.example.org/tok-PART-2",
    "https://10.9.8.7/tok-PART-2",
    "https://127.0.0.1/tok-PART-2",
    "https://api.localhost/tok-PART-2",
    "https://recv.example.org/tok-PART-2#PART-3",
    "https://recv.example.org/tok-PART-2 x",
    "https://recv.example.org/tok-PART-2\u200b",
    `https://10.9.8.7/tok-PART-2/${"x".repeat(100)}`,
  ];
  for (const url of cases) {
    it(`refuses ${JSON.stringify(url.slice(0, 60))} without any part of it`, () => {
      const reason = urlProblem(url, remote) ?? "";
      expect(reason).to.match(/^url /);
      for (const part of ["PART", "alice", "recv.example.org", "10.9.8.7", "127.0.0.1", "api.localhost", "xxxx"]) {
        expect(reason, part).not.to.include(part);
      }
    });
  }
});
