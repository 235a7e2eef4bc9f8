import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { schemaText } from "../../provider/native/schema";
import { RekkoEmulator } from "../../provider/testing";
import { nativeProject, resources, type TestProject } from "../support/engine";
import { generateSdks } from "./languages";

describe("native provider: a TypeScript program on the generated Node.js SDK, end to end", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;

  before(async () => {
    emu = await RekkoEmulator.start();
    project = await nativeProject(
      join(__dirname, "projects", "ts-sdk"),
      emu,
      "native-ts-sdk",
      {},
      { "schema.json": schemaText() },
    );
    // The SDK from the schema with pkg/v3's Node.js generator, as `pulumi package gen-sdk` would write it.
    generateSdks(join(project.dir, "schema.json"), join(project.dir, "sdk"), "nodejs");
    execFileSync("mv", [join(project.dir, "sdk", "nodejs"), join(project.dir, "rekko")]);
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });

  it("up registers the webhook and the component's, the lookup finds it; destroy leaves nothing", async () => {
    const up = await project.stack.up({ onOutput: (o) => project.printed.push(o) });
    expect(up.summary.result).to.equal("succeeded");
    const hookId = up.outputs.hookId?.value as string;
    expect(up.outputs.foundIds?.value).to.deep.equal([hookId]);
    expect(emu.webhooks().find((w) => w.webhook_id === hookId)?.secret).to.equal("ts-sdk-signing-secret-0123456789");
    const paired = emu.webhooks().find((w) => w.webhook_id === up.outputs.pairedId?.value);
    expect(up.outputs.acceptedSecrets?.value).to.include(paired?.secret);
    expect(up.outputs.acceptedSecrets?.secret).to.equal(true);
    expect(await resources(project.stack, "rekko:index:Webhook")).to.have.length(2);
    const second = await project.stack.up({ onOutput: (o) => project.printed.push(o) });
    expect(second.summary.resourceChanges?.create ?? 0).to.equal(0);
    await project.stack.destroy({ onOutput: (o) => project.printed.push(o) });
    expect(emu.webhooks()).to.deep.equal([]);
  });
});
