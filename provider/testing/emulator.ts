import { createHash, createHmac, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  validateHeaderName,
  validateHeaderValue,
} from "node:http";
import type { Socket } from "node:net";
import { dirname } from "node:path";
import type { WebhookInfo } from "../core/client";
import { EVENT_TYPES, isEventType, type RekkoEventType } from "../core/events";
import { isLoopbackAddress } from "../core/hosts";
import { defaultPayload } from "./payloads";

/** A stored webhook, secret included (the API never returns it; the control surface does). */
export interface EmulatedWebhook extends WebhookInfo {
  secret: string;
  /** The owning key, masked. */
  key: string;
}

/** A programmed fault. Matching requests: `method` (any when absent) and `path` (exact, or a prefix ending in `*`). */
export interface FaultSpec {
  /** `status`: answer `status` with `body`/`headers`; `latency`: delay, then serve; `drop-after`: serve (e.g. store a create), then drop the connection; `drop-before`: drop the connection without serving. */
  kind: "status" | "latency" | "drop-after" | "drop-before";
  method?: string;
  path?: string;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** For `latency`: a delay of `latencyMs`, or uniformly random up to `latencyMs` when `random` is true. */
  latencyMs?: number;
  random?: boolean;
  /** Applies to the next `times` matches (default: unlimited when `every` is set, else 1). */
  times?: number;
  /** Applies to every `every`-th match only (1 = each). */
  every?: number;
}

interface Fault extends FaultSpec {
  id: string;
  seen: number;
  used: number;
}

/** One line of the request log. Keys are masked. */
export interface LoggedRequest {
  time: string;
  method: string;
  path: string;
  status: number;
  key: string | null;
  faults: string[];
}

/** The result of one delivery attempt. */
export interface DeliveryReport {
  webhook_id: string;
  url: string;
  ok: boolean;
  status: number | null;
  error: string | null;
  duration_ms: number;
  signature: string | null;
}

/** Options of {@link RekkoEmulator.start}. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Bind address. Default 127.0.0.1; a non-loopback address needs `allowRemote`. */
  host?: string;
  allowRemote?: boolean;
  /** Accepted keys. Default: one generated Pro key (`apiKey`). `rk_free_…` keys get the quota 429. */
  apiKeys?: string[];
  /** Requests a minute per key; 0 or absent turns the rate limit off. */
  rateLimitPerMinute?: number;
  /** Consecutive failed deliveries after which a webhook is disabled. Default 5. */
  disableAfterFailures?: number;
  /** Largest request body, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Delivery timeout, ms. Default 5000. */
  deliveryTimeoutMs?: number;
  /** File that keeps webhooks across restarts (written atomically). */
  statePath?: string;
}

const CONTROL = "/_emulator/";

/** `rk_pro_…abcd`: enough to tell keys apart, never the key. */
export function maskKey(key: string | null | undefined): string | null {
  if (!key) return null;
  const tier = /^(rk_[a-z]+_)/.exec(key)?.[1] ?? "";
  return `${tier}…${key.slice(-4)}`;
}

/** Keys are held only as hashes, in memory and in the state file. */
function owner(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function isoNow(): string {
  return new Date().toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A local Rekko webhook API: the documented endpoints with their auth, errors, ids,
 * quota and rate-limit answers, plus a control surface under `/_emulator/` to deliver
 * signed events, inject faults, read the request log and reset.
 */
export class RekkoEmulator {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The first accepted key (the generated Pro key by default). */
  readonly apiKey: string;
  readonly apiKeys: readonly string[];
  private readonly hooks = new Map<string, EmulatedWebhook & { owner: string }>();
  private readonly log: LoggedRequest[] = [];
  private faults: Fault[] = [];
  private readonly windows = new Map<string, number[]>();
  private readonly sockets = new Set<Socket>();
  private rateLimit: number;
  private disableAfter: number;
  private faultSeq = 0;

  private constructor(
    private readonly server: Server,
    address: string,
    private readonly options: EmulatorOptions,
    keys: string[],
  ) {
    this.url = address;
    this.apiKeys = keys;
    this.apiKey = keys[0] ?? "";
    this.rateLimit = options.rateLimitPerMinute ?? 0;
    this.disableAfter = options.disableAfterFailures ?? 5;
  }

  /** Starts an emulator; resolves once it listens. */
  static async start(options: EmulatorOptions = {}): Promise<RekkoEmulator> {
    const host = options.host ?? "127.0.0.1";
    if (!isLoopbackAddress(host) && !options.allowRemote) {
      throw new Error(
        `rekko-emulator: refusing to bind ${host}, which is not loopback; pass allowRemote (--allow-remote) to do so.`,
      );
    }
    const keys = options.apiKeys?.length ? [...options.apiKeys] : [`rk_pro_emu${randomBytes(12).toString("hex")}`];
    let emulator: RekkoEmulator | undefined;
    const server = createServer((req, res) => {
      emulator?.handle(req, res).catch(() => json(res, 500, { detail: "Internal Server Error" }));
    });
    server.on("connection", (socket) => {
      emulator?.sockets.add(socket);
      socket.on("close", () => emulator?.sockets.delete(socket));
    });
    server.on("clientError", (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    const shown = host.includes(":") ? `[${host}]` : host;
    emulator = new RekkoEmulator(server, `http://${shown}:${port}`, options, keys);
    emulator.load();
    return emulator;
  }

  /** Stops listening and closes open connections. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  /** Stored webhooks, secrets included. */
  webhooks(): EmulatedWebhook[] {
    return [...this.hooks.values()].map(({ owner: _owner, ...w }) => ({ ...w, events: [...w.events] }));
  }

  /** The request log (documented endpoints and control calls). */
  requests(): LoggedRequest[] {
    return this.log.map((r) => ({ ...r, faults: [...r.faults] }));
  }

  /** Programs a fault; returns its id. */
  addFault(spec: FaultSpec): string {
    const kinds = ["status", "latency", "drop-after", "drop-before"];
    if (!kinds.includes(spec.kind)) throw new Error(`fault kind must be one of ${kinds.join(", ")}`);
    if (spec.kind === "status" && !(Number.isInteger(spec.status) && (spec.status ?? 0) >= 100 && (spec.status ?? 0) <= 599)) {
      throw new Error("a status fault needs status, an integer from 100 to 599");
    }
    // Checked here, so a malformed fault is refused (400 over HTTP) instead of breaking every later request.
    for (const field of ["method", "path"] as const) {
      if (spec[field] !== undefined && typeof spec[field] !== "string") throw new Error(`fault ${field} must be a string`);
    }
    if (spec.random !== undefined && typeof spec.random !== "boolean") throw new Error("fault random must be a boolean");
    const counts = { latencyMs: [0, 600_000], times: [0, Number.MAX_SAFE_INTEGER], every: [1, Number.MAX_SAFE_INTEGER] } as const;
    for (const [field, [min, max]] of Object.entries(counts)) {
      const v = spec[field as keyof typeof counts];
      const whole = field !== "latencyMs";
      if (
        v !== undefined &&
        !(typeof v === "number" && (whole ? Number.isInteger(v) : Number.isFinite(v)) && v >= min && v <= max)
      ) {
        throw new Error(`fault ${field} must be ${whole ? "an integer" : "a number"} from ${min} to ${max}`);
      }
    }
    if (spec.headers !== undefined) {
      if (!spec.headers || typeof spec.headers !== "object" || Array.isArray(spec.headers)) {
        throw new Error("fault headers must be an object of header names to string values");
      }
      for (const [name, value] of Object.entries(spec.headers)) {
        try {
          if (typeof value !== "string") throw new Error("not a string");
          validateHeaderName(name);
          validateHeaderValue(name, value);
        } catch {
          throw new Error(`fault header ${JSON.stringify(name)} is not a valid HTTP header with a string value`);
        }
      }
    }
    const id = `fault-${++this.faultSeq}`;
    this.faults.push({ ...spec, id, seen: 0, used: 0 });
    return id;
  }

  /** Removes every fault. */
  clearFaults(): void {
    this.faults = [];
  }

  /** Sets the per-key rate limit (0 = off). */
  setRateLimit(perMinute: number): void {
    this.rateLimit = perMinute;
    this.windows.clear();
  }

  /** Forgets webhooks, log, faults and rate windows. */
  reset(): void {
    this.hooks.clear();
    this.log.length = 0;
    this.faults = [];
    this.windows.clear();
    this.save();
  }

  /**
   * Delivers an event to every enabled webhook subscribed to its type, as Rekko would:
   * a JSON POST signed with `x-webhook-signature`. Updates `failure_count` and `enabled`.
   */
  async trigger(type: RekkoEventType, data: Record<string, unknown> = {}): Promise<DeliveryReport[]> {
    if (!isEventType(type)) throw new Error(`event type must be one of ${EVENT_TYPES.join(", ")}`);
    const body = JSON.stringify({ type, ...defaultPayload(type), ...data });
    const targets = [...this.hooks.values()].filter((w) => w.enabled && w.events.includes(type));
    const reports = await Promise.all(targets.map((w) => this.deliver(w, body)));
    this.save();
    return reports;
  }

  private async deliver(hook: EmulatedWebhook, body: string): Promise<DeliveryReport> {
    const signature = hook.secret ? createHmac("sha256", hook.secret).update(body).digest("hex") : null;
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(hook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "rekko-emulator",
          ...(signature ? { "x-webhook-signature": signature } : {}),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.options.deliveryTimeoutMs ?? 5000),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      error = e.name === "TimeoutError" ? "timeout" : (e.cause?.code ?? e.message);
    }
    const ok = error === null;
    hook.failure_count = ok ? 0 : hook.failure_count + 1;
    if (!ok && hook.failure_count >= this.disableAfter) hook.enabled = false;
    return { webhook_id: hook.webhook_id, url: hook.url, ok, status, error, duration_ms: Date.now() - started, signature };
  }

  private record(req: IncomingMessage, path: string, status: number, key: string | null, faults: string[]): void {
    this.log.push({ time: new Date().toISOString(), method: req.method ?? "", path, status, key: maskKey(key), faults });
    if (this.log.length > 20_000) this.log.splice(0, this.log.length - 20_000);
  }

  private matchFaults(method: string, path: string): Fault[] {
    const hits: Fault[] = [];
    for (const f of this.faults) {
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.path && !(f.path.endsWith("*") ? path.startsWith(f.path.slice(0, -1)) : path === f.path)) continue;
      const limit = f.times ?? (f.every ? Number.POSITIVE_INFINITY : 1);
      if (f.used >= limit) continue;
      f.seen += 1;
      if (f.every && f.seen % f.every !== 0) continue;
      hits.push(f);
    }
    // One request gets at most one outcome fault (drop-before, else the first status, else
    // drop-after) plus its latencies; a fault it overrides is not used up nor logged.
    const outcome =
      hits.find((f) => f.kind === "drop-before") ??
      hits.find((f) => f.kind === "status") ??
      hits.find((f) => f.kind === "drop-after");
    const applied = hits.filter((f) => f.kind === "latency" || f === outcome);
    for (const f of applied) f.used += 1;
    this.faults = this.faults.filter((f) => f.used < (f.times ?? (f.every ? Number.POSITIVE_INFINITY : 1)));
    return applied;
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    const max = this.options.maxBodyBytes ?? 1024 * 1024;
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers["content-length"]);
      if (Number.isFinite(declared) && declared > max) {
        req.resume();
        reject(new BodyError(413, "Request body too large"));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > max) {
          req.removeAllListeners("data");
          req.resume();
          reject(new BodyError(413, "Request body too large"));
        } else chunks.push(c);
      });
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://emulator").pathname;
    } catch {
      path = "/";
    }
    if (path.startsWith(CONTROL)) {
      await this.control(req, res, method, path);
      return;
    }
    const auth = req.headers.authorization;
    const key = typeof auth === "string" && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, "").trim() : null;
    const faults = this.matchFaults(method, path);
    const names = faults.map((f) => f.kind);
    const done = (status: number) => this.record(req, path, status, key, names);
    for (const f of faults.filter((x) => x.kind === "latency")) {
      const ms = f.random ? Math.random() * (f.latencyMs ?? 0) : (f.latencyMs ?? 0);
      await new Promise((r) => setTimeout(r, ms));
    }
    if (faults.some((f) => f.kind === "drop-before")) {
      done(0);
      req.socket.destroy();
      return;
    }
    const statusFault = faults.find((f) => f.kind === "status");
    if (statusFault) {
      req.resume();
      const status = statusFault.status ?? 500;
      done(status);
      json(res, status, statusFault.body ?? { detail: `Injected ${status}` }, statusFault.headers);
      return;
    }
    const dropAfter = faults.some((f) => f.kind === "drop-after");
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      done(dropAfter ? 0 : status);
      if (dropAfter) req.socket.destroy();
      else json(res, status, body, headers);
    };
    await this.api(req, method, path, key, answer);
  }

  private async api(
    req: IncomingMessage,
    method: string,
    path: string,
    key: string | null,
    answer: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): Promise<void> {
    const collection = path === "/v1/webhooks" || path === "/v1/webhooks/";
    const item = /^\/v1\/webhooks\/([^/]+)$/.exec(path);
    if (!collection && !item) {
      req.resume();
      answer(404, { detail: "Not Found" });
      return;
    }
    const allowed = collection ? ["GET", "POST"] : ["DELETE"];
    if (!allowed.includes(method)) {
      req.resume();
      answer(405, { detail: "Method Not Allowed" }, { allow: allowed.join(", ") });
      return;
    }
    if (!key || !this.apiKeys.includes(key)) {
      req.resume();
      answer(401, { detail: key ? "Invalid API key" : "Missing API key. Send Authorization: Bearer <key>." });
      return;
    }
    if (this.rateLimit > 0) {
      const now = Date.now();
      const window = (this.windows.get(key) ?? []).filter((t) => now - t < 60_000);
      if (window.length >= this.rateLimit) {
        const wait = Math.max(1, Math.ceil((60_000 - (now - (window[0] ?? now))) / 1000));
        this.windows.set(key, window);
        req.resume();
        answer(429, { detail: `Rate limit exceeded. Try again in ${wait} seconds.` }, { "retry-after": String(wait) });
        return;
      }
      window.push(now);
      this.windows.set(key, window);
    }
    if (key.startsWith("rk_free_")) {
      req.resume();
      const reset = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1));
      const day = reset.toISOString().slice(0, 10);
      answer(
        429,
        { detail: `Monthly DEEP quota exceeded (0/0). Resets on ${day}. Upgrade to Pro for webhooks.` },
        { "retry-after": reset.toISOString() },
      );
      return;
    }
    if (item) {
      req.resume();
      let id: string;
      try {
        id = decodeURIComponent(item[1] ?? "");
      } catch {
        // A malformed %-escape cannot name a webhook: 404 like any unknown id, not a 500.
        answer(404, { detail: "Webhook not found" });
        return;
      }
      const hook = this.hooks.get(id);
      if (!hook || hook.owner !== owner(key)) {
        answer(404, { detail: "Webhook not found" });
        return;
      }
      this.hooks.delete(id);
      this.save();
      answer(200, { status: "deleted", webhook_id: id });
      return;
    }
    if (method === "GET") {
      req.resume();
      answer(
        200,
        [...this.hooks.values()].filter((w) => w.owner === owner(key)).map((w) => this.info(w)),
      );
      return;
    }
    let raw: Buffer;
    try {
      raw = await this.readBody(req);
    } catch (err) {
      answer(err instanceof BodyError ? err.status : 400, { detail: (err as Error).message });
      return;
    }
    const problems = this.validate(req, raw);
    if ("detail" in problems) {
      answer(422, problems);
      return;
    }
    const id = `wh-${randomBytes(6).toString("hex")}`;
    const hook = {
      webhook_id: id,
      url: problems.url,
      events: problems.events,
      enabled: true,
      failure_count: 0,
      created_at: isoNow(),
      secret: problems.secret,
      key: maskKey(key) ?? "",
      owner: owner(key),
    };
    this.hooks.set(id, hook);
    this.save();
    answer(200, this.info(hook));
  }

  private info(w: EmulatedWebhook): Record<string, unknown> {
    return {
      webhook_id: w.webhook_id,
      url: w.url,
      events: [...w.events],
      enabled: w.enabled,
      failure_count: w.failure_count,
      created_at: w.created_at,
    };
  }

  private validate(req: IncomingMessage, raw: Buffer): { detail: unknown[] } | { url: string; events: string[]; secret: string } {
    const type = String(req.headers["content-type"] ?? "");
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch (err) {
      return {
        detail: [
          { type: "json_invalid", loc: ["body", 0], msg: "JSON decode error", input: {}, ctx: { error: (err as Error).message } },
        ],
      };
    }
    if (!/^application\/(.+\+)?json\b/i.test(type) || !body || typeof body !== "object" || Array.isArray(body)) {
      return {
        detail: [
          {
            type: "model_attributes_type",
            loc: ["body"],
            msg: "Input should be a valid dictionary or object to extract fields from",
            input: typeof body === "object" ? body : String(body),
          },
        ],
      };
    }
    const b = body as Record<string, unknown>;
    const detail: unknown[] = [];
    const missing = (f: string) => detail.push({ type: "missing", loc: ["body", f], msg: "Field required", input: b });
    if (b.url === undefined) missing("url");
    else if (typeof b.url !== "string")
      detail.push({ type: "string_type", loc: ["body", "url"], msg: "Input should be a valid string", input: b.url });
    else {
      let ok = false;
      try {
        const u = new URL(b.url);
        ok = u.protocol === "https:" || u.protocol === "http:";
      } catch {
        ok = false;
      }
      if (!ok) detail.push({ type: "url_parsing", loc: ["body", "url"], msg: "Input should be a valid URL", input: b.url });
    }
    if (b.events === undefined) missing("events");
    else if (!Array.isArray(b.events))
      detail.push({ type: "list_type", loc: ["body", "events"], msg: "Input should be a valid list", input: b.events });
    else
      b.events.forEach((e, i) => {
        if (typeof e !== "string")
          detail.push({ type: "string_type", loc: ["body", "events", i], msg: "Input should be a valid string", input: e });
        else if (!isEventType(e)) {
          detail.push({
            type: "enum",
            loc: ["body", "events", i],
            msg: `Input should be ${EVENT_TYPES.map((t) => `'${t}'`).join(", ")}`,
            input: e,
            ctx: { expected: EVENT_TYPES.join(", ") },
          });
        }
      });
    if (b.secret !== undefined && typeof b.secret !== "string") {
      detail.push({ type: "string_type", loc: ["body", "secret"], msg: "Input should be a valid string", input: "***" });
    }
    if (detail.length > 0) return { detail };
    return { url: b.url as string, events: [...new Set(b.events as string[])], secret: (b.secret as string | undefined) ?? "" };
  }

  private async control(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    const route = `${method} ${path.replace(/\/+$/, "")}`;
    let body: Record<string, unknown> = {};
    if (method === "POST" || method === "PUT") {
      try {
        const raw = await this.readBody(req);
        body = raw.length ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : {};
        if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("body must be a JSON object");
      } catch (err) {
        this.record(req, path, 400, null, []);
        json(res, err instanceof BodyError ? err.status : 400, { detail: `Invalid body: ${(err as Error).message}` });
        return;
      }
    } else req.resume();
    const reply = (status: number, payload: unknown) => {
      this.record(req, path, status, null, []);
      json(res, status, payload);
    };
    try {
      switch (route) {
        case "GET /_emulator/requests":
          return reply(200, this.requests());
        case "GET /_emulator/webhooks":
          return reply(200, this.webhooks());
        case "POST /_emulator/reset":
          this.reset();
          return reply(200, { status: "reset" });
        case "GET /_emulator/faults":
          return reply(
            200,
            this.faults.map(({ seen: _s, used: _u, ...f }) => f),
          );
        case "POST /_emulator/faults":
          return reply(200, { id: this.addFault(body as unknown as FaultSpec) });
        case "DELETE /_emulator/faults":
          this.clearFaults();
          return reply(200, { status: "cleared" });
        case "PUT /_emulator/config": {
          const rate = body.rateLimitPerMinute;
          if (rate !== undefined && !(typeof rate === "number" && rate >= 0))
            throw new Error("rateLimitPerMinute must be a number ≥ 0");
          if (typeof rate === "number") this.setRateLimit(rate);
          const after = body.disableAfterFailures;
          if (after !== undefined && !(typeof after === "number" && after >= 1))
            throw new Error("disableAfterFailures must be a number ≥ 1");
          if (typeof after === "number") this.disableAfter = after;
          return reply(200, { rateLimitPerMinute: this.rateLimit, disableAfterFailures: this.disableAfter });
        }
        case "POST /_emulator/events": {
          const type = body.type;
          if (!isEventType(type)) throw new Error(`type must be one of ${EVENT_TYPES.join(", ")}`);
          const data = body.data ?? {};
          if (!data || typeof data !== "object" || Array.isArray(data)) throw new Error("data must be a JSON object");
          return reply(200, { deliveries: await this.trigger(type, data as Record<string, unknown>) });
        }
        default:
          return reply(404, { detail: "Not Found" });
      }
    } catch (err) {
      return reply(400, { detail: (err as Error).message });
    }
  }

  private load(): void {
    const file = this.options.statePath;
    if (!file) return;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return;
    }
    const saved = JSON.parse(text) as { webhooks?: (EmulatedWebhook & { owner: string })[] };
    for (const w of saved.webhooks ?? []) this.hooks.set(w.webhook_id, w);
  }

  private save(): void {
    const file = this.options.statePath;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeFileSync(fd, JSON.stringify({ webhooks: [...this.hooks.values()] }, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  }
}
