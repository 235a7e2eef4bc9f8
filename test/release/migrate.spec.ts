import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { expect } from "chai";
import {
  DYNAMIC_WEBHOOK,
  DYNAMIC_WEBHOOK_WITH_SECRET,
  NATIVE_WEBHOOK,
  NATIVE_WEBHOOK_WITH_SECRET,
} from "../../provider/core/types";
import { RekkoEmulator } from "../../provider/testing";
import { apiCalls, nativeProject, resources, type TestProject } from "../support/engine";
import { release } from "./release";

const ALERTS_SECRET = "migrate-alerts-signing-secret-0123";

/**
 * docs/MIGRATING.md: a stack of RekkoWebhook and RekkoWebhookWithSecret (dynamic.ts) moved to
 * rekko:Webhook and rekko:WebhookWithSecret on the Node.js SDK of the release (native.ts,
 * aliased) registers nothing, deletes nothing and rotates no secret.
 */
describe("release: moving a stack from the dynamic resources to the native ones (docs/MIGRATING.md)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let mark = 0;
  const calls = () => apiCalls(emu, mark);
  const out = (o: string) => project.printed.push(o);
  const program = (file: string) => copyFileSync(join(project.dir, file), join(project.dir, "index.ts"));
  let was: { webhooks: { id: string; url: string; secret: string }[]; accepted: unknown; alertsId: unknown; signedId: unknown };

  const registered = () =>
    emu
      .webhooks()
      .map((w) => ({ id: w.webhook_id, url: w.url, secret: w.secret }))
      .sort((a, b) => a.url.localeCompare(b.url));

  before(async () => {
    const r = await release();
    emu = await RekkoEmulator.start();
    project = await nativeProject(join(__dirname, "projects", "migrate"), emu, "dist-migrate", {
      alertsSecret: { value: ALERTS_SECRET, secret: true },
    });
    // The release's Node.js SDK, installed as npm installs the tarball package.json names (its
    // @pulumi/pulumi resolves from the repository's node_modules).
    copyFileSync(r.nodeSdk, join(project.dir, basename(r.nodeSdk)));
    const sdk = join(project.dir, "node_modules", "@pulumi-rekko", "rekko");
    mkdirSync(sdk, { recursive: true });
    execFileSync("tar", ["-xzf", r.nodeSdk, "-C", sdk, "--strip-components=1"]);
    program("dynamic.ts");
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });
  beforeEach(() => {
    mark = emu.requests().length;
  });

  it("before: up of the dynamic resources registers both webhooks", async () => {
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.result).to.equal("succeeded");
    expect(await resources(project.stack, DYNAMIC_WEBHOOK)).to.have.length(2);
    expect(await resources(project.stack, DYNAMIC_WEBHOOK_WITH_SECRET)).to.have.length(1);
    was = {
      webhooks: registered(),
      accepted: up.outputs.acceptedSecrets?.value,
      alertsId: up.outputs.alertsId?.value,
      signedId: up.outputs.signedId?.value,
    };
    expect(was.webhooks).to.have.length(2);
    expect(was.webhooks.map((w) => w.secret)).to.include(ALERTS_SECRET);
  });

  it("preview of the native program with aliases plans no create, delete or replace, and calls nothing", async () => {
    program("native.ts");
    const preview = await project.stack.preview({ onOutput: out, diff: true });
    const summary = preview.changeSummary;
    expect(summary.create ?? 0, JSON.stringify(summary)).to.equal(0);
    expect(summary.replace ?? 0).to.equal(0);
    expect(summary["create-replacement"] ?? 0).to.equal(0);
    // Only the dynamic face's default provider (pulumi-nodejs) goes, which calls nothing.
    expect(summary.delete ?? 0).to.be.at.most(1);
    expect(calls()).to.deep.equal([]);
  });

  it("up moves the state over: 0 POST, 0 DELETE; the same webhooks with the same secrets; the receiver's secrets unchanged", async () => {
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.result).to.equal("succeeded");
    const seen = calls();
    expect(
      seen.filter((c) => c.startsWith("POST")),
      "nothing registered",
    ).to.deep.equal([]);
    expect(
      seen.filter((c) => c.startsWith("DELETE")),
      "nothing deleted",
    ).to.deep.equal([]);
    expect(registered(), "the same webhooks, the same signing secrets").to.deep.equal(was.webhooks);
    expect(up.outputs.acceptedSecrets?.value, "the secrets a receiver accepts").to.deep.equal(was.accepted);
    expect(up.outputs.alertsId?.value).to.equal(was.alertsId);
    expect(up.outputs.signedId?.value).to.equal(was.signedId);
    expect(await resources(project.stack, DYNAMIC_WEBHOOK), "no dynamic resource left").to.deep.equal([]);
    expect(await resources(project.stack, DYNAMIC_WEBHOOK_WITH_SECRET)).to.deep.equal([]);
    const natives = await resources(project.stack, NATIVE_WEBHOOK);
    expect(natives.map((r) => r.id).sort()).to.deep.equal(was.webhooks.map((w) => w.id).sort());
    expect(await resources(project.stack, NATIVE_WEBHOOK_WITH_SECRET)).to.have.length(1);
  });

  it("a second up and a refresh change nothing; destroy deletes both webhooks through the native provider", async () => {
    const again = await project.stack.up({ onOutput: out });
    expect(Object.keys(again.summary.resourceChanges ?? {})).to.deep.equal(["same"]);
    const refresh = await project.stack.refresh({ onOutput: out });
    expect(refresh.summary.resourceChanges?.update ?? 0).to.equal(0);
    expect(calls().filter((c) => !c.startsWith("GET"))).to.deep.equal([]);
    expect(registered()).to.deep.equal(was.webhooks);
    mark = emu.requests().length;
    await project.stack.destroy({ onOutput: out });
    expect(calls().filter((c) => c.startsWith("DELETE"))).to.have.length(2);
    expect(emu.webhooks()).to.deep.equal([]);
  });
});
