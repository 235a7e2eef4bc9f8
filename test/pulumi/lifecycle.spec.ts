import { EventEmitter } from "node:events";
import { expect } from "chai";
import { ProviderLifecycle } from "../../provider/pulumi/lifecycle";
import { sdkGrpc } from "../../provider/pulumi/sdkModules";

const grpc = sdkGrpc();

/** A gRPC server with no services (every call: UNIMPLEMENTED), standing in for the engine. */
async function fakeEngine(): Promise<{ address: string; stop(): void }> {
  const server = new grpc.Server();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { address: `127.0.0.1:${port}`, stop: () => server.forceShutdown() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ProviderLifecycle: cancel, and exit when the engine is gone", () => {
  it("cancel aborts the signal the API client gets", () => {
    const life = new ProviderLifecycle();
    expect(life.signal.aborted).to.equal(false);
    life.cancel();
    expect(life.signal.aborted).to.equal(true);
  });

  it("keeps running while the engine answers (even UNIMPLEMENTED); once it is gone, cancels and exits after the operation in flight", async () => {
    const engine = await fakeEngine();
    const life = new ProviderLifecycle();
    let exited = 0;
    let finish: () => void = () => {};
    const op = life.track(() => new Promise<void>((resolve) => (finish = resolve)));
    const stop = life.watchEngine(engine.address, { intervalMs: 50, graceMs: 10_000, exit: () => exited++ });
    await sleep(300);
    expect(exited, "the engine answers").to.equal(0);
    engine.stop();
    await sleep(400);
    expect(life.signal.aborted, "cancelled once the engine is gone").to.equal(true);
    expect(exited, "waits for the operation in flight").to.equal(0);
    finish();
    await op;
    await sleep(10);
    expect(exited).to.equal(1);
    stop();
  });

  it("SIGINT (the engine closing the plugin, or a second Ctrl-C) cancels, then exits once the operation in flight is done", async () => {
    const life = new ProviderLifecycle();
    const signals = new EventEmitter();
    let exited = 0;
    let finish: () => void = () => {};
    const op = life.track(() => new Promise<void>((resolve) => (finish = resolve)));
    life.endOnSigint(10_000, () => exited++, signals);
    signals.emit("SIGINT");
    expect(life.signal.aborted, "cancelled at SIGINT").to.equal(true);
    await sleep(50);
    expect(exited, "waits for the operation in flight").to.equal(0);
    finish();
    await op;
    await sleep(10);
    expect(exited).to.equal(1);
  });

  it("SIGINT when idle exits at once", async () => {
    const life = new ProviderLifecycle();
    const signals = new EventEmitter();
    let exited = 0;
    life.endOnSigint(10_000, () => exited++, signals);
    signals.emit("SIGINT");
    await sleep(10);
    expect(exited).to.equal(1);
  });

  it("exits after the grace period when an operation does not settle", async () => {
    const engine = await fakeEngine();
    const life = new ProviderLifecycle();
    let exited = 0;
    void life.track(() => new Promise<void>(() => {}));
    life.watchEngine(engine.address, { intervalMs: 50, graceMs: 200, exit: () => exited++ });
    engine.stop();
    await sleep(600);
    expect(exited).to.be.at.least(1);
  });
});
