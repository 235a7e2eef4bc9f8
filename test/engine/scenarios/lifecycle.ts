/**
 * The lifecycle of the README, on both faces, and the exact API calls of each step (each webhook call
 * may be billed; billing.ts has the other operations and the quota).
 */
import { expect } from "chai";
import type { Hook } from "../../../scripts/rig/faces";
import type { Run, Stage } from "../../../scripts/rig/stage";
import type { Scenario } from "../../support/scenarios";

const OWN = "lifecycle-own-signing-secret-0123";

/** Three webhooks, one per way of signing. */
function hooks(s: Stage, own: Partial<Hook> = {}): Hook[] {
  return [
    { name: "own", url: s.url("own"), events: ["whale_alert", "price_shift"], secret: { kind: "own", value: OWN }, ...own },
    { name: "gen", url: s.url("gen"), events: ["analysis_complete"], secret: { kind: "generated" } },
    { name: "plain", url: s.url("plain"), events: ["price_shift"] },
  ];
}

const unchanged = (r: Run) => expect(r.counts).to.not.have.any.keys("created", "updated", "replaced", "deleted");

export const lifecycle: Scenario[] = [
  {
    name: "lifecycle: preview, up, a second up, reordered events, a replacement, an outside delete, destroy",
    async run(s) {
      await s.declare(hooks(s));
      expect((await s.preview()).calls, "preview calls nothing").to.deep.equal([]);

      const up = await s.up();
      expect(up.calls, "one POST per webhook, no list").to.deep.equal(Array(3).fill("POST /v1/webhooks"));
      expect(await s.drift(), "each registered with its url, events and secret").to.deep.equal([]);

      const again = await s.up();
      expect(again.calls, "a second up calls nothing").to.deep.equal([]);
      unchanged(again);
      await s.declare(hooks(s, { events: ["price_shift", "whale_alert"] }));
      const reordered = await s.up();
      expect(reordered.calls, "reordered events call nothing").to.deep.equal([]);
      unchanged(reordered);

      const before = await s.idOf("own");
      await s.declare(hooks(s, { events: ["whale_alert", "price_shift", "analysis_complete"] }));
      expect((await s.preview()).calls, "preview of a replacement calls nothing").to.deep.equal([]);
      const replace = await s.up();
      expect(replace.calls, "create before delete, no list").to.deep.equal(["POST /v1/webhooks", "DELETE /v1/webhooks/{id}"]);
      expect(replace.requests.find((r) => r.method === "DELETE")?.path).to.equal(`/v1/webhooks/${before}`);
      expect(await s.idOf("own")).to.not.equal(before);
      expect(await s.drift()).to.deep.equal([]);

      await s.deleteOutside(await s.idOf("plain"));
      const refresh = await s.refresh();
      expect(refresh.calls, "refresh lists once").to.deep.equal(["GET /v1/webhooks"]);
      expect([...(await s.state()).byName.keys()].sort(), "the deleted webhook left the state").to.deep.equal(["gen", "own"]);
      const recreate = await s.up();
      expect(recreate.calls, "the next up registers it again, no list").to.deep.equal(["POST /v1/webhooks"]);
      expect(await s.drift()).to.deep.equal([]);

      expect(await s.leaks(await s.exportText()), "no key or secret in the export or the output").to.deep.equal([]);
      const destroy = await s.destroy();
      expect(destroy.calls, "the deletes only").to.deep.equal(Array(3).fill("DELETE /v1/webhooks/{id}"));
      expect(s.emu.webhooks()).to.deep.equal([]);
      expect((await s.state()).webhooks).to.deep.equal([]);
      expect(await s.leaks()).to.deep.equal([]);
    },
  },
];
