import { expect } from "chai";
import type { CiData } from "../../scripts/figures/registry";
import { REGISTRY } from "../../scripts/figures/registry";
import type { Results } from "../../scripts/figures/results";
import type { MeasuredSource } from "../../scripts/figures/sources";
import { mochaSummary } from "../../scripts/measure/main";

describe("measure ci: reading mocha's summary (scripts/measure/main.ts)", () => {
  it("takes the last passing, pending and failing counts of the run", () => {
    const output = ["  3 passing (20ms)", "...", "  526 passing (10m)", "  2 pending", "  1 failing", "", "  1) x:"].join("\n");
    expect(mochaSummary(output)).to.deep.equal({ passing: 526, pending: 2, failing: 1 });
    expect(mochaSummary("  12 passing (3s)\n")).to.deep.equal({ passing: 12, pending: 0, failing: 0 });
  });
});

describe("measure ci --runs N: the recorded figure (scripts/figures/registry.ts)", () => {
  const ci = REGISTRY.ci as MeasuredSource<CiData>;
  const run = (seconds: number) => ({
    seconds,
    tests: { passing: 9, pending: 0, failing: 0 },
    exitCode: 0,
    loadAtStart: 1,
    loadAtEnd: 2,
  });
  const results = (data: Partial<CiData>): Results<CiData> =>
    ({
      source: "ci",
      command: "npm run measure -- ci --runs 3",
      commit: "abc1234",
      dirty: false,
      date: "2026-12-04T21:00:00.000Z",
      data: {
        seconds: 700,
        tests: { passing: 9, pending: 0, failing: 0 },
        exitCode: 0,
        cpus: 2,
        cpuModel: "x",
        loadAtStart: 1,
        loadAtEnd: 2,
        ...data,
      },
    }) as Results<CiData>;

  it("names the median and every run's time when there were several runs, and no spread for one", () => {
    const render = ci.views[""] as (r: Results<CiData>) => string;
    expect(render(results({ runs: [run(810), run(700), run(650)] }))).to.match(
      /^took 700 s \(the median of 3 runs on fresh clones, one after the other: 810 s, 700 s, 650 s\), `npm ci` included/,
    );
    expect(render(results({}))).to.match(/^took 700 s, `npm ci` included/);
  });
});
