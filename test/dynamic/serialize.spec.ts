import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { webhookProvider } from "../../provider/dynamic/provider";

describe("serialized provider", () => {
  it("captures no API key and stays small", async () => {
    const key = "rk_pro_serialize_test_key_9999999";
    process.env.REKKO_API_KEY = key;
    try {
      // What every RekkoWebhook stores as __provider.
      const closure = await pulumi.runtime.serializeFunction(() => webhookProvider, { allowSecrets: false });
      const text = closure.text;
      expect(text).not.to.include(key);
      expect(text).not.to.include("got");
      expect(text).to.include("pulumi-rekko/runtime");
      // The budget for the stored provider code; the measured size is printed for the notes.
      console.log(
        `      serialized provider (from the TypeScript sources via tsx; the package test measures the installed one): ${Buffer.byteLength(text)} bytes`,
      );
      expect(Buffer.byteLength(text)).to.be.below(16 * 1024);
    } finally {
      delete process.env.REKKO_API_KEY;
    }
  });
});
