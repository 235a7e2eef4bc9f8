/**
 * A provider session: what one provider process holds between `configure` and its last call
 * (the settings, the API client with its rate limiter, the shared list, the ids it holds).
 * Both Pulumi faces, the dynamic resource and the native provider, call the webhook
 * lifecycle through it, so they make the same API calls and give the same messages.
 */
import { type ClientOptions, RekkoClient, type WebhookInfo } from "./client";
import { RekkoConflictError, RekkoNotFoundError } from "./errors";
import { sameEventSet } from "./events";
import { missingKeyError, type RawSettings, resolveSettings, type Settings } from "./settings";
import { type CheckContext, type CheckFailure, checkInputs } from "./validation";

/** Inputs of a webhook, after check. */
export interface WebhookInputs {
  url: string;
  events: string[];
  secret?: string;
  adoptWebhookId?: string;
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
}

/** What `read` answers: a blank id when the webhook is gone. */
export interface ReadOutcome {
  id: string;
  props?: WebhookOutputs;
  inputs?: WebhookInputs;
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

  /**
   * @param raw the `rekko:*` settings as configured (resolved lazily, so a bad value is reported by `check`).
   * @param overrides client options for tests (sleep, limiter, timeouts).
   */
  constructor(
    private readonly raw: RawSettings = {},
    private readonly overrides: Partial<ClientOptions> = {},
  ) {}

  /** The resolved settings; throws a `RekkoConfigError` naming the bad setting. */
  settings(): Settings {
    return resolveSettings(this.raw);
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
      // Every settings message starts with the setting's name: report the failure under it.
      const reason = (err as Error).message;
      const property = /^(rekko:[A-Za-z]+)/.exec(reason)?.[1] ?? "rekko:baseUrl";
      return { inputs: news, failures: [{ property, reason }] };
    }
    const result = checkInputs(news, { allowLocalReceivers: s.local, ...(isPending ? { isPending } : {}) });
    if (!s.apiKey) result.failures.push({ property: "rekko:apiKey", reason: missingKeyError().message });
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

  /** A change made by this session: the next read lists again. */
  private changed(): void {
    this.listing = undefined;
  }

  /** create: one POST, or adoption of an existing webhook through the list. */
  async create(inputs: WebhookInputs): Promise<{ id: string; outs: WebhookOutputs }> {
    const c = this.api();
    if (inputs.adoptWebhookId) {
      const id = inputs.adoptWebhookId;
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
      c.claim(id);
      this.changed();
      return { id, outs: outputs(found, inputs) };
    }
    const existing = await this.existingIds();
    const info = await c.createWebhook({ url: inputs.url, events: inputs.events, secret: inputs.secret ?? "" }, { existing });
    this.changed();
    return { id: info.webhook_id, outs: outputs(info, inputs) };
  }

  /**
   * read (refresh): the shared list; a webhook missing from it is gone (blank id). Returns the
   * outputs with `enabled`/`failureCount` from the server, and the inputs for later diffs (the
   * declared url, events and secret: the API has no update, so they cannot drift).
   */
  async read(id: string, props: Record<string, unknown>): Promise<ReadOutcome> {
    this.hold(id);
    const found = (await this.list()).find((w) => w.webhook_id === id);
    if (!found) return { id: "" };
    const old = props as Partial<WebhookOutputs>;
    const inputs: WebhookInputs = {
      url: typeof old.url === "string" ? old.url : found.url,
      events: Array.isArray(old.events) ? old.events : found.events,
      ...(typeof old.secret === "string" && old.secret !== "" ? { secret: old.secret } : {}),
    };
    return { id, props: outputs(found, inputs), inputs };
  }

  /** delete: DELETE; already gone is success. */
  async delete(id: string): Promise<void> {
    await this.api().deleteWebhook(id);
    this.changed();
  }
}
