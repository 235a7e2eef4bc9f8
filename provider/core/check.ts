/** check of a webhook resource: the settings first, then the inputs; no network. */
import { RekkoConfigError } from "./errors";
import { missingKeyError, type Settings } from "./settings";
import { type CheckContext, type CheckFailure, checkInputs } from "./validation";

/**
 * Validates and normalises a webhook's inputs ({@link checkInputs}) with the settings they
 * depend on (a loopback receiver is allowed only against a loopback API). A settings problem
 * (bad base URL or rate, missing key) is a failure under the setting's name (the error's
 * `setting` field), so it shows at preview time; a `replaceWhenDisabled` that is no boolean too.
 */
export function checkWebhook(
  news: Record<string, unknown>,
  settings: () => Settings,
  isPending?: CheckContext["isPending"],
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  let s: Settings;
  try {
    s = settings();
  } catch (err) {
    if (!(err instanceof RekkoConfigError)) throw err;
    return { inputs: news, failures: [{ property: err.setting ?? "", reason: err.message }] };
  }
  const result = checkInputs(news, { allowLocalReceivers: s.local, ...(isPending ? { isPending } : {}) });
  if (!s.apiKey) result.failures.push({ property: "rekko:apiKey", reason: missingKeyError().message });
  const opt = news.replaceWhenDisabled;
  if (opt !== undefined && opt !== null && typeof opt !== "boolean" && !isPending?.(opt)) {
    result.failures.push({
      property: "replaceWhenDisabled",
      reason: `replaceWhenDisabled must be true or false, got a ${typeof opt}. Omit it to replace a webhook Rekko disabled.`,
    });
  }
  return result;
}
