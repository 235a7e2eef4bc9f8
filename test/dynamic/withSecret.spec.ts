import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { WEBHOOK_RESOURCE_TYPE } from "../../provider/core/orphans";

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const recorded: Recorded[] = [];

function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("RekkoWebhookWithSecret (pulumi.runtime.setMocks)", () => {
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
          const state: Record<string, unknown> = { ...args.inputs };
          if (args.type === "random:index/randomPassword:RandomPassword") {
            const keepers = (args.inputs.keepers ?? {}) as Record<string, string>;
            state.result = `pw-${args.name}-gen${keepers.generation}`;
          } else if (args.type === WEBHOOK_RESOURCE_TYPE) {
            state.webhookId = `wh-${args.name}`;
          }
          return { id: `${args.name}-id`, state };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
  });
  beforeEach(() => {
    recorded.length = 0;
  });

  const load = () => require("../../provider/dynamic/withSecret") as typeof import("../../provider/dynamic/withSecret");

  it("feeds a strong, header-safe password into the webhook and marks the secret outputs secret", async () => {
    const { RekkoWebhookWithSecret } = load();
    const hook = new RekkoWebhookWithSecret("alerts", { url: "https://hooks.example.com/r", events: ["whale_alert"] });
    expect(await value(hook.secret)).to.equal("pw-alerts-secret-0-gen0");
    expect(await value(hook.nextSecret)).to.equal("pw-alerts-secret-1-gen1");
    for (const o of [hook.secret, hook.nextSecret, hook.previousSecret, hook.acceptedSecrets]) {
      expect(await pulumi.isSecret(o as pulumi.Output<unknown>)).to.equal(true);
    }
    expect(await value(hook.acceptedSecrets)).to.deep.equal(["pw-alerts-secret-0-gen0", "pw-alerts-secret-1-gen1"]);
    expect(await value(hook.previousSecret)).to.equal("");
    expect(await value(hook.webhookId)).to.equal("wh-alerts");
    await value(hook.webhook.urn);
    const passwords = recorded.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
    expect(passwords.map((p) => p.name).sort()).to.deep.equal(["alerts-secret-0", "alerts-secret-1", "alerts-secret-2"]);
    for (const p of passwords) expect(p.inputs).to.include({ length: 48, special: false });
    const webhook = recorded.find((r) => r.type === WEBHOOK_RESOURCE_TYPE && r.name === "alerts");
    // The webhook's secret input is registered as a secret (a secret envelope around the password).
    expect(webhook?.inputs.secret).to.deep.equal({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: "pw-alerts-secret-0-gen0",
    });
    expect(webhook?.inputs.events).to.deep.equal(["whale_alert"]);
  });

  it("a rotation registers the secret published as next, keeps the previous, and pre-generates a new next", async () => {
    const { RekkoWebhookWithSecret } = load();
    const secrets = async (rotation: number) => {
      const h = new RekkoWebhookWithSecret(`rot${rotation}`, {
        url: "https://hooks.example.com/r",
        events: ["price_shift"],
        rotation,
      });
      const strip = (v: string) => v.replace(`rot${rotation}-`, "");
      return {
        current: strip(await value(h.secret)),
        next: strip(await value(h.nextSecret)),
        previous: strip(await value(h.previousSecret)),
        accepted: (await value(h.acceptedSecrets)).map(strip),
      };
    };
    const r0 = await secrets(0);
    const r1 = await secrets(1);
    const r2 = await secrets(2);
    const r3 = await secrets(3);
    expect(r1.current, "the new current secret was published as next before").to.equal(r0.next);
    expect(r1.previous).to.equal(r0.current);
    expect(r2.current).to.equal(r1.next);
    expect(r2.previous).to.equal(r1.current);
    expect(r3.current).to.equal(r2.next);
    expect(r3.previous).to.equal(r2.current);
    expect(r1.accepted).to.deep.equal([r1.current, r1.next, r1.previous]);
    for (const [before, after] of [
      [r0, r1],
      [r1, r2],
      [r2, r3],
    ] as const) {
      expect(before.accepted, "the old receiver config accepts the new webhook").to.include(after.current);
      expect(after.accepted, "the new receiver config accepts the old webhook").to.include(before.current);
    }
    expect(new Set([r3.current, r3.next, r3.previous]).size).to.equal(3);
  });

  it("refuses a bad rotation or secret length with a message naming it", () => {
    const { RekkoWebhookWithSecret } = load();
    expect(
      () => new RekkoWebhookWithSecret("bad", { url: "https://h.example.com", events: ["whale_alert"], rotation: -1 }),
    ).to.throw(/rotation must be an integer/);
    expect(
      () => new RekkoWebhookWithSecret("bad2", { url: "https://h.example.com", events: ["whale_alert"], secretLength: 8 }),
    ).to.throw(/secretLength must be an integer from 32 to 256/);
  });
});
