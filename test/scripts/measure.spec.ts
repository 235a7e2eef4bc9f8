import { expect } from "chai";
import { mochaSummary } from "../../scripts/measure/main";

describe("measure ci: reading mocha's summary (scripts/measure/main.ts)", () => {
  it("takes the last passing, pending and failing counts of the run", () => {
    const output = ["  3 passing (20ms)", "...", "  526 passing (10m)", "  2 pending", "  1 failing", "", "  1) x:"].join("\n");
    expect(mochaSummary(output)).to.deep.equal({ passing: 526, pending: 2, failing: 1 });
    expect(mochaSummary("  12 passing (3s)\n")).to.deep.equal({ passing: 12, pending: 0, failing: 0 });
  });
});
