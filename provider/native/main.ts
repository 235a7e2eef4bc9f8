#!/usr/bin/env node
/**
 * `pulumi-resource-rekko`: the rekko provider plugin. The engine runs it with its address as
 * argument and reads the port it serves on from the first line of its output.
 */
(require("./start") as typeof import("./start")).startPlugin(process.argv.slice(2));
