/**
 * The Rekko emulator: a local Rekko API for tests and demos. This module holds the
 * {@link RekkoEmulator} and wires its parts: the HTTP side (`server`), storage (`store`), the
 * list lag (`listLag`), billing (`billing`) on the emulator's clock (`clock`), faults (`faults`,
 * pure), the rate limit (`rateLimit`), the request log (`requestLog`), the documented routes
 * (`api`) and their 422s (`unprocessable`), the control surface (`control`) and delivery
 * (`delivery`).
 */
import type { RekkoEventType } from "../../core/events";
import { type Account, Billing, type TierCounts, type TierQuotas } from "./billing";
import { EmulatorClock } from "./clock";
import type { BillingView, ClockChange, ClockView, ControlTarget } from "./control";
import { type DeliveryReport, deliverEvent } from "./delivery";
import { FaultList, type FaultSpec } from "./faults";
import { ListLag } from "./listLag";
import { checkSettings, type EmulatorOptions, type EmulatorSettings, MAX_CLOCK_OFFSET_MS, planStart } from "./options";
import { RateWindows } from "./rateLimit";
import { type LoggedRequest, maskKey, RequestLog } from "./requestLog";
import { type Emulated, listen, serve } from "./server";
import { type EmulatedWebhook, WebhookStore } from "./store";

export type { Account, DeepCounts, Plan, QuotaOptions, Tier, TierCounts, TierQuotas } from "./billing";
export { DOCUMENTED_QUOTAS } from "./billing";
export type { BillingView, ClockChange, ClockView } from "./control";
export type { DeliveryReport } from "./delivery";
export type { FaultSpec } from "./faults";
export type { EmulatorOptions, EmulatorSettings } from "./options";
export { type LoggedRequest, maskKey } from "./requestLog";
export type { EmulatedWebhook } from "./store";

/**
 * A local Rekko API: the documented webhook endpoints and `GET /v1/customers/me`, with their
 * auth, errors, ids, monthly quotas and rate-limit answers, plus a control surface under
 * `/_emulator/` (behind {@link RekkoEmulator.controlToken}) to deliver signed events, inject
 * faults, read the request log, change settings, move the clock, set quotas and usage, and reset.
 */
export class RekkoEmulator implements ControlTarget {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string = "";
  /** The first accepted key (the generated Pro key by default). */
  readonly apiKey: string;
  readonly apiKeys: readonly string[];
  /** The token the control surface requires: send `Authorization: Bearer <controlToken>` to `/_emulator/*`. */
  readonly controlToken: string;
  private readonly time = new EmulatorClock();
  private readonly log = new RequestLog(() => this.time.now());
  private readonly rate = new RateWindows(0);
  private readonly lag = new ListLag(this.time);
  private readonly bills: Billing;
  private readonly store: WebhookStore;
  private readonly faults = new FaultList();
  private disableAfter = 5;
  private normalizeUrls = false;
  private stopServer: () => Promise<void> = async () => {};

  private constructor(
    private readonly options: EmulatorOptions,
    keys: string[],
    token: string,
  ) {
    this.apiKeys = keys;
    this.apiKey = keys[0] ?? "";
    this.controlToken = token;
    this.bills = new Billing(this.time, options.quotas);
    this.store = new WebhookStore(options.statePath, () => this.time.now());
  }

  /**
   * Starts an emulator; resolves once it listens. Rejects, with nothing listening, on a
   * non-loopback host without `allowRemote`, a busy port, a bad setting, or a state file that
   * is not an emulator state.
   */
  static async start(options: EmulatorOptions = {}): Promise<RekkoEmulator> {
    const { host, keys, token, settings } = planStart(options);
    const emu = new RekkoEmulator(options, keys, token);
    emu.configure(settings);
    // Loaded before listening: a state file that is not ours stops start() with no server open.
    emu.store.load();
    const listening = await listen(host, options.port ?? 0, (req, res) => serve(emu.served(), req, res));
    (emu as { url: string }).url = listening.url;
    emu.stopServer = listening.stop;
    return emu;
  }

  /** What a request is served with, the settings as they are now. */
  private served(): Emulated {
    const maxBodyBytes = this.options.maxBodyBytes ?? 1024 * 1024;
    return {
      allowRemote: this.options.allowRemote ?? false,
      controlToken: this.controlToken,
      maxBodyBytes,
      clock: this.time,
      log: this.log,
      control: this,
      takeFaults: (method, path) => this.faults.take(method, path),
      api: () => ({
        store: this.store,
        rate: this.rate,
        billing: this.bills,
        lag: this.lag,
        apiKeys: this.apiKeys,
        maxBodyBytes,
        normalizeUrls: this.normalizeUrls,
      }),
    };
  }

  /** Stops listening and closes open connections. */
  stop(): Promise<void> {
    return this.stopServer();
  }

  /** Headers for a control call: `{ authorization: "Bearer <controlToken>" }`. */
  controlHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.controlToken}` };
  }

  /** Stored webhooks, secrets included, as they are (not as a lagging list shows them). */
  webhooks(): EmulatedWebhook[] {
    return this.store.all().map(({ owner: _owner, ...w }) => ({ ...w, events: [...w.events] }));
  }

  /** The request log (documented endpoints and control calls). */
  requests(): LoggedRequest[] {
    return this.log.list();
  }

  /** Programs a fault; returns its id. Throws (`fault …`) on a malformed spec. */
  addFault(spec: FaultSpec): string {
    return this.faults.add(spec);
  }

  /** The programmed faults still active, with their ids. */
  faultSpecs(): (FaultSpec & { id: string })[] {
    return this.faults.specs();
  }

  /** Removes every fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Sets the per-key rate limit (0 = off). */
  setRateLimit(perMinute: number): void {
    this.configure({ rateLimitPerMinute: perMinute });
  }

  /** Sets how many consecutive failed deliveries disable a webhook. */
  setDisableAfter(failures: number): void {
    this.configure({ disableAfterFailures: failures });
  }

  /** Changes settings (what `PUT /_emulator/config` takes); throws naming a bad one and then changes nothing. */
  configure(settings: Partial<EmulatorSettings>): void {
    const s = checkSettings({ ...settings });
    if (s.rateLimitPerMinute !== undefined) this.rate.setLimit(s.rateLimitPerMinute);
    if (s.disableAfterFailures !== undefined) this.disableAfter = s.disableAfterFailures;
    if (s.normalizeUrls !== undefined) this.normalizeUrls = s.normalizeUrls;
    if (s.listLagMs !== undefined) this.lag.setMs(s.listLagMs);
    if (s.clockSkewMs !== undefined) this.time.setOffset(s.clockSkewMs);
    if (s.deepCounts !== undefined) this.bills.deepCounts = s.deepCounts;
  }

  /** The settings as they are. */
  settings(): EmulatorSettings {
    return {
      rateLimitPerMinute: this.rate.limit,
      disableAfterFailures: this.disableAfter,
      normalizeUrls: this.normalizeUrls,
      listLagMs: this.lag.ms,
      clockSkewMs: this.time.offsetMs,
      deepCounts: this.bills.deepCounts,
    };
  }

  /** The emulator's clock. */
  clock(): ClockView {
    return { now: new Date(this.time.now()).toISOString(), offsetMs: this.time.offsetMs };
  }

  /**
   * Moves the emulator's clock (one of `now`, `advanceMs`, `offsetMs`), e.g. to the 1st of next
   * month to start a new billing month. Throws when the offset would pass 100 years.
   */
  setClock(change: ClockChange): ClockView {
    const before = this.time.offsetMs;
    if (change.now !== undefined) this.time.setNow(new Date(change.now).getTime());
    else if (change.advanceMs !== undefined) this.time.advance(change.advanceMs);
    else if (change.offsetMs !== undefined) this.time.setOffset(change.offsetMs);
    if (!(Math.abs(this.time.offsetMs) <= MAX_CLOCK_OFFSET_MS)) {
      this.time.setOffset(before);
      throw new Error(`the clock may be at most ${MAX_CLOCK_OFFSET_MS} ms from the machine's`);
    }
    return this.clock();
  }

  /** What `GET /v1/customers/me` answers for an accepted key (without billing the call). */
  account(key: string): Account {
    return this.bills.account(this.accepted(key));
  }

  /** Which calls count, and every accepted key's account (keys masked). */
  billing(): BillingView {
    return {
      deepCounts: this.bills.deepCounts,
      accounts: this.apiKeys.map((key) => ({ key: maskKey(key) ?? "", ...this.bills.account(key) })),
    };
  }

  /** Sets an accepted key's quotas (`null`: no limit) and this month's usage, e.g. `{ quotas: { deep: 3 }, usage: { deep: 2 } }`. */
  setBilling(key: string, change: { quotas?: Partial<TierQuotas>; usage?: Partial<TierCounts> }): Account & { key: string } {
    this.accepted(key);
    if (change.quotas) this.bills.setQuotas(key, change.quotas);
    if (change.usage) this.bills.setUsage(key, change.usage);
    return { key: maskKey(key) ?? "", ...this.bills.account(key) };
  }

  private accepted(key: string): string {
    if (!this.apiKeys.includes(key)) throw new Error("key is not one of the emulator's accepted API keys");
    return key;
  }

  /** Forgets webhooks, log, faults, rate windows, list lag in flight and usage (settings and quotas stay). */
  reset(): void {
    this.store.clear();
    this.log.clear();
    this.faults.clear();
    this.rate.clear();
    this.lag.clear();
    this.bills.clearUsage();
  }

  /**
   * Delivers an event to every enabled webhook subscribed to its type, as Rekko would:
   * a JSON POST signed with `x-webhook-signature`. Updates `failure_count` and `enabled`.
   */
  async trigger(type: RekkoEventType, data: Record<string, unknown> = {}): Promise<DeliveryReport[]> {
    const timeout = this.options.deliveryTimeoutMs ?? 5000;
    const reports = await deliverEvent(this.store.all(), type, data, new Date(this.time.now()), timeout, this.disableAfter);
    this.store.changed();
    return reports;
  }
}
