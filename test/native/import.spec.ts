import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { apiCalls, exportText, nativeProject, pulumiCli, resources, type TestProject } from "../support/engine";

const WEBHOOK = "rekko:index:Webhook";
const OUTSIDE_SECRET = "registered-outside-secret-98765";

describe("native provider: pulumi import of a webhook registered outside (YAML)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let id = "";
  let program = "";
  let mark = 0;
  const calls = () => apiCalls(emu, mark);
  const out = (o: string) => project.printed.push(o);

  before(async () => {
    emu = await RekkoEmulator.start();
    project = await nativeProject(join(__dirname, "projects", "yaml-import"), emu, "native-import");
    const made = await fetch(`${emu.url}/v1/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${emu.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        url: "http://127.0.0.1:9/legacy",
        events: ["whale_alert", "analysis_complete"],
        secret: OUTSIDE_SECRET,
      }),
    }).then((r) => r.json() as Promise<{ webhook_id: string }>);
    id = made.webhook_id;
  });
  after(async () => {
    // `pulumi import` protects what it adopts.
    if (project) await pulumiCli(project.stack, ["state", "unprotect", "--all", "--yes"]).catch(() => "");
    await project?.destroyAndRemove();
    await emu?.stop();
  });
  beforeEach(() => {
    mark = emu.requests().length;
  });

  it("pulumi import reads the webhook from the list and generates its declaration", async () => {
    const generated = join(project.dir, "imported.yaml");
    await pulumiCli(project.stack, ["import", WEBHOOK, "legacy", id, "--yes", "--out", generated]);
    expect(calls(), "import only reads: one list in its preview, one in the import").to.deep.equal([
      "GET /v1/webhooks",
      "GET /v1/webhooks",
    ]);
    const [state] = await resources(project.stack, WEBHOOK);
    expect(state?.id).to.equal(id);
    expect(state?.outputs).to.include({ url: "http://127.0.0.1:9/legacy", enabled: true });
    expect(state?.outputs, "Rekko never returns the secret").to.not.have.property("secret");
    program = readFileSync(generated, "utf8");
    expect(program).to.include("type: rekko:Webhook").and.include("http://127.0.0.1:9/legacy").and.include("whale_alert");
    expect(program, "the generated declaration has no secret").to.not.match(/secret/);
    expect(program).to.include("protect: true");
    expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([id]);
  });

  it("up of the generated declaration changes nothing and calls nothing", async () => {
    const base = readFileSync(join(project.dir, "Pulumi.yaml"), "utf8");
    writeFileSync(join(project.dir, "Pulumi.yaml"), `${base}${program}`);
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.resourceChanges).to.deep.equal({ same: 2 });
    expect(calls()).to.deep.equal([]);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([id]);
  });

  it("declaring a secret on the imported webhook is refused at preview, with both ways out; nothing is rotated", async () => {
    const withSecret = readFileSync(join(project.dir, "Pulumi.yaml"), "utf8").replace(
      /(\n(\s+)url: http:\/\/127\.0\.0\.1:9\/legacy)/,
      "$1\n$2secret: another-secret-declared-1234",
    );
    writeFileSync(join(project.dir, "Pulumi.yaml"), withSecret);
    let message = "";
    await project.stack.preview({ onOutput: out }).catch((e: Error) => {
      message = e.message;
    });
    expect(message).to.match(/was imported, and Rekko never returns a webhook's secret/);
    expect(message).to.include("Remove secret").and.include("pulumi up --replace");
    expect(calls()).to.deep.equal([]);
    expect(emu.webhooks()[0]?.secret).to.equal(OUTSIDE_SECRET);
    expect(await exportText(project.stack)).to.not.include(OUTSIDE_SECRET);
  });
});
