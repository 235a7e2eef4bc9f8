import { expect } from "chai";
import { RekkoConflictError } from "../../provider/core/errors";
import { RateLimiter } from "../../provider/core/rateLimit";
import { WebhookSession } from "../../provider/core/session";
import { CLOCK_SKEW_ALLOWANCE_MS } from "../../provider/core/unknownCreate";
import { type EmulatorOptions, RekkoEmulator } from "../../provider/testing";

const KEY = "rk_pro_session_test_key_00000001";
const hook = { url: "http://127.0.0.1:9/two-stacks", events: ["whale_alert", "price_shift"] };
const LAG_MS = 800;

/**
 * Provider sessions (one per deployment) against the emulator over HTTP, with its faults, in
 * its plain mode and in the modes of an API the contract leaves open: one that normalises the
 * urls it stores, and one whose list lags behind its writes.
 */
const modes: { name: string; options: EmulatorOptions }[] = [
  { name: "", options: {} },
  { name: " (--normalize-urls)", options: { normalizeUrls: true } },
  { name: ` (--list-lag-ms ${LAG_MS})`, options: { listLagMs: LAG_MS } },
];

for (const mode of modes) {
  const lagging = (mode.options.listLagMs ?? 0) > 0;

  describe(`provider session against the emulator${mode.name}`, () => {
    let emu: RekkoEmulator;
    /** A deployment of a stack: its own session, as its own provider process has. */
    const stack = () =>
      new WebhookSession({ apiKey: KEY, baseUrl: emu.url }, { sleep: async () => {}, limiter: new RateLimiter(100_000) });
    const api = (since = 0) =>
      emu
        .requests()
        .slice(since)
        .filter((r) => r.path.startsWith("/v1/"))
        .map((r) => `${r.method} ${r.status}`);
    const secretOf = (id: string) => emu.webhooks().find((w) => w.webhook_id === id)?.secret;
    /** Lets a lagging list catch up, on the emulator's clock. */
    const settle = () => emu.setClock({ advanceMs: LAG_MS + 200 });

    beforeEach(async () => {
      emu = await RekkoEmulator.start({ apiKeys: [KEY], ...mode.options });
    });
    afterEach(() => emu.stop());

    it("a create is one POST, with no list before it", async () => {
      const s = stack();
      await s.create({ ...hook, secret: "one-post-secret-000001" });
      await s.create({ ...hook, url: "http://127.0.0.1:9/other", secret: "one-post-secret-000002" });
      expect(api()).to.deep.equal(["POST 200", "POST 200"]);
    });

    it("two stacks, one key, same url and events: an unanswered create never takes the webhook the other stack made while this deployment ran", async () => {
      const a = stack();
      const b = stack();
      // Stack A's deployment is under way (it has made another webhook) when stack B registers one.
      await a.create({ url: "http://127.0.0.1:9/a-first", events: ["whale_alert"], secret: "stack-a-secret-first-01" });
      const theirs = await b.create({ ...hook, secret: "stack-b-secret-00000001" });
      // A's create of the same url and events is sent past the window, on the API's clock.
      emu.setClock({ advanceMs: CLOCK_SKEW_ALLOWANCE_MS + 3000 });
      emu.addFault({ kind: "drop-before", method: "POST", path: "/v1/webhooks", times: 1 });
      const ours = await a.create({ ...hook, secret: "stack-a-secret-00000002" });
      expect(ours.id, "stack A did not take stack B's webhook").not.to.equal(theirs.id);
      expect(secretOf(ours.id)).to.equal("stack-a-secret-00000002");
      expect(secretOf(theirs.id)).to.equal("stack-b-secret-00000001");
    });

    it("two stacks concurrently, one create dropped after storing: no stack takes the other's webhook", async () => {
      emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks", times: 1 });
      const secrets = ["concurrent-secret-stack-a1", "concurrent-secret-stack-b1"];
      const results = await Promise.allSettled(secrets.map((secret) => stack().create({ ...hook, secret })));
      const ids: string[] = [];
      for (const [i, r] of results.entries()) {
        if (r.status === "fulfilled") {
          expect(secretOf(r.value.id), `stack ${i} holds a webhook signed with its own secret`).to.equal(secrets[i]);
          ids.push(r.value.id);
        } else {
          // The dropped one cannot tell its webhook from the other stack's made at the same moment.
          expect(r.reason).to.be.instanceOf(RekkoConflictError);
          for (const w of emu.webhooks()) expect(String(r.reason.message)).to.include(w.webhook_id);
        }
      }
      expect(new Set(ids).size, "no webhook held by both stacks").to.equal(ids.length);
      expect(ids.length).to.be.at.least(1);
    });

    it("an unanswered create finds its own webhook even when the API's clock is an hour off (offset from its Date headers)", async () => {
      emu.configure({ clockSkewMs: 3_600_000 });
      emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks", times: 1 });
      const made = await stack().create({ ...hook, secret: "skewed-clock-secret-0001" });
      expect(secretOf(made.id)).to.equal("skewed-clock-secret-0001");
      if (lagging) {
        // The list did not show it yet: sent again. The first is held by nothing (the orphan finder lists it).
        expect(emu.webhooks().length).to.be.within(1, 2);
      } else {
        expect(
          emu.webhooks().map((w) => w.webhook_id),
          "adopted, not sent again",
        ).to.deep.equal([made.id]);
        expect(api()).to.deep.equal(["POST 0", "GET 200"]);
      }
    });

    it("a refresh keeps a webhook this session made when the list does not show it yet; another missing one is gone", async () => {
      const s = stack();
      const made = await s.create({ ...hook, secret: "list-lag-secret-0000001" });
      // Without the emulator's lag, a list that lags behind the create (answered 200 without it).
      if (!lagging) emu.addFault({ kind: "status", method: "GET", path: "/v1/webhooks", status: 200, body: [], times: 1 });
      const read = await s.read(made.id, made.outs as unknown as Record<string, unknown>);
      expect(read.id).to.equal(made.id);
      expect(read.props).to.include({ webhookId: made.id, url: hook.url, secret: "list-lag-secret-0000001" });
      const { keyFingerprint: _fp, ...legacy } = made.outs as unknown as Record<string, unknown>;
      const gone = await s.read("wh-000000000000", { ...legacy, webhookId: "wh-000000000000" });
      expect(gone.id, "not made here and not listed: gone").to.equal("");
    });

    it("adopts by id when the API stored the url normalised (host case, default port, empty path)", async () => {
      const registered = await fetch(`${emu.url}/v1/webhooks`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ url: "https://hooks.example.com/", events: ["whale_alert"], secret: "" }),
      }).then((r) => r.json() as Promise<{ webhook_id: string }>);
      settle();
      const adopted = await stack().create({
        url: "https://Hooks.Example.com:443",
        events: ["whale_alert"],
        adoptWebhookId: registered.webhook_id,
      });
      expect(adopted.id).to.equal(registered.webhook_id);
    });

    it("adoption goes through the session's shared list: a refresh and an adoption in one deployment list once", async () => {
      const outside = await stack().create({ ...hook, secret: "shared-list-secret-000001" });
      const other = await stack().create({ ...hook, url: "http://127.0.0.1:9/shared", secret: "shared-list-secret-000002" });
      settle();
      const s = stack();
      const mark = emu.requests().length;
      await s.read(other.id, other.outs as unknown as Record<string, unknown>);
      const adopted = await s.create({ ...hook, secret: "shared-list-secret-000001", adoptWebhookId: outside.id });
      expect(adopted.id).to.equal(outside.id);
      expect(api(mark)).to.deep.equal(["GET 200"]);
    });

    it("one webhook, one resource: a second import of one id in a deployment is refused, naming the import; a refresh of it is not", async () => {
      const made = await stack().create({ ...hook, secret: "imported-twice-000001" });
      settle();
      const s = stack();
      expect((await s.read(made.id, {})).id, "the first import").to.equal(made.id);
      let refused: unknown;
      await s.read(made.id, {}).catch((e: unknown) => {
        refused = e;
      });
      expect(String(refused)).to.include(`import ${made.id}: another resource of this deployment already holds this webhook`);
      expect(String(refused)).to.include("Remove the import option from this resource");
      // A refresh of the resource that holds it reads it again as before.
      const again = await s.read(made.id, made.outs as unknown as Record<string, unknown>);
      expect(again.id).to.equal(made.id);
    });

    it("a delete of a webhook a create or an import of this deployment adopted or returned sends no DELETE and warns why", async () => {
      const before = stack();
      const held = await before.create({ ...hook, secret: "replaced-secret-0000001" });
      const props = held.outs as unknown as Record<string, unknown>;
      settle();
      // The next deployment: `up --replace` (or a taint, or a rename without an alias) creates the
      // replacement first, with adoptWebhookId kept in the program, then deletes the old resource.
      const s = stack();
      const replacement = await s.create({ ...hook, secret: "replaced-secret-0000001", adoptWebhookId: held.id });
      expect(replacement.id).to.equal(held.id);
      const mark = emu.requests().length;
      const outcome = await s.delete(held.id, props);
      expect(outcome.deleted).to.equal(false);
      expect(outcome.warnings).to.have.length(1);
      expect(outcome.warnings[0])
        .to.include(`Rekko webhook ${held.id} was not deleted`)
        .and.include("pulumi up --replace")
        .and.include("rename without an alias");
      expect(api(mark), "no DELETE").to.deep.equal([]);
      expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([held.id]);
      // An import (a read with no prior outputs) takes the webhook for the deployment too: a rename
      // without an alias of a resource that keeps its `import` option imports it again, then deletes the old one.
      const imported = stack();
      expect((await imported.read(held.id, {})).id).to.equal(held.id);
      expect((await imported.delete(held.id, props)).deleted, "imported by this deployment").to.equal(false);
      expect(
        api(mark).filter((c) => c.startsWith("DELETE")),
        "no DELETE",
      ).to.deep.equal([]);
      // A webhook this deployment did not make is deleted as before.
      const other = await stack().create({ ...hook, url: "http://127.0.0.1:9/other", secret: "other-secret-00000001" });
      expect(await s.delete(other.id, other.outs as unknown as Record<string, unknown>)).to.deep.equal({
        deleted: true,
        warnings: [],
      });
    });
  });
}
