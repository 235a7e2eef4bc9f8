import { expect } from "chai";
import { RekkoClient } from "../../provider/core/client";
import { WEBHOOK_RESOURCE_TYPE } from "../../provider/core/orphans";
import { RekkoEmulator } from "../../provider/testing";
import { resources, type TestProject, webhooksProject } from "../support/engine";

/** Issue 11, item 3: one webhook, one resource. */
describe("engine: the same adoptWebhookId on two resources is refused (real CLI)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let id = "";
  const legacy = { url: "http://127.0.0.1:9/twice", events: ["whale_alert"] };
  const setHooks = (hooks: unknown) => project.stack.setConfig("hooks", { value: JSON.stringify(hooks) });
  const failedUp = async () => {
    const printed: string[] = [];
    const error = await project.stack.up({ onOutput: (o) => printed.push(o) }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error, "up fails").to.be.instanceOf(Error);
    return printed.join("");
  };
  const held = async () =>
    (await resources(project.stack, WEBHOOK_RESOURCE_TYPE)).map((r) => `${r.urn.split("::").pop()}=${r.id}`);

  before(async () => {
    emu = await RekkoEmulator.start();
    id = (await new RekkoClient({ baseUrl: emu.url, apiKey: emu.apiKey }).createWebhook({ ...legacy, secret: "" })).webhook_id;
    project = await webhooksProject(emu);
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });

  it("declared twice as a plain id: the program fails at the second declaration", async () => {
    await setHooks([
      { name: "one", ...legacy, adoptWebhookId: id },
      { name: "two", ...legacy, adoptWebhookId: id },
    ]);
    const printed = await failedUp();
    expect(printed).to.include(`RekkoWebhook two: adoptWebhookId ${id} is already declared by RekkoWebhook one`);
    expect(
      (await held()).filter((h) => h !== `one=${id}`),
      "only the first declaration may hold it",
    ).to.deep.equal([]);
  });

  it("declared twice with an id known only at deploy time: the provider adopts it once and refuses the other", async () => {
    await setHooks([
      { name: "one", ...legacy, adoptWebhookId: id, adoptLate: true },
      { name: "two", ...legacy, adoptWebhookId: id, adoptLate: true },
    ]);
    const printed = await failedUp();
    expect(printed).to.include(`adoptWebhookId ${id}: another resource of this deployment already holds this webhook`);
    const holders = await held();
    expect(holders, "exactly one resource holds it").to.have.length(1);
    expect(holders[0]).to.match(new RegExp(`^(one|two)=${id}$`));
    expect(
      emu.webhooks().map((w) => w.webhook_id),
      "nothing registered",
    ).to.deep.equal([id]);
  });

  it("a replacement of an adopted webhook registers a new one instead of adopting the old one again", async () => {
    const holder = (await held())[0]?.split("=")[0] ?? "";
    await setHooks([{ name: holder, ...legacy, events: ["whale_alert", "price_shift"], adoptWebhookId: id, adoptLate: true }]);
    const up = await project.stack.up({ onOutput: (o) => project.printed.push(o) });
    expect(up.summary.resourceChanges).to.include({ replace: 1 });
    const now = await held();
    expect(now).to.have.length(1);
    expect(now[0]).not.to.include(id);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([now[0]?.split("=")[1]]);
  });
});
