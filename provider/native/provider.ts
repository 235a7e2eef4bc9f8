/**
 * The native `rekko` provider's logic on plain values: the provider configuration, and one
 * table from each type token (core/types) to its implementation: the webhook resource
 * (webhook.ts), the lookup function (getWebhooks.ts) and the component (component.ts, loaded
 * only when a program declares one). The gRPC framing lives in server.ts.
 */
import { RekkoKeyMismatchError } from "../core/errors";
import { WebhookSession } from "../core/session";
import { missingKeyError, type RawSettings, resolveSettings } from "../core/settings";
import { NATIVE_GET_WEBHOOKS, NATIVE_WEBHOOK, NATIVE_WEBHOOK_WITH_SECRET } from "../core/types";
import type { CheckFailure } from "../core/validation";
import { SETTINGS, settingsCheckFailure } from "../pulumi/checkFailures";
import { isUnknown } from "../pulumi/unknowns";
import { stderrWarnings, type WarningSink } from "../pulumi/warnings";
import type { ConstructComponent } from "./component";
import { getWebhooks, type InvokeAnswer, type NativeFunction } from "./getWebhooks";
import { hide, revealProps } from "./protocol";
import { type DiffAnswer, type NativeResource, type ReadAnswer, type ResourceCall, webhook } from "./webhook";

export type { DiffAnswer, ReadAnswer } from "./webhook";

type Props = Record<string, unknown>;

/** The resource types: token → implementation. */
const RESOURCES: Readonly<Record<string, NativeResource>> = { [NATIVE_WEBHOOK]: webhook };
/** The functions: token → implementation. */
const FUNCTIONS: Readonly<Record<string, NativeFunction>> = { [NATIVE_GET_WEBHOOKS]: getWebhooks };
/** The components: token → implementation, loaded on first use (it needs the Node.js SDK's runtime and the random provider's SDK). */
const COMPONENTS: Readonly<Record<string, () => ConstructComponent>> = {
  [NATIVE_WEBHOOK_WITH_SECRET]: () => (require("./component") as typeof import("./component")).webhookWithSecret,
};

const SECRET_CONFIG = ["apiKey"];

/** A request the provider cannot serve as asked (an unknown type token, a bad schema version). */
export class RekkoProtocolError extends Error {
  override name = "RekkoProtocolError";
}

/** An error naming what the provider has, for a token it does not. */
function unknownToken(kind: string, token: string, table: object): RekkoProtocolError {
  return new RekkoProtocolError(`The rekko provider has no ${kind} ${token}; it has ${Object.keys(table).join(", ")}.`);
}

/** The provider configuration as plain settings; unknown (preview) values count as unset. */
export function rawSettings(config: Props): RawSettings {
  const plain = revealProps(config);
  const pick = (k: string) => {
    const v = plain[k];
    return v === undefined || v === null || isUnknown(v) ? undefined : typeof v === "number" ? v : String(v);
  };
  const rate = pick("maxRequestsPerMinute");
  return {
    apiKey: pick("apiKey") as string | undefined,
    baseUrl: pick("baseUrl") as string | undefined,
    ...(rate !== undefined ? { maxRequestsPerMinute: rate } : {}),
  };
}

/**
 * Refuses a provider whose API key changed. The webhooks a provider in the state registered are
 * its old key's: the new key can neither see nor delete them, so each of their diffs refuses;
 * but a webhook new in the same deployment would be created under the new key meanwhile, and
 * the stack would then hold webhooks of two keys, which neither key can run. DiffConfig is the
 * one call that sees both keys and comes before every resource step of the provider.
 *
 * DiffConfig sees the provider's inputs only, not whether webhooks were registered with it, so
 * any change of a known key is refused: a provider stays in the state only while resources use
 * it (the engine drops an unused one). A key given by `REKKO_API_KEY` is not in the provider's
 * inputs, so its change is not seen here; the key check of each webhook still refuses it.
 */
function refuseKeySwitch(before: unknown, after: unknown, urn: string): void {
  const known = (k: unknown): k is string => typeof k === "string" && k.trim() !== "" && !isUnknown(k);
  if (!known(before) || !known(after) || before.trim() === after.trim()) return;
  const provider = urn === "" ? "this provider" : `'${urn}'`;
  throw new RekkoKeyMismatchError(
    "The Rekko API key (rekko:apiKey) changed, and the webhooks of this stack were registered with the previous key. " +
      "The new key can neither see nor delete them, and a webhook created under it beside them would leave a stack that " +
      "neither key can run, so nothing was created, updated or deleted. Set the previous key back " +
      "(`pulumi config set --secret rekko:apiKey <key>`) and run `pulumi up`. To move the stack to another account, " +
      "first run `pulumi destroy` with the previous key, then switch keys and run `pulumi up`. If no webhook of the stack " +
      `was registered with the previous key any more (removed with \`pulumi state delete\`), remove the provider the same way: \`pulumi state delete ${provider}\`.`,
  );
}

/** The native provider: configuration, and the type tables over one session. */
export class RekkoNativeProvider {
  private session: WebhookSession;
  /**
   * Answers of the functions in this session, by token and arguments: a lookup lists once per
   * run (each webhook call is billed), whatever the number of callers with the same arguments.
   */
  private invoked = new Map<string, Promise<InvokeAnswer>>();

  /**
   * @param signal aborted when the deployment is cancelled: the API client stops retrying.
   * @param warnings where a warning about the resource at `urn` goes (the engine's log; default stderr).
   */
  constructor(
    private readonly signal?: AbortSignal,
    private readonly warnings: WarningSink = stderrWarnings,
  ) {
    this.session = this.newSession({});
  }

  /** What a method of the resource at `urn` works with. */
  private call(urn: string): ResourceCall {
    return { session: this.session, warn: async (message) => this.warnings(message, urn) };
  }

  private newSession(settings: RawSettings): WebhookSession {
    return new WebhookSession(settings, this.signal ? { signal: this.signal } : {});
  }

  /** Configure: the provider's own arguments (stack config `rekko:*` or an explicit provider's inputs). */
  configure(config: Props): void {
    this.session = this.newSession(rawSettings(config));
    this.invoked = new Map();
  }

  /** CheckConfig: the settings rules, with no network; the key is kept secret. */
  checkConfig(news: Props): { inputs: Props; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const plain = revealProps(news);
    try {
      const s = resolveSettings(rawSettings(news));
      if (!s.apiKey && !isUnknown(plain.apiKey)) failures.push({ property: "apiKey", reason: missingKeyError().message });
    } catch (err) {
      failures.push(settingsCheckFailure(err));
    }
    return { inputs: hide(plain, SECRET_CONFIG), failures };
  }

  /**
   * DiffConfig: a changed setting updates the provider in place; it never replaces webhooks.
   * A changed API key is refused here, before any resource of the deployment is created,
   * updated or deleted ({@link refuseKeySwitch}).
   */
  diffConfig(olds: Props, news: Props, urn = ""): DiffAnswer {
    const a = revealProps(olds);
    const b = revealProps(news);
    refuseKeySwitch(a.apiKey, b.apiKey, urn);
    const changes = SETTINGS.some((k) => isUnknown(b[k]) || JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    return { changes, replaces: [] };
  }

  /** The implementation of a resource type; throws naming the types there are. */
  private resource(type: string): NativeResource {
    const impl = RESOURCES[type];
    if (!impl) throw unknownToken("resource type", type, { ...RESOURCES, ...COMPONENTS });
    return impl;
  }

  /** The implementation of a component type (construct); throws naming the components there are. */
  component(type: string): ConstructComponent {
    const load = COMPONENTS[type];
    if (!load) throw unknownToken("component", type, COMPONENTS);
    return load();
  }

  check(type: string, news: Props, urn = ""): { inputs: Props; failures: CheckFailure[] } {
    return this.resource(type).check(this.call(urn), news);
  }

  async diff(type: string, id: string, olds: Props, news: Props, urn = ""): Promise<DiffAnswer> {
    return this.resource(type).diff(this.call(urn), id, olds, news);
  }

  async create(type: string, inputs: Props, urn = ""): Promise<{ id: string; outs: Props }> {
    return this.resource(type).create(this.call(urn), inputs);
  }

  async read(type: string, id: string, props: Props, inputs?: Props, urn = ""): Promise<ReadAnswer> {
    return this.resource(type).read(this.call(urn), id, props, inputs);
  }

  async update(type: string, id: string, olds: Props, news?: Props, urn = ""): Promise<Props> {
    return this.resource(type).update(this.call(urn), id, olds, news);
  }

  async delete(type: string, id: string, props: Props, urn = ""): Promise<void> {
    return this.resource(type).delete(this.call(urn), id, props);
  }

  /** Invoke a function by token; the same arguments get the same answer for the rest of the session (a failure is not kept). */
  invoke(token: string, args: Props): Promise<InvokeAnswer> {
    const fn = FUNCTIONS[token];
    if (!fn) throw unknownToken("function", token, FUNCTIONS);
    // Keyed by the arguments as sent (secret envelopes included): a secret argument gets secret outputs.
    const key = JSON.stringify([token, Object.entries(args).sort(([a], [b]) => a.localeCompare(b))]);
    const known = this.invoked.get(key);
    if (known) return known;
    const answer = fn(this.session, args);
    this.invoked.set(key, answer);
    answer.catch(() => {
      if (this.invoked.get(key) === answer) this.invoked.delete(key);
    });
    return answer;
  }
}
