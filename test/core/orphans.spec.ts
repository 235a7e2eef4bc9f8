import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "chai";
import { RekkoConfigError } from "../../provider/core/errors";
import {
  deleteUnmanagedWebhooks,
  findUnmanagedWebhooks,
  WEBHOOK_RESOURCE_TYPE,
  webhooksInState,
} from "../../provider/core/orphans";
import { RateLimiter } from "../../provider/core/rateLimit";
import { RekkoEmulator } from "../../provider/testing";

const KEY = "rk_pro_orphans_test_key_000001";
const ROOT = resolve(__dirname, "..", "..");
const fast = { limiter: new RateLimiter(100_000), sleep: async () => {} };
const urn = (name: string) => `urn:pulumi:dev::p::${WEBHOOK_RESOURCE_TYPE}::${name}`;

/** A `pulumi stack export` with these webhook resources and pending creates. */
function exported(
  resources: { name: string; id: string; url: string; events: string[] }[],
  pending: { name: string; url: string; events: string[]; id?: string; type?: string }[] = [],
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
          urn: urn(r.name),
          type: WEBHOOK_RESOURCE_TYPE,
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
          urn: urn(p.name),
          type: WEBHOOK_RESOURCE_TYPE,
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
      expect(s.resources).to.deep.equal([{ urn: urn("a"), id: "wh-1", url: "https://x.example/a", events: ["price_shift"] }]);
      expect(s.pendingCreates).to.deep.equal([{ urn: urn("b"), url: "https://x.example/b", events: ["whale_alert"] }]);
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
    expect(parsed.pendingCreates).to.deep.equal([{ urn: urn("c"), id: c, ...{ url: hook(2).url, events: hook(2).events } }]);
    const found = await findUnmanagedWebhooks({ state, ...opts() });
    expect(found.managed.map((w) => w.webhook_id)).to.have.members([a, b]);
    expect(found.unmanaged.map((w) => w.webhook_id)).to.have.members([c, dup]);
    expect(found.unmanaged.find((w) => w.webhook_id === c)?.pendingCreates, "matched by its id").to.deep.equal([urn("c")]);
    expect(found.unmanaged.find((w) => w.webhook_id === dup)?.pendingCreates, "same url and events, another id").to.deep.equal(
      [],
    );
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
    expect((error as Error).message).to.match(/holds no RekkoWebhook and no pending create.*--allow-empty-state/);
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
    const cli = (args: string[], input: string | undefined, env: Record<string, string | undefined>) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
        const child = spawn(process.execPath, ["-r", "tsx/cjs", join(ROOT, "provider", "cli", "orphans.ts"), ...args], {
          cwd: ROOT,
          env: { PATH: process.env.PATH, ...env },
          stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => {
          stdout += c;
        });
        child.stderr.on("data", (c: Buffer) => {
          stderr += c;
        });
        child.on("error", fail);
        child.on("close", (code) => done({ code, stdout, stderr }));
        child.stdin.end(input ?? "");
      });
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
