import * as pulumi from "@pulumi/pulumi";

// `count` webhooks of the native provider, with the inputs of ../rekko/index.ts. Declared as
// the generated Node.js SDK does it (a CustomResource of type rekko:index:Webhook), so the
// program runs in the same language host as the dynamic resource it is compared with.
class Webhook extends pulumi.CustomResource {
  declare readonly webhookId: pulumi.Output<string>;

  constructor(name: string, args: { url: string; events: string[]; secret: string }) {
    const props = {
      ...args,
      secret: pulumi.secret(args.secret),
      webhookId: undefined,
      enabled: undefined,
      failureCount: undefined,
      createdAt: undefined,
    };
    super("rekko:index:Webhook", name, props, { additionalSecretOutputs: ["secret"] });
  }
}

const config = new pulumi.Config();
const count = config.requireNumber("count");

const hooks: Webhook[] = [];
for (let i = 0; i < count; i++) {
  hooks.push(
    new Webhook(`hook-${i}`, {
      url: `http://127.0.0.1:9/bench/${i}`,
      events: ["whale_alert", "price_shift"],
      secret: `bench-signing-secret-${i}-0123456789abcdef`,
    }),
  );
}

export const created = hooks.length;
export const firstId = hooks[0]?.webhookId;
