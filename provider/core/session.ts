/**
 * A provider session: what one provider process holds between `configure` and its last call
 * (the settings, the API client with its rate limiter, and {@link Holdings}: the shared list and
 * the ids its deployment holds). Both Pulumi faces, the dynamic resource and the native
 * provider, call the webhook lifecycle through it, so they make the same API calls and give the
 * same messages. The session is the one writer of what a deployment holds.
 */
import { adoptionProblem, alreadyHeldError, importedUrlWarning, readoptedWarning } from "./adoption";
import { checkWebhook } from "./check";
import { type ClientOptions, RekkoClient, type UnknownCreate, type WebhookInfo } from "./client";
import { disabledWarning, replacedFields } from "./diff";
import { Holdings } from "./holdings";
import { InFlightCreates, type PendingCreate } from "./inFlight";
import { assertSameKey, currentFingerprint, type KeyCheckedOperation } from "./keyCheck";
import { missingKeyError, type RawSettings, type Settings, settingsOnce } from "./settings";
import { ambiguousCreate, createWindows, unknownCreateCandidates } from "./unknownCreate";
import { hasQuery } from "./urls";
import type { CheckContext, CheckFailure } from "./validation";
import {
  type DeleteOutcome,
  type DiffPlan,
  madeEarlier,
  outputs,
  type ReadOutcome,
  type WebhookInputs,
  type WebhookOutputs,
} from "./webhookState";

export type { DeleteOutcome, DiffPlan, ReadOutcome, WebhookInputs, WebhookOutputs } from "./webhookState";

/** The webhook lifecycle for one provider process. */
export class WebhookSession {
  private client: RekkoClient | undefined;
  private readonly holdings = new Holdings(() => this.api().listWebhooks());
  private readonly creates = new InFlightCreates();

  /**
   * @param raw the `rekko:*` settings as configured (resolved once, lazily, so a bad value is reported by `check`).
   * @param overrides client options for tests (sleep, limiter, timeouts).
   */
  constructor(
    raw: RawSettings = {},
    private readonly overrides: Partial<ClientOptions> = {},
  ) {
    this.settings = settingsOnce(raw);
  }

  /** The resolved settings, parsed once per session; throws the same `RekkoConfigError` (naming its `setting`) each time. */
  readonly settings: () => Settings;

  /** The API client, built once from the settings; a missing key throws the two ways to set it. */
  api(): RekkoClient {
    if (!this.client) {
      const s = this.settings();
      if (!s.apiKey) throw missingKeyError();
      this.client = RekkoClient.fromSettings({ ...s, apiKey: s.apiKey }, this.overrides);
    }
    return this.client;
  }

  /** Every webhook of the key: one list per session, shared by every read; dropped after any change. */
  list(): Promise<WebhookInfo[]> {
    return this.holdings.list();
  }

  /** The configured key, or undefined when none (or no valid setting) is configured. */
  private configuredKey(): string | undefined {
    try {
      return this.settings().apiKey;
    } catch {
      return undefined;
    }
  }

  /** The configured key's fingerprint for webhook `id` (see `keyFingerprint`); undefined with no key. */
  fingerprint(id: string): string | undefined {
    return currentFingerprint(this.configuredKey(), id);
  }

  /** Refuses, before any API call, a webhook whose stored fingerprint names another key ({@link assertSameKey}). */
  private assertSameKey(id: string, stored: unknown, operation: KeyCheckedOperation): void {
    assertSameKey(id, stored, this.configuredKey(), operation);
  }

  /**
   * check: validates and normalises inputs, with no network ({@link checkWebhook}); settings
   * problems are reported here too, at preview time, under the setting's name.
   */
  check(
    news: Record<string, unknown>,
    isPending?: CheckContext["isPending"],
  ): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
    return checkWebhook(news, this.settings, isPending);
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
    this.holdings.hold(id);
    const replaces = replacedFields(olds, news, isPending);
    // The adoption was done when the resource was created: its replacement registers a new webhook.
    if (replaces.length > 0 && typeof news.adoptWebhookId === "string") this.holdings.readopting(news.adoptWebhookId);
    const warning = disabledWarning(id, olds, replaces);
    return { replaces, warnings: warning ? [warning] : [] };
  }

  /**
   * update: only ever a change of stored provider code (diff never plans another); keeps the
   * webhook and its outputs, with the key fingerprint in its current form (no API call). State
   * from before fingerprints takes the configured key's, but only once that key's list shows
   * the webhook (the session's shared list).
   */
  async update(id: string, olds: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.assertSameKey(id, olds.keyFingerprint, "update");
    this.holdings.hold(id);
    const outs = { ...olds };
    if (typeof outs.keyFingerprint === "string" && outs.keyFingerprint !== "") {
      outs.keyFingerprint = currentFingerprint(this.configuredKey(), id, outs.keyFingerprint);
    } else if ((await this.list()).some((w) => w.webhook_id === id)) {
      outs.keyFingerprint = this.fingerprint(id);
    }
    return outs;
  }

  /**
   * create: one POST, or the adoption of an existing webhook by id through the shared list.
   * The id it returns or adopts is recorded as held and as made by this deployment.
   */
  async create(inputs: WebhookInputs): Promise<{ id: string; outs: WebhookOutputs }> {
    const info =
      inputs.adoptWebhookId && !this.holdings.takeReadopting(inputs.adoptWebhookId)
        ? await this.adopt(inputs.adoptWebhookId, inputs)
        : await this.register(inputs);
    this.holdings.made(info.webhook_id);
    this.holdings.changed();
    return { id: info.webhook_id, outs: outputs(info, inputs, this.fingerprint(info.webhook_id)) };
  }

  /** Adoption by id: found in the shared list (listed again once when missing from a reused one), held by no other resource. */
  private async adopt(id: string, inputs: WebhookInputs): Promise<WebhookInfo> {
    if (this.holdings.held.has(id)) throw alreadyHeldError(id);
    let found = (await this.holdings.list()).find((w) => w.webhook_id === id);
    found ??= (await this.holdings.list(true)).find((w) => w.webhook_id === id);
    const problem = adoptionProblem(id, found, inputs);
    if (problem || !found) throw problem;
    // Checked again and recorded at once: another resource may have taken it while the list was read.
    if (this.holdings.held.has(id)) throw alreadyHeldError(id);
    this.holdings.made(id);
    return found;
  }

  /** One POST; an unanswered one is reconciled by {@link reconcile}. */
  private async register(inputs: WebhookInputs): Promise<WebhookInfo> {
    const registration = { url: inputs.url, events: inputs.events, secret: inputs.secret ?? "" };
    const pending = this.creates.begin(registration);
    let ok = false;
    try {
      const info = await this.api().createWebhook(registration, { reconcile: (unknown) => this.reconcile(pending, unknown) });
      // Held before its siblings stop waiting, so none of them takes it.
      this.holdings.made(info.webhook_id);
      ok = true;
      return info;
    } finally {
      this.creates.done(pending, ok);
    }
  }

  /**
   * Decides what an unanswered create did. It first waits for its siblings (same url and
   * events) that are still being sent, so the ids they are answered with are held and not
   * taken; then, one decision at a time, it reads a fresh list (shared from then on) and takes
   * the one webhook no resource holds that was created while an attempt was under way
   * (unknownCreate.ts). None: the POST is sent again. Several, or one while another create of
   * this session with the same url and events but another secret is unanswered too: it fails
   * naming them, with the recovery.
   */
  private async reconcile(pending: PendingCreate, unknown: UnknownCreate): Promise<WebhookInfo | undefined> {
    this.creates.unknown(pending);
    await this.creates.siblingsAnswered(pending);
    const request = "POST /v1/webhooks";
    return this.creates.exclusive(async () => {
      const listed = await this.holdings.list(true);
      const windows = createWindows(unknown.attempts, unknown.offset());
      const candidates = unknownCreateCandidates(listed, unknown.registration, windows, this.holdings.held);
      if (candidates.length > 1 || (candidates.length === 1 && this.creates.hasUnknownRival(pending))) {
        throw ambiguousCreate(request, candidates, windows);
      }
      const found = candidates[0];
      // Recorded inside the turn, so the next decision does not take it too.
      if (found) this.holdings.made(found.webhook_id);
      return found;
    });
  }

  /**
   * read (refresh, and an import when `props` is empty): the shared list. Returns the outputs with `enabled`/`failureCount` from the
   * server, and the inputs for later diffs (the declared url, events and secret: the API has no
   * update, so they cannot drift). A webhook missing from the list is gone (blank id), unless a
   * create of this deployment returned or adopted it: a list may lag behind a create, and the
   * state must not lose a webhook that exists.
   */
  async read(id: string, props: Record<string, unknown>): Promise<ReadOutcome> {
    const old = props as Partial<WebhookOutputs>;
    this.assertSameKey(id, old.keyFingerprint, "refresh");
    // No prior outputs: an import (`pulumi import`, the `import` resource option).
    const importing = Object.keys(props).length === 0;
    // One webhook, one resource: a webhook another resource of this deployment holds (two
    // resources importing one id) is not imported again.
    if (importing && this.holdings.held.has(id)) throw alreadyHeldError(id, "import");
    this.holdings.hold(id);
    const listed = (await this.list()).find((w) => w.webhook_id === id);
    const found = listed ?? (!importing && this.holdings.wasMade(id) ? madeEarlier(id, old) : undefined);
    if (!found) return { id: "" };
    // An import takes the webhook for this deployment, as an adoption by a create does.
    if (importing) this.holdings.made(id);
    const inputs: WebhookInputs = {
      url: typeof old.url === "string" ? old.url : found.url,
      events: Array.isArray(old.events) ? old.events : found.events,
      ...(typeof old.secret === "string" && old.secret !== "" ? { secret: old.secret } : {}),
    };
    // Found in this key's list (or made by it): it is this key's, also for state from before fingerprints.
    const queryUrl = importing && hasQuery(found.url) ? { queryUrlWarning: importedUrlWarning(id, found.url) } : {};
    return { id, props: outputs(found, inputs, this.fingerprint(id)), inputs, ...queryUrl };
  }

  /**
   * delete: DELETE; already gone is success. Refused when the state names another key (`props`,
   * the outputs). A webhook that a create of this same deployment returned or adopted is not
   * deleted: the resource replacing this one holds it (a replacement without a Diff took it
   * again), so the outcome carries a warning for the face to print instead.
   */
  async delete(id: string, props: Record<string, unknown> = {}): Promise<DeleteOutcome> {
    this.assertSameKey(id, props.keyFingerprint, "delete");
    if (this.holdings.wasMade(id)) return { deleted: false, warnings: [readoptedWarning(id)] };
    const deleted = await this.api().deleteWebhook(id);
    this.holdings.changed();
    return { deleted, warnings: [] };
  }
}
