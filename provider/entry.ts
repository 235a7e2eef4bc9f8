/**
 * The package's `main`. Importing `pulumi-rekko` never lands here: Node.js resolves the package
 * name through `exports` to `./index`. A require of the package *directory* does, and that is how
 * Pulumi's Node.js language host runs the plugin that `PulumiPlugin.yaml` (`runtime: nodejs`)
 * declares at the package root, for `pulumi package add <package dir>` and a project's
 * `packages:` entry. Its `@pulumi/pulumi/cmd/run-plugin` script requires the directory, serves
 * any exported ComponentResource class as an inferred component provider (which would hide the
 * rekko provider), and otherwise calls an exported function. So when that script required this
 * module, it exports the start of the rekko provider plugin; in every other case, the library.
 */
import { requiredByRunPlugin, startPlugin } from "./native/start";

module.exports = requiredByRunPlugin(module) ? () => startPlugin(process.argv.slice(2)) : require("./index");
