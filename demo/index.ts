// The quick-start stack: a receiving service and the Rekko webhook that feeds it, with a
// signing secret generated in the stack and handed to the receiver as a secret.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EVENT_TYPES, type RekkoEventType, RekkoWebhookWithSecret } from "pulumi-rekko";
import { LocalReceiver } from "pulumi-rekko/testing";

const config = new pulumi.Config();
const events = config.getObject<RekkoEventType[]>("events") ?? [...EVENT_TYPES];
const rotation = config.getNumber("rotation") ?? 0;
// Against the real API, give the public https URL of a receiver you run: `pulumi config set receiverUrl https://…`.
const publicUrl = config.get("receiverUrl");

const [url, setUrl] = pulumi.deferredOutput<string>();
let deliveryLog: pulumi.Output<string> | undefined;
const hook = new RekkoWebhookWithSecret("alerts", { url, events, rotation });

if (publicUrl) {
  setUrl(pulumi.output(publicUrl));
} else {
  const receiver = new LocalReceiver("receiver", {
    acceptedSecrets: hook.acceptedSecrets,
    dir: path.join(__dirname, "..", ".work", "demo", "receiver"),
  });
  deliveryLog = receiver.logFile;
  setUrl(receiver.url);
}

export const receiverUrl = url;
export const webhookId = hook.webhookId;
export const signingSecret = hook.secret;
export const acceptedSecrets = hook.acceptedSecrets;
export const enabled = hook.enabled;
export const receiverLog = deliveryLog;
