import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { maskKey, RekkoEmulator } from "../../provider/testing";
import { cleanUp, failingUp, setKey } from "../pulumi/keySwitch";
import { apiCalls, nativeProject, resources, type TestProject } from "../support/engine";

const WEBHOOK = "rekko:index:Webhook";

describe("native provider: a key switch plus a new webhook in one up (YAML, real CLI, two accounts)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let base = "";
  const keyA = `rk_pro_${randomBytes(16).toString("hex")}`;
  const keyB = `rk_pro_${randomBytes(16).toString("hex")}`;
  const out = (o: string) => project.printed.push(o);
  const switchKey = (key: string) => setKey(project.stack, key);
  const hook = (name: string) =>
    `  ${name}:\n    type: rekko:Webhook\n    properties:\n      url: http://127.0.0.1:9/switch/${name}\n      events: [whale_alert]\n`;
  const program = (...names: string[]) =>
    writeFileSync(join(project.dir, "Pulumi.yaml"), `${base}resources:\n${names.map(hook).join("")}`);

  before(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [keyA, keyB] });
    project = await nativeProject(join(__dirname, "projects", "yaml-lifecycle"), { url: emu.url, apiKey: keyA }, "native-key");
    base = readFileSync(join(project.dir, "Pulumi.yaml"), "utf8");
    program("a");
    expect((await project.stack.up({ onOutput: out })).summary.result).to.equal("succeeded");
  });
  after(() => cleanUp(project, emu, keyA));

  it("refuses in DiffConfig, before any API call: nothing is registered under either key; the reason prints its detail once", async () => {
    const mark = emu.requests().length;
    await switchKey(keyB);
    // b first, as in the dynamic case: nothing is created all the same.
    program("b", "a");
    const text = await failingUp(project.stack, [keyA, keyB]);
    expect(text).to.include("ERR_REKKO_KEY_MISMATCH: The Rekko API key (rekko:apiKey) changed");
    expect(apiCalls(emu, mark), "no API call at all").to.deep.equal([]);
    expect((await resources(project.stack, WEBHOOK)).map((r) => r.urn.split("::").pop())).to.deep.equal(["a"]);
    expect(emu.webhooks().map((w) => w.url)).to.deep.equal(["http://127.0.0.1:9/switch/a"]);
  });

  it("with the previous key set back, the same up registers the new webhook under it", async () => {
    await switchKey(keyA);
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.resourceChanges).to.include({ create: 1 });
    expect(emu.webhooks().map((w) => [w.url, w.key])).to.have.deep.members([
      ["http://127.0.0.1:9/switch/a", maskKey(keyA)],
      ["http://127.0.0.1:9/switch/b", maskKey(keyA)],
    ]);
  });
});
