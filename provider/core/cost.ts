/**
 * What a deployment costs at Rekko, read from `pulumi preview --json`: the webhook calls its plan
 * makes, their price at Rekko's pay-per-call DEEP price, and whether an account's monthly DEEP
 * quota covers them. Pure: no network, no Pulumi import.
 */
import { RekkoConfigError } from "./errors";
import { isWebhookType } from "./types";

/** Rekko's pay-per-call price of one DEEP-tier call (webhook calls are DEEP), US dollars. */
export const DEEP_CALL_PRICE_USD = 5;

/** The webhook calls of a plan, on the happy path (no create with an unknown outcome). */
export interface PlanCalls {
  /** `POST /v1/webhooks`: new webhooks and the new side of replacements. */
  creates: number;
  /** `DELETE /v1/webhooks/{id}`: removed webhooks and the old side of replacements (not those retained on delete). */
  deletes: number;
  /** `GET /v1/webhooks`: one per provider whose steps import or read a webhook. */
  lists: number;
  /** Of the creates and deletes: replacements (each one create and one delete). */
  replacements: number;
  /** Every webhook step counted: urn, type and op. */
  steps: { urn: string; type: string; op: string }[];
  /** Providers (urn::id) of the counted steps. */
  providers: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The type token at the end of a URN (`…::<type>::<name>`, the last `$` part of a parent chain). */
function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  return (parts[parts.length - 2] ?? "").split("$").pop() ?? "";
}

function stateType(state: unknown): string | undefined {
  return isObject(state) && typeof state.type === "string" ? state.type : undefined;
}

const CREATES = new Set(["create", "create-replacement", "replace"]);
const DELETES = new Set(["delete", "delete-replaced", "replace"]);
const READS = new Set(["read", "import", "read-replacement", "import-replacement", "refresh"]);

/**
 * Counts the webhook calls in `pulumi preview --json` output (its text or parsed JSON): every
 * step of a resource type this package registers (from `types.ts`; components such as
 * `RekkoWebhookWithSecret` make no call). A replacement counts one create (if its new type holds
 * a webhook) and one delete (if its old type does), once per urn however the engine shows it.
 * Throws a {@link RekkoConfigError} when the input is not a preview, or the preview failed.
 */
export function planCalls(preview: string | Json): PlanCalls {
  let doc: unknown = preview;
  if (typeof preview === "string") {
    try {
      doc = JSON.parse(preview);
    } catch {
      throw new RekkoConfigError(
        "The input is not JSON. Pipe `pulumi preview --json` into this command, or name a file holding it.",
      );
    }
  }
  if (!isObject(doc) || !Array.isArray(doc.steps)) {
    const failed = isObject(doc) && Array.isArray(doc.diagnostics);
    throw new RekkoConfigError(
      failed
        ? "The preview has no steps (it failed; see its diagnostics). Fix the program, then run `pulumi preview --json` again."
        : 'The input has no "steps": give the output of `pulumi preview --json`.',
    );
  }
  const errors = (Array.isArray(doc.diagnostics) ? doc.diagnostics : []).filter((d) => isObject(d) && d.severity === "error");
  if (errors.length > 0) {
    throw new RekkoConfigError(
      `The preview failed (${errors.length} error diagnostic(s)), so its plan is incomplete. Fix the program, then run \`pulumi preview --json\` again.`,
    );
  }
  const byUrn = new Map<
    string,
    { creates: boolean; deletes: boolean; reads: boolean; type: string; ops: string[]; provider: string }
  >();
  for (const step of doc.steps) {
    if (!isObject(step) || typeof step.op !== "string" || typeof step.urn !== "string") continue;
    const op = step.op;
    const fromUrn = typeOfUrn(step.urn);
    const newType = stateType(step.newState) ?? fromUrn;
    const oldType = stateType(step.oldState) ?? fromUrn;
    const retained = isObject(step.oldState) && step.oldState.retainOnDelete === true;
    const creates = CREATES.has(op) && isWebhookType(newType);
    const deletes = DELETES.has(op) && isWebhookType(oldType) && !retained;
    const reads = READS.has(op) && isWebhookType(newType);
    if (!creates && !deletes && !reads) continue;
    const entry = byUrn.get(step.urn) ?? {
      creates: false,
      deletes: false,
      reads: false,
      type: isWebhookType(newType) ? newType : oldType,
      ops: [],
      provider: typeof step.provider === "string" ? step.provider : "",
    };
    entry.creates ||= creates;
    entry.deletes ||= deletes;
    entry.reads ||= reads;
    entry.ops.push(op);
    byUrn.set(step.urn, entry);
  }
  const entries = [...byUrn.entries()];
  const readers = new Set(entries.filter(([, e]) => e.reads).map(([, e]) => e.provider));
  return {
    creates: entries.filter(([, e]) => e.creates).length,
    deletes: entries.filter(([, e]) => e.deletes).length,
    lists: readers.size,
    replacements: entries.filter(([, e]) => e.creates && e.deletes).length,
    steps: entries.map(([urn, e]) => ({ urn, type: e.type, op: e.ops.join("+") })),
    providers: [...new Set(entries.map(([, e]) => e.provider))],
  };
}

/** The plan's DEEP calls, counting every webhook call (the strictest reading of Rekko's billing). */
export function deepCalls(calls: PlanCalls): number {
  return calls.creates + calls.deletes + calls.lists;
}

/** What `GET /v1/customers/me` says of the DEEP tier. */
export interface DeepAccount {
  plan: string;
  /** DEEP calls used this month. */
  used: number;
  /** DEEP calls a month; `null` when the account states no limit. */
  quota: number | null;
  /** When the quota resets, `YYYY-MM-DD`. */
  resetsOn: string;
}

/** Reads the DEEP tier out of a `GET /v1/customers/me` answer; throws naming what is missing. */
export function deepAccount(body: unknown): DeepAccount {
  const b = isObject(body) ? body : {};
  const usage = isObject(b.usage) ? b.usage.deep : undefined;
  const quota = isObject(b.quotas) ? b.quotas.deep : undefined;
  if (typeof usage !== "number" || !(typeof quota === "number" || quota === null) || typeof b.resets_on !== "string") {
    throw new RekkoConfigError(
      "GET /v1/customers/me did not answer usage.deep, quotas.deep and resets_on; the quota cannot be checked.",
    );
  }
  return { plan: typeof b.plan === "string" ? b.plan : "unknown", used: usage, quota, resetsOn: b.resets_on };
}

/** DEEP calls left this month (`null`: no limit). */
export function deepLeft(account: DeepAccount): number | null {
  return account.quota === null ? null : Math.max(0, account.quota - account.used);
}
