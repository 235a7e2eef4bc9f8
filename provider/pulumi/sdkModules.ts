/**
 * Modules a Pulumi provider process shares with the installed `@pulumi/pulumi`, resolved from
 * it so that both use one copy (one gRPC, one protobuf), and the engine address among a
 * plugin's arguments: what both faces' provider processes need.
 * @internal
 */
import type * as grpcTypes from "@grpc/grpc-js";

/** Set to `true` by the single executable's bundler (scripts/dist-plugin.ts); not defined otherwise. */
declare const PULUMI_REKKO_BUNDLE: boolean | undefined;
const bundled = typeof PULUMI_REKKO_BUNDLE !== "undefined" && PULUMI_REKKO_BUNDLE;

/**
 * Requires `id` as `@pulumi/pulumi` itself resolves it, so both share one gRPC and protobuf.
 * In the bundle, where every module exists once, `load` (a static require the bundler follows).
 */
export const sdkRequire = (id: string, load: () => unknown): unknown =>
  bundled ? load() : require(require.resolve(id, { paths: [require.resolve("@pulumi/pulumi")] }));

/** The SDK's `@grpc/grpc-js`. */
export function sdkGrpc(): typeof grpcTypes {
  return sdkRequire("@grpc/grpc-js", () => require("@grpc/grpc-js")) as typeof grpcTypes;
}

/** The engine address among a plugin's arguments (after `--logtostderr`, `-v=N`, `--tracing X`). */
export function engineAddress(args: readonly string[]): string | undefined {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--tracing") i += 1;
    else if (a !== "--logtostderr" && !a.startsWith("-v=") && a !== "--logflow") rest.push(a);
  }
  return rest[0];
}
