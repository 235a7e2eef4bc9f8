import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { WEBHOOK_RESOURCE_TYPE } from "../../provider/core/orphans";
import { RekkoEmulator } from "../../provider/testing";
import { webBundle } from "../support/bundle";
import { apiCalls, engineEnv, leanStack, packPackage, ROOT, toolchainCommand, toolchainDir } from "../support/engine";

/**
 * The type token as users' states hold it, spelled out on purpose: the one test that pins the
 * stored contract (every other test imports WEBHOOK_RESOURCE_TYPE, checked against this below).
 */
const TYPE = "pulumi-nodejs:dynamic/rekko:RekkoWebhook";

const program = `import * as pulumi from "@pulumi/pulumi";
import { type RekkoEventType, RekkoWebhook, RekkoWebhookWithSecret, verifySignature } from "pulumi-rekko";
import { createWebReceiver } from "pulumi-rekko/receiver";
import { RekkoEmulator, signPayload } from "pulumi-rekko/testing";

const events: RekkoEventType[] = ["whale_alert"];
const plain = new RekkoWebhook("plain", { url: "http://127.0.0.1:9/plain", events, secret: "consumer-plain-secret-0123456789" });
const paired = new RekkoWebhookWithSecret("paired", { url: "http://127.0.0.1:9/paired", events: ["price_shift", "analysis_complete"] });

// Types only: the testing entry point and the verifier compile for a consumer.
export const verifierWorks = verifySignature("{}", signPayload("{}", "k".repeat(16)), "k".repeat(16));
export const emulatorClass = typeof RekkoEmulator;
export const ids = { plain: plain.webhookId, paired: paired.webhookId };
export const pairedSecret = paired.secret;

// The light receiver from the same install, run inside the program: a signed Request verified on crypto.subtle.
const body = '{"type":"whale_alert","market_id":"m","platform":"kalshi","side":"yes","flow":1,"price":0.5}';
const web = createWebReceiver({ secrets: ["k".repeat(16)], onEvent: () => undefined });
export const webVerified = pulumi.output(web.verifyBody(body, signPayload(body, "k".repeat(16))).then((r) => r.ok));
`;

// A worker/edge consumer: no @types/node, DOM types only, the "worker" condition (as wrangler
// and Next's edge bundler resolve it); it type-checks against the web face's declarations.
const edge = `import { createWebReceiver, type ReceiverOptions, type WhaleAlertEvent } from "pulumi-rekko/receiver";

const seen: WhaleAlertEvent[] = [];
const options: ReceiverOptions = { secrets: ["k".repeat(16)], on: { whale_alert: (e) => void seen.push(e) } };
const rekko = createWebReceiver(options);
export default { fetch: (request: Request): Promise<Response> => rekko.handle(request) };
`;

describe("the packed package, installed into a fresh project outside the source tree", function () {
  this.timeout(900_000);
  let dir: string;
  let emu: RekkoEmulator;
  let stack: Stack;
  let files: string[] = [];
  let tarball = "";

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "rekko-consumer-"));
    const packed = packPackage(dir);
    files = packed[0]?.files.map((f) => f.path) ?? [];
    tarball = join(dir, packed[0]?.filename ?? "");
    const project = join(dir, "app");
    execFileSync("mkdir", ["-p", project]);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "rekko-consumer",
        private: true,
        dependencies: {
          "pulumi-rekko": `file:${tarball}`,
          "@pulumi/pulumi": pkg.dependencies["@pulumi/pulumi"],
          "@pulumi/random": pkg.dependencies["@pulumi/random"],
        },
        devDependencies: { typescript: pkg.devDependencies.typescript, "@types/node": pkg.devDependencies["@types/node"] },
      }),
    );
    writeFileSync(
      join(project, "Pulumi.yaml"),
      "name: rekko-consumer\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          noEmit: true,
          types: ["node"],
        },
        files: ["index.ts"],
      }),
    );
    writeFileSync(join(project, "index.ts"), program);
    writeFileSync(join(project, "edge.ts"), edge);
    writeFileSync(
      join(project, "tsconfig.edge.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "esnext",
          moduleResolution: "bundler",
          customConditions: ["worker"],
          lib: ["ES2023", "DOM"],
          types: [],
          noEmit: true,
        },
        files: ["edge.ts"],
      }),
    );
    const path = [join(ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter);
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: project,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, PATH: path },
    });
    emu = await RekkoEmulator.start();
    execFileSync("mkdir", ["-p", join(dir, "state")]);
    const pulumiCommand = await toolchainCommand();
    stack = leanStack(
      await LocalWorkspace.createStack(
        { stackName: "dev", workDir: project },
        {
          pulumiCommand,
          envVars: engineEnv({
            PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
            REKKO_API_KEY: emu.apiKey,
            REKKO_BASE_URL: emu.url,
            // The test below type-checks this program with tsc, strict, as the consumer would.
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
          }),
        },
      ),
      join(dir, "state"),
    );
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("packs the built library and types, and nothing unneeded", () => {
    expect(files).to.include.members([
      "package.json",
      "README.md",
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/dynamic/runtime.js",
      "dist/provider/testing/index.js",
      "dist/provider/testing/index.d.ts",
      "dist/provider/cli/emulator.js",
      "dist/provider/receiver/index.js",
      "dist/provider/receiver/index.d.ts",
      "dist/provider/receiver/index.web.d.ts",
      "dist/esm/package.json",
      "dist/esm/receiver/index.web.js",
      "dist/provider/native/main.js",
      "dist/provider/entry.js",
      "provider/native/schema.json",
      "PulumiPlugin.yaml",
    ]);
    const wanted =
      /^(package\.json|README\.md|LICENSE|PulumiPlugin\.yaml|dist\/provider\/.*\.(js|d\.ts)|dist\/esm\/(package\.json|.*\.js)|provider\/native\/schema\.json)$/;
    const unwanted = files.filter((f) => !wanted.test(f));
    expect(unwanted).to.deep.equal([]);
    // The packed manifest: `npm install` inside the package directory (which Pulumi's Node.js host
    // runs before starting its PulumiPlugin.yaml plugin) installs the dependencies only.
    const manifest = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" })) as Record<
      string,
      unknown
    >;
    expect(manifest).to.not.have.any.keys("devDependencies", "scripts");
    expect(manifest).to.include({ main: "dist/provider/entry.js" });
  });

  it("installs the rekko plugin as node_modules/.bin/pulumi-resource-rekko, which serves the package schema", () => {
    const plugin = join(dir, "app", "node_modules", ".bin", "pulumi-resource-rekko");
    const schema = JSON.parse(
      execFileSync(join(toolchainDir(), "pulumi"), ["package", "get-schema", plugin], {
        cwd: join(dir, "app"),
        encoding: "utf8",
        env: { ...process.env, ...engineEnv() },
      }),
    ) as { name: string; version: string; resources: Record<string, unknown> };
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    expect(schema).to.include({ name: "rekko", version });
    expect(Object.keys(schema.resources)).to.include("rekko:index:Webhook");
  });

  it("resolves only the exported entry points, the way a consumer does", () => {
    const script = `
      const r = (m) => { try { require(m); return "ok"; } catch (e) { return e.code; } };
      console.log(JSON.stringify([r("pulumi-rekko"), r("pulumi-rekko/testing"), r("pulumi-rekko/receiver"), r("pulumi-rekko/dist/provider/core/client.js")]));`;
    const out = execFileSync(join(ROOT, "node_modules", ".bin", "node"), ["-e", script], {
      cwd: join(dir, "app"),
      encoding: "utf8",
    });
    expect(JSON.parse(out)).to.deep.equal(["ok", "ok", "ok", "ERR_PACKAGE_PATH_NOT_EXPORTED"]);
  });

  it("serves pulumi-rekko/receiver from the tarball without loading any dependency, and bundles its web face for the browser", async () => {
    const script = `
      const { createWebReceiver, signPayload } = require("pulumi-rekko/receiver");
      const body = '{"type":"price_shift"}';
      const got = [];
      const request = new Request("http://x/", { method: "POST", body, headers: { "x-webhook-signature": signPayload(body, "k".repeat(16)) } });
      createWebReceiver({ secrets: "k".repeat(16), onEvent: (e) => got.push(e.type) }).handle(request).then((res) => console.log(JSON.stringify({
        status: res.status, got, loaded: Object.keys(require.cache).filter((f) => !f.includes("pulumi-rekko/dist/")) })));`;
    const out = execFileSync(join(ROOT, "node_modules", ".bin", "node"), ["-e", script], {
      cwd: join(dir, "app"),
      encoding: "utf8",
    });
    expect(JSON.parse(out)).to.deep.equal({ status: 200, got: ["price_shift"], loaded: [] });
    const code = await webBundle(join(dir, "app"));
    expect(code).to.not.match(/["']node:/);
    expect(Buffer.byteLength(code)).to.be.at.most(8 * 1024);
  });

  it("compiles a strict TypeScript consumer against the published types, and a worker consumer without Node types", () => {
    for (const config of ["tsconfig.json", "tsconfig.edge.json"]) {
      execFileSync(join(dir, "app", "node_modules", ".bin", "tsc"), ["-p", config], {
        cwd: join(dir, "app"),
        stdio: ["ignore", "inherit", "inherit"],
      });
    }
  });

  it("runs preview, up, refresh and destroy; the stored provider stays small", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary.create).to.be.greaterThan(2);
    expect(emu.requests()).to.deep.equal([]);
    const up = await stack.up();
    expect(up.outputs.verifierWorks?.value).to.equal(true);
    expect(up.outputs.webVerified?.value, "the light receiver inside a Pulumi program").to.equal(true);
    expect(WEBHOOK_RESOURCE_TYPE, "the type token the other tests use is the stored one").to.equal(TYPE);
    expect(emu.webhooks()).to.have.length(2);
    const state = (await stack.exportStack()).deployment as { resources: { type: string; outputs?: { __provider?: string } }[] };
    const sizes = state.resources.filter((r) => r.type === TYPE).map((r) => Buffer.byteLength(r.outputs?.__provider ?? ""));
    console.log(`      serialized provider per RekkoWebhook (installed from the tarball): ${sizes.join(", ")} bytes`);
    expect(sizes).to.have.length(2);
    // README: "a ~3 KB shell"; within 25 % of that figure.
    for (const s of sizes) expect(s, "the stored shell vs the README's ~3 KB").to.be.within(0.75 * 3072, 1.25 * 3072);
    const mark = emu.requests().length;
    const refresh = await stack.refresh();
    expect(refresh.summary.result).to.equal("succeeded");
    expect(
      emu
        .requests()
        .slice(mark)
        .map((r) => `${r.method} ${r.path}`),
    ).to.deep.equal(["GET /v1/webhooks"]);
    await stack.destroy();
    expect(emu.webhooks()).to.deep.equal([]);
  });
  it("pulumi package add ./node_modules/pulumi-rekko: a YAML project (official YAML host) records the package and runs its Webhook through the plugin that PulumiPlugin.yaml declares", async () => {
    const yaml = join(dir, "yaml");
    execFileSync("mkdir", ["-p", yaml, join(dir, "yaml-state")]);
    // What a YAML user does: npm install pulumi-rekko, then pulumi package add.
    writeFileSync(
      join(yaml, "package.json"),
      JSON.stringify({ name: "rekko-yaml", private: true, dependencies: { "pulumi-rekko": `file:${tarball}` } }),
    );
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: yaml,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, PATH: [join(ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter) },
    });
    const program = [
      "resources:",
      "  hook:",
      "    type: rekko:Webhook",
      "    properties:",
      "      url: http://127.0.0.1:9/yaml-package",
      "      events: [whale_alert]",
      "      secret: yaml-package-secret-0123456789",
      "outputs:",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a YAML interpolation, not a template
      "  hookId: ${hook.webhookId}",
      "",
    ].join("\n");
    writeFileSync(join(yaml, "Pulumi.yaml"), `name: rekko-yaml\nruntime: yaml\n${program}`);
    // No other way to the plugin: no ambient plugins, and none named rekko in the plugin cache.
    // As a user's machine does: the engine may download a missing plugin (the negative control below
    // counts on it), and ignores plugins on PATH.
    const yamlEnv = engineEnv({
      PULUMI_BACKEND_URL: `file://${join(dir, "yaml-state")}`,
      PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
    });
    const cli = (args: string[]) =>
      spawnSync(join(toolchainDir(), "pulumi"), args, { cwd: yaml, encoding: "utf8", env: { ...process.env, ...yamlEnv } });
    const printed = cli(["package", "get-schema", "./node_modules/pulumi-rekko"]);
    expect(printed.status, printed.stderr).to.equal(0);
    const schema = JSON.parse(printed.stdout) as { name: string };
    expect(schema.name, "the rekko provider, not a component provider inferred from the exports").to.equal("rekko");
    const added = cli(["package", "add", "./node_modules/pulumi-rekko"]);
    expect(added.status, added.stderr).to.equal(0);
    expect(added.stderr).to.include("Added package Rekko AI");
    const project = readFileSync(join(yaml, "Pulumi.yaml"), "utf8");
    expect(project).to.include("packages:\n  rekko: ./node_modules/pulumi-rekko\n");
    expect(project).to.not.include("plugins:");
    // `pulumi install` with the entry: succeeds. (The CLI also prints "Detected that … exited
    // prematurely": it closes the plugin without the cancel request that marks a clean
    // shutdown; the preview and up below run on the same install.)
    const installed = cli(["install"]);
    expect(installed.status, installed.stderr).to.equal(0);

    const pulumiCommand = await toolchainCommand();
    const yamlStack = leanStack(
      await LocalWorkspace.createStack({ stackName: "dev", workDir: yaml }, { pulumiCommand, envVars: yamlEnv }),
      join(dir, "yaml-state"),
    );
    await yamlStack.setAllConfig({ "rekko:apiKey": { value: emu.apiKey, secret: true }, "rekko:baseUrl": { value: emu.url } });
    let mark = emu.requests().length;
    const calls = () => apiCalls(emu, mark);
    const preview = await yamlStack.preview();
    expect(preview.changeSummary.create).to.equal(2);
    expect(calls()).to.deep.equal([]);
    const up = await yamlStack.up();
    expect(calls()).to.deep.equal(["POST /v1/webhooks"]);
    const hook = emu.webhooks().find((w) => w.webhook_id === up.outputs.hookId?.value);
    expect(hook?.url).to.equal("http://127.0.0.1:9/yaml-package");
    mark = emu.requests().length;
    const again = await yamlStack.up();
    expect(again.summary.resourceChanges).to.deep.equal({ same: 2 });
    expect(calls()).to.deep.equal([]);
    await yamlStack.destroy();
    expect(calls()).to.deep.equal(["DELETE /v1/webhooks/{id}"]);
    expect(emu.webhooks()).to.deep.equal([]);

    // Without the packages entry the engine finds no rekko plugin: the entry is what provided it.
    writeFileSync(join(yaml, "Pulumi.yaml"), `name: rekko-yaml\nruntime: yaml\n${program}`);
    const failed = await yamlStack.preview().then(
      () => "",
      (e: unknown) => String(e),
    );
    expect(failed).to.include("Could not automatically download and install resource plugin 'pulumi-resource-rekko'");
  });
});
