/**
 * How a failing resource's error reads in the CLI. The engine prints a provider's error twice:
 * the first line on the resource's progress row, the whole message under Diagnostics. So the
 * message is shaped as one line that names the code, what failed and the fix, then the detail
 * on the lines below: the detail appears once, in the Diagnostics.
 */
import { RekkoError, type RekkoErrorCode } from "../core/errors";

/** The fix for each stable code, in one sentence (the detail below the line may say more). */
const FIX: Readonly<Record<RekkoErrorCode, string>> = {
  ERR_REKKO_CONFIG:
    "Correct the setting it names (`pulumi config set rekko:<setting> <value>`, with --secret for the key, or its REKKO_* variable).",
  ERR_REKKO_AUTH: "Set a valid key: `pulumi config set --secret rekko:apiKey <key>` or REKKO_API_KEY.",
  ERR_REKKO_PLAN: "Use a Pro key (rk_pro_…), or wait for the quota to reset.",
  ERR_REKKO_VALIDATION: "Fix the inputs listed below.",
  ERR_REKKO_RATE_LIMIT: "Lower rekko:maxRequestsPerMinute, or run again later.",
  ERR_REKKO_NOT_FOUND: "Check the webhook id: GET /v1/webhooks lists the key's webhooks.",
  ERR_REKKO_CONFLICT: "Resolve it as described below, then run again.",
  ERR_REKKO_KEY_MISMATCH: "Set the original key back (`pulumi config set --secret rekko:apiKey <key>`) and run `pulumi up`.",
  ERR_REKKO_SERVER: "Run again later.",
  ERR_REKKO_NETWORK: "Check rekko:baseUrl and the network, then run again.",
  ERR_REKKO_RESPONSE: "Check that rekko:baseUrl is the Rekko API's own address.",
  ERR_REKKO_CANCELLED: "Run the deployment again when ready; `pulumi refresh` first if it was interrupted part-way.",
};

/** The first sentence (up to a sentence end followed by a capital, a backtick or a line break) and the rest. */
function splitFirstSentence(text: string): [string, string] {
  const end = /[.!?:](?=\s*\n)|[.!?](?=\s+[A-Z`(])/.exec(text);
  if (!end) return [text.trim(), ""];
  const cut = end.index + 1;
  const rest = text.slice(cut);
  // A list below the line keeps its indentation.
  return [text.slice(0, cut).trim(), (/^[ \t]*\n/.test(rest) ? rest.replace(/^[ \t]*\n/, "") : rest.trimStart()).trimEnd()];
}

/**
 * The message a face gives the engine for an error: for a package error, `<code>: <what
 * failed> <fix>` on the first line and the rest of the message below it; any other error's
 * message as it is.
 */
export function engineMessage(err: unknown): string {
  if (!(err instanceof RekkoError)) return err instanceof Error ? err.message : String(err);
  const [first, rest] = splitFirstSentence(err.message);
  const line = `${err.code}: ${first} ${FIX[err.code]}`;
  return rest === "" ? line : `${line}\n${rest}`;
}
