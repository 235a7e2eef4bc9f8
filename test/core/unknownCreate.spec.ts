import { expect } from "chai";
import { ServerClock } from "../../provider/core/serverClock";
import { CLOCK_SKEW_ALLOWANCE_MS, createWindows, unknownCreateCandidates } from "../../provider/core/unknownCreate";
import type { WebhookInfo } from "../../provider/core/webhookInfo";

describe("server clock: the API's offset from Date headers", () => {
  const at = (iso: string) => Date.parse(iso);
  it("bounds the offset by the header's second and the round trip, and narrows with every answer", () => {
    const clock = new ServerClock();
    expect(clock.offset()).to.equal(undefined);
    // The server is 10 s ahead; an answer sent at local :00.100, received at :00.300, dated :10 (whole second).
    clock.observe(at("2026-01-01T00:00:00.100Z"), at("2026-01-01T00:00:00.300Z"), "Thu, 01 Jan 2026 00:00:10 GMT");
    expect(clock.offset()).to.deep.equal({ low: 9_700, high: 10_900 });
    clock.observe(at("2026-01-01T00:00:00.700Z"), at("2026-01-01T00:00:00.800Z"), "Thu, 01 Jan 2026 00:00:10 GMT");
    expect(clock.offset()).to.deep.equal({ low: 9_700, high: 10_300 });
    clock.observe(at("2026-01-01T00:00:01.000Z"), at("2026-01-01T00:00:01.100Z"), undefined);
    expect(clock.offset(), "an answer without Date changes nothing").to.deep.equal({ low: 9_700, high: 10_300 });
  });

  it("restarts from an answer that does not fit (either clock was set in between)", () => {
    const clock = new ServerClock();
    clock.observe(at("2026-01-01T00:00:00.000Z"), at("2026-01-01T00:00:00.100Z"), "Thu, 01 Jan 2026 00:00:00 GMT");
    clock.observe(at("2026-01-01T00:00:01.000Z"), at("2026-01-01T00:00:01.100Z"), "Thu, 01 Jan 2026 01:00:01 GMT");
    expect(clock.offset()).to.deep.equal({ low: 3_599_900, high: 3_601_000 });
  });
});

describe("unknown create: candidates by url, events, holder and created_at", () => {
  const reg = { url: "https://hooks.example.com/x", events: ["whale_alert", "price_shift"], secret: "s" };
  const sent = Date.parse("2026-05-01T12:00:00.000Z");
  const windows = createWindows([{ sentAt: sent, unknownAt: sent + 500 }], { low: 0, high: 1000 });
  const hook = (id: string, created: string, over: Partial<WebhookInfo> = {}): WebhookInfo => ({
    webhook_id: id,
    url: reg.url,
    events: ["price_shift", "whale_alert"],
    enabled: true,
    failure_count: 0,
    created_at: created,
    ...over,
  });

  it("the window runs from the send, less the allowance, to the unknown moment plus the offset's bound and the allowance", () => {
    expect(windows).to.deep.equal([{ from: sent - CLOCK_SKEW_ALLOWANCE_MS, to: sent + 500 + 1000 + CLOCK_SKEW_ALLOWANCE_MS }]);
    const none = createWindows([{ sentAt: sent, unknownAt: sent + 500 }], undefined);
    expect(none, "no Date seen: the clocks are taken to agree").to.deep.equal([
      { from: sent - CLOCK_SKEW_ALLOWANCE_MS, to: sent + 500 + CLOCK_SKEW_ALLOWANCE_MS },
    ]);
  });

  it("takes only an unheld webhook with the same url (as normalised) and events created inside the window", () => {
    const listed = [
      hook("wh-in", "2026-05-01T12:00:00.400Z"),
      hook("wh-normalised", "2026-05-01T12:00:00.400Z", { url: "https://Hooks.Example.com:443/x" }),
      hook("wh-early", "2026-05-01T11:59:57.900Z"),
      hook("wh-late", "2026-05-01T12:00:03.600Z"),
      hook("wh-held", "2026-05-01T12:00:00.400Z"),
      hook("wh-other-events", "2026-05-01T12:00:00.400Z", { events: ["whale_alert"] }),
      hook("wh-other-url", "2026-05-01T12:00:00.400Z", { url: "https://hooks.example.com/y" }),
      hook("wh-no-time", ""),
      hook("wh-edge", "2026-05-01T11:59:58.000Z"),
    ];
    const found = unknownCreateCandidates(listed, reg, windows, new Set(["wh-held"])).map((w) => w.webhook_id);
    expect(found).to.deep.equal(["wh-in", "wh-normalised", "wh-edge"]);
  });
});
