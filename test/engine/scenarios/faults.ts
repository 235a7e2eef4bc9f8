/**
 * Faults on both faces: a create whose answer is lost, an interrupted `up` and the documented
 * recovery with the orphan finder, Ctrl-C while the API fails.
 */
import { expect } from "chai";
import type { Hook } from "../../../scripts/rig/faces";
import type { Scenario } from "../../support/scenarios";

const OWN_1 = "unanswered-own-signing-secret-1";
const OWN_2 = "unanswered-own-signing-secret-2";

export const faults: Scenario[] = [
  {
    name: "a create whose answer is lost during a replacement (a new secret, a rotation): the state holds the new webhook, signed with the new secret; the old is deleted; nothing orphaned",
    async run(s) {
      const hooks = (secret: string, rotation: number): Hook[] => [
        { name: "own", url: s.url("own"), events: ["whale_alert", "price_shift"], secret: { kind: "own", value: secret } },
        { name: "gen", url: s.url("gen"), events: ["analysis_complete"], secret: { kind: "generated", rotation } },
      ];
      await s.declare(hooks(OWN_1, 0));
      await s.up();
      for (const [name, next] of [
        ["own", hooks(OWN_2, 0)],
        ["gen", hooks(OWN_2, 1)],
      ] as const) {
        const old = await s.idOf(name);
        await s.declare(next);
        s.emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks", times: 1 });
        const up = await s.up();
        const posts = up.requests.filter((r) => r.method === "POST");
        expect(posts[0]?.faults, "the create's answer was dropped").to.deep.equal(["drop-after"]);
        expect(await s.idOf(name), name).to.not.equal(old);
        expect(
          s.emu.webhooks().map((w) => w.webhook_id),
          "the replaced webhook is deleted",
        ).to.not.include(old);
        expect(await s.drift(), name).to.deep.equal([]);
        const refresh = await s.refresh();
        expect(refresh.counts, "refresh keeps it").to.not.have.property("deleted");
      }
    },
  },
  {
    name: "the orphan finder lists exactly the webhook no stack holds, of either face's resources, and --delete deletes only it",
    async run(s) {
      await s.declare([
        { name: "own", url: s.url("own"), events: ["whale_alert"], secret: { kind: "own", value: OWN_1 } },
        { name: "gen", url: s.url("gen"), events: ["price_shift"], secret: { kind: "generated" } },
      ]);
      await s.up();
      const stray = await s.registerOutside({ url: s.url("stray"), events: ["whale_alert"] });
      const listed = await s.orphans(["--json"]);
      expect(listed.code, listed.stderr).to.equal(0);
      expect(listed.json?.unmanaged?.map((u) => u.webhook_id)).to.deep.equal([stray]);
      const removed = await s.orphans(["--delete"]);
      expect(removed.code, removed.stderr).to.equal(0);
      expect(s.emu.webhooks().map((w) => w.webhook_id)).to.not.include(stray);
      expect(await s.drift()).to.deep.equal([]);
    },
  },
  {
    name: "SIGINT during up, then the documented recovery (orphan finder, refresh --clear-pending-creates, up): exactly the declared webhooks, none orphaned",
    async run(s) {
      const hooks: Hook[] = Array.from({ length: 6 }, (_, i) => ({
        name: `h${i}`,
        url: s.url(`h${i}`),
        events: ["whale_alert"],
        secret: { kind: "own", value: `interrupted-signing-secret-${i}-0123` },
      }));
      await s.declare(hooks);
      s.emu.addFault({ kind: "latency", method: "POST", path: "/v1/webhooks", latencyMs: 400, every: 1 });
      await s.upInterrupted("SIGINT", () => s.emu.webhooks().length >= 2, { flags: ["--parallel", "2"] });
      s.emu.clearFaults();
      const state = await s.state();
      const unheld = s.emu.webhooks().filter((w) => !state.webhooks.some((h) => h.id === w.webhook_id));
      const listed = await s.orphans(["--json"]);
      expect(listed.json?.unmanaged?.map((u) => u.webhook_id).sort()).to.deep.equal(unheld.map((w) => w.webhook_id).sort());
      await s.orphans(["--delete", "--include-interrupted"]);
      await s.refresh({ flags: ["--clear-pending-creates"] });
      await s.up();
      expect(await s.drift()).to.deep.equal([]);
      expect((await s.state()).pending).to.deep.equal([]);
      expect((await s.orphans()).stdout).to.include("No unmanaged webhooks");
    },
  },
  {
    name: "Ctrl-C while the API answers every create 429 with Retry-After 4 s: the CLI stops within seconds, no request follows, no process outlives it",
    async run(s) {
      await s.declare([{ name: "a", url: s.url("a"), events: ["whale_alert"] }]);
      s.emu.addFault({
        kind: "status",
        status: 429,
        method: "POST",
        path: "/v1/webhooks",
        every: 1,
        headers: { "retry-after": "4" },
        body: { detail: "Rate limit exceeded. Try again in 4 seconds." },
      });
      const { run, signalledAt } = await s.upInterrupted("SIGINT", () => s.emu.requests().some((r) => r.method === "POST"));
      expect(signalledAt, "Ctrl-C was sent while a create was failing").to.be.above(0);
      await new Promise((r) => setTimeout(r, 3_000));
      expect(run.exitedAt - signalledAt, "the CLI exits within 10 seconds of Ctrl-C").to.be.below(10_000);
      expect(run.lingering, "no process outlives the CLI").to.deep.equal([]);
      const late = s.emu.requests().filter((r) => Date.parse(r.time) > signalledAt + 2_000);
      expect(
        late.map((r) => `${r.method} ${r.path}`),
        "no request 2 s after Ctrl-C",
      ).to.deep.equal([]);
    },
  },
];
