import { expect } from "chai";
import {
  type FuzzReport,
  fuzzCheckInputs,
  fuzzEmulator,
  fuzzLine,
  fuzzReceiver,
  fuzzReceiverHttp,
  fuzzRuntimeCheck,
} from "../../scripts/reliability/fuzz";

/**
 * Suite 4, reduced for `npm test`: 1,000 cases per property with a fixed seed (deterministic).
 * Full size (10,000 each): `npm run reliability -- --suite fuzz`; another seed:
 * `RELIABILITY_SEED=… npx mocha test/reliability/fuzz.spec.ts`.
 */
describe("reliability: bad input, property-based (reduced)", function () {
  this.timeout(300_000);
  const runs = Number(process.env.RELIABILITY_RUNS ?? 1000);
  const seed = Number(process.env.RELIABILITY_SEED ?? 20261130);
  const verify = (r: FuzzReport) => {
    console.log(fuzzLine(r));
    expect(r.problems).to.deep.equal([]);
    expect(r.unhandledRejections, "unhandled rejections").to.equal(0);
  };

  it("check (validation.checkInputs): never throws; every failure names its field; hostile inputs are refused; valid inputs pass", () => {
    const r = fuzzCheckInputs(runs, seed);
    verify(r);
    for (const field of ["url", "events", "secret", "adoptWebhookId"]) {
      expect(r.outcomes[`hostile refused:${field}`] ?? 0, `hostile ${field} cases generated and refused`).to.be.greaterThan(0);
    }
  });
  it("the check properties fail against a validator that accepts everything (only the hostile-input property catches it)", () => {
    const acceptAll = (news: Record<string, unknown>) => ({ inputs: { ...news }, failures: [] });
    const r = fuzzCheckInputs(Math.min(runs, 200), seed, acceptAll);
    expect(r.problems).to.have.length(1);
    expect(r.problems[0]).to.match(/^checkInputs \(hostile\): .*accepted a hostile (url|events|secret|adoptWebhookId)/);
  });
  it("check (the runtime's, with arbitrary settings): never rejects; failures name the field or setting", async () => {
    verify(await fuzzRuntimeCheck(runs, seed));
  });
  it("receiver (a Node receiver's handleBody): never rejects; 401 exactly for bad signatures, 400/200/500 as documented", async () => {
    verify(await fuzzReceiver(runs, seed));
  });
  it("receiver (createWebhookHandler over HTTP): always answers 200/400/401/405/413", async () => {
    verify(await fuzzReceiverHttp(Math.ceil(runs / 5), seed));
  });
  it("emulator (over HTTP): never a 5xx or a dropped request; every refusal a 4xx with a detail naming the field", async () => {
    verify(await fuzzEmulator(runs, seed));
  });
});
