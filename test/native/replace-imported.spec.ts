import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { apiCalls, nativeProject, pulumiCli, resources, type TestProject } from "../support/engine";

const WEBHOOK = "rekko:index:Webhook";

/**
 * A YAML `rekko:Webhook` that adopts a webhook by id (the `import` resource option, kept in the
 * program) and is then replaced without a Diff: renamed without an alias, `up --replace`,
 * tainted. Whatever the plan, the state must end holding a live webhook.
 */
describe("native provider: replacements without a Diff of an adopted webhook keep a live webhook in the state (YAML)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let base = "";
  let outside = "";
  const printed: string[] = [];
  const out = (o: string) => printed.push(o);
  const program = (name: string) =>
    writeFileSync(
      join(project.dir, "Pulumi.yaml"),
      `${base}resources:\n  ${name}:\n    type: rekko:Webhook\n    properties:\n      url: http://127.0.0.1:9/adopted\n      events: [whale_alert]\n    options:\n      import: ${outside}\n      protect: false\n`,
    );
  /** The state's webhooks, each with whether it is registered at Rekko. */
  const state = async () =>
    (await resources(project.stack, WEBHOOK)).map((r) => ({
      name: r.urn.split("::").pop(),
      live: emu.webhooks().some((w) => w.webhook_id === r.id),
    }));

  before(async () => {
    emu = await RekkoEmulator.start();
    project = await nativeProject(join(__dirname, "projects", "yaml-lifecycle"), emu, "native-replace-adopted");
    base = readFileSync(join(project.dir, "Pulumi.yaml"), "utf8");
    const made = await fetch(`${emu.url}/v1/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${emu.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ url: "http://127.0.0.1:9/adopted", events: ["whale_alert"], secret: "adopted-outside-secret-1234" }),
    }).then((r) => r.json() as Promise<{ webhook_id: string }>);
    outside = made.webhook_id;
    program("hook");
    await project.stack.up({ onOutput: out });
    expect(await state()).to.deep.equal([{ name: "hook", live: true }]);
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });

  it("renamed without an alias: the new resource imports the webhook again, and the old one's delete leaves it, warning", async () => {
    const mark = emu.requests().length;
    program("renamed");
    await project.stack.up({ onOutput: out });
    expect(
      apiCalls(emu, mark).filter((c) => !c.startsWith("GET")),
      "no POST, no DELETE",
    ).to.deep.equal([]);
    expect(await state()).to.deep.equal([{ name: "renamed", live: true }]);
    expect(printed.join("")).to.include(`Rekko webhook ${outside} was not deleted`);
  });

  for (const [how, run] of [
    ["up --replace", async (urn: string) => pulumiCli(project.stack, ["up", "--replace", urn, "--yes", "--skip-preview"])],
    [
      "a taint",
      async (urn: string) => {
        await pulumiCli(project.stack, ["state", "taint", urn, "--yes"]);
        return pulumiCli(project.stack, ["up", "--yes", "--skip-preview"]);
      },
    ],
  ] as const) {
    it(`${how}: the engine refuses to replace a resource that still names its import id; the webhook stays held and live`, async () => {
      const mark = emu.requests().length;
      const failed = await run(`urn:pulumi:dev::rekko-native-lifecycle::${WEBHOOK}::renamed`).then(
        () => "",
        (e: Error) => e.message,
      );
      expect(failed).to.include("previously-imported resources that still specify an ID may not be replaced");
      expect(
        apiCalls(emu, mark).filter((c) => !c.startsWith("GET")),
        "no POST, no DELETE",
      ).to.deep.equal([]);
      expect(await state()).to.deep.equal([{ name: "renamed", live: true }]);
    });
  }
});
