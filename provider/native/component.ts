/**
 * `rekko:index:WebhookWithSecret`, built by `construct` inside the provider process with the
 * Node.js SDK: the same three password slots as `RekkoWebhookWithSecret` (the shared floor's
 * secret model), and a native `rekko:index:Webhook` signed with the current one.
 */
import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_WEBHOOK, NATIVE_WEBHOOK as WEBHOOK, NATIVE_WEBHOOK_WITH_SECRET as WEBHOOK_WITH_SECRET } from "../core/types";
import { secretSlots } from "../pulumi/secretSlots";

/** A component's construct: builds it; answers its URN and outputs. */
export type ConstructComponent = (
  name: string,
  inputs: pulumi.Inputs,
  opts: pulumi.ComponentResourceOptions,
) => { urn: pulumi.Output<string>; state: pulumi.Inputs };

/** A `rekko:index:Webhook` registered from inside the provider (by the component). */
class NativeWebhook extends pulumi.CustomResource {
  declare public readonly webhookId: pulumi.Output<string>;
  declare public readonly enabled: pulumi.Output<boolean>;
  declare public readonly failureCount: pulumi.Output<number>;

  constructor(
    name: string,
    args: { url: unknown; events: unknown; secret: pulumi.Input<string>; replaceWhenDisabled?: unknown },
    opts: pulumi.CustomResourceOptions,
  ) {
    const props = { ...args, webhookId: undefined, enabled: undefined, failureCount: undefined, createdAt: undefined };
    // The alias moves RekkoWebhookWithSecret's webhook over when a stack replaces that component
    // with this one aliased to it (docs/MIGRATING.md): with its parent's alias, the engine finds
    // the old child under the dynamic type.
    super(WEBHOOK, name, props as pulumi.Inputs, {
      ...opts,
      additionalSecretOutputs: ["secret", "keyFingerprint"],
      aliases: [{ type: DYNAMIC_WEBHOOK }],
    });
  }
}

/** A plain integer input of the component (an Output there is refused: slots are counted at construct time). */
function count(name: string, key: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number") {
    throw new Error(
      `${WEBHOOK_WITH_SECRET} ${name}: ${key} must be a plain integer in the program, got ${typeof value === "object" ? "a computed value" : JSON.stringify(value)}.`,
    );
  }
  return value;
}

class WebhookWithSecret extends pulumi.ComponentResource {
  readonly state: pulumi.Inputs;

  constructor(name: string, inputs: pulumi.Inputs, opts: pulumi.ComponentResourceOptions) {
    super(WEBHOOK_WITH_SECRET, name, {}, opts);
    const slots = secretSlots(this, `${WEBHOOK_WITH_SECRET} ${name}`, name, {
      secretLength: count(name, "secretLength", inputs.secretLength),
      rotation: count(name, "rotation", inputs.rotation),
    });
    const webhook = new NativeWebhook(
      name,
      { url: inputs.url, events: inputs.events, secret: slots.current, replaceWhenDisabled: inputs.replaceWhenDisabled },
      { parent: this },
    );
    this.state = {
      webhookId: webhook.webhookId,
      secret: slots.secret,
      nextSecret: slots.nextSecret,
      previousSecret: slots.previousSecret,
      acceptedSecrets: slots.acceptedSecrets,
      enabled: webhook.enabled,
      failureCount: webhook.failureCount,
    };
    this.registerOutputs(this.state);
  }
}

/** construct of `rekko:index:WebhookWithSecret`. */
export const webhookWithSecret: ConstructComponent = (name, inputs, opts) => {
  const component = new WebhookWithSecret(name, inputs, opts);
  return { urn: component.urn, state: component.state };
};
