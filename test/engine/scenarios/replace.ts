/**
 * Replace rules on both faces: what replaces (url, events as a set, secret, rotation), always
 * creating the new webhook before deleting the old; renames with an alias keep the webhook;
 * replacements the engine plans without asking the provider (`--replace`, a taint, a rename
 * without an alias) still end with the state holding live webhooks.
 */
import { expect } from "chai";
import type { Hook } from "../../../scripts/rig/faces";
import type { Run, Stage } from "../../../scripts/rig/stage";
import type { Scenario } from "../../support/scenarios";

const SECRET_1 = "replace-own-signing-secret-one-1";
const SECRET_2 = "replace-own-signing-secret-two-2";

/** The index in `run` of the first DELETE is after every POST: creates before deletes. */
function createsBeforeDeletes(run: Run): void {
  const methods = run.requests.map((r) => r.method);
  const lastPost = methods.lastIndexOf("POST");
  const firstDelete = methods.indexOf("DELETE");
  expect(firstDelete, "something was deleted").to.be.at.least(0);
  expect(lastPost, `every POST before the first DELETE: ${run.calls.join(", ")}`).to.be.below(firstDelete);
}

function hooks(s: Stage, change: { url?: string; secret?: string; rotation?: number } = {}): Hook[] {
  return [
    { name: "plain", url: change.url ?? s.url("plain"), events: ["price_shift"] },
    { name: "own", url: s.url("own"), events: ["whale_alert"], secret: { kind: "own", value: change.secret ?? SECRET_1 } },
    {
      name: "gen",
      url: s.url("gen"),
      events: ["analysis_complete"],
      secret: { kind: "generated", rotation: change.rotation ?? 0 },
    },
  ];
}

export const replace: Scenario[] = [
  {
    name: "a new url, a new secret and a rotation replace, all creates before the deletes; the rotated secret was accepted before",
    async run(s) {
      await s.declare(hooks(s));
      await s.up();
      const before = await s.state();
      const accepted = (await s.outputs()).gen?.accepted ?? [];
      await s.declare(hooks(s, { url: s.url("plain-moved"), secret: SECRET_2, rotation: 1 }));
      const up = await s.up();
      expect(up.calls.filter((c) => c.startsWith("POST"))).to.have.length(3);
      expect(up.calls.filter((c) => c.startsWith("DELETE"))).to.have.length(3);
      createsBeforeDeletes(up);
      const after = await s.state();
      for (const name of ["plain", "own", "gen"])
        expect(after.byName.get(name)?.id, name).to.not.equal(before.byName.get(name)?.id);
      const outputs = await s.outputs();
      expect(await s.drift(after, outputs)).to.deep.equal([]);
      const rotated = s.emu.webhooks().find((w) => w.webhook_id === after.byName.get("gen")?.id);
      expect(accepted, "the new secret was accepted before the rotation").to.include(rotated?.secret);
      expect(outputs.gen?.accepted, "the old secret stays accepted").to.include.members(accepted.slice(0, 1));
    },
  },
  {
    name: "a rename with an alias keeps every webhook and its secret: no API call",
    async run(s) {
      await s.declare(hooks(s));
      await s.up();
      const before = await s.state();
      const renamed = hooks(s).map((h) => ({ ...h, name: `${h.name}2`, aliases: [h.name] }));
      await s.declare(renamed);
      const up = await s.up();
      expect(up.calls, "a rename calls nothing").to.deep.equal([]);
      const after = await s.state();
      for (const name of ["plain", "own", "gen"]) {
        expect(after.byName.get(`${name}2`)?.id, name).to.equal(before.byName.get(name)?.id);
      }
      expect(await s.drift()).to.deep.equal([]);
    },
  },
  {
    name: "a rename without an alias registers the new webhook and then deletes the old one",
    async run(s) {
      await s.declare(hooks(s));
      await s.up();
      const old = await s.idOf("plain");
      await s.declare(hooks(s).map((h) => (h.name === "plain" ? { ...h, name: "renamed" } : h)));
      const up = await s.up();
      expect(up.writes).to.deep.equal(["POST /v1/webhooks", "DELETE /v1/webhooks/{id}"]);
      expect(up.requests.find((r) => r.method === "DELETE")?.path).to.equal(`/v1/webhooks/${old}`);
      expect(await s.drift()).to.deep.equal([]);
    },
  },
  {
    name: "up --replace and a taint replace each kind of webhook create-before-delete, leaving live webhooks",
    async run(s) {
      await s.declare(hooks(s));
      await s.up();
      const before = await s.state();
      const forced = await s.up({ replace: ["plain", "own", "gen"] });
      createsBeforeDeletes(forced);
      const after = await s.state();
      for (const name of ["plain", "own", "gen"])
        expect(after.byName.get(name)?.id, name).to.not.equal(before.byName.get(name)?.id);
      expect(await s.drift()).to.deep.equal([]);
      await s.cli(["state", "taint", s.urn("own"), "--yes"]);
      const tainted = await s.up();
      createsBeforeDeletes(tainted);
      expect(await s.drift()).to.deep.equal([]);
    },
  },
  {
    name: "an adopted webhook kept adopted in the program: up --replace, a taint and a rename without alias end with the state holding a live webhook, with no DELETE",
    async run(s) {
      const legacy = { url: s.url("legacy"), events: ["whale_alert" as const] };
      const id = await s.registerOutside(legacy);
      const adopted: Hook = { name: "legacy", ...legacy, adopt: id };
      await s.declare([adopted]);
      const up = await s.up();
      expect(up.writes, "adoption registers nothing").to.deep.equal([]);
      expect(await s.idOf("legacy")).to.equal(id);
      expect(await s.drift()).to.deep.equal([]);
      /**
       * After a replacement without a Diff: no write, the webhook still registered and held by
       * `name`. The dynamic face takes it again (adoptWebhookId) and its old resource's delete
       * warns instead of deleting; the engine refuses to replace a native resource that still
       * names its import id, except on a rename, which imports it again and warns the same way.
       */
      const kept = (run: Run, what: string, name: string, refused: boolean) => async () => {
        expect(run.writes, `${what}: no POST, no DELETE`).to.deep.equal([]);
        expect(
          s.emu.webhooks().map((w) => w.webhook_id),
          `${what}: the webhook is still registered`,
        ).to.deep.equal([id]);
        expect(await s.idOf(name), `${what}: the state holds it`).to.equal(id);
        expect(await s.drift(), what).to.deep.equal([]);
        if (refused)
          expect(run.output, what).to.include("previously-imported resources that still specify an ID may not be replaced");
        else expect(run.output, what).to.include(`Rekko webhook ${id} was not deleted`);
      };
      const native = s.face.name === "native";
      await kept(await s.up({ replace: ["legacy"], fails: native }), "up --replace", "legacy", native)();
      await s.cli(["state", "taint", s.urn("legacy"), "--yes"]);
      await kept(await s.up({ fails: native }), "a taint", "legacy", native)();
      if (native) await s.cli(["state", "untaint", s.urn("legacy"), "--yes"]);
      await s.declare([{ ...adopted, name: "moved" }]);
      await kept(await s.up(), "a rename without alias", "moved", false)();
    },
  },
];
