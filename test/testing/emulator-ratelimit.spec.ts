import { expect } from "chai";
import { RateWindows } from "../../provider/testing/emulator/rateLimit";

describe("emulator rate limit: a sliding one-minute window per key", () => {
  it("answers the seconds to wait once a key is over its limit, and frees slots as they leave the window", () => {
    let now = 1_000_000;
    const rate = new RateWindows(2, () => now);
    expect(rate.take("a")).to.equal(undefined);
    now += 10_000;
    expect(rate.take("a")).to.equal(undefined);
    expect(rate.take("a"), "third in the minute: wait until the first leaves").to.equal(50);
    expect(rate.take("b"), "keys are counted apart").to.equal(undefined);
    now += 50_000;
    expect(rate.take("a")).to.equal(undefined);
    expect(rate.take("a")).to.equal(10);
  });

  it("is off at 0, and a new limit forgets every window", () => {
    const now = 5_000;
    const rate = new RateWindows(0, () => now);
    for (let i = 0; i < 1000; i++) expect(rate.take("a")).to.equal(undefined);
    rate.setLimit(1);
    expect(rate.take("a")).to.equal(undefined);
    expect(rate.take("a")).to.equal(60);
    rate.setLimit(1);
    expect(rate.take("a")).to.equal(undefined);
    expect(rate.limit).to.equal(1);
  });
});
