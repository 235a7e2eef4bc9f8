import { expect } from "chai";
import { loadAllowed } from "../../scripts/figures/allowed";
import { checkDocs } from "../../scripts/figures/check";
import { REGISTRY } from "../../scripts/figures/registry";
import { REPO } from "../../scripts/figures/results";

// `npm run docs:check` inside `npm test`: measures nothing, reads docs/figures/*.json.
describe("README.md and docs/: every figure rendered from its generator's last results (npm run docs:check)", () => {
  it("no block differs from its results and no figure stands outside a block unless allow-listed", () => {
    const report = checkDocs(REPO, REGISTRY, loadAllowed(REPO));
    expect(report.files).to.include("README.md");
    expect(
      report.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ""}: ${p.message}`),
      "run `npm run docs:check` for the hint; `npm run docs:render` rewrites blocks from their results",
    ).to.deep.equal([]);
  });
});
