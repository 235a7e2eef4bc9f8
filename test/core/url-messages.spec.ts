import { expect } from "chai";
import { WebhookSession } from "../../provider/core/session";
import { RekkoEmulator } from "../../provider/testing";
import { call } from "../support/http";

describe("session: messages never show a receiver url", () => {
  let emu: RekkoEmulator;
  before(async () => {
    emu = await RekkoEmulator.start();
  });
  after(() => emu.stop());

  it("an adoption refused for a different url names neither url", async () => {
    const registered = "https://recv.example.org/hooks/tok-REGISTERED-1";
    const made = await call(emu.url, "POST", "/v1/webhooks", {
      key: emu.apiKey,
      json: { url: registered, events: ["whale_alert"] },
    });
    const id = (made.body as { webhook_id: string }).webhook_id;
    const session = new WebhookSession({ apiKey: emu.apiKey, baseUrl: emu.url });
    let message = "";
    await session
      .create({ url: "https://recv.example.org/hooks/tok-DECLARED-2", events: ["whale_alert"], adoptWebhookId: id })
      .catch((e: Error) => {
        message = e.message;
      });
    expect(message).to.match(/Cannot adopt webhook .*url: the declared url is not the registered one/);
    for (const part of ["tok-REGISTERED-1", "tok-DECLARED-2", "recv.example.org"]) expect(message, part).not.to.include(part);
  });
});
