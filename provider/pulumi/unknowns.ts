/**
 * Values not known yet. In preview the engine sends the same placeholder string to every
 * provider, dynamic or native, for an input that depends on a resource not created yet,
 * whatever the input's declared type.
 */

/** The string the Pulumi engine sends for a value not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True for the preview placeholder. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}
