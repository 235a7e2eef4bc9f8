/** The emulator's options, and the settings that can also change while it runs (`PUT /_emulator/config`). */
import { randomBytes } from "node:crypto";
import { isLoopbackAddress } from "../../core/hosts";
import { DEEP_COUNTS, type DeepCounts, type QuotaOptions } from "./billing";

/** Options of {@link RekkoEmulator.start}. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Bind address. Default 127.0.0.1; a non-loopback address needs `allowRemote`. */
  host?: string;
  /** Allow a non-loopback bind address, and any Host header (by default only loopback names are served). */
  allowRemote?: boolean;
  /** Accepted keys. Default: one generated Pro key (`apiKey`). `rk_free_…` keys are on the Free plan, all others on Pro. */
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
  /**
   * Store, answer and list each registered url as a WHATWG URL serialises it, as an API
   * validating with pydantic's `HttpUrl` may: host lower-cased, default port dropped, `/` for an
   * empty path (`https://Hooks.Example.com:443` → `https://hooks.example.com/`). Default false
   * (the url is kept as sent).
   */
  normalizeUrls?: boolean;
  /**
   * A created webhook appears in `GET /v1/webhooks` only this many ms after its create was
   * answered, and a deleted one stays listed as long (a list read from a lagging replica).
   * Creates and deletes themselves take effect at once. Default 0 (no lag).
   */
  listLagMs?: number;
  /**
   * The emulator's clock runs this many ms ahead of the machine's (negative: behind). It stamps
   * the `Date` header, `created_at`, the request log and the billing month. Default 0.
   */
  clockSkewMs?: number;
  /** Which webhook calls count as DEEP calls: `create` (POST), `writes` (POST, DELETE) or `all` (also the list). Default `all`. */
  deepCounts?: DeepCounts;
  /**
   * Monthly quotas per plan and per key (see {@link QuotaOptions}). Default: Free keys the
   * documented quotas (DEEP 0); Pro keys the documented ones except DEEP, which has **no
   * limit**; `{ pro: { deep: 10 } }` is Rekko's Pro plan.
   */
  quotas?: QuotaOptions;
}

/** What `PUT /_emulator/config` and {@link RekkoEmulator.configure} change. */
export interface EmulatorSettings {
  rateLimitPerMinute: number;
  disableAfterFailures: number;
  normalizeUrls: boolean;
  listLagMs: number;
  clockSkewMs: number;
  deepCounts: DeepCounts;
}

const HOUR = 3_600_000;
/** The largest clock offset, either way: 100 years, ms. */
export const MAX_CLOCK_OFFSET_MS = 100 * 365 * 24 * HOUR;

/** Checks settings (unknown keys are ignored); throws naming the first bad one. */
export function checkSettings(given: Record<string, unknown>): Partial<EmulatorSettings> {
  const out: Partial<EmulatorSettings> = {};
  const whole = (name: keyof EmulatorSettings, min: number, max: number): number | undefined => {
    const v = given[name];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new Error(`${name} must be a whole number from ${min} to ${max}`);
    }
    return v;
  };
  const rate = given.rateLimitPerMinute;
  if (rate !== undefined) {
    if (!(typeof rate === "number" && Number.isFinite(rate) && rate >= 0))
      throw new Error("rateLimitPerMinute must be a number ≥ 0");
    out.rateLimitPerMinute = rate;
  }
  const after = given.disableAfterFailures;
  if (after !== undefined) {
    if (!(typeof after === "number" && Number.isFinite(after) && after >= 1))
      throw new Error("disableAfterFailures must be a number ≥ 1");
    out.disableAfterFailures = after;
  }
  if (given.normalizeUrls !== undefined) {
    if (typeof given.normalizeUrls !== "boolean") throw new Error("normalizeUrls must be true or false");
    out.normalizeUrls = given.normalizeUrls;
  }
  const lag = whole("listLagMs", 0, HOUR);
  if (lag !== undefined) out.listLagMs = lag;
  const skew = whole("clockSkewMs", -MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS);
  if (skew !== undefined) out.clockSkewMs = skew;
  if (given.deepCounts !== undefined) {
    if (!(DEEP_COUNTS as readonly unknown[]).includes(given.deepCounts)) {
      throw new Error(`deepCounts must be one of ${DEEP_COUNTS.join(", ")}`);
    }
    out.deepCounts = given.deepCounts as DeepCounts;
  }
  return out;
}

/** What {@link RekkoEmulator.start} starts with: the options checked, keys and token generated where not given. */
export interface StartPlan {
  host: string;
  keys: string[];
  token: string;
  settings: Partial<EmulatorSettings>;
}

/** Checks the options and fills in the defaults; throws `rekko-emulator: …` naming what is wrong. */
export function planStart(options: EmulatorOptions): StartPlan {
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
  try {
    return { host, keys, token, settings: checkSettings({ ...options }) };
  } catch (err) {
    throw new Error(`rekko-emulator: ${(err as Error).message}`);
  }
}
