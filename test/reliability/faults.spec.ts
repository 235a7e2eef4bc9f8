import { expect } from "chai";
import { faultsSuite } from "../../scripts/reliability/suites";

/**
 * Suite 1, reduced for `npm test` (8 webhooks, every fault bounded so that no call can use up
 * its 6 attempts: deterministic), followed by the suite-5 leak scan. Full size:
 * `npm run reliability -- --suite faults`.
 */
describe("reliability: faults during up, refresh and destroy (reduced), then the leak scan", function () {
  this.timeout(900_000);

  it("deploys, refreshes without drift and destroys through 503s, 429 bursts, latency and dropped connections", async () => {
    const report = await faultsSuite({ hooks: Number(process.env.RELIABILITY_HOOKS ?? 8), full: false });
    for (const line of report.lines) console.log(`      ${line}`);
    expect(report.problems).to.deep.equal([]);
    const up = report.data.up as { found: number; expected: number; faults: number; retries: number };
    expect(up.found).to.equal(up.expected);
    expect(up.faults, "faults were injected").to.be.greaterThan(0);
    expect(up.retries).to.be.greaterThan(0);
  });
});
