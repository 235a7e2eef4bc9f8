/**
 * Rekko API calls per operation, from the emulator's request log, and the targets they are held
 * to. Every call to /v1/webhooks may be billed (the API does not say which count), so the targets
 * are the fewest calls each operation can make: preview none; up one create per new webhook and
 * no read when no create's outcome is unknown; a second up none; a replacement or a rotation a
 * create and a delete per webhook; refresh one list per provider and key; destroy one delete per
 * webhook; a program that calls getWebhooks once per run one list per run; the cost command no
 * webhook call, only its read of the account.
 */

/** `METHOD /path` with webhook ids written `{id}` → how many. */
export type Calls = Record<string, number>;

/** One logged request, as the emulator's log has it (only what is read here). */
export interface LoggedCall {
  method: string;
  path: string;
  status: number;
}

export const LIST = "GET /v1/webhooks";
export const CREATE = "POST /v1/webhooks";
export const DELETE = "DELETE /v1/webhooks/{id}";
/** The account's plan, usage and quotas (billed as one LISTING call, not DEEP). */
export const CUSTOMER = "GET /v1/customers/me";

/** `METHOD /path` of a request, the webhook id folded to `{id}` and the query dropped. */
export function callKey(r: Pick<LoggedCall, "method" | "path">): string {
  return `${r.method} ${r.path.split("?")[0]?.replace(/^\/v1\/webhooks\/[^/]+$/, "/v1/webhooks/{id}")}`;
}

/** The API calls (paths under /v1/) of a slice of the log, by method and path, and their statuses. */
export function countCalls(log: readonly LoggedCall[]): { calls: Calls; statuses: Record<string, number> } {
  const calls: Calls = {};
  const statuses: Record<string, number> = {};
  for (const r of log) {
    if (!r.path.startsWith("/v1/")) continue;
    const key = callKey(r);
    calls[key] = (calls[key] ?? 0) + 1;
    statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
  }
  return { calls, statuses };
}

/** `{ "POST /v1/webhooks": 100 }` → `100× POST /v1/webhooks`; `{}` → `0`. */
export function callText(calls: Calls): string {
  const parts = Object.entries(calls)
    .filter(([, v]) => v > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${v}× ${k}`);
  return parts.length === 0 ? "0" : parts.join(", ");
}

/** Two call counts are the same (zero counts ignored). */
export function sameCalls(a: Calls, b: Calls): boolean {
  return callText(a) === callText(b);
}

/** The operations whose calls are measured (the timing runs measure the first five). */
export const OPERATIONS = [
  "cost",
  "preview",
  "up",
  "second-up",
  "replace",
  "rotation",
  "refresh",
  "import",
  "get-webhooks",
  "orphans",
  "destroy",
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What an operation did to how many webhooks, for its target. */
export interface OperationSize {
  /** Webhooks the operation creates, replaces, rotates, refreshes or deletes. */
  n: number;
  /** Providers (distinct provider and key) in the stack; 1 unless said. */
  providers?: number;
}

/** A target: what it says in words, and the calls it allows at a size (undefined: no target, measured only). */
export interface CallTarget {
  text: string;
  expected?: (size: OperationSize) => Calls;
}

export const TARGETS: Record<Operation, CallTarget> = {
  preview: { text: "0", expected: () => ({}) },
  up: { text: "N creates, no read", expected: ({ n }) => ({ [CREATE]: n }) },
  "second-up": { text: "0", expected: () => ({}) },
  replace: { text: "N creates and N deletes, no read", expected: ({ n }) => ({ [CREATE]: n, [DELETE]: n }) },
  rotation: { text: "N creates and N deletes, no read", expected: ({ n }) => ({ [CREATE]: n, [DELETE]: n }) },
  refresh: {
    text: "1 list per provider and key",
    expected: ({ n, providers = 1 }): Calls => (n > 0 ? { [LIST]: providers } : {}),
  },
  import: { text: "no target" },
  "get-webhooks": { text: "1 list per run", expected: () => ({ [LIST]: 1 }) },
  orphans: { text: "no target" },
  cost: { text: "no webhook call; 1 account read", expected: () => ({ [CUSTOMER]: 1 }) },
  destroy: { text: "N deletes", expected: ({ n }) => ({ [DELETE]: n }) },
};

/** Whether measured calls meet the operation's target: true, false, or undefined when it has none. */
export function meetsTarget(op: Operation, size: OperationSize, calls: Calls): boolean | undefined {
  const expected = TARGETS[op].expected;
  return expected ? sameCalls(calls, expected(size)) : undefined;
}
