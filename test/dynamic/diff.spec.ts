import { expect } from "chai";
import { diffWebhook } from "../../provider/dynamic/protocol";
import { UNKNOWN } from "../../provider/pulumi/unknowns";

const SECRET = "s3cr3t-value-that-is-long-enough";
const olds = {
  webhookId: "wh-1",
  url: "https://h.example.com/x",
  events: ["whale_alert", "price_shift"],
  secret: SECRET,
  enabled: true,
  failureCount: 0,
  createdAt: "2026-01-01T00:00:00Z",
  __provider: "code-v1",
};
const same = { url: olds.url, events: olds.events, secret: SECRET, __provider: "code-v1" };

describe("diff", () => {
  const table: [string, Record<string, unknown>, boolean, string[]][] = [
    ["nothing changed", same, false, []],
    ["events reordered", { ...same, events: ["price_shift", "whale_alert"] }, false, []],
    ["url changed", { ...same, url: "https://h.example.com/y" }, true, ["url"]],
    ["event added", { ...same, events: [...olds.events, "analysis_complete"] }, true, ["events"]],
    ["event removed", { ...same, events: ["whale_alert"] }, true, ["events"]],
    ["secret changed", { ...same, secret: `${SECRET}x` }, true, ["secret"]],
    ["secret removed", { ...same, secret: undefined }, true, ["secret"]],
    ["url unknown", { ...same, url: UNKNOWN }, true, ["url"]],
    ["events unknown", { ...same, events: UNKNOWN }, true, ["events"]],
    ["secret unknown", { ...same, secret: UNKNOWN }, true, ["secret"]],
    [
      "all changed",
      { url: "https://z.example.com", events: ["price_shift"], secret: "x".repeat(20), __provider: "code-v2" },
      true,
      ["url", "events", "secret"],
    ],
    ["only provider code changed", { ...same, __provider: "code-v2" }, true, []],
    ["provider code unknown", { ...same, __provider: UNKNOWN }, false, []],
    ["adoptWebhookId added later", { ...same, adoptWebhookId: "wh-9" }, false, []],
  ];
  for (const [name, news, changes, replaces] of table) {
    it(name, () => {
      const d = diffWebhook(olds, news);
      expect(d.changes).to.equal(changes);
      expect(d.replaces).to.deep.equal(replaces);
      expect(d.deleteBeforeReplace, "create before delete").to.equal(false);
    });
  }
  it("treats a missing and an empty secret as the same (unsigned)", () => {
    const d = diffWebhook({ ...olds, secret: "" }, { ...same, secret: undefined });
    expect(d.changes).to.equal(false);
  });
});
