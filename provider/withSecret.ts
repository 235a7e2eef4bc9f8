import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { RekkoEventType } from "./events";
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
   * Rotation counter, an integer ≥ 0 (default 0). Increase it by one to rotate: a new secret
   * is generated and the webhook is replaced, the new one created before the old one is
   * deleted. The previous secret stays available as `previousSecret` (and in
   * `acceptedSecrets`) until the next rotation, so receivers can accept both during the overlap.
   */
  rotation?: number;
}

/**
 * A Rekko webhook with a signing secret generated in the stack (`random.RandomPassword`),
 * handed out as a secret output for the receiver. Children: two password slots and the
 * `RekkoWebhook`.
 *
 * Rotation uses two slots: the slot of the current rotation's parity is regenerated when
 * `rotation` moves on, the other slot still holds the previous secret.
 */
export class RekkoWebhookWithSecret extends pulumi.ComponentResource {
  /** The webhook id. */
  public readonly webhookId: pulumi.Output<string>;
  /** The current signing secret (secret). */
  public readonly secret: pulumi.Output<string>;
  /** The secret before the last rotation (secret); empty before the first rotation. */
  public readonly previousSecret: pulumi.Output<string>;
  /** Secrets a receiver should accept now: the current one, then the previous one after a rotation (secret). */
  public readonly acceptedSecrets: pulumi.Output<string[]>;
  /** Whether Rekko still delivers, from the API. */
  public readonly enabled: pulumi.Output<boolean>;
  /** Consecutive delivery failures, from the API. */
  public readonly failureCount: pulumi.Output<number>;
  /** The underlying webhook resource. */
  public readonly webhook: RekkoWebhook;

  constructor(name: string, args: RekkoWebhookWithSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rekko:index:RekkoWebhookWithSecret", name, {}, opts);
    const rotation = args.rotation ?? 0;
    if (!Number.isInteger(rotation) || rotation < 0) {
      throw new Error(
        `RekkoWebhookWithSecret ${name}: rotation must be an integer ≥ 0 (increase it by one to rotate), got ${rotation}.`,
      );
    }
    const length = args.secretLength ?? 48;
    if (!Number.isInteger(length) || length < 32 || length > 256) {
      throw new Error(`RekkoWebhookWithSecret ${name}: secretLength must be an integer from 32 to 256, got ${length}.`);
    }
    const slot = (letter: "a" | "b", generation: number) =>
      new random.RandomPassword(
        `${name}-secret-${letter}`,
        { length, special: false, upper: true, lower: true, numeric: true, keepers: { generation: String(generation) } },
        { parent: this },
      );
    // Slot a turns over at rotations 1, 3, 5…; slot b at 0 (creation), 2, 4…
    const a = slot("a", Math.floor((rotation + 1) / 2));
    const b = slot("b", Math.floor(rotation / 2));
    const current = rotation % 2 === 0 ? b : a;
    const previous = rotation % 2 === 0 ? a : b;
    this.webhook = new RekkoWebhook(name, { url: args.url, events: args.events, secret: current.result }, { parent: this });
    this.webhookId = this.webhook.webhookId;
    this.secret = pulumi.secret(this.webhook.secret);
    this.previousSecret = rotation === 0 ? pulumi.secret(pulumi.output("")) : pulumi.secret(previous.result);
    this.acceptedSecrets = pulumi.secret(pulumi.all([this.secret, this.previousSecret]).apply(([c, p]) => (p ? [c, p] : [c])));
    this.enabled = this.webhook.enabled;
    this.failureCount = this.webhook.failureCount;
    this.registerOutputs({
      webhookId: this.webhookId,
      secret: this.secret,
      previousSecret: this.previousSecret,
      acceptedSecrets: this.acceptedSecrets,
    });
  }
}
