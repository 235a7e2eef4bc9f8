import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { RekkoEventType } from "../core/events";
import { DYNAMIC_WEBHOOK_WITH_SECRET } from "../core/types";
import { RekkoWebhook } from "./webhook";

/** Arguments of {@link RekkoWebhookWithSecret}. */
export interface RekkoWebhookWithSecretArgs {
  /** The https URL that receives deliveries; may be an Output of another resource. See `RekkoWebhookArgs.url`. */
  url: pulumi.Input<string>;
  /** The event types to deliver. See `RekkoWebhookArgs.events`. */
  events: pulumi.Input<pulumi.Input<RekkoEventType>[]>;
  /** Length of the generated secret, 32 to 256 characters. Default 48 (letters and digits, about 285 bits). */
  secretLength?: number;
  /**
   * Rotation counter, an integer ≥ 0 (default 0). Increase it by one to rotate: the webhook
   * is replaced (the new one created before the old one is deleted) with the secret that was
   * published as `nextSecret`, so receivers that accept `acceptedSecrets` verify every
   * delivery across the rotation.
   */
  rotation?: number;
  /** Replace the webhook once a refresh saw Rekko disable it (default true). See `RekkoWebhookArgs.replaceWhenDisabled`. */
  replaceWhenDisabled?: pulumi.Input<boolean>;
}

/**
 * A Rekko webhook with a signing secret generated in the stack (`random.RandomPassword`),
 * handed out as a secret output for the receiver. Children: three password slots and the
 * `RekkoWebhook`.
 *
 * Zero-downtime rotation: at rotation `r` the slots hold the current secret (`r`), the next
 * one (`r + 1`, generated ahead of time) and the previous one (`r - 1`). A receiver that
 * accepts `acceptedSecrets` therefore already knows the secret the next rotation will
 * register, and still knows the one the old webhook signs with while both exist (the
 * replacement creates the new webhook before deleting the old one). Moving `rotation` on by
 * one regenerates only the slot that falls out of that window.
 */
export class RekkoWebhookWithSecret extends pulumi.ComponentResource {
  /** The webhook id. */
  public readonly webhookId: pulumi.Output<string>;
  /** The current signing secret (secret). */
  public readonly secret: pulumi.Output<string>;
  /** The secret the next rotation will register (secret). */
  public readonly nextSecret: pulumi.Output<string>;
  /** The secret before the last rotation (secret); empty before the first rotation. */
  public readonly previousSecret: pulumi.Output<string>;
  /**
   * Every secret a receiver should accept now: current, next, and previous after a rotation
   * (secret). Give this list to `verifySignature` / `createWebhookHandler`.
   */
  public readonly acceptedSecrets: pulumi.Output<string[]>;
  /** Whether Rekko still delivers, from the API. */
  public readonly enabled: pulumi.Output<boolean>;
  /** Consecutive delivery failures, from the API. */
  public readonly failureCount: pulumi.Output<number>;
  /** The underlying webhook resource. */
  public readonly webhook: RekkoWebhook;

  constructor(name: string, args: RekkoWebhookWithSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super(DYNAMIC_WEBHOOK_WITH_SECRET, name, {}, opts);
    const slots = secretSlots(this, `RekkoWebhookWithSecret ${name}`, name, args);
    this.webhook = new RekkoWebhook(
      name,
      {
        url: args.url,
        events: args.events,
        secret: slots.current,
        ...(args.replaceWhenDisabled !== undefined ? { replaceWhenDisabled: args.replaceWhenDisabled } : {}),
      },
      { parent: this },
    );
    this.webhookId = this.webhook.webhookId;
    this.secret = slots.secret;
    this.nextSecret = slots.nextSecret;
    this.previousSecret = slots.previousSecret;
    this.acceptedSecrets = slots.acceptedSecrets;
    this.enabled = this.webhook.enabled;
    this.failureCount = this.webhook.failureCount;
    this.registerOutputs({
      webhookId: this.webhookId,
      secret: this.secret,
      nextSecret: this.nextSecret,
      previousSecret: this.previousSecret,
      acceptedSecrets: this.acceptedSecrets,
    });
  }
}

/** The secrets of a webhook paired with generated ones: what {@link secretSlots} returns. */
export interface SecretSlots {
  /** The current slot's password, to register with the webhook. */
  current: pulumi.Output<string>;
  secret: pulumi.Output<string>;
  nextSecret: pulumi.Output<string>;
  previousSecret: pulumi.Output<string>;
  acceptedSecrets: pulumi.Output<string[]>;
}

/**
 * The three `random.RandomPassword` slots of a webhook with a generated secret, children of
 * `parent`, shared by {@link RekkoWebhookWithSecret} and the native `rekko:index:WebhookWithSecret`.
 * Throws when `rotation` or `secretLength` is out of range, naming `label`.
 * @internal
 */
export function secretSlots(
  parent: pulumi.Resource,
  label: string,
  name: string,
  args: { secretLength?: number | undefined; rotation?: number | undefined },
): SecretSlots {
  const rotation = args.rotation ?? 0;
  if (!Number.isInteger(rotation) || rotation < 0) {
    throw new Error(`${label}: rotation must be an integer ≥ 0 (increase it by one to rotate), got ${rotation}.`);
  }
  const length = args.secretLength ?? 48;
  if (!Number.isInteger(length) || length < 32 || length > 256) {
    throw new Error(`${label}: secretLength must be an integer from 32 to 256, got ${length}.`);
  }
  // Slot s serves the rotations r ≡ s (mod 3); its keeper is the newest such rotation ≤ rotation + 1.
  const slots = [0, 1, 2].map((s) => {
    const generation = rotation + 1 - ((rotation + 1 - s) % 3);
    return new random.RandomPassword(
      `${name}-secret-${s}`,
      { length, special: false, upper: true, lower: true, numeric: true, keepers: { generation: String(generation) } },
      { parent, additionalSecretOutputs: ["result"] },
    );
  });
  const slot = (r: number) => slots[((r % 3) + 3) % 3] as random.RandomPassword;
  // Secrets come from the password slots, not from the webhook, so the receiving
  // infrastructure can depend on them while the webhook depends on the receiver's URL.
  const secret = pulumi.secret(slot(rotation).result);
  const nextSecret = pulumi.secret(slot(rotation + 1).result);
  const previousSecret = pulumi.secret(rotation === 0 ? pulumi.output("") : slot(rotation - 1).result);
  const acceptedSecrets = pulumi.secret(
    pulumi.all([secret, nextSecret, previousSecret]).apply((all) => all.filter((x) => x !== "")),
  );
  return { current: slot(rotation).result, secret, nextSecret, previousSecret, acceptedSecrets };
}
