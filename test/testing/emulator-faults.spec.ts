import { expect } from "chai";
import { checkFaultSpec, type Fault, type FaultSpec, matchFaults } from "../../provider/testing/emulator/faults";

const fault = (id: string, spec: FaultSpec): Fault => ({ ...spec, id, seen: 0, used: 0 });
const ids = (faults: readonly Fault[]) => faults.map((f) => f.id);

describe("emulator faults: matching is pure", () => {
  it("matches by method (any case) and by exact path or * prefix", () => {
    const list = [
      fault("a", { kind: "latency", method: "get", path: "/v1/webhooks", times: 9 }),
      fault("b", { kind: "latency", path: "/v1/*", times: 9 }),
      fault("c", { kind: "latency", method: "DELETE", times: 9 }),
    ];
    expect(ids(matchFaults(list, "GET", "/v1/webhooks").applied)).to.deep.equal(["a", "b"]);
    expect(ids(matchFaults(list, "GET", "/v1/webhooks/wh-1").applied)).to.deep.equal(["b"]);
    expect(ids(matchFaults(list, "DELETE", "/v1/webhooks/wh-1").applied)).to.deep.equal(["b", "c"]);
    expect(ids(matchFaults(list, "POST", "/other").applied)).to.deep.equal([]);
  });

  it("does not change the list it is given; the counters are in what it returns", () => {
    const list = [fault("a", { kind: "status", status: 503, times: 2 })];
    const snapshot = JSON.stringify(list);
    const first = matchFaults(list, "GET", "/v1/webhooks");
    expect(JSON.stringify(list)).to.equal(snapshot);
    expect(first.remaining[0]).to.include({ seen: 1, used: 1 });
    const second = matchFaults(first.remaining, "GET", "/v1/webhooks");
    expect(ids(second.applied)).to.deep.equal(["a"]);
    expect(second.remaining, "used up after `times`").to.deep.equal([]);
  });

  it("applies once by default, `times` times, or every `every`-th match without limit", () => {
    let once = [fault("o", { kind: "drop-before" })];
    const seen: number[] = [];
    let every = [fault("e", { kind: "status", status: 500, every: 3 })];
    for (let i = 1; i <= 7; i++) {
      const m = matchFaults([...once, ...every], "GET", "/");
      once = m.remaining.filter((f) => f.id === "o");
      every = m.remaining.filter((f) => f.id === "e");
      if (m.applied.some((f) => f.id === "e")) seen.push(i);
    }
    expect(once).to.deep.equal([]);
    // The drop-before of request 1 overrides nothing of "e" (not its turn); then every third.
    expect(seen).to.deep.equal([3, 6]);
  });

  it("gives one request one outcome (drop-before, else the first status, else drop-after) plus every latency", () => {
    const list = [
      fault("drop-after", { kind: "drop-after" }),
      fault("status-1", { kind: "status", status: 503 }),
      fault("status-2", { kind: "status", status: 500 }),
      fault("latency", { kind: "latency", latencyMs: 1 }),
    ];
    const first = matchFaults(list, "POST", "/v1/webhooks");
    expect(ids(first.applied)).to.deep.equal(["status-1", "latency"]);
    // The overridden faults are not used up: they apply to the next requests, in order.
    expect(ids(first.remaining)).to.deep.equal(["drop-after", "status-2"]);
    const second = matchFaults(first.remaining, "POST", "/v1/webhooks");
    expect(ids(second.applied)).to.deep.equal(["status-2"]);
    expect(ids(matchFaults(second.remaining, "POST", "/v1/webhooks").applied)).to.deep.equal(["drop-after"]);
    const withDrop = [fault("s", { kind: "status", status: 503 }), fault("d", { kind: "drop-before" })];
    expect(ids(matchFaults(withDrop, "GET", "/").applied)).to.deep.equal(["d"]);
  });
});

describe("emulator faults: a spec is checked before it is kept", () => {
  const bad: [unknown, RegExp][] = [
    [{ kind: "explode" }, /^fault kind must be one of/],
    [{ kind: "status" }, /^fault status must be an integer from 100 to 599/],
    [{ kind: "status", status: 99 }, /^fault status/],
    [{ kind: "latency", method: 5 }, /^fault method must be a string/],
    [{ kind: "latency", path: { a: 1 } }, /^fault path must be a string/],
    [{ kind: "latency", random: "yes" }, /^fault random must be a boolean/],
    [{ kind: "latency", latencyMs: 600_001 }, /^fault latencyMs must be a number from 0 to 600000/],
    [{ kind: "latency", latencyMs: Number.NaN }, /^fault latencyMs/],
    [{ kind: "latency", times: 1.5 }, /^fault times must be an integer/],
    [{ kind: "latency", every: 0 }, /^fault every must be an integer from 1/],
    [{ kind: "status", status: 503, headers: ["x"] }, /^fault headers must be an object/],
    [{ kind: "status", status: 503, headers: { "bad header": "x" } }, /^fault header "bad header" is not a valid HTTP header/],
    [{ kind: "status", status: 503, headers: { "x-ok": 5 } }, /^fault header "x-ok"/],
  ];
  for (const [spec, message] of bad) {
    it(`refuses ${JSON.stringify(spec)}`, () => {
      expect(() => checkFaultSpec(spec as FaultSpec)).to.throw(message);
    });
  }
  it("accepts well-formed specs", () => {
    for (const spec of [
      { kind: "status", status: 503, headers: { "retry-after": "1" }, times: 2 },
      { kind: "latency", latencyMs: 1.5, random: true, method: "GET", path: "/v1/*", every: 2 },
      { kind: "drop-after", method: "POST", path: "/v1/webhooks" },
      { kind: "drop-before" },
    ] as FaultSpec[]) {
      expect(() => checkFaultSpec(spec)).not.to.throw();
    }
  });
});
