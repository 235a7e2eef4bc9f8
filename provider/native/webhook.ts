/**
 * `rekko:index:Webhook`: each provider method a thin adapter over the core
 * {@link WebhookSession} (same validation, replace rules, client, errors and messages as the
 * dynamic `RekkoWebhook`), on the values of the provider protocol (secret envelopes).
 */
import { RekkoConfigError } from "../core/errors";
import type { WebhookOutputs, WebhookSession } from "../core/session";
import type { CheckFailure } from "../core/validation";
import { engineCheckFailures } from "../pulumi/checkFailures";
import { isUnknown } from "../pulumi/unknowns";
import { hide, revealProps, secretKeys } from "./protocol";

type Props = Record<string, unknown>;

/** What `diff` answers. */
export interface DiffAnswer {
  changes: boolean;
  replaces: string[];
}

/** What `read` answers: a blank id when the resource is gone. */
export interface ReadAnswer {
  id: string;
  props?: Props;
  inputs?: Props;
}

/** What a resource method works with: the provider's session, and a warning to the user about this resource. */
export interface ResourceCall {
  session: WebhookSession;
  warn(message: string): Promise<void>;
}

/** A resource type of the native provider: the protocol's resource methods. */
export interface NativeResource {
  check(call: ResourceCall, news: Props): { inputs: Props; failures: CheckFailure[] };
  diff(call: ResourceCall, id: string, olds: Props, news: Props): Promise<DiffAnswer>;
  create(call: ResourceCall, inputs: Props): Promise<{ id: string; outs: Props }>;
  read(call: ResourceCall, id: string, props: Props, inputs?: Props): Promise<ReadAnswer>;
  update(call: ResourceCall, id: string, olds: Props, news?: Props): Promise<Props>;
  delete(call: ResourceCall, id: string, props: Props): Promise<void>;
}

/** Properties the schema marks secret. */
const SECRET_PROPERTIES = ["secret", "keyFingerprint"];

/** The properties to answer as secrets: the schema's, and every one that arrived secret in `sources`. */
const secretsOf = (...sources: (Props | undefined)[]): string[] => [...SECRET_PROPERTIES, ...secretKeys(...sources)];

/**
 * The import rule. Rekko never returns a secret, so an imported webhook's state holds none
 * (no `secret` output at all, unlike a webhook registered without one, whose `secret` is "").
 * Declaring one afterwards would register a new webhook signed with it: refused, with the way
 * to do that on purpose. Never a silent rotation.
 */
function importedSecretProblem(olds: Props, news: Props, id: string): string | undefined {
  if ("secret" in olds || news.secret === undefined || news.secret === null || news.secret === "") return undefined;
  return `secret: webhook ${id} was imported, and Rekko never returns a webhook's secret, so the one declared cannot be compared with the registered one; applying it would register a new webhook signed with it. Remove secret to keep the imported webhook as it is, or run \`pulumi up --replace <urn of this webhook>\` to register a new one with the declared secret (created before the old one is deleted); remove \`protect: true\` first if the declaration has it, as the one \`pulumi import\` prints does.`;
}

/** The webhook resource. */
export const webhook: NativeResource = {
  /**
   * Check: the core validation, with no network; failures about url and secret go without a
   * property name, as the dynamic resource's do, so the engine never prints those values.
   */
  check({ session }, news) {
    const { inputs, failures } = session.check(revealProps(news), isUnknown);
    return { inputs: hide(inputs, secretsOf(news)), failures: engineCheckFailures(failures) };
  },

  /**
   * Diff: the core session's diff (replace rules, create-before-delete, the key check, a
   * disabled webhook), then the import rule above; its warnings go to the user.
   */
  async diff({ session, warn }, id, olds, news) {
    const before = revealProps(olds);
    const after = revealProps(news);
    const plan = session.diff(id, before, after, isUnknown);
    const problem = importedSecretProblem(before, after, id);
    if (problem) throw new RekkoConfigError(problem);
    for (const warning of plan.warnings) await warn(warning);
    return { changes: plan.replaces.length > 0, replaces: plan.replaces };
  },

  /** Create: one POST (after the session's one list, the core's guard for an unanswered create). */
  async create({ session }, inputs) {
    const plain = revealProps(inputs);
    const { id, outs } = await session.create({
      url: plain.url as string,
      events: plain.events as string[],
      ...(typeof plain.secret === "string" && plain.secret !== "" ? { secret: plain.secret } : {}),
      ...(typeof plain.replaceWhenDisabled === "boolean" ? { replaceWhenDisabled: plain.replaceWhenDisabled } : {}),
    });
    return { id, outs: hide({ ...outs }, secretsOf(inputs)) };
  },

  /**
   * Read (refresh and `pulumi import`): the shared list. Without prior state (import), the
   * inputs come from the API, so the generated declaration matches it; no secret is known.
   * What the old state held secret (outputs or inputs) stays secret, and so does a url with a
   * query read at import (the core's `queryUrlWarning`), which may hold a token.
   */
  async read({ session, warn }, id, props, inputs) {
    const old = revealProps(props);
    const found = await session.read(id, old);
    if (!found.props || !found.inputs) return { id: "" };
    const outs: Partial<WebhookOutputs> = { ...found.props };
    if (!("secret" in old)) delete outs.secret;
    if (found.queryUrlWarning) await warn(found.queryUrlWarning);
    const secrets = [...secretsOf(props, inputs), ...(found.queryUrlWarning ? ["url"] : [])];
    return { id: found.id, props: hide(outs, secrets), inputs: hide({ ...found.inputs }, secrets) };
  },

  /** Update: no API call (every change replaces); keeps the outputs and their secretness, as the core session does. */
  async update({ session }, id, olds, news) {
    return hide(await session.update(id, revealProps(olds)), secretsOf(olds, news));
  },

  /** Delete: DELETE; already gone is success; a webhook this deployment took again is kept, with a warning. */
  async delete({ session, warn }, id, props) {
    const { warnings } = await session.delete(id, revealProps(props));
    for (const warning of warnings) await warn(warning);
  },
};
