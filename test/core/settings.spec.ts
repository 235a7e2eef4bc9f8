import { expect } from "chai";
import { resolveSettings } from "../../provider/core/settings";

describe("settings: a base URL problem prints no user:password", () => {
  it("an unparseable base with credentials is named without them", () => {
    for (const base of [
      "https://alice:pw-CRED-1@[api.rekko.ai",
      "https://pw-CRED-1@api rekko.ai/",
      "http://a:pw-CRED-1@:99999",
    ]) {
      let message = "";
      try {
        resolveSettings({ apiKey: "rk_pro_x", baseUrl: base }, {});
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, base).to.match(/^rekko:baseUrl .* is not an absolute URL/);
      expect(message, base).not.to.include("pw-CRED-1");
      expect(message, base).not.to.include("alice");
    }
  });

  it("a parseable base with credentials is refused without showing them", () => {
    expect(() => resolveSettings({ apiKey: "rk_pro_x", baseUrl: "https://alice:pw-CRED-2@api.rekko.ai" }, {}))
      .to.throw(/must not carry credentials/)
      .that.satisfies((e: Error) => !e.message.includes("pw-CRED-2") && !e.message.includes("alice"));
  });
});
