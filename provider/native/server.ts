/**
 * The `rekko` provider plugin's gRPC server, on the Pulumi provider protocol. Modelled on the
 * SDK's own servers (`@pulumi/pulumi/cmd/dynamic-provider`, `@pulumi/pulumi/provider/server`),
 * because the SDK's `provider.main` ignores Configure's arguments (so neither `rekko:*` stack
 * config nor an explicit provider's `apiKey` would reach the provider) and answers
 * UNIMPLEMENTED to CheckConfig and DiffConfig.
 */
import type { ServerUnaryCall, sendUnaryData } from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { CheckFailure } from "../core/validation";
import { VERSION } from "../core/version";
import { type DiffAnswer, RekkoNativeProvider } from "./provider";
import { schemaText } from "./schema";
import {
  emptyproto,
  engineAddress,
  grpc,
  providerServer,
  rpc,
  runtimeConfig,
  runtimeState,
  settings,
  settled,
  structproto,
} from "./sdk";

type Props = Record<string, unknown>;

const toJs = (s: Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});
const toStruct = (p: Props): Struct => structproto.Struct.fromJavaScript(p as never);
/** A type token from a URN (`urn:pulumi:stack::project::[parent$]type::name`). */
const typeOf = (urn: string): string => (urn.split("::")[2] ?? "").split("$").pop() ?? "";

function failuresOf(failures: CheckFailure[]): provproto.CheckFailure[] {
  return failures.map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(f.reason));
}

function diffResponse(answer: DiffAnswer): provproto.DiffResponse {
  const resp = new provproto.DiffResponse();
  resp.setChanges(answer.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
  resp.setReplacesList(answer.replaces);
  resp.setDiffsList(answer.replaces);
  resp.setDeletebeforereplace(false);
  return resp;
}

/** One unary handler: the answer, or the error's one-line message as the gRPC status. */
function unary<Req, Res>(fn: (req: Req) => Promise<Res> | Res) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => callback(null, res),
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          callback({ code: grpc.status.UNKNOWN, details: message, name: "Error", message }, null);
        },
      );
  };
}

/** The service implementation: each protocol method in a few lines over {@link RekkoNativeProvider}. */
function service(provider: RekkoNativeProvider, engine: string | undefined) {
  return {
    getPluginInfo: unary(() => new plugproto.PluginInfo().setVersion(VERSION)),
    getSchema: unary((req: provproto.GetSchemaRequest) => {
      if (req.getVersion() !== 0) throw new Error(`unsupported schema version ${req.getVersion()}`);
      return new provproto.GetSchemaResponse().setSchema(schemaText());
    }),
    cancel: unary(() => new emptyproto.Empty()),
    checkConfig: unary((req: provproto.CheckRequest) => {
      const { inputs, failures } = provider.checkConfig(toJs(req.getNews()));
      return new provproto.CheckResponse().setInputs(toStruct(inputs)).setFailuresList(failuresOf(failures));
    }),
    diffConfig: unary((req: provproto.DiffRequest) =>
      diffResponse(provider.diffConfig(toJs(req.getOlds()), toJs(req.getNews()))),
    ),
    configure: unary((req: provproto.ConfigureRequest) => {
      // The provider's arguments, or (older engines) the `rekko:*` variables.
      const args = toJs(req.getArgs());
      const config: Props = { ...args };
      for (const [k, v] of req.getVariablesMap().entries()) {
        const key = k.replace(/^rekko:(config:)?/, "");
        if (config[key] === undefined) config[key] = v;
      }
      provider.configure(config);
      return new provproto.ConfigureResponse().setAcceptsecrets(true).setAcceptresources(true).setAcceptoutputs(true);
    }),
    check: unary((req: provproto.CheckRequest) => {
      const { inputs, failures } = provider.check(typeOf(req.getUrn()), toJs(req.getNews()));
      return new provproto.CheckResponse().setInputs(toStruct(inputs)).setFailuresList(failuresOf(failures));
    }),
    diff: unary((req: provproto.DiffRequest) =>
      diffResponse(provider.diff(typeOf(req.getUrn()), req.getId(), toJs(req.getOlds()), toJs(req.getNews()))),
    ),
    create: unary(async (req: provproto.CreateRequest) => {
      const { id, outs } = await provider.create(typeOf(req.getUrn()), toJs(req.getProperties()));
      return new provproto.CreateResponse().setId(id).setProperties(toStruct(outs));
    }),
    read: unary(async (req: provproto.ReadRequest) => {
      const found = await provider.read(typeOf(req.getUrn()), req.getId(), toJs(req.getProperties()), toJs(req.getInputs()));
      const resp = new provproto.ReadResponse().setId(found.id);
      if (found.props) resp.setProperties(toStruct(found.props));
      if (found.inputs) resp.setInputs(toStruct(found.inputs));
      return resp;
    }),
    update: unary(async (req: provproto.UpdateRequest) =>
      new provproto.UpdateResponse().setProperties(
        toStruct(await provider.update(typeOf(req.getUrn()), req.getId(), toJs(req.getOlds()), toJs(req.getNews()))),
      ),
    ),
    delete: unary(async (req: provproto.DeleteRequest) => {
      await provider.delete(typeOf(req.getUrn()), req.getId(), toJs(req.getProperties()));
      return new emptyproto.Empty();
    }),
    invoke: unary(async (req: provproto.InvokeRequest) => {
      const { outputs, failures } = await provider.invoke(req.getTok(), toJs(req.getArgs()));
      const resp = new provproto.InvokeResponse().setFailuresList(failuresOf(failures));
      if (outputs) resp.setReturn(toStruct(outputs));
      return resp;
    }),
    construct: unary((req: provproto.ConstructRequest) =>
      runtimeState.withLocalStorage(() => runConstruct(provider, req, engine)),
    ),
  };
}

/** construct, as the SDK's server runs it: the runtime pointed at the engine, then the component. */
async function runConstruct(
  provider: RekkoNativeProvider,
  req: provproto.ConstructRequest,
  engine: string | undefined,
): Promise<provproto.ConstructResponse> {
  const construct = provider.component(req.getType());
  if (!engine) throw new Error("fatal: the engine address is missing from the plugin's arguments");
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
  const providers: Record<string, pulumi.ProviderResource> = {};
  for (const [pkg, ref] of req.getProvidersMap().entries()) providers[pkg] = new pulumi.DependencyProviderResource(ref);
  const opts: pulumi.ComponentResourceOptions = {
    providers,
    dependsOn: req.getDependenciesList().map((urn) => new pulumi.DependencyResource(urn)),
    protect: req.getProtect() ?? false,
    aliases: req.getAliasesList().flatMap((a) => (a.hasUrn() ? [a.getUrn()] : [])),
    ...(req.getParent() ? { parent: new pulumi.DependencyResource(req.getParent()) } : {}),
  };
  const result = construct(req.getName(), inputs, opts);
  const resp = new provproto.ConstructResponse().setUrn(await settled(result.urn));
  const [state, dependencies] = await rpc.serializeResourceProperties(
    `construct(${req.getType()}, ${req.getName()})`,
    result.state,
  );
  for (const [key, resources] of dependencies) {
    const urns = await Promise.all([...resources].map((r) => settled(r.urn)));
    resp.getStatedependenciesMap().set(key, new provproto.ConstructResponse.PropertyDependencies().setUrnsList(urns));
  }
  resp.setState(toStruct(state));
  await settings.waitForRPCs();
  return resp;
}

/** Serves the provider on a loopback port and prints the port, as the engine expects. */
export async function serve(args: readonly string[]): Promise<void> {
  const server = new grpc.Server(settings.grpcChannelOptions);
  server.addService(provrpc.ResourceProviderService, service(new RekkoNativeProvider(), engineAddress(args)) as never);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  process.stdout.write(`${port}\n`);
}
