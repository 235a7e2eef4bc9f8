import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { RekkoWebhookWithSecret } from "pulumi-rekko";
import { LocalReceiver } from "pulumi-rekko/testing";

const config = new pulumi.Config();
// Increase by one to rotate a webhook's secret with no failed delivery (see README).
const marketsRotation = config.getNumber("marketsRotation") ?? 0;
const researchRotation = config.getNumber("researchRotation") ?? 0;

// Webhooks for two teams of event types, delivering to one receiving service.
const [url, setUrl] = pulumi.deferredOutput<string>();
const markets = new RekkoWebhookWithSecret("markets", { url, events: ["price_shift", "whale_alert"], rotation: marketsRotation });
const research = new RekkoWebhookWithSecret("research", { url, events: ["analysis_complete"], rotation: researchRotation });

// The receiver accepts every secret either webhook may sign with right now.
export const acceptedSecrets = pulumi.secret(
  pulumi.all([markets.acceptedSecrets, research.acceptedSecrets]).apply(([a, b]) => [...a, ...b]),
);

// Local receiving infrastructure, given the accepted secrets; in production this is your
// function or container with REKKO_ACCEPTED_SECRETS set from `acceptedSecrets` (see server.ts,
// and examples/aws-lambda for a Lambda function URL).
const receiver = new LocalReceiver("receiver", { acceptedSecrets, dir: path.join(__dirname, ".receiver") });
setUrl(receiver.url);

export const receiverUrl = receiver.url;
export const receiverLog = receiver.logFile;
export const webhookIds = { markets: markets.webhookId, research: research.webhookId };
