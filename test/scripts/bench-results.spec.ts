import { expect } from "chai";
import { type Calls, CREATE, CUSTOMER, callText, countCalls, DELETE, LIST, meetsTarget } from "../../scripts/bench/calls";
import type { CostSample } from "../../scripts/bench/costs";
import { costsMarkdown, costsTargets } from "../../scripts/bench/costs-report";
import type { NativeSample } from "../../scripts/bench/native";
import type { PluginStart } from "../../scripts/bench/plugin";
import { pluginMarkdown, pluginTargets } from "../../scripts/bench/plugin-report";
import { evaluate, type OpSample, type Phase, type RateLimitedRun, ratioVerdict } from "../../scripts/bench/results";
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

/** A timed RekkoWebhook operation that made `calls`. */
function sample(phase: Phase, n: number, calls: Calls): OpSample {
  return {
    kind: "rekko",
    n,
    run: 1,
    phase,
    ms: 1000,
    changes: {},
    calls,
    statuses: {},
    rssKiB: {},
    cpuMs: {},
    treeCpuMs: 0,
    selfCpuMs: 0,
  };
}

const callVerdicts = (samples: OpSample[]) =>
  Object.fromEntries(
    evaluate({ ...base, options: { ...base.options, sizes: [] }, samples })
      .filter((t) => t.name.startsWith("API calls"))
      .map((t) => [t.name.replace("API calls, ", ""), t.holds]),
  );

describe("benchmark targets (scripts/bench/results.ts, calls.ts)", () => {
  it("holds the API calls of each phase to the fewest: preview 0, up N creates, second up 0, refresh 1 list, destroy N deletes", () => {
    const good = [
      sample("preview", 10, {}),
      sample("up", 10, { [CREATE]: 10 }),
      sample("second-up", 10, {}),
      sample("refresh", 10, { [LIST]: 1 }),
      sample("destroy", 10, { [DELETE]: 10 }),
    ];
    expect(callVerdicts(good)).to.deep.equal({ preview: true, up: true, "second-up": true, refresh: true, destroy: true });
  });

  it("fails a phase that makes one call too many or too few: a list before the creates, a read on preview or on a second up", () => {
    expect(
      callVerdicts([
        sample("preview", 1, { [LIST]: 1 }),
        sample("up", 10, { [LIST]: 1, [CREATE]: 10 }),
        sample("second-up", 10, { [LIST]: 1 }),
        sample("refresh", 10, { [LIST]: 10 }),
        sample("destroy", 10, { [DELETE]: 9 }),
      ]),
    ).to.deep.equal({ preview: false, up: false, "second-up": false, refresh: false, destroy: false });
    expect(callVerdicts([]), "nothing measured holds nothing").to.include({ up: false });
  });

  it("holds replacements and rotations to a create and a delete each, refresh to one list per provider and key, the cost command to no webhook call", () => {
    expect(meetsTarget("replace", { n: 3 }, { [CREATE]: 3, [DELETE]: 3 })).to.equal(true);
    expect(meetsTarget("rotation", { n: 3 }, { [CREATE]: 3, [DELETE]: 3, [LIST]: 1 })).to.equal(false);
    expect(meetsTarget("refresh", { n: 5, providers: 2 }, { [LIST]: 2 })).to.equal(true);
    expect(meetsTarget("get-webhooks", { n: 0 }, { [LIST]: 2 })).to.equal(false);
    expect(meetsTarget("orphans", { n: 3 }, { [LIST]: 1 }), "no target: measured only").to.equal(undefined);
    expect(meetsTarget("cost", { n: 3 }, { [CUSTOMER]: 1 }), "the cost command reads the account only").to.equal(true);
    expect(meetsTarget("cost", { n: 3 }, { [CUSTOMER]: 1, [LIST]: 1 })).to.equal(false);
  });

  it("counts the emulator's API requests by method and path, ids folded, the control surface left out", () => {
    const { calls, statuses } = countCalls([
      { method: "GET", path: "/v1/webhooks?limit=100", status: 200 },
      { method: "DELETE", path: "/v1/webhooks/wh-f47ac10b58cc", status: 200 },
      { method: "DELETE", path: "/v1/webhooks/wh_abc123", status: 404 },
      { method: "GET", path: "/_emulator/requests", status: 200 },
    ]);
    expect(calls).to.deep.equal({ [LIST]: 1, [DELETE]: 2 });
    expect(statuses).to.deep.equal({ 200: 2, 404: 1 });
    expect(callText(calls)).to.equal("2× DELETE /v1/webhooks/{id}, 1× GET /v1/webhooks");
    expect(callText({})).to.equal("0");
  });

  it("renders the cost table from the measured counts of both faces, with a verdict per operation", () => {
    const s = (face: "rekko" | "native", op: CostSample["op"], n: number, calls: Calls): CostSample => ({
      face,
      op,
      n,
      calls,
      statuses: {},
    });
    const samples = [
      s("rekko", "up", 3, { [CREATE]: 3 }),
      s("native", "up", 3, { [LIST]: 1, [CREATE]: 3 }),
      s("rekko", "orphans", 3, { [LIST]: 1 }),
      s("native", "get-webhooks", 0, { [LIST]: 1 }),
    ];
    const targets = costsTargets({ n: 3, samples });
    expect(targets.map((t) => [t.name, t.holds])).to.deep.equal([
      ["API calls, up (dynamic)", true],
      ["API calls, up (native)", false],
      ["API calls, get-webhooks (native)", true],
    ]);
    const table = costsMarkdown({ n: 3, samples, targets, machine: base.machine });
    const row = (op: string) => table.split("\n").find((l) => l.startsWith(`| ${op} |`));
    expect(row("up")).to.include(
      "| 3× POST /v1/webhooks | 1× GET /v1/webhooks, 3× POST /v1/webhooks | N creates, no read | **no** |",
    );
    expect(row("get-webhooks"))
      .to.include("not offered on this face")
      .and.include("| – | 1× GET /v1/webhooks | 1 list per run | yes |");
    expect(row("orphans")).to.include("| 1× GET /v1/webhooks | – | no target | – |");
    expect(row("replace")).to.include("| – | – | N creates and N deletes, no read | not measured |");
    expect(row("cost"), "a pipe in a cell is escaped").to.include("`pulumi preview --json \\| pulumi-rekko cost`");
  });

  it("holds the executable plugin to a start within half a second and to no phase slower than the Node.js-runtime plugin", () => {
    const start = (schemaMs: number): PluginStart => ({
      portMs: schemaMs - 10,
      schemaMs,
      schemaBytes: 1,
      rssKiB: 50_000,
      peakRssKiB: 50_000,
    });
    const phase = (face: NativeSample["face"], phase: NativeSample["phase"], run: number, ms: number): NativeSample => ({
      face,
      n: 100,
      run,
      phase,
      ms,
      calls: {},
      providerRssKiB: 1,
    });
    const runs = [1, 2, 3, 4, 5];
    const phases = (exeMs: number) => ({
      samples: runs.flatMap((run) =>
        (["up", "refresh", "destroy"] as const).flatMap((p) => [
          phase("exe", p, run, exeMs + run),
          phase("native", p, run, 1000 + run),
        ]),
      ),
      state: [],
    });
    const verdicts = (starts: number[], exeMs: number) =>
      Object.fromEntries(
        pluginTargets({ starts: [{ face: "exe", runs: starts.map(start) }], phases: phases(exeMs) }).map((t) => [
          t.name,
          t.holds,
        ]),
      );
    expect(verdicts([300, 320, 310], 800)).to.deep.equal({
      "executable plugin: start to GetSchema answer": true,
      "time up, N=100, executable / Node.js-runtime plugin": true,
      "time refresh, N=100, executable / Node.js-runtime plugin": true,
      "time destroy, N=100, executable / Node.js-runtime plugin": true,
    });
    expect(verdicts([700, 650, 300], 1300)).to.deep.equal({
      "executable plugin: start to GetSchema answer": false,
      "time up, N=100, executable / Node.js-runtime plugin": false,
      "time refresh, N=100, executable / Node.js-runtime plugin": false,
      "time destroy, N=100, executable / Node.js-runtime plugin": false,
    });
    const table = pluginMarkdown({
      machine: base.machine,
      starts: [{ face: "exe", runs: [start(300)] }],
      archives: [{ face: "exe", what: "pulumi-resource-rekko-v0.1.0-linux-amd64.tar.gz", bytes: 40_000_000 }],
      phases: phases(800),
      targets: [],
    });
    expect(table).to.include("| start to GetSchema answer (s) | 0.300 (0.300–0.300) | – | – |");
    expect(table).to.include("| download | 40.0 MB (pulumi-resource-rekko-v0.1.0-linux-amd64.tar.gz) | – | – |");
    expect(table).to.include("| 100 | up | 0.80 | 1.00 | – | 0.80 |");
  });

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
