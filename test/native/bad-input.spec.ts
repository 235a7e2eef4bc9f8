import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { nativeProject, type TestProject } from "../support/engine";

describe("native provider: bad input from YAML is refused at preview, with the fix", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let base = "";

  before(async () => {
    emu = await RekkoEmulator.start();
    project = await nativeProject(join(__dirname, "projects", "yaml-bad"), emu, "native-bad");
    base = readFileSync(join(project.dir, "Pulumi.yaml"), "utf8");
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });

  const failing = async (resources: string): Promise<string> => {
    writeFileSync(join(project.dir, "Pulumi.yaml"), `${base}resources:\n${resources}`);
    let message = "";
    await project.stack.preview({ onOutput: (o) => project.printed.push(o) }).catch((e: Error) => {
      message = e.message;
    });
    expect(message, "preview must fail").to.not.equal("");
    expect(emu.requests().filter((r) => r.path.startsWith("/v1/"))).to.deep.equal([]);
    return message;
  };

  it("a typo in an event name is named, with the list to use", async () => {
    const message = await failing(
      "  hook:\n    type: rekko:Webhook\n    properties:\n      url: https://hooks.example.com/rekko\n      events: [whale_alrt]\n",
    );
    expect(message).to.include(
      'events[0] is "whale_alrt", which is not a Rekko event type. Use one of: price_shift, whale_alert, analysis_complete.',
    );
  });

  it("a private receiver and a short secret are refused with the dynamic resource's messages", async () => {
    const message = await failing(
      "  hook:\n    type: rekko:Webhook\n    properties:\n      url: https://10.0.0.8/hook\n      events: [whale_alert]\n      secret: short\n",
    );
    expect(message).to.include("url points to a private, link-local or reserved address");
    expect(message, "the engine prints no url value").to.not.include("10.0.0.8");
    expect(message).to.include("secret is (secret, 5 chars); it must be 16 to 1024 characters");
  });

  it("a base url with user:password is refused at preview without the engine printing it (no property name)", async () => {
    await project.stack.setConfig("rekko:baseUrl", { value: "https://rekko-user:pa55-w0rd-in-url@api.example.com" });
    try {
      const message = await failing(
        "  hook:\n    type: rekko:Webhook\n    properties:\n      url: https://hooks.example.com/rekko\n      events: [whale_alert]\n",
      );
      expect(message).to.include("rekko:baseUrl must not carry credentials");
      expect(message).to.not.include("property baseUrl");
      for (const text of [message, project.printed.join("")]) expect(text).to.not.include("pa55-w0rd-in-url");
    } finally {
      await project.stack.setConfig("rekko:baseUrl", { value: emu.url });
    }
  });

  it("a missing key fails at preview with both ways to set it", async () => {
    await project.stack.removeConfig("rekko:apiKey");
    const message = await failing(
      "  hook:\n    type: rekko:Webhook\n    properties:\n      url: http://127.0.0.1:9/h\n      events: [whale_alert]\n",
    );
    expect(message).to.match(/pulumi config set --secret rekko:apiKey <key>.*REKKO_API_KEY/s);
  });
});
