/**
 * `npm run dist` (scripts/dist.sh sets up, then runs this): every release artifact into
 * dist/release/, from one schema.
 *
 * - `pulumi-resource-rekko-v<version>-<os>-<arch>.tar.gz` for every target (scripts/dist-plugin.ts);
 * - `pulumi-resource-rekko-install.sh`, which checks an archive (name, platform, checksum,
 *   integrity) before handing it to `pulumi plugin install` (scripts/dist-install.sh);
 * - `pulumi-rekko-<version>.tgz`, the npm package (`npm pack`);
 * - `pulumi-rekko-rekko-<version>.tgz`, the Node.js SDK (`@pulumi-rekko/rekko`, compiled);
 * - the Python SDK's sdist and wheel (scripts/sdk/python.sh); the Java SDK's jar and its sources
 *   in `sdk/java/` (scripts/sdk/java.sh);
 * - `sdk/go/`: the Go SDK as a module tree, its go.mod naming the import path;
 * - `sdk/dotnet/`: the .NET SDK's sources (not compiled: no .NET here);
 * - `SHA256SUMS` of every file above (`sha256sum -c SHA256SUMS` checks them).
 *
 * A step whose builder or toolchain is missing is not faked: it is skipped with a message naming
 * what is missing, and {@link buildRelease} lists it in `missing`.
 *
 * The schema carries `pluginDownloadURL` (`github://api.github.com/<owner>/<repo>`, the release
 * page of package.json's `repository`); `REKKO_PLUGIN_DOWNLOAD_URL` replaces it for this build
 * (the executables' schema and every SDK's `pulumi-plugin.json` `server`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join, relative } from "node:path";
import {
  archiveName,
  buildExecutables,
  hostTarget,
  PLUGIN,
  packArchive,
  ROOT,
  TARGETS,
  type Target,
  version,
} from "./dist-plugin";
import { packPackage } from "./rig/pack";

const SCHEMA = "provider/native/schema.json";
const BUILD = join(ROOT, ".work", "dist", "build");
/** The name the install script has in the release. */
export const INSTALL_SCRIPT = `${PLUGIN}-install.sh`;

const say = (line: string) => process.stderr.write(`==> ${line}\n`);

export interface ReleaseOptions {
  /** Where the artifacts go (emptied first). Default dist/release. */
  outDir?: string;
  /** Plugin platforms. Default: all of {@link TARGETS}. */
  targets?: readonly Target[];
  /** Replaces the schema's `pluginDownloadURL`. Default: `REKKO_PLUGIN_DOWNLOAD_URL`, else the schema's. */
  pluginDownloadURL?: string;
}

export interface Release {
  dir: string;
  version: string;
  /** The plugin platforms it carries. */
  targets: readonly Target[];
  /** The schema its SDKs are generated from (absent for a release read back by {@link readRelease}). */
  schema?: string;
  archives: Partial<Record<Target, string>>;
  installScript: string;
  npmPackage: string;
  nodeSdk: string;
  python?: { sdist: string; wheel: string };
  /** The Java SDK: its sources (a Maven project) and the jar Maven built from them. */
  java?: { sources: string; jar: string };
  goModule: string;
  dotnet: string;
  sums: string;
  /** The artifacts not built, each with what is missing. */
  missing: string[];
}

/** The `github://` plugin server of a package.json `repository` on GitHub. */
export function githubServer(repository: unknown): string {
  const url = typeof repository === "string" ? repository : (repository as { url?: string } | undefined)?.url;
  const m = /github\.com[/:]([^/]+)\/([^/.]+?)(\.git)?\/?$/.exec(url ?? "");
  if (!m) throw new Error(`package.json's repository is not a GitHub repository: ${String(url)}`);
  return `github://api.github.com/${m[1]}/${m[2]}`;
}

/** The package's schema (provider/native/schema.json). */
const packageSchema = () => JSON.parse(readFileSync(join(ROOT, SCHEMA), "utf8")) as Record<string, unknown>;

/** The schema this release serves: the package's, version stamped, `pluginDownloadURL` as chosen. */
function releaseSchema(pluginDownloadURL?: string): Record<string, unknown> {
  const spec = packageSchema();
  const server = pluginDownloadURL ?? process.env.REKKO_PLUGIN_DOWNLOAD_URL ?? (spec.pluginDownloadURL as string);
  return { ...spec, version: version(), pluginDownloadURL: server };
}

/**
 * Runs a build step; returns its stdout. Of its stderr only the progress lines (`==> …`) are
 * passed on; the rest (compilers' and build tools' chatter) is shown only when the step fails.
 */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  const err = r.stderr ?? "";
  if (r.status !== 0) {
    process.stderr.write(err);
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal}); its output is above`);
  }
  for (const line of err.split("\n")) if (line.startsWith("==> ")) process.stderr.write(`${line}\n`);
  return r.stdout;
}

/** The Pulumi toolchain directory (scripts/setup.sh exports it). */
function toolchain(): string {
  const dir = process.env.PULUMI_REKKO_TOOLCHAIN;
  if (!dir) throw new Error("PULUMI_REKKO_TOOLCHAIN is not set: run `npm run dist` (scripts/dist.sh sets up the toolchain)");
  return dir;
}

/** The pulumi Go SDK version the toolchain pins (toolchain/versions.env). */
function pulumiVersion(): string {
  const m = /^PULUMI_VERSION=(\S+)/m.exec(readFileSync(join(ROOT, "toolchain", "versions.env"), "utf8"));
  if (!m?.[1]) throw new Error("toolchain/versions.env has no PULUMI_VERSION");
  return m[1];
}

const has = (cmd: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** The Node.js SDK, compiled with the project's TypeScript, packed as npm would publish it. */
function nodeSdk(src: string, outDir: string): string {
  // Inside the repository, so the compiler finds @pulumi/pulumi and @types/node in its node_modules.
  const dir = join(BUILD, "nodejs");
  rmSync(dir, { recursive: true, force: true });
  cpSync(src, dir, { recursive: true });
  run(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", join(dir, "tsconfig.json")]);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
  delete pkg.scripts;
  delete pkg.devDependencies;
  writeFileSync(join(dir, "bin", "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  copyFileSync(join(dir, "README.md"), join(dir, "bin", "README.md"));
  const name =
    run("npm", ["pack", join(dir, "bin"), "--pack-destination", outDir, "--silent"])
      .trim()
      .split("\n")
      .pop() ?? "";
  return join(outDir, name);
}

/** The Go SDK as a module: go.mod names the import path (importBasePath less the package). */
function goModule(src: string, outDir: string, schema: Record<string, unknown>): string {
  const base = ((schema.language as Record<string, { importBasePath?: string }>).go?.importBasePath ?? "").replace(
    /\/[^/]+$/,
    "",
  );
  if (!base) throw new Error("the schema has no language.go.importBasePath");
  const dir = join(outDir, "sdk", "go");
  cpSync(src, dir, { recursive: true });
  writeFileSync(
    join(dir, "go.mod"),
    `module ${base}\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 v${pulumiVersion()}\n`,
  );
  run("go", ["mod", "tidy"], { cwd: dir, env: { ...process.env, GOFLAGS: "-mod=mod" } });
  return dir;
}

/** Every file under `dir` (relative, `/`-separated, sorted). */
function filesUnder(dir: string, at = dir): string[] {
  return readdirSync(at)
    .flatMap((f) => {
      const p = join(at, f);
      return statSync(p).isDirectory() ? filesUnder(dir, p) : [relative(dir, p).split("\\").join("/")];
    })
    .sort();
}

/** Writes SHA256SUMS over every other file of the release, in `sha256sum -c`'s format. */
function writeSums(dir: string): string {
  const lines = filesUnder(dir)
    .filter((f) => f !== "SHA256SUMS")
    .map(
      (f) =>
        `${createHash("sha256")
          .update(readFileSync(join(dir, f)))
          .digest("hex")}  ${f}`,
    );
  const sums = join(dir, "SHA256SUMS");
  writeFileSync(sums, `${lines.join("\n")}\n`);
  return sums;
}

/** Builds every artifact into `outDir`; see the file's comment. */
export async function buildRelease(opts: ReleaseOptions = {}): Promise<Release> {
  const dir = opts.outDir ?? join(ROOT, "dist", "release");
  const targets = opts.targets ?? TARGETS;
  const v = version();
  const missing: string[] = [];
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  rmSync(BUILD, { recursive: true, force: true });
  mkdirSync(BUILD, { recursive: true });

  const spec = releaseSchema(opts.pluginDownloadURL);
  const schema = join(BUILD, "schema.json");
  writeFileSync(schema, `${JSON.stringify(spec, null, 2)}\n`);
  say(`rekko ${v}: plugin server ${String(spec.pluginDownloadURL)}`);

  // The executable plugins, serving this schema. They stamp the version in themselves, so with
  // the package's own plugin server they carry the package's schema file: the same executables
  // (the same cache entries) as the tests' and the benchmark's hostPlugin().
  const sameServer = spec.pluginDownloadURL === packageSchema().pluginDownloadURL;
  const built = await buildExecutables(targets, sameServer ? {} : { [SCHEMA]: schema });
  const archives: Partial<Record<Target, string>> = {};
  for (const t of targets) archives[t] = packArchive(built.get(t) as string, t, dir);
  say(`plugin archives: ${targets.join(", ")} (${hostTarget()} is this machine's)`);
  const installScript = join(dir, INSTALL_SCRIPT);
  copyFileSync(join(ROOT, "scripts", "dist-install.sh"), installScript);
  chmodSync(installScript, 0o755);

  // The package's prepack (scripts/pack.js) without its prepare (a second tsc build:
  // scripts/setup.sh has built dist/ already), on a staged copy: the tests beside this build read
  // the checkout's package.json.
  say("npm package (npm pack)");
  const npmName = packPackage(dir)[0]?.filename ?? "";
  const npmPackage = join(dir, npmName);

  say("SDKs (the toolchain's generators)");
  const sdk = join(BUILD, "sdk");
  let dotnetSrc = join(sdk, "dotnet");
  const sdkgen = join(ROOT, "toolchain", "sdkgen.sh");
  if (existsSync(sdkgen)) run("bash", [sdkgen, schema, sdk, "go", "nodejs", "dotnet"]);
  else {
    // The toolchain's generator programs as they were before toolchain/sdkgen.sh.
    run(join(toolchain(), "pulumi-rekko-sdkgen"), [schema, sdk, "go", "nodejs"]);
    run(join(toolchain(), "pulumi-rekko-sdkgen-dotnet"), [schema, join(sdk, "dotnet")]);
    dotnetSrc = join(sdk, "dotnet", "dotnet");
  }
  const nodeTgz = nodeSdk(join(sdk, "nodejs"), dir);
  const goDir = goModule(join(sdk, "go"), dir, spec);
  const dotnet = join(dir, "sdk", "dotnet");
  cpSync(dotnetSrc, dotnet, { recursive: true });

  let python: Release["python"];
  const pythonScript = join(ROOT, "scripts", "sdk", "python.sh");
  if (!existsSync(pythonScript))
    missing.push("Python SDK sdist and wheel: scripts/sdk/python.sh (the Python SDK build) is not in this checkout");
  else if (!has("python3")) missing.push("Python SDK sdist and wheel: python3 is not on PATH");
  else {
    say("Python SDK (scripts/sdk/python.sh)");
    const out = join(BUILD, "python");
    const [sdist, wheel] = run("bash", [pythonScript, out, schema]).trim().split("\n");
    if (!sdist?.endsWith(".tar.gz") || !wheel?.endsWith(".whl"))
      throw new Error(`scripts/sdk/python.sh printed ${sdist}, ${wheel}`);
    python = { sdist: join(dir, basename(sdist)), wheel: join(dir, basename(wheel)) };
    copyFileSync(sdist, python.sdist);
    copyFileSync(wheel, python.wheel);
  }
  let java: Release["java"];
  const javaScript = join(ROOT, "scripts", "sdk", "java.sh");
  if (!existsSync(javaScript)) missing.push("Java SDK: scripts/sdk/java.sh (the Java SDK build) is not in this checkout");
  else if (!has("mvn")) missing.push("Java SDK: mvn (Maven) is not on PATH");
  else {
    say("Java SDK (scripts/sdk/java.sh)");
    const out = join(BUILD, "java");
    const jar = run("bash", [javaScript, out, schema]).trim().split("\n").pop() ?? "";
    if (!jar.endsWith(".jar")) throw new Error(`scripts/sdk/java.sh printed ${jar}`);
    java = { sources: join(dir, "sdk", "java"), jar: join(dir, basename(jar)) };
    cpSync(join(out, "java"), java.sources, { recursive: true, filter: (p) => !/[\\/]target([\\/]|$)/.test(p) });
    copyFileSync(jar, java.jar);
  }

  const sums = writeSums(dir);
  for (const m of missing) process.stderr.write(`dist: NOT BUILT: ${m}\n`);
  return {
    dir,
    version: v,
    targets,
    schema,
    archives,
    installScript,
    npmPackage,
    nodeSdk: nodeTgz,
    ...(python ? { python } : {}),
    ...(java ? { java } : {}),
    goModule: goDir,
    dotnet,
    sums,
    missing,
  };
}

/**
 * A release `npm run dist` wrote into `dir`, for `targets`, read back by its file names (what
 * {@link buildRelease} returns, less the schema). Files are not checked here: the release's
 * tests check them.
 */
export function readRelease(dir: string, targets: readonly Target[] = TARGETS): Release {
  const v = version();
  const top = readdirSync(dir);
  const one = (re: RegExp) => top.find((f) => re.test(f));
  const sdist = one(/^pulumi_rekko-.*\.tar\.gz$/);
  const wheel = one(/^pulumi_rekko-.*\.whl$/);
  const jar = one(/\.jar$/);
  return {
    dir,
    version: v,
    targets,
    archives: Object.fromEntries(targets.map((t) => [t, join(dir, archiveName(t, v))])),
    installScript: join(dir, INSTALL_SCRIPT),
    npmPackage: join(dir, `pulumi-rekko-${v}.tgz`),
    nodeSdk: join(dir, `pulumi-rekko-rekko-${v}.tgz`),
    ...(sdist && wheel ? { python: { sdist: join(dir, sdist), wheel: join(dir, wheel) } } : {}),
    ...(jar ? { java: { sources: join(dir, "sdk", "java"), jar: join(dir, jar) } } : {}),
    goModule: join(dir, "sdk", "go"),
    dotnet: join(dir, "sdk", "dotnet"),
    sums: join(dir, "SHA256SUMS"),
    missing: [],
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const targets = args.length ? (args as Target[]) : TARGETS;
  for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t}; targets are ${TARGETS.join(", ")}`);
  const start = Date.now();
  buildRelease({ targets }).then(
    (r) => {
      for (const f of filesUnder(r.dir).filter((f) => !f.startsWith("sdk/"))) process.stdout.write(`${join(r.dir, f)}\n`);
      process.stdout.write(`${r.goModule}/\n${r.dotnet}/\n`);
      say(`release ${r.version} in ${relative(ROOT, r.dir)} (${((Date.now() - start) / 1000).toFixed(0)} s)`);
    },
    (err: unknown) => {
      process.stderr.write(`dist: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
