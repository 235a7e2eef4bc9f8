import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { expect } from "chai";
import { INSTALL_SCRIPT, type Release } from "../../scripts/dist";
import { signed, unsigned } from "../../scripts/dist-macho";
import { authenticodeSize } from "../../scripts/dist-pe";
import { hostPlugin, hostTarget, PLUGIN, PLUGIN_CACHE, TARGETS, type Target } from "../../scripts/dist-plugin";
import { generateExamples } from "../../scripts/sdk/examples";
import { ROOT, WORK } from "../support/engine";
import { release, releaseTargets } from "./release";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const v = pkg.version;
const versions = readFileSync(join(ROOT, "toolchain", "versions.env"), "utf8");
const JAVA_SDK_VERSION = /^JAVA_SDK_VERSION=(\S+)/m.exec(versions)?.[1] ?? "";

/** The executable of a plugin archive. */
const executable = (archive: string, target: Target) =>
  execFileSync("tar", ["-xzOf", archive, target.startsWith("windows") ? `${PLUGIN}.exe` : PLUGIN], {
    maxBuffer: 512 * 1024 * 1024,
  });

/** The registry examples as the schema carries them (the generators run once per process). */
let generated: ReturnType<typeof generateExamples> | undefined;
const examples = () => {
  generated ??= generateExamples();
  return generated;
};

const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

/** Every file under `dir`, relative, `/`-separated. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"));

/**
 * `npm test` runs this on a release of this machine's platform that it builds; `npm run dist`
 * runs it on the release it wrote (every platform). See docs/RELEASE.md.
 */
describe("release: npm run dist writes every artifact, and each one installs or compiles", function () {
  this.timeout(900_000);
  let r: Release;
  const scratch = join(WORK, "dist", `release-checks-${process.pid}`);

  before(async () => {
    r = await release();
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("the set: a plugin archive per platform, the install script, the npm package, the Node.js SDK, the Python sdist and wheel, the Java jar, the Go/.NET/Java sources, SHA256SUMS", () => {
    expect(r.targets).to.deep.equal(releaseTargets());
    if (process.env.REKKO_RELEASE_DIR && !process.env.REKKO_RELEASE_TARGETS)
      expect(r.targets, "npm run dist builds every platform").to.deep.equal(TARGETS);
    // This machine has Python and Maven: the SDKs they build are part of the set, never skipped.
    for (const [tool, what] of [
      ["python3", "Python"],
      ["mvn", "Java"],
    ] as const)
      if (has(tool)) expect(r.missing.join("\n"), `the ${what} SDK is built (${tool} is here)`).to.not.include(what);
    const top = readdirSync(r.dir).sort();
    const expected = [
      ...r.targets.map((t) => `${PLUGIN}-v${v}-${t}.tar.gz`),
      INSTALL_SCRIPT,
      `pulumi-rekko-${v}.tgz`,
      `pulumi-rekko-rekko-${v}.tgz`,
      "SHA256SUMS",
      "sdk",
      ...(has("python3") ? [`pulumi_rekko-${v}.tar.gz`, `pulumi_rekko-${v}-py3-none-any.whl`] : []),
      ...(has("mvn") ? [`rekko-${v}.jar`] : []),
    ].sort();
    expect(top).to.deep.equal(expected);
    expect(readdirSync(join(r.dir, "sdk")).sort()).to.deep.equal(["dotnet", "go", ...(has("mvn") ? ["java"] : [])].sort());
    // What is not built is said, naming what is missing: never a stand-in file.
    if (!r.python) expect(r.missing.join("\n")).to.match(/Python SDK sdist and wheel: .*python3/);
    if (!r.java) expect(r.missing.join("\n")).to.match(/Java SDK: .*mvn/);
  });

  it("SHA256SUMS lists every other file of the release, and sha256sum -c accepts it", () => {
    const listed = readFileSync(r.sums, "utf8").trim().split("\n");
    expect(listed.every((l) => /^[0-9a-f]{64} {2}\S+$/.test(l))).to.equal(true);
    const names = listed.map((l) => l.slice(66)).sort();
    expect(names).to.deep.equal(
      filesUnder(r.dir)
        .filter((f) => f !== "SHA256SUMS")
        .sort(),
    );
    expect(names).to.include.members([
      ...r.targets.map((t) => `${PLUGIN}-v${v}-${t}.tar.gz`),
      "sdk/go/go.mod",
      ...(r.python ? [basename(r.python.sdist), basename(r.python.wheel)] : []),
      ...(r.java ? [basename(r.java.jar), "sdk/java/pom.xml"] : []),
    ]);
    const check = spawnSync("sha256sum", ["-c", "--quiet", "SHA256SUMS"], { cwd: r.dir, encoding: "utf8" });
    expect(check.status, check.stdout + check.stderr).to.equal(0);
  });

  it("each archive holds one executable built for its platform (ELF, Mach-O with an ad-hoc signature, PE without a broken signature)", () => {
    for (const t of r.targets) {
      const archive = r.archives[t] as string;
      const listing = execFileSync("tar", ["-tzf", archive], { encoding: "utf8" }).trim().split("\n");
      expect(listing, t).to.deep.equal([t.startsWith("windows") ? `${PLUGIN}.exe` : PLUGIN]);
      const exe = executable(archive, t);
      const [os, arch] = t.split("-");
      if (os === "linux") {
        expect(exe.toString("latin1", 0, 4), t).to.equal("\x7fELF");
        expect(exe.readUInt16LE(18), t).to.equal(arch === "amd64" ? 0x3e : 0xb7);
      } else if (os === "darwin") {
        expect(exe.readUInt32LE(0), t).to.equal(0xfeedfacf);
        expect(exe.readUInt32LE(4), t).to.equal(arch === "amd64" ? 0x01000007 : 0x0100000c);
        // Signed, and the signature is the one our signer makes of the unsigned file: valid hashes.
        expect(Buffer.compare(signed(unsigned(exe), PLUGIN), exe), `${t}: a valid ad-hoc signature`).to.equal(0);
      } else {
        expect(exe.toString("latin1", 0, 2), t).to.equal("MZ");
        expect(authenticodeSize(exe), `${t}: Node's Authenticode signature removed`).to.equal(0);
      }
      // Every executable carries the SEA blob (the resource name postject gave it).
      expect(exe.includes(Buffer.from("NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1")), `${t}: the SEA fuse is set`).to.equal(
        true,
      );
    }
  });

  it("hostPlugin() (the tests' and the benchmark's executable) is this platform's archived executable, from the plugin cache outside the checkout", async function () {
    // Another plugin server is another schema asset, so another executable.
    if (process.env.REKKO_PLUGIN_DOWNLOAD_URL) this.skip();
    const exe = await hostPlugin();
    expect(exe.startsWith(`${PLUGIN_CACHE}/${hostTarget()}-`), exe).to.equal(true);
    expect(relative(ROOT, exe).startsWith(".."), "outside the checkout").to.equal(true);
    const archived = executable(r.archives[hostTarget()] as string, hostTarget());
    expect(Buffer.compare(readFileSync(exe), archived), "the same bytes").to.equal(0);
    // Taken from the cache, not built again: the entry's files keep their times.
    const before = statSync(exe).mtimeMs;
    expect(await hostPlugin()).to.equal(exe);
    expect(statSync(exe).mtimeMs).to.equal(before);
  });

  it("the npm package is the shipped one (the plugin, the schema; no devDependencies)", () => {
    const files = execFileSync("tar", ["-tzf", r.npmPackage], { encoding: "utf8" });
    expect(files).to.include("package/dist/provider/native/main.js").and.include("package/provider/native/schema.json");
    const manifest = JSON.parse(execFileSync("tar", ["-xzOf", r.npmPackage, "package/package.json"], { encoding: "utf8" }));
    expect(manifest.version).to.equal(v);
    expect(manifest.devDependencies).to.equal(undefined);
    expect(manifest.repository.url).to.include("github.com/pulumi-rekko/pulumi-rekko");
  });

  it("the Node.js SDK tarball installs; a TypeScript program and the registry's TypeScript examples type-check against it (one tsc run)", () => {
    const dir = join(scratch, "node");
    const sdk = join(dir, "node_modules", "@pulumi-rekko", "rekko");
    mkdirSync(sdk, { recursive: true });
    execFileSync("tar", ["-xzf", r.nodeSdk, "-C", sdk, "--strip-components=1"]);
    const manifest = JSON.parse(readFileSync(join(sdk, "package.json"), "utf8"));
    expect(manifest).to.include({ name: "@pulumi-rekko/rekko", version: v });
    expect(readdirSync(sdk)).to.include.members(["index.js", "index.d.ts", "webhook.js", "webhookWithSecret.js"]);
    writeFileSync(
      join(dir, "index.ts"),
      'import * as rekko from "@pulumi-rekko/rekko";\nexport const hook = new rekko.Webhook("h", { url: "https://example.com/h", events: [rekko.EventType.WhaleAlert] });\n',
    );
    // The examples exactly as the schema and docs/_index.md carry them (registry-examples.spec
    // checks that they are what the generators produce).
    const programs = examples();
    expect(programs.map((e) => e.name)).to.deep.equal(["get-webhooks", "webhook", "webhook-with-secret"]);
    for (const e of programs) writeFileSync(join(dir, `example-${e.name}.ts`), e.code.typescript ?? "");
    const tsc = spawnSync(
      join(ROOT, "node_modules", ".bin", "tsc"),
      [
        "--noEmit",
        "--strict",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--skipLibCheck",
        join(dir, "index.ts"),
        ...programs.map((e) => join(dir, `example-${e.name}.ts`)),
      ],
      { cwd: dir, encoding: "utf8" },
    );
    expect(tsc.status, tsc.stdout + tsc.stderr).to.equal(0);
  });

  it("the Go module names its import path and compiles (go build, go vet)", () => {
    const mod = readFileSync(join(r.goModule, "go.mod"), "utf8");
    expect(mod).to.match(/^module github\.com\/pulumi-rekko\/pulumi-rekko\/sdk\/go\n/);
    expect(readdirSync(r.goModule)).to.include.members(["go.mod", "go.sum", "rekko"]);
    execFileSync("go", ["build", "./..."], { cwd: r.goModule, stdio: "pipe" });
    execFileSync("go", ["vet", "./..."], { cwd: r.goModule, stdio: "pipe" });
  });

  it("the .NET sources are there, and the registry's C# examples name only types they declare (compiled where dotnet exists; this machine has none)", () => {
    const files = readdirSync(r.dotnet);
    expect(files).to.include.members(["Webhook.cs", "WebhookWithSecret.cs", "GetWebhooks.cs", "Provider.cs"]);
    expect(files.some((f) => f.endsWith(".csproj"))).to.equal(true);
    // The types each namespace of the SDK declares, and the file that declares each.
    const declared = new Map<string, Map<string, string>>();
    for (const f of filesUnder(r.dotnet).filter((f) => f.endsWith(".cs"))) {
      const text = readFileSync(join(r.dotnet, f), "utf8");
      const ns = /^namespace ([\w.]+)/m.exec(text)?.[1];
      if (!ns) continue;
      const types = declared.get(ns) ?? new Map<string, string>();
      for (const m of text.matchAll(/^ {4}public (?:[a-z]+ )*(?:class|struct|enum|interface) (\w+)/gm))
        types.set(m[1] ?? "", text);
      declared.set(ns, types);
    }
    for (const e of examples()) {
      const cs = e.code.csharp ?? "";
      const alias = /^using (\w+) = ([\w.]+);$/m.exec(cs);
      expect(alias, `${e.name}: the example names the SDK's namespace with an alias`).to.not.equal(null);
      const [, name, ns] = alias as RegExpExecArray;
      const types = declared.get(ns as string);
      expect(types, `${e.name}: the SDK declares namespace ${ns}`).to.not.equal(undefined);
      const refs = [...cs.matchAll(new RegExp(`\\b${name}\\.(\\w+)(?:\\.(\\w+))?`, "g"))];
      expect(refs.length, `${e.name}: the example uses the SDK`).to.be.greaterThan(0);
      for (const [ref, type, member] of refs) {
        const text = types?.get(type as string);
        expect(text, `${e.name}: ${ref}: ${ns} declares no type ${type}`).to.be.a("string");
        if (member) expect(text, `${e.name}: ${ref}: ${type} has no ${member}`).to.match(new RegExp(`\\b${member}\\b`));
      }
    }
    if (!has("dotnet")) return;
    execFileSync("dotnet", ["build"], { cwd: r.dotnet, stdio: "pipe" });
  });

  it("the Python wheel installs into a virtual environment with pulumi from PyPI and imports", function () {
    if (!has("python3")) this.skip();
    const wheel = r.python?.wheel as string;
    // The venv python.spec uses: made once per wheel content, cached under ~/.cache/pulumi-rekko/python.
    const venv = execFileSync("bash", [join(ROOT, "test", "native", "python-venv.sh"), wheel], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }).trim();
    const out = execFileSync(
      join(venv, "bin", "python"),
      [
        "-c",
        [
          "import importlib.metadata as md, pulumi, pulumi_rekko as rekko",
          "print(md.version('pulumi_rekko'), md.version('pulumi'))",
          "print(rekko.Webhook.__name__, rekko.WebhookWithSecret.__name__, rekko.get_webhooks_output.__name__, rekko.EventType.WHALE_ALERT.value)",
        ].join("\n"),
      ],
      { encoding: "utf8" },
    );
    const [versionsLine, names] = out.trim().split("\n");
    const pythonPulumi = /^PYTHON_PULUMI_VERSION=(\S+)/m.exec(versions)?.[1];
    expect(versionsLine).to.equal(`${v} ${pythonPulumi}`);
    expect(names).to.equal("Webhook WebhookWithSecret get_webhooks_output whale_alert");
  });

  it("the Java jar holds a class for every source of the SDK, and the registry's Java examples compile against the jar with Maven", function () {
    if (!has("mvn")) this.skip();
    const java = r.java as NonNullable<Release["java"]>;
    const sources = filesUnder(join(java.sources, "src", "main", "java")).filter((f) => f.endsWith(".java"));
    expect(sources).to.include.members(["com/pulumi/rekko/Webhook.java", "com/pulumi/rekko/enums/EventType.java"]);
    const classes = execFileSync("jar", ["tf", java.jar], { encoding: "utf8" }).trim().split("\n");
    for (const s of sources) expect(classes, s).to.include(s.replace(/\.java$/, ".class"));
    // A Maven project of the three examples (each in its own package), on the built jar and
    // com.pulumi:pulumi from Maven Central.
    const dir = join(scratch, "java-examples");
    for (const e of examples()) {
      const pkgName = `examples.${e.name.replace(/-/g, "_")}`;
      const src = join(dir, "src", "main", "java", ...pkgName.split("."));
      mkdirSync(src, { recursive: true });
      const code = e.code.java ?? "";
      expect(code).to.match(/^package generated_program;$/m);
      writeFileSync(join(src, "App.java"), code.replace(/^package generated_program;$/m, `package ${pkgName};`));
    }
    writeFileSync(
      join(dir, "pom.xml"),
      `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>examples</groupId>
  <artifactId>registry-examples</artifactId>
  <version>0</version>
  <properties>
    <maven.compiler.release>11</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency><groupId>com.pulumi</groupId><artifactId>pulumi</artifactId><version>${JAVA_SDK_VERSION}</version></dependency>
    <dependency><groupId>com.pulumi</groupId><artifactId>rekko</artifactId><version>${v}</version><scope>system</scope><systemPath>${java.jar}</systemPath></dependency>
  </dependencies>
  <build><plugins><plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin></plugins></build>
</project>
`,
    );
    const mvn = spawnSync("mvn", ["-B", "-q", "compile"], { cwd: dir, encoding: "utf8" });
    expect(mvn.status, mvn.stdout + mvn.stderr).to.equal(0);
    const compiled = filesUnder(join(dir, "target", "classes")).sort();
    expect(compiled).to.deep.equal([
      "examples/get_webhooks/App.class",
      "examples/webhook/App.class",
      "examples/webhook_with_secret/App.class",
    ]);
  });
});
