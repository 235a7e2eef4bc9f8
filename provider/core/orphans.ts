/**
 * Finding and cleaning up webhooks that are registered with the Rekko API but held by no
 * resource of a stack (of any type this package registers, on either face): what an
 * interrupted deployment can leave behind (the engine was killed after `POST /v1/webhooks` was
 * sent but before the id was recorded as a resource).
 *
 * Read-only by default: {@link deleteUnmanagedWebhooks} only lists unless `dryRun: false`, and
 * even then keeps a webhook an interrupted create accounts for unless `includeInterrupted`.
 * @packageDocumentation
 */
import { type ClientOptions, RekkoClient, type WebhookInfo } from "./client";
import { RekkoConfigError } from "./errors";
import { sameEventSet } from "./events";
import { missingKeyError, resolveSettings } from "./settings";
import { type PendingCreate, type StateInput, type StateWebhooks, webhooksInState } from "./stateWebhooks";
import { DYNAMIC_WEBHOOK } from "./types";
import { sameWebhookUrl } from "./urls";

export {
  type PendingCreate,
  type StateInput,
  type StateWebhooks,
  type WebhookResource,
  webhooksInState,
} from "./stateWebhooks";

/** The type token of {@link RekkoWebhook} resources (the dynamic face). The orphan finder knows every type, from `types.ts`. */
export const WEBHOOK_RESOURCE_TYPE = DYNAMIC_WEBHOOK;

/** A registered webhook that no state holds, with what is known about where it came from. */
export interface UnmanagedWebhook extends WebhookInfo {
  /**
   * URNs of pending creates it may come from (an interrupted, or still running, deployment): the
   * one holding its id; or, for creates that hold none, those declared with the same url and
   * events (a url or events not in clear, e.g. a secret url, match any). When not empty, the
   * webhook is deleted only with `includeInterrupted`.
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
   * Also delete webhooks a pending create accounts for ({@link UnmanagedWebhook.pendingCreates}).
   * Default **false**: while the deployment that started those creates may still be running, it
   * may yet record them, and deleting one would leave its resource holding a deleted webhook.
   * Pass true once no process of that deployment is left (the CLI's `--include-interrupted`).
   */
  includeInterrupted?: boolean;
  /**
   * Allow deleting when the states hold no webhook resource at all and no pending create.
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
  /** Unmanaged webhooks a pending create accounts for, kept because `includeInterrupted` was not set. */
  keptInterrupted: string[];
  /** Already gone when deleted (404). */
  alreadyGone: string[];
  /** Deletes that failed, with the error message. */
  failed: { id: string; error: string }[];
}

/** A pending create matches its own id only when it holds one; otherwise by url and events (a field not in clear matches any). */
function matchesPending(p: PendingCreate, w: WebhookInfo): boolean {
  if (p.id !== undefined) return p.id === w.webhook_id;
  return (p.url === undefined || sameWebhookUrl(p.url, w.url)) && (p.events === undefined || sameEventSet(p.events, w.events));
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
        duplicateOf: state.resources
          .filter((r) => r.url !== undefined && sameWebhookUrl(r.url, w.url) && r.events && sameEventSet(r.events, w.events))
          .map((r) => r.urn),
      }),
    );
  const listedIds = new Set(listed.map((w) => w.webhook_id));
  const missing = [...state.ids].filter((id) => !listedIds.has(id));
  return { baseUrl, managed, unmanaged, missing, state };
}

/** The ids to delete: the given ones (each unmanaged, and not from an interrupted create unless included), or every one allowed. */
function targetsOf(found: FindUnmanagedResult, options: DeleteUnmanagedOptions): { targets: string[]; kept: string[] } {
  const byId = new Map(found.unmanaged.map((w) => [w.webhook_id, w]));
  const interrupted = (id: string) => (byId.get(id)?.pendingCreates.length ?? 0) > 0 && !options.includeInterrupted;
  if (options.ids) {
    const held = options.ids.filter((id) => !byId.has(id));
    if (held.length > 0) {
      throw new RekkoConfigError(
        `Refusing to delete ${held.join(", ")}: not among the unmanaged webhooks (held by the given state, outside --url-prefix, or not registered).`,
      );
    }
    const pending = options.ids.filter(interrupted);
    if (pending.length > 0) {
      throw new RekkoConfigError(
        `Refusing to delete ${pending.join(", ")}: a pending create of the state accounts for it, and the deployment that started it may still record it. ` +
          "Once no process of that deployment is left, pass includeInterrupted (--include-interrupted).",
      );
    }
    return { targets: [...new Set(options.ids)], kept: [] };
  }
  const ids = [...byId.keys()];
  return { targets: ids.filter((id) => !interrupted(id)), kept: ids.filter(interrupted) };
}

/**
 * Deletes the webhooks {@link findUnmanagedWebhooks} reports, one `DELETE` each, sequentially.
 * **Dry run by default**: only with `dryRun: false` is anything deleted. Keeps a webhook a
 * pending create accounts for unless `includeInterrupted`. Refuses when the states hold no
 * webhook and no pending create (unless `allowEmptyState`), and never deletes an id that a state
 * holds as a resource or names in a pending update, delete or read.
 */
export async function deleteUnmanagedWebhooks(options: DeleteUnmanagedOptions): Promise<DeleteUnmanagedResult> {
  const state = webhooksInState(options.state);
  const api = clientFor(options);
  const found = await find(options, state, api);
  const dryRun = options.dryRun !== false;
  const { targets, kept } = targetsOf(found, options);
  const result: DeleteUnmanagedResult = { ...found, dryRun, deleted: [], keptInterrupted: kept, alreadyGone: [], failed: [] };
  if (targets.length === 0) return result;
  if (!dryRun && found.state.resources.length === 0 && found.state.pendingCreates.length === 0 && !options.allowEmptyState) {
    throw new RekkoConfigError(
      `Refusing to delete ${targets.length} webhook(s): the given state holds no Rekko webhook resource (of any type this package registers) and no pending create, so every webhook of the key looks unmanaged. ` +
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
