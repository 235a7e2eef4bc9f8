/**
 * What the key-switch specs of both faces share: the key mismatch's one-line summary and detail,
 * a failing `up` whose output they count, and the clean-up under the original key.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import type { RekkoEmulator } from "../../provider/testing";
import type { TestProject } from "../support/engine";

/** A phrase of the key mismatch's detail (the lines below its one-line summary). */
export const KEY_MISMATCH_DETAIL = "To move the stack to another account";

/** Sets `rekko:apiKey` (as a secret). */
export function setKey(stack: Stack, key: string): Promise<void> {
  return stack.setConfig("rekko:apiKey", { value: key, secret: true });
}

/**
 * Runs `up`, which must fail; checks that its output prints the key mismatch's detail once and
 * neither key; answers the output.
 */
export async function failingUp(stack: Stack, keys: readonly string[]): Promise<string> {
  const printed: string[] = [];
  const failed = await stack.up({ onOutput: (o) => printed.push(o) }).then(
    () => false,
    () => true,
  );
  expect(failed, "up must fail").to.equal(true);
  const text = printed.join("");
  expect(text.split(KEY_MISMATCH_DETAIL).length - 1, "the detail once").to.equal(1);
  for (const key of keys) expect(text).to.not.include(key);
  return text;
}

/** Destroys the project under `key` and stops the emulator, which must then hold no webhook. */
export async function cleanUp(project: TestProject | undefined, emu: RekkoEmulator | undefined, key: string): Promise<void> {
  try {
    if (project) {
      await setKey(project.stack, key);
      await project.destroyAndRemove();
    }
    expect(emu?.webhooks() ?? []).to.deep.equal([]);
  } finally {
    await emu?.stop();
  }
}
