import { expect } from "chai";
import { RekkoClient } from "../../provider/core/client";
import { DYNAMIC_WEBHOOK } from "../../provider/core/types";
import { RekkoEmulator } from "../../provider/testing";
import { apiCalls, pulumiCli, resources, type TestProject, webhooksProject } from "../support/engine";

/**
 * A replacement the engine makes without calling Diff: `pulumi up --replace <urn>`, a tainted
 * resource, a rename without an alias. Each is a create of the new resource, then a delete of
 * the old one. With `adoptWebhookId` kept in the program, the create takes the same webhook
 * again; the delete must then leave it alone, or the state holds a dead id and deliveries stop
 * while `up` exits 0. Dynamic face (`RekkoWebhook`), real CLI, emulator.
 */
describe("engine: a replacement without a Diff never deletes the webhook it took again (real CLI)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let id = "";
  const declared = { url: "http://127.0.0.1:9/readopt", events: ["whale_alert"] };
  const setHooks = (hooks: unknown) => project.stack.setConfig("hooks", { value: JSON.stringify(hooks) });
  const held = async () => (await resources(project.stack, DYNAMIC_WEBHOOK)).map((r) => `${r.urn.split("::").pop()}=${r.id}`);
  const urnOf = async (name: string) =>
    (await resources(project.stack, DYNAMIC_WEBHOOK)).find((r) => r.urn.endsWith(`::${name}`))?.urn ?? "";

  /** Runs `up` (with `replace` URNs); returns what it printed, after checking the webhook stayed live and held. */
  const upKeeps = async (name: string, replace: string[] = []) => {
    const mark = emu.requests().length;
    const printed: string[] = [];
    const up = await project.stack.up({ onOutput: (o) => printed.push(o), ...(replace.length ? { replace } : {}) });
    expect(up.summary.result).to.equal("succeeded");
    expect(
      apiCalls(emu, mark).filter((c) => c.startsWith("DELETE")),
      "no DELETE",
    ).to.deep.equal([]);
    expect(
      emu.webhooks().map((w) => w.webhook_id),
      "the webhook is still registered",
    ).to.deep.equal([id]);
    expect(await held(), "the state holds the live webhook").to.deep.equal([`${name}=${id}`]);
    const text = printed.join("");
    expect(text).to.include(`Rekko webhook ${id} was not deleted`);
    return text;
  };

  before(async () => {
    emu = await RekkoEmulator.start();
    id = (await new RekkoClient({ baseUrl: emu.url, apiKey: emu.apiKey }).createWebhook({ ...declared, secret: "" })).webhook_id;
    project = await webhooksProject(emu);
    await setHooks([{ name: "a", ...declared, adoptWebhookId: id }]);
    await project.stack.up({ onOutput: (o) => project.printed.push(o) });
    expect(await held()).to.deep.equal([`a=${id}`]);
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });

  it("pulumi up --replace <urn> keeps the adopted webhook, with a warning", async () => {
    await upKeeps("a", [await urnOf("a")]);
  });

  it("a tainted resource keeps the adopted webhook, with a warning", async () => {
    await pulumiCli(project.stack, ["state", "taint", await urnOf("a"), "--yes"]);
    await upKeeps("a");
  });

  it("a rename without an alias keeps the adopted webhook under the new name, with a warning", async () => {
    await setHooks([{ name: "b", ...declared, adoptWebhookId: id }]);
    await upKeeps("b");
  });
});
