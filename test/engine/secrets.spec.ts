import { existsSync, readFileSync } from "node:fs";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { exportText, openProject, pulumiCli, quickstartSource, type TestProject } from "../support/engine";

interface Delivery {
  verified: boolean;
  type?: string;
  market_id?: string;
  status?: number;
}

describe("engine: RekkoWebhookWithSecret with a receiver, rotation without failed deliveries", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  const out = (o: string) => project.printed.push(o);
  const output = async (name: string) =>
    pulumiCli(project.stack, ["stack", "output", name, "--show-secrets", "--stack", "dev"]).then((s) => s.trim());
  const deliveries = (file: string): Delivery[] =>
    existsSync(file)
      ? readFileSync(file, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Delivery)
      : [];
  const seenSecrets: string[] = [];

  before(async () => {
    emu = await RekkoEmulator.start();
    project = await openProject(
      quickstartSource(),
      { REKKO_API_KEY: emu.apiKey, REKKO_BASE_URL: emu.url },
      {},
      { linkIn: "demo", name: "quickstart" },
    );
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });

  it("previews a fresh stack whose receiver URL is not known yet, with zero API calls", async () => {
    const preview = await project.stack.preview({ onOutput: out });
    expect(preview.changeSummary.create).to.equal(7);
    expect(emu.requests()).to.deep.equal([]);
  });

  it("registers exactly the secret the stack hands out, and deliveries verify at the receiver", async () => {
    const up = await project.stack.up({ onOutput: out });
    expect(up.outputs.signingSecret?.secret).to.equal(true);
    expect(up.outputs.acceptedSecrets?.secret).to.equal(true);
    const secret = await output("signingSecret");
    seenSecrets.push(secret, ...(JSON.parse(await output("acceptedSecrets")) as string[]));
    expect(secret).to.match(/^[A-Za-z0-9]{48}$/);
    const stored = emu.webhooks();
    expect(stored).to.have.length(1);
    expect(stored[0]?.secret).to.equal(secret);
    for (const type of ["price_shift", "whale_alert", "analysis_complete"] as const) {
      const [report] = await emu.trigger(type);
      expect(report?.ok, type).to.equal(true);
    }
    const log = deliveries(String(up.outputs.receiverLog?.value));
    expect(log.map((d) => `${d.type}:${d.verified}`)).to.deep.equal([
      "price_shift:true",
      "whale_alert:true",
      "analysis_complete:true",
    ]);
  });

  it("rotates create-before-delete while events keep flowing, every delivery verified", async () => {
    const oldAccepted = JSON.parse(await output("acceptedSecrets")) as string[];
    const oldId = emu.webhooks()[0]?.webhook_id;
    const log = await output("receiverLog");
    const before = deliveries(log).length;
    const mark = emu.requests().length;
    await project.stack.setConfig("rotation", { value: "1" });
    // Hold the old webhook's DELETE for 2 s, so the overlap (both webhooks registered) is long
    // enough for events to reach both, whatever the machine's speed.
    emu.addFault({ kind: "latency", method: "DELETE", latencyMs: 2000, times: 1 });
    let running = true;
    const sent: string[] = [];
    const reports: { ok: boolean }[] = [];
    const pump = (async () => {
      while (running && sent.length < 500) {
        const market = `M-${sent.length}`;
        sent.push(market);
        reports.push(...(await emu.trigger("whale_alert", { market_id: market })));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const up = await project.stack.up({ onOutput: out });
    running = false;
    await pump;
    expect(up.summary.resourceChanges).to.include({ replace: 1 });
    const api = emu
      .requests()
      .slice(mark)
      .filter((r) => r.path.startsWith("/v1/"))
      .map((r) => r.method);
    expect(api).to.deep.equal(["POST", "DELETE"]);
    const during = deliveries(log).slice(before);
    expect(sent.length, "events were sent during the rotation").to.be.greaterThan(5);
    expect(
      reports.filter((r) => !r.ok),
      "every delivery was answered 2xx",
    ).to.deep.equal([]);
    expect(
      during.filter((d) => !d.verified),
      "no delivery failed verification",
    ).to.deep.equal([]);
    // During the overlap both webhooks deliver the same body; the receiver processes it once.
    expect(new Set(during.map((d) => d.market_id))).to.deep.equal(new Set(sent));
    expect(reports.length, "events during the overlap went to both webhooks").to.be.greaterThan(sent.length);
    const secret = await output("signingSecret");
    seenSecrets.push(secret, ...(JSON.parse(await output("acceptedSecrets")) as string[]));
    expect(oldAccepted, "the new secret was accepted before the rotation").to.include(secret);
    const stored = emu.webhooks();
    expect(stored.map((w) => w.webhook_id))
      .to.have.length(1)
      .and.not.include(oldId);
    expect(stored[0]?.secret).to.equal(secret);
  });

  it("keeps every secret and the API key out of the state and the CLI output", async () => {
    const text = await exportText(project.stack);
    const printed = project.printed.join("");
    for (const s of [...new Set(seenSecrets), emu.apiKey]) {
      expect(text.includes(s), "found in stack export").to.equal(false);
      expect(printed.includes(s), "found in CLI output").to.equal(false);
    }
  });

  it("destroy leaves the emulator empty", async () => {
    await project.stack.destroy({ onOutput: out });
    expect(emu.webhooks()).to.deep.equal([]);
  });
});
