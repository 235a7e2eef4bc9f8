import * as pulumi from "@pulumi/pulumi";
import { RekkoWebhookProvider } from "pulumi-rekko";

/**
 * Experiment (docs/PERFORMANCE.md, "State size"): RekkoWebhook's provider methods serialized
 * as a plain object instead of the `RekkoWebhookProvider` instance. The SDK serializes a class
 * instance with its prototype and constructor; a plain object of the same methods is about
 * 1 KB smaller, and `__provider` is stored twice per resource. Same inputs, outputs and
 * type module as RekkoWebhook (type `PlainWebhook`).
 */
const p = RekkoWebhookProvider.prototype;
const provider: pulumi.dynamic.ResourceProvider = {
  configure: p.configure,
  check: p.check,
  diff: p.diff,
  create: p.create,
  read: p.read,
  update: p.update,
  delete: p.delete,
};

class PlainWebhook extends pulumi.dynamic.Resource {
  constructor(name: string, args: { url: string; events: string[]; secret: string }) {
    const props: Record<string, pulumi.Input<unknown>> = {
      webhookId: undefined,
      url: args.url,
      events: args.events,
      secret: pulumi.secret(args.secret),
      adoptWebhookId: undefined,
      enabled: undefined,
      failureCount: undefined,
      createdAt: undefined,
    };
    super(provider, name, props, { additionalSecretOutputs: ["secret"] }, "rekko", "PlainWebhook");
  }
}

const config = new pulumi.Config();
const count = config.requireNumber("count");
const hooks: PlainWebhook[] = [];
for (let i = 0; i < count; i++) {
  hooks.push(
    new PlainWebhook(`hook-${i}`, {
      url: `http://127.0.0.1:9/bench/${i}`,
      events: ["whale_alert", "price_shift"],
      secret: `bench-signing-secret-${i}-0123456789abcdef`,
    }),
  );
}
export const created = hooks.length;
export const firstId = hooks[0]?.id;
