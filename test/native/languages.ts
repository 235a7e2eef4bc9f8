import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { engineEnv, ROOT, type TestProject, toolchainDir } from "../support/engine";

/** Helpers of the specs that run a program of another language on a generated SDK. */

/**
 * Generates the SDKs of `languages` from `schema` into `out/<language>` with the toolchain's
 * generators (`toolchain/sdkgen.sh`, as `pulumi package gen-sdk` would write them).
 */
export function generateSdks(schema: string, out: string, ...languages: string[]): void {
  execFileSync("bash", [join(ROOT, "toolchain", "sdkgen.sh"), schema, out, ...languages], {
    env: { ...process.env, ...engineEnv(), PULUMI_REKKO_TOOLCHAIN: toolchainDir() },
    stdio: "pipe",
  });
}

/**
 * Previews the project with `from` replaced by `to` in its program `file`, then puts the program
 * back; returns the error the preview fails with (and fails the test when it does not).
 */
export async function failingPreview(project: TestProject, file: string, from: string, to: string): Promise<string> {
  const path = join(project.dir, file);
  const program = readFileSync(path, "utf8");
  expect(program).to.include(from);
  writeFileSync(path, program.replace(from, to));
  let message = "";
  try {
    await project.stack.preview({ onOutput: (o) => project.printed.push(o) }).catch((e: Error) => {
      message = e.message;
    });
  } finally {
    writeFileSync(path, program);
  }
  expect(message, "preview must fail").to.not.equal("");
  return message;
}

/**
 * The checks of the language specs' first `up`, whose programs declare the same three things: a
 * `hook` Webhook (events whale_alert and price_shift, signed with `hookSecret` from stack config),
 * a `paired` WebhookWithSecret (analysis_complete) and a lookup of the hook by url and event, with
 * the stack outputs `hookId`, `pairedId`, `acceptedSecrets` and `foundIds`. Returns the hook as the
 * emulator holds it.
 */
export function expectHookPairedAndLookup(
  up: { outputs: Record<string, { value: unknown; secret: boolean } | undefined> },
  webhooks: readonly RegisteredWebhook[],
  hookSecret: string,
): RegisteredWebhook | undefined {
  const hookId = up.outputs.hookId?.value as string;
  expect(hookId).to.match(/^wh-/);
  expect(up.outputs.foundIds?.value, "the lookup filtered by url and event").to.deep.equal([hookId]);
  const hook = webhooks.find((w) => w.webhook_id === hookId);
  expect(hook?.secret, "the secret from stack config").to.equal(hookSecret);
  expect(hook?.events.slice().sort()).to.deep.equal(["price_shift", "whale_alert"]);
  const paired = webhooks.find((w) => w.webhook_id === up.outputs.pairedId?.value);
  expect(paired?.events).to.deep.equal(["analysis_complete"]);
  expect(up.outputs.acceptedSecrets?.value).to.include(paired?.secret);
  expect(up.outputs.acceptedSecrets?.secret).to.equal(true);
  return hook;
}

/** A webhook as the emulator holds it (the fields the checks read). */
interface RegisteredWebhook {
  webhook_id: string;
  secret: string;
  events: string[];
  key?: string;
}

/**
 * The name the engine gives the SDK's default rekko provider: `default_<version>`, then the
 * schema's `pluginDownloadURL` with `:/` as `_` (`default_0_1_0_github_/api.github.com/…`, the SDKs carrying the package's version).
 */
export const DEFAULT_PROVIDER = (() => {
  const schema = JSON.parse(readFileSync(join(ROOT, "provider", "native", "schema.json"), "utf8")) as {
    pluginDownloadURL?: string;
  };
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  const version = pkg.version.replace(/\./g, "_");
  const server = schema.pluginDownloadURL ? `_${schema.pluginDownloadURL.replace(":/", "_")}` : "";
  return new RegExp(`^default_${version}${server.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);
})();
