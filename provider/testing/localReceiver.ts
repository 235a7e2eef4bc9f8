import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** Inputs of {@link LocalReceiver}. */
export interface LocalReceiverArgs {
  /** Secrets the receiver accepts (a secret). */
  acceptedSecrets: pulumi.Input<string[]>;
  /** Directory for the receiver's files (secrets file, delivery log, port file). */
  dir: pulumi.Input<string>;
}

/**
 * The provider of {@link LocalReceiver}. It runs in Pulumi's provider process; everything it
 * needs is required at run time. Exported for tests only.
 * @internal
 */
export const localReceiverProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Record<string, unknown>) {
    const { spawn } = require("node:child_process") as typeof import("node:child_process");
    const fs = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    const dir = String(inputs.dir);
    fs.mkdirSync(dir, { recursive: true });
    const secretsFile = path.join(dir, "secrets.json");
    const portFile = path.join(dir, "port");
    const logFile = path.join(dir, "deliveries.jsonl");
    fs.writeFileSync(secretsFile, JSON.stringify(inputs.acceptedSecrets), { mode: 0o600 });
    fs.rmSync(portFile, { force: true });
    const server = String(inputs.serverScript);
    const child = spawn(process.execPath, [server, secretsFile, logFile, portFile], {
      detached: true,
      stdio: "ignore",
      cwd: path.dirname(server),
    });
    child.unref();
    // The port, once the receiver listens: until the file holds a port number (a receiver that
    // wrote it in place can be read empty) it is read again.
    const listening = (): string | undefined => {
      try {
        const text = fs.readFileSync(portFile, "utf8");
        return /^[1-9][0-9]{0,4}\n?$/.test(text) ? text.trim() : undefined;
      } catch {
        return undefined;
      }
    };
    let port = listening();
    for (let i = 0; i < 200 && port === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      port = listening();
    }
    if (port === undefined) throw new Error(`the demo receiver did not start within 20 s (see ${server})`);
    return {
      id: `receiver-${child.pid}`,
      outs: { url: `http://127.0.0.1:${port}/rekko`, pid: child.pid, dir, logFile, acceptedSecrets: inputs.acceptedSecrets },
    };
  },
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const secretsChanged = JSON.stringify(olds.acceptedSecrets) !== JSON.stringify(news.acceptedSecrets);
    return { changes: secretsChanged || olds.__provider !== news.__provider, replaces: olds.dir !== news.dir ? ["dir"] : [] };
  },
  async update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const fs = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    // A rotation: the running receiver picks the new list up on its next request.
    fs.writeFileSync(path.join(String(olds.dir), "secrets.json"), JSON.stringify(news.acceptedSecrets), { mode: 0o600 });
    const { __provider: _code, ...outs } = olds;
    return { outs: { ...outs, acceptedSecrets: news.acceptedSecrets } };
  },
  async delete(_id: string, props: Record<string, unknown>) {
    const fs = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
    const secretsFile = path.join(String(props.dir), "secrets.json");
    const pid = Number(props.pid);
    // The receiver may have stopped long ago and its pid been reused: signal the pid only while
    // its command line is still this receiver's (it names this receiver's secrets file).
    let commandLine = "";
    if (Number.isInteger(pid) && pid > 0) {
      try {
        commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      } catch {
        try {
          commandLine = execFileSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8", stdio: "pipe" });
        } catch {
          commandLine = ""; // no such process
        }
      }
    }
    if (commandLine.includes(secretsFile)) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // stopped in between
      }
    }
    fs.rmSync(secretsFile, { force: true });
  },
};

/**
 * A receiving service for local development and tests: a background process on 127.0.0.1
 * that verifies deliveries against the accepted secrets (`createNodeReceiver`) and logs
 * each one to `logFile` (JSON lines: `verified`, `type`, `market_id`, `repeat`). It stands in for the
 * infrastructure a real stack declares (a function URL, a container service…). A change of
 * `acceptedSecrets` updates the running receiver in place; destroy stops it (and signals no
 * process that is no longer this receiver).
 */
export class LocalReceiver extends pulumi.dynamic.Resource {
  /** `http://127.0.0.1:PORT/rekko`. */
  declare readonly url: pulumi.Output<string>;
  /** The delivery log (JSON lines). */
  declare readonly logFile: pulumi.Output<string>;
  constructor(name: string, args: LocalReceiverArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      localReceiverProvider,
      name,
      { ...args, serverScript: path.join(__dirname, "receiverServer.js"), url: undefined, pid: undefined, logFile: undefined },
      { ...opts, additionalSecretOutputs: ["acceptedSecrets"] },
      "demo",
      "LocalReceiver",
    );
  }
}
