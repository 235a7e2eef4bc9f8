import { expect } from "chai";
import { burstFor, RateLimiter } from "../../provider/core/rateLimit";

describe("rate limiter", () => {
  it("never lets more than the limit through in any 60-second window (simulated clock)", async () => {
    let now = 0;
    const sent: number[] = [];
    const limiter = new RateLimiter(
      110,
      () => now,
      async (ms) => {
        now += ms;
      },
    );
    for (let i = 0; i < 400; i++) {
      await limiter.acquire();
      sent.push(now);
    }
    let worst = 0;
    for (let i = 0; i < sent.length; i++) {
      const start = sent[i] ?? 0;
      const inWindow = sent.filter((t) => t >= start && t < start + 60_000).length;
      worst = Math.max(worst, inWindow);
    }
    expect(worst).to.be.at.most(120);
    expect(worst).to.be.at.least(110);
    // 400 requests at 110/min with a burst of 9: about (400 - 9) / 110 minutes.
    expect(now / 60_000).to.be.closeTo((400 - burstFor(110)) / 110, 0.05);
  });
  it("serves waiters in order", async () => {
    let now = 0;
    const limiter = new RateLimiter(
      60,
      () => now,
      async (ms) => {
        now += ms;
      },
    );
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => limiter.acquire().then(() => order.push(n))));
    expect(order).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
  });
  it("keeps its pace through a backwards wall-clock step of one hour (monotonic clock)", async () => {
    const realNow = Date.now;
    let wall = realNow();
    // The wall clock is replaced before the limiter exists, so a limiter reading it sees the step.
    Date.now = () => wall;
    const waits: number[] = [];
    try {
      const limiter = new RateLimiter(60, undefined, async (ms) => {
        waits.push(ms);
        if (ms > 5_000) throw new Error(`the limiter would stall for ${ms} ms`);
      });
      await limiter.acquire();
      wall -= 3_600_000;
      for (let i = 0; i < 3; i++) await limiter.acquire();
    } finally {
      Date.now = realNow;
    }
    expect(waits, "burst tokens were left: no wait at all").to.deep.equal([]);
  });
  it("refuses a non-positive rate", () => {
    expect(() => new RateLimiter(0)).to.throw(RangeError);
  });
});
