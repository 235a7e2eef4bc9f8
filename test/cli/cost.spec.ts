import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { apiCalls, pulumiCli, type TestProject, webhooksProject } from "../support/engine";
import { runCli } from "./run";

const KEY = "rk_pro_cost_command_key_000001";

const cli = (args: string[], input: string | undefined, env: Record<string, string>) => runCli("main.ts", args, input, env);

describe("pulumi-rekko cost: a real `pulumi preview --json` against the emulator's billing", function () {
  this.timeout(300_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let preview: string;
  let file: string;

  before(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [KEY], quotas: { pro: { deep: 10 } } });
    project = await webhooksProject(emu, {
      hooks: {
        value: JSON.stringify([
          { name: "plain", url: "https://hooks.example.com/cost/plain", events: ["whale_alert"] },
          { name: "paired", url: "https://hooks.example.com/cost/paired", events: ["price_shift"], withSecret: true },
        ]),
      },
    });
    preview = await pulumiCli(project.stack, ["preview", "--json"]);
    file = join(project.dir, "plan.json");
    writeFileSync(file, preview);
  });
  after(async () => {
    await emu?.stop();
    if (project) rmSync(project.dir, { recursive: true, force: true });
  });

  it("prints calls, dollars and the quota left, exits 0 when the quota covers the plan, and 1 (JSON from a pipe) when it does not", async () => {
    const env = { REKKO_API_KEY: KEY, REKKO_BASE_URL: emu.url };
    emu.setBilling(KEY, { usage: { deep: 8 } });
    const resets = emu.account(KEY).resets_on;
    const mark = emu.requests().length;
    const covered = await cli(["cost", file], undefined, env);
    expect(covered.code, covered.stderr).to.equal(0);
    expect(covered.stdout).to.include("Plan: 2 webhook call(s): 2 create(s), 0 delete(s), 0 list(s).");
    expect(covered.stdout).to.include("At the pay-per-call DEEP price ($5.00 a call): $10.00.");
    expect(covered.stdout).to.include("itself possibly billed as one LISTING call");
    expect(covered.stdout).to.include(`plan pro; DEEP calls this month: 8 used of 10, 2 left; resets on ${resets}.`);
    expect(covered.stdout).to.include("The quota covers this plan");
    expect(apiCalls(emu, mark), "one account read, nothing else").to.deep.equal(["GET /v1/customers/me"]);

    emu.setBilling(KEY, { usage: { deep: 9 } });
    const over = await cli(["cost", "--json"], preview, env);
    expect(over.code, over.stderr).to.equal(1);
    const result = JSON.parse(over.stdout) as {
      calls: { creates: number; deletes: number; deep: number };
      priceUsd: { total: number };
      account: { used: number; quota: number; left: number; resetsOn: string };
      covered: boolean;
    };
    expect(result.calls).to.include({ creates: 2, deletes: 0, deep: 2 });
    expect(result.priceUsd.total).to.equal(10);
    expect(result.account).to.include({ used: 9, quota: 10, left: 1, resetsOn: resets });
    expect(result.covered).to.equal(false);
    for (const r of [covered, over]) expect(`${r.stdout}${r.stderr}`).not.to.include(KEY);
  });

  it("without a key prints the plan and exits 0 (quota not checked); refuses input that is not a preview with exit 2", async () => {
    const mark = emu.requests().length;
    const unchecked = await cli(["cost"], preview, { REKKO_BASE_URL: emu.url });
    expect(unchecked.code, unchecked.stderr).to.equal(0);
    expect(unchecked.stdout).to.include("REKKO_API_KEY is not set: the monthly quota was not checked.");
    expect(apiCalls(emu, mark)).to.deep.equal([]);
    const bad = await cli(["cost"], '{"hello": 1}', { REKKO_API_KEY: KEY, REKKO_BASE_URL: emu.url });
    expect(bad.code).to.equal(2);
    expect(bad.stderr)
      .to.match(/pulumi-rekko cost: The input has no "steps"/)
      .and.include("Usage: pulumi-rekko cost");
  });
});
