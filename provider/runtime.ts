/**
 * The webhook provider's implementation. The serialized provider stored in state
 * (see provider.ts) loads this module at run time in the provider process, so no code,
 * client or credential is captured into state, and `read`/`delete` always run the
 * installed version of this module.
 * @internal
 */
import { type ClientOptions, RekkoClient, type WebhookInfo } from "./client";
import { missingKeyError, type RawSettings, resolveSettings, type Settings } from "./config";
import { diffWebhook, PROVIDER_KEY, type WebhookDiff } from "./diff";
import { RekkoConflictError, RekkoNotFoundError } from "./errors";
import { type CheckFailure, checkInputs } from "./validation";

/** Inputs of the webhook resource, after check. */
export interface WebhookInputs {
  url: string;
  events: string[];
  secret?: string;
  adoptWebhookId?: string;
}

/** Outputs of the webhook resource. */
export interface WebhookOutputs {
  webhookId: string;
  url: string;
  events: string[];
  enabled: boolean;
  failureCount: number;
  createdAt: string;
  secret: string;
}

let raw: RawSettings = {};
let clientOverrides: Partial<ClientOptions> = {};
let client: RekkoClient | undefined;
let listing: Promise<WebhookInfo[]> | undefined;

/** Called by the provider's `configure` with the stack's `rekko:*` config. */
export function configure(settings: RawSettings, overrides: Partial<ClientOptions> = {}): void {
  raw = settings;
  clientOverrides = overrides;
  client = undefined;
  listing = undefined;
}

function settings(): Settings {
  return resolveSettings(raw);
}

function api(): RekkoClient {
  if (!client) {
    const s = settings();
    if (!s.apiKey) throw missingKeyError();
    client = new RekkoClient({
      baseUrl: s.baseUrl,
      apiKey: s.apiKey,
      maxRequestsPerMinute: s.maxRequestsPerMinute,
      ...clientOverrides,
    });
  }
  return client;
}

/** One list per process, shared by every read; dropped after any change this process makes. */
function sharedList(): Promise<WebhookInfo[]> {
  if (!listing) {
    const pending = api().listWebhooks();
    listing = pending;
    pending.catch(() => {
      if (listing === pending) listing = undefined;
    });
  }
  return listing;
}

function outputs(info: WebhookInfo, inputs: WebhookInputs): WebhookOutputs {
  return {
    webhookId: info.webhook_id,
    // url and events echo the declared inputs, so diff compares like with like.
    url: inputs.url,
    events: [...inputs.events],
    enabled: info.enabled,
    failureCount: info.failure_count,
    createdAt: info.created_at,
    secret: inputs.secret ?? "",
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((x) => left.has(x));
}

/** check: validation with no network. Settings problems are reported here, at preview time. */
export async function check(
  _olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  let s: Settings;
  try {
    s = settings();
  } catch (err) {
    // Name the setting the message is about (every settings message starts with it), not always rekko:baseUrl.
    const reason = (err as Error).message;
    const property = /^(rekko:[A-Za-z]+)/.exec(reason)?.[1] ?? "rekko:baseUrl";
    return { inputs: news, failures: [{ property, reason }] };
  }
  const result = checkInputs(news, { allowLocalReceivers: s.local });
  if (!s.apiKey) result.failures.push({ property: "rekko:apiKey", reason: missingKeyError().message });
  return result;
}

/** diff: no network. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<WebhookDiff> {
  return diffWebhook(olds, news);
}

/** create: one POST, or adoption of an existing webhook through the list. */
export async function create(inputs: WebhookInputs): Promise<{ id: string; outs: WebhookOutputs }> {
  const c = api();
  if (inputs.adoptWebhookId) {
    const id = inputs.adoptWebhookId;
    const found = (await c.listWebhooks()).find((w) => w.webhook_id === id);
    if (!found) {
      throw new RekkoNotFoundError(
        "ERR_REKKO_NOT_FOUND",
        `adoptWebhookId ${id} is not among this key's webhooks (GET /v1/webhooks). Check the id, or remove adoptWebhookId to register a new webhook.`,
      );
    }
    const diffs: string[] = [];
    if (found.url !== inputs.url) diffs.push(`url: declared ${inputs.url}, registered ${found.url}`);
    if (!sameSet(found.events, inputs.events)) {
      diffs.push(`events: declared [${inputs.events.join(", ")}], registered [${found.events.join(", ")}]`);
    }
    if (diffs.length > 0) {
      throw new RekkoConflictError(
        "ERR_REKKO_CONFLICT",
        `Cannot adopt webhook ${id}: it differs from the declaration (${diffs.join("; ")}). Declare the registered values, then change them in a later update.`,
      );
    }
    c.claim(id);
    listing = undefined;
    return { id, outs: outputs(found, inputs) };
  }
  const info = await c.createWebhook({ url: inputs.url, events: inputs.events, secret: inputs.secret ?? "" });
  listing = undefined;
  return { id: info.webhook_id, outs: outputs(info, inputs) };
}

/**
 * read (refresh): the shared list; a webhook missing from it is gone (blank id). Returns the
 * outputs with `enabled`/`failureCount` from the server, and the inputs for later diffs (the
 * declared url, events and secret: the API has no update, so they cannot drift).
 */
export async function read(
  id: string,
  props: Record<string, unknown>,
): Promise<{ id: string; props?: WebhookOutputs; inputs?: WebhookInputs }> {
  const found = (await sharedList()).find((w) => w.webhook_id === id);
  if (!found) return { id: "" };
  const old = props as unknown as Partial<WebhookOutputs>;
  const inputs: WebhookInputs = {
    url: typeof old.url === "string" ? old.url : found.url,
    events: Array.isArray(old.events) ? old.events : found.events,
    ...(typeof old.secret === "string" && old.secret !== "" ? { secret: old.secret } : {}),
  };
  return { id, props: outputs(found, inputs), inputs };
}

/** update: only ever a change of stored provider code; keeps the webhook and its outputs. */
export async function update(
  _id: string,
  olds: Record<string, unknown>,
  _news: Record<string, unknown>,
): Promise<{ outs: Record<string, unknown> }> {
  const { [PROVIDER_KEY]: _code, ...outs } = olds;
  return { outs };
}

/** delete: DELETE; already gone is success. */
async function remove(id: string): Promise<void> {
  await api().deleteWebhook(id);
  listing = undefined;
}

export { remove as delete };
