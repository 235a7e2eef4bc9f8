/**
 * Finding and cleaning up webhooks that are registered with the Rekko API but held by no
 * `RekkoWebhook` in a stack: what an interrupted deployment can leave behind (the engine was
 * killed after `POST /v1/webhooks` was sent but before the id was written to the state, then
 * `pulumi refresh --clear-pending-creates` dropped the record).
 *
 * Read-only by default: {@link deleteUnmanagedWebhooks} only lists unless `dryRun: false`.
 * @packageDocumentation
 */
import { type ClientOptions, RekkoClient, type WebhookInfo } from "./client";
import { RekkoConfigError } from "./errors";
import { missingKeyError, resolveSettings } from "./settings";
import { DYNAMIC_WEBHOOK } from "./types";

/** The type token of {@link RekkoWebhook} resources in a Pulumi state. */
export const WEBHOOK_RESOURCE_TYPE = DYNAMIC_WEBHOOK;

/** A state: the text of `pulumi stack export`, or its parsed JSON (export, bare deployment or checkpoint file). */
export type StateInput = string | Record<string, unknown>;

/** A webhook create the engine started and never recorded (a `pending_operations` entry of type `creating`). */
export interface PendingCreate {
  urn: string;
  /**
   * The webhook's id, when the create had already been answered when the state was last saved.
   * The engine keeps the resource it is creating by reference, so a checkpoint that another
   * step's write saves after the answer carries the id although the create is still pending.
   * `pulumi refresh --clear-pending-creates` drops that record with the rest.
   */
  id?: string;
  /** The declared url, when it is in the state in clear (not a secret). */
  url?: string;
  /** The declared events, when they are in the state in clear. */
  events?: string[];
}

/** What one or more states say about webhooks. */
export interface StateWebhooks {
  /**
   * Webhook ids the states hold: resource ids, and ids of pending operations other than creates
   * (a pending create's id, see {@link PendingCreate.id}, is held only until the recovery drops it).
   */
  ids: Set<string>;
  /** The `RekkoWebhook` resources: urn, id, declared url and events (when in clear). */
  resources: { urn: string; id: string; url?: string; events?: string[] }[];
  /** Creates of an interrupted deployment. */
  pendingCreates: PendingCreate[];
}

/** A registered webhook that no state holds, with what is known about where it came from. */
export interface UnmanagedWebhook extends WebhookInfo {
  /**
   * URNs of pending creates (interrupted deployment) it comes from: the one holding its id, or,
   * for creates that hold none, those declared with the same url and events.
   */
  pendingCreates: string[];
  /** URNs of managed resources declared with the same url and events: this one is then a duplicate. */
  duplicateOf: string[];
}

/** Options of {@link findUnmanagedWebhooks}. */
export interface FindUnmanagedOptions {
  /** The state of every stack that uses this API key (`pulumi stack export` text or JSON). */
  state: StateInput | readonly StateInput[];
  /** The API key; default `REKKO_API_KEY`. */
  apiKey?: string;
  /** The API base; default `REKKO_BASE_URL`, else https://api.rekko.ai. */
  baseUrl?: string;
  /** Only webhooks whose url starts with one of these are considered. */
  urlPrefixes?: readonly string[];
  /** Extra client options (retries, rate limit; tests inject `sleep` and `limiter`). */
  clientOptions?: Partial<ClientOptions>;
  /** A client to use instead of building one from the settings above. */
  client?: RekkoClient;
}

/** The result of {@link findUnmanagedWebhooks}. */
export interface FindUnmanagedResult {
  /** The API base that was asked. */
  baseUrl: string;
  /** Registered webhooks the states hold. */
  managed: WebhookInfo[];
  /** Registered webhooks no state holds (after the url-prefix filter). */
  unmanaged: UnmanagedWebhook[];
  /** Ids held by the states that the API no longer lists (`pulumi refresh` drops them). */
  missing: string[];
  /** What the states hold. */
  state: StateWebhooks;
}

/** Options of {@link deleteUnmanagedWebhooks}. */
export interface DeleteUnmanagedOptions extends FindUnmanagedOptions {
  /** Only list what would be deleted. Default **true**: pass `false` to delete. */
  dryRun?: boolean;
  /** Delete only these ids (each must be unmanaged); default every unmanaged webhook found. */
  ids?: readonly string[];
  /**
   * Allow deleting when the states hold no `RekkoWebhook` at all and no pending create.
   * Off by default: an empty or wrong export would otherwise make every webhook of the key
   * look unmanaged.
   */
  allowEmptyState?: boolean;
}

/** The result of {@link deleteUnmanagedWebhooks}. */
export interface DeleteUnmanagedResult extends FindUnmanagedResult {
  dryRun: boolean;
  /** Deleted now (or, in a dry run, that would be deleted). */
  deleted: string[];
  /** Already gone when deleted (404). */
  alreadyGone: string[];
  /** Deletes that failed, with the error message. */
  failed: { id: string; error: string }[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const plainString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const plainStrings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((e) => typeof e === "string") ? (v as string[]) : undefined;

/** The `deployment` of an export, a checkpoint file or a bare deployment. */
function deploymentOf(input: StateInput, index: number): Json {
  let doc: unknown = input;
  if (typeof input === "string") {
    try {
      doc = JSON.parse(input);
    } catch {
      throw new RekkoConfigError(
        `State #${index + 1} is not JSON. Give the output of \`pulumi stack export\` (or \`pulumi stack export --file state.json\`).`,
      );
    }
  }
  if (isObject(doc)) {
    if (isObject(doc.deployment)) return doc.deployment;
    if (isObject(doc.checkpoint)) return isObject(doc.checkpoint.latest) ? doc.checkpoint.latest : {};
    if (Array.isArray(doc.resources) || Array.isArray(doc.pending_operations) || isObject(doc.manifest)) return doc;
  }
  throw new RekkoConfigError(
    `State #${index + 1} does not look like \`pulumi stack export\` output (no "deployment"). Export the stack with \`pulumi stack export\` and pass that.`,
  );
}

/** Reads the webhook ids, resources and pending creates out of one or more states. No network. */
export function webhooksInState(state: StateInput | readonly StateInput[]): StateWebhooks {
  const states: readonly StateInput[] = Array.isArray(state) ? state : [state as StateInput];
  const result: StateWebhooks = { ids: new Set(), resources: [], pendingCreates: [] };
  states.forEach((s, i) => {
    const deployment = deploymentOf(s, i);
    const resources = Array.isArray(deployment.resources) ? deployment.resources : [];
    for (const r of resources) {
      if (!isObject(r) || r.type !== WEBHOOK_RESOURCE_TYPE) continue;
      const id = plainString(r.id);
      if (!id) continue;
      const props = isObject(r.outputs) ? r.outputs : isObject(r.inputs) ? r.inputs : {};
      result.ids.add(id);
      result.resources.push({
        urn: String(r.urn ?? ""),
        id,
        ...(plainString(props.url) ? { url: plainString(props.url) } : {}),
        ...(plainStrings(props.events) ? { events: plainStrings(props.events) } : {}),
      });
    }
    const pending = Array.isArray(deployment.pending_operations) ? deployment.pending_operations : [];
    for (const op of pending) {
      const r = isObject(op) && isObject(op.resource) ? op.resource : undefined;
      if (!r || r.type !== WEBHOOK_RESOURCE_TYPE) continue;
      const id = plainString(r.id);
      if (op.type !== "creating") {
        // An update, delete or read in flight: its id stays managed.
        if (id) result.ids.add(id);
        continue;
      }
      const inputs = isObject(r.inputs) ? r.inputs : {};
      result.pendingCreates.push({
        urn: String(r.urn ?? ""),
        ...(id ? { id } : {}),
        ...(plainString(inputs.url) ? { url: plainString(inputs.url) } : {}),
        ...(plainStrings(inputs.events) ? { events: plainStrings(inputs.events) } : {}),
      });
    }
  });
  return result;
}

/** A pending create that knows its webhook's id matches that webhook only; otherwise by url and events. */
function matchesPending(p: PendingCreate, w: WebhookInfo): boolean {
  return p.id !== undefined ? p.id === w.webhook_id : p.url === w.url && sameEvents(p.events, w.events);
}

function sameEvents(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (!a) return false;
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((e) => right.has(e));
}

function clientFor(options: FindUnmanagedOptions): { client: RekkoClient; baseUrl: string } {
  const settings = resolveSettings({ apiKey: options.apiKey, baseUrl: options.baseUrl });
  if (options.client) return { client: options.client, baseUrl: settings.baseUrl };
  if (!settings.apiKey) throw missingKeyError();
  const client = RekkoClient.fromSettings({ ...settings, apiKey: settings.apiKey }, options.clientOptions);
  return { client, baseUrl: settings.baseUrl };
}

/**
 * Lists the webhooks registered with the API key that no given state holds (one
 * `GET /v1/webhooks`). Pass the export of **every** stack that uses the key: a webhook of
 * another stack looks unmanaged from this one. Read-only.
 */
export async function findUnmanagedWebhooks(options: FindUnmanagedOptions): Promise<FindUnmanagedResult> {
  return find(options, webhooksInState(options.state), clientFor(options));
}

async function find(
  options: FindUnmanagedOptions,
  state: StateWebhooks,
  { client, baseUrl }: { client: RekkoClient; baseUrl: string },
): Promise<FindUnmanagedResult> {
  const listed = await client.listWebhooks();
  const prefixes = options.urlPrefixes ?? [];
  const inScope = (w: WebhookInfo) => prefixes.length === 0 || prefixes.some((p) => w.url.startsWith(p));
  const managed = listed.filter((w) => state.ids.has(w.webhook_id));
  const unmanaged = listed
    .filter((w) => !state.ids.has(w.webhook_id) && inScope(w))
    .map(
      (w): UnmanagedWebhook => ({
        ...w,
        pendingCreates: state.pendingCreates.filter((p) => matchesPending(p, w)).map((p) => p.urn),
        duplicateOf: state.resources.filter((r) => r.url === w.url && sameEvents(r.events, w.events)).map((r) => r.urn),
      }),
    );
  const listedIds = new Set(listed.map((w) => w.webhook_id));
  const missing = [...state.ids].filter((id) => !listedIds.has(id));
  return { baseUrl, managed, unmanaged, missing, state };
}

/**
 * Deletes the webhooks {@link findUnmanagedWebhooks} reports, one `DELETE` each, sequentially.
 * **Dry run by default**: only with `dryRun: false` is anything deleted. Refuses when the
 * states hold no webhook and no pending create (unless `allowEmptyState`), and never deletes
 * an id that a state holds. Do not run it while a deployment of one of the stacks is in progress.
 */
export async function deleteUnmanagedWebhooks(options: DeleteUnmanagedOptions): Promise<DeleteUnmanagedResult> {
  const state = webhooksInState(options.state);
  const api = clientFor(options);
  const found = await find(options, state, api);
  const dryRun = options.dryRun !== false;
  const unmanagedIds = new Set(found.unmanaged.map((w) => w.webhook_id));
  if (options.ids) {
    const held = options.ids.filter((id) => !unmanagedIds.has(id));
    if (held.length > 0) {
      throw new RekkoConfigError(
        `Refusing to delete ${held.join(", ")}: not among the unmanaged webhooks (held by the given state, outside --url-prefix, or not registered).`,
      );
    }
  }
  const targets = options.ids ? [...new Set(options.ids)] : [...unmanagedIds];
  const result: DeleteUnmanagedResult = { ...found, dryRun, deleted: [], alreadyGone: [], failed: [] };
  if (targets.length === 0) return result;
  if (!dryRun && found.state.resources.length === 0 && found.state.pendingCreates.length === 0 && !options.allowEmptyState) {
    throw new RekkoConfigError(
      `Refusing to delete ${targets.length} webhook(s): the given state holds no RekkoWebhook and no pending create, so every webhook of the key looks unmanaged. ` +
        "Check that you exported the right stack; pass allowEmptyState (--allow-empty-state) if the stack really holds none.",
    );
  }
  if (dryRun) {
    result.deleted = targets;
    return result;
  }
  for (const id of targets) {
    try {
      if (await api.client.deleteWebhook(id)) result.deleted.push(id);
      else result.alreadyGone.push(id);
    } catch (err) {
      result.failed.push({ id, error: (err as Error).message });
    }
  }
  return result;
}
