import * as pulumi from "@pulumi/pulumi";
import type { RekkoEventType } from "../core/events";
import { webhookProvider } from "./provider";

/** Arguments of {@link RekkoWebhook}. */
export interface RekkoWebhookArgs {
  /**
   * The https URL that receives the deliveries. Must be absolute, https, without
   * `user:password@`, and not a private or loopback address (loopback and http are
   * allowed only while the API base itself is on loopback, as with the local emulator).
   * Changing it replaces the webhook, creating the new one before deleting the old.
   */
  url: pulumi.Input<string>;
  /**
   * The event types to deliver: a non-empty list of documented names without duplicates.
   * Order does not matter. Changing the set replaces the webhook (create before delete).
   */
  events: pulumi.Input<pulumi.Input<RekkoEventType>[]>;
  /**
   * The HMAC-SHA256 signing secret, 16 to 1024 characters; always stored as a Pulumi
   * secret. Omit it to register an unsigned webhook (not recommended). Changing it
   * replaces the webhook (create before delete). See `RekkoWebhookWithSecret`.
   */
  secret?: pulumi.Input<string>;
  /**
   * Take over an existing webhook by id instead of registering a new one (the way to
   * adopt, since `pulumi import` does not work for dynamic resources). Create then checks
   * through the list that it exists with the declared url and events. Ignored after create.
   */
  adoptWebhookId?: pulumi.Input<string>;
  /**
   * Rekko disables a webhook after repeated failed deliveries (`enabled: false`), and the API
   * cannot turn it back on. When a refresh has seen it disabled, the next preview warns and
   * `up` replaces it (the new webhook is created before the old one is deleted) so deliveries
   * resume. Set `false` to keep a disabled webhook as it is (still with the warning). Default true.
   */
  replaceWhenDisabled?: pulumi.Input<boolean>;
}

/**
 * A Rekko webhook registration (`POST /v1/webhooks`), with `webhook_id` as its id.
 *
 * Credentials: `pulumi config set --secret rekko:apiKey …` or `REKKO_API_KEY`; API base:
 * `rekko:baseUrl` or `REKKO_BASE_URL` (default `https://api.rekko.ai`).
 */
export class RekkoWebhook extends pulumi.dynamic.Resource {
  /** The webhook id, e.g. `wh-f47ac10b58cc`; also the resource id. */
  declare public readonly webhookId: pulumi.Output<string>;
  /** The receiver URL, as declared. */
  declare public readonly url: pulumi.Output<string>;
  /** The subscribed event types, as declared. */
  declare public readonly events: pulumi.Output<RekkoEventType[]>;
  /** Whether Rekko still delivers (false after too many consecutive failures); from the API at create and refresh. */
  declare public readonly enabled: pulumi.Output<boolean>;
  /** Consecutive delivery failures, from the API at create and refresh. */
  declare public readonly failureCount: pulumi.Output<number>;
  /** When the webhook was registered (ISO 8601), from the API. */
  declare public readonly createdAt: pulumi.Output<string>;
  /** The signing secret (always a secret output; empty when none was given). */
  declare public readonly secret: pulumi.Output<string>;
  /**
   * `hmac:` and 16 hex digits of an HMAC-SHA256 of the webhook id keyed with the API key that
   * registered the webhook (never the key), always a secret output: the state alone allows no
   * offline check of a guessed key. Refresh, update and delete refuse to run under another key.
   */
  declare public readonly keyFingerprint: pulumi.Output<string>;

  constructor(name: string, args: RekkoWebhookArgs, opts?: pulumi.CustomResourceOptions) {
    claimAdoption(name, args.adoptWebhookId);
    const props: Record<string, pulumi.Input<unknown>> = {
      webhookId: undefined,
      url: args.url,
      events: args.events,
      secret: args.secret === undefined ? undefined : pulumi.secret(args.secret),
      adoptWebhookId: args.adoptWebhookId,
      replaceWhenDisabled: args.replaceWhenDisabled,
      keyFingerprint: undefined,
      enabled: undefined,
      failureCount: undefined,
      createdAt: undefined,
    };
    super(
      webhookProvider,
      name,
      props,
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["secret", "keyFingerprint"] }),
      "rekko",
      "RekkoWebhook",
    );
  }
}

/** `adoptWebhookId` values declared as plain strings in this program, with the declaring resource. */
const adoptions = new Map<string, string>();

/**
 * Refuses a second declaration of the same `adoptWebhookId` in one program, whatever the
 * order of the resources (the provider refuses it too, for values known only at deploy time).
 */
function claimAdoption(name: string, id: pulumi.Input<string> | undefined): void {
  if (typeof id !== "string" || id === "") return;
  const other = adoptions.get(id);
  if (other !== undefined && other !== name) {
    throw new Error(
      `RekkoWebhook ${name}: adoptWebhookId ${id} is already declared by RekkoWebhook ${other}; two resources holding one webhook delete it from under each other. Adopt it in one resource only.`,
    );
  }
  adoptions.set(id, name);
}
