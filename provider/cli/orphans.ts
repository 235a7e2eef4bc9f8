#!/usr/bin/env node
import { RekkoError } from "../core/errors";
import { type DeleteUnmanagedResult, deleteUnmanagedWebhooks, type UnmanagedWebhook } from "../core/orphans";
import { displayUrl } from "../core/urls";
import { parseCommandLine, readInputs, UsageError } from "./input";

const usage = `Usage: pulumi-rekko-orphans [--delete [--include-interrupted]] [--url-prefix P]... [--id ID]...
                            [--allow-empty-state] [--json] [STATE_FILE...]

Lists the Rekko webhooks registered with your API key that no webhook resource in the given
Pulumi state holds (RekkoWebhook, rekko:Webhook, and those of RekkoWebhookWithSecret and
rekko:WebhookWithSecret): what an interrupted \`pulumi up\` can leave behind. Reads \`pulumi
stack export\` output from the files, or from standard input when none is given (or "-").
Lists only, unless --delete is given. Urls are shown without query or credentials.

  pulumi stack export | pulumi-rekko-orphans            # list
  pulumi stack export | pulumi-rekko-orphans --delete   # delete what it lists

A webhook that a pending create of the state accounts for ("from the interrupted create of
URN") is listed but kept: the deployment that started the create may still be running and
record it. Once no process of that deployment is left, add --include-interrupted to delete it.

Options:
  --delete               delete the listed webhooks (one DELETE each)
  --include-interrupted  with --delete: also those from interrupted creates
  --url-prefix P         only webhooks whose url starts with P (repeatable)
  --id ID                only this webhook (repeatable); it must be unmanaged
  --allow-empty-state    allow --delete when the state holds no webhook and no pending create
  --json                 print the result as JSON
  -h, --help             this text

Environment: REKKO_API_KEY (required), REKKO_BASE_URL (default https://api.rekko.ai).
Give the export of every stack that uses the key: another stack's webhooks look unmanaged here.
Do not run --delete while a deployment of one of those stacks is in progress.
Exit status: 0 done, 1 API or state error, 2 usage error.`;

function describe(w: UnmanagedWebhook): string {
  const notes = [
    ...w.pendingCreates.map((urn) => `from the interrupted create of ${urn}`),
    ...w.duplicateOf.map((urn) => `duplicate of managed ${urn}`),
  ];
  return `  ${w.webhook_id}  ${displayUrl(w.url)}  [${w.events.join(", ")}]  created ${w.created_at || "?"}${notes.length ? `  (${notes.join("; ")})` : ""}`;
}

/** How many webhook resources of each type the state holds, e.g. `2 rekko:index:Webhook, 1 RekkoWebhook`. */
function holding(r: DeleteUnmanagedResult): string {
  const count = new Map<string, number>();
  for (const res of r.state.resources) count.set(res.type, (count.get(res.type) ?? 0) + 1);
  const parts = [...count].map(([type, n]) => `${n} ${type}`);
  return `${r.state.resources.length} webhook resource(s)${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

function report(r: DeleteUnmanagedResult): string {
  const lines = [
    `${holding(r)} and ${r.state.pendingCreates.length} pending create(s) in the state; ` +
      `${r.managed.length + r.unmanaged.length} webhook(s) considered at ${r.baseUrl}.`,
  ];
  if (r.unmanaged.length === 0) lines.push("No unmanaged webhooks: every registered webhook is held by the state.");
  else {
    lines.push(`${r.unmanaged.length} webhook(s) registered but not in the state:`);
    lines.push(...r.unmanaged.map(describe));
  }
  if (r.missing.length > 0) {
    lines.push(
      `${r.missing.length} id(s) in the state are no longer registered (\`pulumi refresh\` drops them): ${r.missing.join(", ")}`,
    );
  }
  if (r.keptInterrupted.length > 0) {
    lines.push(
      `Kept ${r.keptInterrupted.length} from interrupted creates: ${r.keptInterrupted.join(", ")}. Once no process of that deployment ` +
        "is left, run again with --delete --include-interrupted to delete them (or adopt them).",
    );
  }
  if (r.dryRun) {
    if (r.deleted.length > 0) lines.push(`Nothing deleted. Run again with --delete to delete the ${r.deleted.length} listed.`);
  } else {
    if (r.deleted.length > 0) lines.push(`Deleted ${r.deleted.length}: ${r.deleted.join(", ")}`);
    if (r.alreadyGone.length > 0) lines.push(`Already gone: ${r.alreadyGone.join(", ")}`);
    for (const f of r.failed) lines.push(`Failed to delete ${f.id}: ${f.error}`);
  }
  return lines.join("\n");
}

/** The result as JSON, every url without query or credentials. */
function asJson(r: DeleteUnmanagedResult): string {
  const shown = <T extends { url?: string }>(x: T): T => (x.url === undefined ? x : { ...x, url: displayUrl(x.url) });
  const { state, managed, unmanaged, ...rest } = r;
  return JSON.stringify(
    {
      ...rest,
      managed: managed.map(shown),
      unmanaged: unmanaged.map(shown),
      state: { ids: [...state.ids], resources: state.resources.map(shown), pendingCreates: state.pendingCreates.map(shown) },
    },
    null,
    2,
  );
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    delete: { type: "boolean", default: false },
    "include-interrupted": { type: "boolean", default: false },
    "url-prefix": { type: "string", multiple: true },
    id: { type: "string", multiple: true },
    "allow-empty-state": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const states = await readInputs(
    positionals.length > 0 ? positionals : ["-"],
    "no state given: pipe `pulumi stack export` into this command, or name an export file.",
  );
  const result = await deleteUnmanagedWebhooks({
    state: states,
    dryRun: !values.delete,
    allowEmptyState: values["allow-empty-state"] ?? false,
    includeInterrupted: values["include-interrupted"] ?? false,
    ...(values["url-prefix"] ? { urlPrefixes: values["url-prefix"] } : {}),
    ...(values.id ? { ids: values.id } : {}),
  });
  console.log(values.json ? asJson(result) : report(result));
  return result.failed.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    if (err instanceof UsageError) {
      console.error(`pulumi-rekko-orphans: ${err.message}\n\n${usage}`);
      process.exitCode = 2;
    } else {
      console.error(`pulumi-rekko-orphans: ${err instanceof RekkoError ? err.message : String(err.message ?? err)}`);
      process.exitCode = 1;
    }
  },
);
