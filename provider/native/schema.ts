import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VERSION } from "../core/version";

/**
 * The package schema: `schema.json` beside the sources (the source of truth, shipped in the
 * package), with the package's version stamped in.
 */
export function schemaText(): string {
  const spec = JSON.parse(readFileSync(schemaPath(), "utf8")) as Record<string, unknown>;
  return JSON.stringify({ ...spec, version: VERSION });
}

/** Where schema.json is: `provider/native/` of the package, from the sources or from `dist/`. */
export function schemaPath(): string {
  const up = __dirname.includes(`${join("dist", "provider")}`) ? join(__dirname, "..", "..", "..") : join(__dirname, "..", "..");
  return join(up, "provider", "native", "schema.json");
}
