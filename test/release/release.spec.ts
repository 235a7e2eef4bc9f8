import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { expect } from "chai";
import { INSTALL_SCRIPT, type Release } from "../../scripts/dist";
import { signed, unsigned } from "../../scripts/dist-macho";
import { authenticodeSize } from "../../scripts/dist-pe";
import { PLUGIN, TARGETS, type Target } from "../../scripts/dist-plugin";
import { ROOT, WORK } from "../support/engine";
import { release } from "./release";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const v = pkg.version;

/** The executable of a plugin archive. */
const executable = (archive: string, target: Target) =>
  execFileSync("tar", ["-xzOf", archive, target.startsWith("windows") ? `${PLUGIN}.exe` : PLUGIN], {
    maxBuffer: 512 * 1024 * 1024,
  });

const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

describe("release: npm run dist writes every artifact, and each one installs or compiles", function () {
  this.timeout(900_000);
  let r: Release;
  const scratch = join(WORK, "dist", "release-checks");

  before(async () => {
    r = await release();
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("the set: a plugin archive per platform, the install script, the npm package, the SDKs, SHA256SUMS", () => {
    const top = readdirSync(r.dir).sort();
    const expected = [
      ...TARGETS.map((t) => `${PLUGIN}-v${v}-${t}.tar.gz`),
      INSTALL_SCRIPT,
      `pulumi-rekko-${v}.tgz`,
      `pulumi-rekko-rekko-${v}.tgz`,
      "SHA256SUMS",
      "sdk",
      ...(r.python ? [basename(r.python.sdist), basename(r.python.wheel)] : []),
      ...(r.java ? [basename(r.java.jar)] : []),
    ].sort();
    expect(top).to.deep.equal(expected);
    const sdks = readdirSync(join(r.dir, "sdk")).sort();
    expect(sdks).to.deep.equal(["dotnet", "go", ...(r.java ? ["java"] : [])].sort());
    // What is not built is said, naming what is missing: never a stand-in file.
    if (!r.python) expect(r.missing.join("\n")).to.match(/Python SDK sdist and wheel: .*(scripts\/sdk\/python\.sh|python3)/);
    if (!r.java) expect(r.missing.join("\n")).to.match(/Java SDK: .*(scripts\/sdk\/java\.sh|mvn)/);
  });

  it("SHA256SUMS covers every file and sha256sum -c accepts it", () => {
    const listed = readFileSync(r.sums, "utf8").trim().split("\n");
    expect(listed.every((l) => /^[0-9a-f]{64} {2}\S+$/.test(l))).to.equal(true);
    expect(listed.map((l) => l.slice(66))).to.include.members(TARGETS.map((t) => `${PLUGIN}-v${v}-${t}.tar.gz`));
    expect(listed.map((l) => l.slice(66))).to.include("sdk/go/go.mod");
    const check = spawnSync("sha256sum", ["-c", "--quiet", "SHA256SUMS"], { cwd: r.dir, encoding: "utf8" });
    expect(check.status, check.stdout + check.stderr).to.equal(0);
  });

  it("each archive holds one executable built for its platform (ELF, Mach-O with an ad-hoc signature, PE without a broken signature)", () => {
    for (const t of TARGETS) {
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

  it("the npm package is the shipped one (the plugin, the schema; no devDependencies)", () => {
    const files = execFileSync("tar", ["-tzf", r.npmPackage], { encoding: "utf8" });
    expect(files).to.include("package/dist/provider/native/main.js").and.include("package/provider/native/schema.json");
    const manifest = JSON.parse(execFileSync("tar", ["-xzOf", r.npmPackage, "package/package.json"], { encoding: "utf8" }));
    expect(manifest.version).to.equal(v);
    expect(manifest.devDependencies).to.equal(undefined);
    expect(manifest.repository.url).to.include("github.com/pulumi-rekko/pulumi-rekko");
  });

  it("the Node.js SDK tarball installs and a TypeScript program compiles against it", () => {
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
    execFileSync(
      join(ROOT, "node_modules", ".bin", "tsc"),
      ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--skipLibCheck", join(dir, "index.ts")],
      { cwd: dir, stdio: "pipe" },
    );
  });

  it("the Go module names its import path and compiles (go build, go vet)", () => {
    const mod = readFileSync(join(r.goModule, "go.mod"), "utf8");
    expect(mod).to.match(/^module github\.com\/pulumi-rekko\/pulumi-rekko\/sdk\/go\n/);
    expect(readdirSync(r.goModule)).to.include.members(["go.mod", "go.sum", "rekko"]);
    execFileSync("go", ["build", "./..."], { cwd: r.goModule, stdio: "pipe" });
    execFileSync("go", ["vet", "./..."], { cwd: r.goModule, stdio: "pipe" });
  });

  it("the .NET sources are there (compiled where dotnet exists; this machine has none)", () => {
    const files = readdirSync(r.dotnet);
    expect(files).to.include.members(["Webhook.cs", "WebhookWithSecret.cs", "GetWebhooks.cs", "Provider.cs"]);
    expect(files.some((f) => f.endsWith(".csproj"))).to.equal(true);
    if (!has("dotnet")) return;
    execFileSync("dotnet", ["build"], { cwd: r.dotnet, stdio: "pipe" });
  });

  it("the Python wheel installs into a venv and imports (when the Python SDK build is in this checkout)", function () {
    if (!r.python) this.skip();
    const venv = join(scratch, "venv");
    execFileSync("python3", ["-m", "venv", venv]);
    execFileSync(join(venv, "bin", "pip"), ["install", "--quiet", r.python?.wheel as string], { stdio: "pipe" });
    execFileSync(join(venv, "bin", "python"), ["-c", "import pulumi_rekko; pulumi_rekko.Webhook"], { stdio: "pipe" });
  });

  it("the Java SDK: its Maven sources and the jar built from them (when the Java SDK build is in this checkout)", function () {
    if (!r.java) this.skip();
    expect(readdirSync(r.java?.sources as string)).to.include("pom.xml");
    expect(readFileSync(r.java?.jar as string).toString("latin1", 0, 2), "a zip (jar)").to.equal("PK");
  });
});
