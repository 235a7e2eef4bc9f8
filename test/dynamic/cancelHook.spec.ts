import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import { expect } from "chai";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { onEngineCancel, serverGrpc } from "../../provider/dynamic/cancelHook";
import { sdkGrpc } from "../../provider/pulumi/sdkModules";

const grpc = sdkGrpc();

/** A provider server answering Cancel (as the SDK's dynamic provider does) and a client of it. */
async function providerServer() {
  let answered = 0;
  const server = new grpc.Server();
  server.addService(provrpc.ResourceProviderService, {
    cancel: (_call: unknown, callback: (err: null, res: Empty) => void) => {
      answered++;
      callback(null, new Empty());
    },
  } as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    answered: () => answered,
    cancel: () => new Promise<void>((resolve, reject) => client.cancel(new Empty(), (err) => (err ? reject(err) : resolve()))),
    /** Any other call (UNIMPLEMENTED here): resolves with its error code. */
    other: () => new Promise<number | undefined>((resolve) => client.getPluginInfo(new Empty(), (err) => resolve(err?.code))),
    close() {
      client.close();
      server.forceShutdown();
    },
  };
}

describe("dynamic provider: the engine's Cancel, seen through the SDK's gRPC server", () => {
  it("calls back on Cancel while the server's own handler still answers it; other calls pass untouched; removed, it is called no more", async () => {
    const s = await providerServer();
    let cancelled = 0;
    const off = onEngineCancel(() => cancelled++, grpc);
    try {
      expect(off, "the SDK's @grpc/grpc-js has the lookup this relies on").to.be.a("function");
      await s.cancel();
      expect({ cancelled, answered: s.answered() }).to.deep.equal({ cancelled: 1, answered: 1 });
      expect(await s.other(), "another call is answered as before").to.equal(grpc.status.UNIMPLEMENTED);
      expect(cancelled, "another call is no Cancel").to.equal(1);
    } finally {
      off?.();
    }
    await s.cancel();
    expect({ cancelled, answered: s.answered() }).to.deep.equal({ cancelled: 1, answered: 2 });
    s.close();
  });

  it("wraps the lookup once however often it is called; a listener that throws fails neither the call nor the others", async () => {
    const s = await providerServer();
    let cancelled = 0;
    const offs = [
      onEngineCancel(() => {
        throw new Error("listener failure");
      }, grpc),
      onEngineCancel(() => cancelled++, grpc),
    ];
    try {
      const lookup = (grpc.Server.prototype as unknown as { _retrieveHandler: unknown })._retrieveHandler;
      const third = onEngineCancel(() => {}, grpc);
      third?.();
      expect((grpc.Server.prototype as unknown as { _retrieveHandler: unknown })._retrieveHandler, "wrapped once").to.equal(
        lookup,
      );
      await s.cancel();
      expect({ cancelled, answered: s.answered() }).to.deep.equal({ cancelled: 1, answered: 1 });
    } finally {
      for (const off of offs) off?.();
      s.close();
    }
  });

  it("does nothing where the lookup is missing (the second Ctrl-C then stops the work)", () => {
    expect(onEngineCancel(() => {}, { Server: { prototype: {} } })).to.equal(undefined);
  });

  it("uses the @grpc/grpc-js the main module (the SDK's dynamic-provider script) resolves, else the SDK's", () => {
    const fake = { Server: class {} };
    const main = { require: (id: string) => (id === "@grpc/grpc-js" ? fake : undefined) } as unknown as NodeJS.Module;
    expect(serverGrpc(main)).to.equal(fake);
    const none = {
      require: () => {
        throw new Error("Cannot find module");
      },
    } as unknown as NodeJS.Module;
    expect(serverGrpc(none)).to.equal(grpc);
    expect(serverGrpc(undefined)).to.equal(grpc);
  });
});
