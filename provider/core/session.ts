/**
 * A provider session: what one provider process holds between `configure` and its last call
 * (the settings, the API client with its rate limiter, the shared list, the ids it holds).
 * Both Pulumi faces, the dynamic resource and the native provider, call the webhook
 * lifecycle through it, so they make the same API calls and give the same messages.
 */
import { type ClientOptions, RekkoClient, type WebhookInfo } from "./client";
import { type ReplacedField, replacedFields } from "./diff";
import { RekkoConfigError, RekkoConflictError, RekkoNotFoundError } from "./errors";
import { sameEventSet } from "./events";
import { assertSameKey, currentFingerprint, type KeyCheckedOperation } from "./keyCheck";
import { missingKeyError, type RawSettings, resolveSettings, type Settings } from "./settings";
import { type CheckContext, type CheckFailure, checkInputs } from "./validation";

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
}

/** What `diff` decides, with no network. */
export interface DiffPlan {
  /** Fields whose change replaces the webhook (create before delete). */
  replaces: ReplacedField[];
  /** Things the user must be told at preview time (e.g. a disabled webhook). */
  warnings: string[];
}

function outputs(info: WebhookInfo, inputs: WebhookInputs, fingerprint: string | undefined): WebhookOutputs {
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

/** The webhook lifecycle for one provider process. */
export class WebhookSession {
  private client: RekkoClient | undefined;
  private listing: Promise<WebhookInfo[]> | undefined;
  /**
   * Ids held by a resource this session has seen (created, adopted, read, diffed, updated):
   * never adopted again, neither by `adoptWebhookId` nor after an unanswered create.
   */
  private readonly claimed = new Set<string>();
  /** Ids of every webhook a completed list of this session showed: all existed before any later create. */
  private readonly known = new Set<string>();
  private listed = false;
  /** `adoptWebhookId` values of resources this session is replacing: their create registers anew. */
  private readonly readopting = new Set<string>();

  /**
   * @param raw the `rekko:*` settings as configured (resolved lazily, so a bad value is reported by `check`).
   * @param overrides client options for tests (sleep, limiter, timeouts).
   */
  constructor(
    private readonly raw: RawSettings = {},
    private readonly overrides: Partial<ClientOptions> = {},
  ) {}

  /** The settings resolved once per session (configure), or the error resolving them gave. */
  private resolved: { settings: Settings } | { error: unknown } | undefined;

  /** The resolved settings, parsed once per session; throws the same `RekkoConfigError` (naming its `setting`) each time. */
  settings(): Settings {
    if (!this.resolved) {
      try {
        this.resolved = { settings: resolveSettings(this.raw) };
      } catch (error) {
        this.resolved = { error };
      }
    }
    if ("error" in this.resolved) throw this.resolved.error;
    return this.resolved.settings;
  }

  /** The API client, built once from the settings; a missing key throws the two ways to set it. */
  api(): RekkoClient {
    if (!this.client) {
      const s = this.settings();
      if (!s.apiKey) throw missingKeyError();
      this.client = RekkoClient.fromSettings({ ...s, apiKey: s.apiKey }, { claimed: this.claimed, ...this.overrides });
    }
    return this.client;
  }

  /** The configured key, or undefined when none (or no valid setting) is configured. */
  private configuredKey(): string | undefined {
    try {
      return this.settings().apiKey;
    } catch {
      return undefined;
    }
  }

  /** Refuses, before any API call, a webhook whose stored fingerprint names another key ({@link assertSameKey}). */
  private assertSameKey(id: string, stored: unknown, operation: KeyCheckedOperation): void {
    assertSameKey(id, stored, this.configuredKey(), operation);
  }

  /**
   * check: validates and normalises inputs, with no network. Settings problems (bad base URL,
   * missing key) are reported here too, at preview time, under the setting's name.
   */
  check(
    news: Record<string, unknown>,
    isPending?: CheckContext["isPending"],
  ): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
    let s: Settings;
    try {
      s = this.settings();
    } catch (err) {
      if (!(err instanceof RekkoConfigError)) throw err;
      return { inputs: news, failures: [{ property: err.setting ?? "", reason: err.message }] };
    }
    const result = checkInputs(news, { allowLocalReceivers: s.local, ...(isPending ? { isPending } : {}) });
    if (!s.apiKey) result.failures.push({ property: "rekko:apiKey", reason: missingKeyError().message });
    const opt = news.replaceWhenDisabled;
    if (opt !== undefined && opt !== null && typeof opt !== "boolean" && !isPending?.(opt)) {
      result.failures.push({
        property: "replaceWhenDisabled",
        reason: `replaceWhenDisabled must be true or false, got a ${typeof opt}. Omit it to replace a webhook Rekko disabled.`,
      });
    }
    return result;
  }

  /** Every webhook of the key: one list per session, shared by every read; dropped after any change. */
  list(): Promise<WebhookInfo[]> {
    if (!this.listing) {
      const pending = this.api().listWebhooks();
      this.listing = pending;
      pending.then(
        (hooks) => {
          for (const w of hooks) this.known.add(w.webhook_id);
          this.listed = true;
        },
        () => {
          if (this.listing === pending) this.listing = undefined;
        },
      );
    }
    return this.listing;
  }

  /** Notes that a resource of this session holds `id` (so nothing else adopts it). */
  hold(id: string): void {
    if (id) this.claimed.add(id);
  }

  /**
   * The ids that existed before a create that starts now: every id a completed list of this
   * session showed, and every id its resources hold. Lists once when nothing was listed yet (one
   * `GET` per session that creates), so an unanswered create can tell its webhook from one
   * being replaced with the same url and events.
   */
  private async existingIds(): Promise<ReadonlySet<string>> {
    if (!this.listed) await this.list();
    return new Set([...this.known, ...this.claimed]);
  }

  /**
   * diff, with no network: refuses a webhook another key registered, notes its id as held, and
   * gives the replace rules ({@link replacedFields}); a webhook the last refresh saw disabled is
   * replaced unless `replaceWhenDisabled` is false, with a warning either way.
   */
  diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    isPending?: (value: unknown) => boolean,
  ): DiffPlan {
    this.assertSameKey(id, olds.keyFingerprint, "update");
    this.hold(id);
    const replaces = replacedFields(olds, news, isPending);
    // The adoption was done when the resource was created: its replacement registers a new webhook.
    if (replaces.length > 0 && typeof news.adoptWebhookId === "string") this.readopting.add(news.adoptWebhookId);
    const warnings: string[] = [];
    if (olds.enabled === false) {
      const failures = typeof olds.failureCount === "number" ? `${olds.failureCount}` : "too many";
      const seen = `Rekko webhook ${id} is disabled: Rekko stopped delivering to it after ${failures} consecutive failed deliveries (seen by the last refresh), and the API cannot re-enable it.`;
      warnings.push(
        replaces.includes("enabled")
          ? `${seen} This update replaces it with a new webhook, created before the old one is deleted, so deliveries resume; fix the receiver first. Set replaceWhenDisabled: false to keep it as it is.`
          : `${seen} replaceWhenDisabled is false, so it stays disabled: remove that input (or replace the webhook) to get deliveries back.`,
      );
    }
    return { replaces, warnings };
  }

  /**
   * update: only ever a change of stored provider code (diff never plans another); keeps the
   * webhook and its outputs. State from before fingerprints takes the configured key's, but
   * only once that key's list shows the webhook (one shared list per session).
   */
  async update(id: string, olds: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.assertSameKey(id, olds.keyFingerprint, "update");
    this.hold(id);
    const outs = { ...olds };
    if (typeof outs.keyFingerprint !== "string" || outs.keyFingerprint === "") {
      if ((await this.list()).some((w) => w.webhook_id === id)) outs.keyFingerprint = this.fingerprint(id);
    } else {
      // Checked above: an older form of this key's fingerprint is rewritten, with no API call.
      outs.keyFingerprint = currentFingerprint(this.configuredKey(), id, outs.keyFingerprint);
    }
    return outs;
  }

  /** A change made by this session: the next read lists again. */
  private changed(): void {
    this.listing = undefined;
  }

  /** create: one POST, or adoption of an existing webhook through the list. */
  async create(inputs: WebhookInputs): Promise<{ id: string; outs: WebhookOutputs }> {
    const c = this.api();
    if (inputs.adoptWebhookId && !this.readopting.delete(inputs.adoptWebhookId)) {
      const id = inputs.adoptWebhookId;
      this.refuseHeld(id);
      const found = (await c.listWebhooks()).find((w) => w.webhook_id === id);
      if (!found) {
        throw new RekkoNotFoundError(
          `adoptWebhookId ${id} is not among this key's webhooks (GET /v1/webhooks). Check the id, or remove adoptWebhookId to register a new webhook.`,
        );
      }
      const diffs: string[] = [];
      // Neither url is shown: a receiver url may hold a token or be a Pulumi secret.
      if (found.url !== inputs.url) diffs.push("url: the declared url is not the registered one (GET /v1/webhooks lists it)");
      if (!sameEventSet(found.events, inputs.events)) {
        diffs.push(`events: declared [${inputs.events.join(", ")}], registered [${found.events.join(", ")}]`);
      }
      if (diffs.length > 0) {
        throw new RekkoConflictError(
          `Cannot adopt webhook ${id}: it differs from the declaration (${diffs.join("; ")}). Declare the registered values, then change them in a later update.`,
        );
      }
      this.refuseHeld(id);
      c.claim(id);
      this.changed();
      return { id, outs: outputs(found, inputs, this.fingerprint(found.webhook_id)) };
    }
    const existing = await this.existingIds();
    const info = await c.createWebhook({ url: inputs.url, events: inputs.events, secret: inputs.secret ?? "" }, { existing });
    this.changed();
    return { id: info.webhook_id, outs: outputs(info, inputs, this.fingerprint(info.webhook_id)) };
  }

  /** The configured key's fingerprint for webhook `id` (see {@link keyFingerprint}); undefined with no key. */
  fingerprint(id: string): string | undefined {
    return currentFingerprint(this.configuredKey(), id);
  }

  /** Refuses a second adoption of a webhook a resource of this session already holds. */
  private refuseHeld(id: string): void {
    if (!this.claimed.has(id)) return;
    throw new RekkoConflictError(
      `adoptWebhookId ${id}: another resource of this deployment already holds this webhook (created, adopted or ` +
        "refreshed it), and two resources holding one webhook delete it from under each other. Remove adoptWebhookId " +
        "from this resource to register a new webhook, or remove the other resource first.",
    );
  }

  /**
   * read (refresh): the shared list; a webhook missing from it is gone (blank id). Returns the
   * outputs with `enabled`/`failureCount` from the server, and the inputs for later diffs (the
   * declared url, events and secret: the API has no update, so they cannot drift).
   */
  async read(id: string, props: Record<string, unknown>): Promise<ReadOutcome> {
    const old = props as Partial<WebhookOutputs>;
    this.assertSameKey(id, old.keyFingerprint, "refresh");
    this.hold(id);
    const found = (await this.list()).find((w) => w.webhook_id === id);
    if (!found) return { id: "" };
    const inputs: WebhookInputs = {
      url: typeof old.url === "string" ? old.url : found.url,
      events: Array.isArray(old.events) ? old.events : found.events,
      ...(typeof old.secret === "string" && old.secret !== "" ? { secret: old.secret } : {}),
    };
    // Found in this key's list: it is this key's, also for state from before fingerprints.
    return { id, props: outputs(found, inputs, this.fingerprint(found.webhook_id)), inputs };
  }

  /** delete: DELETE; already gone is success. Refused when the state names another key (`props`, the outputs). */
  async delete(id: string, props: Record<string, unknown> = {}): Promise<void> {
    this.assertSameKey(id, props.keyFingerprint, "delete");
    await this.api().deleteWebhook(id);
    this.changed();
  }
}
