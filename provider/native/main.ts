#!/usr/bin/env node
/**
 * `pulumi-resource-rekko`: the rekko provider plugin. The engine runs it with its address as
 * argument and reads the port it serves on from the first line of its output.
 *
 * Written so that even an old Node.js gets as far as the version check and says, in one
 * line, why the plugin cannot start.
 */
const NEEDED = [22, 12];
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < (NEEDED[0] ?? 0) || (major === NEEDED[0] && minor < (NEEDED[1] ?? 0))) {
  process.stderr.write(
    `pulumi-resource-rekko: Node.js >= ${NEEDED.join(".")} is needed to run the rekko provider plugin; \`node\` on PATH is ${process.versions.node}. Install Node.js 22 (https://nodejs.org) and run the command again.\n`,
  );
  process.exit(1);
}
(require("./server") as typeof import("./server")).serve(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`pulumi-resource-rekko: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
