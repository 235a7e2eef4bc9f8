/**
 * `construct` as the Node.js SDK's own provider server runs it (`@pulumi/pulumi/provider/server`,
 * whose `Server` is not exported): the runtime pointed at the engine, every resource option of
 * the request rebuilt, then the component. A dropped option changes what the component's
 * children do: without its aliases a renamed component recreates its children (new secrets,
 * a new webhook); without protect, retainOnDelete or deletedWith they are deleted.
 */
import * as pulumi from "@pulumi/pulumi";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type { ConstructComponent } from "./component";
import { settings, settled, structproto } from "./sdk";
import { providerServer, rpc, runtimeConfig, runtimeResource, runtimeState } from "./sdkConstruct";

/** A construct request's aliases: URNs as they are, specs as the SDK's `Alias` objects. */
function aliasesOf(req: provproto.ConstructRequest): pulumi.Input<pulumi.URN | pulumi.Alias>[] {
  return req.getAliasesList().flatMap((a): pulumi.Input<pulumi.URN | pulumi.Alias>[] => {
    if (a.hasUrn()) return [a.getUrn()];
    const spec = a.getSpec();
    if (!spec) return [];
    const alias: pulumi.Alias = {};
    if (spec.getName() !== "") alias.name = spec.getName();
    if (spec.getType() !== "") alias.type = spec.getType();
    if (spec.getProject() !== "") alias.project = spec.getProject();
    if (spec.getStack() !== "") alias.stack = spec.getStack();
    if (spec.hasParenturn()) alias.parent = spec.getParenturn();
    else if (spec.hasNoparent() && spec.getNoparent()) alias.parent = pulumi.rootStackResource;
    return [alias];
  });
}

/** The component's resource options, rebuilt from every option field of the request. */
export function constructOptions(req: provproto.ConstructRequest): pulumi.ComponentResourceOptions {
  const providers: Record<string, pulumi.ProviderResource> = {};
  for (const [pkg, ref] of req.getProvidersMap().entries()) providers[pkg] = new pulumi.DependencyProviderResource(ref);
  const opts: pulumi.ComponentResourceOptions = {
    aliases: aliasesOf(req),
    dependsOn: req.getDependenciesList().map((urn) => new pulumi.DependencyResource(urn)),
    protect: req.getProtect(),
    providers,
    ignoreChanges: req.getIgnorechangesList(),
    replaceOnChanges: req.getReplaceonchangesList(),
    retainOnDelete: req.getRetainondelete(),
  };
  if (req.getParent()) opts.parent = new pulumi.DependencyResource(req.getParent());
  const timeouts = req.getCustomtimeouts();
  if (timeouts) {
    // Read field by field: the message's toObject() names the delete timeout `pb_delete`.
    const given = { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() };
    opts.customTimeouts = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== ""));
  }
  if (req.getDeletedwith() !== "") opts.deletedWith = new pulumi.DependencyResource(req.getDeletedwith());
  const hooks = runtimeResource.hookBindingFromProto(req.getResourceHooks());
  if (hooks) opts.hooks = hooks;
  const trigger = req.getReplacementTrigger();
  if (trigger) opts.replacementTrigger = rpc.deserializeProperty(trigger.toJavaScript(), true);
  return opts;
}

/** Runs `construct` for the engine at `engine`; answers the component's URN, outputs and their dependencies. */
export async function runConstruct(
  construct: ConstructComponent,
  req: provproto.ConstructRequest,
  engine: string | undefined,
): Promise<provproto.ConstructResponse> {
  if (!engine) throw new Error("fatal: the engine address is missing from the plugin's arguments");
  return runtimeState.withLocalStorage(async () => {
    settings.resetOptions(
      req.getProject(),
      req.getStack(),
      req.getParallel(),
      engine,
      req.getMonitorendpoint(),
      req.getDryrun(),
      req.getOrganization(),
    );
    await settings.awaitFeatureSupport();
    runtimeConfig.setAllConfig(Object.fromEntries(req.getConfigMap().entries()), req.getConfigsecretkeysList());
    const inputs = await providerServer.deserializeInputs(req.getInputs(), req.getInputdependenciesMap());
    const result = construct(req.getName(), inputs, constructOptions(req));
    const resp = new provproto.ConstructResponse().setUrn(await settled(result.urn));
    const [state, dependencies] = await rpc.serializeResourceProperties(
      `construct(${req.getType()}, ${req.getName()})`,
      result.state,
    );
    for (const [key, resources] of dependencies) {
      const urns = await Promise.all([...resources].map((r) => settled(r.urn)));
      resp.getStatedependenciesMap().set(key, new provproto.ConstructResponse.PropertyDependencies().setUrnsList(urns));
    }
    resp.setState(structproto.Struct.fromJavaScript(state as never));
    await settings.waitForRPCs();
    return resp;
  });
}
