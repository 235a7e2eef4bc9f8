import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { type EnumSchema, generateExamples, javaEnums } from "../../scripts/sdk/examples";
import { apiCalls, nativeProject, ROOT, toolchainDir } from "../support/engine";

const SCHEMA = JSON.parse(readFileSync(join(ROOT, "provider", "native", "schema.json"), "utf8")) as {
  config: { variables: Record<string, Property> };
  provider: { inputProperties: Record<string, Property> };
  types: Record<string, { description?: string; properties?: Record<string, Property>; enum?: { description?: string }[] }>;
  resources: Record<string, Entity>;
  functions: Record<
    string,
    { description?: string; inputs: { properties: Record<string, Property> }; outputs: { properties: Record<string, Property> } }
  >;
};
interface Property {
  description?: string;
  default?: unknown;
  replaceOnChanges?: boolean;
  defaultInfo?: { environment?: string[] };
}
interface Entity {
  description?: string;
  isComponent?: boolean;
  inputProperties: Record<string, Property>;
  properties: Record<string, Property>;
}
const EXAMPLES = join(ROOT, "examples", "registry");

describe("registry-ready schema and docs: descriptions, examples from programs the tests run, import sections", function () {
  this.timeout(600_000);

  it("every resource, function, type, enum value, property and config variable has a description", () => {
    const missing: string[] = [];
    const props = (where: string, ps: Record<string, Property> | undefined) => {
      for (const [name, p] of Object.entries(ps ?? {})) if (!p.description?.trim()) missing.push(`${where}.${name}`);
    };
    props("config", SCHEMA.config.variables);
    props("provider", SCHEMA.provider.inputProperties);
    for (const [token, t] of Object.entries(SCHEMA.types)) {
      if (!t.description?.trim()) missing.push(token);
      props(token, t.properties);
      for (const [i, v] of (t.enum ?? []).entries()) if (!v.description?.trim()) missing.push(`${token}.enum[${i}]`);
    }
    for (const [token, r] of Object.entries(SCHEMA.resources)) {
      if (!r.description?.trim()) missing.push(token);
      props(`${token} input`, r.inputProperties);
      props(token, r.properties);
    }
    for (const [token, f] of Object.entries(SCHEMA.functions)) {
      if (!f.description?.trim()) missing.push(token);
      props(`${token} input`, f.inputs.properties);
      props(`${token} output`, f.outputs.properties);
    }
    expect(missing).to.deep.equal([]);
  });

  it("replaceOnChanges marks exactly url, events and secret of the Webhook", () => {
    const marked = Object.entries(SCHEMA.resources["rekko:index:Webhook"]?.properties ?? {})
      .filter(([, p]) => p.replaceOnChanges)
      .map(([n]) => n)
      .sort();
    expect(marked).to.deep.equal(["events", "secret", "url"]);
  });

  it("config variables and provider arguments state their defaults, as docs/installation-configuration.md does", () => {
    const doc = readFileSync(join(ROOT, "docs", "installation-configuration.md"), "utf8");
    for (const [name, p] of Object.entries(SCHEMA.config.variables)) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`rekko:${name}\` |`));
      expect(row, `docs/installation-configuration.md has a row for rekko:${name}`).to.be.a("string");
      const env = p.defaultInfo?.environment?.[0] ?? "";
      expect(row).to.include(`\`${env}\``);
      const provider = SCHEMA.provider.inputProperties[name];
      if (p.default === undefined) {
        expect(row, `rekko:${name} has no default`).to.include("| none |");
        continue;
      }
      expect(row).to.include(`| \`${String(p.default)}\` |`);
      expect(p.description, `rekko:${name}'s description`).to.include(`Default value is \`${String(p.default)}\``);
      expect(provider?.description, `the provider's ${name}`).to.include(`Default value is \`${String(p.default)}\``);
    }
  });

  it("the Webhook has an ## Import section with the command; the component says it is not imported", () => {
    const webhook = SCHEMA.resources["rekko:index:Webhook"]?.description ?? "";
    expect(webhook).to.match(/\n## Import\n/);
    expect(webhook).to.include("$ pulumi import rekko:index:Webhook");
    const component = SCHEMA.resources["rekko:index:WebhookWithSecret"]?.description ?? "";
    expect(component).to.match(/\n## Import\n/);
    expect(component).to.include("is not imported");
  });

  it("every resource and function has examples in TypeScript, Python, Go, C#, Java and YAML", () => {
    const entries = [...Object.entries(SCHEMA.resources), ...Object.entries(SCHEMA.functions)];
    for (const [token, e] of entries) {
      for (const fence of ["typescript", "python", "go", "csharp", "java", "yaml"]) {
        expect(e.description, `${token}: a ${fence} example`).to.include(`\`\`\`${fence}\n`);
      }
    }
  });

  it("the schema's examples and docs/_index.md are what the generators produce from examples/registry (scripts/sdk/examples.ts --check)", () => {
    const out = execFileSync(
      join(ROOT, "node_modules", ".bin", "tsx"),
      [join(ROOT, "scripts", "sdk", "examples.ts"), "--check"],
      {
        env: { ...process.env, PULUMI_REKKO_TOOLCHAIN: toolchainDir() },
        encoding: "utf8",
        stdio: "pipe",
      },
    );
    expect(out).to.include("match the generators");
  });

  describe("the Java examples' enum arguments (javaEnums: pulumi-java's program generator writes their string values)", () => {
    const spec = SCHEMA as unknown as EnumSchema;
    const program = (body: string) =>
      `package generated_program;\n\nimport com.pulumi.Context;\nimport com.pulumi.rekko.Webhook;\nimport com.pulumi.rekko.WebhookArgs;\nimport java.util.List;\n\n${body}\n`;

    it("a string given for an enum-typed argument becomes the SDK's constant, and the enum is imported once", () => {
      const java = javaEnums(
        program(
          '    .events(\n        "whale_alert",\n        "price_shift")\n    .url("https://hooks.example.com/whale_alert")\n    .event("analysis_complete")',
        ),
        spec,
      );
      expect(java).to.include(".events(\n        EventType.WhaleAlert,\n        EventType.PriceShift)");
      expect(java).to.include(".event(EventType.AnalysisComplete)");
      // Only enum-typed arguments: a url that happens to hold a value's text is left alone.
      expect(java).to.include('.url("https://hooks.example.com/whale_alert")');
      expect(java.match(/^import com\.pulumi\.rekko\.enums\.EventType;$/gm)).to.have.length(1);
      expect(java).to.include(
        "import com.pulumi.rekko.WebhookArgs;\nimport com.pulumi.rekko.enums.EventType;\nimport java.util.List;",
      );
      expect(javaEnums(java, spec), "already constants: unchanged").to.equal(java);
    });

    it("a program without enum strings is unchanged; a string that is no value of the enum is refused, naming it", () => {
      const plain = program('    .url("https://hooks.example.com/rekko")');
      expect(javaEnums(plain, spec)).to.equal(plain);
      expect(() => javaEnums(program('    .events("whale_alerts")'), spec)).to.throw(
        '.events("whale_alerts"): "whale_alerts" is not a value of rekko:index:EventType',
      );
    });
  });

  it("the converted Python programs byte-compile and the Go programs parse", () => {
    const dir = mkdtempSync(join(tmpdir(), "rekko-examples-"));
    try {
      for (const e of generateExamples()) {
        writeFileSync(join(dir, `${e.name}.py`), e.code.python ?? "");
        writeFileSync(join(dir, `${e.name}.go`), e.code.go ?? "");
      }
      execFileSync("python3", [
        "-m",
        "py_compile",
        ...readdirSync(dir)
          .filter((f) => f.endsWith(".py"))
          .map((f) => join(dir, f)),
      ]);
      execFileSync("gofmt", ["-e", "-l", dir], { stdio: "pipe" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("each example program runs: up, then destroy, against the emulator (official YAML host)", () => {
    let emu: RekkoEmulator;
    before(async () => {
      emu = await RekkoEmulator.start();
    });
    after(async () => {
      await emu?.stop();
    });
    const names = readdirSync(EXAMPLES, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();

    it("finds the three examples", () => {
      expect(names).to.deep.equal(["get-webhooks", "webhook", "webhook-with-secret"]);
    });

    for (const name of names) {
      it(`examples/registry/${name}`, async () => {
        // The example as written, plus where the test finds the plugin.
        const yaml = `${readFileSync(join(EXAMPLES, name, "Pulumi.yaml"), "utf8")}plugins:\n  providers:\n    - name: rekko\n      path: node_modules/.bin\n`;
        const project = await nativeProject(
          join(ROOT, "test", "native", "projects", "yaml-lifecycle"),
          emu,
          `registry-${name}`,
          name === "webhook" ? { hookSecret: { value: "registry-example-secret-0123456789", secret: true } } : {},
          { "Pulumi.yaml": yaml },
        );
        try {
          const mark = emu.requests().length;
          const up = await project.stack.up();
          expect(up.summary.result).to.equal("succeeded");
          if (name === "get-webhooks") expect(up.outputs.ids?.value).to.be.an("array");
          else expect(up.outputs.webhookId?.value).to.match(/^wh-/);
          expect(apiCalls(emu, mark).filter((c) => c.startsWith("POST"))).to.have.length(name === "get-webhooks" ? 0 : 1);
        } finally {
          await project.destroyAndRemove();
        }
        expect(emu.webhooks()).to.deep.equal([]);
      });
    }
  });
});
