/**
 * Starts the rekko provider plugin: serves the provider protocol on a loopback port and prints
 * the port as the first line of output, where the engine reads it. Both ways the engine runs the
 * plugin come here: the bin `pulumi-resource-rekko`, and the package directory run by Pulumi's
 * Node.js language host (`PulumiPlugin.yaml`, see `../entry.ts`).
 *
 * Written so that even an old Node.js gets as far as the version check and says, in one line,
 * why the plugin cannot start: nothing that needs a newer Node.js is loaded before it.
 */
const NEEDED = [22, 12];
const NAME = "pulumi-resource-rekko";

export function startPlugin(args: readonly string[]): Promise<void> {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  if (major < (NEEDED[0] ?? 0) || (major === NEEDED[0] && minor < (NEEDED[1] ?? 0))) {
    process.stderr.write(
      `${NAME}: Node.js >= ${NEEDED.join(".")} is needed to run the rekko provider plugin; \`node\` on PATH is ${process.versions.node}. Install Node.js 22 (https://nodejs.org) and run the command again.\n`,
    );
    process.exit(1);
  }
  return (require("./server") as typeof import("./server")).serve(args).catch((err: unknown) => {
    process.stderr.write(`${NAME}: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

/** The run-plugin script's files, as they appear inside any install of @pulumi/pulumi. */
const RUN_PLUGIN = /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]run-plugin[\\/](index|run)\.js$/;

/**
 * True when `mod` was required directly by Pulumi's run-plugin script running as the process's
 * main module: how Pulumi's Node.js language host starts a `runtime: nodejs` plugin directory.
 * A program or another plugin that merely imports this package is never taken for it.
 */
export function requiredByRunPlugin(mod: NodeJS.Module, main: NodeJS.Module | undefined = require.main): boolean {
  if (!main || !RUN_PLUGIN.test(main.filename)) return false;
  return main.children.some((child) => RUN_PLUGIN.test(child.filename) && child.children.includes(mod));
}
