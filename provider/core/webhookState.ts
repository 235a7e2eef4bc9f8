/** What a webhook resource holds: its inputs and outputs, and the session's answers about it. */
import type { ReplacedField } from "./diff";
import type { WebhookInfo } from "./webhookInfo";

/** Inputs of a webhook, after check. */
export interface WebhookInputs {
  url: string;
  events: string[];
  secret?: string;
  adoptWebhookId?: string;
  /** false: keep a webhook Rekko disabled instead of replacing it (default true). */
  replaceWhenDisabled?: boolean;
}

/** Outputs of a webhook resource. */
export interface WebhookOutputs {
  webhookId: string;
  url: string;
  events: string[];
  enabled: boolean;
  failureCount: number;
  createdAt: string;
  secret: string;
  /**
   * `keyFingerprint(apiKey, webhookId)` of the key that registered (or adopted) the webhook: never
   * the key, different for every webhook; the faces store it as a secret output.
   */
  keyFingerprint: string;
}

/** What `read` answers: a blank id when the webhook is gone. */
export interface ReadOutcome {
  id: string;
  props?: WebhookOutputs;
  inputs?: WebhookInputs;
  /** An import of a url with a query (where tokens go): the face keeps `url` secret and shows this warning. */
  queryUrlWarning?: string;
}

/** What `diff` decides, with no network. */
export interface DiffPlan {
  /** Fields whose change replaces the webhook (create before delete). */
  replaces: ReplacedField[];
  /** Things the user must be told at preview time (e.g. a disabled webhook). */
  warnings: string[];
}

/** What `delete` did: `deleted` is false when nothing was deleted; each warning is for the face to print. */
export interface DeleteOutcome {
  deleted: boolean;
  warnings: string[];
}

/** The outputs for webhook `info` declared with `inputs`: url and events echo the declaration. */
export function outputs(info: WebhookInfo, inputs: WebhookInputs, fingerprint: string | undefined): WebhookOutputs {
  return {
    webhookId: info.webhook_id,
    // url and events echo the declared inputs, so diff compares like with like.
    url: inputs.url,
    events: [...inputs.events],
    enabled: info.enabled,
    failureCount: info.failure_count,
    createdAt: info.created_at,
    secret: inputs.secret ?? "",
    keyFingerprint: fingerprint ?? "",
  };
}

/** A webhook this deployment made, as its last outputs describe it (for a list that does not show it yet). */
export function madeEarlier(id: string, old: Partial<WebhookOutputs>): WebhookInfo {
  return {
    webhook_id: id,
    url: typeof old.url === "string" ? old.url : "",
    events: Array.isArray(old.events) ? old.events : [],
    enabled: old.enabled ?? true,
    failure_count: old.failureCount ?? 0,
    created_at: typeof old.createdAt === "string" ? old.createdAt : "",
  };
}
