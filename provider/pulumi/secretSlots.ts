/**
 * The three-slot secret model of a webhook with a generated secret, shared by both Pulumi faces'
 * components (`RekkoWebhookWithSecret` and the native `rekko:index:WebhookWithSecret`).
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

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
 * `parent`.
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
