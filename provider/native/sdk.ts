/**
 * The parts of the Node.js SDK's runtime a provider server needs to run `construct`, which
 * the SDK uses in its own (not exported) provider server: loaded from the installed
 * `@pulumi/pulumi` and typed here. Kept in one place so an SDK change breaks one file; the
 * runtime modules only `construct` uses are in sdkConstruct.ts (loaded with it, on the first
 * construct).
 * @internal
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as gstruct from "google-protobuf/google/protobuf/struct_pb";
import { sdkGrpc, sdkRequire } from "../pulumi/sdkModules";

export { engineAddress } from "../pulumi/sdkModules";

export const grpc = sdkGrpc();
export const structproto = sdkRequire("google-protobuf/google/protobuf/struct_pb", () =>
  require("google-protobuf/google/protobuf/struct_pb"),
) as typeof gstruct;
export const emptyproto = sdkRequire("google-protobuf/google/protobuf/empty_pb", () =>
  require("google-protobuf/google/protobuf/empty_pb"),
) as { Empty: new () => unknown };

/** `@pulumi/pulumi/runtime/settings`: the runtime's global options. */
export const settings = require("@pulumi/pulumi/runtime/settings") as {
  resetOptions(
    project: string,
    stack: string,
    parallel: number,
    engineAddr: string,
    monitorAddr: string,
    preview: boolean,
    organization: string,
  ): void;
  awaitFeatureSupport(): Promise<void>;
  waitForRPCs(): Promise<void>;
  grpcChannelOptions: Record<string, unknown>;
};

/** An Output's value, waited for (the SDK's internal `promise()`; `apply` would not wait in preview). */
export function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}
