// A Rekko webhook delivering to an AWS Lambda function URL that verifies every delivery
// with the light receiver (`pulumi-rekko/receiver`), declared together. The function gets
// the webhook's accepted secrets (current, next, previous) as a Pulumi secret, so a
// rotation (`pulumi config set rotation 1 && pulumi up`) never fails a delivery.
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildSync } from "esbuild";
import { RekkoWebhookWithSecret } from "pulumi-rekko";

const config = new pulumi.Config();
// Increase by one to rotate the signing secret with no failed delivery (see README).
const rotation = config.getNumber("rotation") ?? 0;

// The handler, bundled: the light receiver and the handler only, no Pulumi code.
const [bundle] = buildSync({
  entryPoints: [path.join(__dirname, "handler.ts")],
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  minify: true,
  write: false,
}).outputFiles;
export const handlerBundleBytes = bundle?.contents.byteLength ?? 0;

// The webhook needs the function URL, and the function needs the webhook's secrets: the
// secrets come from the component's password slots, not from the webhook, so a deferred
// URL closes the loop without a cycle.
const [url, setUrl] = pulumi.deferredOutput<string>();
const hook = new RekkoWebhookWithSecret("alerts", {
  url,
  events: ["price_shift", "whale_alert", "analysis_complete"],
  rotation,
});

const role = new aws.iam.Role("rekko-receiver", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
new aws.iam.RolePolicyAttachment("rekko-receiver-logs", {
  role: role.name,
  policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
});

const fn = new aws.lambda.Function("rekko-receiver", {
  runtime: aws.lambda.Runtime.NodeJS22dX,
  handler: "index.handler",
  role: role.arn,
  memorySize: 256,
  timeout: 10,
  code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundle?.text ?? "") }),
  environment: {
    // The accepted secrets, as a secret: encrypted in the state, masked in every output.
    variables: { REKKO_ACCEPTED_SECRETS: pulumi.secret(hook.acceptedSecrets.apply((s) => JSON.stringify(s))) },
  },
});

const fnUrl = new aws.lambda.FunctionUrl("rekko-receiver", { functionName: fn.name, authorizationType: "NONE" });
// A public function URL needs both permissions; the second only for calls through the URL.
new aws.lambda.Permission("rekko-receiver-url", {
  function: fn.name,
  action: "lambda:InvokeFunctionUrl",
  principal: "*",
  functionUrlAuthType: "NONE",
});
new aws.lambda.Permission("rekko-receiver-invoke", {
  function: fn.name,
  action: "lambda:InvokeFunction",
  principal: "*",
  invokedViaFunctionUrl: true,
});
setUrl(fnUrl.functionUrl);

export const receiverUrl = fnUrl.functionUrl;
export const webhookId = hook.webhookId;
export const acceptedSecrets = hook.acceptedSecrets;
