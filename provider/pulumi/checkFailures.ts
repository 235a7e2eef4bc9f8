/**
 * How check failures reach the engine. For a failure that names a property, the engine prints
 * that input's value (`<type> resource 'x': property url value {https://user:pw@…} has a
 * problem: …`): in clear for a plain string, and a secret only while the whole value matches.
 * A url may carry user:password or a token, and a `secret` may have been given as a plain
 * string, so failures about those inputs go without a property name: the engine then prints
 * `<type> resource 'x' has a problem: <reason>`, and the reason names the input itself (every
 * reason from core/validation starts with the input's name and never repeats its value).
 */
import { RekkoConfigError } from "../core/errors";
import type { CheckFailure } from "../core/validation";

/** Inputs whose value the engine must never print in a check failure. */
export const UNPRINTABLE_INPUTS: readonly string[] = ["url", "secret"];

/** The failures as the engine gets them: those about {@link UNPRINTABLE_INPUTS} without a property name. */
export function engineCheckFailures(failures: readonly CheckFailure[]): CheckFailure[] {
  return failures.map((f) => (UNPRINTABLE_INPUTS.includes(f.property) ? { property: "", reason: f.reason } : f));
}

/** The provider settings, as the schema's `config.variables` names them. */
export const SETTINGS = ["apiKey", "baseUrl", "maxRequestsPerMinute"] as const;
/** A provider setting. */
export type SettingName = (typeof SETTINGS)[number];

/** The setting a settings error is about (the error's own `setting`, without `rekko:`); undefined when none is named. */
export function settingOf(err: RekkoConfigError): SettingName | undefined {
  return SETTINGS.find((k) => err.setting === `rekko:${k}`);
}

/**
 * Settings whose value the engine must never print in a check failure: a base url may carry
 * user:password (refused, but the engine would print it with the failure).
 */
export const UNPRINTABLE_SETTINGS: readonly SettingName[] = ["baseUrl"];

/**
 * A settings error (bad `rekko:baseUrl`, missing key) as the provider configuration's check
 * failure: under the setting's name, except for {@link UNPRINTABLE_SETTINGS}, which go without
 * one (every settings message starts with `rekko:<setting>`, so the reason still names it).
 * Anything else is rethrown.
 */
export function settingsCheckFailure(err: unknown): CheckFailure {
  if (!(err instanceof RekkoConfigError)) throw err;
  const setting = settingOf(err) ?? "baseUrl";
  return { property: UNPRINTABLE_SETTINGS.includes(setting) ? "" : setting, reason: err.message };
}
