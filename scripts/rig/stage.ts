/**
 * A stage: one Pulumi project of one face (faces.ts), its stack `dev` on a file backend, an
 * emulator and a receiver, and the real `pulumi` CLI. Scenarios (test/engine/) and the model
 * (scripts/reliability/model.ts) drive it with the same verbs: declare, up, preview, refresh,
 * destroy, and what happens outside the stack (a webhook deleted or registered outside, Rekko
 * disabling one, a key switch); they read what the emulator holds, its request log, the state
 * (`pulumi stack export`) and the stack outputs.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RekkoClient } from "../../provider/core/client";
import type { RekkoEventType } from "../../provider/core/events";
import { isWebhookType } from "../../provider/core/types";
import { sameWebhookUrl } from "../../provider/core/urls";
import { verifySignature } from "../../provider/receiver/signature";
import { type DeliveryReport, type EmulatorOptions, type LoggedRequest, RekkoEmulator } from "../../provider/testing";
import { type CliResult, orphansCli, type RunOptions, resourceCounts, spawnPulumi } from "./cli";
import { apiCalls, apiRequests, engineEnv, linkPackage, linkPlugin, storedDeployment, WORK } from "./engine";
import type { Face, Hook, Rendered } from "./faces";
import { findLeaks } from "./harness";
import { Receiver } from "./receiver";

/** A CLI run with what the emulator saw during it. */
export interface Run extends CliResult {
  /** stdout, stderr and the engine event log. */
  output: string;
  /** The API requests (under `/v1/`) made during the run. */
  requests: LoggedRequest[];
  /** The same as `METHOD /path` lines, webhook ids written `{id}`. */
  calls: string[];
  /** The calls that write (every call but the `GET` lists and reads). */
  writes: string[];
  /** The "Resources:" counts the CLI printed (`{created: 2, unchanged: 1}`). */
  counts: Record<string, number>;
}

/** How an operation runs, and what it must end with. */
export interface OpOptions extends RunOptions {
  /** true: the run must fail; false (default): it must succeed; "either": not checked. */
  fails?: boolean | "either";
  /** Keep the output out of {@link Stage.printed} (a command run with `--show-secrets`). */
  unrecorded?: boolean;
}

/** A webhook resource of the state (either face). */
export interface HeldWebhook {
  /** The resource name (for a generated secret, the component's name too). */
  name: string;
  urn: string;
  type: string;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** What `pulumi stack export` holds. */
export interface StateView {
  /** The export as printed (secrets encrypted), for leak checks. */
  text: string;
  webhooks: HeldWebhook[];
  byName: Map<string, HeldWebhook>;
  pending: { type: string; urn: string; id?: string }[];
}

/** The `hooks` stack output, read with `--show-secrets`. */
export type HookOutputs = Record<string, { id?: string; secret?: string; accepted?: string[] }>;

/** What `pulumi-rekko-orphans --json` answers (the fields the checks read). */
export interface OrphansJson {
  unmanaged?: { webhook_id: string; pendingCreates: string[]; duplicateOf: string[] }[];
  deleted?: string[];
}

export interface StageOptions {
  emulator?: EmulatorOptions;
  /** Names the project directory (`.work/scenarios/<face>-<name>-…`). */
  name?: string;
}

const PROJECT = "rekko-scenario";
/** The CLI commands that run a deployment (and write an engine event log). */
const OPERATIONS = ["up", "preview", "refresh", "destroy"];
let seq = 0;

export class Stage {
  /** Everything every CLI run printed. */
  readonly printed: string[] = [];
  /** Every value that must never appear in clear: keys, own secrets, secret urls, generated secrets seen. */
  readonly needles = new Map<string, string>();
  /** The declaration of the last {@link declare}. */
  hooks: Hook[] = [];
  /** The API key the stack is configured with. */
  key: string;
  private config: Record<string, string> = {};
  /** Config set by {@link open} and {@link declare}, written with the next CLI run (one `config set-all`). */
  private pending: Rendered["config"] = {};
  private runs = 0;
  /** Counts the CLI runs that may change the stack; {@link outputs} reads again only after one. */
  private changes = 0;
  private outputsRead?: { at: number; hooks: HookOutputs };

  private constructor(
    readonly face: Face,
    readonly emu: RekkoEmulator,
    readonly receiver: Receiver,
    readonly dir: string,
    private readonly env: Record<string, string>,
  ) {
    this.key = emu.apiKey;
    for (const [i, k] of emu.apiKeys.entries()) this.needles.set(`API key ${i}`, k);
  }

  /** An emulator, a receiver and an empty project of `face` with stack `dev` configured for the emulator. */
  static async open(face: Face, options: StageOptions = {}): Promise<Stage> {
    const emu = await RekkoEmulator.start(options.emulator);
    const receiver = await Receiver.start();
    const dir = join(WORK, "scenarios", `${face.name}-${options.name ?? "stage"}-${process.pid}-${++seq}`);
    try {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(face.projectFiles(PROJECT))) writeFileSync(join(dir, file), text);
      linkPackage(dir);
      if (face.name === "native") linkPlugin(dir);
      const backend = join(dir, ".state");
      mkdirSync(backend, { recursive: true });
      const env = engineEnv({
        PULUMI_BACKEND_URL: `file://${backend}`,
        REKKO_API_KEY: "",
        REKKO_BASE_URL: "",
        REKKO_MAX_REQUESTS_PER_MINUTE: "",
      });
      const stage = new Stage(face, emu, receiver, dir, env);
      stage.write(face.render(PROJECT, []));
      await stage.cli(["stack", "init", "dev"]);
      // Written with the first declaration's config, before the first operation.
      stage.pending = {
        "rekko:apiKey": { value: emu.apiKey, secret: true },
        "rekko:baseUrl": { value: emu.url, secret: false },
      };
      return stage;
    } catch (err) {
      await receiver.close();
      await emu.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Stops the emulator and the receiver and removes the project (nothing is destroyed: the emulator goes). */
  async close(): Promise<void> {
    await this.receiver.close();
    await this.emu.stop();
    if (!process.env.REKKO_KEEP_STAGES) rmSync(this.dir, { recursive: true, force: true });
  }

  /** The receiver's url for `path`: a live endpoint answering 200 (see {@link disable}). */
  url(path: string): string {
    return this.receiver.url(path);
  }

  // ---- the declaration -------------------------------------------------------------------

  /** Writes the program for `hooks`; the stack config it reads is written before the next CLI run. */
  async declare(hooks: Hook[]): Promise<void> {
    const rendered = this.face.render(PROJECT, hooks);
    this.hooks = hooks.map((h) => ({ ...h, events: [...h.events] }));
    for (const h of hooks) {
      if (h.secret?.kind === "own") this.needles.set(`secret of ${h.name}`, h.secret.value);
      if (h.secretUrl) this.needles.set(`secret url of ${h.name}`, h.url);
    }
    this.write(rendered);
    for (const [k, v] of Object.entries(rendered.config)) if (this.config[k] !== v.value) this.pending[k] = v;
  }

  /** The program text of the last declaration (for failure messages). */
  program(): string {
    return Object.values(this.face.render(PROJECT, this.hooks).files).join("\n");
  }

  /** Switches `rekko:apiKey` to `key` (one of the emulator's keys). */
  async setKey(key: string): Promise<void> {
    await this.setConfig({ "rekko:apiKey": { value: key, secret: true } });
    this.key = key;
  }

  private write(rendered: Rendered): void {
    for (const [file, text] of Object.entries(rendered.files)) writeFileSync(join(this.dir, file), text);
  }

  /** Sets stack config now, with any still to be written (one `pulumi config set-all`); secret values stay out of what is printed. */
  async setConfig(values: Rendered["config"]): Promise<void> {
    Object.assign(this.pending, values);
    await this.writeConfig();
  }

  /** Writes the pending config, if any (one `pulumi config set-all`). */
  private async writeConfig(): Promise<void> {
    const values = this.pending;
    if (!Object.keys(values).length) return;
    this.pending = {};
    const args = ["config", "set-all"];
    for (const [k, v] of Object.entries(values)) args.push(v.secret ? "--secret" : "--plaintext", `${k}=${v.value}`);
    await this.run(args);
    for (const [k, v] of Object.entries(values)) this.config[k] = v.value;
  }

  // ---- the CLI ---------------------------------------------------------------------------

  /** Runs `pulumi <args> --stack dev --non-interactive` in the project; checks the exit as `options.fails` says. */
  async cli(args: string[], options: OpOptions = {}): Promise<Run> {
    await this.writeConfig();
    return this.run(args, options);
  }

  /** {@link cli} without writing the pending config first. */
  private async run(args: string[], options: OpOptions = {}): Promise<Run> {
    if (!(args[0] === "stack" && (args[1] === "output" || args[1] === "export"))) this.changes++;
    const mark = this.emu.requests().length;
    const full =
      args[0] === "stack" && args[1] === "init"
        ? [...args, "--non-interactive"]
        : [...args, "--stack", "dev", "--non-interactive"];
    // The engine's event stream of an operation (what the Automation API's onEvent gets) is
    // searched for leaks too: PULUMI_DEBUG_COMMANDS enables --event-log.
    const eventLog = OPERATIONS.includes(args[0] ?? "") ? join(this.dir, `events-${++this.runs}.jsonl`) : undefined;
    if (eventLog) full.push("--event-log", eventLog);
    const env = { ...this.env, ...(eventLog ? { PULUMI_DEBUG_COMMANDS: "true" } : {}), ...options.env };
    const r = await spawnPulumi(full, { ...options, cwd: this.dir, env, eventLog });
    if (!options.unrecorded) this.printed.push(r.stdout, r.stderr, r.events);
    if (process.env.REKKO_STAGE_TIMES)
      console.log(`        [${this.face.name}] pulumi ${args.slice(0, 2).join(" ")}: ${(r.ms / 1000).toFixed(1)} s`);
    const calls = apiCalls(this.emu, mark);
    const run: Run = {
      ...r,
      output: `${r.stdout}\n${r.stderr}\n${r.events}`,
      requests: apiRequests(this.emu, mark),
      calls,
      writes: calls.filter((c) => !c.startsWith("GET")),
      counts: resourceCounts(r.stdout),
    };
    const fails = options.fails ?? false;
    const failed = r.code !== 0;
    if (fails !== "either" && failed !== fails) {
      const where = `pulumi ${args.join(" ")} on the ${this.face.name} face`;
      throw new Error(
        `${where} ${failed ? `failed (exit ${r.code ?? r.signal})` : "succeeded but was expected to fail"}:\n${tail(`${r.stdout}\n${r.stderr}`)}\nprogram:\n${this.program()}`,
      );
    }
    return run;
  }

  /** `pulumi up --yes --skip-preview`; `replace` and `target` name hooks (their URNs are passed). */
  up(options: OpOptions & { replace?: string[]; target?: string[]; flags?: string[] } = {}): Promise<Run> {
    const flags = [
      ...(options.replace ?? []).flatMap((n) => ["--replace", this.urn(n)]),
      ...(options.target ?? []).flatMap((n) => ["--target", this.urn(n)]),
      ...(options.flags ?? []),
    ];
    return this.cli(["up", "--yes", "--skip-preview", ...flags], options);
  }
  preview(options: OpOptions & { flags?: string[] } = {}): Promise<Run> {
    return this.cli(["preview", ...(options.flags ?? [])], options);
  }
  refresh(options: OpOptions & { flags?: string[] } = {}): Promise<Run> {
    return this.cli(["refresh", "--yes", "--skip-preview", ...(options.flags ?? [])], options);
  }
  destroy(options: OpOptions & { flags?: string[] } = {}): Promise<Run> {
    return this.cli(["destroy", "--yes", "--skip-preview", ...(options.flags ?? [])], options);
  }

  /**
   * `up` interrupted by `signal` once `when` holds (polled every 25 ms; never sent when the run
   * ends first). The run may fail; returns it and when the signal was sent (0: not sent).
   */
  async upInterrupted(
    signal: NodeJS.Signals,
    when: () => boolean,
    options: OpOptions & { flags?: string[] } = {},
  ): Promise<{ run: Run; signalledAt: number }> {
    let child: ChildProcess | undefined;
    let done = false;
    const running = this.up({ fails: "either", lingerMs: 5_000, ...options, onStart: (c) => (child = c) }).finally(() => {
      done = true;
    });
    let signalledAt = 0;
    while (!done) {
      if (when()) {
        signalledAt = Date.now();
        child?.kill(signal);
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return { run: await running, signalledAt };
  }

  /** The URN of hook `name` as the current declaration has it (a generated secret: the child of the component). */
  urn(name: string): string {
    const hook = this.hooks.find((h) => h.name === name);
    const type =
      hook?.secret?.kind === "generated" ? `${this.face.withSecretType}$${this.face.webhookType}` : this.face.webhookType;
    return `urn:pulumi:dev::${PROJECT}::${type}::${name}`;
  }

  // ---- what the stack holds --------------------------------------------------------------

  /**
   * The state as the file backend stores it (the checkpoint `pulumi stack export` prints,
   * secrets encrypted), read from the file with no CLI run: the webhook resources by name and
   * the pending operations.
   */
  async state(): Promise<StateView> {
    const { text, deployment } = storedDeployment(join(this.dir, ".state"), PROJECT);
    const resources = (deployment.resources ?? []) as {
      type: string;
      urn: string;
      id?: string;
      inputs?: Record<string, unknown>;
      outputs?: Record<string, unknown>;
    }[];
    const webhooks = resources
      .filter((r) => isWebhookType(r.type))
      .map((r) => ({
        name: r.urn.split("::").pop() ?? "",
        urn: r.urn,
        type: r.type,
        id: r.id ?? "",
        inputs: r.inputs ?? {},
        outputs: r.outputs ?? {},
      }));
    const pending = ((deployment.pending_operations ?? []) as { type: string; resource: { urn: string; id?: string } }[]).map(
      (p) => ({ type: p.type, urn: p.resource.urn, ...(p.resource.id ? { id: p.resource.id } : {}) }),
    );
    return { text, webhooks, byName: new Map(webhooks.map((w) => [w.name, w])), pending };
  }

  /** `pulumi stack export` as a user runs it (secrets encrypted). */
  async exportText(): Promise<string> {
    return (await this.cli(["stack", "export"])).stdout;
  }

  /**
   * The `hooks` output with secrets shown; every secret seen is added to {@link needles}. Read
   * again only after a CLI run that may have changed the stack.
   */
  async outputs(): Promise<HookOutputs> {
    if (this.outputsRead?.at === this.changes) return this.outputsRead.hooks;
    const { stdout } = await this.cli(["stack", "output", "--json", "--show-secrets"], { unrecorded: true });
    const hooks = ((JSON.parse(stdout || "{}") as { hooks?: HookOutputs }).hooks ?? {}) as HookOutputs;
    for (const [name, o] of Object.entries(hooks)) {
      if (o.secret) this.needles.set(`secret of ${name}`, o.secret);
      for (const [i, s] of (o.accepted ?? []).entries()) this.needles.set(`accepted secret ${i} of ${name}`, s);
    }
    this.outputsRead = { at: this.changes, hooks };
    return hooks;
  }

  /** The id the state holds for hook `name` (fails when it holds none). */
  async idOf(name: string): Promise<string> {
    const id = (await this.state()).byName.get(name)?.id;
    if (!id) throw new Error(`the state holds no webhook ${name}`);
    return id;
  }

  // ---- outside the stack -----------------------------------------------------------------

  /** Registers a webhook as someone would with the API directly; returns its id. */
  async registerOutside(hook: { url: string; events: RekkoEventType[]; secret?: string }, key = this.key): Promise<string> {
    const client = new RekkoClient({ baseUrl: this.emu.url, apiKey: key });
    return (await client.createWebhook({ url: hook.url, events: hook.events, secret: hook.secret ?? "" })).webhook_id;
  }

  /** Deletes a webhook outside the stack (`DELETE` with the key that owns it, or this stage's key). */
  async deleteOutside(id: string, key = this.key): Promise<void> {
    const r = await fetch(`${this.emu.url}/v1/webhooks/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${key}` } });
    if (r.status !== 204 && r.status !== 200) throw new Error(`DELETE ${id} outside the stack answered ${r.status}`);
  }

  /**
   * Rekko disables webhook `id`: its receiver path fails while one event of its type is
   * delivered, with the emulator disabling after one failure; other webhooks get that event
   * (answered 200) and stay enabled.
   */
  async disable(id: string): Promise<void> {
    const hook = this.emu.webhooks().find((w) => w.webhook_id === id);
    if (!hook) throw new Error(`the emulator holds no webhook ${id}`);
    const path = new URL(hook.url).pathname;
    const before = this.emu.settings().disableAfterFailures;
    this.receiver.failing.add(path);
    this.emu.setDisableAfter(1);
    try {
      await this.emu.trigger(hook.events[0] as RekkoEventType);
    } finally {
      this.receiver.failing.delete(path);
      this.emu.setDisableAfter(before);
    }
    if (this.emu.webhooks().find((w) => w.webhook_id === id)?.enabled !== false)
      throw new Error(`webhook ${id} was not disabled`);
  }

  /** Delivers one event of `type`; returns the emulator's reports. */
  trigger(type: RekkoEventType, data: Record<string, unknown> = {}): Promise<DeliveryReport[]> {
    return this.emu.trigger(type, { market_id: `M-${randomBytes(4).toString("hex")}`, ...data });
  }

  /**
   * `pulumi stack export | pulumi-rekko-orphans <args>` with this stage's key, as the recovery
   * documents it; with `--json`, the parsed answer too. Its output joins {@link printed}.
   */
  async orphans(args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string; json?: OrphansJson }> {
    const exported = await this.exportText();
    const r = await orphansCli(args, { apiKey: this.key, baseUrl: this.emu.url }, exported);
    this.printed.push(r.stdout, r.stderr);
    return args.includes("--json") ? { ...r, json: JSON.parse(r.stdout || "{}") as OrphansJson } : r;
  }

  // ---- checks ----------------------------------------------------------------------------

  /**
   * What differs between the declaration, the state and the emulator after a successful `up`:
   * every declared hook held by the state; every held webhook registered with the declared url,
   * events (as a set) and secret; no registered webhook that the state does not hold. Empty
   * when they agree.
   */
  async drift(state?: StateView, outputs?: HookOutputs): Promise<string[]> {
    const s = state ?? (await this.state());
    const out = outputs ?? (this.hooks.some((h) => h.secret?.kind === "generated") ? await this.outputs() : {});
    const problems: string[] = [];
    const registered = new Map(this.emu.webhooks().map((w) => [w.webhook_id, w]));
    for (const h of this.hooks) {
      const held = s.byName.get(h.name);
      if (!held) {
        problems.push(`${h.name}: declared, not in the state`);
        continue;
      }
      const w = registered.get(held.id);
      if (!w) {
        problems.push(`${h.name}: the state holds ${held.id}, which Rekko does not have`);
        continue;
      }
      if (!sameWebhookUrl(w.url, h.url)) problems.push(`${h.name}: registered with another url`);
      if (w.events.length !== h.events.length || !h.events.every((e) => w.events.includes(e))) {
        problems.push(`${h.name}: registered events [${w.events.join(",")}], declared [${h.events.join(",")}]`);
      }
      const secret = h.secret ?? { kind: "none" };
      const expected = secret.kind === "none" ? "" : secret.kind === "own" ? secret.value : out[h.name]?.secret;
      if (w.secret !== expected) problems.push(`${h.name}: signs with another secret than the ${secret.kind} one declared`);
      if (secret.kind === "generated" && !(out[h.name]?.accepted ?? []).includes(w.secret)) {
        problems.push(`${h.name}: its secret is not among acceptedSecrets`);
      }
    }
    const held = new Set(s.webhooks.map((w) => w.id));
    for (const w of registered.values())
      if (!held.has(w.webhook_id)) problems.push(`${w.webhook_id} is registered, held by no resource`);
    return problems;
  }

  /**
   * Where a needle (key, secret, secret url) appears in clear: in `text` (default: the state
   * file) or anything the CLI printed (event logs included). A hit inside the Node.js SDK's
   * own `RegisterResource` debug diagnostic (upstream: it prints secret outputs in clear, shown
   * only with --debug; docs/RELIABILITY.md) is not counted.
   */
  async leaks(text?: string): Promise<string[]> {
    const haystacks = { state: text ?? (await this.state()).text, "CLI output": this.printed.join("\n") };
    return findLeaks(haystacks, Object.fromEntries(this.needles))
      .filter((l) => !l.sdkDebug)
      .map((l) => `${l.what} in the ${l.where}: …${l.context}…`);
  }

  /** Deliveries since `from` whose signature does not verify against `accepted` of their hook. */
  unverified(outputs: HookOutputs, from = 0): string[] {
    const bad: string[] = [];
    for (const d of this.receiver.deliveries.slice(from)) {
      const hook = this.hooks.find((h) => new URL(h.url).pathname === d.path && h.secret?.kind === "generated");
      if (!hook) continue;
      const accepted = outputs[hook.name]?.accepted ?? [];
      if (!verifySignature(d.body, d.signature, accepted))
        bad.push(`a delivery to ${hook.name} does not verify against acceptedSecrets`);
    }
    return bad;
  }
}

function tail(text: string, lines = 60): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}
