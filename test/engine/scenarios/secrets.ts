/**
 * Input, secrets and leaks on both faces: bad input fails at preview naming the field; a url
 * with credentials or a secret url is never shown; a secret url stays secret in the state; a
 * rotation under a steady flow of events loses no delivery and every one verifies.
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import type { Hook } from "../../../scripts/rig/faces";
import type { Stage } from "../../../scripts/rig/stage";
import type { Scenario } from "../../support/scenarios";

/** Declares `hooks`, runs a preview that must fail with no API call; returns what it printed. */
async function refusedPreview(s: Stage, hooks: Hook[]): Promise<string> {
  await s.declare(hooks);
  const run = await s.preview({ fails: true });
  expect(run.calls, "no API call").to.deep.equal([]);
  return run.output;
}

export const secrets: Scenario[] = [
  {
    name: "bad input fails at preview naming the field and the fix, with no API call; so do a base url with credentials (never printed) and a missing key",
    async run(s) {
      const at = (url: string, more: Partial<Hook> = {}): Hook[] => [{ name: "x", url, events: ["whale_alert"], ...more }];
      const privateUrl = await refusedPreview(s, at("https://10.0.0.8/hook"));
      expect(privateUrl).to.include("url points to a private, link-local or reserved address").and.not.include("10.0.0.8");
      const typo = await refusedPreview(s, [
        { name: "x", url: "https://hooks.example.com/h", events: ["whale" as "whale_alert"] },
      ]);
      expect(typo).to.include(
        'events[0] is "whale", which is not a Rekko event type. Use one of: price_shift, whale_alert, analysis_complete.',
      );
      const short = await refusedPreview(s, at("https://hooks.example.com/h", { secret: { kind: "own", value: "short-1" } }));
      expect(short).to.include("secret is (secret, 7 chars); it must be 16 to 1024 characters").and.not.include("short-1");
      const credentials = "pa55-w0rd-in-url";
      await s.setConfig({ "rekko:baseUrl": { value: `https://rekko-user:${credentials}@api.example.com`, secret: false } });
      await s.declare(at(s.url("h")));
      const base = await s.preview({ fails: true });
      expect(base.calls, "no API call").to.deep.equal([]);
      // What the failure printed (the engine's event log also carries the plain config the user set).
      const printed = `${base.stdout}\n${base.stderr}`;
      expect(printed).to.include("rekko:baseUrl must not carry credentials").and.not.include("property baseUrl");
      expect(printed).to.not.include(credentials);
      await s.setConfig({ "rekko:baseUrl": { value: s.emu.url, secret: false } });
      await s.cli(["config", "rm", "rekko:apiKey"]);
      const keyless = await refusedPreview(s, at(s.url("h")));
      expect(keyless).to.match(/pulumi config set --secret rekko:apiKey <key>.*REKKO_API_KEY/s);
    },
  },
  {
    name: "a url with user:password, or a secret url, is shown nowhere when refused, not even in part",
    async run(s) {
      const creds = await refusedPreview(s, [
        { name: "creds", url: "https://alice:pw-CRED-4711@receiver.example.com/hooks", events: ["whale_alert"] },
      ]);
      expect(creds).to.include("has a problem: url must not carry a user name or password");
      for (const part of ["pw-CRED-4711", "alice", "property url value"]) expect(creds, part).to.not.include(part);
      const broken = await refusedPreview(s, [
        { name: "broken", url: "https://alice:pw-CRED-4712@[receiver/hooks", events: ["whale_alert"] },
      ]);
      expect(broken).to.include("has a problem: url is not an absolute URL");
      for (const part of ["pw-CRED-4712", "alice"]) expect(broken, part).to.not.include(part);
      const token = "tok-SECRET-5678";
      const secretUrl = await refusedPreview(s, [
        {
          name: "secreturl",
          url: `https://10.1.2.3/hooks/${token}/${"padding".repeat(12)}`,
          secretUrl: true,
          events: ["whale_alert"],
        },
      ]);
      expect(secretUrl).to.include("has a problem: url points to a private, link-local or reserved address");
      for (const part of [token, "10.1.2.3", "padding", "/hooks/"]) expect(secretUrl, part).to.not.include(part);
      const secretCreds = await refusedPreview(s, [
        {
          name: "secretcreds",
          url: "http://bob:pw-CRED-4713@receiver.example.com/hooks/tok-SECRET-9999",
          secretUrl: true,
          events: ["whale_alert"],
        },
      ]);
      expect(secretCreds).to.include("has a problem: url must not carry a user name or password");
      for (const part of ["pw-CRED-4713", "bob", "tok-SECRET-9999", "receiver.example.com"])
        expect(secretCreds, part).to.not.include(part);
      const plainSecret = await refusedPreview(s, [
        {
          name: "plainsecret",
          url: "https://recv.example.org/h",
          events: ["whale_alert"],
          secret: { kind: "own", value: "short-PLAIN-1", plain: true },
        },
      ]);
      expect(plainSecret).to.include("has a problem: secret is (secret, 13 chars); it must be 16 to 1024 characters");
      expect(plainSecret).to.not.include("short-PLAIN-1");
    },
  },
  {
    name: "a secret url (a token in the path) stays secret: not in the state, the outputs or a diff",
    async run(s) {
      const url = s.url(`hooks/tok-${randomBytes(6).toString("hex")}`);
      const hook: Hook = { name: "tokened", url, secretUrl: true, events: ["whale_alert"] };
      await s.declare([hook]);
      await s.up();
      expect(await s.drift()).to.deep.equal([]);
      await s.declare([{ ...hook, events: ["whale_alert", "price_shift"] }]);
      await s.preview({ flags: ["--diff"] });
      await s.up({ flags: ["--diff"] });
      expect(await s.drift()).to.deep.equal([]);
      expect(await s.leaks(await s.exportText())).to.deep.equal([]);
    },
  },
  {
    name: "a rotation while events keep flowing: no failed delivery, every one verifies, the overlap delivers to both; a plain-string secret is stored as a secret",
    async run(s) {
      const hooks = (rotation: number): Hook[] => [
        { name: "gen", url: s.url("gen"), events: ["whale_alert"], secret: { kind: "generated", rotation } },
        {
          name: "plain",
          url: s.url("plain"),
          events: ["price_shift"],
          secret: { kind: "own", value: "a-plain-string-secret-0123", plain: true },
        },
      ];
      await s.declare(hooks(0));
      await s.up();
      const before = await s.outputs();
      const from = s.receiver.deliveries.length;
      await s.declare(hooks(1));
      // Hold the old webhook's DELETE for 2 s, so that events reach both webhooks in the overlap.
      s.emu.addFault({ kind: "latency", method: "DELETE", latencyMs: 2000, times: 1 });
      let running = true;
      const sent: string[] = [];
      const reports: { ok: boolean }[] = [];
      const pump = (async () => {
        while (running && sent.length < 500) {
          const market = `M-${sent.length}`;
          sent.push(market);
          reports.push(...(await s.trigger("whale_alert", { market_id: market })));
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const up = await s.up().finally(() => {
        running = false;
      });
      await pump;
      expect(up.writes).to.deep.equal(["POST /v1/webhooks", "DELETE /v1/webhooks/{id}"]);
      expect(sent.length, "events were sent during the rotation").to.be.greaterThan(5);
      expect(
        reports.filter((r) => !r.ok),
        "every delivery answered 2xx",
      ).to.deep.equal([]);
      expect(reports.length, "the overlap delivered to both webhooks").to.be.greaterThan(sent.length);
      const after = await s.outputs();
      expect(s.unverified(before, from), "each verifies against the secrets accepted before").to.deep.equal([]);
      expect(s.unverified(after, from), "and against those accepted after").to.deep.equal([]);
      const markets = new Set(
        s.receiver.deliveries.slice(from).map((d) => (JSON.parse(d.body) as { market_id?: string }).market_id),
      );
      expect(
        sent.filter((m) => !markets.has(m)),
        "no event lost",
      ).to.deep.equal([]);
      expect(await s.drift()).to.deep.equal([]);
      expect(await s.leaks(await s.exportText())).to.deep.equal([]);
    },
  },
];
