/**
 * The `rekko` provider plugin's gRPC server, on the Pulumi provider protocol. Modelled on the
 * SDK's own servers (`@pulumi/pulumi/cmd/dynamic-provider`, `@pulumi/pulumi/provider/server`),
 * because the SDK's `provider.main` ignores Configure's arguments (so neither `rekko:*` stack
 * config nor an explicit provider's `apiKey` would reach the provider) and answers
 * UNIMPLEMENTED to CheckConfig and DiffConfig.
 */
import type { ServerUnaryCall, sendUnaryData } from "@grpc/grpc-js";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { CheckFailure } from "../core/validation";
import { VERSION } from "../core/version";
import { engineMessage } from "../pulumi/failures";
import { ProviderLifecycle } from "../pulumi/lifecycle";
import { engineWarnings } from "./engineLog";
import { type DiffAnswer, RekkoNativeProvider, RekkoProtocolError } from "./provider";
import { schemaText } from "./schema";
import { emptyproto, engineAddress, grpc, settings, structproto } from "./sdk";
import { grpcStatusOf } from "./status";

type Props = Record<string, unknown>;

const toJs = (s: Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});
const toStruct = (p: Props): Struct => structproto.Struct.fromJavaScript(p as never);

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

/**
 * One unary handler, counted as in flight ({@link ProviderLifecycle.track}): the answer, or the
 * error with the gRPC status that says what happened ({@link grpcStatusOf}) and its message
 * shaped for the CLI ({@link engineMessage}).
 */
const unaryFor =
  (lifecycle: ProviderLifecycle) =>
  <Req, Res>(fn: (req: Req) => Promise<Res> | Res) =>
  (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    lifecycle
      .track(() => fn(call.request))
      .then(
        (res) => callback(null, res),
        (err: unknown) => {
          const message = engineMessage(err);
          callback({ code: grpcStatusOf(err), details: message, name: "Error", message }, null);
        },
      );
  };

/** The service implementation: each protocol method in a few lines over {@link RekkoNativeProvider}. */
function service(provider: RekkoNativeProvider, engine: string | undefined, lifecycle: ProviderLifecycle) {
  const unary = unaryFor(lifecycle);
  return {
    getPluginInfo: unary(() => new plugproto.PluginInfo().setVersion(VERSION)),
    getSchema: unary((req: provproto.GetSchemaRequest) => {
      if (req.getVersion() !== 0) throw new RekkoProtocolError(`unsupported schema version ${req.getVersion()}`);
      return new provproto.GetSchemaResponse().setSchema(schemaText());
    }),
    // Ctrl-C: no more retries; operations under way finish (an unanswered create is reconciled).
    cancel: unary(() => {
      lifecycle.cancel();
      return new emptyproto.Empty();
    }),
    checkConfig: unary((req: provproto.CheckRequest) => {
      const { inputs, failures } = provider.checkConfig(toJs(req.getNews()));
      return new provproto.CheckResponse().setInputs(toStruct(inputs)).setFailuresList(failuresOf(failures));
    }),
    diffConfig: unary((req: provproto.DiffRequest) =>
      diffResponse(provider.diffConfig(toJs(req.getOlds()), toJs(req.getNews()), req.getUrn())),
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
      const { inputs, failures } = provider.check(req.getType(), toJs(req.getNews()), req.getUrn());
      return new provproto.CheckResponse().setInputs(toStruct(inputs)).setFailuresList(failuresOf(failures));
    }),
    diff: unary(async (req: provproto.DiffRequest) =>
      diffResponse(await provider.diff(req.getType(), req.getId(), toJs(req.getOlds()), toJs(req.getNews()), req.getUrn())),
    ),
    create: unary(async (req: provproto.CreateRequest) => {
      const { id, outs } = await provider.create(req.getType(), toJs(req.getProperties()), req.getUrn());
      return new provproto.CreateResponse().setId(id).setProperties(toStruct(outs));
    }),
    read: unary(async (req: provproto.ReadRequest) => {
      const found = await provider.read(
        req.getType(),
        req.getId(),
        toJs(req.getProperties()),
        toJs(req.getInputs()),
        req.getUrn(),
      );
      const resp = new provproto.ReadResponse().setId(found.id);
      if (found.props) resp.setProperties(toStruct(found.props));
      if (found.inputs) resp.setInputs(toStruct(found.inputs));
      return resp;
    }),
    update: unary(async (req: provproto.UpdateRequest) =>
      new provproto.UpdateResponse().setProperties(
        toStruct(await provider.update(req.getType(), req.getId(), toJs(req.getOlds()), toJs(req.getNews()), req.getUrn())),
      ),
    ),
    delete: unary(async (req: provproto.DeleteRequest) => {
      await provider.delete(req.getType(), req.getId(), toJs(req.getProperties()), req.getUrn());
      return new emptyproto.Empty();
    }),
    invoke: unary(async (req: provproto.InvokeRequest) => {
      const { outputs, failures } = await provider.invoke(req.getTok(), toJs(req.getArgs()));
      const resp = new provproto.InvokeResponse().setFailuresList(failuresOf(failures));
      if (outputs) resp.setReturn(toStruct(outputs));
      return resp;
    }),
    construct: unary((req: provproto.ConstructRequest) => {
      const construct = provider.component(req.getType());
      // Loaded here, on the first construct: it needs the whole Node.js SDK (see sdkConstruct.ts).
      const { runConstruct } = require("./construct") as typeof import("./construct");
      return runConstruct(construct, req, engine);
    }),
  };
}

/** Serves a provider on a free loopback port; answers the port and the server. */
export async function listen(
  engine: string | undefined,
  lifecycle = new ProviderLifecycle(),
): Promise<{ port: number; server: InstanceType<typeof grpc.Server> }> {
  const server = new grpc.Server(settings.grpcChannelOptions);
  const provider = new RekkoNativeProvider(lifecycle.signal, engineWarnings(engine));
  server.addService(provrpc.ResourceProviderService, service(provider, engine, lifecycle) as never);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return { port, server };
}

/**
 * Serves the provider on a loopback port and prints the port, as the engine expects; SIGINT
 * cancels, and the process ends once the engine is gone ({@link ProviderLifecycle}).
 */
export async function serve(args: readonly string[]): Promise<void> {
  const engine = engineAddress(args);
  const lifecycle = new ProviderLifecycle();
  lifecycle.endOnSigint();
  if (engine) lifecycle.watchEngine(engine);
  const { port } = await listen(engine, lifecycle);
  process.stdout.write(`${port}\n`);
}
