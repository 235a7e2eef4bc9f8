/**
 * What a Pulumi state holds of Rekko: the webhook ids of every resource type this package
 * registers (from the one table in `types.ts`), what each resource declares, and the creates an
 * interrupted deployment left pending. Reads `pulumi stack export` output; no network.
 */
import { RekkoConfigError } from "./errors";
import { isWebhookType } from "./types";

/** A state: the text of `pulumi stack export`, or its parsed JSON (export, bare deployment or checkpoint file). */
export type StateInput = string | Record<string, unknown>;

/** A webhook create the engine started and never recorded (a `pending_operations` entry of type `creating`). */
export interface PendingCreate {
  urn: string;
  /** The resource's type token. */
  type: string;
  /**
   * The webhook's id, when the create had already been answered when the state was last saved.
   * The engine keeps the resource it is creating by reference, so a checkpoint that another
   * step's write saves after the answer carries the id although the create is still pending.
   * `pulumi refresh --clear-pending-creates` drops that record with the rest.
   */
  id?: string;
  /** The declared url, when it is in the state in clear (not a secret). */
  url?: string;
  /** The declared events, when they are in the state in clear. */
  events?: string[];
}

/** A resource holding a webhook: its urn, type token, id, and declared url and events (when in clear). */
export interface WebhookResource {
  urn: string;
  type: string;
  id: string;
  url?: string;
  events?: string[];
}

/** What one or more states say about webhooks. */
export interface StateWebhooks {
  /**
   * Webhook ids the states hold: resource ids, and ids of pending operations other than creates.
   * A pending create's id is not among them (see {@link PendingCreate.id}).
   */
  ids: Set<string>;
  /** The resources holding a webhook, of every type this package registers (both faces). */
  resources: WebhookResource[];
  /** Creates of an interrupted (or still running) deployment. */
  pendingCreates: PendingCreate[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const plainString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const plainStrings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((e) => typeof e === "string") ? (v as string[]) : undefined;

/** The declared url and events of a resource's properties, those in clear. */
function declared(props: Json): { url?: string; events?: string[] } {
  const url = plainString(props.url);
  const events = plainStrings(props.events);
  return { ...(url !== undefined ? { url } : {}), ...(events ? { events } : {}) };
}

/** The `deployment` of an export, a checkpoint file or a bare deployment. */
function deploymentOf(input: StateInput, index: number): Json {
  let doc: unknown = input;
  if (typeof input === "string") {
    try {
      doc = JSON.parse(input);
    } catch {
      throw new RekkoConfigError(
        `State #${index + 1} is not JSON. Give the output of \`pulumi stack export\` (or \`pulumi stack export --file state.json\`).`,
      );
    }
  }
  if (isObject(doc)) {
    if (isObject(doc.deployment)) return doc.deployment;
    if (isObject(doc.checkpoint)) return isObject(doc.checkpoint.latest) ? doc.checkpoint.latest : {};
    if (Array.isArray(doc.resources) || Array.isArray(doc.pending_operations) || isObject(doc.manifest)) return doc;
  }
  throw new RekkoConfigError(
    `State #${index + 1} does not look like \`pulumi stack export\` output (no "deployment"). Export the stack with \`pulumi stack export\` and pass that.`,
  );
}

/** Reads the webhook ids, resources and pending creates out of one or more states. No network. */
export function webhooksInState(state: StateInput | readonly StateInput[]): StateWebhooks {
  const states: readonly StateInput[] = Array.isArray(state) ? state : [state as StateInput];
  const result: StateWebhooks = { ids: new Set(), resources: [], pendingCreates: [] };
  states.forEach((s, i) => {
    const deployment = deploymentOf(s, i);
    const resources = Array.isArray(deployment.resources) ? deployment.resources : [];
    for (const r of resources) {
      if (!isObject(r) || !isWebhookType(r.type)) continue;
      const id = plainString(r.id);
      if (!id) continue;
      const props = isObject(r.outputs) ? r.outputs : isObject(r.inputs) ? r.inputs : {};
      result.ids.add(id);
      result.resources.push({ urn: String(r.urn ?? ""), type: String(r.type), id, ...declared(props) });
    }
    const pending = Array.isArray(deployment.pending_operations) ? deployment.pending_operations : [];
    for (const op of pending) {
      const r = isObject(op) && isObject(op.resource) ? op.resource : undefined;
      if (!r || !isWebhookType(r.type)) continue;
      const id = plainString(r.id);
      if (op.type !== "creating") {
        // An update, delete or read in flight: its id stays managed.
        if (id) result.ids.add(id);
        continue;
      }
      result.pendingCreates.push({
        urn: String(r.urn ?? ""),
        type: String(r.type),
        ...(id ? { id } : {}),
        ...declared(isObject(r.inputs) ? r.inputs : {}),
      });
    }
  });
  return result;
}
