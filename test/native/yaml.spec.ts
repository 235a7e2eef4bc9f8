import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import {
  apiCalls,
  apiRequests,
  expectNoneIn,
  exportText,
  nativeProject,
  resources,
  stateBytes,
  type TestProject,
} from "../support/engine";

const WEBHOOK = "rekko:index:Webhook";
const OTHER_KEY = "rk_pro_native_second_account_key_b2b2";

describe("native provider: YAML program (official YAML host, real CLI, emulator)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let mark = 0;
  const api = () => apiRequests(emu, mark);
  const calls = () => apiCalls(emu, mark);
  const out = (o: string) => project.printed.push(o);
  const mainMask = () => emu.webhooks().find((w) => w.url.endsWith("/paired"))?.key;

  before(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [`rk_pro_native_first_account_key_${Date.now()}`, OTHER_KEY] });
    project = await nativeProject(join(__dirname, "projects", "yaml"), emu, "native-yaml", {
      emulatorUrl: { value: emu.url },
      otherKey: { value: OTHER_KEY, secret: true },
    });
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });
  beforeEach(() => {
    mark = emu.requests().length;
  });

  it("preview plans every resource and makes zero API calls", async () => {
    const preview = await project.stack.preview({ onOutput: out });
    // path, hookSecret, hook, paired (+3 passwords +1 webhook), other provider, otherHook, the stack
    expect(preview.changeSummary.create).to.equal(11);
    expect(calls()).to.deep.equal([]);
  });

  it("up: one POST per webhook and no other list than the lookup's; the second provider uses its own key", async () => {
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.result).to.equal("succeeded");
    expect(calls().filter((c) => c.startsWith("POST"))).to.deep.equal(Array(3).fill("POST /v1/webhooks"));
    // No list before creates (a list only after an unknown outcome): the one GET is the lookup's.
    const gets = api().filter((r) => r.method === "GET");
    expect(gets.map((r) => r.path)).to.deep.equal(["/v1/webhooks"]);
    expect(
      gets.filter((r) => r.key === "rk_pro_…b2b2"),
      "no list with the second key",
    ).to.have.length(0);
    const hookId = up.outputs.hookId?.value as string;
    expect(up.outputs.foundIds?.value, "getWebhooks filtered by url").to.deep.equal([hookId]);
    const other = emu.webhooks().find((w) => w.webhook_id === up.outputs.otherId?.value);
    expect(other?.key, "registered under the second provider's key").to.equal("rk_pro_…b2b2");
    expect(mainMask()).to.not.equal("rk_pro_…b2b2");
    const posts = api().filter((r) => r.method === "POST");
    expect(posts.filter((r) => r.key === "rk_pro_…b2b2")).to.have.length(1);
    expect(emu.webhooks()).to.have.length(3);
    // Secrets registered are the stack's: the component's current secret, the password's result.
    const accepted = up.outputs.acceptedSecrets?.value as string[];
    const paired = emu.webhooks().find((w) => w.webhook_id === up.outputs.pairedId?.value);
    expect(accepted).to.include(paired?.secret);
    expect(emu.webhooks().find((w) => w.webhook_id === hookId)?.secret).to.equal(up.outputs.hookSecretOut?.value);
  });

  it("a second up changes nothing and makes no POST or DELETE (only the lookup's list)", async () => {
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.resourceChanges).to.deep.equal({ same: 11 });
    expect(calls()).to.deep.equal(["GET /v1/webhooks"]);
  });

  it("refresh reads with one list per provider (one per key)", async () => {
    const refresh = await project.stack.refresh({ onOutput: out });
    expect(refresh.summary.result).to.equal("succeeded");
    expect(calls()).to.deep.equal(["GET /v1/webhooks", "GET /v1/webhooks"]);
    expect(new Set(api().map((r) => r.key)).size).to.equal(2);
  });

  it("keeps both keys and every webhook secret out of the state and the CLI output; state is small", async () => {
    const text = await exportText(project.stack);
    const secrets = [...emu.webhooks().map((w) => w.secret), emu.apiKey, OTHER_KEY].filter((s) => s !== "");
    expect(secrets).to.have.length(4);
    expectNoneIn(text, project.printed, secrets);
    // The YAML host records where in its own Go code each resource was registered
    // (`sourcePosition`, `stackTrace`: about 1.4 KB an entry from pulumi-yaml v1.38.1); the rest of
    // the entry is the engine's and the provider's.
    const whole = stateBytes(text, WEBHOOK);
    const bytes = stateBytes(text, WEBHOOK, ["sourcePosition", "stackTrace"]);
    expect(bytes).to.have.length(3);
    console.log(
      `      state bytes per rekko:index:Webhook: ${bytes.join(", ")} (with the YAML host's source positions: ${whole.join(", ")})`,
    );
    expect(text).to.not.include("__provider");
    expect(Math.max(...bytes)).to.be.below(3600);
    const states = await resources(project.stack, WEBHOOK);
    for (const r of states) expect(r.outputs?.secret).to.have.property("4dabf18193072939515e22adb298388d");
  });

  it("destroy deletes every webhook, each with its own key", async () => {
    const destroy = await project.stack.destroy({ onOutput: out });
    expect(destroy.summary.result).to.equal("succeeded");
    expect(calls().sort()).to.deep.equal(Array(3).fill("DELETE /v1/webhooks/{id}"));
    expect(api().filter((r) => r.key === "rk_pro_…b2b2")).to.have.length(1);
    expect(emu.webhooks()).to.deep.equal([]);
  });
});
