import * as pulumi from "@pulumi/pulumi";

// What each operation costs in API calls, on the native face: the declarations of
// ../costs-dynamic as the generated Node.js SDK makes them (rekko:index:Webhook, the
// rekko:index:WebhookWithSecret component, the rekko:index:getWebhooks function), so the
// program runs in the same language host; `lookup` calls getWebhooks once.
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
      keyFingerprint: undefined,
    };
    super("rekko:index:Webhook", name, props, { additionalSecretOutputs: ["secret"] });
  }
}

class WebhookWithSecret extends pulumi.ComponentResource {
  declare readonly webhookId: pulumi.Output<string>;

  constructor(name: string, args: { url: string; events: string[]; rotation: number }) {
    const outputs = {
      webhookId: undefined,
      secret: undefined,
      nextSecret: undefined,
      previousSecret: undefined,
      acceptedSecrets: undefined,
      enabled: undefined,
      failureCount: undefined,
    };
    super("rekko:index:WebhookWithSecret", name, { ...args, ...outputs }, {}, true);
  }
}

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 0;
const suffix = config.get("urlSuffix") ?? "";
const withSecret = config.getNumber("withSecret") ?? 0;
const rotation = config.getNumber("rotation") ?? 0;
const lookup = config.getBoolean("lookup") ?? false;

const ids: pulumi.Output<string>[] = [];
for (let i = 0; i < count; i++) {
  ids.push(
    new Webhook(`hook-${i}`, {
      url: `http://127.0.0.1:9/costs/${i}${suffix}`,
      events: ["whale_alert", "price_shift"],
      secret: `costs-signing-secret-${i}-0123456789abcdef`,
    }).webhookId,
  );
}
for (let i = 0; i < withSecret; i++) {
  ids.push(
    new WebhookWithSecret(`paired-${i}`, { url: `http://127.0.0.1:9/costs/paired/${i}`, events: ["analysis_complete"], rotation })
      .webhookId,
  );
}

export const webhookIds = ids;
export const found = lookup
  ? pulumi.runtime
      .invokeOutput<{ ids: string[] }>("rekko:index:getWebhooks", { url: "http://127.0.0.1:9/costs/0" })
      .apply((r) => r.ids)
  : undefined;
