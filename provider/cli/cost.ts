/**
 * `pulumi-rekko cost`: what a deployment will cost at Rekko, and whether the account's monthly
 * DEEP quota covers it, from `pulumi preview --json`.
 */
import { RekkoClient } from "../core/client";
import { DEEP_CALL_PRICE_USD, type DeepAccount, deepAccount, deepCalls, deepLeft, type PlanCalls, planCalls } from "../core/cost";
import { resolveSettings } from "../core/settings";
import { parseCommandLine, readInputs, UsageError } from "./input";

export const COST_USAGE = `Usage: pulumi-rekko cost [--json] [PREVIEW_FILE]

Counts the Rekko webhook calls a deployment will make, from \`pulumi preview --json\` (read from
the file, or from standard input when none is given or "-"), prices them at Rekko's pay-per-call
price of a DEEP call ($${DEEP_CALL_PRICE_USD.toFixed(2)}; webhook calls are DEEP), and, when REKKO_API_KEY is set,
checks them against the account's monthly DEEP quota with GET /v1/customers/me (a call Rekko may
itself bill as one LISTING call).

  pulumi preview --json | pulumi-rekko cost
  pulumi preview --json > plan.json && pulumi-rekko cost plan.json

Every webhook call counts as a DEEP call (Rekko does not say which do): a create, a delete (not of
a resource retained on delete), a replacement (one of each), and one list per provider that
imports or reads a webhook. Not in the plan, so not counted: the list after a create whose
outcome is unknown, and each getWebhooks call (one list per run).

Options:
  --json      print the result as JSON
  -h, --help  this text

Environment: REKKO_API_KEY (optional: without it the quota is not checked), REKKO_BASE_URL
(default https://api.rekko.ai).
Exit status: 0 the quota covers the plan (or it was not checked), 1 it does not, 2 a usage,
input or API error.`;

const dollars = (n: number) => `$${n.toFixed(2)}`;

function report(calls: PlanCalls, account: DeepAccount | undefined, covered: boolean | undefined): string {
  const deep = deepCalls(calls);
  const lines = [
    `Plan: ${deep} webhook call(s): ${calls.creates} create(s), ${calls.deletes} delete(s)` +
      `${calls.replacements ? ` (${calls.replacements} replacement(s), a create and a delete each)` : ""}, ${calls.lists} list(s).`,
    `At the pay-per-call DEEP price (${dollars(DEEP_CALL_PRICE_USD)} a call): ${dollars(deep * DEEP_CALL_PRICE_USD)}.`,
  ];
  if (calls.providers.length > 1) {
    lines.push(`The plan spans ${calls.providers.length} providers; the quota below is that of the key in REKKO_API_KEY only.`);
  }
  if (!account) {
    lines.push("REKKO_API_KEY is not set: the monthly quota was not checked.");
    return lines.join("\n");
  }
  const left = deepLeft(account);
  lines.push(
    `Account (GET /v1/customers/me, itself possibly billed as one LISTING call): plan ${account.plan}; DEEP calls this month: ` +
      `${account.used} used of ${account.quota ?? "no limit"}${left === null ? "" : `, ${left} left`}; resets on ${account.resetsOn}.`,
  );
  if (covered) {
    lines.push(`The quota covers this plan: ${deep} DEEP call(s)${left === null ? "" : ` of the ${left} left`}.`);
  } else {
    lines.push(
      `The quota does NOT cover this plan: it needs ${deep} DEEP call(s), ${left} left until ${account.resetsOn}. ` +
        "Over the quota Rekko refuses webhook calls (429) until the reset, so the deployment would stop part-way; " +
        `pay per call (${dollars(Math.max(0, deep - (left ?? 0)) * DEEP_CALL_PRICE_USD)} for the rest), upgrade, or wait for the reset.`,
    );
  }
  return lines.join("\n");
}

/** Runs `pulumi-rekko cost` with its arguments; returns the exit status (throws {@link UsageError} or an API error). */
export async function runCost(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    console.log(COST_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError("give at most one preview file.");
  const [text = ""] = await readInputs(
    [positionals[0] ?? "-"],
    "no preview given: pipe `pulumi preview --json` into this command, or name a file holding it.",
  );
  let calls: PlanCalls;
  try {
    calls = planCalls(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const settings = resolveSettings({});
  let account: DeepAccount | undefined;
  if (settings.apiKey) {
    const client = RekkoClient.fromSettings({ ...settings, apiKey: settings.apiKey }, { maxAttempts: 3 });
    account = deepAccount(await client.getCustomer());
  }
  const left = account ? deepLeft(account) : undefined;
  const covered = account ? left === null || (left ?? 0) >= deepCalls(calls) : undefined;
  if (values.json) {
    const deep = deepCalls(calls);
    const { steps, providers, ...counts } = calls;
    const result = {
      calls: { ...counts, deep },
      priceUsd: { perDeepCall: DEEP_CALL_PRICE_USD, total: deep * DEEP_CALL_PRICE_USD },
      account: account ? { ...account, left } : null,
      covered: covered ?? null,
      providers,
      steps,
    };
    console.log(JSON.stringify(result, null, 2));
  } else console.log(report(calls, account, covered));
  return covered === false ? 1 : 0;
}
