/**
 * What each operation costs in Rekko API calls, on both faces (RekkoWebhook and the native
 * rekko:index:Webhook): preview, up, a second up, a replacement, a rotation, refresh, import
 * (adoption on the dynamic face), a getWebhooks lookup, the orphan finder and destroy, each run
 * through the real CLI against the emulator and counted from its request log. The table in
 * docs/PERFORMANCE.md is rendered from these counts (costs-report.ts).
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { RekkoEmulator } from "../../provider/testing";
import { exportText, linkPlugin, openProject, pulumiCli, ROOT, type TestProject } from "../rig/engine";
import { type Calls, countCalls, type Operation } from "./calls";
import { type Log, projectDir, UNTHROTTLED } from "./dynamic";
import type { Face } from "./native";

/** The two faces whose costs are measured: RekkoWebhook (dynamic) and the native provider. */
export type CostFace = Extract<Face, "rekko" | "native">;

const execFileAsync = promisify(execFile);

/** One operation of one face and the calls it made. */
export interface CostSample {
  face: CostFace;
  op: Operation;
  /** Webhooks the operation acted on (its target's N). */
  n: number;
  calls: Calls;
  statuses: Record<string, number>;
}

export interface CostsBench {
  /** Webhooks in the stack for the operations that act on all of them. */
  n: number;
  samples: CostSample[];
}

/** The url and events of the webhook registered outside the stack, then adopted or imported. */
const OUTSIDE = { url: "http://127.0.0.1:9/costs/adopted", events: ["whale_alert"] };

async function registerOutside(emu: RekkoEmulator): Promise<string> {
  const res = await fetch(`${emu.url}/v1/webhooks`, {
    method: "POST",
    headers: { authorization: `Bearer ${emu.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ ...OUTSIDE, secret: "costs-outside-secret-0123456789abcdef" }),
  });
  if (!res.ok) throw new Error(`registering a webhook outside the stack: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { webhook_id: string }).webhook_id;
}

/**
 * `pulumi-rekko-orphans` on the stack's export, as a user runs it (the built CLI, the key in the
 * environment). Every webhook is in the state, so it should find none; if it lists some, that
 * is logged (a defect of the finder) and the calls are counted all the same.
 */
async function orphanFinder(p: TestProject, emu: RekkoEmulator, log: Log): Promise<void> {
  const file = join(p.dir, "export.json");
  writeFileSync(file, await exportText(p.stack));
  const { stdout } = await execFileAsync(process.execPath, [join(ROOT, "dist", "provider", "cli", "orphans.js"), file], {
    env: { ...process.env, REKKO_API_KEY: emu.apiKey, REKKO_BASE_URL: emu.url },
    encoding: "utf8",
  });
  if (!/no unmanaged webhooks/i.test(stdout)) log(`WARNING: pulumi-rekko-orphans listed webhooks this stack holds:\n${stdout}`);
}

/**
 * `pulumi preview --json | pulumi-rekko cost` as a user runs it (the built command, the key in
 * the environment); `mark` is called between the two, so only the command's own calls count.
 */
async function costCommand(p: TestProject, emu: RekkoEmulator, mark: () => void): Promise<void> {
  const plan = join(p.dir, "plan.json");
  writeFileSync(plan, await pulumiCli(p.stack, ["preview", "--json", "--stack", p.stack.name]));
  mark();
  await execFileAsync(process.execPath, [join(ROOT, "dist", "provider", "cli", "main.js"), "cost", plan], {
    env: { ...process.env, REKKO_API_KEY: emu.apiKey, REKKO_BASE_URL: emu.url },
    encoding: "utf8",
  });
}

async function succeeded(what: string, op: Promise<{ summary: { result?: string } }>): Promise<void> {
  const r = await op;
  if (r.summary.result !== "succeeded") throw new Error(`${what} ended ${r.summary.result}`);
}

/** Runs every operation on one face's stack, in order, counting each one's calls. */
async function face(face: CostFace, emu: RekkoEmulator, n: number, log: Log): Promise<CostSample[]> {
  const samples: CostSample[] = [];
  const p = await openProject(projectDir(face === "rekko" ? "costs-dynamic" : "costs-native"), {}, {}, { name: `costs-${face}` });
  try {
    if (face === "native") linkPlugin(p.dir);
    const set = (config: Record<string, string>) =>
      p.stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, value]) => [k, { value }])));
    await p.stack.setAllConfig({
      "rekko:apiKey": { value: emu.apiKey, secret: true },
      "rekko:baseUrl": { value: emu.url },
      "rekko:maxRequestsPerMinute": { value: UNTHROTTLED },
    });
    await set({ count: String(n), urlSuffix: "", withSecret: "0", rotation: "0", lookup: "false" });
    const measure = async (op: Operation, size: number, run: (restart: () => void) => Promise<unknown>) => {
      let mark = emu.requests().length;
      await run(() => {
        mark = emu.requests().length;
      });
      const { calls, statuses } = countCalls(emu.requests().slice(mark));
      samples.push({ face, op, n: size, calls, statuses });
      log(`costs ${face.padEnd(6)} ${op.padEnd(12)} N=${size}: ${JSON.stringify(calls)}`);
    };
    const up = (what: string) => succeeded(what, p.stack.up());
    await measure("cost", n, (restart) => costCommand(p, emu, restart));
    await measure("preview", n, () => p.stack.preview());
    await measure("up", n, () => up("up"));
    await measure("second-up", n, () => up("second up"));
    await set({ urlSuffix: "-replaced" });
    await measure("replace", n, () => up("replacing up"));
    await measure("refresh", n, () => succeeded("refresh", p.stack.refresh()));
    await measure("orphans", n, () => orphanFinder(p, emu, log));
    await measure("destroy", n, () => succeeded("destroy", p.stack.destroy()));

    await set({ count: "0", withSecret: String(n), rotation: "0" });
    await up("up of the webhooks with generated secrets");
    await set({ rotation: "1" });
    await measure("rotation", n, () => up("rotating up"));
    await succeeded("destroy", p.stack.destroy());
    await set({ withSecret: "0" });

    const id = await registerOutside(emu);
    if (face === "rekko") {
      await set({ adoptId: id });
      await measure("import", 1, () => up("adopting up"));
      await p.stack.removeConfig("adoptId");
    } else {
      await measure("import", 1, () =>
        pulumiCli(p.stack, [
          "import",
          "rekko:index:Webhook",
          "imported",
          id,
          "--yes",
          "--protect=false",
          // Our Node.js language host does not generate program code.
          "--generate-code=false",
          "--stack",
          p.stack.name,
        ]),
      );
    }
    await succeeded("destroy", p.stack.destroy());

    if (face === "native") {
      await set({ lookup: "true" });
      await measure("get-webhooks", 0, () => up("up of a program calling getWebhooks"));
    }
    if (emu.webhooks().length !== 0) throw new Error(`the emulator still holds ${emu.webhooks().length} webhooks`);
  } finally {
    await p.destroyAndRemove().catch((err: Error) => log(`clean-up of ${p.dir}: ${err.message}`));
  }
  return samples;
}

/** Every operation on both faces with `n` webhooks, against one emulator (no rate limit, no faults). */
export async function benchCosts(n: number, log: Log): Promise<CostsBench> {
  const emu = await RekkoEmulator.start();
  try {
    const samples: CostSample[] = [];
    for (const f of ["rekko", "native"] as const) samples.push(...(await face(f, emu, n, log)));
    return { n, samples };
  } finally {
    await emu.stop();
  }
}
