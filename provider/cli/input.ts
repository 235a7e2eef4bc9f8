/** What the commands share: usage errors, parsing the command line, and reading inputs from files or standard input. */
import { readFileSync } from "node:fs";
import { type ParseArgsConfig, parseArgs } from "node:util";

/** A usage or input error: the command exits 2 with its usage text. */
export class UsageError extends Error {}

/** `parseArgs` (strict, with positionals), its errors as {@link UsageError}s. */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Reads each file, `-` being standard input (read as a stream: `readFileSync(0)` can fail with
 * EAGAIN on a pipe). Refuses standard input from a terminal, saying `hint`.
 */
export async function readInputs(files: readonly string[], hint: string): Promise<string[]> {
  if (files.includes("-") && process.stdin.isTTY) throw new UsageError(hint);
  const texts: string[] = [];
  for (const file of files) {
    try {
      if (file !== "-") texts.push(readFileSync(file, "utf8"));
      else {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
        texts.push(Buffer.concat(chunks).toString("utf8"));
      }
    } catch (err) {
      throw new UsageError(`cannot read ${file === "-" ? "standard input" : file}: ${(err as Error).message}`);
    }
  }
  return texts;
}
