/**
 * The rig of the reliability suites: a local emulator, the reliability Pulumi project on a
 * file backend, and the real `pulumi` CLI spawned directly (own process group, both output
 * streams and the engine event log captured, so every printed line can be searched for leaks
 * and the CLI can be interrupted by pid).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { RekkoEventType } from "../../provider/core/events";
import { WEBHOOK_RESOURCE_TYPE } from "../../provider/core/orphans";
import { type EmulatorOptions, type LoggedRequest, RekkoEmulator } from "../../provider/testing";
import { type CliResult, type RunOptions, spawnPulumi } from "./cli";
import { openProject, type TestProject, WORK } from "./engine";

export type { CliResult, RunOptions } from "./cli";

/** The Pulumi project of these suites: webhooks declared from the `hooks` config, each with its own secret. */
export const PROJECT_DIR = join(__dirname, "..", "reliability", "projects", "webhooks");
/** Loaded into the provider process by NODE_OPTIONS: logs the client's retries (its `onRetry` hook). */
const RETRY_PROBE = join(__dirname, "retry-probe.js");

/** A declared webhook with its random signing secret. */
export interface DeclaredHook {
  name: string;
  url: string;
  events: RekkoEventType[];
  secret: string;
}

const EVENT_SETS: RekkoEventType[][] = [
  ["whale_alert"],
  ["price_shift", "whale_alert"],
  ["analysis_complete"],
  ["price_shift", "whale_alert", "analysis_complete"],
  ["price_shift"],
];

/** `count` webhooks with distinct loopback urls, varied events and random 43-character secrets. */
export function declareHooks(count: number, prefix = "h"): DeclaredHook[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}${i}`,
    url: `http://127.0.0.1:9/rekko/${prefix}${i}`,
    events: [...(EVENT_SETS[i % EVENT_SETS.length] ?? ["whale_alert"])],
    secret: `whsec_${randomBytes(27).toString("base64url")}`,
  }));
}

/** API requests of the emulator's log, by outcome. */
export interface RequestFigures {
  requests: number;
  /** Answers injected by a status fault, by status. */
  injected: Record<string, number>;
  /** Connections dropped by a fault (drop-after / drop-before). */
  drops: number;
  /** Requests delayed by a latency fault. */
  delayed: number;
  /** 429s of the emulator's own rate limit (not injected). */
  rateLimited: number;
  /** Failed answers the server gave or dropped (0, 429, 5xx): what the client had to retry or reconcile. */
  failedAnswers: number;
  /**
   * The client's own retries in the provider process (its `onRetry` hook, through
   * scripts/rig/retry-probe.js): counted where they happen, not derived from the faults.
   */
  retries: number;
}

/** A point in a rig's history: how many API requests the emulator had logged and retries the client had made. */
export interface Mark {
  requests: number;
  retries: number;
}

let rigSeq = 0;

/** Counts the API requests of a slice of the emulator's log; `retries` is the client's count for the same span. */
export function requestFigures(log: LoggedRequest[], retries = 0): RequestFigures {
  const api = log.filter((r) => r.path.startsWith("/v1/"));
  const injected: Record<string, number> = {};
  let drops = 0;
  let delayed = 0;
  let rateLimited = 0;
  let failedAnswers = 0;
  for (const r of api) {
    if (r.faults.includes("latency")) delayed++;
    if (r.faults.includes("status")) injected[r.status] = (injected[r.status] ?? 0) + 1;
    else if (r.status === 429) rateLimited++;
    if (r.status === 0) drops++;
    if (r.status === 0 || r.status === 429 || r.status >= 500) failedAnswers++;
  }
  return { requests: api.length, injected, drops, delayed, rateLimited, failedAnswers, retries };
}

/** Faults injected (status answers and drops) in a figures record. */
export function faultCount(f: RequestFigures): number {
  return Object.values(f.injected).reduce((a, b) => a + b, 0) + f.drops;
}

/** `503×7 429×5 drop×2`: the injected faults, for summaries. */
export function faultText(f: RequestFigures): string {
  const parts = Object.entries(f.injected).map(([s, n]) => `${s}×${n}`);
  if (f.drops) parts.push(`drop×${f.drops}`);
  return parts.length ? parts.join(" ") : "none";
}

/**
 * An emulator plus a copy of the reliability project on its own file backend. Every CLI
 * line (stdout, stderr, engine events) is kept in {@link printed} for the leak scan.
 */
export class Rig {
  /** Everything every CLI run printed (stdout and stderr). */
  readonly printed: string[] = [];
  /** Every engine event log (what the Automation API's `onEvent` gets). */
  readonly eventLogs: string[] = [];
  /** Every secret ever declared on this rig. */
  readonly secrets = new Map<string, string>();
  private hooks: DeclaredHook[] = [];
  private readonly eventDir: string;
  /** Where the retry probe in the provider process appends one line per client retry. */
  private readonly retryLog: string;
  private runSeq = 0;
  private readonly opened = Date.now();

  private constructor(
    readonly emu: RekkoEmulator,
    readonly project: TestProject,
  ) {
    this.eventDir = join(WORK, "reliability", `events-${process.pid}-${++rigSeq}`);
    mkdirSync(this.eventDir, { recursive: true });
    this.retryLog = join(this.eventDir, "retries.jsonl");
  }

  /** Starts an emulator and opens a fresh copy of the project with `rekko:*` config set. */
  static async open(options: { emulator?: EmulatorOptions; hooks?: DeclaredHook[] } = {}): Promise<Rig> {
    const emu = await RekkoEmulator.start(options.emulator);
    let project: TestProject | undefined;
    try {
      project = await openProject(PROJECT_DIR);
      const rig = new Rig(emu, project);
      await rig.configSet("rekko:baseUrl", emu.url, false);
      await rig.configSet("rekko:apiKey", emu.apiKey, true);
      await rig.declare(options.hooks ?? []);
      return rig;
    } catch (err) {
      if (project) rmSync(project.dir, { recursive: true, force: true });
      await emu.stop();
      throw err;
    }
  }

  /** The declared webhooks. */
  get declared(): DeclaredHook[] {
    return this.hooks.map((h) => ({ ...h, events: [...h.events] }));
  }

  /** Sets one config value, passing it on standard input (never on the command line). */
  async configSet(key: string, value: string, secret: boolean): Promise<void> {
    const r = await this.run(["config", "set", key, ...(secret ? ["--secret"] : ["--plaintext"])], {
      input: value,
      noEventLog: true,
    });
    if (r.code !== 0) throw new Error(`pulumi config set ${key} failed (${r.code}): ${r.stderr}`);
  }

  /** Declares the webhooks of the next `up` (config `hooks` and the secret `hookSecrets`). */
  async declare(hooks: DeclaredHook[]): Promise<void> {
    this.hooks = hooks.map((h) => ({ ...h, events: [...h.events] }));
    for (const h of hooks) this.secrets.set(h.name, h.secret);
    await this.configSet("hooks", JSON.stringify(hooks.map(({ secret: _s, ...h }) => h)), false);
    await this.configSet("hookSecrets", JSON.stringify(Object.fromEntries(hooks.map((h) => [h.name, h.secret]))), true);
  }

  /**
   * Runs the toolchain's `pulumi` in the project (stack `dev`, non-interactive), in its own
   * process group; on timeout the group is killed. After the CLI exits, processes left in its
   * group (a provider orphaned by SIGKILL) get 60 s to finish, then are killed.
   */
  run(args: string[], options: RunOptions = {}): Promise<CliResult> {
    const ws = this.project.stack.workspace;
    const eventLog = join(this.eventDir, `run-${++this.runSeq}.jsonl`);
    const operation = ["up", "preview", "refresh", "destroy"].includes(args[0] ?? "") && !options.noEventLog;
    const full = [...args, "--stack", "dev", "--non-interactive", ...(operation ? ["--event-log", eventLog] : [])];
    return spawnPulumi(full, {
      ...options,
      cwd: ws.workDir,
      // PULUMI_DEBUG_COMMANDS enables --event-log (as the Automation API does). The retry
      // probe counts the client's retries in the provider process (scripts/rig/retry-probe.js).
      env: {
        ...ws.envVars,
        PULUMI_DEBUG_COMMANDS: "true",
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${RETRY_PROBE}`.trim(),
        REKKO_RETRY_LOG: this.retryLog,
        ...options.env,
      },
      eventLog: operation ? eventLog : undefined,
    }).then((r) => {
      this.printed.push(r.stdout, r.stderr);
      if (r.events) this.eventLogs.push(r.events);
      return r;
    });
  }

  up(extra: string[] = [], options?: RunOptions): Promise<CliResult> {
    return this.run(["up", "--yes", "--skip-preview", ...extra], options);
  }
  refresh(extra: string[] = [], options?: RunOptions): Promise<CliResult> {
    return this.run(["refresh", "--yes", "--skip-preview", ...extra], options);
  }
  destroy(extra: string[] = [], options?: RunOptions): Promise<CliResult> {
    return this.run(["destroy", "--yes", "--skip-preview", ...extra], options);
  }

  /** The real `pulumi stack export` (secrets stay encrypted). */
  async exportText(): Promise<string> {
    const r = await this.run(["stack", "export"], { noEventLog: true });
    if (r.code !== 0) throw new Error(`pulumi stack export failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  /** The webhook resources of the state and its pending operations, from `pulumi stack export`. */
  async state(): Promise<{ ids: string[]; urns: string[]; pending: { type: string; urn: string; id?: string }[]; text: string }> {
    const text = await this.exportText();
    const deployment = (JSON.parse(text) as { deployment?: Record<string, unknown> }).deployment ?? {};
    const resources = (deployment.resources ?? []) as { type: string; urn: string; id?: string }[];
    const hooks = resources.filter((r) => r.type === WEBHOOK_RESOURCE_TYPE);
    const pending = ((deployment.pending_operations ?? []) as { type: string; resource: { urn: string; id?: string } }[]).map(
      (p) => ({
        type: p.type,
        urn: p.resource.urn,
        ...(p.resource.id ? { id: p.resource.id } : {}),
      }),
    );
    return { ids: hooks.map((r) => r.id ?? ""), urns: hooks.map((r) => r.urn), pending, text };
  }

  /**
   * Compares what the emulator holds with the declaration: exactly one webhook per declared
   * one, with its url, events (as a set) and secret, and the state holding exactly those ids.
   */
  async verify(stateIds?: string[]): Promise<{ expected: number; found: number; orphans: number; problems: string[] }> {
    const held = this.emu.webhooks();
    const problems: string[] = [];
    const byUrl = new Map<string, typeof held>();
    for (const w of held) byUrl.set(w.url, [...(byUrl.get(w.url) ?? []), w]);
    for (const h of this.hooks) {
      const matches = byUrl.get(h.url) ?? [];
      if (matches.length !== 1) {
        problems.push(`${h.name}: ${matches.length} webhooks registered for ${h.url}`);
        continue;
      }
      const w = matches[0];
      if (!w) continue;
      if (new Set(w.events).size !== h.events.length || !h.events.every((e) => w.events.includes(e))) {
        problems.push(`${h.name}: events [${w.events.join(",")}], declared [${h.events.join(",")}]`);
      }
      if (w.secret !== h.secret) problems.push(`${h.name}: the registered secret differs from the declared one`);
    }
    const declaredUrls = new Set(this.hooks.map((h) => h.url));
    const strays = held.filter((w) => !declaredUrls.has(w.url));
    if (strays.length) problems.push(`${strays.length} registered webhooks are not declared`);
    const ids = stateIds ?? (await this.state()).ids;
    const heldIds = new Set(held.map((w) => w.webhook_id));
    const orphans = held.filter((w) => !ids.includes(w.webhook_id)).length;
    if (orphans) problems.push(`${orphans} registered webhooks are not in the state (orphans)`);
    const ghosts = ids.filter((id) => !heldIds.has(id));
    if (ghosts.length) problems.push(`${ghosts.length} state ids are not registered: ${ghosts.join(", ")}`);
    return { expected: this.hooks.length, found: held.length, orphans, problems };
  }

  /** The client's retries so far, as the probe in the provider processes logged them. */
  clientRetries(): { request: string; attempt: number; delayMs: number; reason: string }[] {
    if (!existsSync(this.retryLog)) return [];
    return readFileSync(this.retryLog, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { request: string; attempt: number; delayMs: number; reason: string });
  }
  /** Where the emulator's log and the client's retry count stand, to take figures of what follows. */
  mark(): Mark {
    return { requests: this.emu.requests().length, retries: this.clientRetries().length };
  }
  /** Figures of the API requests and the client's retries since `mark`. */
  figures(mark: Mark): RequestFigures {
    return requestFigures(this.emu.requests().slice(mark.requests), this.clientRetries().length - mark.retries);
  }

  /**
   * What the leak scan searches: the real `pulumi stack export`, every line the CLI printed
   * (provider messages included), the engine event logs, the emulator's request log (in
   * memory and over its HTTP control surface), every file of the file backend (checkpoints,
   * history, backups), the project's files (config) and the CLI's log directory.
   */
  async haystacks(): Promise<Record<string, string>> {
    const requests = await fetch(`${this.emu.url}/_emulator/requests`, { headers: this.emu.controlHeaders() }).then((r) =>
      r.text(),
    );
    return {
      "pulumi stack export": await this.exportText(),
      "CLI output": this.printed.join("\n"),
      "engine event log": this.eventLogs.join("\n"),
      "emulator request log": `${JSON.stringify(this.emu.requests())}\n${requests}`,
      "state backend files": readTree(this.project.backend),
      "project files": readTree(this.project.dir, (p) => !p.includes("node_modules") && !p.startsWith(this.project.backend)),
      "pulumi log directory": readTree(
        join(WORK, "pulumi-home", "logs"),
        // The log directory is shared with CLI runs of other spec files, which remove old logs.
        (p) => (statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0) >= this.opened - 1000,
      ),
    };
  }

  /** The secrets the leak scan looks for: the API key and every webhook secret declared. */
  needles(): Record<string, string> {
    const needles: Record<string, string> = { "API key": this.emu.apiKey };
    for (const [name, secret] of this.secrets) needles[`secret of ${name}`] = secret;
    return needles;
  }

  /** Searches every haystack for every needle. */
  async leaks(extra: Record<string, string> = {}): Promise<Leak[]> {
    return findLeaks({ ...(await this.haystacks()), ...extra }, this.needles());
  }

  /** Destroys what is left (no faults), stops the emulator and removes the project copy. */
  async close(): Promise<void> {
    try {
      this.emu.clearFaults();
      this.emu.setRateLimit(0);
      await this.destroy().catch(() => undefined);
    } finally {
      await this.emu.stop();
      rmSync(this.project.dir, { recursive: true, force: true });
      rmSync(this.eventDir, { recursive: true, force: true });
    }
  }
}

/** A plain-text hit of a secret: which one, where, and masked context. */
export interface Leak {
  what: string;
  where: string;
  context: string;
  /**
   * True when the hit is inside the Node.js SDK's own debug diagnostic `RegisterResource RPC
   * finished: … resp: <outputs>`, which prints every secret output in clear (upstream, see
   * docs/RELIABILITY.md); the CLI shows it only with `--debug` or `-v=3` and above.
   */
  sdkDebug: boolean;
}

const SDK_DEBUG = "RegisterResource RPC finished: resource:";
const MESSAGE_STARTS = ["debug: ", "info: ", "warning: ", "error: ", '"message":"', '"msg":"'];

/** True when the nearest message start before `at` is the SDK's RegisterResource debug line. */
function inSdkDebugLine(text: string, at: number): boolean {
  let start = -1;
  let marker = "";
  for (const m of MESSAGE_STARTS) {
    const i = text.lastIndexOf(m, at);
    if (i > start) {
      start = i;
      marker = m;
    }
  }
  if (start < 0) return false;
  const rest = text.slice(start + marker.length, start + marker.length + 200).replace(/^eventSink::Debug\(<\{%reset%\}>/, "");
  return rest.startsWith(SDK_DEBUG);
}

/** Every plain-text occurrence of each needle in each haystack; the context masks the needle. */
export function findLeaks(haystacks: Record<string, string>, needles: Record<string, string>): Leak[] {
  const leaks: Leak[] = [];
  for (const [where, text] of Object.entries(haystacks)) {
    for (const [what, needle] of Object.entries(needles)) {
      if (!needle) continue;
      let at = text.indexOf(needle);
      while (at >= 0) {
        const context = `${text.slice(Math.max(0, at - 80), at)}<${what}>${text.slice(at + needle.length, at + needle.length + 40)}`;
        leaks.push({ what, where, context: context.replace(/\s+/g, " "), sdkDebug: inSdkDebugLine(text, at) });
        at = text.indexOf(needle, at + needle.length);
      }
    }
  }
  return leaks;
}

/** Every file under `dir`, gzip files decompressed (binary files too: a secret would show in clear). */
export function readTree(dir: string, keep: (path: string) => boolean = () => true): string {
  if (!existsSync(dir)) return "";
  const parts: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (!keep(p)) continue;
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 64 * 1024 * 1024) {
        // A file removed since it was listed (another CLI run cleaning its logs) is skipped.
        let raw: Buffer;
        try {
          raw = readFileSync(p);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
          throw err;
        }
        let text = raw.toString("latin1");
        // gzip (the CLI's command logs, compressed state): a compressed secret is not hidden.
        if (raw[0] === 0x1f && raw[1] === 0x8b) {
          try {
            text = gunzipSync(raw).toString("utf8");
          } catch {
            // not gzip after all
          }
        }
        parts.push(`== ${p}\n${text}`);
      }
    }
  };
  walk(dir);
  return parts.join("\n");
}

/** Resolves once `check` is true (polled every 25 ms), or rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Resolves once the emulator has seen no API request for `quietMs`. */
export async function quiet(emu: RekkoEmulator, quietMs = 2000, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let count = emu.requests().length;
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > end) throw new Error("the emulator kept receiving requests");
    await new Promise((r) => setTimeout(r, 100));
    const now = emu.requests().length;
    if (now !== count) {
      count = now;
      since = Date.now();
    }
  }
}

/** Adds up the figures of several phases. */
export function sumFigures(list: RequestFigures[]): RequestFigures {
  const total: RequestFigures = {
    requests: 0,
    injected: {},
    drops: 0,
    delayed: 0,
    rateLimited: 0,
    failedAnswers: 0,
    retries: 0,
  };
  for (const f of list) {
    total.requests += f.requests;
    total.drops += f.drops;
    total.delayed += f.delayed;
    total.rateLimited += f.rateLimited;
    total.retries += f.retries;
    total.failedAnswers += f.failedAnswers;
    for (const [k, v] of Object.entries(f.injected)) total.injected[k] = (total.injected[k] ?? 0) + v;
  }
  return total;
}

/** The detail line of one phase of a suite (indented under the suite's summary line). */
export function phaseLine(
  phase: string,
  f: { operations: number; figures: RequestFigures; expected: number; found: number; ms: number; ok: boolean; extra?: string },
): string {
  return (
    `    ${phase}: operations=${f.operations} requests=${f.figures.requests} ` +
    `faults=${faultCount(f.figures)} (${faultText(f.figures)}; delayed=${f.figures.delayed}; rate-limited=${f.figures.rateLimited}) ` +
    `retries=${f.figures.retries} (failed answers=${f.figures.failedAnswers}) webhooks expected=${f.expected} found=${f.found} time=${(f.ms / 1000).toFixed(1)}s ` +
    `${f.extra ? `${f.extra} ` : ""}${f.ok ? "ok" : "FAILED"}`
  );
}

/** The one-line summary of a suite. */
export function suiteLine(
  suite: string,
  f: { operations: string; figures: RequestFigures; webhooks: string; leaks: number; ms: number; ok: boolean; extra?: string },
): string {
  return (
    `[reliability] ${suite}: operations=${f.operations} faults=${faultCount(f.figures)} (${faultText(f.figures)}; ` +
    `delayed=${f.figures.delayed}; rate-limited=${f.figures.rateLimited}) retries=${f.figures.retries} ` +
    `(failed answers=${f.figures.failedAnswers}) webhooks ${f.webhooks} leaks=${f.leaks}${f.extra ? ` ${f.extra}` : ""} time=${(f.ms / 1000).toFixed(0)}s ${f.ok ? "PASS" : "FAIL"}`
  );
}
