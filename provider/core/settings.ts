import { RekkoConfigError } from "./errors";
import { isLoopbackAddress } from "./hosts";

/** The documented production API base. */
export const DEFAULT_BASE_URL = "https://api.rekko.ai";
/** Client-side requests a minute by default: below the Pro plan's 120. */
export const DEFAULT_MAX_REQUESTS_PER_MINUTE = 110;

/** Raw settings, from stack config (`rekko:*`) or the environment. */
export interface RawSettings {
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  maxRequestsPerMinute?: string | number | undefined;
}

/** Settings after validation. */
export interface Settings {
  /** The bearer key; undefined when none is set (an error at the first API call). */
  apiKey: string | undefined;
  /** API base without a trailing slash. */
  baseUrl: string;
  /** True when the API base is a loopback address or `localhost` (the local emulator); never a `*.localhost` name. */
  local: boolean;
  maxRequestsPerMinute: number;
}

const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());

/**
 * Resolves settings: stack config first (`rekko:apiKey`, `rekko:baseUrl`,
 * `rekko:maxRequestsPerMinute`), then `REKKO_API_KEY`, `REKKO_BASE_URL`,
 * `REKKO_MAX_REQUESTS_PER_MINUTE`. The base must be https, or http on a loopback address or `localhost` (not
 * `*.localhost`, which a resolver may send to DNS: the key would travel in clear to whoever answers).
 */
export function resolveSettings(config: RawSettings, env: NodeJS.ProcessEnv = process.env): Settings {
  const apiKey = nonEmpty(config.apiKey) ?? nonEmpty(env.REKKO_API_KEY);
  const base = nonEmpty(config.baseUrl) ?? nonEmpty(env.REKKO_BASE_URL) ?? DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    // Shown without any user:password part (never a credential in a message).
    const shown = base.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, "$1");
    throw new RekkoConfigError(
      `rekko:baseUrl ${JSON.stringify(shown)} is not an absolute URL. Set it to ${DEFAULT_BASE_URL} (the default) or your emulator's http://127.0.0.1:PORT.`,
      { setting: "rekko:baseUrl" },
    );
  }
  if (url.username || url.password) {
    throw new RekkoConfigError("rekko:baseUrl must not carry credentials; set the key with rekko:apiKey or REKKO_API_KEY.", {
      setting: "rekko:baseUrl",
    });
  }
  const local = isLoopbackAddress(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
    throw new RekkoConfigError(
      `rekko:baseUrl ${JSON.stringify(base)} must use https (plain http is allowed only for an emulator on a loopback address or localhost; not *.localhost, which DNS may answer).`,
      { setting: "rekko:baseUrl" },
    );
  }
  const rawRate = config.maxRequestsPerMinute ?? nonEmpty(env.REKKO_MAX_REQUESTS_PER_MINUTE);
  const rate = rawRate === undefined || rawRate === "" ? DEFAULT_MAX_REQUESTS_PER_MINUTE : Number(rawRate);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 100_000) {
    throw new RekkoConfigError(
      `rekko:maxRequestsPerMinute ${JSON.stringify(rawRate)} must be a positive number (default ${DEFAULT_MAX_REQUESTS_PER_MINUTE}).`,
      { setting: "rekko:maxRequestsPerMinute" },
    );
  }
  return { apiKey, baseUrl: url.href.replace(/\/+$/, ""), local, maxRequestsPerMinute: rate };
}

/**
 * {@link resolveSettings} once: the first call resolves `config` (with the environment of that
 * moment); every later call returns the same settings, or throws the same error.
 */
export function settingsOnce(config: RawSettings): () => Settings {
  let resolved: { settings: Settings } | { error: unknown } | undefined;
  return () => {
    if (!resolved) {
      try {
        resolved = { settings: resolveSettings(config) };
      } catch (error) {
        resolved = { error };
      }
    }
    if ("error" in resolved) throw resolved.error;
    return resolved.settings;
  };
}

/** The error for a missing key: one message, both ways to set it. */
export function missingKeyError(): RekkoConfigError {
  return new RekkoConfigError(
    "No Rekko API key is set. Run `pulumi config set --secret rekko:apiKey <key>` in the stack, or set the REKKO_API_KEY environment variable.",
    { setting: "rekko:apiKey" },
  );
}
