// The repeat memory on its own: which delivery counts as a repeat, and, when repeats are
// suppressed, a copy arriving while the first is handled waits for it. Synchronised by hand
// (the work is a promise the test settles), so nothing here depends on timing.
import { expect } from "chai";
import { RepeatMemory } from "../../provider/receiver/memory";
import { drained, gate } from "./sync";

const ok = { status: 200 };
const failed = { status: 500 };
const suppressed = (shared?: { status: number }) => ({ status: shared?.status ?? 200, suppressed: true });

describe("receiver repeat memory", () => {
  it("flags a body handled (200) within the window, and one being handled now; never one that failed", async () => {
    const memory = new RepeatMemory();
    const seen: boolean[] = [];
    const work = (answer: { status: number }) => async (repeat: boolean) => {
      seen.push(repeat);
      return answer;
    };
    await memory.run("a", work(failed));
    await memory.run("a", work(ok));
    await memory.run("a", work(ok));
    const first = gate<{ status: number }>();
    const slow = memory.run("b", async (repeat) => {
      seen.push(repeat);
      return first.opened;
    });
    const concurrent = memory.run("b", work(ok));
    first.open(ok);
    await Promise.all([slow, concurrent]);
    expect(seen).to.deep.equal([false, false, true, false, true]);
  });

  it("with suppression, a copy arriving while the first is handled waits for it and shares its failure; the retry runs", async () => {
    const memory = new RepeatMemory();
    const first = gate<{ status: number }>();
    let runs = 0;
    const slow = memory.run(
      "k",
      () => {
        runs++;
        return first.opened;
      },
      suppressed,
    );
    let secondSettled = false;
    const second = memory
      .run("k", async () => (runs++, ok), suppressed)
      .finally(() => {
        secondSettled = true;
      });
    await drained();
    expect([secondSettled, runs], "the copy waits and runs nothing").to.deep.equal([false, 1]);
    first.open(failed);
    expect(await slow).to.deep.equal(failed);
    expect(await second, "shares the failure, so it is retried").to.deep.equal({ status: 500, suppressed: true });
    const counted = async () => {
      runs++;
      return ok;
    };
    expect(await memory.run("k", counted, suppressed), "the retry runs").to.deep.equal(ok);
    expect(await memory.run("k", counted, suppressed)).to.deep.equal({ status: 200, suppressed: true });
    expect(runs).to.equal(2);
  });

  it("is bounded and time-limited", async () => {
    let now = 0;
    const memory = new RepeatMemory(3, 1000, () => now);
    const repeat = (key: string) => memory.run(key, async (r) => ({ status: 200, repeat: r })).then((o) => o.repeat);
    const first = [];
    for (const key of ["a", "b", "c", "d"]) first.push(await repeat(key));
    expect(first).to.deep.equal([false, false, false, false]);
    expect(await repeat("a"), "evicted by size").to.equal(false);
    expect(await repeat("d")).to.equal(true);
    now = 5000;
    expect(await repeat("d"), "expired").to.equal(false);
  });
});
