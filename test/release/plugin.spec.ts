import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { hostTarget, PLUGIN } from "../../scripts/dist-plugin";
import {
  apiCalls,
  engineEnv,
  expectNoneIn,
  exportText,
  openProject,
  pulumiCli,
  ROOT,
  resources,
  type TestProject,
  WORK,
} from "../support/engine";
import { foreignArchive, nodelessPath, onPath, randomPlugin, release } from "./release";

const WEBHOOK = "rekko:index:Webhook";
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const OTHER_KEY = "rk_pro_dist_second_account_key_c3c3";
const HOOK_SECRET = "dist-signing-secret-0123456789abcd";

/** Runs the CLI (or the install script) with only `path` as PATH and `home` as PULUMI_HOME. */
function cli(cmd: string, args: string[], path: string, home: string) {
  return spawnSync(cmd, args, {
    encoding: "utf8",
    env: { ...process.env, PATH: path, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
}

describe("release: the executable plugin, installed from its archive, with no node on PATH", function () {
  this.timeout(900_000);
  let emu: RekkoEmulator;
  let path = "";
  let home = "";
  let archive = "";
  let mark = 0;
  const calls = () => apiCalls(emu, mark);

  before(async () => {
    const r = await release();
    archive = r.archives[hostTarget()] as string;
    path = nodelessPath();
    home = join(WORK, "dist", `pulumi-home-${process.pid}`);
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    emu = await RekkoEmulator.start({ apiKeys: [`rk_pro_dist_first_account_key_${Date.now()}`, OTHER_KEY] });
  });
  after(async () => {
    await emu?.stop();
    rmSync(home, { recursive: true, force: true });
  });
  beforeEach(() => {
    mark = emu.requests().length;
  });

  it("the PATH the programs run with offers no node", () => {
    expect(onPath("node", path)).to.equal(false);
    expect(onPath("npm", path)).to.equal(false);
    expect(onPath("pulumi", path)).to.equal(true);
  });

  it("pulumi plugin install resource rekko <version> --file <archive> installs the executable into a fresh PULUMI_HOME", () => {
    const r = cli(join(path, "pulumi"), ["plugin", "install", "resource", "rekko", VERSION, "--file", archive], path, home);
    expect(r.status, r.stderr).to.equal(0);
    const installed = join(home, "plugins", `resource-rekko-v${VERSION}`, PLUGIN);
    expect(existsSync(installed)).to.equal(true);
    // The random plugin, as `pulumi` would download it: the component's passwords are random's.
    const random = randomPlugin();
    const rr = cli(
      join(path, "pulumi"),
      ["plugin", "install", "resource", "random", random.version, "--file", random.path],
      path,
      home,
    );
    expect(rr.status, rr.stderr).to.equal(0);
    const ls = cli(join(path, "pulumi"), ["plugin", "ls"], path, home);
    expect(ls.stdout).to.match(new RegExp(`rekko\\s+resource\\s+${VERSION.replace(/\./g, "\\.")}`));
  });

  /** preview, up, a second up, refresh, import and destroy of a project on the installed plugin. */
  const lifecycle = (label: string, open: () => Promise<TestProject>, creates: number, importArgs: string[]) => {
    describe(label, () => {
      let project: TestProject;
      const out = (o: string) => project.printed.push(o);
      before(async () => {
        project = await open();
        await project.stack.setAllConfig({
          "rekko:apiKey": { value: emu.apiKey, secret: true },
          "rekko:baseUrl": { value: emu.url },
          hookSecret: { value: HOOK_SECRET, secret: true },
          emulatorUrl: { value: emu.url },
          otherKey: { value: OTHER_KEY, secret: true },
        });
      });
      after(async () => {
        if (project) await pulumiCli(project.stack, ["state", "unprotect", "--all", "--yes"]).catch(() => "");
        await project?.destroyAndRemove();
      });

      it("preview plans every resource; no API call but the lookup's list", async () => {
        const preview = await project.stack.preview({ onOutput: out });
        expect(preview.changeSummary.create).to.equal(creates);
        expect(calls().filter((c) => c !== "GET /v1/webhooks")).to.deep.equal([]);
      });

      it("up registers the webhooks (the component's through construct inside the executable)", async () => {
        const up = await project.stack.up({ onOutput: out });
        expect(up.summary.result).to.equal("succeeded");
        const hookId = up.outputs.hookId?.value as string;
        expect(emu.webhooks().find((w) => w.webhook_id === hookId)?.secret).to.equal(HOOK_SECRET);
        expect(up.outputs.foundIds?.value).to.deep.equal([hookId]);
        const paired = emu.webhooks().find((w) => w.webhook_id === up.outputs.pairedId?.value);
        expect(up.outputs.acceptedSecrets?.value).to.include(paired?.secret);
        expect(calls().filter((c) => c.startsWith("POST")).length).to.be.greaterThan(1);
        // The rekko provider the engine ran is the installed one, at the archive's version.
        const providers = await resources(project.stack, "pulumi:providers:rekko");
        expect(providers.length).to.be.greaterThan(0);
      });

      it("a second up changes nothing and makes no POST or DELETE", async () => {
        const up = await project.stack.up({ onOutput: out });
        expect(up.summary.resourceChanges).to.deep.equal({ same: creates });
        expect(calls().filter((c) => !c.startsWith("GET"))).to.deep.equal([]);
      });

      it("refresh finds every webhook as it is", async () => {
        const refresh = await project.stack.refresh({ onOutput: out });
        expect(refresh.summary.result).to.equal("succeeded");
        expect(refresh.summary.resourceChanges?.update ?? 0).to.equal(0);
        expect(refresh.summary.resourceChanges?.delete ?? 0).to.equal(0);
        expect(calls().filter((c) => !c.startsWith("GET"))).to.deep.equal([]);
      });

      it("pulumi import adopts a webhook registered outside, reading only", async () => {
        const made = (await fetch(`${emu.url}/v1/webhooks`, {
          method: "POST",
          headers: { authorization: `Bearer ${emu.apiKey}`, "content-type": "application/json" },
          body: JSON.stringify({ url: `http://127.0.0.1:9/dist/${label}/legacy`, events: ["whale_alert"] }),
        }).then((r) => r.json())) as { webhook_id: string };
        mark = emu.requests().length;
        await pulumiCli(project.stack, ["import", WEBHOOK, "legacy", made.webhook_id, "--yes", ...importArgs]);
        expect(calls().every((c) => c.startsWith("GET"))).to.equal(true);
        const adopted = (await resources(project.stack, WEBHOOK)).find((r) => r.id === made.webhook_id);
        expect(adopted?.outputs?.url).to.equal(`http://127.0.0.1:9/dist/${label}/legacy`);
      });

      it("destroy deletes every webhook; the key and the secrets were never in state or output", async () => {
        const text = await exportText(project.stack);
        expectNoneIn(text, project.printed, [emu.apiKey, OTHER_KEY, ...emu.webhooks().map((w) => w.secret)].filter(Boolean));
        await pulumiCli(project.stack, ["state", "unprotect", "--all", "--yes"]);
        const destroy = await project.stack.destroy({ onOutput: out });
        expect(destroy.summary.result).to.equal("succeeded");
        expect(calls().filter((c) => c.startsWith("POST"))).to.deep.equal([]);
        expect(emu.webhooks()).to.deep.equal([]);
      });
    });
  };

  const env = () => ({ PATH: path, PULUMI_HOME: home, REKKO_API_KEY: "", REKKO_BASE_URL: "" });

  // hook, paired (+3 passwords, +1 webhook), other provider, otherHook, the stack
  lifecycle("YAML", () => openProject(join(__dirname, "projects", "yaml"), env(), {}, { link: false, name: "dist-yaml" }), 9, [
    "--out",
    "/dev/null",
  ]);

  lifecycle(
    "Go",
    async () => {
      // test/native/projects/go's program on the release's Go module (replace → dist's sdk/go).
      const r = await release();
      const src = join(WORK, "dist", "go-source");
      rmSync(src, { recursive: true, force: true });
      mkdirSync(src, { recursive: true });
      copyFileSync(join(__dirname, "projects", "go", "Pulumi.yaml"), join(src, "Pulumi.yaml"));
      copyFileSync(join(ROOT, "test", "native", "projects", "go", "main.go"), join(src, "main.go"));
      const mod = readFileSync(join(ROOT, "test", "native", "projects", "go", "go.mod"), "utf8").replace(
        "=> ./sdk/go",
        `=> ${r.goModule}`,
      );
      writeFileSync(join(src, "go.mod"), mod);
      // The module's go.sum (as `pulumi install` would: with the network, before the runs).
      execFileSync("go", ["mod", "tidy"], { cwd: src, env: { ...process.env, ...engineEnv() }, stdio: "pipe" });
      return openProject(src, env(), {}, { link: false, name: "dist-go" });
    },
    // hook, paired (+3 passwords, +1 webhook), the stack
    7,
    ["--generate-code=false"],
  );

  describe("archives that are not this machine's plugin", () => {
    const install = (file: string, script = false) =>
      script
        ? cli(join(path, "bash"), [join(ROOT, "scripts", "dist-install.sh"), file], path, home)
        : cli(join(path, "pulumi"), ["plugin", "install", "resource", "rekko", "9.9.9", "--file", file], path, home);
    const scratch = join(WORK, "dist", "bad-archives");
    before(() => {
      rmSync(scratch, { recursive: true, force: true });
      mkdirSync(scratch, { recursive: true });
    });
    after(() => rmSync(scratch, { recursive: true, force: true }));

    it("a truncated archive: the CLI refuses it ('untarring … unexpected EOF'), installs nothing; the install script says it is damaged", () => {
      const name = `${PLUGIN}-v${VERSION}-${hostTarget()}.tar.gz`;
      const cut = join(scratch, name);
      writeFileSync(cut, readFileSync(archive).subarray(0, 1_000_000));
      const r = install(cut);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.match(/error: installing \[resource plugin rekko-9\.9\.9\] from .*: untarring file .*: unexpected EOF/);
      expect(existsSync(join(home, "plugins", "resource-rekko-v9.9.9", PLUGIN))).to.equal(false);
      const s = install(cut, true);
      expect(s.status).to.equal(1);
      expect(s.stderr.trim()).to.match(
        new RegExp(
          `^pulumi-resource-rekko-install: ${name} is not a complete \\.tar\\.gz archive \\(a damaged or incomplete download: .*\\): download it again$`,
        ),
      );
    });

    it("a wrong-platform archive (a darwin-arm64 executable): the CLI installs it without a word (it fails later: exec format error); the install script refuses it by name and by content", () => {
      const mac = foreignArchive(join(scratch, "foreign"));
      // As a mislabelled download: the macOS executable under this machine's name.
      const renamed = join(scratch, `${PLUGIN}-v${VERSION}-${hostTarget()}.tar.gz`);
      copyFileSync(mac, renamed);
      const raw = install(renamed);
      expect(raw.status, "the CLI does not check the platform").to.equal(0);
      const schema = cli(join(path, "pulumi"), ["package", "get-schema", "rekko@9.9.9"], path, home);
      expect(schema.status).to.not.equal(0);
      expect(schema.stderr).to.include("exec format error");
      rmSync(join(home, "plugins", "resource-rekko-v9.9.9"), { recursive: true, force: true });

      const byName = install(mac, true);
      expect(byName.status).to.equal(1);
      expect(byName.stderr.trim()).to.equal(
        `pulumi-resource-rekko-install: ${PLUGIN}-v${VERSION}-darwin-arm64.tar.gz is the rekko plugin for darwin-arm64; this machine is ${hostTarget()}: use ${PLUGIN}-v${VERSION}-${hostTarget()}.tar.gz`,
      );
      const byContent = install(renamed, true);
      expect(byContent.status).to.equal(1);
      expect(byContent.stderr.trim()).to.equal(
        `pulumi-resource-rekko-install: ${PLUGIN}-v${VERSION}-${hostTarget()}.tar.gz holds an executable for darwin-arm64, not ${hostTarget()} as its name says: use the release's ${PLUGIN}-v${VERSION}-${hostTarget()}.tar.gz`,
      );
      expect(existsSync(join(home, "plugins", "resource-rekko-v9.9.9"))).to.equal(false);
    });

    it("the install script installs the release's own archive (its SHA256SUMS checked)", async () => {
      const r = await release();
      const s = cli(join(path, "bash"), [r.installScript, archive], path, join(scratch, "home"));
      expect(s.status, s.stderr).to.equal(0);
      expect(existsSync(join(scratch, "home", "plugins", `resource-rekko-v${VERSION}`, PLUGIN))).to.equal(true);
      const bad = join(scratch, "sums");
      mkdirSync(bad);
      copyFileSync(archive, join(bad, `${PLUGIN}-v${VERSION}-${hostTarget()}.tar.gz`));
      writeFileSync(join(bad, "SHA256SUMS"), `${"0".repeat(64)}  ${PLUGIN}-v${VERSION}-${hostTarget()}.tar.gz\n`);
      const t = cli(
        join(path, "bash"),
        [r.installScript, join(bad, `${PLUGIN}-v${VERSION}-${hostTarget()}.tar.gz`)],
        path,
        join(scratch, "home2"),
      );
      expect(t.status).to.equal(1);
      expect(t.stderr).to.include("does not match its checksum in SHA256SUMS");
    });
  });
});
