import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { call } from "../support/http";

const CLI = join(__dirname, "..", "..", "provider", "cli", "emulator.ts");

/** Emulators started by a test and not yet exited: killed after each test, so a failure cannot leave one running. */
const running = new Set<ChildProcess>();

function start(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let text = "";
  child.stdout?.on("data", (d: Buffer) => {
    text += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    text += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function waitFor(output: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 200; i++) {
    const m = pattern.exec(output());
    if (m) return m;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${pattern}: ${output()}`);
}

describe("rekko-emulator command", () => {
  afterEach(() => {
    for (const child of running) child.kill("SIGKILL");
  });

  it("prints its listening line and key, serves, and stops cleanly on SIGTERM and SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const emu = start(["--port", "0"]);
      const [, url = ""] = await waitFor(emu.output, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
      const [, key = ""] = await waitFor(emu.output, /api key: (rk_pro_\S+)\n/);
      const [, token = ""] = await waitFor(emu.output, /control token: (rk_emuctl_\S+)\n/);
      expect((await call(url, "GET", "/v1/webhooks", { key })).status).to.equal(200);
      expect((await call(url, "GET", "/_emulator/requests")).status, "no token").to.equal(401);
      expect((await call(url, "GET", "/_emulator/requests", { key: token })).status).to.equal(200);
      emu.child.kill(signal);
      expect(await emu.exited).to.equal(0);
      expect(emu.output()).to.include(`stopped (${signal})`);
    }
  });

  it("accepts the keys and rate limit it is given", async () => {
    const emu = start(["--port", "0", "--api-key", "rk_pro_cli_test_key_1", "--rate-limit", "1"]);
    const [, url = ""] = await waitFor(emu.output, /listening on (\S+)\n/);
    // The lines may arrive in separate reads: wait for the last one before looking at the rest.
    await waitFor(emu.output, /control token: rk_emuctl_\S+\n/);
    expect(emu.output()).not.to.include("api key:");
    expect((await call(url, "GET", "/v1/webhooks", { key: "rk_pro_cli_test_key_1" })).status).to.equal(200);
    expect((await call(url, "GET", "/v1/webhooks", { key: "rk_pro_cli_test_key_1" })).status).to.equal(429);
    emu.child.kill("SIGTERM");
    await emu.exited;
  });

  it("takes --control-token and does not print it", async () => {
    const emu = start(["--port", "0", "--control-token", "cli-given-control-token-01"]);
    const [, url = ""] = await waitFor(emu.output, /listening on (\S+)\n/);
    await waitFor(emu.output, /api key: /);
    expect(emu.output()).not.to.include("cli-given-control-token-01");
    expect((await call(url, "GET", "/_emulator/requests", { key: "cli-given-control-token-01" })).status).to.equal(200);
    emu.child.kill("SIGTERM");
    await emu.exited;
  });

  it("takes keys and the control token from the environment (out of ps), and the modes from their flags", async () => {
    const env = {
      REKKO_EMULATOR_API_KEYS: "rk_pro_env_key_000001, rk_pro_env_key_000002",
      REKKO_EMULATOR_CONTROL_TOKEN: "env-given-control-token-01",
    };
    const emu = start(
      ["--normalize-urls", "--list-lag-ms", "0", "--clock-skew-ms=-60000", "--deep-counts", "writes", "--deep-quota", "1"],
      env,
    );
    const [, url = ""] = await waitFor(emu.output, /listening on (\S+)\n/);
    await new Promise((r) => setTimeout(r, 200));
    expect(emu.output()).not.to.match(/api key|control token|rk_pro_env|env-given/);
    const settings = await call(url, "GET", "/_emulator/billing", { key: "env-given-control-token-01" });
    expect(settings.status).to.equal(200);
    expect(settings.body).to.include({ deepCounts: "writes" });
    const created = await call(url, "POST", "/v1/webhooks", {
      key: "rk_pro_env_key_000002",
      json: { url: "https://Hooks.Example.com:443", events: ["whale_alert"] },
    });
    expect(created.body).to.include({ url: "https://hooks.example.com/" });
    expect(Date.parse(String(created.headers.date)) - Date.now()).to.be.closeTo(-60_000, 3000);
    const again = await call(url, "POST", "/v1/webhooks", {
      key: "rk_pro_env_key_000002",
      json: { url: "https://hooks.example.com/2", events: ["whale_alert"] },
    });
    expect(again.status).to.equal(429);
    expect((await call(url, "GET", "/v1/webhooks", { key: "rk_pro_env_key_000002" })).status, "a list is not billed").to.equal(
      200,
    );
    expect((await call(url, "GET", "/v1/webhooks", { key: "rk_pro_env_key_000001" })).status).to.equal(200);
    const given = start(["--api-key", "rk_pro_flag_key_00001"], env);
    const [, other = ""] = await waitFor(given.output, /listening on (\S+)\n/);
    expect((await call(other, "GET", "/v1/webhooks", { key: "rk_pro_flag_key_00001" })).status, "a flag wins").to.equal(200);
    expect((await call(other, "GET", "/v1/webhooks", { key: "rk_pro_env_key_000001" })).status).to.equal(401);
    for (const child of [emu, given]) {
      child.child.kill("SIGTERM");
      await child.exited;
    }
  });

  it("refuses a non-loopback host without --allow-remote, a corrupt --state file, and bad flags, with exit 2", async () => {
    const remote = start(["--host", "0.0.0.0"]);
    expect(await remote.exited).to.equal(2);
    expect(remote.output()).to.match(/not loopback.*--allow-remote/);
    const dir = mkdtempSync(join(tmpdir(), "rekko-cli-state-"));
    writeFileSync(join(dir, "state.json"), "{ corrupt");
    const corrupt = start(["--state", join(dir, "state.json")]);
    expect(await corrupt.exited).to.equal(2);
    expect(corrupt.output()).to.match(/state file .* is not valid JSON/);
    expect(corrupt.output()).not.to.match(/listening on http:\/\/127/);
    rmSync(dir, { recursive: true, force: true });
    const bad = start(["--port", "abc"]);
    expect(await bad.exited).to.equal(2);
    expect(bad.output()).to.match(/--port must be an integer/);
    const counts = start(["--deep-counts", "reads"]);
    expect(await counts.exited).to.equal(2);
    expect(counts.output()).to.match(/--deep-counts must be create, writes or all/);
  });
});
