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

/**
 * The SDK runtime modules `construct` uses, loaded on the first construct: they pull in the
 * whole SDK (and with it TypeScript, for closure serialization), which a plugin serving only
 * the schema and CRUD never needs. Every plugin start pays for what loads eagerly, and the
 * engine starts the plugin more than once per command.
 */
export const constructRuntime = once(() => ({
  /** `@pulumi/pulumi/runtime/config`. */
  config: require("@pulumi/pulumi/runtime/config") as {
    setAllConfig(config: Record<string, string>, secretKeys?: string[]): void;
  },
  /** `@pulumi/pulumi/runtime/state`: the async-local store each construct runs in. */
  state: require("@pulumi/pulumi/runtime/state") as {
    withLocalStorage<T>(callback: () => Promise<T>): Promise<T>;
  },
  /** `@pulumi/pulumi/runtime/rpc`. */
  rpc: require("@pulumi/pulumi/runtime/rpc") as {
    serializeResourceProperties(
      label: string,
      props: pulumi.Inputs,
    ): Promise<[Record<string, unknown>, Map<string, Set<pulumi.Resource>>]>;
    deserializeProperty(prop: unknown, keepUnknowns?: boolean): unknown;
  },
  /** `@pulumi/pulumi/runtime/resource`: a construct request's hook bindings as resource options (stubs the engine calls back). */
  resource: require("@pulumi/pulumi/runtime/resource") as {
    hookBindingFromProto(binding: unknown): pulumi.ResourceHookBinding | undefined;
  },
  /** `@pulumi/pulumi/provider/server`: inputs of a construct request as Outputs with their dependencies. */
  providerServer: require("@pulumi/pulumi/provider/server") as {
    deserializeInputs(
      inputs: gstruct.Struct | undefined,
      dependencies: { get(key: string): { getUrnsList(): string[] } | undefined },
    ): Promise<pulumi.Inputs>;
  },
}));

function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= load();
    return value;
  };
}

/** An Output's value, waited for (the SDK's internal `promise()`; `apply` would not wait in preview). */
export function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}
