/**
 * Billing as Rekko documents it: every key has a plan (`rk_free_…` keys Free, others Pro),
 * monthly quotas per endpoint tier, usage that resets on the 1st of each month (UTC, on the
 * emulator's clock), the quota 429, and the account `GET /v1/customers/me` shows.
 */
import { createHash } from "node:crypto";
import type { EmulatorClock } from "./clock";

/** The endpoint tiers of Rekko's pricing. Webhooks are DEEP; `GET /v1/customers/me` is counted as LISTING here. */
export const TIERS = ["listing", "insight", "strategy", "deep"] as const;
export type Tier = (typeof TIERS)[number];
/** Calls per tier. */
export type TierCounts = Record<Tier, number>;
/** Monthly calls allowed per tier; `null` is no limit. */
export type TierQuotas = Record<Tier, number | null>;
/** A key's plan: `rk_free_…` keys are Free, every other key Pro. */
export type Plan = "free" | "pro";

/** Monthly calls per plan, as Rekko's plans page gives them. */
export const DOCUMENTED_QUOTAS: Readonly<Record<Plan, Readonly<TierCounts>>> = Object.freeze({
  free: Object.freeze({ listing: 100, insight: 10, strategy: 0, deep: 0 }),
  pro: Object.freeze({ listing: 10_000, insight: 500, strategy: 50, deep: 10 }),
});

/** Which webhook calls count as DEEP calls: `create` (POST), `writes` (POST, DELETE), `all` (also the list). */
export const DEEP_COUNTS = ["create", "writes", "all"] as const;
export type DeepCounts = (typeof DEEP_COUNTS)[number];

/**
 * Monthly quotas: per plan, then per key, each over the one before. Unset, a Free key has the
 * documented quotas (DEEP 0) and a Pro key the documented ones except DEEP, which has no limit
 * (so suites that create many webhooks under one key keep running); `pro: { deep: 10 }` gives
 * Rekko's Pro plan exactly.
 */
export interface QuotaOptions {
  free?: Partial<TierQuotas>;
  pro?: Partial<TierQuotas>;
  /** Per key (the key itself, as accepted). */
  keys?: Record<string, Partial<TierQuotas>>;
}

/** The body of `GET /v1/customers/me`. */
export interface Account {
  customer_id: string;
  email: string;
  plan: Plan;
  status: "active";
  /** Display-safe: `rk_pro_...`. */
  key_prefix: string;
  usage: TierCounts;
  quotas: TierQuotas;
  /** The first day of the next month (UTC), `YYYY-MM-DD`. */
  resets_on: string;
}

/** A quota answer: status 429, the documented detail, `Retry-After` the reset date (ISO 8601). */
export interface QuotaRefusal {
  status: 429;
  body: { detail: string };
  headers: Record<string, string>;
}

export function planOf(key: string): Plan {
  return key.startsWith("rk_free_") ? "free" : "pro";
}

/** The billing month of a time, `YYYY-MM` (UTC). */
function monthOf(time: number): string {
  return new Date(time).toISOString().slice(0, 7);
}

/** When the month of `time` ends: the 1st of the next month, 00:00 UTC. */
export function resetOf(time: number): Date {
  const d = new Date(time);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/** True when a webhook call with this method counts as a DEEP call under `counts`. */
export function countsAsDeep(counts: DeepCounts, method: string): boolean {
  if (counts === "all" || method === "POST") return true;
  return counts === "writes" && method === "DELETE";
}

/** Throws naming `name` unless `value` is a partial {tier: whole number ≥ 0 (or null when `nulls`)}. */
export function checkTierValues(value: unknown, name: string, nulls: boolean): asserts value is Partial<TierQuotas> {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error(`${name} must be an object of tiers`);
  for (const [tier, n] of Object.entries(value)) {
    if (!(TIERS as readonly string[]).includes(tier)) throw new Error(`${name}.${tier} is not a tier (${TIERS.join(", ")})`);
    const ok = (n === null && nulls) || (typeof n === "number" && Number.isSafeInteger(n) && n >= 0);
    if (!ok) throw new Error(`${name}.${tier} must be a whole number ≥ 0${nulls ? " or null (no limit)" : ""}`);
  }
}

/** Per-key usage and quotas on the emulator's clock. */
export class Billing {
  private readonly usage = new Map<string, { month: string; used: TierCounts }>();
  private readonly perKey = new Map<string, Partial<TierQuotas>>();
  private readonly plans: Record<Plan, TierQuotas>;

  constructor(
    private readonly clock: EmulatorClock,
    options: QuotaOptions = {},
    /** Which webhook calls count as DEEP calls. */
    public deepCounts: DeepCounts = "all",
  ) {
    this.plans = {
      free: { ...DOCUMENTED_QUOTAS.free, ...options.free },
      pro: { ...DOCUMENTED_QUOTAS.pro, deep: null, ...options.pro },
    };
    for (const [key, quotas] of Object.entries(options.keys ?? {})) this.perKey.set(key, { ...quotas });
  }

  /** The key's monthly quotas. */
  quotas(key: string): TierQuotas {
    return { ...this.plans[planOf(key)], ...this.perKey.get(key) };
  }

  /** The key's usage this month (a new month starts at 0). */
  used(key: string): TierCounts {
    return { ...this.current(key) };
  }

  private current(key: string): TierCounts {
    const month = monthOf(this.clock.now());
    let entry = this.usage.get(key);
    if (entry?.month !== month) {
      entry = { month, used: { listing: 0, insight: 0, strategy: 0, deep: 0 } };
      this.usage.set(key, entry);
    }
    return entry.used;
  }

  /** Counts one call of `tier`; returns the quota answer instead (and counts nothing) when the quota is used up. */
  charge(key: string, tier: Tier): QuotaRefusal | undefined {
    const used = this.current(key);
    const limit = this.quotas(key)[tier];
    if (limit !== null && used[tier] >= limit) {
      const reset = resetOf(this.clock.now());
      const day = reset.toISOString().slice(0, 10);
      const next =
        planOf(key) === "free"
          ? `Upgrade to Pro for ${DOCUMENTED_QUOTAS.pro[tier]} ${tier.toUpperCase()} calls a month, or pay per call.`
          : "Upgrade to Enterprise, or pay per call.";
      return {
        status: 429,
        body: { detail: `Monthly ${tier.toUpperCase()} quota exceeded (${used[tier]}/${limit}). Resets on ${day}. ${next}` },
        headers: { "retry-after": reset.toISOString() },
      };
    }
    used[tier] += 1;
    return undefined;
  }

  /** What `GET /v1/customers/me` answers for the key. */
  account(key: string): Account {
    const plan = planOf(key);
    const hash = createHash("sha256").update(key).digest("hex");
    return {
      customer_id: `cus_${hash.slice(0, 12)}`,
      email: `${plan}-${hash.slice(12, 18)}@customers.rekko.test`,
      plan,
      status: "active",
      key_prefix: `${/^(rk_[a-z]+_)/.exec(key)?.[1] ?? "rk_"}...`,
      usage: this.used(key),
      quotas: this.quotas(key),
      resets_on: resetOf(this.clock.now()).toISOString().slice(0, 10),
    };
  }

  /** Sets some of the key's quotas (over its plan's). */
  setQuotas(key: string, quotas: Partial<TierQuotas>): void {
    this.perKey.set(key, { ...this.perKey.get(key), ...quotas });
  }

  /** Sets some of the key's usage this month. */
  setUsage(key: string, usage: Partial<TierCounts>): void {
    Object.assign(this.current(key), usage);
  }

  /** Forgets every key's usage (quotas stay). */
  clearUsage(): void {
    this.usage.clear();
  }
}
