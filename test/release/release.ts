/**
 * The release the dist specs share: `buildRelease` (what `npm run dist` runs) once per test
 * process into .work/dist/release, every target. The executables are cached by content
 * (scripts/dist-plugin.ts), so a run whose sources did not change rebuilds none.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { buildRelease, type Release } from "../../scripts/dist";
import { ROOT, toolchainDir, WORK } from "../support/engine";

export const RELEASE_DIR = join(WORK, "dist", "release");
let pending: Promise<Release> | undefined;

/** The release, built on first use. */
export function release(): Promise<Release> {
  if (!pending) {
    process.env.PULUMI_REKKO_TOOLCHAIN ??= toolchainDir();
    const start = Date.now();
    pending = buildRelease({ outDir: RELEASE_DIR }).then((r) => {
      console.log(`      release built in ${((Date.now() - start) / 1000).toFixed(0)} s`);
      return r;
    });
  }
  return pending;
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
