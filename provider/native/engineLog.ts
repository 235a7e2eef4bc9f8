/**
 * The engine's log, where the native provider's warnings go: the engine shows them among the
 * diagnostics of the resource they are about (it hides a plugin's stderr but for the dynamic
 * provider's).
 */
import type * as engrpcTypes from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as engprotoTypes from "@pulumi/pulumi/proto/engine_pb";
import { stderrWarnings, type WarningSink } from "../pulumi/warnings";
import { grpc } from "./sdk";

/** Warnings sent to the engine at `address` (`pulumirpc.Engine/Log`, severity warning); stderr when there is none or it fails. */
export function engineWarnings(address: string | undefined): WarningSink {
  if (!address) return stderrWarnings;
  const engrpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as typeof engrpcTypes;
  const engproto = require("@pulumi/pulumi/proto/engine_pb") as typeof engprotoTypes;
  const client = new engrpc.EngineClient(address, grpc.credentials.createInsecure());
  return (message, urn) =>
    new Promise<void>((resolve) => {
      const req = new engproto.LogRequest().setSeverity(engproto.LogSeverity.WARNING).setMessage(message).setUrn(urn);
      client.log(req, (err) => {
        if (err) void stderrWarnings(message, urn);
        resolve();
      });
    });
}
