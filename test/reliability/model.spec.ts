import { expect } from "chai";
import { KNOWN_FAILURES, runModel } from "../../scripts/reliability/model";

/**
 * The model-based test, reduced for `npm test`: one sequence per face with a fixed seed (the
 * faces side by side), on the actions whose invariants hold today (the known failures are left
 * out and listed below). At length: `npm run reliability -- --suite model --steps 500`.
 */
describe("reliability: model-based sequences on both faces (reduced, fixed seeds)", function () {
  this.timeout(900_000);

  it("every invariant holds after every step of the generated sequences", async () => {
    // Seeds chosen for what they generate (fast-check's first sequence of each): an adoption, a
    // replacement, an outside delete (dynamic); a 503, an import, a new secret (native).
    const seeds = {
      dynamic: Number(process.env.RELIABILITY_MODEL_SEED_DYNAMIC ?? 20261224),
      native: Number(process.env.RELIABILITY_MODEL_SEED_NATIVE ?? 20261227),
    };
    const known = Object.entries(KNOWN_FAILURES).map(
      ([a, faces]) =>
        `${a} (${Object.entries(faces ?? {})
          .map(([f, i]) => `${f}: ${i}`)
          .join(", ")})`,
    );
    console.log(`      left out (known failures): ${known.length ? known.join("; ") : "none"}`);
    const reports = await Promise.all(
      (["dynamic", "native"] as const).map((face) =>
        runModel({
          steps: 1,
          seed: seeds[face],
          faces: [face],
          maxCommands: 5,
          skipKnown: true,
          log: (l) => console.log(`    ${l}`),
        }),
      ),
    );
    for (const r of reports) {
      console.log(`      ${r.line}`);
      expect(r.violations, "invariant violations").to.deep.equal([]);
      expect(r.steps, "the prelude, the generated steps and the clean up ran").to.be.at.least(5);
    }
  });
});
