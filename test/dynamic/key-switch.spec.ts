import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { DYNAMIC_WEBHOOK } from "../../provider/core/types";
import { maskKey, RekkoEmulator } from "../../provider/testing";
import { cleanUp, failingUp, setKey } from "../pulumi/keySwitch";
import { pulumiCli, resources, type TestProject, webhooksProject } from "../support/engine";

const hook = (name: string) => ({ name, url: `http://127.0.0.1:9/switch/${name}`, events: ["whale_alert"] });

describe("RekkoWebhook: a key switch plus a new webhook, and the documented recovery (real CLI, two accounts)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  const keyA = `rk_pro_${randomBytes(16).toString("hex")}`;
  const keyB = `rk_pro_${randomBytes(16).toString("hex")}`;
  const out = (o: string) => project.printed.push(o);
  const switchKey = (key: string) => setKey(project.stack, key);
  const declare = (...names: string[]) => project.stack.setConfig("hooks", { value: JSON.stringify(names.map(hook)) });
  const held = () => emu.webhooks().map((w) => [w.url.split("/").pop(), w.key]);

  before(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [keyA, keyB] });
    project = await webhooksProject({ url: emu.url, apiKey: keyA }, { hooks: { value: JSON.stringify([hook("a")]) } });
    expect((await project.stack.up({ onOutput: out })).summary.result).to.equal("succeeded");
  });
  after(() => cleanUp(project, emu, keyA));

  it("up refuses the old webhook, printing the reason's detail once; the new webhook may still be created under the new key", async () => {
    await switchKey(keyB);
    await declare("a", "b");
    // What an up racing its creates against the refusing diffs can leave (the dynamic face has no call that
    // sees both keys before the creates), made deterministic: b is created under the new key first.
    const b = `urn:pulumi:dev::rekko-engine-webhooks::${DYNAMIC_WEBHOOK}::b`;
    out(await pulumiCli(project.stack, ["up", "--target", b, "--yes", "--skip-preview"]));
    expect(held()).to.have.deep.members([
      ["a", maskKey(keyA)],
      ["b", maskKey(keyB)],
    ]);
    const text = await failingUp(project.stack, [keyA, keyB]);
    expect(text).to.include("ERR_REKKO_KEY_MISMATCH: Webhook wh-");
  });

  it("recovery: destroy the new webhook with the new key, set the previous key back, up", async () => {
    const b = (await resources(project.stack, DYNAMIC_WEBHOOK)).find((r) => r.urn.endsWith("::b"));
    expect(b, "b is in the state").to.not.equal(undefined);
    out(await pulumiCli(project.stack, ["destroy", "--target", b?.urn ?? "", "--yes"]));
    expect(held()).to.deep.equal([["a", maskKey(keyA)]]);
    await switchKey(keyA);
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.resourceChanges).to.include({ create: 1 });
    expect(held()).to.have.deep.members([
      ["a", maskKey(keyA)],
      ["b", maskKey(keyA)],
    ]);
    expect((await project.stack.refresh({ onOutput: out })).summary.result, "refresh works: one key holds the stack").to.equal(
      "succeeded",
    );
  });
});
