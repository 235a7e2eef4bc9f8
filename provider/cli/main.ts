#!/usr/bin/env node
/** `pulumi-rekko`: the package's command, by subcommand (today `cost`). */
import { COST_USAGE, runCost } from "./cost";
import { UsageError } from "./input";

const usage = `Usage: pulumi-rekko <command> [options]

Commands:
  cost   what a deployment costs at Rekko and whether the monthly quota covers it:
         pulumi preview --json | pulumi-rekko cost

Run \`pulumi-rekko <command> --help\` for a command's options. Related commands of this package:
pulumi-rekko-orphans, rekko-emulator.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    console.log(usage);
    return command === undefined ? 2 : 0;
  }
  if (command === "cost") {
    try {
      return await runCost(rest);
    } catch (err) {
      if (err instanceof UsageError) console.error(`pulumi-rekko cost: ${err.message}\n\n${COST_USAGE}`);
      else console.error(`pulumi-rekko cost: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    }
  }
  console.error(`pulumi-rekko: unknown command ${JSON.stringify(command)}\n\n${usage}`);
  return 2;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
