// examples/aws-lambda, run under Pulumi's mocks (it cannot be deployed here): the wiring a
// deployment would get, and a type-check of the program and its handler.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { linkPackage, ROOT } from "../support/engine";

const DIR = join(ROOT, "examples", "aws-lambda");
const FUNCTION_URL = "https://a1b2c3.lambda-url.eu-west-1.on.aws/";

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const isSecretWrapper = (v: unknown): v is { value: unknown } =>
  typeof v === "object" && v !== null && (v as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === SECRET_SIG;

/** Finds `path` in recorded inputs; `secret` tells whether a secret wrapper was crossed on the way. */
function lookup(value: unknown, path: string[]): { value: unknown; secret: boolean } {
  let secret = false;
  let at = value;
  for (const key of ["", ...path]) {
    while (isSecretWrapper(at)) {
      secret = true;
      at = at.value;
    }
    if (key) at = (at as Record<string, unknown> | undefined)?.[key];
  }
  while (isSecretWrapper(at)) {
    secret = true;
    at = at.value;
  }
  return { value: at, secret };
}

describe("examples/aws-lambda under pulumi.runtime.setMocks", function () {
  this.timeout(120_000);
  const recorded: Recorded[] = [];
  let program: Record<string, pulumi.Output<unknown> | number>;
  const byType = (type: string) => recorded.filter((r) => r.type === type);
  const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => resolve(v)));

  before(async () => {
    linkPackage(DIR);
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
          const state: Record<string, unknown> = { ...args.inputs };
          if (args.type === "random:index/randomPassword:RandomPassword") state.result = `pw-${args.name}`;
          if (args.type === "aws:lambda/functionUrl:FunctionUrl") state.functionUrl = FUNCTION_URL;
          if (args.type === "aws:iam/role:Role") state.arn = `arn:aws:iam::123456789012:role/${args.name}`;
          if (args.type === "aws:lambda/function:Function") state.name = args.name;
          if (args.type === "pulumi-nodejs:dynamic/rekko:RekkoWebhook") state.webhookId = "wh-mocked";
          return { id: `${args.name}-id`, state };
        },
        call: () => ({}),
      },
      "rekko-aws-lambda",
      "dev",
      false,
    );
    program = require(join(DIR, "index.ts"));
    await value(program.acceptedSecrets as pulumi.Output<string[]>);
    await new Promise((r) => setTimeout(r, 500));
  });

  it("points the Rekko webhook at the function URL", async () => {
    const [webhook] = byType("pulumi-nodejs:dynamic/rekko:RekkoWebhook");
    expect(webhook?.inputs.url).to.equal(FUNCTION_URL);
    expect(webhook?.inputs.events).to.deep.equal(["price_shift", "whale_alert", "analysis_complete"]);
    expect(await value(program.receiverUrl as pulumi.Output<string>)).to.equal(FUNCTION_URL);
    const [url] = byType("aws:lambda/functionUrl:FunctionUrl");
    expect(url?.inputs).to.include({ functionName: "rekko-receiver", authorizationType: "NONE" });
    const permissions = byType("aws:lambda/permission:Permission").map((p) => p.inputs.action);
    expect(permissions).to.have.members(["lambda:InvokeFunctionUrl", "lambda:InvokeFunction"]);
  });

  it("gives the function exactly the accepted secrets, as a secret", async () => {
    const [fn] = byType("aws:lambda/function:Function");
    const env = lookup(fn?.inputs, ["environment", "variables", "REKKO_ACCEPTED_SECRETS"]);
    expect(env.secret, "REKKO_ACCEPTED_SECRETS is a secret input").to.equal(true);
    const accepted = await value(program.acceptedSecrets as pulumi.Output<string[]>);
    expect(accepted).to.deep.equal(["pw-alerts-secret-0", "pw-alerts-secret-1"]);
    expect(JSON.parse(String(env.value))).to.deep.equal(accepted);
    const [webhook] = byType("pulumi-nodejs:dynamic/rekko:RekkoWebhook");
    expect(accepted, "the webhook signs with an accepted secret").to.include(lookup(webhook?.inputs, ["secret"]).value);
  });

  it("deploys a handler bundle with the light receiver and no Pulumi code", async () => {
    const [fn] = byType("aws:lambda/function:Function");
    expect(fn?.inputs).to.include({ runtime: "nodejs22.x", handler: "index.handler" });
    const archive = fn?.inputs.code as pulumi.asset.AssetArchive;
    const assets = (await archive.assets) as Record<string, pulumi.asset.StringAsset>;
    expect(Object.keys(assets)).to.deep.equal(["index.js"]);
    const text = (await assets["index.js"]?.text) ?? "";
    expect(text).to.include("x-webhook-signature");
    for (const pulumiCode of ["@pulumi/", "pulumi.runtime", "RekkoWebhookWithSecret", "grpc", "got/dist"]) {
      expect(text.includes(pulumiCode), pulumiCode).to.equal(false);
    }
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(
      required.every((m) => m?.startsWith("node:")),
      `bundle requires ${required.join(", ")}`,
    ).to.equal(true);
    console.log(`      handler bundle: ${Buffer.byteLength(text)} bytes (minified, with the light receiver)`);
    expect(program.handlerBundleBytes).to.equal(Buffer.byteLength(text));
  });

  it("type-checks the program and its handler (strict)", () => {
    execFileSync(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", join(DIR, "tsconfig.json")], { stdio: "inherit" });
  });
});
