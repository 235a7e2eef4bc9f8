import type { EngineEvent } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { RekkoEmulator } from "../../provider/testing";
import { type TestProject, webhooksProject } from "../support/engine";

/**
 * Issue 11 item 4 through the real CLI: a check failure about a receiver URL must print no
 * user:password, and when the url is a Pulumi secret, no part of it. The engine prints the
 * value of the property a check failure names (`property url value {…}`) and masks a secret
 * only where its whole value appears, so these runs read everything the CLI printed, the
 * error the Automation API raised and the engine's event stream.
 */
describe("engine: receiver URL credentials and secret URLs never reach the CLI output", function () {
  this.timeout(600_000);
  let emu: RekkoEmulator;
  let project: TestProject;
  before(async () => {
    emu = await RekkoEmulator.start();
    project = await webhooksProject(emu);
  });
  after(async () => {
    await project?.destroyAndRemove();
    await emu?.stop();
  });

  /** Runs a preview that must fail: everything the CLI printed, the raised error and the engine events, as one text. */
  const failingPreview = async (hooks: unknown[], plainUrl = "", plainSecret = ""): Promise<string> => {
    await project.stack.setConfig("hooks", { value: JSON.stringify(hooks) });
    // A plain url comes through the environment: in the stack config the engine would echo it
    // itself (config is the input of the default provider), whatever the failure says.
    project.stack.workspace.envVars.REKKO_TEST_PLAIN_URL = plainUrl;
    project.stack.workspace.envVars.REKKO_TEST_PLAIN_SECRET = plainSecret;
    const seen: string[] = [];
    let failed = false;
    await project.stack
      .preview({
        onOutput: (o) => seen.push(o),
        onEvent: (e: EngineEvent) => seen.push(JSON.stringify(e)),
        diff: true,
      })
      .catch((e: Error) => {
        failed = true;
        seen.push(e.message);
      });
    expect(failed, "preview must fail").to.equal(true);
    expect(
      emu.requests().filter((r) => r.path.startsWith("/v1/")),
      "no API call",
    ).to.deep.equal([]);
    return seen.join("\n");
  };

  it("a url with user:password: the failure names the problem and prints neither the user nor the password", async () => {
    const text = await failingPreview(
      [{ name: "creds", url: "", urlEnv: "REKKO_TEST_PLAIN_URL", events: ["whale_alert"] }],
      "https://alice:pw-CRED-4711@receiver.example.com/hooks",
    );
    expect(text).not.to.include("pw-CRED-4711");
    expect(text).not.to.include("alice");
    expect(text).not.to.match(/property url value/);
    expect(text).to.include("resource 'creds' has a problem: url must not carry a user name or password");
  });

  it("an unparseable url with user:password prints neither", async () => {
    const text = await failingPreview(
      [{ name: "broken", url: "", urlEnv: "REKKO_TEST_PLAIN_URL", events: ["whale_alert"] }],
      "https://alice:pw-CRED-4712@[receiver/hooks",
    );
    expect(text).not.to.include("pw-CRED-4712");
    expect(text).not.to.include("alice");
    expect(text).to.include("resource 'broken' has a problem: url is not an absolute URL");
  });

  it("a secret url (a token in the path, a private host) is shown nowhere, not even in part", async () => {
    const token = "tok-SECRET-5678";
    const url = `https://10.1.2.3/hooks/${token}/${"padding".repeat(12)}`;
    await project.stack.setConfig("secretUrl", { value: url, secret: true });
    const text = await failingPreview([{ name: "secret-url", url: "", secretUrl: true, events: ["whale_alert"] }]);
    for (const part of [url, token, "10.1.2.3", "padding", "/hooks/"]) expect(text, part).not.to.include(part);
    expect(text).to.include("resource 'secret-url' has a problem: url points to a private, link-local or reserved address");
  });

  it("a secret url with user:password over http is shown nowhere", async () => {
    const url = "http://bob:pw-CRED-4713@receiver.example.com/hooks/tok-SECRET-9999";
    await project.stack.setConfig("secretUrl", { value: url, secret: true });
    const text = await failingPreview([{ name: "secret-creds", url: "", secretUrl: true, events: ["whale_alert"] }]);
    for (const part of ["pw-CRED-4713", "bob", "tok-SECRET-9999", "receiver.example.com"])
      expect(text, part).not.to.include(part);
    expect(text).to.include("resource 'secret-creds' has a problem: url must not carry a user name or password");
  });

  it("a signing secret given as a plain string and refused is not printed by the engine either", async () => {
    const text = await failingPreview(
      [
        {
          name: "plain-secret",
          url: "https://recv.example.org/h",
          secretEnv: "REKKO_TEST_PLAIN_SECRET",
          events: ["whale_alert"],
        },
      ],
      "",
      "short-PLAIN-1",
    );
    expect(text).not.to.include("short-PLAIN-1");
    expect(text).to.include(
      "resource 'plain-secret' has a problem: secret is (secret, 13 chars); it must be 16 to 1024 characters",
    );
  });
});
