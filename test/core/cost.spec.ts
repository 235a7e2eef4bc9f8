import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { deepAccount, deepCalls, deepLeft, planCalls } from "../../provider/core/cost";
import { RekkoConfigError } from "../../provider/core/errors";
import {
  DYNAMIC_WEBHOOK,
  DYNAMIC_WEBHOOK_WITH_SECRET,
  NATIVE_WEBHOOK,
  NATIVE_WEBHOOK_WITH_SECRET,
} from "../../provider/core/types";

const urn = (type: string, name: string, parent?: string) => `urn:pulumi:dev::p::${parent ? `${parent}$` : ""}${type}::${name}`;
const provider = (name: string) => `urn:pulumi:dev::p::pulumi:providers:rekko::${name}::0000`;
const step = (op: string, type: string, name: string, extra: Record<string, unknown> = {}) => ({
  op,
  urn: urn(type, name),
  provider: provider("default"),
  ...(op === "delete" || op === "delete-replaced" || op === "same" || op === "replace" ? { oldState: { type } } : {}),
  ...(op === "delete" || op === "delete-replaced" ? {} : { newState: { type } }),
  ...extra,
});

describe("cost: the webhook calls of a plan (pulumi preview --json)", () => {
  it("counts a real preview's replacements, create and delete, and nothing for components, passwords or unchanged resources", () => {
    // Trimmed from `pulumi preview --json` of test/engine/projects/webhooks: `a` changes its url, the
    // RekkoWebhookWithSecret `b` rotates, `c` is new, `gone` is removed.
    const calls = planCalls(readFileSync(join(__dirname, "..", "fixtures", "preview-replace.json"), "utf8"));
    expect(calls).to.include({ creates: 3, deletes: 3, lists: 0, replacements: 2 });
    expect(calls.steps.map((s) => `${s.op} ${s.urn.split("::").pop()}`)).to.have.members([
      "replace a",
      "create c",
      "replace b",
      "delete gone",
    ]);
    expect(deepCalls(calls)).to.equal(6);
  });

  it("knows both faces' types, counts a replacement shown as its two halves once, and skips retained deletes", () => {
    const calls = planCalls({
      steps: [
        step("create", NATIVE_WEBHOOK, "n1"),
        step("create", NATIVE_WEBHOOK_WITH_SECRET, "component"),
        step("create", DYNAMIC_WEBHOOK_WITH_SECRET, "component2"),
        step("create-replacement", NATIVE_WEBHOOK, "n2"),
        step("replace", NATIVE_WEBHOOK, "n2"),
        step("delete-replaced", NATIVE_WEBHOOK, "n2"),
        step("delete", DYNAMIC_WEBHOOK, "d1"),
        step("delete", DYNAMIC_WEBHOOK, "kept", { oldState: { type: DYNAMIC_WEBHOOK, retainOnDelete: true } }),
        step("update", NATIVE_WEBHOOK, "n3"),
        step("same", NATIVE_WEBHOOK, "n4"),
        step("create", "random:index/randomPassword:RandomPassword", "pw"),
        { op: "create", urn: urn(NATIVE_WEBHOOK, "child", NATIVE_WEBHOOK_WITH_SECRET) },
      ],
    });
    expect(calls).to.include({ creates: 3, deletes: 2, lists: 0, replacements: 1 });
    expect(calls.steps.find((s) => s.urn === urn(NATIVE_WEBHOOK, "n2"))?.op).to.equal(
      "create-replacement+replace+delete-replaced",
    );
  });

  it("counts one list per provider whose steps import or read a webhook", () => {
    const calls = planCalls({
      steps: [
        step("import", NATIVE_WEBHOOK, "i1"),
        step("import", NATIVE_WEBHOOK, "i2"),
        { ...step("read", NATIVE_WEBHOOK, "r1"), provider: provider("second") },
      ],
    });
    expect(calls).to.include({ creates: 0, deletes: 0, lists: 2 });
  });

  it("refuses what is not a successful preview, saying what to give", () => {
    expect(() => planCalls("{nope")).to.throw(RekkoConfigError, /not JSON.*pulumi preview --json/);
    expect(() => planCalls({ hello: 1 })).to.throw(RekkoConfigError, /no "steps"/);
    expect(() => planCalls({ diagnostics: [{ severity: "error", message: "x" }] })).to.throw(RekkoConfigError, /failed/);
    expect(() => planCalls({ steps: [], diagnostics: [{ severity: "error", message: "x" }] })).to.throw(
      RekkoConfigError,
      /preview failed \(1 error diagnostic/,
    );
    expect(planCalls({ steps: [], diagnostics: [{ severity: "warning", message: "x" }] }).creates).to.equal(0);
  });

  it("reads the DEEP tier of GET /v1/customers/me, with no limit as null", () => {
    const body = {
      plan: "pro",
      usage: { listing: 1, insight: 0, strategy: 0, deep: 7 },
      quotas: { listing: 10_000, insight: 500, strategy: 50, deep: 10 },
      resets_on: "2027-01-01",
    };
    const account = deepAccount(body);
    expect(account).to.deep.equal({ plan: "pro", used: 7, quota: 10, resetsOn: "2027-01-01" });
    expect(deepLeft(account)).to.equal(3);
    expect(deepLeft({ ...account, used: 12 })).to.equal(0);
    expect(deepLeft(deepAccount({ ...body, quotas: { ...body.quotas, deep: null } }))).to.equal(null);
    expect(() => deepAccount({ plan: "pro" })).to.throw(RekkoConfigError, /usage\.deep, quotas\.deep and resets_on/);
  });
});
