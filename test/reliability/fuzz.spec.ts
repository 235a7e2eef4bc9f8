import { expect } from "chai";
import {
  type FuzzReport,
  fuzzCheckInputs,
  fuzzEmulator,
  fuzzLine,
  fuzzReceiver,
  fuzzReceiverHttp,
  fuzzRuntimeCheck,
} from "./suites/fuzz";

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

  it("check (validation.checkInputs): never throws; every failure names its field; valid inputs pass", () => {
    verify(fuzzCheckInputs(runs, seed));
  });
  it("check (the runtime's, with arbitrary settings): never rejects; failures name the field or setting", async () => {
    verify(await fuzzRuntimeCheck(runs, seed));
  });
  it("receiver (processDelivery): never rejects; 401 exactly for bad signatures, 400/200/500 as documented", async () => {
    verify(await fuzzReceiver(runs, seed));
  });
  it("receiver (createWebhookHandler over HTTP): always answers 200/400/401/405/413", async () => {
    verify(await fuzzReceiverHttp(Math.ceil(runs / 5), seed));
  });
  it("emulator (over HTTP): never a 5xx or a dropped request; every refusal a 4xx with a detail naming the field", async () => {
    verify(await fuzzEmulator(runs, seed));
  });
});
