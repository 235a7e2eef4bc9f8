/**
 * How a provider tells the user something at preview or deployment time without failing. A
 * provider process's stderr reaches the engine, which shows each line among the diagnostics of
 * `pulumi preview` and `pulumi up` (a dynamic provider has no engine log of its own, and the
 * native provider needs no other way), so both faces warn the same way.
 */

/** Writes `warning: <message>` as one diagnostic line. */
export function warn(message: string, write: (line: string) => unknown = (line) => process.stderr.write(line)): void {
  write(`warning: ${message}\n`);
}
