/**
 * The native `rekko` provider's logic on plain values: one table from type tokens to what
 * they do, each a thin adapter over the core {@link WebhookSession} (same validation, replace
 * rules, client, errors and messages as the dynamic `RekkoWebhook`). The gRPC framing lives in
 * server.ts; the component in component.ts.
 */
import { RekkoConfigError } from "../core/errors";
import { EVENT_TYPES, isEventType } from "../core/events";
import { type WebhookOutputs, WebhookSession } from "../core/session";
import { missingKeyError, type RawSettings, resolveSettings } from "../core/settings";
import {
  NATIVE_GET_WEBHOOKS as GET_WEBHOOKS,
  NATIVE_WEBHOOK as WEBHOOK,
  NATIVE_WEBHOOK_WITH_SECRET as WEBHOOK_WITH_SECRET,
} from "../core/types";
import type { CheckFailure } from "../core/validation";
import { engineCheckFailures } from "../dynamic/checkFailures";
import { hide, isUnknown, revealProps } from "./protocol";

type Props = Record<string, unknown>;

/** The type tokens of the webhook resource and the component, and the lookup's token (core/types). */
export {
  NATIVE_GET_WEBHOOKS as GET_WEBHOOKS,
  NATIVE_WEBHOOK as WEBHOOK,
  NATIVE_WEBHOOK_WITH_SECRET as WEBHOOK_WITH_SECRET,
} from "../core/types";

/** Provider configuration keys, as in the schema's `config.variables`. */
const CONFIG_KEYS = ["apiKey", "baseUrl", "maxRequestsPerMinute"] as const;
/** Properties the schema marks secret. */
const SECRET_INPUTS = ["secret"];
const SECRET_CONFIG = ["apiKey"];

/** What `diff` answers. */
export interface DiffAnswer {
  changes: boolean;
  replaces: string[];
}

function unknownType(type: string): Error {
  return new Error(`The rekko provider has no resource type ${type}; it has ${WEBHOOK} and ${WEBHOOK_WITH_SECRET}.`);
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
 * The import rule. Rekko never returns a secret, so an imported webhook's state holds none
 * (no `secret` output at all, unlike a webhook registered without one, whose `secret` is "").
 * Declaring one afterwards would register a new webhook signed with it: refused, with the way
 * to do that on purpose. Never a silent rotation.
 */
function importedSecretProblem(olds: Props, news: Props, id: string): string | undefined {
  if ("secret" in olds || news.secret === undefined || news.secret === null || news.secret === "") return undefined;
  return `secret: webhook ${id} was imported, and Rekko never returns a webhook's secret, so the one declared cannot be compared with the registered one; applying it would register a new webhook signed with it. Remove secret to keep the imported webhook as it is, or run \`pulumi up --replace <urn of this webhook>\` to register a new one with the declared secret (created before the old one is deleted).`;
}

/** The native provider: configuration, the webhook resource and the lookup. */
export class RekkoNativeProvider {
  private session = new WebhookSession();

  /** Configure: the provider's own arguments (stack config `rekko:*` or an explicit provider's inputs). */
  configure(config: Props): void {
    this.session = new WebhookSession(rawSettings(config));
  }

  /** CheckConfig: the settings rules, with no network; the key is kept secret. */
  checkConfig(news: Props): { inputs: Props; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const plain = revealProps(news);
    try {
      const s = resolveSettings(rawSettings(news));
      if (!s.apiKey && !isUnknown(plain.apiKey)) failures.push({ property: "apiKey", reason: missingKeyError().message });
    } catch (err) {
      if (!(err instanceof RekkoConfigError)) throw err;
      failures.push({ property: err.setting?.replace(/^rekko:/, "") ?? "", reason: err.message });
    }
    return { inputs: hide(plain, SECRET_CONFIG), failures };
  }

  /** DiffConfig: a changed setting updates the provider in place; it never replaces webhooks. */
  diffConfig(olds: Props, news: Props): DiffAnswer {
    const a = revealProps(olds);
    const b = revealProps(news);
    const changes = CONFIG_KEYS.some((k) => isUnknown(b[k]) || JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    return { changes, replaces: [] };
  }

  /**
   * Check: the core validation, with no network; failures about url and secret go without a
   * property name, as the dynamic resource's do, so the engine never prints those values.
   */
  check(type: string, news: Props): { inputs: Props; failures: CheckFailure[] } {
    if (type !== WEBHOOK) throw unknownType(type);
    const { inputs, failures } = this.session.check(revealProps(news), isUnknown);
    return { inputs: hide(inputs, SECRET_INPUTS), failures: engineCheckFailures(failures) };
  }

  /**
   * Diff: the core session's diff (replace rules, create-before-delete, the key check, a
   * disabled webhook), then the import rule above; warnings go to stderr, which the engine
   * shows among the diagnostics, as the dynamic provider's do.
   */
  diff(type: string, id: string, olds: Props, news: Props): DiffAnswer {
    if (type !== WEBHOOK) throw unknownType(type);
    const before = revealProps(olds);
    const after = revealProps(news);
    const plan = this.session.diff(id, before, after, isUnknown);
    const problem = importedSecretProblem(before, after, id);
    if (problem) throw new RekkoConfigError(problem);
    for (const warning of plan.warnings) process.stderr.write(`warning: ${warning}\n`);
    return { changes: plan.replaces.length > 0, replaces: plan.replaces };
  }

  /** Create: one POST (an unanswered one is reconciled through the list by the core session). */
  async create(type: string, inputs: Props): Promise<{ id: string; outs: Props }> {
    if (type !== WEBHOOK) throw unknownType(type);
    const plain = revealProps(inputs);
    const { id, outs } = await this.session.create({
      url: plain.url as string,
      events: plain.events as string[],
      ...(typeof plain.secret === "string" && plain.secret !== "" ? { secret: plain.secret } : {}),
      ...(typeof plain.replaceWhenDisabled === "boolean" ? { replaceWhenDisabled: plain.replaceWhenDisabled } : {}),
    });
    return { id, outs: hide({ ...outs }, SECRET_INPUTS) };
  }

  /**
   * Read (refresh and `pulumi import`): the shared list. Without prior state (import), the
   * inputs come from the API, so the generated declaration matches it; no secret is known.
   */
  async read(type: string, id: string, props: Props): Promise<{ id: string; props?: Props; inputs?: Props }> {
    if (type !== WEBHOOK) throw unknownType(type);
    const old = revealProps(props);
    const found = await this.session.read(id, old);
    if (!found.props || !found.inputs) return { id: "" };
    const outs: Partial<WebhookOutputs> = { ...found.props };
    if (!("secret" in old)) delete outs.secret;
    return { id: found.id, props: hide(outs, SECRET_INPUTS), inputs: hide({ ...found.inputs }, SECRET_INPUTS) };
  }

  /** Update: no API call (every change replaces); keeps the outputs, as the core session does. */
  async update(type: string, id: string, olds: Props): Promise<Props> {
    if (type !== WEBHOOK) throw unknownType(type);
    return hide(await this.session.update(id, revealProps(olds)), SECRET_INPUTS);
  }

  /** Delete: DELETE; already gone is success. */
  async delete(type: string, id: string, props: Props): Promise<void> {
    if (type !== WEBHOOK) throw unknownType(type);
    const { warnings } = await this.session.delete(id, revealProps(props));
    for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  }

  /** Invoke `rekko:index:getWebhooks`: one list call, filtered by url and event. */
  async invoke(token: string, args: Props): Promise<{ outputs?: Props; failures: CheckFailure[] }> {
    if (token !== GET_WEBHOOKS) throw new Error(`The rekko provider has no function ${token}; it has ${GET_WEBHOOKS}.`);
    const { url, event } = revealProps(args);
    if (event !== undefined && event !== null && !isEventType(event)) {
      const reason = `event is ${JSON.stringify(event)}, which is not a Rekko event type. Use one of: ${EVENT_TYPES.join(", ")}.`;
      return { failures: [{ property: "event", reason }] };
    }
    const all = await this.session.api().listWebhooks();
    const matching = all.filter((w) => (url == null || w.url === url) && (event == null || w.events.includes(event)));
    const webhooks = matching.map((w) => ({
      webhookId: w.webhook_id,
      url: w.url,
      events: w.events,
      enabled: w.enabled,
      failureCount: w.failure_count,
      createdAt: w.created_at,
    }));
    return { outputs: { webhooks, ids: webhooks.map((w) => w.webhookId) }, failures: [] };
  }
}
