// `npm run demo`: deploys the quick-start stack (Pulumi.yaml → demo/) against a local Rekko
// emulator, delivers one event of each type to the receiver, checks every signature, and
// destroys it all. Flags: --keep (leave stack, receiver and emulator running), --destroy
// (tear down a kept demo), --receiver-url URL (with REKKO_API_KEY: deploy against the real API).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(__dirname, "..");
const WORK = join(ROOT, ".work", "demo");
const EMULATOR_FILE = join(WORK, "emulator.json");
const STACK = process.env.PULUMI_REKKO_DEMO_STACK ?? "demo";
const EVENTS = ["price_shift", "whale_alert", "analysis_complete"] as const;

const { values: flags } = parseArgs({
  options: {
    keep: { type: "boolean", default: false },
    destroy: { type: "boolean", default: false },
    "receiver-url": { type: "string" },
  },
});

let current = "set-up";
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
function step(name: string): void {
  current = name;
  console.log(`\n${bold(`==> ${name}`)}`);
}
const ok = (s: string) => console.log(`  ✔ ${s}`);

const toolchain = process.env.PULUMI_REKKO_TOOLCHAIN ?? "";
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: [toolchain, join(ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].filter(Boolean).join(delimiter),
  PULUMI_HOME: process.env.PULUMI_HOME ?? join(ROOT, ".work", "pulumi-home"),
  PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL ?? `file://${join(WORK, "state")}`,
  PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "pulumi-rekko-demo",
  PULUMI_SKIP_UPDATE_CHECK: "true",
  // The set-up installed the one plugin the demo uses (random) into this PULUMI_HOME. Without
  // this, the Node.js host reports the plugins of every package in node_modules, the
  // devDependencies included (@pulumi/aws, for an example's types), and the engine would fetch
  // pulumi-resource-aws on every run. With a PULUMI_HOME of the user's own, the engine decides.
  ...(process.env.PULUMI_HOME ? {} : { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" }),
};

/** Runs pulumi with its output shown; throws on failure. */
function pulumi(args: string[], opts: { capture?: boolean; quiet?: boolean } = {}): string {
  if (!opts.quiet && !opts.capture) console.log(`  $ pulumi ${args.join(" ")}`);
  const r = spawnSync("pulumi", [...args, "--non-interactive"], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    stdio: opts.capture || opts.quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0)
    throw new Error(`pulumi ${args.join(" ")} failed (exit ${r.status})${r.stderr ? `: ${r.stderr.trim()}` : ""}`);
  return r.stdout ?? "";
}

/** Selects the demo stack, creating it; a config file left from another backend or passphrase is set aside. */
function selectStack(): void {
  const stacks = JSON.parse(pulumi(["stack", "ls", "--json"], { capture: true }) || "[]") as { name: string }[];
  const config = join(ROOT, `Pulumi.${STACK}.yaml`);
  if (!stacks.some((s) => s.name === STACK) && existsSync(config)) rmSync(config);
  pulumi(["stack", "select", "--create", STACK], { quiet: true });
}

interface Emulator {
  url: string;
  apiKey: string;
  /** The token the emulator's /_emulator/* control surface requires. */
  controlToken: string;
  pid: number;
}

async function startEmulator(detached: boolean): Promise<Emulator> {
  const saved = existsSync(EMULATOR_FILE) ? (JSON.parse(readFileSync(EMULATOR_FILE, "utf8")) as Emulator) : undefined;
  const apiKey = saved?.apiKey ?? `rk_pro_demo${randomBytes(12).toString("hex")}`;
  const controlToken = saved?.controlToken ?? `rk_emuctl_${randomBytes(16).toString("hex")}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, "dist", "provider", "cli", "emulator.js"),
      "--port",
      "0",
      "--api-key",
      apiKey,
      "--control-token",
      controlToken,
      "--state",
      join(WORK, "emulator-state.json"),
    ],
    { detached, stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((res, rej) => {
    let text = "";
    child.stdout?.on("data", (d: Buffer) => {
      text += d.toString();
      const m = /listening on (\S+)/.exec(text);
      if (m?.[1]) res(m[1]);
    });
    child.once("exit", (code) => rej(new Error(`the emulator exited (${code}) before listening`)));
  });
  child.stdout?.removeAllListeners("data");
  child.stdout?.resume();
  if (detached) child.unref();
  const emu = { url, apiKey, controlToken, pid: child.pid ?? 0 };
  writeFileSync(EMULATOR_FILE, JSON.stringify(emu), { mode: 0o600 });
  return emu;
}

function stopEmulator(emu: Emulator | undefined): void {
  if (!emu) return;
  try {
    process.kill(emu.pid, "SIGTERM");
  } catch {
    // already stopped
  }
}

async function control(emu: Emulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const send = () =>
    fetch(`${emu.url}${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${path.startsWith("/v1/") ? emu.apiKey : emu.controlToken}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  // With no answer, fetch fails with a bare "fetch failed": say which request, and why. A GET
  // changes nothing, so it is sent once more first (the list after `pulumi destroy` failed so
  // once, on a heavily loaded machine).
  const failed = (err: Error): never => {
    const cause = err.cause as { code?: string; message?: string } | undefined;
    throw new Error(`${method} ${path}: ${err.message} (${cause?.code ?? cause?.message ?? "no cause given"})`);
  };
  const res = await send().catch((err: Error) => (method === "GET" ? send().catch(failed) : failed(err)));
  return res.json();
}

function deliveries(file: string): { verified: boolean; type?: string; status?: number }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { verified: boolean; type?: string; status?: number });
}

async function destroy(emu: Emulator): Promise<void> {
  step("pulumi destroy");
  pulumi(["destroy", "--yes", "--skip-preview", "--stack", STACK]);
  const left = (await control(emu, "GET", "/v1/webhooks")) as unknown[];
  if (left.length !== 0) throw new Error(`the emulator still holds ${left.length} webhook(s) after destroy`);
  ok("the emulator holds 0 webhooks: nothing left behind");
  pulumi(["stack", "rm", "--yes", "--stack", STACK], { quiet: true });
  ok(`stack "${STACK}" removed`);
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  mkdirSync(join(WORK, "state"), { recursive: true });
  // The demo program uses this checkout as its pulumi-rekko package, as `npm install` would.
  mkdirSync(join(ROOT, "demo", "node_modules"), { recursive: true });
  rmSync(join(ROOT, "demo", "node_modules", "pulumi-rekko"), { force: true, recursive: true });
  spawnSync("ln", ["-s", ROOT, join(ROOT, "demo", "node_modules", "pulumi-rekko")]);

  const real = !!(process.env.REKKO_API_KEY && flags["receiver-url"]);
  if (real) return realApi();

  if (flags.destroy) {
    step("restarting the kept emulator to tear the demo down");
    const emu = await startEmulator(false);
    env.REKKO_API_KEY = emu.apiKey;
    env.REKKO_BASE_URL = emu.url;
    try {
      await destroy(emu);
    } finally {
      stopEmulator(emu);
      rmSync(EMULATOR_FILE, { force: true });
    }
    return;
  }

  step("starting the Rekko emulator (loopback only)");
  rmSync(join(WORK, "emulator-state.json"), { force: true });
  rmSync(EMULATOR_FILE, { force: true });
  const emu = await startEmulator(flags.keep ?? false);
  ok(`listening on ${emu.url} with a generated Pro key (given to Pulumi as REKKO_API_KEY)`);
  env.REKKO_API_KEY = emu.apiKey;
  env.REKKO_BASE_URL = emu.url;
  let deployed = false;
  try {
    step(`selecting stack "${STACK}" (local file backend under .work/demo, passphrase secrets)`);
    selectStack();
    rmSync(join(WORK, "receiver", "deliveries.jsonl"), { force: true });

    step("pulumi preview");
    pulumi(["preview", "--stack", STACK]);

    step("pulumi up");
    deployed = true;
    pulumi(["up", "--yes", "--skip-preview", "--stack", STACK]);

    step("stack outputs (the signing secret stays a secret)");
    console.log(pulumi(["stack", "output", "--stack", STACK], { capture: true }).replace(/^/gm, "  "));
    const stackSecret = pulumi(["stack", "output", "signingSecret", "--show-secrets", "--stack", STACK], {
      capture: true,
    }).trim();
    const registered = (await control(emu, "GET", "/_emulator/webhooks")) as { secret: string; webhook_id: string }[];
    if (registered.length !== 1 || registered[0]?.secret !== stackSecret) {
      throw new Error("the secret registered with Rekko is not the stack's signing secret");
    }
    ok(`webhook ${registered[0]?.webhook_id} is registered with the stack's signing secret`);

    step("triggering one event of each type in the emulator");
    for (const type of EVENTS) {
      const reply = (await control(emu, "POST", "/_emulator/events", { type })) as {
        deliveries: { ok: boolean; status: number; url: string }[];
      };
      const d = reply.deliveries[0];
      if (reply.deliveries.length !== 1 || !d?.ok)
        throw new Error(`${type} was not delivered: ${JSON.stringify(reply.deliveries)}`);
      ok(`${type}: POST ${d.url} answered ${d.status}`);
    }
    const log = deliveries(pulumi(["stack", "output", "receiverLog", "--stack", STACK], { capture: true }).trim());
    for (const type of EVENTS) {
      if (!log.some((e) => e.verified && e.type === type)) throw new Error(`the receiver did not verify a ${type} delivery`);
      ok(`${type}: arrived at the receiver and its x-webhook-signature verified`);
    }
    const rejected = log.filter((e) => !e.verified);
    if (rejected.length > 0) throw new Error(`the receiver rejected ${rejected.length} deliveries`);

    if (flags.keep) {
      step("kept (--keep): stack, receiver and emulator are still running");
      console.log(
        `  Inspect the emulator:  curl -s -H "authorization: Bearer $(node -p 'require("./.work/demo/emulator.json").controlToken')" ${emu.url}/_emulator/webhooks`,
      );
      console.log(
        `  Stack outputs:         PULUMI_BACKEND_URL=${env.PULUMI_BACKEND_URL} PULUMI_CONFIG_PASSPHRASE=… pulumi stack output -s ${STACK}`,
      );
      console.log("  Tear it all down:      npm run demo -- --destroy");
      return;
    }
    await destroy(emu);
    console.log(`\n${bold("demo complete: deployed, delivered, verified and destroyed")}`);
  } catch (err) {
    if (deployed) {
      console.error(`\ncleaning up after the failure (${current})`);
      try {
        pulumi(["destroy", "--yes", "--skip-preview", "--stack", STACK], { quiet: true });
      } catch (cleanup) {
        console.error(`  cleanup failed: ${(cleanup as Error).message}`);
      }
    }
    throw err;
  } finally {
    if (!flags.keep) {
      stopEmulator(emu);
      rmSync(EMULATOR_FILE, { force: true });
    }
  }
}

async function realApi(): Promise<void> {
  step("deploying against the Rekko API with REKKO_API_KEY (no emulator)");
  selectStack();
  pulumi(["config", "set", "receiverUrl", flags["receiver-url"] ?? "", "--stack", STACK], { quiet: true });
  pulumi(["up", "--yes", "--stack", STACK]);
  console.log(pulumi(["stack", "output", "--stack", STACK], { capture: true }));
  console.log("  Your receiver must accept `pulumi stack output acceptedSecrets --show-secrets`.");
  console.log("  Tear down with: pulumi destroy --stack demo");
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`\ndemo failed at step "${current}": ${err.message}`);
    process.exit(1);
  },
);
