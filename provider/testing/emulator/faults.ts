/**
 * Programmed faults: checking a spec, matching faults to a request, and the list the emulator
 * keeps. All pure: no I/O.
 */
import { validateHeaderName, validateHeaderValue } from "node:http";

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

/** A fault in the list: its id, the matches it has seen and the times it was applied. */
export interface Fault extends FaultSpec {
  id: string;
  seen: number;
  used: number;
}

const KINDS = ["status", "latency", "drop-after", "drop-before"];

/** Throws an Error starting with `fault` naming the first bad field; a fault that passes cannot break later requests. */
export function checkFaultSpec(spec: FaultSpec): void {
  if (!KINDS.includes(spec.kind)) throw new Error(`fault kind must be one of ${KINDS.join(", ")}`);
  if (spec.kind === "status" && !(Number.isInteger(spec.status) && (spec.status ?? 0) >= 100 && (spec.status ?? 0) <= 599)) {
    throw new Error("fault status must be an integer from 100 to 599 for a status fault");
  }
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
}

/** How many times a fault may apply: `times`, else unlimited with `every`, else once. */
function limitOf(f: FaultSpec): number {
  return f.times ?? (f.every ? Number.POSITIVE_INFINITY : 1);
}

/** What one request meets: the faults applied to it, and the fault list to keep afterwards. */
export interface FaultMatch {
  applied: Fault[];
  remaining: Fault[];
}

/**
 * Matches a request against the fault list without changing it. A request gets at most one
 * outcome fault (drop-before, else the first status, else drop-after) plus every latency; a
 * fault it overrides is counted as seen (for `every`) but not used up nor reported as applied.
 * Used-up faults leave `remaining`.
 */
export function matchFaults(faults: readonly Fault[], method: string, path: string): FaultMatch {
  const next = faults.map((f) => ({ ...f }));
  const hits: Fault[] = [];
  for (const f of next) {
    if (f.method && f.method.toUpperCase() !== method) continue;
    if (f.path && !(f.path.endsWith("*") ? path.startsWith(f.path.slice(0, -1)) : path === f.path)) continue;
    if (f.used >= limitOf(f)) continue;
    f.seen += 1;
    if (f.every && f.seen % f.every !== 0) continue;
    hits.push(f);
  }
  const outcome =
    hits.find((f) => f.kind === "drop-before") ??
    hits.find((f) => f.kind === "status") ??
    hits.find((f) => f.kind === "drop-after");
  const applied = hits.filter((f) => f.kind === "latency" || f === outcome);
  for (const f of applied) f.used += 1;
  return { applied, remaining: next.filter((f) => f.used < limitOf(f)) };
}

/** The programmed faults, in the order they were added. */
export class FaultList {
  private faults: Fault[] = [];
  private seq = 0;

  /** Programs a fault; returns its id. Throws (`fault …`) on a malformed spec. */
  add(spec: FaultSpec): string {
    checkFaultSpec(spec);
    const id = `fault-${++this.seq}`;
    this.faults.push({ ...spec, id, seen: 0, used: 0 });
    return id;
  }

  /** The faults still active, with their ids. */
  specs(): (FaultSpec & { id: string })[] {
    return this.faults.map(({ seen: _s, used: _u, ...f }) => f);
  }

  /** The faults that apply to a request; used-up ones leave the list. */
  take(method: string, path: string): Fault[] {
    const { applied, remaining } = matchFaults(this.faults, method, path);
    this.faults = remaining;
    return applied;
  }

  clear(): void {
    this.faults = [];
  }
}
