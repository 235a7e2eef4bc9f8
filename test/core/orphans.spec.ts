import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoConfigError } from "../../provider/core/errors";
import {
  deleteUnmanagedWebhooks,
  findUnmanagedWebhooks,
  WEBHOOK_RESOURCE_TYPE,
  webhooksInState,
} from "../../provider/core/orphans";
import { RateLimiter } from "../../provider/core/rateLimit";
import { NATIVE_WEBHOOK, NATIVE_WEBHOOK_WITH_SECRET } from "../../provider/core/types";
import { RekkoEmulator } from "../../provider/testing";
import { runCli } from "../cli/run";

const KEY = "rk_pro_orphans_test_key_000001";
const fast = { limiter: new RateLimiter(100_000), sleep: async () => {} };
const urn = (name: string, type = WEBHOOK_RESOURCE_TYPE) => `urn:pulumi:dev::p::${type}::${name}`;

/** A `pulumi stack export` with these webhook resources (dynamic unless a `type` is given) and pending creates. */
function exported(
  resources: { name: string; id: string; url: string; events: string[]; type?: string }[],
  pending: { name: string; url: string; events: string[]; id?: string; type?: string; resourceType?: string }[] = [],
) {
  return JSON.stringify({
    version: 3,
    deployment: {
      manifest: { version: "v3.276.0" },
      resources: [
        { urn: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", type: "pulumi:pulumi:Stack" },
        {
          urn: "urn:pulumi:dev::p::pulumi:providers:pulumi-nodejs::default",
          type: "pulumi:providers:pulumi-nodejs",
          id: "wh-notawebhook",
        },
        ...resources.map((r) => ({
          urn: urn(r.name, r.type),
          type: r.type ?? WEBHOOK_RESOURCE_TYPE,
          id: r.id,
          inputs: { url: r.url, events: r.events, __provider: "…" },
          outputs: {
            webhookId: r.id,
            url: r.url,
            events: r.events,
            secret: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:x" },
          },
        })),
      ],
      pending_operations: pending.map((p) => ({
        resource: {
          urn: urn(p.name, p.resourceType),
          type: p.resourceType ?? WEBHOOK_RESOURCE_TYPE,
          inputs: { url: p.url, events: p.events },
          ...(p.id ? { id: p.id } : {}),
        },
        type: p.type ?? "creating",
      })),
    },
  });
}

describe("orphans: webhooks registered with the API but held by no stack", () => {
  let emu: RekkoEmulator;
  let ids: string[];
  const hook = (i: number) => ({
    url: `https://hooks.example.com/o${i}`,
    events: ["whale_alert"],
    secret: `orphan-secret-${i}-0123456789`,
  });
  const register = async (i: number) => {
    const r = await fetch(`${emu.url}/v1/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify(hook(i)),
    });
    return ((await r.json()) as { webhook_id: string }).webhook_id;
  };
  const opts = () => ({ apiKey: KEY, baseUrl: emu.url, clientOptions: fast });

  beforeEach(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [KEY] });
    ids = [await register(0), await register(1), await register(2), await register(1)];
  });
  afterEach(() => emu.stop());

  it("reads ids, declared url/events and pending creates from an export, a checkpoint or a bare deployment", () => {
    const text = exported(
      [{ name: "a", id: "wh-1", url: "https://x.example/a", events: ["price_shift"] }],
      [{ name: "b", url: "https://x.example/b", events: ["whale_alert"] }],
    );
    const deployment = (JSON.parse(text) as { deployment: Record<string, unknown> }).deployment;
    for (const input of [text, JSON.parse(text), deployment, { version: 3, checkpoint: { latest: deployment } }]) {
      const s = webhooksInState(input);
      expect([...s.ids]).to.deep.equal(["wh-1"]);
      expect(s.resources).to.deep.equal([
        { urn: urn("a"), type: WEBHOOK_RESOURCE_TYPE, id: "wh-1", url: "https://x.example/a", events: ["price_shift"] },
      ]);
      expect(s.pendingCreates).to.deep.equal([
        { urn: urn("b"), type: WEBHOOK_RESOURCE_TYPE, url: "https://x.example/b", events: ["whale_alert"] },
      ]);
    }
    expect([...webhooksInState({ version: 3, checkpoint: { latest: null } }).ids]).to.deep.equal([]);
  });

  it("refuses what is not a stack export, saying what to pass", () => {
    expect(() => webhooksInState("{not json")).to.throw(RekkoConfigError, /is not JSON.*pulumi stack export/);
    expect(() => webhooksInState('{"hello":1}')).to.throw(RekkoConfigError, /does not look like `pulumi stack export`/);
    expect(() => webhooksInState("[]")).to.throw(RekkoConfigError);
  });

  it("lists the unmanaged webhooks, marking interrupted creates and duplicates, and the ids the API lost", async () => {
    const [a, b, c, dup] = ids;
    const state = exported(
      [
        { name: "a", id: a ?? "", ...hook(0) },
        { name: "b", id: b ?? "", ...hook(1) },
        { name: "gone", id: "wh-000000000000", ...hook(9) },
      ],
      [{ name: "c", ...hook(2) }],
    );
    const before = emu.requests().length;
    const found = await findUnmanagedWebhooks({ state, ...opts() });
    expect(found.managed.map((w) => w.webhook_id)).to.have.members([a, b]);
    expect(found.unmanaged.map((w) => w.webhook_id)).to.have.members([c, dup]);
    expect(found.unmanaged.find((w) => w.webhook_id === c)?.pendingCreates).to.deep.equal([urn("c")]);
    expect(found.unmanaged.find((w) => w.webhook_id === dup)?.duplicateOf).to.deep.equal([urn("b")]);
    expect(found.missing).to.deep.equal(["wh-000000000000"]);
    expect(
      emu
        .requests()
        .slice(before)
        .map((r) => `${r.method} ${r.path}`),
    ).to.deep.equal(["GET /v1/webhooks"]);
  });

  it("lists the webhook of a pending create whose id the state already holds (the record recovery drops), but keeps an update's", async () => {
    // The engine keeps the resource it is creating by reference: a checkpoint saved by another
    // step after the API answered carries the id while the create is still pending. After a
    // SIGKILL, `pulumi refresh --clear-pending-creates` drops that record and the id with it.
    const [a, b, c, dup] = ids;
    const state = exported(
      [{ name: "a", id: a ?? "", ...hook(0) }],
      [
        { name: "c", id: c ?? "", ...hook(2) },
        { name: "b", id: b ?? "", ...hook(1), type: "updating" },
      ],
    );
    const parsed = webhooksInState(state);
    expect([...parsed.ids]).to.have.members([a, b]);
    expect(parsed.pendingCreates).to.deep.equal([
      { urn: urn("c"), type: WEBHOOK_RESOURCE_TYPE, id: c, ...{ url: hook(2).url, events: hook(2).events } },
    ]);
    const found = await findUnmanagedWebhooks({ state, ...opts() });
    expect(found.managed.map((w) => w.webhook_id)).to.have.members([a, b]);
    expect(found.unmanaged.map((w) => w.webhook_id)).to.have.members([c, dup]);
    expect(found.unmanaged.find((w) => w.webhook_id === c)?.pendingCreates, "matched by its id").to.deep.equal([urn("c")]);
    expect(found.unmanaged.find((w) => w.webhook_id === dup)?.pendingCreates, "same url and events, another id").to.deep.equal(
      [],
    );
  });

  it("knows every webhook type the package registers: a state of native webhooks holds them, and nothing of theirs is deleted", async () => {
    const [a, b, c, dup] = ids;
    // rekko:Webhook from YAML, and the rekko:index:Webhook child of a native WebhookWithSecret.
    const child = `urn:pulumi:dev::p::${NATIVE_WEBHOOK_WITH_SECRET}$${NATIVE_WEBHOOK}::b`;
    const state = JSON.parse(
      exported(
        [
          { name: "a", id: a ?? "", ...hook(0), type: NATIVE_WEBHOOK },
          { name: "b", id: b ?? "", ...hook(1), type: NATIVE_WEBHOOK },
        ],
        [{ name: "c", ...hook(2), type: "updating", id: c ?? "", resourceType: NATIVE_WEBHOOK }],
      ),
    ) as { deployment: { resources: { urn: string; type: string }[] } };
    const resources = state.deployment.resources;
    resources.push({ urn: `urn:pulumi:dev::p::${NATIVE_WEBHOOK_WITH_SECRET}::b`, type: NATIVE_WEBHOOK_WITH_SECRET });
    const second = resources.find((r) => r.urn === urn("b", NATIVE_WEBHOOK));
    if (second) second.urn = child;
    const parsed = webhooksInState(state);
    expect(parsed.resources.map((r) => [r.type, r.id])).to.deep.equal([
      [NATIVE_WEBHOOK, a],
      [NATIVE_WEBHOOK, b],
    ]);
    expect([...parsed.ids]).to.have.members([a, b, c]);
    const done = await deleteUnmanagedWebhooks({ state, dryRun: false, ...opts() });
    expect(done.managed.map((w) => w.webhook_id)).to.have.members([a, b, c]);
    expect(done.deleted).to.deep.equal([dup]);
    expect(done.unmanaged.find((w) => w.webhook_id === dup)?.duplicateOf).to.deep.equal([child]);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.have.members([a, b, c]);
  });

  it("keeps a webhook an interrupted create accounts for (by its id, or by url and events) unless includeInterrupted", async () => {
    const [a, b, c, dup] = ids;
    // c: the pending create holds its id (answered, not yet recorded); dup: a create that holds none.
    const state = exported(
      [{ name: "a", id: a ?? "", ...hook(0) }],
      [
        { name: "c", id: c ?? "", ...hook(2) },
        { name: "d", ...hook(1), resourceType: NATIVE_WEBHOOK },
      ],
    );
    const kept = await deleteUnmanagedWebhooks({ state, dryRun: false, ...opts() });
    expect(kept.unmanaged.find((w) => w.webhook_id === dup)?.pendingCreates).to.deep.equal([urn("d", NATIVE_WEBHOOK)]);
    expect(kept.deleted).to.deep.equal([]);
    expect(kept.keptInterrupted).to.have.members([b, c, dup]);
    expect(emu.webhooks()).to.have.length(4);
    let error: Error | undefined;
    await deleteUnmanagedWebhooks({ state, dryRun: false, ids: [c ?? ""], ...opts() }).catch((e: Error) => {
      error = e;
    });
    expect(error?.message).to.match(/Refusing to delete wh-.*a pending create.*may still record it.*--include-interrupted/);
    const one = await deleteUnmanagedWebhooks({ state, dryRun: false, ids: [c ?? ""], includeInterrupted: true, ...opts() });
    expect(one.deleted).to.deep.equal([c]);
    const all = await deleteUnmanagedWebhooks({ state, dryRun: false, includeInterrupted: true, ...opts() });
    expect(all.deleted).to.have.members([b, dup]);
    expect(all.keptInterrupted).to.deep.equal([]);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.deep.equal([a]);
  });

  it("matches duplicates and interrupted creates by url as the API may normalise it (host case, default port, empty path)", async () => {
    const normalising = await RekkoEmulator.start({ apiKeys: [KEY], normalizeUrls: true });
    try {
      const made = async (url: string) =>
        (
          (await (
            await fetch(`${normalising.url}/v1/webhooks`, {
              method: "POST",
              headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
              body: JSON.stringify({ url, events: ["whale_alert"] }),
            })
          ).json()) as { webhook_id: string; url: string }
        ).webhook_id;
      const held = await made("https://Hooks.Example.com:443");
      const dup = await made("https://HOOKS.example.com");
      const interrupted = await made("https://hooks.example.com:443/p");
      const state = exported(
        [{ name: "a", id: held, url: "https://Hooks.Example.com:443", events: ["whale_alert"] }],
        [{ name: "p", url: "https://Hooks.EXAMPLE.com/p", events: ["whale_alert"] }],
      );
      const found = await findUnmanagedWebhooks({ state, apiKey: KEY, baseUrl: normalising.url, clientOptions: fast });
      expect(found.unmanaged.find((w) => w.webhook_id === dup)?.duplicateOf).to.deep.equal([urn("a")]);
      expect(found.unmanaged.find((w) => w.webhook_id === interrupted)?.pendingCreates).to.deep.equal([urn("p")]);
    } finally {
      await normalising.stop();
    }
  });

  it("matches a pending create whose url is a secret (not in clear) by its events alone", async () => {
    const [a, b, c, dup] = ids;
    const state = JSON.parse(exported([{ name: "a", id: a ?? "", ...hook(0) }], [{ name: "s", ...hook(1) }])) as {
      deployment: { pending_operations: { resource: { inputs: Record<string, unknown> } }[] };
    };
    const op = state.deployment.pending_operations[0];
    if (op)
      op.resource.inputs.url = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:x" };
    const found = await findUnmanagedWebhooks({ state, ...opts() });
    for (const id of [b, c, dup]) {
      expect(found.unmanaged.find((w) => w.webhook_id === id)?.pendingCreates, id).to.deep.equal([urn("s")]);
    }
  });

  it("takes every stack's export and a url prefix into account", async () => {
    const [a, b, c, dup] = ids;
    const one = exported([{ name: "a", id: a ?? "", ...hook(0) }]);
    const two = exported([{ name: "b", id: b ?? "", ...hook(1) }]);
    const found = await findUnmanagedWebhooks({ state: [one, two], ...opts() });
    expect(found.unmanaged.map((w) => w.webhook_id)).to.have.members([c, dup]);
    const narrowed = await findUnmanagedWebhooks({ state: [one, two], urlPrefixes: ["https://hooks.example.com/o2"], ...opts() });
    expect(narrowed.unmanaged.map((w) => w.webhook_id)).to.deep.equal([c]);
  });

  it("deletes nothing by default (dry run), then only the unmanaged ones", async () => {
    const [a, b, c, dup] = ids;
    const state = exported([
      { name: "a", id: a ?? "", ...hook(0) },
      { name: "b", id: b ?? "", ...hook(1) },
    ]);
    const dry = await deleteUnmanagedWebhooks({ state, ...opts() });
    expect(dry.dryRun).to.equal(true);
    expect(dry.deleted).to.have.members([c, dup]);
    expect(emu.webhooks()).to.have.length(4);
    expect(emu.requests().filter((r) => r.method === "DELETE")).to.deep.equal([]);
    const done = await deleteUnmanagedWebhooks({ state, dryRun: false, ...opts() });
    expect(done.deleted).to.have.members([c, dup]);
    expect(emu.webhooks().map((w) => w.webhook_id)).to.have.members([a, b]);
  });

  it("reports an unmanaged webhook deleted meanwhile as already gone", async () => {
    const [a, b, c, dup] = ids;
    const state = exported([
      { name: "a", id: a ?? "", ...hook(0) },
      { name: "b", id: b ?? "", ...hook(1) },
    ]);
    emu.addFault({
      kind: "status",
      method: "DELETE",
      path: `/v1/webhooks/${c}`,
      status: 404,
      body: { detail: "Webhook not found" },
    });
    const done = await deleteUnmanagedWebhooks({ state, dryRun: false, ...opts() });
    expect(done.alreadyGone).to.deep.equal([c]);
    expect(done.deleted).to.deep.equal([dup]);
  });

  it("refuses to delete when the state holds no webhook at all, or an id that is not unmanaged", async () => {
    const empty = exported([]);
    let error: unknown;
    await deleteUnmanagedWebhooks({ state: empty, dryRun: false, ...opts() }).catch((e) => {
      error = e;
    });
    expect(error).to.be.instanceOf(RekkoConfigError);
    expect((error as Error).message).to.match(/holds no Rekko webhook resource .* and no pending create.*--allow-empty-state/);
    expect(emu.webhooks()).to.have.length(4);
    const [a, , c] = ids;
    const state = exported([{ name: "a", id: a ?? "", ...hook(0) }]);
    await deleteUnmanagedWebhooks({ state, dryRun: false, ids: [a ?? ""], ...opts() }).catch((e) => {
      error = e;
    });
    expect((error as Error).message).to.match(/Refusing to delete wh-.*not among the unmanaged/);
    const one = await deleteUnmanagedWebhooks({ state, dryRun: false, ids: [c ?? ""], ...opts() });
    expect(one.deleted).to.deep.equal([c]);
    const all = await deleteUnmanagedWebhooks({ state: empty, dryRun: false, allowEmptyState: true, ...opts() });
    expect(all.deleted).to.have.length(3);
    expect(emu.webhooks()).to.deep.equal([]);
  });

  it("takes the key and base from REKKO_API_KEY / REKKO_BASE_URL, and says how to set a missing key", async () => {
    const saved = { ...process.env };
    try {
      process.env.REKKO_API_KEY = KEY;
      process.env.REKKO_BASE_URL = emu.url;
      const found = await findUnmanagedWebhooks({ state: exported([]), clientOptions: fast });
      expect(found.unmanaged).to.have.length(4);
      delete process.env.REKKO_API_KEY;
      let error: unknown;
      await findUnmanagedWebhooks({ state: exported([]) }).catch((e) => {
        error = e;
      });
      expect((error as Error).message).to.match(/No Rekko API key is set.*REKKO_API_KEY/);
    } finally {
      process.env.REKKO_API_KEY = saved.REKKO_API_KEY;
      process.env.REKKO_BASE_URL = saved.REKKO_BASE_URL;
      if (saved.REKKO_API_KEY === undefined) delete process.env.REKKO_API_KEY;
      if (saved.REKKO_BASE_URL === undefined) delete process.env.REKKO_BASE_URL;
    }
  });

  describe("the pulumi-rekko-orphans CLI", () => {
    const cli = (args: string[], input: string | undefined, env: Record<string, string>) =>
      runCli("orphans.ts", args, input, env);
    const env = () => ({ REKKO_API_KEY: KEY, REKKO_BASE_URL: emu.url });

    it("lists from standard input, deletes only with --delete, and never prints the key", async function () {
      this.timeout(60_000);
      const [a, b, c, dup] = ids;
      const state = exported([
        { name: "a", id: a ?? "", ...hook(0) },
        { name: "b", id: b ?? "", ...hook(1) },
      ]);
      const listed = await cli([], state, env());
      expect(listed.code, listed.stderr).to.equal(0);
      expect(listed.stdout).to.include("2 webhook(s) registered but not in the state:");
      expect(listed.stdout)
        .to.include(c)
        .and.include(dup)
        .and.include(`duplicate of managed ${urn("b")}`);
      expect(listed.stdout).to.include("Run again with --delete");
      expect(emu.webhooks()).to.have.length(4);
      const dir = mkdtempSync(join(tmpdir(), "orphans-"));
      try {
        writeFileSync(join(dir, "state.json"), state);
        const json = await cli(["--json", join(dir, "state.json")], undefined, env());
        const parsed = JSON.parse(json.stdout) as { unmanaged: { webhook_id: string }[]; dryRun: boolean };
        expect(parsed.dryRun).to.equal(true);
        expect(parsed.unmanaged.map((w) => w.webhook_id)).to.have.members([c, dup]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const deleted = await cli(["--delete"], state, env());
      expect(deleted.code, deleted.stderr).to.equal(0);
      expect(deleted.stdout).to.match(/Deleted 2: /);
      expect(emu.webhooks().map((w) => w.webhook_id)).to.have.members([a, b]);
      const again = await cli([], state, env());
      expect(again.stdout).to.include("No unmanaged webhooks");
      for (const r of [listed, deleted, again]) expect(`${r.stdout}${r.stderr}`).not.to.include(KEY);
    });

    it("keeps webhooks of interrupted creates unless --include-interrupted, names native types, and prints urls without query or credentials", async function () {
      this.timeout(60_000);
      const [a, b, c, dup] = ids;
      const token = await fetch(`${emu.url}/v1/webhooks`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ url: "https://user:pa55w0rd@hooks.example.com/t?token=s3cr3t-query", events: ["price_shift"] }),
      });
      const t = ((await token.json()) as { webhook_id: string }).webhook_id;
      const state = exported(
        [
          { name: "a", id: a ?? "", ...hook(0), type: NATIVE_WEBHOOK },
          { name: "b", id: b ?? "", ...hook(1) },
        ],
        [{ name: "c", id: c ?? "", ...hook(2), resourceType: NATIVE_WEBHOOK }],
      );
      const kept = await cli(["--delete"], state, env());
      expect(kept.code, kept.stderr).to.equal(0);
      expect(kept.stdout).to.include(
        `2 webhook resource(s) (1 ${NATIVE_WEBHOOK}, 1 ${WEBHOOK_RESOURCE_TYPE}) and 1 pending create(s) in the state`,
      );
      expect(kept.stdout).to.include(`from the interrupted create of ${urn("c", NATIVE_WEBHOOK)}`);
      expect(kept.stdout).to.match(new RegExp(`Kept 1 from interrupted creates: ${c}\\..*--include-interrupted`));
      expect(kept.stdout).to.include(`Deleted 2: `).and.include(t).and.include(dup);
      expect(kept.stdout).to.include("https://hooks.example.com/t?…");
      expect(emu.webhooks().map((w) => w.webhook_id)).to.have.members([a, b, c]);
      const json = await cli(["--json", "--include-interrupted"], state, env());
      const parsed = JSON.parse(json.stdout) as { deleted: string[]; unmanaged: { pendingCreates: string[] }[] };
      expect(parsed.deleted, "a dry run with the flag lists it").to.deep.equal([c]);
      const removed = await cli(["--delete", "--include-interrupted"], state, env());
      expect(removed.stdout).to.match(/Deleted 1: /);
      expect(emu.webhooks().map((w) => w.webhook_id)).to.have.members([a, b]);
      for (const r of [kept, json, removed]) expect(`${r.stdout}${r.stderr}`).not.to.match(/s3cr3t|pa55w0rd|token=/);
    });

    it("exits 2 on usage errors and 1 with the fix when the key is missing", async function () {
      this.timeout(60_000);
      const unknown = await cli(["--bogus"], "{}", env());
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr)
        .to.match(/Unknown option '--bogus'/)
        .and.include("Usage: pulumi-rekko-orphans");
      const missing = await cli(["/nonexistent/state.json"], undefined, env());
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.include("cannot read /nonexistent/state.json");
      const noKey = await cli([], exported([]), { REKKO_BASE_URL: emu.url });
      expect(noKey.code).to.equal(1);
      expect(noKey.stderr).to.match(/No Rekko API key is set/);
      const notExport = await cli([], "hello", env());
      expect(notExport.code).to.equal(1);
      expect(notExport.stderr).to.match(/is not JSON/);
    });
  });
});
