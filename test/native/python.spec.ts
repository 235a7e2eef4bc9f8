import { execFileSync } from "node:child_process";
import { rmSync, symlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import {
  apiCalls,
  apiRequests,
  engineEnv,
  expectNoneIn,
  exportText,
  nativeProject,
  pulumiCli,
  ROOT,
  resources,
  type TestProject,
  toolchainDir,
  WORK,
} from "../support/engine";
import { DEFAULT_PROVIDER, expectHookPairedAndLookup, failingPreview } from "./languages";

const WEBHOOK = "rekko:index:Webhook";
const HOOK_SECRET = "python-sdk-signing-secret-0123456789";
const OTHER_KEY = "rk_pro_python_second_account_key_c3c3";
const OUTSIDE_SECRET = "registered-outside-python-98765";

/** Seconds since `start`, for the timings the spec prints. */
const since = (start: number) => ((Date.now() - start) / 1000).toFixed(1);

describe("native provider: a Python program on the Python SDK built as a wheel (toolchain Python host, real CLI, emulator)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let built: string[] = [];
  let mark = 0;
  const api = () => apiRequests(emu, mark);
  const calls = () => apiCalls(emu, mark);
  const out = (o: string) => project.printed.push(o);
  const env = { ...process.env, ...engineEnv(), PULUMI_REKKO_TOOLCHAIN: toolchainDir() };

  before(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [`rk_pro_python_first_account_key_${Date.now()}`, OTHER_KEY] });
    project = await nativeProject(join(__dirname, "projects", "python"), emu, "native-python", {
      hookSecret: { value: HOOK_SECRET, secret: true },
      otherKey: { value: OTHER_KEY, secret: true },
      emulatorUrl: { value: emu.url },
    });
    // The sdist and the wheel, from the schema the plugin serves (what `npm run dist` ships).
    let start = Date.now();
    const sdkOut = join(WORK, "python-sdk");
    rmSync(sdkOut, { recursive: true, force: true });
    built = execFileSync("bash", [join(ROOT, "scripts", "sdk", "python.sh"), sdkOut], { env, encoding: "utf8", stdio: "pipe" })
      .trim()
      .split("\n");
    console.log(`      scripts/sdk/python.sh (generate, sdist, wheel): ${since(start)} s`);
    // ./venv: the wheel and pulumi from PyPI installed in a virtual environment (cached by the
    // wheel's contents; made once per SDK change).
    start = Date.now();
    const wheel = built.find((f) => f.endsWith(".whl")) ?? "";
    const venv = execFileSync("bash", [join(__dirname, "python-venv.sh"), wheel], {
      env,
      encoding: "utf8",
      stdio: "pipe",
    }).trim();
    symlinkSync(venv, join(project.dir, "venv"), "dir");
    console.log(`      virtual environment with the wheel: ${since(start)} s`);
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });
  beforeEach(() => {
    mark = emu.requests().length;
  });

  it("builds an sdist and a wheel of pulumi_rekko; the venv runs the wheel's package", () => {
    expect(built.map((f) => basename(f))).to.deep.equal(["pulumi_rekko-0.1.0.tar.gz", "pulumi_rekko-0.1.0-py3-none-any.whl"]);
    const listing = execFileSync("tar", ["tzf", built[0] ?? ""], { encoding: "utf8" });
    expect(listing).to.include("pulumi_rekko-0.1.0/pyproject.toml").and.include("pulumi_rekko-0.1.0/pulumi_rekko/webhook.py");
    const where = execFileSync(
      join(project.dir, "venv", "bin", "python"),
      [
        "-c",
        "import pulumi, pulumi_rekko; print(pulumi_rekko.__file__); print(pulumi.__version__ if hasattr(pulumi, '__version__') else '')",
      ],
      { encoding: "utf8" },
    );
    expect(where).to.include(join("site-packages", "pulumi_rekko", "__init__.py"));
  });

  it("preview runs the program and plans every resource with zero API calls", async () => {
    const start = Date.now();
    const preview = await project.stack.preview({ onOutput: out });
    console.log(`      preview: ${since(start)} s`);
    // the stack, hook, paired (+3 passwords +1 webhook), the other provider, otherHook
    expect(preview.changeSummary.create).to.equal(9);
    expect(calls()).to.deep.equal([]);
  });

  it("up: one POST per webhook and no list before them, the second provider with its own key; the lookup lists once and finds the hook", async () => {
    const start = Date.now();
    const up = await project.stack.up({ onOutput: out });
    console.log(`      up: ${since(start)} s`);
    expect(up.summary.result).to.equal("succeeded");
    // One default rekko provider: the SDK registers its resources at its version (pulumi-plugin.json,
    // which the host reports), which the engine also gives the component's inner Webhook.
    const providers = (await resources(project.stack, "pulumi:providers:rekko")).map((r) => r.urn.split("::").pop());
    // The default one's name carries the schema's pluginDownloadURL (version and download server).
    expect(providers.sort()).to.have.length(2);
    expect(providers[0]).to.match(DEFAULT_PROVIDER);
    expect(providers[1]).to.equal("other");
    // A create is one POST; the lookup, which needs the hook's url, lists once after it.
    const seen = calls();
    expect(seen.filter((c) => c.startsWith("POST"))).to.deep.equal(Array(3).fill("POST /v1/webhooks"));
    expect(
      seen.filter((c) => c.startsWith("GET")),
      "only the lookup's list",
    ).to.deep.equal(["GET /v1/webhooks"]);
    expect(seen).to.have.length(4);
    expect(seen.indexOf("GET /v1/webhooks")).to.be.above(seen.indexOf("POST /v1/webhooks"));
    const posts = api().filter((r) => r.method === "POST");
    expect(
      posts.filter((r) => r.key === "rk_pro_…c3c3"),
      "one POST with the second key",
    ).to.have.length(1);

    const hook = expectHookPairedAndLookup(up, emu.webhooks(), HOOK_SECRET);
    const other = emu.webhooks().find((w) => w.webhook_id === up.outputs.otherId?.value);
    expect(other?.key, "registered under the second provider's key").to.equal("rk_pro_…c3c3");
    expect(hook?.key).to.not.equal("rk_pro_…c3c3");
    expect(emu.webhooks()).to.have.length(3);
    expect(await resources(project.stack, WEBHOOK)).to.have.length(3);
  });

  it("a second up changes nothing and makes no POST or DELETE (only the lookup's list)", async () => {
    const start = Date.now();
    const up = await project.stack.up({ onOutput: out });
    console.log(`      second up: ${since(start)} s`);
    expect(up.summary.resourceChanges).to.deep.equal({ same: 9 });
    expect(calls()).to.deep.equal(["GET /v1/webhooks"]);
  });

  it("refresh reads with one list per provider (one per key)", async () => {
    const refresh = await project.stack.refresh({ onOutput: out });
    expect(refresh.summary.result).to.equal("succeeded");
    expect(calls()).to.deep.equal(["GET /v1/webhooks", "GET /v1/webhooks"]);
    expect(new Set(api().map((r) => r.key)).size).to.equal(2);
  });

  it("pulumi import adopts a webhook registered outside with only reads; Rekko's secret is not in state", async () => {
    const made = (await fetch(`${emu.url}/v1/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${emu.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ url: "http://127.0.0.1:9/python/legacy", events: ["whale_alert"], secret: OUTSIDE_SECRET }),
    }).then((r) => r.json())) as { webhook_id: string };
    mark = emu.requests().length;
    // No code generation: this host leaves GenerateProgram out (see the README).
    await pulumiCli(project.stack, [
      "import",
      WEBHOOK,
      "legacy",
      made.webhook_id,
      "--yes",
      "--protect=false",
      "--generate-code=false",
    ]);
    expect(calls(), "one list in the import's preview, one in the import").to.deep.equal([
      "GET /v1/webhooks",
      "GET /v1/webhooks",
    ]);
    const legacy = (await resources(project.stack, WEBHOOK)).find((r) => r.id === made.webhook_id);
    expect(legacy?.outputs).to.include({ url: "http://127.0.0.1:9/python/legacy", enabled: true });
    expect(legacy?.outputs, "Rekko never returns the secret").to.not.have.property("secret");
  });

  it("keeps both keys and every webhook secret out of the state and the CLI output", async () => {
    const text = await exportText(project.stack);
    const secrets = [...emu.webhooks().map((w) => w.secret), emu.apiKey, OTHER_KEY].filter((s) => s !== "");
    // hook, paired, legacy (otherHook has none), and the two keys
    expect(secrets).to.have.length(5);
    expect(secrets).to.include(HOOK_SECRET).and.include(OUTSIDE_SECRET);
    expectNoneIn(text, project.printed, secrets);
  });

  it("a misspelt event name (Python does not check it) is refused at preview with the other languages' message", async () => {
    const message = await failingPreview(project, "__main__.py", '"price_shift"', '"whale_alrt"');
    expect(calls()).to.deep.equal([]);
    expect(message).to.include(
      'events[1] is "whale_alrt", which is not a Rekko event type. Use one of: price_shift, whale_alert, analysis_complete.',
    );
  });

  it("a program that raises fails the preview with its traceback (the exec script's logged error)", async () => {
    const message = await failingPreview(project, "__main__.py", "hook.webhook_id)", "hook.webhook_identifier)");
    expect(calls(), "at most the lookup's list (the hook's url is known from state)").to.satisfy((c: string[]) =>
      c.every((x) => x === "GET /v1/webhooks"),
    );
    expect(message).to.include("Program failed with an unhandled exception");
    expect(message).to.include("AttributeError").and.include("webhook_identifier");
  });

  it("destroy deletes every webhook, the imported one too, each with its own key", async () => {
    const destroy = await project.stack.destroy({ onOutput: out });
    expect(destroy.summary.result).to.equal("succeeded");
    expect(calls().sort()).to.deep.equal(Array(4).fill("DELETE /v1/webhooks/{id}"));
    expect(api().filter((r) => r.key === "rk_pro_…c3c3")).to.have.length(1);
    expect(emu.webhooks()).to.deep.equal([]);
  });
});
