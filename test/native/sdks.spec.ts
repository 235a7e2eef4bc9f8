import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { engineEnv, linkPlugin, ROOT, toolchainDir, WORK } from "../support/engine";
import { generateSdks } from "./languages";

const OUT = join(WORK, "native-sdks");
const run = (cmd: string, args: string[], cwd = OUT, env: Record<string, string> = {}) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, ...engineEnv(), ...env }, stdio: "pipe" });

/** Every file below dir, relative. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe("native provider: SDKs generated from the served schema with pkg/v3's generators", function () {
  this.timeout(600_000);
  const schema = join(OUT, "schema.json");

  before(() => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    // The schema as the plugin serves it (`pulumi package get-schema` runs the plugin, linked as
    // `npm install pulumi-rekko` would: an executable node_modules/.bin/pulumi-resource-rekko).
    linkPlugin(OUT);
    const plugin = join(OUT, "node_modules", ".bin", "pulumi-resource-rekko");
    writeFileSync(schema, run(join(toolchainDir(), "pulumi"), ["package", "get-schema", plugin]));
    generateSdks(schema, OUT, "go", "python", "nodejs", "dotnet");
  });

  it("the served schema is package rekko with the Webhook, the component, the lookup and the EventType enum", () => {
    const spec = JSON.parse(run("cat", [schema])) as {
      name: string;
      version: string;
      resources: Record<string, { isComponent?: boolean }>;
      functions: Record<string, unknown>;
      types: Record<string, { enum?: { value: string }[] }>;
    };
    expect(spec.name).to.equal("rekko");
    expect(spec.version).to.match(/^\d+\.\d+\.\d+/);
    expect(Object.keys(spec.resources)).to.deep.equal(["rekko:index:Webhook", "rekko:index:WebhookWithSecret"]);
    expect(spec.resources["rekko:index:WebhookWithSecret"]?.isComponent).to.equal(true);
    expect(Object.keys(spec.functions)).to.deep.equal(["rekko:index:getWebhooks"]);
    expect(spec.types["rekko:index:EventType"]?.enum?.map((e) => e.value)).to.deep.equal([
      "price_shift",
      "whale_alert",
      "analysis_complete",
    ]);
  });

  it("the Go SDK compiles against github.com/pulumi/pulumi/sdk/v3", () => {
    const dir = join(OUT, "go");
    writeFileSync(
      join(dir, "go.mod"),
      "module github.com/pulumi-rekko/pulumi-rekko/sdk/go\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.276.0\n",
    );
    run("go", ["mod", "tidy"], dir, { GOFLAGS: "-mod=mod" });
    run("go", ["build", "./..."], dir);
    run("go", ["vet", "./rekko"], dir);
    expect(files(dir)).to.include.members(["rekko/webhook.go", "rekko/webhookWithSecret.go", "rekko/getWebhooks.go"]);
  });

  it("the Python SDK byte-compiles", () => {
    const dir = join(OUT, "python");
    run("python3", ["-m", "compileall", "-q", dir]);
    expect(files(dir)).to.include.members(["pulumi_rekko/webhook.py", "pulumi_rekko/get_webhooks.py"]);
    expect(files(dir).some((f) => f.endsWith(".pyc"))).to.equal(true);
  });

  it("a TypeScript program using the generated Node.js SDK type-checks (and a wrong event name does not)", () => {
    const dir = join(OUT, "nodejs");
    const program = (event: string) => `import * as rekko from "./index";
const hook = new rekko.Webhook("hook", { url: "https://hooks.example.com/rekko", events: [${event}], secret: "s".repeat(32) });
const paired = new rekko.WebhookWithSecret("paired", { url: "https://hooks.example.com/p", events: ["analysis_complete"], rotation: 1 });
const found = rekko.getWebhooksOutput({ url: hook.url, event: rekko.EventType.WhaleAlert });
export const ids = [hook.webhookId, paired.webhookId, found.ids];
export const secrets = paired.acceptedSecrets;
`;
    const tsconfig = {
      compilerOptions: { strict: true, noEmit: true, target: "ES2022", module: "commonjs", skipLibCheck: true },
      files: ["program.ts"],
    };
    writeFileSync(join(dir, "tsconfig.check.json"), JSON.stringify(tsconfig));
    const tsc = join(ROOT, "node_modules", ".bin", "tsc");
    writeFileSync(join(dir, "program.ts"), program('"whale_alert", rekko.EventType.PriceShift'));
    run(tsc, ["-p", "tsconfig.check.json"], dir);
    writeFileSync(join(dir, "program.ts"), program('"whale_alrt"'));
    let refused = "";
    try {
      run(tsc, ["-p", "tsconfig.check.json"], dir);
    } catch (err) {
      refused = String((err as { stdout?: string }).stdout);
    }
    expect(refused).to.match(/Type '"whale_alrt"' is not assignable/);
  });

  it("the Java SDK (pulumi-java's generator) compiles with Maven against com.pulumi:pulumi from Maven Central", () => {
    const start = Date.now();
    const jar = run("bash", [join(ROOT, "scripts", "sdk", "java.sh"), OUT, schema], ROOT, {
      PULUMI_REKKO_TOOLCHAIN: toolchainDir(),
    }).trim();
    console.log(`      scripts/sdk/java.sh (generate, mvn package): ${((Date.now() - start) / 1000).toFixed(1)} s`);
    expect(jar).to.equal(join(OUT, "rekko-0.1.0.jar"));
    const classes = run("jar", ["tf", jar]);
    for (const c of ["Webhook", "WebhookWithSecret", "RekkoFunctions", "Provider", "enums/EventType"]) {
      expect(classes).to.include(`com/pulumi/rekko/${c}.class`);
    }
    // The resources the generator's Gradle build would add, which the SDK reads its version from.
    expect(classes).to.include("com/pulumi/rekko/version.txt").and.include("com/pulumi/rekko/plugin.json");
    expect(readFileSync(join(OUT, "java", "pom.xml"), "utf8")).to.match(
      /<groupId>com\.pulumi<\/groupId><artifactId>pulumi<\/artifactId><version>\d+\.\d+\.\d+<\/version>/,
    );
  });

  it("the .NET SDK is generated (no .NET toolchain here to compile it)", () => {
    const dir = join(OUT, "dotnet");
    expect(files(dir)).to.include.members(["Webhook.cs", "WebhookWithSecret.cs", "GetWebhooks.cs", "Enums.cs"]);
    expect(existsSync(join(dir, "PulumiRekko.csproj")) || files(dir).some((f) => f.endsWith(".csproj"))).to.equal(true);
  });
});
