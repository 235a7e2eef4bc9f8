/**
 * The engine's `Cancel` (the first Ctrl-C), seen by the dynamic provider. The Node.js SDK's
 * dynamic-provider server answers `Cancel` and does nothing, and its server object is not
 * reachable from here (this module loads after the server was built, at the first call for a
 * `RekkoWebhook`). Every call that server serves, though, is looked up through its gRPC
 * server's `_retrieveHandler(path)`, a private method of `@grpc/grpc-js`'s `Server` (1.10 and
 * later). Wrapping it on the prototype lets the provider cancel when `Cancel` arrives, while the
 * SDK's handler still answers it and every other call passes untouched.
 *
 * It degrades to what the SDK alone does: where the method is missing (another `@grpc/grpc-js`)
 * nothing is wrapped, `Cancel` stays unseen, and the second Ctrl-C (the engine's SIGINT) stops
 * the work. A listener that throws never breaks the lookup.
 * @internal
 */
import type * as grpcTypes from "@grpc/grpc-js";
import { sdkGrpc } from "../pulumi/sdkModules";

/** The path of the provider protocol's `Cancel`. */
export const CANCEL_PATH = "/pulumirpc.ResourceProvider/Cancel";

type Lookup = (this: unknown, path: string) => unknown;
type Hooked = { _retrieveHandler?: Lookup; [LISTENERS]?: Set<() => void> };
/** Where the wrapped prototype keeps its listeners, so it is wrapped once however often this is called. */
const LISTENERS = Symbol.for("pulumi-rekko.cancelListeners");

/**
 * Calls `onCancel` whenever a gRPC server of `grpc` receives `Cancel`. Returns a function that
 * removes the listener, or `undefined` when this `@grpc/grpc-js` has no lookup to wrap.
 */
export function onEngineCancel(
  onCancel: () => void,
  grpc: { Server: { prototype: object } } = serverGrpc(),
): (() => void) | undefined {
  const proto = grpc.Server.prototype as Hooked;
  let listeners = proto[LISTENERS];
  if (!listeners) {
    const lookup = proto._retrieveHandler;
    if (typeof lookup !== "function") return undefined;
    const all = new Set<() => void>();
    listeners = all;
    proto[LISTENERS] = all;
    proto._retrieveHandler = function (this: unknown, path: string) {
      if (path === CANCEL_PATH) {
        for (const listener of all) {
          try {
            listener();
          } catch {
            // A listener's failure must not fail the engine's call.
          }
        }
      }
      return lookup.call(this, path);
    };
  }
  const mine = () => onCancel();
  listeners.add(mine);
  return () => listeners.delete(mine);
}

/**
 * The `@grpc/grpc-js` the running dynamic-provider server uses: resolved from its script (the
 * process's main module), else the one the installed `@pulumi/pulumi` resolves.
 */
export function serverGrpc(main: NodeJS.Module | undefined = require.main): typeof grpcTypes {
  try {
    if (main) return main.require("@grpc/grpc-js") as typeof grpcTypes;
  } catch {
    // No @grpc/grpc-js beside the main module: use the SDK's.
  }
  return sdkGrpc();
}
