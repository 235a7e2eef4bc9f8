import type * as pulumi from "@pulumi/pulumi";

type Runtime = typeof import("./runtime");

/**
 * Loads the provider implementation in the provider process. Deliberately tiny: this
 * function and the class below are what Pulumi serializes into state, so nothing else
 * (no client, no key, no copy of the implementation) is captured. `require` and `process`
 * are resolved at run time, from the Pulumi project's directory.
 */
function load(): Runtime {
  const { createRequire } = require("node:module") as typeof import("node:module");
  const { join } = require("node:path") as typeof import("node:path");
  try {
    return createRequire(join(process.cwd(), "package.json"))("pulumi-rekko/runtime") as Runtime;
  } catch (first) {
    try {
      return require("pulumi-rekko/runtime") as Runtime;
    } catch {
      throw new Error(
        `pulumi-rekko is not installed where this Pulumi project can load it (${process.cwd()}): run \`npm install pulumi-rekko\` in the project. Cause: ${(first as Error).message}`,
      );
    }
  }
}

/**
 * The dynamic provider of {@link RekkoWebhook}. Credentials come from `configure`
 * (stack config `rekko:apiKey`, `rekko:baseUrl`) or the environment, at run time only.
 */
export class RekkoWebhookProvider implements pulumi.dynamic.ResourceProvider {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    load().configure({
      apiKey: req.config.get("rekko:apiKey"),
      baseUrl: req.config.get("rekko:baseUrl"),
      maxRequestsPerMinute: req.config.get("rekko:maxRequestsPerMinute"),
    });
  }
  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return load().check(olds, news);
  }
  async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    return load().diff(id, olds, news);
  }
  async create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    return load().create(inputs as never);
  }
  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    return load().read(id, props);
  }
  async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
    return load().update(id, olds, news);
  }
  async delete(id: string, props: Record<string, unknown>): Promise<void> {
    return load().delete(id, props);
  }
}

/**
 * The provider object every `RekkoWebhook` stores (serialized) in state: the methods of
 * {@link RekkoWebhookProvider} on a plain object. A class instance would be serialized with its
 * prototype and constructor, about 1 KB more, and the stored provider appears twice per resource.
 * @internal
 */
export const webhookProvider: pulumi.dynamic.ResourceProvider = (() => {
  const p = RekkoWebhookProvider.prototype;
  return {
    configure: p.configure,
    check: p.check,
    diff: p.diff,
    create: p.create,
    read: p.read,
    update: p.update,
    delete: p.delete,
  };
})();
