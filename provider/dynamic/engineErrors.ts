/**
 * Errors of the dynamic provider as the engine shows them: shaped by the shared floor's
 * {@link engineMessage} (one line with the code, what failed and the fix; the detail below,
 * once). The Node.js SDK's dynamic-provider server also writes `${error}: ${error.stack}` to
 * stderr when check, diff, read or delete fail, which the engine shows again (twice, on the
 * stack's row and in its diagnostics) beside the resource's own error: that one line, and only
 * for an error this module returns to the engine, is left out.
 */
import { RekkoError } from "../core/errors";
import { engineMessage } from "../pulumi/failures";

/** Errors already shaped (an error passes here once). */
const shaped = new WeakSet<Error>();
/** The exact lines the SDK's server is about to log for errors the engine gets anyway. */
const pending = new Set<string>();
let filtering = false;

/** Leaves out of `console.error` the lines in {@link pending}, each once; everything else is written. */
function filterConsole(): void {
  if (filtering) return;
  filtering = true;
  const write = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && pending.delete(args[0])) return;
    write(...args);
  };
}

/**
 * Runs one provider method; a package error it throws reaches the engine shaped. `logged`: the
 * SDK's server logs this method's errors (check, diff, read, delete); `returned`: it only
 * returns them (create, update).
 */
export async function forEngine<T>(how: "logged" | "returned", run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof RekkoError && !shaped.has(err)) {
      shaped.add(err);
      err.message = engineMessage(err);
      if (how === "logged") {
        filterConsole();
        pending.add(`${err}: ${err.stack}`);
      }
    }
    throw err;
  }
}
