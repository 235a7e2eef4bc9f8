import { join } from "node:path";
import { packageFile, packageRoot } from "../core/packaged";
import { VERSION } from "../core/version";

/** schema.json's path from the package root. */
export const SCHEMA_FILE = "provider/native/schema.json";

/**
 * The package schema: `schema.json` beside the sources (the source of truth, shipped in the
 * package, and an asset of the single executable plugin), with the package's version stamped in.
 */
export function schemaText(): string {
  const spec = JSON.parse(packageFile(SCHEMA_FILE)) as Record<string, unknown>;
  return JSON.stringify({ ...spec, version: VERSION });
}

/** Where schema.json is: `provider/native/` of the package, from the sources or from `dist/`. */
export function schemaPath(): string {
  return join(packageRoot(), ...SCHEMA_FILE.split("/"));
}
