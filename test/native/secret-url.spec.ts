import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { apiCalls, exportText, nativeProject, pulumiCli, resources, type TestProject } from "../support/engine";

const WEBHOOK = "rekko:index:Webhook";
const SIG = "4dabf18193072939515e22adb298388d";

describe("native provider: a url from secret config stays secret (YAML, real CLI)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  const tokens = [`tok${randomBytes(12).toString("hex")}`, `tok${randomBytes(12).toString("hex")}`];
  const out = (o: string) => project.printed.push(o);
  const setToken = (t: string) => project.stack.setConfig("hookToken", { value: t, secret: true });

  before(async () => {
    emu = await RekkoEmulator.start();
    project = await nativeProject(join(__dirname, "projects", "yaml-secret-url"), emu, "native-secret-url");
    await setToken(tokens[0] as string);
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
    // destroy's output too: the token never shows.
    for (const t of tokens) expect(project.printed.join("")).to.not.include(t);
  });

  it("up registers the url; the state holds it (and what getWebhooks found with it) only as secrets, and the key fingerprint too", async () => {
    await project.stack.preview({ diff: true, onOutput: out });
    const up = await project.stack.up({ diff: true, onOutput: out });
    expect(up.summary.result).to.equal("succeeded");
    expect(emu.webhooks().map((w) => w.url)).to.deep.equal([`http://127.0.0.1:9/yaml/hooks?token=${tokens[0]}`]);
    expect(up.outputs.hookUrl?.secret, "the stack output of the url").to.equal(true);
    expect(up.outputs.foundIds?.secret, "getWebhooks called with a secret url").to.equal(true);
    const [hook] = await resources(project.stack, WEBHOOK);
    for (const key of ["url", "secret", "keyFingerprint"]) expect(hook?.outputs?.[key], `outputs.${key}`).to.have.property(SIG);
    const text = await exportText(project.stack);
    for (const t of tokens) expect(text).to.not.include(t);
  });

  it("a changed token replaces the webhook, and preview, up and refresh show neither token", async () => {
    await setToken(tokens[1] as string);
    await project.stack.preview({ diff: true, onOutput: out });
    const up = await project.stack.up({ diff: true, onOutput: out });
    expect(up.summary.resourceChanges).to.include({ replace: 1 });
    expect(emu.webhooks().map((w) => w.url)).to.deep.equal([`http://127.0.0.1:9/yaml/hooks?token=${tokens[1]}`]);
    out(await pulumiCli(project.stack, ["refresh", "--diff", "--yes"]));
    const mark = emu.requests().length;
    out(await pulumiCli(project.stack, ["preview", "--diff"]));
    expect(apiCalls(emu, mark), "two getWebhooks callers with the same arguments: one list").to.deep.equal(["GET /v1/webhooks"]);
    const [hook] = await resources(project.stack, WEBHOOK);
    expect(hook?.outputs?.url, "refresh keeps the state's secretness").to.have.property(SIG);
    const text = await exportText(project.stack);
    for (const t of tokens) {
      expect(text).to.not.include(t);
      expect(project.printed.join("")).to.not.include(t);
    }
  });
});
