import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { endInterrupted, interruptUp, slowFailingCreates } from "../pulumi/interrupt";
import { nativeProject, type TestProject } from "../support/engine";

const PLUGIN = /pulumi-resource-rekko/;
/** The plugin must be gone within this long after the CLI: two missed engine checks (1 s apart) and a settled operation. */
const BOUND_MS = 15_000;

describe("native provider: Ctrl-C stops the retries; a killed CLI leaves no plugin (YAML, real CLI)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  const posts = () => emu.requests().filter((r) => r.method === "POST").length;

  before(async () => {
    emu = await RekkoEmulator.start();
    project = await nativeProject(join(__dirname, "projects", "yaml-lifecycle"), emu, "native-cancel");
    const base = readFileSync(join(project.dir, "Pulumi.yaml"), "utf8");
    const hook = (n: string) =>
      `  ${n}:\n    type: rekko:Webhook\n    properties:\n      url: http://127.0.0.1:9/cancel/${n}\n      events: [whale_alert]\n`;
    writeFileSync(join(project.dir, "Pulumi.yaml"), `${base}resources:\n${hook("a")}${hook("b")}`);
  });
  beforeEach(() => slowFailingCreates(emu));
  after(() => endInterrupted(project, emu));

  it("SIGINT: the engine's Cancel stops the retries, so up ends within seconds; the plugin exits with it", async () => {
    const r = await interruptUp(project, PLUGIN, { ready: () => posts() >= 2, signals: ["SIGINT"], boundMs: BOUND_MS });
    expect(r.providers, "the plugin ran").to.not.be.empty;
    expect(r.exitMs, `up ended ${r.exitMs} ms after Ctrl-C (the next retry was 30 s away)`).to.be.below(20_000);
    expect(r.output).to.include("ERR_REKKO_CANCELLED");
    expect(r.providersGoneMs, "the plugin outlived the CLI").to.not.equal(undefined);
    expect(r.lingering, "a process the CLI started outlived it").to.deep.equal([]);
    expect(posts(), "no POST was sent again").to.equal(2);
    expect(emu.webhooks()).to.deep.equal([]);
  });

  it("SIGKILL of the CLI: the plugin notices the engine is gone, stops retrying and exits", async () => {
    const before = posts();
    const r = await interruptUp(project, PLUGIN, {
      ready: () => posts() >= before + 2,
      signals: ["SIGKILL"],
      boundMs: BOUND_MS,
    });
    expect(r.providers, "the plugin ran").to.not.be.empty;
    expect(r.providersGoneMs, `the plugin was still running ${BOUND_MS} ms after the CLI was killed`).to.not.equal(undefined);
    expect(posts(), "no POST was sent again").to.equal(before + 2);
  });
});
