/** The emulator's webhook storage: per-key ownership (keys held only as hashes) and the optional state file. */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { WebhookInfo } from "../../core/client";
import { apiTimestamp } from "./clock";
import { maskKey } from "./requestLog";

/** A stored webhook, secret included (the API never returns it; the control surface does). */
export interface EmulatedWebhook extends WebhookInfo {
  secret: string;
  /** The owning key, masked. */
  key: string;
}

/** A webhook as stored: with the SHA-256 of its owner's key. */
export interface StoredWebhook extends EmulatedWebhook {
  owner: string;
}

/** Keys are held only as hashes, in memory and in the state file. */
export function ownerOf(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The fields of a stored webhook the API returns (never the secret or the owner). */
export function publicInfo(w: EmulatedWebhook): WebhookInfo {
  return {
    webhook_id: w.webhook_id,
    url: w.url,
    events: [...w.events],
    enabled: w.enabled,
    failure_count: w.failure_count,
    created_at: w.created_at,
  };
}

function isStoredWebhook(w: unknown): w is StoredWebhook {
  const x = w as Partial<StoredWebhook> | null;
  return (
    !!x &&
    typeof x === "object" &&
    typeof x.webhook_id === "string" &&
    typeof x.url === "string" &&
    Array.isArray(x.events) &&
    x.events.every((e) => typeof e === "string") &&
    typeof x.enabled === "boolean" &&
    typeof x.failure_count === "number" &&
    typeof x.created_at === "string" &&
    typeof x.secret === "string" &&
    typeof x.owner === "string"
  );
}

/** Stored webhooks; with a `file`, every change is written to it atomically (0600). */
export class WebhookStore {
  private readonly hooks = new Map<string, StoredWebhook>();

  /** `now` is the emulator's clock (ms since the epoch): it stamps `created_at`. */
  constructor(
    private readonly file?: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Loads the state file when there is one. A missing file is an empty store; a file that is
   * not the emulator's state (bad JSON, wrong shape) throws, naming the file: starting empty
   * would overwrite it at the first change.
   */
  load(): void {
    if (!this.file) return;
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new Error(`rekko-emulator: cannot read the state file ${this.file}: ${(err as Error).message}`);
    }
    let saved: unknown;
    try {
      saved = JSON.parse(text);
    } catch (err) {
      throw new Error(
        `rekko-emulator: the state file ${this.file} is not valid JSON (${(err as Error).message}); move it away or fix it.`,
      );
    }
    const list = (saved as { webhooks?: unknown } | null)?.webhooks;
    if (!saved || typeof saved !== "object" || !Array.isArray(list) || !list.every(isStoredWebhook)) {
      throw new Error(
        `rekko-emulator: the state file ${this.file} is not an emulator state ({"webhooks": [...]}); move it away or fix it.`,
      );
    }
    for (const w of list) this.hooks.set(w.webhook_id, w);
  }

  private save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    // A fresh name opened exclusively: nothing planted at a guessable name (a link) is written through.
    const tmp = `${this.file}.${randomBytes(8).toString("hex")}.tmp`;
    const fd = openSync(tmp, "wx", 0o600);
    try {
      try {
        writeFileSync(fd, JSON.stringify({ webhooks: [...this.hooks.values()] }, null, 2));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  }

  /** Every stored webhook (live objects: delivery updates their counters, then calls {@link changed}). */
  all(): StoredWebhook[] {
    return [...this.hooks.values()];
  }

  /** The webhooks of a key. */
  ownedBy(key: string): StoredWebhook[] {
    const owner = ownerOf(key);
    return this.all().filter((w) => w.owner === owner);
  }

  /** Registers a webhook for a key; returns it. */
  create(key: string, fields: { url: string; events: string[]; secret: string }): StoredWebhook {
    const hook: StoredWebhook = {
      webhook_id: `wh-${randomBytes(6).toString("hex")}`,
      url: fields.url,
      events: fields.events,
      enabled: true,
      failure_count: 0,
      created_at: apiTimestamp(this.now()),
      secret: fields.secret,
      key: maskKey(key) ?? "",
      owner: ownerOf(key),
    };
    this.hooks.set(hook.webhook_id, hook);
    this.save();
    return hook;
  }

  /** Deletes a key's webhook and returns it; undefined when the key has no webhook with that id. */
  delete(key: string, id: string): StoredWebhook | undefined {
    const hook = this.hooks.get(id);
    if (!hook || hook.owner !== ownerOf(key)) return undefined;
    this.hooks.delete(id);
    this.save();
    return hook;
  }

  /** Writes the state after webhooks were changed in place. */
  changed(): void {
    this.save();
  }

  clear(): void {
    this.hooks.clear();
    this.save();
  }
}
