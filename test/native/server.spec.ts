import type { ServiceError } from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { expect } from "chai";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as errors from "../../provider/core/errors";
import {
  RekkoConfigError,
  RekkoError,
  type RekkoErrorCode,
  RekkoKeyMismatchError,
  RekkoQuotaError,
} from "../../provider/core/errors";
import { NATIVE_WEBHOOK } from "../../provider/core/types";
import { RekkoProtocolError } from "../../provider/native/provider";
import { grpc, structproto } from "../../provider/native/sdk";
import { listen } from "../../provider/native/server";
import { grpcStatusOf } from "../../provider/native/status";
import { RekkoEmulator } from "../../provider/testing";

const S = grpc.status;
const KEY = "rk_pro_native_server_test_key_7777";
const OTHER = "rk_pro_native_server_other_key_8888";
const struct = (v: Record<string, unknown>): Struct => structproto.Struct.fromJavaScript(v as never);
const urn = (type: string, name = "hook") => `urn:pulumi:dev::proj::${type}::${name}`;
const hook = { url: "http://127.0.0.1:9/server", events: ["whale_alert"] };

type Call<Req, Res> = (req: Req, cb: (err: ServiceError | null, res: Res) => void) => unknown;

/** A gRPC call's outcome: the answer, or the status code and message it failed with. */
function call<Req, Res>(fn: Call<Req, Res>, req: Req): Promise<{ res?: Res; code?: number; details?: string }> {
  return new Promise((resolve) => fn(req, (err, res) => resolve(err ? { code: err.code, details: err.details } : { res })));
}

describe("native provider: the gRPC server", () => {
  let emu: RekkoEmulator;
  let server: { tryShutdown(cb: () => void): void };
  let client: provrpc.ResourceProviderClient;
  const configure = (apiKey: string) =>
    call(
      client.configure.bind(client),
      new provproto.ConfigureRequest().setArgs(struct({ apiKey, baseUrl: emu.url, maxRequestsPerMinute: 100000 })),
    );

  before(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [KEY, OTHER] });
    const served = await listen(undefined);
    server = served.server;
    client = new provrpc.ResourceProviderClient(`127.0.0.1:${served.port}`, grpc.credentials.createInsecure());
    expect((await configure(KEY)).code).to.equal(undefined);
  });
  after(async () => {
    client?.close();
    await new Promise<void>((resolve) => server?.tryShutdown(resolve));
    await emu?.stop();
  });

  it("reads the type from the request's type field, not from the URN", async () => {
    const check = (type: string, inUrn: string) =>
      call(client.check.bind(client), new provproto.CheckRequest().setType(type).setUrn(urn(inUrn)).setNews(struct(hook)));
    expect((await check(NATIVE_WEBHOOK, "rekko:index:Other")).code, "the URN's type is not read").to.equal(undefined);
    const wrong = await check("rekko:index:Nope", NATIVE_WEBHOOK);
    expect(wrong.code).to.equal(S.INVALID_ARGUMENT);
    expect(wrong.details).to.include("no resource type rekko:index:Nope").and.include(NATIVE_WEBHOOK);
  });

  it("answers FailedPrecondition for a key mismatch, Unavailable for a 5xx after the retries, Unauthenticated for a refused key", async () => {
    // Each create its own url. With the first one's url, the create answered 503 would take the
    // webhook made just before (by the session before the reconfigure, which this session does
    // not know to be held): unanswered, it is looked for by url and events among the webhooks
    // made since it was sent, less the clock-skew allowance.
    let n = 0;
    const create = () =>
      call<provproto.CreateRequest, provproto.CreateResponse>(
        client.create.bind(client),
        new provproto.CreateRequest()
          .setType(NATIVE_WEBHOOK)
          .setUrn(urn(NATIVE_WEBHOOK))
          .setProperties(struct({ ...hook, url: `${hook.url}/${++n}` })),
      );
    const made = await create();
    expect(made.code).to.equal(undefined);
    const id = made.res?.getId() ?? "";
    const outs = made.res?.getProperties()?.toJavaScript() ?? {};
    await configure(OTHER);
    const diff = await call(
      client.diff.bind(client),
      new provproto.DiffRequest()
        .setType(NATIVE_WEBHOOK)
        .setUrn(urn(NATIVE_WEBHOOK))
        .setId(id)
        .setOlds(struct(outs))
        .setNews(struct({ ...hook, url: `${hook.url}/1` })),
    );
    expect(diff.code).to.equal(S.FAILED_PRECONDITION);
    expect(diff.details).to.include("registered with another API key");
    await configure(KEY);
    emu.addFault({
      kind: "status",
      method: "POST",
      path: "/v1/webhooks",
      status: 503,
      headers: { "retry-after": "0" },
      times: 6,
    });
    const before = emu.requests().length;
    const held = emu.webhooks().map((w) => w.webhook_id);
    const unavailable = await create();
    expect(unavailable.code, unavailable.details).to.equal(S.UNAVAILABLE);
    expect(unavailable.details).to.include("503");
    const calls = emu
      .requests()
      .slice(before)
      .map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(
      calls.filter((c) => c.startsWith("POST")),
      "six attempts",
    ).to.deep.equal(Array(6).fill("POST /v1/webhooks 503"));
    expect(calls.filter((c) => c.startsWith("GET")).length, "each unanswered attempt looked for in the list").to.be.at.least(1);
    expect(
      emu.webhooks().map((w) => w.webhook_id),
      "no webhook made, none taken",
    ).to.deep.equal(held);
    await configure("rk_pro_not_a_known_key_0000000000");
    expect((await create()).code).to.equal(S.UNAUTHENTICATED);
    await configure(KEY);
  });

  it("maps every stable error code to a status, in one table", () => {
    const cases: [unknown, number][] = [
      [new RekkoConfigError("x"), S.INVALID_ARGUMENT],
      [new errors.RekkoValidationError("x", []), S.INVALID_ARGUMENT],
      [new errors.RekkoAuthenticationError("x"), S.UNAUTHENTICATED],
      [new errors.RekkoPlanError("x"), S.PERMISSION_DENIED],
      [new RekkoQuotaError("x", { tier: "deep", used: 10, limit: 10, resetsOn: "2027-01-01" }), S.RESOURCE_EXHAUSTED],
      [new errors.RekkoNotFoundError("x"), S.NOT_FOUND],
      [new errors.RekkoConflictError("x"), S.FAILED_PRECONDITION],
      [new RekkoKeyMismatchError("x"), S.FAILED_PRECONDITION],
      [new errors.RekkoRateLimitError("x"), S.UNAVAILABLE],
      [new errors.RekkoServerError("x"), S.UNAVAILABLE],
      [new errors.RekkoNetworkError("x"), S.UNAVAILABLE],
      [new errors.RekkoResponseError("x"), S.UNKNOWN],
      [new errors.RekkoCancelledError("x"), S.CANCELLED],
      [new RekkoProtocolError("x"), S.INVALID_ARGUMENT],
      [new Error("x"), S.UNKNOWN],
    ];
    for (const [err, status] of cases) expect(grpcStatusOf(err), (err as Error).name).to.equal(status);
    const codes = new Set(cases.flatMap(([e]) => (e instanceof RekkoError ? [e.code] : [])));
    const all: RekkoErrorCode[] = [
      "ERR_REKKO_CONFIG",
      "ERR_REKKO_AUTH",
      "ERR_REKKO_PLAN",
      "ERR_REKKO_VALIDATION",
      "ERR_REKKO_RATE_LIMIT",
      "ERR_REKKO_NOT_FOUND",
      "ERR_REKKO_CONFLICT",
      "ERR_REKKO_KEY_MISMATCH",
      "ERR_REKKO_SERVER",
      "ERR_REKKO_NETWORK",
      "ERR_REKKO_RESPONSE",
      "ERR_REKKO_CANCELLED",
    ];
    expect([...codes].sort()).to.deep.equal([...all].sort());
  });
});
