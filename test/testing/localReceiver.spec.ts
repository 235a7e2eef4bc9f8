import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "chai";
import { localReceiverProvider as provider } from "../../provider/testing/localReceiver";

/** The built receiver process (LocalReceiver runs dist/, as an installed package does). */
const SERVER = resolve(__dirname, "..", "..", "dist", "provider", "testing", "receiverServer.js");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => child.once("exit", () => r()));

describe("LocalReceiver: delete signals only its own receiver", function () {
  this.timeout(30_000);
  let dir: string;
  let decoy: ChildProcess;
  before(function () {
    if (!existsSync(SERVER)) this.skip();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "rekko-receiver-"));
    decoy = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  });
  afterEach(async () => {
    decoy.kill("SIGKILL");
    await exited(decoy);
    rmSync(dir, { recursive: true, force: true });
  });

  it("leaves a process alone whose pid the stored receiver had (pid reuse), and stops the real receiver", async () => {
    const created = await provider.create?.({ dir, acceptedSecrets: ["a-secret-of-sixteen-chars"], serverScript: SERVER });
    const outs = created?.outs as { pid: number; url: string };
    expect(alive(outs.pid)).to.equal(true);
    expect((await fetch(outs.url, { method: "POST", body: "{}" })).status).to.equal(401);

    // The state says the receiver is the decoy's pid: as after a reboot, when the pid was reused.
    await provider.delete?.("receiver-x", { ...outs, pid: decoy.pid });
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(decoy.pid ?? 0), "the unrelated process still runs").to.equal(true);
    expect(decoy.signalCode).to.equal(null);

    await provider.delete?.("receiver-x", outs);
    for (let i = 0; i < 50 && alive(outs.pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(outs.pid), "the receiver stopped").to.equal(false);
    expect(existsSync(join(dir, "secrets.json"))).to.equal(false);
  });
});

describe("LocalReceiver: create answers with the port the receiver listens on", function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "rekko-receiver-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("waits while the port file exists but is still empty, as a receiver writing it in place leaves it", async () => {
    // A receiver that creates its port file, writes the port only 500 ms later, then listens.
    const server = join(dir, "slow-server.js");
    writeFileSync(
      server,
      [
        'const fs = require("node:fs"), http = require("node:http");',
        "const portFile = process.argv[4];",
        'fs.writeFileSync(portFile, "");',
        "const s = http.createServer((q, r) => r.writeHead(401).end());",
        's.listen(0, "127.0.0.1", () => setTimeout(() => fs.writeFileSync(portFile, String(s.address().port)), 500));',
        'process.on("SIGTERM", () => process.exit(0));',
      ].join("\n"),
    );
    const created = await provider.create?.({ dir, acceptedSecrets: ["a-secret-of-sixteen-chars"], serverScript: server });
    const outs = created?.outs as { pid: number; url: string };
    try {
      expect(outs.url).to.match(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*\/rekko$/);
      expect((await fetch(outs.url, { method: "POST", body: "{}" })).status).to.equal(401);
    } finally {
      process.kill(outs.pid, "SIGKILL");
    }
  });
});
