import { expect } from "chai";
import { type Account, DOCUMENTED_QUOTAS, RekkoEmulator } from "../../provider/testing";
import { Billing, countsAsDeep } from "../../provider/testing/emulator/billing";
import { EmulatorClock } from "../../provider/testing/emulator/clock";
import { call, type Reply } from "../support/http";

const PRO = "rk_pro_billing_test_key_00001";
const PRO2 = "rk_pro_billing_test_key_00002";
const FREE = "rk_free_billing_test_key_0003";
const reg = (i: number) => ({
  url: `https://hooks.example.com/b${i}`,
  events: ["whale_alert"],
  secret: `billing-secret-${i}-0123456789`,
});

const me = async (emu: RekkoEmulator, key: string) => (await call(emu.url, "GET", "/v1/customers/me", { key })).body as Account;
const create = (emu: RekkoEmulator, key: string, i: number) => call(emu.url, "POST", "/v1/webhooks", { key, json: reg(i) });
const ctl = (emu: RekkoEmulator, method: string, path: string, json?: unknown) =>
  call(emu.url, method, path, { headers: emu.controlHeaders(), ...(json !== undefined ? { json } : {}) });

/** The first day of the month after `time`'s (UTC), YYYY-MM-DD. */
function nextFirst(time: number): string {
  const d = new Date(time);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

function expectQuota429(r: Reply, used: number, limit: number, tier = "DEEP"): void {
  expect(r.status).to.equal(429);
  const day = nextFirst(Date.now());
  expect((r.body as { detail: string }).detail).to.match(
    new RegExp(`^Monthly ${tier} quota exceeded \\(${used}/${limit}\\)\\. Resets on ${day}\\. \\S`),
  );
  expect(r.headers["retry-after"]).to.equal(`${day}T00:00:00.000Z`);
}

describe("emulator: billing as documented (quotas, DEEP counting, the quota 429, GET /v1/customers/me)", () => {
  it("gives Free keys the documented quotas (DEEP 0) and, by default, Pro keys the documented ones with no DEEP limit", async () => {
    const emu = await RekkoEmulator.start({ apiKeys: [PRO, FREE] });
    try {
      expectQuota429(await create(emu, FREE, 0), 0, 0);
      expect(((await create(emu, FREE, 0)).body as { detail: string }).detail).to.match(/Upgrade to Pro/);
      expectQuota429(await call(emu.url, "GET", "/v1/webhooks", { key: FREE }), 0, 0);
      expect(emu.webhooks()).to.deep.equal([]);
      for (let i = 0; i < 25; i++) expect((await create(emu, PRO, i)).status).to.equal(200);
      const pro = await me(emu, PRO);
      expect(pro.quotas).to.deep.equal({ ...DOCUMENTED_QUOTAS.pro, deep: null });
      expect(pro.usage).to.deep.equal({ listing: 1, insight: 0, strategy: 0, deep: 25 });
      const free = await me(emu, FREE);
      expect(free.quotas).to.deep.equal(DOCUMENTED_QUOTAS.free);
      expect(free.usage.deep, "refused calls are not billed").to.equal(0);
    } finally {
      await emu.stop();
    }
  });

  it("bills Rekko's Pro plan with quotas { pro: { deep: 10 } }: the 11th webhook call gets the quota 429 and is not performed", async () => {
    const emu = await RekkoEmulator.start({ apiKeys: [PRO, PRO2], quotas: { pro: { deep: 10 } } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push(((await create(emu, PRO, i)).body as { webhook_id: string }).webhook_id);
      expect((await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).status).to.equal(200);
      expect((await call(emu.url, "DELETE", `/v1/webhooks/${ids[0]}`, { key: PRO })).status).to.equal(200);
      expectQuota429(await create(emu, PRO, 99), 10, 10);
      expectQuota429(await call(emu.url, "DELETE", `/v1/webhooks/${ids[1]}`, { key: PRO }), 10, 10);
      expectQuota429(await call(emu.url, "GET", "/v1/webhooks", { key: PRO }), 10, 10);
      expect(emu.webhooks()).to.have.length(7);
      expect((await me(emu, PRO)).usage.deep).to.equal(10);
      expect((await create(emu, PRO2, 0)).status, "another key has its own quota").to.equal(200);
    } finally {
      await emu.stop();
    }
  });

  for (const [deepCounts, billed] of [
    ["create", 2],
    ["writes", 4],
    ["all", 5],
  ] as const) {
    it(`with deepCounts "${deepCounts}" bills ${billed} of: a create, a refused (422) create, a list, a delete, a delete of an unknown id`, async () => {
      const emu = await RekkoEmulator.start({ apiKeys: [PRO], deepCounts });
      try {
        const made = (await create(emu, PRO, 1)).body as { webhook_id: string };
        expect((await call(emu.url, "POST", "/v1/webhooks", { key: PRO, json: { url: "x" } })).status).to.equal(422);
        expect((await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).status).to.equal(200);
        expect((await call(emu.url, "DELETE", `/v1/webhooks/${made.webhook_id}`, { key: PRO })).status).to.equal(200);
        expect((await call(emu.url, "DELETE", "/v1/webhooks/wh-000000000000", { key: PRO })).status).to.equal(404);
        expect(emu.account(PRO).usage.deep).to.equal(billed);
        expect(emu.settings().deepCounts).to.equal(deepCounts);
      } finally {
        await emu.stop();
      }
    });
  }

  it("serves the calls that do not count once the quota is used up (deepCounts create: lists and deletes)", async () => {
    const emu = await RekkoEmulator.start({ apiKeys: [PRO], deepCounts: "create", quotas: { keys: { [PRO]: { deep: 1 } } } });
    try {
      const made = (await create(emu, PRO, 1)).body as { webhook_id: string };
      expectQuota429(await create(emu, PRO, 2), 1, 1);
      expect((await call(emu.url, "GET", "/v1/webhooks", { key: PRO })).status).to.equal(200);
      expect((await call(emu.url, "DELETE", `/v1/webhooks/${made.webhook_id}`, { key: PRO })).status).to.equal(200);
    } finally {
      await emu.stop();
    }
  });

  it("answers GET /v1/customers/me with the account, billed as one LISTING call, and never the key", async () => {
    const emu = await RekkoEmulator.start({ apiKeys: [PRO, FREE] });
    try {
      await create(emu, PRO, 1);
      const r = await call(emu.url, "GET", "/v1/customers/me", { key: PRO });
      expect(r.status).to.equal(200);
      expect(r.text).not.to.include(PRO);
      const account = r.body as Account;
      expect(Object.keys(account)).to.have.members([
        "customer_id",
        "email",
        "plan",
        "status",
        "key_prefix",
        "usage",
        "quotas",
        "resets_on",
      ]);
      expect(account).to.include({ plan: "pro", status: "active", key_prefix: "rk_pro_...", resets_on: nextFirst(Date.now()) });
      expect(account.customer_id).to.match(/^cus_[0-9a-f]{12}$/);
      expect(account.email).to.match(/@/);
      expect(account.usage).to.deep.equal({ listing: 1, insight: 0, strategy: 0, deep: 1 });
      expect((await me(emu, PRO)).usage.listing).to.equal(2);
      expect(await me(emu, FREE)).to.include({ plan: "free", key_prefix: "rk_free_..." });
      expect((await call(emu.url, "GET", "/v1/customers/me")).status).to.equal(401);
      expect((await call(emu.url, "POST", "/v1/customers/me", { key: PRO })).status).to.equal(405);
      emu.setBilling(FREE, { usage: { listing: 100 } });
      expectQuota429(await call(emu.url, "GET", "/v1/customers/me", { key: FREE }), 100, 100, "LISTING");
    } finally {
      await emu.stop();
    }
  });

  it("starts a new month on the 1st (UTC) of the emulator's clock, which the control surface moves", async () => {
    const emu = await RekkoEmulator.start({ apiKeys: [PRO], quotas: { pro: { deep: 2 } } });
    try {
      await create(emu, PRO, 1);
      await create(emu, PRO, 2);
      expectQuota429(await create(emu, PRO, 3), 2, 2);
      const resets = (await me(emu, PRO)).resets_on;
      const moved = await ctl(emu, "PUT", "/_emulator/clock", { now: `${resets}T00:00:00Z` });
      expect(moved.status).to.equal(200);
      expect((await create(emu, PRO, 3)).status).to.equal(200);
      const after = await me(emu, PRO);
      expect(after.usage.deep).to.equal(1);
      expect(after.resets_on).to.equal(nextFirst(Date.parse(`${resets}T00:00:00Z`)));
      expect(emu.webhooks(), "webhooks stay across months").to.have.length(3);
      await ctl(emu, "PUT", "/_emulator/clock", { advanceMs: -60_000 });
      expect(emu.account(PRO).usage.deep, "another month: its own usage").to.equal(0);
    } finally {
      await emu.stop();
    }
  });

  it("sets quotas and usage per key on the control surface (GET/PUT /_emulator/billing), keys masked, bad input refused", async () => {
    const emu = await RekkoEmulator.start({ apiKeys: [PRO, FREE] });
    try {
      const view = await ctl(emu, "GET", "/_emulator/billing");
      expect(view.text).not.to.include(PRO);
      const body = view.body as { deepCounts: string; accounts: (Account & { key: string })[] };
      expect(body.deepCounts).to.equal("all");
      expect(body.accounts.map((a) => [a.key, a.plan])).to.deep.equal([
        ["rk_pro_…0001", "pro"],
        ["rk_free_…0003", "free"],
      ]);
      const set = await ctl(emu, "PUT", "/_emulator/billing", { key: PRO, quotas: { deep: 3 }, usage: { deep: 2 } });
      expect(set.status).to.equal(200);
      expect(set.body).to.deep.include({ key: "rk_pro_…0001" });
      expect((set.body as Account).quotas.deep).to.equal(3);
      expect((set.body as Account).usage.deep).to.equal(2);
      expect((await create(emu, PRO, 1)).status).to.equal(200);
      expectQuota429(await create(emu, PRO, 2), 3, 3);
      expect((await ctl(emu, "PUT", "/_emulator/billing", { key: PRO, quotas: { deep: null } })).status).to.equal(200);
      expect((await create(emu, PRO, 2)).status, "null: no limit").to.equal(200);
      for (const bad of [
        { quotas: { deep: 1 } },
        { key: "rk_pro_not_accepted_key_00", quotas: { deep: 1 } },
        { key: PRO, quotas: { deep: -1 } },
        { key: PRO, quotas: { gold: 1 } },
        { key: PRO, usage: { deep: null } },
        { key: PRO, usage: [] },
      ]) {
        expect((await ctl(emu, "PUT", "/_emulator/billing", bad)).status, JSON.stringify(bad)).to.equal(400);
      }
      expect((await ctl(emu, "PUT", "/_emulator/config", { deepCounts: "writes" })).body).to.include({ deepCounts: "writes" });
      expect((await ctl(emu, "PUT", "/_emulator/config", { deepCounts: "reads" })).status).to.equal(400);
      emu.reset();
      expect(emu.account(PRO).usage.deep, "reset forgets usage").to.equal(0);
      expect(emu.account(PRO).quotas.deep, "and keeps quotas").to.equal(null);
    } finally {
      await emu.stop();
    }
  });
});

describe("emulator billing: the month and what counts (pure)", () => {
  it("rolls over at 00:00 UTC on the 1st, also into a new year", () => {
    let now = Date.parse("2026-12-31T23:59:59.999Z");
    const billing = new Billing(new EmulatorClock(0, () => now), { pro: { deep: 1 } });
    expect(billing.charge(PRO, "deep")).to.equal(undefined);
    const refused = billing.charge(PRO, "deep");
    expect(refused?.body.detail).to.match(/^Monthly DEEP quota exceeded \(1\/1\)\. Resets on 2027-01-01\. /);
    expect(refused?.headers["retry-after"]).to.equal("2027-01-01T00:00:00.000Z");
    expect(billing.account(PRO).resets_on).to.equal("2027-01-01");
    now = Date.parse("2027-01-01T00:00:00.000Z");
    expect(billing.used(PRO).deep).to.equal(0);
    expect(billing.charge(PRO, "deep")).to.equal(undefined);
    expect(billing.account(PRO).resets_on).to.equal("2027-02-01");
  });

  it("counts POST always, DELETE under writes and all, the list only under all", () => {
    const table = (["create", "writes", "all"] as const).map((c) => ["POST", "DELETE", "GET"].map((m) => countsAsDeep(c, m)));
    expect(table).to.deep.equal([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });
});
