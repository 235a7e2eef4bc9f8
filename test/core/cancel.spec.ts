import { expect } from "chai";
import { RekkoClient } from "../../provider/core/client";
import { RekkoCancelledError, RekkoServerError } from "../../provider/core/errors";
import { RateLimiter } from "../../provider/core/rateLimit";
import { RekkoEmulator } from "../../provider/testing";

const registration = { url: "http://127.0.0.1:9/cancel", events: ["whale_alert"], secret: "cancel-test-secret-12345" };

describe("RekkoClient signal: a cancelled call stops retrying, and still reconciles an unanswered create", () => {
  let emu: RekkoEmulator;
  let abort: AbortController;
  let client: RekkoClient;
  const api = () => emu.requests().filter((r) => r.path.startsWith("/v1/"));
  /** Aborts once the emulator has seen `n` API requests. */
  const abortAfter = async (n: number) => {
    while (api().length < n) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
  };
  beforeEach(async () => {
    emu = await RekkoEmulator.start();
    abort = new AbortController();
    client = new RekkoClient({ baseUrl: emu.url, apiKey: emu.apiKey, limiter: new RateLimiter(100_000), signal: abort.signal });
  });
  afterEach(() => emu.stop());

  it("a 503 with a long Retry-After: the wait ends at the cancel, the list is read once, nothing is sent again", async () => {
    emu.addFault({
      kind: "status",
      method: "POST",
      path: "/v1/webhooks",
      status: 503,
      headers: { "retry-after": "30" },
      times: 10,
    });
    const started = Date.now();
    const [outcome] = await Promise.all([client.createWebhook(registration).catch((e: unknown) => e), abortAfter(1)]);
    expect(Date.now() - started, "not the 30 s wait").to.be.below(5_000);
    expect(outcome).to.be.instanceOf(RekkoCancelledError);
    expect((outcome as RekkoCancelledError).cause).to.be.instanceOf(RekkoServerError);
    expect((outcome as Error).message).to.match(/^POST \/v1\/webhooks was not retried: the deployment was cancelled/);
    expect(api().map((r) => r.method)).to.deep.equal(["POST", "GET"]);
    expect(emu.webhooks()).to.deep.equal([]);
  });

  it("a create stored but unanswered (dropped connection): the cancel still takes the webhook it registered", async () => {
    emu.addFault({ kind: "latency", method: "POST", path: "/v1/webhooks", latencyMs: 300, times: 1 });
    emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks", times: 1 });
    const pending = client.createWebhook(registration);
    await abortAfter(0);
    const info = await pending;
    expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([info.webhook_id]);
    expect(
      api().filter((r) => r.method === "POST"),
      "one POST",
    ).to.have.length(1);
  });

  it("a list failing with 503 is not retried once cancelled", async () => {
    emu.addFault({ kind: "status", method: "GET", path: "/v1/webhooks", status: 503, times: 10 });
    abort.abort();
    const e = await client.listWebhooks().catch((x: unknown) => x);
    expect(e).to.be.instanceOf(RekkoCancelledError);
    expect(api()).to.have.length(1);
  });
});
