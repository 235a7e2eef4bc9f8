import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { type TestProject, webhooksProject } from "../support/engine";

describe("engine: bad input and settings fail at preview, naming the field", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  before(async () => {
    emu = await RekkoEmulator.start();
    project = await webhooksProject(emu, { hookSecret: { value: "short", secret: true } });
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });

  const failing = async (hooks: unknown, pattern: RegExp) => {
    await project.stack.setConfig("hooks", { value: JSON.stringify(hooks) });
    let message = "";
    await project.stack.preview({ onOutput: (o) => project.printed.push(o) }).catch((e: Error) => {
      message = e.message;
    });
    expect(message, "preview must fail").to.match(pattern);
    expect(emu.requests().filter((r) => r.path.startsWith("/v1/"))).to.deep.equal([]);
  };

  it("refuses a private receiver, unknown events and a short secret, each by name", async () => {
    await failing([{ name: "x", url: "https://10.0.0.8/hook", events: ["whale_alert"] }], /url .*private/);
    await failing(
      [{ name: "x", url: "https://hooks.example.com/h", events: ["whale"] }],
      /events\[0\] is "whale".*Use one of: price_shift/,
    );
    await failing(
      [{ name: "x", url: "https://hooks.example.com/h", events: ["whale_alert"], secretSuffix: "x" }],
      /secret is \(secret, 6 chars\); it must be 16 to 1024 characters/,
    );
  });

  it("reports a missing API key with both ways to set it", async () => {
    await project.stack.removeConfig("rekko:apiKey");
    await failing(
      [{ name: "x", url: "http://127.0.0.1:9/h", events: ["whale_alert"] }],
      /pulumi config set --secret rekko:apiKey <key>.*REKKO_API_KEY/s,
    );
  });
});
