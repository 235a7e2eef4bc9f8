/**
 * What each operation costs in Rekko API calls, and what happens when the monthly quota runs
 * out during a deployment. Rekko bills webhook calls at its DEEP tier and does not say which
 * ones count, so every `/v1/webhooks` call here is a billed call (the emulator's default,
 * `deepCounts: "all"`) and the scenarios assert the exact calls of each CLI run.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { orphansCli } from "../../../scripts/rig/cli";
import { apiCalls } from "../../../scripts/rig/engine";
import { type Hook, PLUGIN_VERSION } from "../../../scripts/rig/faces";
import type { Run, Stage } from "../../../scripts/rig/stage";
import type { Scenario } from "../../support/scenarios";

/** An emulator key for one test run, named as a test key. */
const testKey = (account: string) => `rk_pro_test_${account}_${randomBytes(8).toString("hex")}`;

const LIST = "GET /v1/webhooks";
const CREATE = "POST /v1/webhooks";
const DELETE = "DELETE /v1/webhooks/{id}";

/** The calls of a run, in a stable order (a deployment makes independent calls in parallel). */
const sorted = (r: Run) => [...r.calls].sort();
/** `call`, `n` times. */
const times = (n: number, call: string) => Array<string>(n).fill(call);
/** `METHOD /path status` of each call (a call refused over the quota is logged too, with its 429). */
const answered = (r: Run) => r.requests.map((q) => `${q.method} ${q.path.replace(/wh-[0-9a-f]+/, "{id}")} ${q.status}`);

// ---- the quota ---------------------------------------------------------------------------

/** Rekko's Pro plan: 10 DEEP calls a month. */
const PRO_DEEP = 10;

/** The 1st of the month after `iso`, as `YYYY-MM-DD` (when Rekko's quotas reset, UTC). */
function nextMonth(iso: string): string {
  const d = new Date(iso);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

/** Leaves `left` DEEP calls of the stage key's monthly quota; returns the day it resets. */
function leaveDeepCalls(s: Stage, left: number): string {
  s.emu.setBilling(s.key, { usage: { deep: PRO_DEEP - left } });
  return nextMonth(s.emu.clock().now);
}

/** Moves the emulator's clock to `day` (a new billing month) through its control surface. */
async function moveClockTo(s: Stage, day: string): Promise<void> {
  const r = await fetch(`${s.emu.url}/_emulator/clock`, {
    method: "PUT",
    headers: { ...s.emu.controlHeaders(), "content-type": "application/json" },
    body: JSON.stringify({ now: `${day}T00:00:05.000Z` }),
  });
  if (!r.ok) throw new Error(`PUT /_emulator/clock answered ${r.status}: ${await r.text()}`);
  expect(s.emu.account(s.key).usage.deep, "a new month starts with no DEEP call used").to.equal(0);
}

/** The failure a quota 429 must give: the quota, the usage and the reset day. */
function expectQuotaFailure(r: Run, resetsOn: string): void {
  expect(r.output, "up names the quota, the usage and the reset date").to.include(
    `monthly DEEP quota is used up (${PRO_DEEP} of ${PRO_DEEP} calls used); it resets on ${resetsOn} (UTC)`,
  );
}

/**
 * The state holds exactly the webhooks Rekko has (a replaced one still pending its delete
 * included), and every one of them signs deliveries with a secret the stack's
 * `acceptedSecrets` holds.
 */
async function expectLiveAndVerifying(s: Stage, registered: number): Promise<void> {
  const held = (await s.state()).webhooks.map((w) => w.id).sort();
  const live = s.emu.webhooks().map((w) => w.webhook_id);
  expect(live, "webhooks Rekko has").to.have.length(registered);
  expect(held, "the state holds the webhooks Rekko has, and only those").to.deep.equal([...live].sort());
  const outputs = await s.outputs();
  const from = s.receiver.deliveries.length;
  const reports = await s.trigger("analysis_complete");
  expect(reports, "a delivery from each webhook").to.have.length(registered);
  expect(s.unverified(outputs, from), "each delivery verifies against acceptedSecrets").to.deep.equal([]);
}

/** After the reset: nothing in the state or at Rekko but the declared webhook, the orphan finder agrees, and nothing leaked. */
async function expectSettled(s: Stage): Promise<void> {
  expect(await s.drift(), "one webhook per declaration, held and signing with its current secret").to.deep.equal([]);
  const file = join(s.dir, "export.json");
  writeFileSync(file, await s.exportText());
  const mark = s.emu.requests().length;
  const found = await orphansCli(["--json", file], { apiKey: s.key, baseUrl: s.emu.url });
  expect(found.code, found.stderr).to.equal(0);
  expect(apiCalls(s.emu, mark), "the orphan finder: one list").to.deep.equal([LIST]);
  expect(await s.leaks(), "no key or secret in the state or any output, the quota failure's included").to.deep.equal([]);
  expect((JSON.parse(found.stdout) as { unmanaged: unknown[] }).unmanaged, "pulumi-rekko-orphans: none unmanaged").to.deep.equal(
    [],
  );
}

/** One webhook with a generated secret, rotated by its `rotation` counter. */
const rotated = (s: Stage, rotation: number): Hook[] => [
  { name: "signed", url: s.url("signed"), events: ["analysis_complete"], secret: { kind: "generated", rotation } },
];

// ---- native programs the neutral declaration does not express ----------------------------------

/** A YAML program (native face) with explicit providers and `getWebhooks` callers; writes it and its config. */
async function nativeProgram(
  s: Stage,
  program: {
    /** Explicit providers by name, each with its own key. */
    providers?: Record<string, string>;
    hooks: { name: string; url: string; provider?: string }[];
    /** `getWebhooks` callers (variables), each with `url`. */
    lookups?: { name: string; url: string }[];
  },
): Promise<void> {
  const providers = Object.entries(program.providers ?? {});
  const lines = [
    "name: rekko-scenario",
    "runtime: yaml",
    "plugins:",
    "  providers:",
    "    - name: rekko",
    "      path: node_modules/.bin",
    `      version: ${PLUGIN_VERSION}`,
    "config:",
    "  emulatorUrl:",
    "    type: string",
    ...providers.flatMap(([p]) => [`  key_${p}:`, "    type: string"]),
    "resources:",
    ...providers.flatMap(([p]) => [
      `  ${p}:`,
      "    type: pulumi:providers:rekko",
      "    properties:",
      `      apiKey: \${key_${p}}`,
      `      baseUrl: \${emulatorUrl}`,
    ]),
    ...program.hooks.flatMap((h) => [
      `  ${h.name}:`,
      "    type: rekko:Webhook",
      "    properties:",
      `      url: ${JSON.stringify(h.url)}`,
      '      events: ["price_shift"]',
      ...(h.provider ? ["    options:", `      provider: \${${h.provider}}`] : []),
    ]),
    ...(program.lookups?.length
      ? [
          "variables:",
          ...program.lookups.flatMap((l) => [
            `  ${l.name}:`,
            "    fn::invoke:",
            "      function: rekko:getWebhooks",
            "      arguments:",
            `        url: ${JSON.stringify(l.url)}`,
          ]),
        ]
      : []),
    "outputs:",
    ...(program.lookups?.length ? program.lookups.map((l) => `  ${l.name}: \${${l.name}.ids}`) : ["  none: 0"]),
    "",
  ];
  writeFileSync(join(s.dir, "Pulumi.yaml"), lines.join("\n"));
  const args = ["config", "set-all", "--plaintext", `emulatorUrl=${s.emu.url}`];
  for (const [p, key] of providers) args.push("--secret", `key_${p}=${key}`);
  await s.cli(args);
}

/**
 * A webhook with a generated secret is rotated while its key has `left` DEEP calls of Rekko's
 * Pro quota: `up` fails on the quota with `refused` as its calls (and their answers), the state
 * then holds the `registered` webhooks Rekko has, each signing with an accepted secret; once the
 * emulator's clock reaches the reset, the next `up` makes `afterReset` and nothing is left over.
 */
function quotaInRotation(q: {
  name: string;
  left: number;
  refused: string[];
  registered: number;
  afterReset: string[];
}): Scenario {
  return {
    name: q.name,
    emulator: { quotas: { pro: { deep: PRO_DEEP } } },
    async run(s) {
      await s.declare(rotated(s, 0));
      expect((await s.up()).calls).to.deep.equal([CREATE]);
      const resetsOn = leaveDeepCalls(s, q.left);

      await s.declare(rotated(s, 1));
      const failed = await s.up({ fails: true });
      expect(answered(failed), "the calls of the rotation, and what Rekko answered").to.deep.equal(q.refused);
      expectQuotaFailure(failed, resetsOn);
      await expectLiveAndVerifying(s, q.registered);

      await moveClockTo(s, resetsOn);
      expect((await s.up()).calls, "the first up after the reset finishes the rotation").to.deep.equal(q.afterReset);
      await expectSettled(s);
    },
  };
}

const NO_EXPLICIT_PROVIDER =
  "a RekkoWebhook takes its key from the stack's config (rekko:apiKey): one key per stack, no explicit provider";

export const billing: Scenario[] = [
  {
    name: "cost: a list only when a create's outcome is unknown (a dropped create), and no duplicate",
    async run(s) {
      s.emu.addFault({ kind: "drop-after", method: "POST", path: "/v1/webhooks", times: 1 });
      await s.declare([
        { name: "alpha", url: s.url("alpha"), events: ["price_shift"] },
        { name: "beta", url: s.url("beta"), events: ["whale_alert"] },
      ]);
      const up = await s.up();
      expect(sorted(up), "two creates, one of them dropped after Rekko stored it, then one list").to.deep.equal(
        [...times(2, CREATE), LIST].sort(),
      );
      expect(up.calls.indexOf(LIST), "the list comes after the create whose answer was lost").to.be.greaterThan(
        up.calls.indexOf(CREATE),
      );
      expect(await s.drift(), "the dropped create's webhook is adopted, not registered twice").to.deep.equal([]);
    },
  },
  {
    name: "cost: taking over a registered webhook (adoptWebhookId, the import option) costs one list and no create",
    async run(s) {
      const url = s.url("taken");
      const id = await s.registerOutside({ url, events: ["whale_alert"] });
      await s.declare([{ name: "taken", url, events: ["whale_alert"], adopt: id }]);
      expect((await s.up()).calls, "one list, to check it exists as declared").to.deep.equal([LIST]);
      expect(await s.idOf("taken")).to.equal(id);
      expect(await s.drift()).to.deep.equal([]);
    },
  },
  {
    name: "cost: pulumi import costs one list per run (its preview's and its import's; one with --skip-preview)",
    cannot: { dynamic: "pulumi import does not work for dynamic resources (adoptWebhookId is its way: see above)" },
    async run(s) {
      const first = await s.registerOutside({ url: s.url("first"), events: ["price_shift"] });
      const second = await s.registerOutside({ url: s.url("second"), events: ["whale_alert"] });
      const importing = (name: string, id: string, flags: string[] = []) =>
        s.cli(["import", "rekko:index:Webhook", name, id, "--yes", "--protect=false", "--generate-code=false", ...flags]);
      expect((await importing("first", first)).calls, "the preview's list and the import's").to.deep.equal([LIST, LIST]);
      expect((await importing("second", second, ["--skip-preview"])).calls, "the import's list").to.deep.equal([LIST]);
      const held = (await s.state()).byName;
      expect([held.get("first")?.id, held.get("second")?.id]).to.deep.equal([first, second]);
    },
  },
  {
    name: "cost: refresh lists once per provider and key (two explicit providers of two keys)",
    cannot: { dynamic: NO_EXPLICIT_PROVIDER },
    // Two accounts' keys, made for the run (the emulator's; no real key is ever written here).
    emulator: { apiKeys: [testKey("one"), testKey("two")] },
    async run(s) {
      const [one, two] = s.emu.apiKeys as [string, string];
      await nativeProgram(s, {
        providers: { one, two },
        hooks: [
          { name: "a", url: s.url("a"), provider: "one" },
          { name: "b", url: s.url("b"), provider: "one" },
          { name: "c", url: s.url("c"), provider: "two" },
        ],
      });
      expect((await s.up()).calls, "up: the creates and no list").to.deep.equal(times(3, CREATE));
      const refresh = await s.refresh();
      expect(refresh.calls, "refresh: one list per provider").to.deep.equal(times(2, LIST));
      expect(new Set(refresh.requests.map((r) => r.key)).size, "one list with each key").to.equal(2);
    },
  },
  {
    name: "cost: getWebhooks lists once per run whatever the number of callers with the same arguments",
    cannot: {
      dynamic: "the dynamic face has no lookup function",
    },
    async run(s) {
      const url = s.url("looked");
      await nativeProgram(s, {
        hooks: [{ name: "looked", url }],
        lookups: [1, 2, 3].map((i) => ({ name: `found${i}`, url })),
      });
      expect((await s.preview()).calls, "preview: one list for three callers").to.deep.equal([LIST]);
      expect(sorted(await s.up()), "up: one list for three callers, and the create").to.deep.equal([LIST, CREATE].sort());
      expect((await s.up()).calls, "a second up: one list").to.deep.equal([LIST]);
    },
  },
  quotaInRotation({
    name: "quota: running out between a rotation's create and its delete keeps the state live and verifying; the first up after the reset finishes it",
    left: 1,
    refused: ["POST /v1/webhooks 200", "DELETE /v1/webhooks/{id} 429"],
    registered: 2,
    afterReset: [DELETE],
  }),
  quotaInRotation({
    name: "quota: running out before a rotation's create changes nothing; the first up after the reset rotates",
    left: 0,
    refused: ["POST /v1/webhooks 429"],
    registered: 1,
    afterReset: [CREATE, DELETE],
  }),
];
