/**
 * How fast a provider plugin starts: from process start to its answer to `GetSchema`, as the
 * engine sees it (the plugin prints its port as its first line; the engine then connects and asks
 * for the schema), and its resident memory at that moment. Each run is a fresh process.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { GetSchemaRequest } from "@pulumi/pulumi/proto/provider_pb";

/** One start of a plugin. */
export interface PluginStart {
  /** Process start to the first line (the port), ms. */
  portMs: number;
  /** Process start to the GetSchema answer, ms. */
  schemaMs: number;
  /** Bytes of the schema answered. */
  schemaBytes: number;
  /** Resident set and its high-water mark right after the answer, KiB. */
  rssKiB: number;
  peakRssKiB: number;
}

function statusKiB(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Starts `command` once, asks it for its schema, measures, and stops it. */
export async function startOnce(
  command: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<PluginStart> {
  const t0 = performance.now();
  const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "pipe"], env });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const line = out.split("\n")[0] ?? "";
        if (out.includes("\n")) {
          const p = Number(line.trim());
          if (Number.isInteger(p) && p > 0) resolve(p);
          else reject(new Error(`${command} printed ${JSON.stringify(line)} where a port was expected`));
        }
      });
      child.on("exit", (code) => reject(new Error(`${command} exited ${code} before printing its port: ${stderr.trim()}`)));
      child.on("error", reject);
    });
    const portMs = performance.now() - t0;
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const schema = await new Promise<string>((resolve, reject) => {
        const req = new GetSchemaRequest();
        req.setVersion(0);
        client.getSchema(req, (err, res) => (err ? reject(err) : resolve(res.getSchema())));
      });
      const schemaMs = performance.now() - t0;
      const pid = child.pid ?? 0;
      return {
        portMs,
        schemaMs,
        schemaBytes: Buffer.byteLength(schema),
        rssKiB: statusKiB(pid, "VmRSS"),
        peakRssKiB: statusKiB(pid, "VmHWM"),
      };
    } finally {
      client.close();
    }
  } finally {
    child.kill("SIGKILL");
  }
}

/** The starts of one way to run the plugin. */
export interface PluginStarts {
  face: "native" | "exe";
  runs: PluginStart[];
}

/** Starts each plugin `runs` times, the plugins taking turns, so load on the machine falls on both alike. */
export async function pluginStarts(
  plugins: readonly { face: PluginStarts["face"]; command: string; args?: readonly string[] }[],
  runs: number,
  log: (msg: string) => void,
): Promise<PluginStarts[]> {
  const out = plugins.map((p) => ({ face: p.face, runs: [] as PluginStart[] }));
  for (const p of plugins) await startOnce(p.command, p.args); // warm the file cache once, as after any install
  for (let run = 1; run <= runs; run++) {
    for (const [i, p] of plugins.entries()) {
      const s = await startOnce(p.command, p.args);
      out[i]?.runs.push(s);
      log(
        `plugin start ${p.face.padEnd(6)} run ${run}: GetSchema answered after ${s.schemaMs.toFixed(0)} ms, RSS ${(s.rssKiB / 1024).toFixed(0)} MiB`,
      );
    }
  }
  return out;
}

/** The executable plugin for this machine and its release archive. */
export interface Executable {
  exe: string;
  archive: string;
}

/**
 * This machine's executable plugin: `given` when it is one (`--plugin-exe <file>`), taken out of
 * `given` when it is a release archive (`--plugin-exe <….tar.gz>`), else built by the release
 * build's own command (`scripts/dist-plugin.ts`, which prints the archive it packed) and taken
 * out of that archive into `workDir`, as the plugin installer would.
 */
export function hostExecutable(root: string, workDir: string, given?: string): Executable {
  if (given && !given.endsWith(".tar.gz")) return { exe: given, archive: "" };
  const builder = join(root, "scripts", "dist-plugin.ts");
  if (!given && !existsSync(builder))
    throw new Error(
      `the executable plugin is built by ${builder} (npm run dist), which this checkout lacks; or pass --plugin-exe <path>`,
    );
  const printed = given
    ? [given]
    : execFileSync(process.execPath, ["--import", "tsx", builder], { cwd: root, encoding: "utf8" }).trim().split("\n");
  const archive = printed[printed.length - 1] ?? "";
  if (!archive.endsWith(".tar.gz") || !existsSync(archive))
    throw new Error(`${builder} printed ${JSON.stringify(printed)}, not an archive`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  execFileSync("tar", ["-xzf", archive, "-C", workDir]);
  const found = join(workDir, "pulumi-resource-rekko");
  if (!existsSync(found)) throw new Error(`${archive} holds no pulumi-resource-rekko`);
  return { exe: found, archive };
}
