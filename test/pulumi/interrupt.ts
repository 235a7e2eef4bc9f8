/**
 * Interrupting a real `pulumi up` and watching the provider processes it started: what the
 * cancellation specs of both faces share.
 */
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { RekkoEmulator } from "../../provider/testing";
import { spawnPulumi } from "../../scripts/rig/cli";
import { pulumiCli, type TestProject } from "../support/engine";

/** Live processes whose command line matches `pattern` and whose working directory is `dir` (Linux /proc). */
export function processesIn(dir: string, pattern: RegExp): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
      if (state !== "Z" && pattern.test(cmdline) && readlinkSync(`/proc/${pid}/cwd`) === dir) found.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `test` holds, polling every 100 ms; false after `ms`. */
export async function within(ms: number, test: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (test()) return true;
    await sleep(100);
  }
  return test();
}

/** What {@link interruptUp} saw. */
export interface Interrupted {
  /** Everything the CLI printed. */
  output: string;
  /** The CLI's exit code, or its signal. */
  exit: number | string | null;
  /** ms from the first signal to the CLI's exit. */
  exitMs: number;
  /** The provider processes seen while the CLI ran. */
  providers: number[];
  /** ms from the CLI's exit until every one of them was gone, or undefined when some outlived `boundMs`. */
  providersGoneMs: number | undefined;
  /**
   * Processes the CLI started that were still alive a second after `boundMs` (then killed): a
   * language host left by a killed CLI does not exit on its own.
   */
  lingering: string[];
}

/**
 * Runs `pulumi up --yes --skip-preview` in the project (through the rig, which tracks every
 * process the CLI starts); once `ready()` holds and a provider process matching `provider`
 * runs, sends `signals` to the CLI (`gapMs` apart); then waits for the CLI to exit and up to
 * `boundMs` for the provider processes to end. What the CLI left running after that is killed.
 */
export async function interruptUp(
  project: TestProject,
  provider: RegExp,
  options: { ready: () => boolean; signals: NodeJS.Signals[]; gapMs?: number; boundMs: number },
): Promise<Interrupted> {
  let child: ChildProcess | undefined;
  const run = spawnPulumi(["up", "--yes", "--skip-preview", "--non-interactive"], {
    cwd: project.dir,
    env: project.stack.workspace.envVars,
    lingerMs: options.boundMs + 1000,
    onStart: (c) => {
      child = c;
    },
  });
  const cli = child as ChildProcess | undefined;
  if (!cli) throw new Error("the CLI did not start");
  const exited = new Promise<void>((resolve) => cli.once("close", () => resolve()));
  const providers = new Set<number>();
  const seen = () => {
    for (const pid of processesIn(project.dir, provider)) providers.add(pid);
    return providers.size > 0;
  };
  await within(300_000, () => seen() && options.ready());
  const signalled = Date.now();
  for (const [i, signal] of options.signals.entries()) {
    if (i > 0) await sleep(options.gapMs ?? 1000);
    cli.kill(signal);
  }
  await exited;
  const exitMs = Date.now() - signalled;
  seen();
  const gone = () => [...providers].every((pid) => !processesIn(project.dir, provider).includes(pid));
  const closed = Date.now();
  const providersGoneMs = (await within(options.boundMs, gone)) ? Date.now() - closed : undefined;
  const result = await run;
  return {
    output: result.stdout + result.stderr,
    exit: result.code ?? result.signal,
    exitMs,
    providers: [...providers],
    providersGoneMs,
    lingering: result.lingering,
  };
}

/**
 * After a killed CLI: the lock it left on the file backend is removed (the CLI that held it is
 * gone) and the creates it left pending are cleared, so the stack can be used again.
 */
export async function recover(project: TestProject): Promise<void> {
  rmSync(join(project.backend, ".pulumi", "locks"), { recursive: true, force: true });
  await pulumiCli(project.stack, ["refresh", "--clear-pending-creates", "--yes"]);
}

/** Every create is answered 503 with a 30 s Retry-After, so its 6 attempts would take minutes. */
export function slowFailingCreates(emu: RekkoEmulator): void {
  emu.clearFaults();
  emu.addFault({
    kind: "status",
    method: "POST",
    path: "/v1/webhooks",
    status: 503,
    headers: { "retry-after": "30" },
    times: 1000,
  });
}

/** The end of an interrupting spec: the stack recovered and destroyed, the emulator stopped. */
export async function endInterrupted(project: TestProject | undefined, emu: RekkoEmulator | undefined): Promise<void> {
  try {
    emu?.clearFaults();
    if (project) await recover(project);
    await project?.destroyAndRemove();
  } finally {
    await emu?.stop();
  }
}
