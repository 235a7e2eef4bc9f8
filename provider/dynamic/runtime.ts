/**
 * The dynamic provider's implementation, as the stored provider calls it. The serialized
 * provider in state (see provider.ts) loads this module at run time in the provider process
 * (`pulumi-rekko/runtime`), so no code, client or credential is captured into state, and
 * `read`/`delete` always run the installed version of this module. Each function is a thin
 * adapter from the dynamic-provider protocol to the core {@link WebhookSession}.
 * @internal
 */
import type { ClientOptions } from "../core/client";
import { type ReadOutcome, type WebhookInputs, type WebhookOutputs, WebhookSession } from "../core/session";
import type { RawSettings } from "../core/settings";
import type { CheckFailure } from "../core/validation";
import { engineCheckFailures } from "../pulumi/checkFailures";
import { ProviderLifecycle } from "../pulumi/lifecycle";
import { engineAddress } from "../pulumi/sdkModules";
import { warn } from "../pulumi/warnings";
import { onEngineCancel } from "./cancelHook";
import { forEngine } from "./engineErrors";
import { diffWebhook, isUnknown, PROVIDER_KEY, type WebhookDiff } from "./protocol";

export type { WebhookInputs, WebhookOutputs } from "../core/session";

/** The provider process's session, replaced by a `configure` with other settings, and the process's cancellation. */
class DynamicProviderHost {
  readonly lifecycle = new ProviderLifecycle();
  session = new WebhookSession({}, { signal: this.lifecycle.signal });
  configured: string | undefined;
}
const host = new DynamicProviderHost();

/** The script of the Node.js SDK's dynamic provider process. */
const DYNAMIC_PROVIDER = /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/;

// In the dynamic provider process only (not in a program or a test that imports this module):
// the engine's Cancel (Ctrl-C) stops the retries, SIGINT ends the process once its operations
// are done, and so does an engine that is gone.
if (DYNAMIC_PROVIDER.test(require.main?.filename ?? "")) {
  onEngineCancel(() => host.lifecycle.cancel());
  host.lifecycle.endOnSigint();
  const engine = engineAddress(process.argv.slice(2));
  if (engine) host.lifecycle.watchEngine(engine);
}

/** One provider method: counted as in flight, its package errors shaped for the engine ({@link forEngine}). */
function operation<T>(how: "logged" | "returned", run: () => T | Promise<T>): Promise<T> {
  return host.lifecycle.track(() => forEngine(how, run));
}

/**
 * Called by the provider's `configure` with the stack's `rekko:*` config. The engine configures
 * each distinct stored provider code once per process (state from an older version brings
 * another), so the same settings keep the session: its list, and the ids its resources hold.
 */
export function configure(settings: RawSettings, overrides: Partial<ClientOptions> = {}): void {
  const same = JSON.stringify([settings.apiKey, settings.baseUrl, settings.maxRequestsPerMinute]);
  if (host.configured === same && Object.keys(overrides).length === 0) return;
  host.session = new WebhookSession(settings, { signal: host.lifecycle.signal, ...overrides });
  host.configured = Object.keys(overrides).length === 0 ? same : undefined;
}

/**
 * check: validation with no network. Settings problems are reported here, at preview time.
 * Failures about `url` and `secret` name no property, so the engine does not print their values.
 */
export async function check(
  _olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  const { inputs, failures } = host.session.check(news, isUnknown);
  return { inputs, failures: engineCheckFailures(failures) };
}

/**
 * diff: no network. Warnings go to stderr, which the engine shows among the diagnostics of
 * `pulumi preview` and `pulumi up` (a dynamic provider has no engine log of its own).
 */
export async function diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<WebhookDiff> {
  return operation("logged", () => {
    const plan = host.session.diff(id, olds, news, isUnknown);
    for (const warning of plan.warnings) warn(warning);
    return diffWebhook(olds, news, plan.replaces);
  });
}

/** create: one POST, or adoption of an existing webhook through the list. */
export async function create(inputs: WebhookInputs): Promise<{ id: string; outs: WebhookOutputs }> {
  return operation("returned", () => host.session.create(inputs));
}

/** read (refresh): one shared list per process; a webhook missing from it is gone. */
export async function read(id: string, props: Record<string, unknown>): Promise<ReadOutcome> {
  return operation("logged", () => host.session.read(id, props));
}

/** update: only ever a change of stored provider code; keeps the webhook and its outputs. */
export async function update(
  id: string,
  olds: Record<string, unknown>,
  _news: Record<string, unknown>,
): Promise<{ outs: Record<string, unknown> }> {
  const { [PROVIDER_KEY]: _code, ...outs } = olds;
  return { outs: await operation("returned", () => host.session.update(id, outs)) };
}

/**
 * delete: DELETE; already gone is success. `props` are the outputs (with the key fingerprint);
 * a stored provider from before fingerprints passes none.
 */
async function remove(id: string, props: Record<string, unknown> = {}): Promise<void> {
  const { warnings } = await operation("logged", () => host.session.delete(id, props));
  for (const warning of warnings) warn(warning);
}

export { remove as delete };
