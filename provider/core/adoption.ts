/** Adopting an existing webhook by id (`adoptWebhookId`): the checks, pure. */
import { RekkoConflictError, RekkoNotFoundError } from "./errors";
import { sameEventSet } from "./events";
import { displayUrl, sameWebhookUrl } from "./urls";
import type { WebhookInfo } from "./webhookInfo";

/** The declaration an adoption is checked against. */
export interface AdoptionTarget {
  url: string;
  events: string[];
}

/**
 * The error that refuses adopting `found` (undefined: the id is not in the key's list) for a
 * declaration, or undefined when it may be adopted. The url is compared as the API may
 * normalise it ({@link sameWebhookUrl}); neither url is shown, since a receiver url may hold a
 * token or be a Pulumi secret.
 */
export function adoptionProblem(id: string, found: WebhookInfo | undefined, declared: AdoptionTarget): Error | undefined {
  if (!found) {
    return new RekkoNotFoundError(
      `adoptWebhookId ${id} is not among this key's webhooks (GET /v1/webhooks). Check the id, or remove adoptWebhookId to register a new webhook.`,
    );
  }
  const diffs: string[] = [];
  if (!sameWebhookUrl(found.url, declared.url)) {
    diffs.push("url: the declared url is not the registered one (GET /v1/webhooks lists it)");
  }
  if (!sameEventSet(found.events, declared.events)) {
    diffs.push(`events: declared [${declared.events.join(", ")}], registered [${found.events.join(", ")}]`);
  }
  if (diffs.length === 0) return undefined;
  return new RekkoConflictError(
    `Cannot adopt webhook ${id}: it differs from the declaration (${diffs.join("; ")}). Declare the registered values, then change them in a later update.`,
  );
}

/**
 * The warning at an import of a webhook whose url may carry a token (a query, user info): the
 * url is kept as a secret in the state, but the declaration `pulumi import` generates holds it
 * in clear, since the engine's code generator writes inputs as values.
 */
export function importedUrlWarning(id: string, url: string): string {
  return (
    `Rekko webhook ${id} has a url with a query (${displayUrl(url)}), which may hold a token: it is kept as a secret in the state. ` +
    "The declaration pulumi import generates shows it in clear: keep it in secret config (`pulumi config set --secret <name> <url>`) " +
    "and declare url from that, rather than committing the generated text."
  );
}

/**
 * Refuses a second adoption of a webhook a resource of this deployment already holds: through
 * `adoptWebhookId` (dynamic face) or an import (`pulumi import`, the `import` resource option).
 */
export function alreadyHeldError(id: string, via: "adoptWebhookId" | "import" = "adoptWebhookId"): RekkoConflictError {
  const what = via === "import" ? `import ${id}` : `adoptWebhookId ${id}`;
  const fix = via === "import" ? "Remove the import option from this resource" : "Remove adoptWebhookId from this resource";
  return new RekkoConflictError(
    `${what}: another resource of this deployment already holds this webhook (created, adopted, imported or ` +
      `refreshed it), and two resources holding one webhook delete it from under each other. ${fix} ` +
      "to register a new webhook, or remove the other resource first.",
  );
}

/**
 * The warning for a delete that is not sent: a create of the same deployment returned or
 * adopted this webhook, so deleting it would leave the state holding a dead id.
 */
export function readoptedWarning(id: string): string {
  return (
    `Rekko webhook ${id} was not deleted: this deployment took it again for the resource that replaces this one ` +
    "(adoptWebhookId or the import option kept through `pulumi up --replace`, a tainted resource, or a rename " +
    "without an alias), so it stays registered and the state holds it under the new resource. To register a fresh " +
    "webhook instead, remove adoptWebhookId (or import) from the program before replacing."
  );
}
