import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import {
  apiCalls,
  apiRequests,
  engineEnv,
  expectNoneIn,
  exportText,
  nativeProject,
  resources,
  type TestProject,
  toolchainDir,
} from "../support/engine";
import { DEFAULT_PROVIDER, expectHookPairedAndLookup, failingPreview, generateSdks } from "./languages";

const WEBHOOK = "rekko:index:Webhook";
const HOOK_SECRET = "go-sdk-signing-secret-0123456789";

/** Seconds since `start`, for the timings the spec prints. */
const since = (start: number) => ((Date.now() - start) / 1000).toFixed(1);

describe("native provider: a Go program on the generated Go SDK (toolchain Go host, real CLI, emulator)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let mark = 0;
  const api = () => apiRequests(emu, mark);
  const calls = () => apiCalls(emu, mark);
  const out = (o: string) => project.printed.push(o);

  before(async () => {
    emu = await RekkoEmulator.start();
    project = await nativeProject(join(__dirname, "projects", "go"), emu, "native-go", {
      hookSecret: { value: HOOK_SECRET, secret: true },
    });
    // The schema as the plugin serves it, and the Go SDK from it with pkg/v3's Go generator, as
    // `pulumi package gen-sdk --language go` would write it; go.mod's `replace` points there.
    const opts = { env: { ...process.env, ...engineEnv() }, stdio: "pipe" as const };
    const schema = join(project.dir, "schema.json");
    const plugin = join(project.dir, "node_modules", ".bin", "pulumi-resource-rekko");
    writeFileSync(schema, execFileSync(join(toolchainDir(), "pulumi"), ["package", "get-schema", plugin], opts));
    generateSdks(schema, join(project.dir, "sdk"), "go");
    writeFileSync(
      join(project.dir, "sdk", "go", "go.mod"),
      "module github.com/pulumi-rekko/pulumi-rekko/sdk/go\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.276.0\n",
    );
    // The module's dependencies, as the Go host's InstallDependencies gets them. Not through
    // `pulumi install`: it also installs the packages the program requires (rekko 0.1.0, from
    // the SDK's pulumi-plugin.json) and, not counting `plugins: providers`, tries to download it.
    const start = Date.now();
    execFileSync("go", ["mod", "tidy"], { cwd: project.dir, env: { ...process.env, ...engineEnv() }, stdio: "pipe" });
    expect(existsSync(join(project.dir, "go.sum")), "go.sum written").to.equal(true);
    console.log(`      go mod tidy: ${since(start)} s`);
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });
  beforeEach(() => {
    mark = emu.requests().length;
  });

  it("preview builds the program and plans every resource with zero API calls", async () => {
    const start = Date.now();
    const preview = await project.stack.preview({ onOutput: out });
    console.log(`      preview (go build, then the program): ${since(start)} s`);
    // the stack, hook, paired (+3 passwords +1 webhook)
    expect(preview.changeSummary.create).to.equal(7);
    expect(calls()).to.deep.equal([]);
  });

  it("up: one POST per webhook and no list before them; the lookup lists once and finds the hook", async () => {
    const start = Date.now();
    const up = await project.stack.up({ onOutput: out });
    console.log(`      up: ${since(start)} s`);
    expect(up.summary.result).to.equal("succeeded");
    // One default rekko provider: the Go SDK registers its resources at the SDK's version, and the
    // host reports that version (the SDK's pulumi-plugin.json), which the engine also gives the
    // component's inner Webhook, registered inside the plugin with none.
    const providers = (await resources(project.stack, "pulumi:providers:rekko")).map((r) => r.urn.split("::").pop());
    // Its name carries the schema's pluginDownloadURL (the engine names a default provider by
    // version and download server).
    expect(providers).to.have.length(1);
    expect(providers[0]).to.match(DEFAULT_PROVIDER);
    // A create is one POST; the lookup, which needs the hook's url, lists once after it.
    const seen = calls();
    expect(seen.filter((c) => c.startsWith("POST"))).to.deep.equal(["POST /v1/webhooks", "POST /v1/webhooks"]);
    expect(
      seen.filter((c) => c.startsWith("GET")),
      "only the lookup's list",
    ).to.deep.equal(["GET /v1/webhooks"]);
    expect(seen).to.have.length(3);
    expect(seen.indexOf("GET /v1/webhooks")).to.be.above(seen.indexOf("POST /v1/webhooks"));
    const keys = new Set(api().map((r) => r.key));
    expect([...keys], "every call with the key from stack config").to.deep.equal([`rk_pro_…${emu.apiKey.slice(-4)}`]);

    expectHookPairedAndLookup(up, emu.webhooks(), HOOK_SECRET);
    expect(emu.webhooks()).to.have.length(2);
    expect(await resources(project.stack, WEBHOOK)).to.have.length(2);
  });

  it("a second up changes nothing and makes no POST or DELETE (only the lookup's list)", async () => {
    const start = Date.now();
    const up = await project.stack.up({ onOutput: out });
    console.log(`      second up: ${since(start)} s`);
    expect(up.summary.resourceChanges).to.deep.equal({ same: 7 });
    expect(calls()).to.deep.equal(["GET /v1/webhooks"]);
  });

  it("keeps the key and every webhook secret out of the state and the CLI output", async () => {
    const text = await exportText(project.stack);
    const secrets = [...emu.webhooks().map((w) => w.secret), emu.apiKey].filter((s) => s !== "");
    expect(secrets).to.have.length(3);
    expect(secrets).to.include(HOOK_SECRET);
    expectNoneIn(text, project.printed, secrets);
  });

  it("destroy deletes both webhooks and leaves the emulator empty", async () => {
    const destroy = await project.stack.destroy({ onOutput: out });
    expect(destroy.summary.result).to.equal("succeeded");
    expect(calls()).to.deep.equal(["DELETE /v1/webhooks/{id}", "DELETE /v1/webhooks/{id}"]);
    expect(emu.webhooks()).to.deep.equal([]);
  });

  it("a misspelt event name (it compiles: EventType is a string) is refused at preview with the other languages' message", async () => {
    const message = await failingPreview(project, "main.go", '"price_shift"', 'rekko.EventType("whale_alrt")');
    expect(calls()).to.deep.equal([]);
    expect(message).to.include(
      'events[1] is "whale_alrt", which is not a Rekko event type. Use one of: price_shift, whale_alert, analysis_complete.',
    );
  });

  it("a program that does not compile fails the preview with the compiler's message", async () => {
    const message = await failingPreview(project, "main.go", "hook.WebhookId)", "hook.WebhookIdentifier)");
    expect(calls()).to.deep.equal([]);
    expect(message).to.match(/go build in .* failed/);
    expect(message).to.include("hook.WebhookIdentifier undefined");
  });

  it("pulumi install with plugins: providers tries to install the SDK's rekko 0.1.0 package and fails (why the spec runs go mod tidy)", () => {
    const r = spawnSync(join(toolchainDir(), "pulumi"), ["install", "--non-interactive"], {
      cwd: project.dir,
      encoding: "utf8",
      env: { ...process.env, ...project.stack.workspace.envVars },
    });
    expect(r.status).to.not.equal(0);
    expect(`${r.stdout}${r.stderr}`).to.match(/rekko-0\.1\.0|pulumi-resource-rekko-v0\.1\.0/);
  });
});
