import { packageFile } from "./packaged";

function readVersion(): string {
  try {
    const pkg = JSON.parse(packageFile("package.json")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** This package's version, as in its package.json. */
export const VERSION: string = readVersion();

/** The `User-Agent` sent with every API request. */
export const USER_AGENT = `pulumi-rekko/${VERSION}`;
