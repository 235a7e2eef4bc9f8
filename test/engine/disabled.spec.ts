import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { verifySignature } from "../../provider";
import { WEBHOOK_RESOURCE_TYPE } from "../../provider/core/orphans";
import { RekkoEmulator } from "../../provider/testing";
import { resources, type TestProject, webhooksProject } from "../support/engine";

const HOOK_SECRET = "disabled-test-signing-secret-";

describe("engine: a webhook Rekko disabled is replaced after a refresh, unless replaceWhenDisabled is false (real CLI)", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  let receiver: Server;
  let answer = 500;
  const received: { path: string; body: string; signature: string }[] = [];
  const out = (o: string) => project.printed.push(o);
  const state = async () =>
    new Map((await resources(project.stack, WEBHOOK_RESOURCE_TYPE)).map((r) => [r.urn.split("::").pop() ?? "", r]));

  before(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({
          path: req.url ?? "",
          body: Buffer.concat(chunks).toString("utf8"),
          signature: String(req.headers["x-webhook-signature"] ?? ""),
        });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    emu = await RekkoEmulator.start({ disableAfterFailures: 3 });
    project = await webhooksProject(emu, {
      hookSecret: { value: HOOK_SECRET, secret: true },
      hooks: {
        value: JSON.stringify([
          { name: "alerts", url: `${base}/alerts`, events: ["whale_alert"], secretSuffix: "a" },
          { name: "kept", url: `${base}/kept`, events: ["price_shift"], secretSuffix: "k", replaceWhenDisabled: false },
        ]),
      },
    });
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.result).to.equal("succeeded");
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
    receiver?.close();
  });

  it("deliveries fail until the emulator disables both webhooks; later events are not delivered", async () => {
    for (let i = 0; i < 3; i++) {
      expect((await emu.trigger("whale_alert")).map((r) => r.ok)).to.deep.equal([false]);
      expect((await emu.trigger("price_shift")).map((r) => r.ok)).to.deep.equal([false]);
    }
    expect(emu.webhooks().map((w) => [w.enabled, w.failure_count])).to.deep.equal([
      [false, 3],
      [false, 3],
    ]);
    answer = 200; // the receiver is fixed
    expect(await emu.trigger("whale_alert"), "a disabled webhook gets nothing").to.deep.equal([]);
  });

  it("refresh records enabled: false; preview warns naming each webhook and its failure count and plans one replacement", async () => {
    const refresh = await project.stack.refresh({ onOutput: out });
    expect(refresh.summary.result).to.equal("succeeded");
    const s = await state();
    expect(s.get("alerts")?.outputs).to.include({ enabled: false, failureCount: 3 });
    const alerts = s.get("alerts")?.id ?? "";
    const kept = s.get("kept")?.id ?? "";
    const printed: string[] = [];
    const preview = await project.stack.preview({ onOutput: (o) => printed.push(o) });
    const text = printed.join("");
    expect(text).to.include(
      `warning: Rekko webhook ${alerts} is disabled: Rekko stopped delivering to it after 3 consecutive failed deliveries`,
    );
    expect(text).to.match(
      new RegExp(
        `webhook ${alerts} is disabled.*This update replaces it with a new webhook, created before the old one is deleted`,
      ),
    );
    expect(text).to.match(new RegExp(`webhook ${kept} is disabled.*replaceWhenDisabled is false, so it stays disabled`));
    expect(preview.changeSummary).to.include({ replace: 1 });
  });

  it("up replaces the disabled webhook create-before-delete; the next event reaches the receiver, signed", async () => {
    const before = await state();
    const up = await project.stack.up({ onOutput: out });
    expect(up.summary.resourceChanges).to.include({ replace: 1 });
    const after = await state();
    const fresh = after.get("alerts");
    expect(fresh?.id).to.be.a("string").and.not.equal(before.get("alerts")?.id);
    expect(fresh?.outputs).to.include({ enabled: true, failureCount: 0 });
    expect(after.get("kept")?.id, "replaceWhenDisabled: false keeps it").to.equal(before.get("kept")?.id);
    const ids = emu.webhooks().map((w) => w.webhook_id);
    expect(ids).to.include(fresh?.id).and.not.include(before.get("alerts")?.id);
    received.length = 0;
    const reports = await emu.trigger("whale_alert", { market_id: "AFTER-REPLACE" });
    expect(reports.map((r) => [r.webhook_id, r.ok])).to.deep.equal([[fresh?.id, true]]);
    expect(received).to.have.length(1);
    const [got] = received;
    expect(got?.path).to.equal("/alerts");
    expect(JSON.parse(got?.body ?? "{}")).to.include({ type: "whale_alert", market_id: "AFTER-REPLACE" });
    expect(verifySignature(Buffer.from(got?.body ?? ""), got?.signature, `${HOOK_SECRET}a`)).to.equal(true);
  });
});
