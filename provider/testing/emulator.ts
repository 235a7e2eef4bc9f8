/**
 * The Rekko emulator: a local webhook API for tests and demos. This module holds the server
 * and wires the parts, each in `emulator/`: storage (`store`), faults (`faults`, pure), the
 * rate limit (`rateLimit`), the request log (`requestLog`), the documented routes (`api`) and
 * their 422s (`unprocessable`), the control surface (`control`) and delivery (`delivery`).
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { EVENT_TYPES, isEventType, type RekkoEventType } from "../core/events";
import { isLoopbackAddress } from "../core/hosts";
import { serveApi } from "./emulator/api";
import { CONTROL_PREFIX, type ControlTarget, serveControl } from "./emulator/control";
import { type DeliveryReport, deliver } from "./emulator/delivery";
import { checkFaultSpec, type Fault, type FaultSpec, matchFaults } from "./emulator/faults";
import { json } from "./emulator/http";
import { RateWindows } from "./emulator/rateLimit";
import { type LoggedRequest, RequestLog } from "./emulator/requestLog";
import { type EmulatedWebhook, WebhookStore } from "./emulator/store";
import { defaultPayload } from "./payloads";

export type { DeliveryReport } from "./emulator/delivery";
export type { FaultSpec } from "./emulator/faults";
export { type LoggedRequest, maskKey } from "./emulator/requestLog";
export type { EmulatedWebhook } from "./emulator/store";

/** Options of {@link RekkoEmulator.start}. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Bind address. Default 127.0.0.1; a non-loopback address needs `allowRemote`. */
  host?: string;
  /** Allow a non-loopback bind address, and any Host header (by default only loopback names are served). */
  allowRemote?: boolean;
  /** Accepted keys. Default: one generated Pro key (`apiKey`). `rk_free_…` keys get the quota 429. */
  apiKeys?: string[];
  /** The token `/_emulator/*` requires (`Authorization: Bearer <token>`). Default: a generated one (`controlToken`). */
  controlToken?: string;
  /** Requests a minute per key; 0 or absent turns the rate limit off. */
  rateLimitPerMinute?: number;
  /** Consecutive failed deliveries after which a webhook is disabled. Default 5. */
  disableAfterFailures?: number;
  /** Largest request body, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Delivery timeout, ms. Default 5000. */
  deliveryTimeoutMs?: number;
  /** File that keeps webhooks across restarts (written atomically). A file that is not an emulator state stops `start`. */
  statePath?: string;
}

/** True when the Host header names a loopback address or `localhost`. */
function loopbackHost(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (!host || !URL.canParse(`http://${host}`)) return false;
  return isLoopbackAddress(new URL(`http://${host}`).hostname);
}

function bearer(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  return typeof auth === "string" && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, "").trim() : null;
}

/**
 * A local Rekko webhook API: the documented endpoints with their auth, errors, ids,
 * quota and rate-limit answers, plus a control surface under `/_emulator/` (behind
 * {@link RekkoEmulator.controlToken}) to deliver signed events, inject faults, read the
 * request log and reset.
 */
export class RekkoEmulator implements ControlTarget {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The first accepted key (the generated Pro key by default). */
  readonly apiKey: string;
  readonly apiKeys: readonly string[];
  /** The token the control surface requires: send `Authorization: Bearer <controlToken>` to `/_emulator/*`. */
  readonly controlToken: string;
  private readonly log = new RequestLog();
  private readonly rate: RateWindows;
  private readonly sockets = new Set<Socket>();
  private faults: Fault[] = [];
  private faultSeq = 0;
  private disableAfter: number;

  private constructor(
    private readonly server: Server,
    address: string,
    private readonly options: EmulatorOptions,
    keys: string[],
    token: string,
    private readonly store: WebhookStore,
  ) {
    this.url = address;
    this.apiKeys = keys;
    this.apiKey = keys[0] ?? "";
    this.controlToken = token;
    this.rate = new RateWindows(options.rateLimitPerMinute ?? 0);
    this.disableAfter = options.disableAfterFailures ?? 5;
  }

  /**
   * Starts an emulator; resolves once it listens. Rejects, with nothing listening, on a
   * non-loopback host without `allowRemote`, a busy port, or a state file that is not an
   * emulator state.
   */
  static async start(options: EmulatorOptions = {}): Promise<RekkoEmulator> {
    const host = options.host ?? "127.0.0.1";
    if (!isLoopbackAddress(host) && !options.allowRemote) {
      throw new Error(
        `rekko-emulator: refusing to bind ${host}, which is not loopback; pass allowRemote (--allow-remote) to do so.`,
      );
    }
    const keys = options.apiKeys?.length ? [...options.apiKeys] : [`rk_pro_emu${randomBytes(12).toString("hex")}`];
    const token = options.controlToken ?? `rk_emuctl_${randomBytes(16).toString("hex")}`;
    if (token.length < 16 || keys.includes(token)) {
      throw new Error("rekko-emulator: the control token must be at least 16 characters and differ from every API key.");
    }
    // Loaded before listening: a state file that is not ours stops start() with no server open.
    const store = new WebhookStore(options.statePath);
    store.load();
    let emulator: RekkoEmulator | undefined;
    const answering = new WeakMap<Socket, ServerResponse>();
    const server = createServer((req, res) => {
      answering.set(req.socket, res);
      emulator?.handle(req, res).catch(() => json(res, 500, { detail: "Internal Server Error" }));
    });
    server.on("connection", (socket) => {
      emulator?.sockets.add(socket);
      socket.on("close", () => emulator?.sockets.delete(socket));
    });
    // Bytes that do not parse (e.g. a DELETE body sent with no length) end the connection, once
    // the answer to the request before them on that connection has gone out.
    server.on("clientError", (_err, socket: Socket) => {
      const res = answering.get(socket);
      if (res && !res.writableFinished && !res.destroyed) res.once("close", () => socket.destroy());
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    const shown = host.includes(":") ? `[${host}]` : host;
    emulator = new RekkoEmulator(server, `http://${shown}:${port}`, options, keys, token, store);
    return emulator;
  }

  /** Stops listening and closes open connections. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  /** Headers for a control call: `{ authorization: "Bearer <controlToken>" }`. */
  controlHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.controlToken}` };
  }

  /** Stored webhooks, secrets included. */
  webhooks(): EmulatedWebhook[] {
    return this.store.all().map(({ owner: _owner, ...w }) => ({ ...w, events: [...w.events] }));
  }

  /** The request log (documented endpoints and control calls). */
  requests(): LoggedRequest[] {
    return this.log.list();
  }

  /** Programs a fault; returns its id. Throws (`fault …`) on a malformed spec. */
  addFault(spec: FaultSpec): string {
    checkFaultSpec(spec);
    const id = `fault-${++this.faultSeq}`;
    this.faults.push({ ...spec, id, seen: 0, used: 0 });
    return id;
  }

  /** The programmed faults still active, with their ids. */
  faultSpecs(): (FaultSpec & { id: string })[] {
    return this.faults.map(({ seen: _s, used: _u, ...f }) => f);
  }

  /** Removes every fault. */
  clearFaults(): void {
    this.faults = [];
  }

  /** Sets the per-key rate limit (0 = off). */
  setRateLimit(perMinute: number): void {
    this.rate.setLimit(perMinute);
  }

  /** Sets how many consecutive failed deliveries disable a webhook. */
  setDisableAfter(failures: number): void {
    this.disableAfter = failures;
  }

  /** The settings `PUT /_emulator/config` changes. */
  settings(): { rateLimitPerMinute: number; disableAfterFailures: number } {
    return { rateLimitPerMinute: this.rate.limit, disableAfterFailures: this.disableAfter };
  }

  /** Forgets webhooks, log, faults and rate windows. */
  reset(): void {
    this.store.clear();
    this.log.clear();
    this.faults = [];
    this.rate.clear();
  }

  /**
   * Delivers an event to every enabled webhook subscribed to its type, as Rekko would:
   * a JSON POST signed with `x-webhook-signature`. Updates `failure_count` and `enabled`.
   */
  async trigger(type: RekkoEventType, data: Record<string, unknown> = {}): Promise<DeliveryReport[]> {
    if (!isEventType(type)) throw new Error(`event type must be one of ${EVENT_TYPES.join(", ")}`);
    const body = JSON.stringify({ type, ...defaultPayload(type), ...data });
    const targets = this.store.all().filter((w) => w.enabled && w.events.includes(type));
    const timeout = this.options.deliveryTimeoutMs ?? 5000;
    const reports = await Promise.all(targets.map((w) => deliver(w, body, timeout, this.disableAfter)));
    this.store.changed();
    return reports;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const path = URL.canParse(req.url ?? "/", "http://emulator") ? new URL(req.url ?? "/", "http://emulator").pathname : "/";
    const maxBodyBytes = this.options.maxBodyBytes ?? 1024 * 1024;
    if (!this.options.allowRemote && !loopbackHost(req)) {
      // DNS rebinding: a page on another name that resolves here must not reach the emulator.
      req.resume();
      this.log.add(method, path, 403, null, []);
      json(res, 403, {
        detail: "The emulator serves only Host: 127.0.0.1, [::1] or localhost (start it with --allow-remote to serve others).",
      });
      return;
    }
    if (path.startsWith(CONTROL_PREFIX)) {
      const { status, body } = await serveControl(this, this.controlToken, req, method, path, maxBodyBytes);
      this.log.add(method, path, status, null, []);
      json(res, status, body);
      return;
    }
    const key = bearer(req);
    const { applied, remaining } = matchFaults(this.faults, method, path);
    this.faults = remaining;
    const done = (status: number) =>
      this.log.add(
        method,
        path,
        status,
        key,
        applied.map((f) => f.kind),
      );
    for (const f of applied.filter((x) => x.kind === "latency")) {
      const ms = f.random ? Math.random() * (f.latencyMs ?? 0) : (f.latencyMs ?? 0);
      await new Promise((r) => setTimeout(r, ms));
    }
    if (applied.some((f) => f.kind === "drop-before")) {
      done(0);
      req.socket.destroy();
      return;
    }
    const statusFault = applied.find((f) => f.kind === "status");
    if (statusFault) {
      req.resume();
      const status = statusFault.status ?? 500;
      done(status);
      json(res, status, statusFault.body ?? { detail: `Injected ${status}` }, statusFault.headers);
      return;
    }
    const dropAfter = applied.some((f) => f.kind === "drop-after");
    const ctx = { store: this.store, rate: this.rate, apiKeys: this.apiKeys, maxBodyBytes };
    await serveApi(ctx, req, method, path, key, (status, body, headers) => {
      done(dropAfter ? 0 : status);
      if (dropAfter) req.socket.destroy();
      else json(res, status, body, headers);
    });
  }
}
