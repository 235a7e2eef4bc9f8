import * as pulumi from "@pulumi/pulumi";

/**
 * The benchmark baseline: a dynamic resource with RekkoWebhook's inputs and outputs
 * (same property names, the secret marked the same way) whose provider does no work and
 * no network: create answers a fake id, read echoes the state, delete does nothing.
 */
interface Inputs {
  url: string;
  events: string[];
  secret?: string;
  adoptWebhookId?: string;
}

const noop: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { inputs: news, failures: [] };
  },
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const same =
      olds.url === news.url && JSON.stringify(olds.events) === JSON.stringify(news.events) && olds.secret === news.secret;
    return { changes: !same, replaces: same ? [] : ["url"], deleteBeforeReplace: false };
  },
  async create(inputs: Inputs) {
    const id = `wh-${Math.random().toString(16).slice(2, 14).padEnd(12, "0")}`;
    return {
      id,
      outs: {
        webhookId: id,
        url: inputs.url,
        events: [...inputs.events],
        enabled: true,
        failureCount: 0,
        createdAt: new Date().toISOString(),
        secret: inputs.secret ?? "",
      },
    };
  },
  async read(id: string, props: Record<string, unknown>) {
    return { id, props };
  },
  async delete() {},
};

class NoopWebhook extends pulumi.dynamic.Resource {
  declare public readonly webhookId: pulumi.Output<string>;
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
    super(noop, name, props, { additionalSecretOutputs: ["secret"] }, "rekko", "NoopWebhook");
  }
}

const config = new pulumi.Config();
const count = config.requireNumber("count");

const hooks: NoopWebhook[] = [];
for (let i = 0; i < count; i++) {
  hooks.push(
    new NoopWebhook(`hook-${i}`, {
      url: `http://127.0.0.1:9/bench/${i}`,
      events: ["whale_alert", "price_shift"],
      secret: `bench-signing-secret-${i}-0123456789abcdef`,
    }),
  );
}

export const created = hooks.length;
export const firstId = hooks[0]?.webhookId;
