import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { endInterrupted, interruptUp, recover, slowFailingCreates } from "../pulumi/interrupt";
import { apiCalls, type TestProject, webhooksProject } from "../support/engine";

const PROVIDER = /dynamic-provider/;
/** The provider must be gone within this long after the CLI. */
const BOUND_MS = 15_000;

/**
 * The Node.js SDK's dynamic-provider server answers the engine's Cancel and does nothing; the
 * provider sees it through that server's gRPC lookup (provider/dynamic/cancelHook.ts).
 */
describe("RekkoWebhook: Ctrl-C and a killed CLI end the dynamic provider's retries (real CLI)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let mark = 0;
  const posts = () => emu.requests().filter((r) => r.method === "POST").length;
  const readyAfter = (n: number) => () => {
    mark = emu.requests().length;
    return posts() >= n;
  };

  before(async () => {
    emu = await RekkoEmulator.start();
    const hooks = ["a", "b"].map((n) => ({ name: n, url: `http://127.0.0.1:9/cancel/${n}`, events: ["whale_alert"] }));
    project = await webhooksProject(emu, { hooks: { value: JSON.stringify(hooks) } });
  });
  beforeEach(() => slowFailingCreates(emu));
  after(() => endInterrupted(project, emu));

  it("Ctrl-C: the engine's Cancel stops the retries (one look for each unanswered create's webhook), so up ends within seconds", async () => {
    const r = await interruptUp(project, PROVIDER, { ready: readyAfter(2), signals: ["SIGINT"], boundMs: BOUND_MS });
    expect(r.providers, "the provider ran").to.not.be.empty;
    expect(r.exitMs, `up ended ${r.exitMs} ms after Ctrl-C (the next retry was 30 s away)`).to.be.below(20_000);
    expect(r.output).to.include("ERR_REKKO_CANCELLED");
    expect(r.providersGoneMs, "the provider outlived the CLI").to.not.equal(undefined);
    expect(r.lingering, "a process the CLI started outlived it").to.deep.equal([]);
    expect(apiCalls(emu, mark), "one list per unanswered create, no POST again").to.deep.equal([
      "GET /v1/webhooks",
      "GET /v1/webhooks",
    ]);
  });

  it("SIGKILL of the CLI: the provider notices the engine is gone, stops retrying and exits", async () => {
    await recover(project);
    const before = posts();
    const r = await interruptUp(project, PROVIDER, { ready: readyAfter(before + 2), signals: ["SIGKILL"], boundMs: BOUND_MS });
    expect(r.providers, "the provider ran").to.not.be.empty;
    expect(r.providersGoneMs, `the provider was still running ${BOUND_MS} ms after the CLI was killed`).to.not.equal(undefined);
    expect(posts(), "no POST was sent again").to.equal(before + 2);
  });
});
