/**
 * The scenario table's runner. A {@link Scenario} is written once, as steps on a
 * {@link Stage}, and runs on both faces (scripts/rig/faces.ts): the dynamic face from a
 * TypeScript program, the native face from a YAML program.
 *
 * - `cannot: { native: "why" }`: the face cannot express the scenario; mocha lists it as
 *   pending with the reason.
 * - `knownFailure: { native: "18.2" }`: the scenario is known to fail on that face until the
 *   named item is fixed. The test then passes only while the scenario fails (and prints how);
 *   once the fix lands it fails, asking for the mark to be removed. With `because`, the failure
 *   must also match that pattern (so an unrelated breakage is not taken for the known one).
 */
import type { EmulatorOptions } from "../../provider/testing";
import { FACES, type FaceName } from "../../scripts/rig/faces";
import { Stage } from "../../scripts/rig/stage";

/** A known failure: the issue item whose fix makes it pass, and optionally the failure's pattern. */
export type KnownFailure = string | { item: string; because: RegExp };

export interface Scenario {
  /** What it shows, as a sentence. */
  name: string;
  /** Faces that cannot express it, with the reason. */
  cannot?: Partial<Record<FaceName, string>>;
  /** Faces where it fails today, with the item that fixes it. */
  knownFailure?: Partial<Record<FaceName, KnownFailure>>;
  /** Emulator options (keys, disable threshold…). */
  emulator?: EmulatorOptions;
  /** The steps, with their assertions. */
  run(stage: Stage): Promise<void>;
}

/** The item of a known failure. */
export function itemOf(known: KnownFailure): string {
  return typeof known === "string" ? known : known.item;
}

/** Registers `scenarios` with mocha: one test per scenario and face. */
export function scenarioTable(title: string, scenarios: readonly Scenario[]): void {
  describe(`scenarios: ${title} (both faces, real CLI, emulator)`, function () {
    this.timeout(900_000);
    for (const scenario of scenarios) {
      describe(scenario.name, () => {
        for (const face of FACES.filter((f) => !process.env.REKKO_FACES || process.env.REKKO_FACES.split(",").includes(f.name))) {
          const cannot = scenario.cannot?.[face.name];
          if (cannot) {
            it.skip(`${face.name}: cannot be expressed: ${cannot}`);
            continue;
          }
          const known = scenario.knownFailure?.[face.name];
          it(`${face.name}${known ? ` (known failure, ${itemOf(known)})` : ""}`, async () => {
            const stage = await Stage.open(face, {
              ...(scenario.emulator ? { emulator: scenario.emulator } : {}),
              name: slug(scenario.name),
            });
            let failure: Error | undefined;
            try {
              await scenario.run(stage);
            } catch (err) {
              failure = err as Error;
            } finally {
              await stage.close();
            }
            if (!known) {
              if (failure) throw failure;
              return;
            }
            if (!failure) {
              throw new Error(
                `"${scenario.name}" now passes on the ${face.name} face: remove its knownFailure mark ${itemOf(known)}.`,
              );
            }
            if (typeof known !== "string" && !known.because.test(failure.message)) {
              throw new Error(
                `known failure ${known.item} expected a failure matching ${known.because}, got: ${failure.message}`,
              );
            }
            console.log(`      known failure ${itemOf(known)}: ${failure.message.split("\n")[0]}`);
          });
        }
      });
    }
  });
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 24)
    .replace(/-+$/, "");
}
