/**
 * The control surface under `/_emulator/`: deliver events, program faults, read the request
 * log and the stored secrets, change settings, set the clock and the billing, reset. It reads every key's webhook secrets and
 * sends validly signed deliveries, so each request must carry the control token
 * (`Authorization: Bearer <token>`), and a body must be `application/json` (a cross-origin
 * page cannot send either without a CORS preflight, which the emulator never answers).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { EVENT_TYPES, isEventType, type RekkoEventType } from "../../core/events";
import { type Account, checkTierValues, type DeepCounts, type TierCounts, type TierQuotas } from "./billing";
import type { DeliveryReport } from "./delivery";
import type { FaultSpec } from "./faults";
import { BodyError, isJsonType, readBody } from "./http";
import { checkSettings, type EmulatorSettings, MAX_CLOCK_OFFSET_MS } from "./options";
import type { LoggedRequest } from "./requestLog";
import type { EmulatedWebhook } from "./store";

/** The path prefix of the control surface. */
export const CONTROL_PREFIX = "/_emulator/";

/** What the control surface drives: the emulator's programmatic API. */
export interface ControlTarget {
  requests(): LoggedRequest[];
  webhooks(): EmulatedWebhook[];
  reset(): void;
  faultSpecs(): FaultSpec[];
  addFault(spec: FaultSpec): string;
  clearFaults(): void;
  configure(settings: Partial<EmulatorSettings>): void;
  settings(): EmulatorSettings;
  clock(): ClockView;
  setClock(change: ClockChange): ClockView;
  billing(): BillingView;
  setBilling(key: string, change: { quotas?: Partial<TierQuotas>; usage?: Partial<TierCounts> }): Account & { key: string };
  trigger(type: RekkoEventType, data?: Record<string, unknown>): Promise<DeliveryReport[]>;
}

/** The emulator's clock: its time (ISO 8601) and how far it is ahead of the machine's, ms. */
export interface ClockView {
  now: string;
  offsetMs: number;
}

/** One of: move the clock to `now` (a date, or ISO 8601 text), forward by `advanceMs`, or set `offsetMs` from the machine's clock. */
export interface ClockChange {
  now?: Date | string;
  advanceMs?: number;
  offsetMs?: number;
}

/** Which calls count, and every accepted key's account (keys masked). */
export interface BillingView {
  deepCounts: DeepCounts;
  accounts: (Account & { key: string })[];
}

/** Checks a clock change from the control surface; throws naming the field. */
function clockChange(body: Record<string, unknown>): ClockChange {
  const given = (["now", "advanceMs", "offsetMs"] as const).filter((k) => body[k] !== undefined);
  if (given.length !== 1) throw new Error("give exactly one of now (ISO 8601), advanceMs, offsetMs");
  if (body.now !== undefined) {
    if (typeof body.now !== "string" || Number.isNaN(Date.parse(body.now))) throw new Error("now must be an ISO 8601 date");
    return { now: body.now };
  }
  const name = given[0] === "advanceMs" ? "advanceMs" : "offsetMs";
  const v = body[name];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || Math.abs(v) > MAX_CLOCK_OFFSET_MS) {
    throw new Error(`${name} must be a whole number of ms within ±${MAX_CLOCK_OFFSET_MS}`);
  }
  return { [name]: v };
}

/** True when the request's bearer token is `token` (compared in constant time). */
export function hasControlToken(req: IncomingMessage, token: string): boolean {
  const auth = req.headers.authorization;
  if (typeof auth !== "string" || !/^Bearer\s+/i.test(auth)) return false;
  const given = createHash("sha256")
    .update(auth.replace(/^Bearer\s+/i, "").trim())
    .digest();
  return timingSafeEqual(given, createHash("sha256").update(token).digest());
}

/** True when the request carries a body (a length above zero, or chunked). */
function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
}

/**
 * Serves one control request and returns its status and answer. Refuses a missing or wrong
 * token (401), and any body that is not `application/json` (415).
 */
export async function serveControl(
  target: ControlTarget,
  token: string,
  req: IncomingMessage,
  method: string,
  path: string,
  maxBodyBytes: number,
): Promise<{ status: number; body: unknown }> {
  if (!hasControlToken(req, token)) {
    req.resume();
    return {
      status: 401,
      body: { detail: "The emulator's control surface needs its control token: send Authorization: Bearer <control token>." },
    };
  }
  const writes = method === "POST" || method === "PUT";
  if (hasBody(req) && !isJsonType(req.headers["content-type"])) {
    req.resume();
    return { status: 415, body: { detail: "The control surface accepts only application/json bodies." } };
  }
  let body: Record<string, unknown> = {};
  if (writes) {
    try {
      const raw = await readBody(req, maxBodyBytes);
      body = raw.length ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : {};
      if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("body must be a JSON object");
    } catch (err) {
      return { status: err instanceof BodyError ? err.status : 400, body: { detail: `Invalid body: ${(err as Error).message}` } };
    }
  } else req.resume();
  try {
    return { status: 200, body: await route(target, `${method} ${path.replace(/\/+$/, "")}`, body) };
  } catch (err) {
    if (err instanceof NotFound) return { status: 404, body: { detail: "Not Found" } };
    return { status: 400, body: { detail: (err as Error).message } };
  }
}

class NotFound extends Error {}

async function route(target: ControlTarget, route: string, body: Record<string, unknown>): Promise<unknown> {
  switch (route) {
    case "GET /_emulator/requests":
      return target.requests();
    case "GET /_emulator/webhooks":
      return target.webhooks();
    case "POST /_emulator/reset":
      target.reset();
      return { status: "reset" };
    case "GET /_emulator/faults":
      return target.faultSpecs();
    case "POST /_emulator/faults":
      return { id: target.addFault(body as unknown as FaultSpec) };
    case "DELETE /_emulator/faults":
      target.clearFaults();
      return { status: "cleared" };
    case "PUT /_emulator/config":
      target.configure(checkSettings(body));
      return target.settings();
    case "GET /_emulator/clock":
      return target.clock();
    case "PUT /_emulator/clock":
      return target.setClock(clockChange(body));
    case "GET /_emulator/billing":
      return target.billing();
    case "PUT /_emulator/billing": {
      if (typeof body.key !== "string") throw new Error("key must be the API key whose billing to change");
      if (body.quotas !== undefined) checkTierValues(body.quotas, "quotas", true);
      if (body.usage !== undefined) checkTierValues(body.usage, "usage", false);
      return target.setBilling(body.key, {
        ...(body.quotas !== undefined ? { quotas: body.quotas as Partial<TierQuotas> } : {}),
        ...(body.usage !== undefined ? { usage: body.usage as Partial<TierCounts> } : {}),
      });
    }
    case "POST /_emulator/events": {
      const type = body.type;
      if (!isEventType(type)) throw new Error(`type must be one of ${EVENT_TYPES.join(", ")}`);
      const data = body.data ?? {};
      if (!data || typeof data !== "object" || Array.isArray(data)) throw new Error("data must be a JSON object");
      return { deliveries: await target.trigger(type, data as Record<string, unknown>) };
    }
    default:
      throw new NotFound();
  }
}
