import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { apiCalls, nativeProject, type TestProject } from "../support/engine";

describe("native provider: renaming a WebhookWithSecret with an alias (YAML, real CLI)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let base = "";
  const out = (o: string) => project.printed.push(o);
  const program = (name: string, options = "") =>
    writeFileSync(
      join(project.dir, "Pulumi.yaml"),
      `${base}resources:\n  ${name}:\n    type: rekko:WebhookWithSecret\n    properties:\n      url: http://127.0.0.1:9/yaml/paired\n      events: [analysis_complete]\n${options}outputs:\n  id: \${${name}.webhookId}\n  accepted: \${${name}.acceptedSecrets}\n`,
    );

  before(async () => {
    emu = await RekkoEmulator.start();
    project = await nativeProject(join(__dirname, "projects", "yaml-lifecycle"), emu, "native-rename");
    base = readFileSync(join(project.dir, "Pulumi.yaml"), "utf8");
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });

  it("keeps the webhook and its three secrets: no POST, no DELETE", async () => {
    program("paired");
    const first = await project.stack.up({ onOutput: out });
    const mark = emu.requests().length;
    program("renamed", "    options:\n      aliases:\n        - name: paired\n");
    const renamed = await project.stack.up({ onOutput: out });
    expect(renamed.summary.resourceChanges, JSON.stringify(renamed.summary.resourceChanges)).to.not.have.any.keys(
      "create",
      "delete",
      "replace",
    );
    expect(apiCalls(emu, mark).filter((c) => !c.startsWith("GET"))).to.deep.equal([]);
    expect(renamed.outputs.id?.value).to.equal(first.outputs.id?.value);
    expect(renamed.outputs.accepted?.value).to.deep.equal(first.outputs.accepted?.value);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([first.outputs.id?.value]);
  });
});
