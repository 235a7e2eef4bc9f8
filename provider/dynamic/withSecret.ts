import * as pulumi from "@pulumi/pulumi";
import type { RekkoEventType } from "../core/events";
import { DYNAMIC_WEBHOOK_WITH_SECRET } from "../core/types";
import { secretSlots } from "../pulumi/secretSlots";
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
