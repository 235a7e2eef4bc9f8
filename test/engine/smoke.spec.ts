import { join } from "node:path";
import { expect } from "chai";
import { exportText, openProject, resources, type TestProject } from "../support/engine";

describe("engine smoke: CLI, language host, dynamic providers and the random plugin", function () {
  this.timeout(600_000);
  let project: TestProject;

  before(async () => {
    project = await openProject(join(__dirname, "projects", "smoke"));
  });
  after(async () => {
    await project?.destroyAndRemove();
  });

  it("deploys a random password (secret output) and a dynamic resource, then destroys to an empty stack", async () => {
    const up = await project.stack.up({ onOutput: (o) => project.printed.push(o) });
    expect(up.summary.result).to.equal("succeeded");
    expect(up.outputs.echoValue?.value).to.equal("hello");
    expect(up.outputs.echoId?.value).to.equal("echo-hello");
    const pw = up.outputs.passwordResult;
    expect(pw?.secret, "password is a secret output").to.equal(true);
    expect(String(pw?.value)).to.match(/^[A-Za-z0-9]{24}$/);
    const text = await exportText(project.stack);
    expect(text, "password not in clear in state").not.to.include(String(pw?.value));
    expect(await resources(project.stack, "random:index/randomPassword:RandomPassword")).to.have.length(1);

    const destroy = await project.stack.destroy({ onOutput: (o) => project.printed.push(o) });
    expect(destroy.summary.result).to.equal("succeeded");
    const left = (await resources(project.stack)).filter((r) => r.type !== "pulumi:pulumi:Stack");
    expect(left).to.deep.equal([]);
  });
});
