/**
 * The key check: a webhook in the state remembers (by its fingerprint) the API key that
 * registered it, and no other key may refresh, update or delete it, because that key's list does
 * not show it and its DELETE answers 404. Pure: no I/O, so it runs before any API call.
 */
import { RekkoKeyMismatchError } from "./errors";
import { fingerprintMatches, isCurrentFingerprint, keyFingerprint } from "./fingerprint";

/** What a different key would do to a webhook it cannot see, by operation. */
const MISMATCH_EFFECT = {
  refresh: "refresh would drop it from the state while it keeps delivering",
  update: "this deployment would lose track of it",
  delete: "delete would count it as already gone while it keeps delivering",
} as const;

/** The operations the key check guards. */
export type KeyCheckedOperation = keyof typeof MISMATCH_EFFECT;

/**
 * Throws a {@link RekkoKeyMismatchError} when the fingerprint stored with webhook `id` says
 * another key than `apiKey` registered it. Passes when no key is configured (the call fails
 * later with the missing-key message) and for state from before fingerprints (none stored).
 * Neither fingerprint is printed: with the webhook id, it would let whoever reads the output
 * check a guessed key offline.
 */
export function assertSameKey(id: string, stored: unknown, apiKey: string | undefined, operation: KeyCheckedOperation): void {
  if (apiKey === undefined || fingerprintMatches(stored, apiKey, id) !== false) return;
  throw new RekkoKeyMismatchError(
    `Webhook ${id} was registered with another API key than the configured one (rekko:apiKey or REKKO_API_KEY): ` +
      `the key fingerprint stored with it in the state does not match. That key cannot see or delete it: ` +
      `${MISMATCH_EFFECT[operation]}. Set the original key back (\`pulumi config set --secret rekko:apiKey <key>\`) ` +
      "and run `pulumi up` (refresh and destroy use the key of the last `up`). " +
      "To move the stack to another account, first run `pulumi destroy` with the original key, then switch keys and " +
      "run `pulumi up`; to stop managing the webhook without deleting it, `pulumi state delete <urn>`.",
  );
}

/**
 * The fingerprint to store for webhook `id` under `apiKey`, given the one stored: the current
 * form, so state written with the older `sha256:` form (checked first by {@link assertSameKey})
 * is rewritten at the next refresh or update, with no API call.
 */
export function currentFingerprint(apiKey: string | undefined, id: string, stored?: unknown): string | undefined {
  if (isCurrentFingerprint(stored)) return stored as string;
  return apiKey === undefined ? undefined : keyFingerprint(apiKey, id);
}
