import { expect } from "chai";
import { type RatePhase, rateLimitSuite } from "../../scripts/reliability/suites";

/**
 * Suite 2, reduced for `npm test`: its two runs side by side (the second mostly waits out the
 * API's 60-second window). Full size (100 webhooks at 120/min): `npm run reliability -- --suite rate`.
 *
 * - The client's limit below the API's (22 vs 24 a minute, burst 1): every phase paced by the
 *   client, no 429, each span between the token bucket's floor (requests − burst) / 22 a minute
 *   and 1.25 × that floor.
 * - The client's limit far above the API's (600 vs 5 a minute, 3 webhooks: 7 requests): the
 *   API's own 429s (Retry-After in seconds) absorbed, every one retried by the client.
 */
describe("reliability: rate limit (reduced)", function () {
  this.timeout(900_000);

  it("paces under the client's limit with no 429, and absorbs the API's 429s when the client's limit is above the API's", async () => {
    const [paced, absorbed] = await Promise.all([
      rateLimitSuite({ hooks: 6, rate: 24, clientRate: 22 }),
      rateLimitSuite({ hooks: 3, rate: 5, clientRate: 600 }),
    ]);
    for (const report of [paced, absorbed]) {
      for (const line of report.lines) console.log(`      ${line}`);
      expect(report.problems).to.deep.equal([]);
    }
    const phase = (r: typeof paced, name: string) => r.data[name] as RatePhase;
    for (const name of ["up", "refresh", "destroy"]) {
      const p = phase(paced, name);
      expect(p.failedOps, `${name}: failed operations`).to.equal(0);
      expect(p.pace.status429, `${name}: 429s under the client's own limit`).to.equal(0);
      // The token bucket's floor, less 250 ms for the log's clock (requests are logged when answered),
      // and at most 1.25 × the floor: the client paces at its limit, not slower.
      expect(p.pace.spanMs, `${name}: span vs the floor`).to.be.at.least(p.floorMs - 250);
      if (p.floorMs > 0) expect(p.pace.spanMs, `${name}: span vs 1.25 × the floor`).to.be.at.most(1.25 * p.floorMs);
    }
    // Six POSTs and no list (a list is taken only when a create's outcome is unknown).
    expect(phase(paced, "up").pace.served).to.equal(6);
    expect(phase(paced, "destroy").pace.served).to.equal(6);

    const limited = ["up", "refresh", "destroy"].map((name) => phase(absorbed, name));
    const status429 = limited.reduce((a, p) => a + p.figures.rateLimited, 0);
    const retries = limited.reduce((a, p) => a + p.figures.retries, 0);
    expect(status429, "the API's own 429s happened").to.be.greaterThan(0);
    expect(retries, "the client retried each 429 (its onRetry count)").to.equal(status429);
    for (const p of limited) expect(p.failedOps).to.equal(0);
  });
});
