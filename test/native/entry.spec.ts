import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { expect } from "chai";
import { requiredByRunPlugin } from "../../provider/native/start";
import { ROOT } from "../support/engine";

/** Pulumi's run-plugin script, as Pulumi's Node.js language host starts a `runtime: nodejs` plugin. */
const RUN_PLUGIN = join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin");

/** The package name in the schema served on `port` (GetSchema over the provider protocol). */
function servedSchemaName(port: string): Promise<string> {
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client.getSchema(new provproto.GetSchemaRequest(), (err: Error | null, res?: provproto.GetSchemaResponse) => {
      client.close();
      if (err || !res) reject(err ?? new Error("no schema"));
      else resolve((JSON.parse(res.getSchema()) as { name: string }).name);
    });
  });
}

/**
 * Runs `node <run-plugin> <dir> <engine address>`; returns its first line of output and, while it
 * still runs, what `use` makes of that line.
 */
async function firstLine(dir: string, use: (line: string) => Promise<string> = async (l) => l): Promise<string> {
  const child = spawn(process.execPath, [RUN_PLUGIN, dir, "127.0.0.1:1"], { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  return new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) {
        use(out.split("\n")[0] ?? "")
          .then(resolve, reject)
          .finally(() => child.kill());
      }
    });
    child.on("exit", (code) => reject(new Error(`run-plugin exited ${code} before a line: ${err}`)));
  });
}

const fake = (filename: string, children: NodeJS.Module[] = []) => ({ filename, children }) as unknown as NodeJS.Module;

describe("native provider: the package directory as a Pulumi plugin (PulumiPlugin.yaml, package main)", function () {
  this.timeout(60_000);

  it("run-plugin on the package directory serves the rekko provider (not a component provider inferred from the exports)", async () => {
    // Without the package main's check, run-plugin serves the exported ComponentResource classes
    // as a provider named after the npm package ("pulumi-rekko"), on a port too.
    const name = await firstLine(ROOT, async (line) => {
      expect(line).to.match(/^\d+$/);
      return servedSchemaName(line);
    });
    expect(name).to.equal("rekko");
  });

  it("a plugin of the user's that imports pulumi-rekko is run as itself, not taken over", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rekko-other-plugin-"));
    try {
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "other-plugin", main: "index.js" }));
      writeFileSync(
        join(dir, "index.js"),
        `const lib = require(${JSON.stringify(ROOT)});\nmodule.exports = () => { process.stdout.write("other plugin, library has RekkoWebhook: " + (typeof lib.RekkoWebhook) + "\\n"); };\n`,
      );
      expect(await firstLine(dir)).to.equal("other plugin, library has RekkoWebhook: function");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("everywhere else the package main is the library", () => {
    const lib = require(join(ROOT, "dist", "provider", "entry.js")) as Record<string, unknown>;
    expect(lib).to.equal(require(join(ROOT, "dist", "provider", "index.js")));
    expect(lib.RekkoWebhook).to.be.a("function");
  });

  it("requiredByRunPlugin: only a module that run-plugin's run.js required, under run-plugin as main", () => {
    const mod = fake("/app/node_modules/pulumi-rekko/dist/provider/entry.js");
    const run = (children: NodeJS.Module[]) => fake("/app/node_modules/@pulumi/pulumi/cmd/run-plugin/run.js", children);
    const main = (children: NodeJS.Module[]) => fake("/app/node_modules/@pulumi/pulumi/cmd/run-plugin/index.js", children);
    expect(requiredByRunPlugin(mod, main([run([mod])]))).to.equal(true);
    expect(requiredByRunPlugin(mod, main([run([])])), "required by someone else").to.equal(false);
    expect(
      requiredByRunPlugin(mod, fake("/app/node_modules/@pulumi/pulumi/cmd/run/index.js", [run([mod])])),
      "a program",
    ).to.equal(false);
    expect(requiredByRunPlugin(mod, undefined), "no main module (a REPL)").to.equal(false);
    const windows = fake("C:\\app\\node_modules\\@pulumi\\pulumi\\cmd\\run-plugin\\run.js", [mod]);
    expect(
      requiredByRunPlugin(mod, fake("C:\\app\\node_modules\\@pulumi\\pulumi\\cmd\\run-plugin\\index.js", [windows])),
    ).to.equal(true);
  });
});
