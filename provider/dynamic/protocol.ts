/**
 * What the Node.js dynamic-provider protocol adds on top of the core rules: the key of the
 * stored provider code, and the `diff` answer built from it.
 */
import { replacedFields } from "../core/diff";
import { isUnknown } from "../pulumi/unknowns";

export { isUnknown, UNKNOWN } from "../pulumi/unknowns";

/** The key under which the Node.js SDK stores the serialized provider. */
export const PROVIDER_KEY = "__provider";

/** What `diff` answers; `changes` is always set (an undefined `changes` makes the engine diff `__provider` itself). */
export interface WebhookDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * The provider's `diff`, with no network: the core replace rules (or `replaces` as the session
 * planned them), create-before-delete so
 * deliveries never stop. A change of the stored provider code alone is an in-place no-op
 * update, which rolls the code forward.
 */
export function diffWebhook(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  replaces: string[] = replacedFields(olds, news, isUnknown),
): WebhookDiff {
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
  const code = news[PROVIDER_KEY];
  const codeChanged = code !== undefined && !isUnknown(code) && olds[PROVIDER_KEY] !== code;
  return { changes: codeChanged, replaces: [], deleteBeforeReplace: false };
}
