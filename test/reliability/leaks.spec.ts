import { expect } from "chai";
import { debugLeakSuite } from "../../scripts/reliability/suites";

/**
 * Suite 5 with `--debug`, reduced for `npm test` (2 webhooks; `-v=9` only in the full run:
 * `npm run reliability -- --suite debug`). The plain runs' leak scan is part of every other
 * engine suite (faults.spec.ts here).
 */
describe("reliability: secrets with pulumi --debug (reduced)", function () {
  this.timeout(900_000);

  it("never prints the API key; prints webhook secrets only in the Node SDK's RegisterResource debug line", async () => {
    const report = await debugLeakSuite({ hooks: 2, verbose: false });
    for (const line of report.lines) console.log(`      ${line}`);
    expect(report.problems).to.deep.equal([]);
    const runs = report.data["--debug"] as Record<string, { key: number; other: number }>;
    for (const [op, r] of Object.entries(runs)) {
      expect(r.key, `${op}: API key`).to.equal(0);
      expect(r.other, `${op}: secrets outside the SDK debug line`).to.equal(0);
    }
  });
});
