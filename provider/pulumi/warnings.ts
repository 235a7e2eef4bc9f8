/**
 * How a provider tells the user something at preview or deployment time without failing. The
 * engine shows a dynamic provider's stderr among the diagnostics of `pulumi preview` and
 * `pulumi up`, but only logs another plugin's stderr at debug level: the native provider sends
 * its warnings through the engine's log instead (native/engineLog.ts), attached to the resource.
 */

/** Where warnings go: the message, and the URN of the resource it is about ("" for none). */
export type WarningSink = (message: string, urn: string) => void | Promise<void>;

/** Writes `warning: <message>` as one diagnostic line (to stderr by default). */
export function warn(message: string, write: (line: string) => unknown = (line) => process.stderr.write(line)): void {
  write(`warning: ${message}\n`);
}

/** The sink that writes to stderr ({@link warn}): the dynamic provider's, and the native one's without an engine. */
export const stderrWarnings: WarningSink = (message) => warn(message);
