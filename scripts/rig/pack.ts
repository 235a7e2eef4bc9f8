import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const WORK = join(ROOT, ".work");
let seq = 0;

/**
 * `npm pack` of this checkout into `destination`, from a staged copy of what the package
 * holds (the manifest, README, the built `dist/`, the native plugin's files and the pack
 * script), so that packing never touches the checkout that tests running beside it read: `npm
 * pack` here would rebuild `dist/` (the `prepare` script), and `scripts/pack.js before` strips
 * the checkout's package.json and puts PulumiPlugin.yaml beside the demo's Pulumi.yaml for a
 * while. The staged copy runs the same `scripts/pack.js before` step. Used by the tests and by
 * the release build (scripts/dist.ts), which `npm test` runs beside them. Returns npm's
 * `--json` answer.
 */
export function packPackage(destination: string): { filename: string; files: { path: string }[] }[] {
  const stage = join(WORK, "pack", `${process.pid}-${++seq}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, "scripts"), { recursive: true });
  mkdirSync(join(stage, "provider", "native"), { recursive: true });
  try {
    for (const f of ["package.json", "README.md"]) cpSync(join(ROOT, f), join(stage, f));
    cpSync(join(ROOT, "scripts", "pack.js"), join(stage, "scripts", "pack.js"));
    for (const f of ["PulumiPlugin.yaml", "schema.json"])
      cpSync(join(ROOT, "provider", "native", f), join(stage, "provider", "native", f));
    cpSync(join(ROOT, "dist"), join(stage, "dist"), {
      recursive: true,
      filter: (p) => !p.includes(`${join("dist", "release")}`),
    });
    execFileSync(process.execPath, [join(stage, "scripts", "pack.js"), "before"], { cwd: stage });
    return JSON.parse(
      execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", destination], {
        cwd: stage,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      }),
    ) as { filename: string; files: { path: string }[] }[];
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
