import { expect } from "chai";
import { evaluate, type RateLimitedRun, ratioVerdict } from "../../scripts/bench/results";
import { paceOf, pacingFloorMs } from "../support/pace";

type PartialResult = Parameters<typeof evaluate>[0];

const base: PartialResult = {
  startedAt: "",
  options: { quick: false, runs: 5, sizes: [100], rateLimited: true },
  settings: {},
  machine: { nproc: 2, memoryGiB: 1, cpuModel: "", kernel: "", loadAtStart: 0 },
  versions: { node: "", pulumiCli: "", pulumiSdk: "", package: "", commit: "", uncommittedProviderFiles: [] },
  samples: [],
  summary: [],
  state: [],
  rateLimited: [],
};

/** A rate-limited up of 300 at 110/min (burst 9) against 120/min that went as designed. */
function run(over: Partial<RateLimitedRun> = {}): RateLimitedRun {
  const floorMs = pacingFloorMs(300, 9, 110);
  return {
    phase: "up",
    n: 300,
    emulatorLimitPerMinute: 120,
    clientLimitPerMinute: 110,
    clientBurst: 9,
    ms: floorMs + 8000,
    succeeded: true,
    webhooksAfter: 300,
    served: 300,
    status429: 0,
    otherErrors: 0,
    spanMs: floorMs + 500,
    floorMs,
    firstRequestAfterMs: 7000,
    ratePerMinute: 112,
    ratePerMinuteWholeOperation: 105,
    ratePerMinuteAfterBurst: 110,
    fraction: 110 / 120,
    ...over,
  };
}

const verdicts = (r: RateLimitedRun) =>
  Object.fromEntries(
    evaluate({ ...base, rateLimited: [r] })
      .filter((t) => t.name.startsWith("rate-limited"))
      .map((t) => [t.name.split(": ")[1], t.holds]),
  );

describe("benchmark targets (scripts/bench/results.ts)", () => {
  it("the rate-limited run holds when it paces at the client's limit, on its floor, with no 429", () => {
    expect(verdicts(run())).to.deep.equal({
      "steady-state rate": true,
      "span against the floor": true,
      "429s": true,
      "failed operations": true,
    });
  });

  it("the rate-limited run fails when the client paces too fast (429s), too slowly (span over the floor) or loses a create", () => {
    expect(verdicts(run({ status429: 30, ratePerMinuteAfterBurst: 150, fraction: 150 / 120 }))).to.include({
      "steady-state rate": false,
      "429s": false,
    });
    const slow = run();
    expect(verdicts({ ...slow, spanMs: slow.floorMs * 1.3, ratePerMinuteAfterBurst: 85, fraction: 85 / 120 })).to.include({
      "steady-state rate": false,
      "span against the floor": false,
    });
    expect(verdicts(run({ succeeded: false, webhooksAfter: 299 }))).to.include({ "failed operations": false });
  });

  it("a timing target needs five paired runs and the threshold outside the runs' quartiles", () => {
    expect(ratioVerdict([1.1, 1.1, 1.2], 1.25).holds, "3 runs: no verdict").to.equal(null);
    expect(ratioVerdict([1.05, 1.1, 1.12, 1.15, 1.4], 1.25).holds).to.equal(true);
    expect(ratioVerdict([1.3, 1.32, 1.35, 1.4, 1.1], 1.25).holds).to.equal(false);
    const noisy = ratioVerdict([1.1, 1.2, 1.24, 1.3, 1.4], 1.25);
    expect(noisy.holds, "1.25 within the quartiles 1.20–1.30").to.equal(null);
    expect(noisy.why).to.include("quartiles 1.20–1.30").and.include("range 1.10–1.40");
  });

  it("reads the steady-state pace and the floor from a request log", () => {
    const t0 = Date.parse("2026-11-30T00:00:00Z");
    // A burst of 3 at t0, then one request every 500 ms (120/min), and one 429.
    const times = [0, 0, 0, 500, 1000, 1500, 2000];
    const log = times.map((ms) => ({
      time: new Date(t0 + ms).toISOString(),
      method: "POST",
      path: "/v1/webhooks",
      status: 200,
      key: null,
      faults: [],
    }));
    log.push({ ...(log[0] as (typeof log)[number]), status: 429 });
    const pace = paceOf(log, 3);
    expect(pace).to.include({ served: 7, status429: 1, spanMs: 2000 });
    expect(pace.steadyPerMinute).to.equal(120);
    expect(pacingFloorMs(7, 3, 120)).to.equal(2000);
  });
});
