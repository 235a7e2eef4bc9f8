/**
 * The release the dist specs share, made once per test process.
 *
 * - Under `npm test`: `buildRelease` (what `npm run dist` runs) into .work/dist/release for this
 *   machine's platform only, with every SDK. The executable comes from the plugin cache outside
 *   the checkout (scripts/dist-plugin.ts), so a clone whose provider code did not change since
 *   the last build rebuilds nothing.
 * - Under `npm run dist` (scripts/dist.sh sets REKKO_RELEASE_DIR, and REKKO_RELEASE_TARGETS when
 *   it was given platforms): the release it just wrote, every platform, read back by name.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { buildRelease, type Release, readRelease } from "../../scripts/dist";
import { archiveName, hostTarget, PLUGIN, TARGETS, type Target } from "../../scripts/dist-plugin";
import { ROOT, toolchainDir, WORK } from "../support/engine";

export const RELEASE_DIR = join(WORK, "dist", "release");
let pending: Promise<Release> | undefined;

/** The platforms the release under test must carry. */
export function releaseTargets(): readonly Target[] {
  if (!process.env.REKKO_RELEASE_DIR) return [hostTarget()];
  const named = (process.env.REKKO_RELEASE_TARGETS ?? "").split(/\s+/).filter(Boolean) as Target[];
  return named.length > 0 ? named : TARGETS;
}

/** The release, built (or read) on first use. */
export function release(): Promise<Release> {
  if (!pending) {
    const given = process.env.REKKO_RELEASE_DIR;
    pending = given ? Promise.resolve(readRelease(given, releaseTargets())) : builtOnce();
  }
  return pending;
}

/**
 * The release of this test run, built by one process. `npm test` runs spec files in parallel
 * workers, and several of them need the release: the first to take the lock (a directory beside
 * the release) builds it and records the run (`REKKO_TEST_RUN`, set by scripts/test.sh) beside
 * it; the others wait for the lock and read that build back. Outside `npm test` each process
 * builds its own.
 */
async function builtOnce(): Promise<Release> {
  const run = process.env.REKKO_TEST_RUN ?? `pid-${process.pid}`;
  const lock = `${RELEASE_DIR}.lock`;
  const stamp = `${RELEASE_DIR}.run`;
  mkdirSync(join(RELEASE_DIR, ".."), { recursive: true });
  const waitUntil = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // A lock older than the wait (its holder died) is taken over.
      if (Date.now() > waitUntil) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (existsSync(stamp) && readFileSync(stamp, "utf8") === run) return readRelease(RELEASE_DIR, releaseTargets());
    rmSync(stamp, { force: true });
    process.env.PULUMI_REKKO_TOOLCHAIN ??= toolchainDir();
    const start = Date.now();
    const r = await buildRelease({ outDir: RELEASE_DIR, targets: releaseTargets() });
    console.log(`      release (${r.targets.join(", ")}) built in ${((Date.now() - start) / 1000).toFixed(0)} s`);
    writeFileSync(stamp, run);
    return r;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The random provider plugin the toolchain built (the component's passwords need it). */
export function randomPlugin(): { version: string; path: string } {
  const version = /^RANDOM_VERSION=(\S+)/m.exec(readFileSync(join(ROOT, "toolchain", "versions.env"), "utf8"))?.[1] ?? "";
  const cache = process.env.PULUMI_REKKO_CACHE ?? join(homedir(), ".cache", "pulumi-rekko");
  return { version, path: join(cache, "toolchain", `random-v${version}`, "pulumi-resource-random") };
}

/**
 * The commands a PATH without Node.js offers besides the toolchain's: Go and the C compiler go
 * build calls for cgo; the shell tools the release's install script uses.
 */
const KEPT = [
  "go",
  "gofmt",
  "gcc",
  "cc",
  "as",
  "ld",
  "bash",
  "sh",
  "tar",
  "gzip",
  "od",
  "awk",
  "grep",
  "uname",
  "basename",
  "dirname",
  "cut",
  "tr",
  "sha256sum",
];

/**
 * A directory to be the whole PATH of a user without Node.js: links to the Pulumi toolchain's
 * programs except the Node.js ones, and to the commands above. Fails if it would offer `node`,
 * `nodejs`, `npm` or `npx`.
 */
export function nodelessPath(): string {
  const dir = join(WORK, "dist", "nodeless-bin");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tool = toolchainDir();
  for (const f of readdirSync(tool)) if (!/node/.test(f)) symlinkSync(join(tool, f), join(dir, f));
  for (const cmd of KEPT) {
    const found = (process.env.PATH ?? "")
      .split(delimiter)
      .map((d) => join(d, cmd))
      .find((p) => existsSync(p) && !p.includes("node_modules"));
    if (found) symlinkSync(found, join(dir, cmd));
  }
  for (const f of readdirSync(dir)) if (/^(node|nodejs|npm|npx)$/.test(f)) throw new Error(`${dir} offers ${f}`);
  return dir;
}

/** True when `command -v <cmd>` finds it on `path` (a shell from /bin, not from that PATH). */
export function onPath(cmd: string, path: string): boolean {
  try {
    execFileSync("/bin/sh", ["-c", `command -v ${cmd}`], { env: { PATH: path }, stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

/**
 * An archive of another platform, named as the release names it: a small program that Go links
 * for darwin/arm64 (a Mach-O arm64 executable, as the release's darwin-arm64 plugin is), packed
 * as `pulumi-resource-rekko-v<version>-darwin-arm64.tar.gz` into `dir`. The test of a
 * wrong-platform download needs no real plugin of that platform, so `npm test` builds none.
 */
export function foreignArchive(dir: string): string {
  const src = join(dir, "foreign-src");
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, "go.mod"), "module foreign\n\ngo 1.25\n");
  writeFileSync(join(src, "main.go"), "package main\n\nfunc main() {}\n");
  const exeDir = join(dir, "foreign-exe");
  mkdirSync(exeDir, { recursive: true });
  execFileSync("go", ["build", "-o", join(exeDir, PLUGIN), "."], {
    cwd: src,
    env: { ...process.env, GOOS: "darwin", GOARCH: "arm64", CGO_ENABLED: "0" },
    stdio: "pipe",
  });
  const archive = join(dir, archiveName("darwin-arm64"));
  execFileSync("tar", ["-czf", archive, "-C", exeDir, PLUGIN]);
  return archive;
}
