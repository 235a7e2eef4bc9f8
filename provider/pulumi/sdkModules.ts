/**
 * Modules a Pulumi provider process shares with the installed `@pulumi/pulumi`, resolved from
 * it so that both use one copy (one gRPC, one protobuf), and the engine address among a
 * plugin's arguments: what both faces' provider processes need.
 * @internal
 */
import type * as grpcTypes from "@grpc/grpc-js";

/** Requires `id` as `@pulumi/pulumi` itself resolves it. */
export const sdkRequire = (id: string): unknown => require(require.resolve(id, { paths: [require.resolve("@pulumi/pulumi")] }));

/** The SDK's `@grpc/grpc-js`. */
export function sdkGrpc(): typeof grpcTypes {
  return sdkRequire("@grpc/grpc-js") as typeof grpcTypes;
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
