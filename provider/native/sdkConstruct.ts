/**
 * The SDK runtime modules `construct` uses (beside sdk.ts's): loaded with construct.ts, which
 * the server requires on the first construct. They pull in the whole SDK (and with it
 * TypeScript, for closure serialization), which a plugin serving only its schema and CRUD never
 * needs; the engine starts the plugin more than once per command.
 * @internal
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as gstruct from "google-protobuf/google/protobuf/struct_pb";

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
