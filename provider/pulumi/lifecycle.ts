/**
 * The life of a provider process, the same on both faces. The engine sends `Cancel` on Ctrl-C
 * (the dynamic face sees it through dynamic/cancelHook.ts), and SIGINT to a plugin's process group when it closes the plugin (at the end of a
 * run, and on a second Ctrl-C), then SIGKILL 5 s later. Cancelling stops retries (the API
 * client's `signal`) but lets each operation finish what it started, so a create whose outcome
 * is unknown is still reconciled and its webhook recorded. SIGINT also ends the process once no
 * operation is in flight (at once when idle, as Node's default would). The engine ends its
 * plugins when it exits normally, but a killed CLI leaves them running: like Pulumi's Go
 * providers, the process asks the engine's gRPC health service every second, and once the
 * engine can no longer be reached, it ends the same way.
 */
import { sdkGrpc } from "./sdkModules";

/** Options of {@link ProviderLifecycle.watchEngine}. */
export interface WatchOptions {
  /** How often the engine is asked, ms. Default 1000. */
  intervalMs?: number;
  /** Consecutive unreachable checks that mean the engine is gone. Default 2. */
  misses?: number;
  /** Longest wait for operations in flight once the engine is gone, ms. Default 5000. */
  graceMs?: number;
  /** Ends the process (injected for tests). Default `process.exit(0)`. */
  exit?: () => void;
}

/** Cancellation and shutdown of one provider process. */
export class ProviderLifecycle {
  private readonly controller = new AbortController();
  private inFlight = 0;
  private idle: (() => void)[] = [];

  /** Aborted once the deployment is cancelled: the API client stops retrying. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Cancels: no more retries. */
  cancel(): void {
    this.controller.abort();
  }

  /** Runs one provider operation, counted as in flight until it settles. */
  async track<T>(run: () => T | Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await run();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  /** Resolves when no operation is in flight. */
  private settled(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  /** Cancels, then calls `exit` once no operation is in flight, or after `graceMs`. */
  private shutdown(exit: () => void, graceMs: number): void {
    this.cancel();
    const grace = setTimeout(exit, graceMs);
    grace.unref();
    void this.settled().then(exit);
  }

  /**
   * SIGINT cancels and ends the process once the operations in flight are done, instead of at
   * once (Node's default would drop an unanswered create without looking for its webhook).
   */
  endOnSigint(
    graceMs = 4_000,
    exit: () => void = () => process.exit(0),
    signals: Pick<NodeJS.EventEmitter, "once"> = process,
  ): void {
    signals.once("SIGINT", () => this.shutdown(exit, graceMs));
  }

  /**
   * Asks the engine at `address` (gRPC `grpc.health.v1.Health/Check`; any answer but UNAVAILABLE,
   * UNIMPLEMENTED and a deadline included, means it is there) every `intervalMs`; after `misses`
   * unreachable checks in a row, cancels and exits
   * once no operation is in flight, or after `graceMs`. The timer keeps no process alive.
   */
  watchEngine(address: string, options: WatchOptions = {}): () => void {
    const { intervalMs = 1000, misses = 2, graceMs = 5000, exit = () => process.exit(0) } = options;
    const grpc = sdkGrpc();
    const client = new grpc.Client(address, grpc.credentials.createInsecure());
    let missed = 0;
    let checking = false;
    const check = () => {
      if (checking) return;
      checking = true;
      client.makeUnaryRequest(
        "/grpc.health.v1.Health/Check",
        () => Buffer.alloc(0),
        (b: Buffer) => b,
        {},
        { deadline: Date.now() + Math.max(intervalMs, 1000) },
        (err) => {
          checking = false;
          // Only a connection that fails counts: a slow answer (a busy engine) is an answer.
          const answered = err?.code !== grpc.status.UNAVAILABLE;
          missed = answered ? 0 : missed + 1;
          if (missed < misses) return;
          stop();
          this.shutdown(exit, graceMs);
        },
      );
    };
    const timer = setInterval(check, intervalMs);
    timer.unref();
    const stop = () => {
      clearInterval(timer);
      client.close();
    };
    return stop;
  }
}
