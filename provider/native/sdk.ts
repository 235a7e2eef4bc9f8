/**
 * The parts of the Node.js SDK's runtime a provider server needs to run `construct`, which
 * the SDK uses in its own (not exported) provider server: loaded from the installed
 * `@pulumi/pulumi` and typed here. Kept in one place so an SDK change breaks one file.
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

/** `@pulumi/pulumi/runtime/config`. */
export const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
  setAllConfig(config: Record<string, string>, secretKeys?: string[]): void;
};

/** `@pulumi/pulumi/runtime/state`: the async-local store each construct runs in. */
export const runtimeState = require("@pulumi/pulumi/runtime/state") as {
  withLocalStorage<T>(callback: () => Promise<T>): Promise<T>;
};

/** `@pulumi/pulumi/runtime/rpc`. */
export const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  serializeResourceProperties(
    label: string,
    props: pulumi.Inputs,
  ): Promise<[Record<string, unknown>, Map<string, Set<pulumi.Resource>>]>;
  deserializeProperty(prop: unknown, keepUnknowns?: boolean): unknown;
};

/** `@pulumi/pulumi/runtime/resource`: a construct request's hook bindings as resource options (stubs the engine calls back). */
export const runtimeResource = require("@pulumi/pulumi/runtime/resource") as {
  hookBindingFromProto(binding: unknown): pulumi.ResourceHookBinding | undefined;
};

/** `@pulumi/pulumi/provider/server`: inputs of a construct request as Outputs with their dependencies. */
export const providerServer = require("@pulumi/pulumi/provider/server") as {
  deserializeInputs(
    inputs: gstruct.Struct | undefined,
    dependencies: { get(key: string): { getUrnsList(): string[] } | undefined },
  ): Promise<pulumi.Inputs>;
};

/** An Output's value, waited for (the SDK's internal `promise()`; `apply` would not wait in preview). */
export function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}
