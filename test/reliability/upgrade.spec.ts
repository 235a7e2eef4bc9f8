import { expect } from "chai";
import { UPGRADE_BASELINE, upgradeSuite } from "../../scripts/reliability/suites";

/**
 * Suite 6, reduced for `npm test`: 2 webhooks deployed with the package built from
 * UPGRADE_BASELINE (the last commit before the layout move, pinned), then `pulumi up` with this
 * checkout; once with that build as it is, once with its stored provider shell changed by one
 * string (so the in-place roll-forward of `__provider` runs even when the real shell did not
 * change). Full size, from HEAD~1: `npm run reliability -- --suite upgrade`.
 */
describe("reliability: upgrade from the build before the layout move (reduced)", function () {
  this.timeout(900_000);

  it("a stack deployed by the previous build updates in place with no API write, and destroys on the new code", async () => {
    const report = await upgradeSuite({ hooks: 2, from: UPGRADE_BASELINE });
    for (const line of report.lines) console.log(`      ${line}`);
    expect(report.problems).to.deep.equal([]);
    type Run = { codeChanged: boolean; counts: Record<string, number>; writes: number; deletes: number };
    const real = report.data.real as Run;
    const changed = report.data["shell-changed"] as Run;
    for (const run of [real, changed]) {
      expect(run.writes, "POST/DELETE during the upgrade").to.equal(0);
      expect(run.counts.replaced ?? 0, "replaced").to.equal(0);
      expect(run.counts.created ?? 0, "created").to.equal(0);
      expect(run.deletes, "destroy on the new code").to.equal(2);
    }
    // The real build's stored shell: identical → nothing to do; changed → rolled forward in place.
    expect(real.counts).to.deep.equal(real.codeChanged ? { updated: 2, unchanged: 1 } : { unchanged: 3 });
    expect(changed.codeChanged, "the marked shell differs").to.equal(true);
    expect(changed.counts, "each webhook updated in place").to.deep.equal({ updated: 2, unchanged: 1 });
  });
});
