import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Node's `node:sea` module, where this Node.js has it (20.12 and later). */
interface Sea {
  isSea(): boolean;
  getAsset(key: string, encoding: string): string;
}

function sea(): Sea | undefined {
  try {
    const mod = require("node:sea") as Sea;
    return mod.isSea() ? mod : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The package root: the directory holding package.json, from the sources (`provider/core`) or
 * from the build (`dist/provider/core`).
 */
export function packageRoot(): string {
  return __dirname.includes(join("dist", "provider")) ? join(__dirname, "..", "..", "..") : join(__dirname, "..", "..");
}

/**
 * A text file shipped with the package, by its path from the package root (`package.json`,
 * `provider/native/schema.json`). In the single executable plugin (`pulumi-resource-rekko`,
 * built by scripts/dist-plugin.ts) these files are its assets, under the same paths; anywhere
 * else they are read from the package.
 */
export function packageFile(path: string): string {
  const app = sea();
  if (app) return app.getAsset(path, "utf8");
  return readFileSync(join(packageRoot(), ...path.split("/")), "utf8");
}
