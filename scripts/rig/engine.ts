import { execFile, execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import {
  type ConfigMap,
  type EngineEvent,
  LocalWorkspace,
  type OutputMap,
  PulumiCommand,
  type Stack,
  type UpdateSummary,
} from "@pulumi/pulumi/automation";
import { expect } from "chai";

import { isSecretEnvelope } from "../../provider/native/protocol";
import type { LoggedRequest } from "../../provider/testing";

export { packPackage } from "./pack";

const execFileAsync = promisify(execFile);

/** The emulator's API requests (the `/v1/` surface, not its control surface) from log index `since` on. */
export function apiRequests(emu: { requests(): LoggedRequest[] }, since = 0): LoggedRequest[] {
  return emu
    .requests()
    .slice(since)
    .filter((r) => r.path.startsWith("/v1/"));
}

/** {@link apiRequests} as `METHOD /path` lines, webhook ids written `{id}`. */
export function apiCalls(emu: { requests(): LoggedRequest[] }, since = 0): string[] {
  return apiRequests(emu, since).map((r) => `${r.method} ${r.path.replace(/wh-[0-9a-f]+/, "{id}")}`);
}

/** The repository root. */
export const ROOT = resolve(__dirname, "..", "..");
/** Git-ignored scratch space inside the repo, so projects there resolve `pulumi-rekko` to this package. */
export const WORK = join(ROOT, ".work");

let toolchain: string | undefined;

/** The directory holding `pulumi` and its Node.js plugins (runs `npm run -s toolchain` once if needed). */
export function toolchainDir(): string {
  if (toolchain) return toolchain;
  if (process.env.PULUMI_REKKO_TOOLCHAIN) {
    toolchain = process.env.PULUMI_REKKO_TOOLCHAIN;
    return toolchain;
  }
  const out = execFileSync("bash", [join(ROOT, "toolchain", "install.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  toolchain = out.trim().split("\n").pop() ?? "";
  return toolchain;
}

/**
 * Environment for the CLI: the toolchain and Node 22 first on PATH, an isolated PULUMI_HOME, no
 * update checks, and no automatic plugin downloads. A project that links this checkout as its
 * `pulumi-rekko` sees the checkout's devDependencies too (`@pulumi/aws`, for an example's types),
 * and the Node.js host reports their plugins as required: the engine would try to download
 * pulumi-resource-aws on every preview and up (seconds of retries offline; a large download
 * online) although no program uses it. A user's `npm install pulumi-rekko` brings no such
 * package. Every plugin the tests use is installed by the set-up or declared by path; a spec
 * that tests acquisition (a pluginDownloadURL) passes `PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false"`.
 */
export function engineEnv(extra: Record<string, string> = {}): Record<string, string> {
  const path = [toolchainDir(), join(ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter);
  return {
    PATH: path,
    PULUMI_HOME: join(WORK, "pulumi-home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_CONFIG_PASSPHRASE: "pulumi-rekko-tests",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "false",
    ...extra,
  };
}

let command: Promise<PulumiCommand> | undefined;

/**
 * The toolchain's `pulumi` for the Automation API. `PulumiCommand.get` runs `pulumi version` to
 * check it: once per process is enough.
 */
export function toolchainCommand(): Promise<PulumiCommand> {
  command ??= PulumiCommand.get({ root: dirname(toolchainDir()) });
  return command;
}

/**
 * The TypeScript programs the tests deploy whose runs skip the language host's type-check (it
 * would check again on each project copy's first run: seconds of CPU each). The test projects say
 * `noCheck` in their tsconfig.json; the examples, as users get them, do not, and their spec sets
 * `PULUMI_NODEJS_TRANSPILE_ONLY` instead. test/engine/faces.spec.ts type-checks them all, with
 * the dynamic face's rendered program, in one tsc run.
 */
export const CHECKED_PROGRAMS = [
  "examples/basic",
  "examples/own-secret",
  "examples/receiver",
  "test/engine/projects/smoke",
  "test/engine/projects/webhooks",
  "scripts/reliability/projects/webhooks",
];

/** A project copied into `.work/engine/<name>`, with its own file backend. */
export interface TestProject {
  dir: string;
  backend: string;
  stack: Stack;
  /** Everything the CLI printed in this project's operations, for leak checks. */
  printed: string[];
  destroyAndRemove(): Promise<void>;
}

let seq = 0;

/**
 * Copies a Pulumi project directory into `.work/engine/…` and opens stack `dev` on a local
 * file backend with a passphrase secrets provider, through the Automation API. `link: false`
 * leaves out the `pulumi-rekko` link (a project that gets the plugin from the plugin cache).
 */
export async function openProject(
  source: string,
  env: Record<string, string> = {},
  files: Record<string, string> = {},
  options: { linkIn?: string; name?: string; link?: boolean } = {},
): Promise<TestProject> {
  const name = `${options.name ?? source.split(/[\\/]/).pop()}-${process.pid}-${++seq}`;
  const dir = join(WORK, "engine", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(source, dir, {
    recursive: true,
    filter: (p) => !/node_modules|Pulumi\.[^/]*\.yaml$/.test(p) || p.endsWith(".example.yaml"),
  });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  if (options.link !== false) linkPackage(join(dir, options.linkIn ?? "."));
  const backend = join(dir, ".state");
  mkdirSync(backend, { recursive: true });
  const pulumiCommand = await toolchainCommand();
  const envVars = engineEnv({ PULUMI_BACKEND_URL: `file://${backend}`, ...env });
  // The backend is new, so the stack is created (createOrSelectStack would first try to select it).
  const stack = leanStack(
    await LocalWorkspace.createStack({ stackName: "dev", workDir: dir }, { pulumiCommand, envVars }),
    backend,
  );
  const printed: string[] = [];
  return {
    dir,
    backend,
    stack,
    printed,
    async destroyAndRemove() {
      try {
        await stack.destroy({ onOutput: (o) => printed.push(o) });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * After each `up`, `refresh` and `destroy`, the Automation API runs three more CLI commands (or
 * one): `pulumi stack history` for the operation's summary and, after an `up`, `pulumi stack
 * output` twice (masked, then with secrets) for the outputs. A test project's stack answers the
 * summary from the operation's own engine events (its summary event: the same result and
 * resource changes) and the outputs with one `pulumi stack output --show-secrets`, an output
 * being secret when the state (the file backend's checkpoint) stores it encrypted, as the masked
 * run would print it `[secret]`. Everything else is the Automation API's.
 */
export function leanStack(stack: Stack, backend: string): Stack {
  const info = stack.info.bind(stack);
  let last: UpdateSummary | undefined;
  stack.info = async (showSecrets?: boolean) => last ?? info(showSecrets);
  for (const op of ["up", "refresh", "destroy"] as const) {
    const run = (stack[op] as (o?: { onEvent?: (e: EngineEvent) => void }) => Promise<unknown>).bind(stack);
    (stack as unknown as Record<string, unknown>)[op] = (opts: { onEvent?: (e: EngineEvent) => void } = {}) =>
      run({
        ...opts,
        onEvent: (event: EngineEvent) => {
          const s = event.summaryEvent;
          // The Automation API asks for the summary only after an operation that succeeded.
          if (s)
            last = {
              kind: op === "up" ? "update" : op,
              result: "succeeded",
              resourceChanges: s.resourceChanges,
            } as UpdateSummary;
          opts.onEvent?.(event);
        },
      }).finally(() => {
        last = undefined;
      });
  }
  stack.outputs = async (): Promise<OutputMap> => {
    const values = JSON.parse(
      await pulumiCli(stack, ["stack", "output", "--json", "--show-secrets", "--stack", stack.name]),
    ) as Record<string, unknown>;
    const resources = (storedDeployment(backend).deployment.resources ?? []) as {
      type: string;
      outputs?: Record<string, unknown>;
    }[];
    const stored = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
    return Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, secret: isSecretEnvelope(stored[k]) }]));
  };
  return stack;
}

/**
 * What the file backend `backend` stores for stack `dev` of `project` (of its only project when
 * not given), read with no CLI run: the checkpoint file's text (secrets encrypted) and its
 * deployment (empty before the first operation).
 */
export function storedDeployment(backend: string, project?: string): { text: string; deployment: Record<string, unknown> } {
  const stacks = join(backend, ".pulumi", "stacks");
  const name = project ?? (existsSync(stacks) ? readdirSync(stacks)[0] : undefined);
  const file = name ? join(stacks, name, "dev.json") : "";
  const text = file && existsSync(file) ? readFileSync(file, "utf8") : "{}";
  const checkpoint = (JSON.parse(text) as { checkpoint?: { latest?: Record<string, unknown> } }).checkpoint;
  return { text, deployment: checkpoint?.latest ?? {} };
}

/**
 * Makes a project directory use this checkout as its `pulumi-rekko` dependency, the way
 * `npm install` of a `file:` dependency does: `node_modules/pulumi-rekko` links to the repo.
 * Other packages resolve from the repo's node_modules further up.
 */
export function linkPackage(dir: string): void {
  if (!existsSync(join(dir, "package.json"))) throw new Error(`${dir} has no package.json`);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  rmSync(join(dir, "node_modules", "pulumi-rekko"), { force: true, recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "pulumi-rekko"), "dir");
}

/**
 * Puts the rekko provider plugin where `plugins: providers: [{name: rekko, path: node_modules/.bin}]`
 * finds it, as `npm install pulumi-rekko` does: `node_modules/.bin/pulumi-resource-rekko`, an
 * executable link to this checkout's built plugin.
 */
export function linkPlugin(dir: string): void {
  const main = join(ROOT, "dist", "provider", "native", "main.js");
  chmodSync(main, 0o755);
  const bin = join(dir, "node_modules", ".bin");
  mkdirSync(bin, { recursive: true });
  rmSync(join(bin, "pulumi-resource-rekko"), { force: true });
  symlinkSync(main, join(bin, "pulumi-resource-rekko"));
}

/**
 * `pulumi stack export` as a user runs it (the Automation API's exportStack decrypts
 * secrets, so it is not used for leak checks). The benchmark reads megabytes of state with it.
 */
export async function exportText(stack: Stack): Promise<string> {
  return pulumiCli(stack, ["stack", "export", "--stack", stack.name]);
}

/**
 * Runs the toolchain's `pulumi` in the stack's project with the stack's environment; returns
 * stdout. Asynchronous, so an emulator in this process keeps answering while it runs.
 */
export async function pulumiCli(stack: Stack, args: string[]): Promise<string> {
  const ws = stack.workspace;
  try {
    const { stdout } = await execFileAsync(join(toolchainDir(), "pulumi"), [...args, "--non-interactive"], {
      cwd: ws.workDir,
      env: { ...process.env, ...ws.envVars },
      encoding: "utf8",
      // Room for the state of a few hundred resources (about 10 KB each).
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`pulumi ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

/** The resources of a stack's state, by type. */
export async function resources(
  stack: Stack,
  type?: string,
): Promise<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown> }[]> {
  const state = (await stack.exportStack()).deployment as {
    resources?: { urn: string; type: string; id?: string; outputs?: Record<string, unknown> }[];
  };
  return (state.resources ?? []).filter((r) => !type || r.type === type);
}

/** A scratch copy of the quick-start project (root Pulumi.yaml + demo/), for openProject. */
export function quickstartSource(): string {
  const dir = join(WORK, "sources", `quickstart-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  cpSync(join(ROOT, "demo"), join(dir, "demo"), { recursive: true, filter: (p) => !p.includes("node_modules") });
  return dir;
}

/** Reads a file of the repo. */
export function repoFile(...parts: string[]): string {
  return readFileSync(join(ROOT, ...parts), "utf8");
}

/** The `test/engine/projects/webhooks` project against an emulator: `rekko:apiKey` (secret), `rekko:baseUrl`, then `config`. */
export async function webhooksProject(emu: { apiKey: string; url: string }, config: ConfigMap = {}): Promise<TestProject> {
  const project = await openProject(join(ROOT, "test", "engine", "projects", "webhooks"));
  await project.stack.setAllConfig({
    "rekko:apiKey": { value: emu.apiKey, secret: true },
    "rekko:baseUrl": { value: emu.url },
    ...config,
  });
  return project;
}

/** Fails naming the place when any of `secrets` is in the exported state or in what the CLI printed. */
export function expectNoneIn(exported: string, printed: readonly string[], secrets: readonly string[]): void {
  const output = printed.join("");
  for (const secret of secrets) {
    const at = exported.indexOf(secret);
    expect(at, `found in state: …${exported.slice(Math.max(0, at - 200), at + 60)}…`).to.equal(-1);
    expect(output).not.to.include(secret);
  }
}

/**
 * Bytes of each resource of `type` in a `pulumi stack export` text (its JSON entry, compact),
 * without the `omit` fields.
 */
export function stateBytes(exported: string, type: string, omit: string[] = []): number[] {
  const deployment = (JSON.parse(exported) as { deployment: { resources?: Record<string, unknown>[] } }).deployment;
  return (deployment.resources ?? [])
    .filter((r) => r.type === type)
    .map((r) => Buffer.byteLength(JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !omit.includes(k))))));
}

/**
 * A project of the native provider against an emulator: `source` opened as {@link openProject}
 * does, the plugin linked in ({@link linkPlugin}), `rekko:apiKey` (secret) and `rekko:baseUrl`
 * set, then `config`; nothing from the environment (`REKKO_*` blank).
 */
export async function nativeProject(
  source: string,
  emu: { apiKey: string; url: string },
  name: string,
  config: ConfigMap = {},
  files: Record<string, string> = {},
): Promise<TestProject> {
  const project = await openProject(source, { REKKO_API_KEY: "", REKKO_BASE_URL: "", REKKO_MAX_REQUESTS_PER_MINUTE: "" }, files, {
    name,
  });
  linkPlugin(project.dir);
  await project.stack.setAllConfig({
    "rekko:apiKey": { value: emu.apiKey, secret: true },
    "rekko:baseUrl": { value: emu.url },
    ...config,
  });
  return project;
}
