import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { RekkoConfigError } from "../../provider/core/errors";
import { WebhookSession } from "../../provider/core/session";
import {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_REQUESTS_PER_MINUTE,
  missingKeyError,
  resolveSettings,
} from "../../provider/core/settings";

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

describe("settings: stack config, then the environment, then the default", () => {
  const env = {
    REKKO_API_KEY: "rk_pro_from_env",
    REKKO_BASE_URL: "http://127.0.0.1:8080",
    REKKO_MAX_REQUESTS_PER_MINUTE: "30",
  };

  it("stack config wins over the environment, setting by setting", () => {
    expect(
      resolveSettings({ apiKey: "rk_pro_from_config", baseUrl: "https://api.example.com", maxRequestsPerMinute: 60 }, env),
    ).to.deep.include({ apiKey: "rk_pro_from_config", baseUrl: "https://api.example.com", maxRequestsPerMinute: 60 });
    expect(resolveSettings({ apiKey: "rk_pro_from_config" }, env)).to.deep.include({
      apiKey: "rk_pro_from_config",
      baseUrl: "http://127.0.0.1:8080",
      maxRequestsPerMinute: 30,
    });
    expect(resolveSettings({ apiKey: " ", baseUrl: "" }, env)).to.deep.include({
      apiKey: "rk_pro_from_env",
      baseUrl: "http://127.0.0.1:8080",
    });
  });

  it("with neither, the documented defaults; no key at all is left for the call that needs one", () => {
    expect(resolveSettings({}, {})).to.deep.equal({
      apiKey: undefined,
      baseUrl: DEFAULT_BASE_URL,
      local: false,
      maxRequestsPerMinute: DEFAULT_MAX_REQUESTS_PER_MINUTE,
    });
  });
});

describe("settings: the defaults the schema and the registry docs state are the code's", () => {
  it("rekko:baseUrl and rekko:maxRequestsPerMinute default in schema.json to DEFAULT_BASE_URL and DEFAULT_MAX_REQUESTS_PER_MINUTE", () => {
    const schema = JSON.parse(readFileSync(join(__dirname, "..", "..", "provider", "native", "schema.json"), "utf8")) as {
      config: { variables: Record<string, { default?: unknown; description?: string }> };
    };
    const { apiKey, baseUrl, maxRequestsPerMinute } = schema.config.variables;
    expect(baseUrl?.default).to.equal(DEFAULT_BASE_URL);
    expect(maxRequestsPerMinute?.default).to.equal(DEFAULT_MAX_REQUESTS_PER_MINUTE);
    expect(apiKey?.default).to.equal(undefined);
  });
});

describe("settings: each error names its setting in a field", () => {
  const cases: [string, Parameters<typeof resolveSettings>[0], string][] = [
    ["an unparseable base", { baseUrl: "not a url" }, "rekko:baseUrl"],
    ["a base with credentials", { baseUrl: "https://a:b@api.rekko.ai" }, "rekko:baseUrl"],
    ["a plain-http remote base", { baseUrl: "http://api.example.com" }, "rekko:baseUrl"],
    ["a negative rate", { maxRequestsPerMinute: -1 }, "rekko:maxRequestsPerMinute"],
    ["a rate that is no number", { maxRequestsPerMinute: "fast" }, "rekko:maxRequestsPerMinute"],
  ];
  for (const [what, raw, setting] of cases) {
    it(`${what}: RekkoConfigError.setting is ${setting}`, () => {
      let error: unknown;
      try {
        resolveSettings({ apiKey: "rk_pro_x", ...raw }, {});
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(RekkoConfigError);
      expect((error as RekkoConfigError).setting).to.equal(setting);
    });
  }

  it("the missing-key error is about rekko:apiKey (its message does not start with the name)", () => {
    const e = missingKeyError();
    expect(e.setting).to.equal("rekko:apiKey");
    expect(e.message).not.to.match(/^rekko:/);
  });
});

describe("session: settings are parsed once per configure", () => {
  it("resolves once, keeping the result (or the error) for every later call", () => {
    const saved = process.env.REKKO_BASE_URL;
    try {
      process.env.REKKO_BASE_URL = "https://api.rekko.ai";
      const ok = new WebhookSession({ apiKey: "rk_pro_x" });
      expect(ok.settings().baseUrl).to.equal("https://api.rekko.ai");
      process.env.REKKO_BASE_URL = "http://api.example.com";
      expect(ok.settings().baseUrl, "not parsed again").to.equal("https://api.rekko.ai");
      const bad = new WebhookSession({ apiKey: "rk_pro_x" });
      const first = (() => {
        try {
          return bad.settings();
        } catch (e) {
          return e;
        }
      })();
      process.env.REKKO_BASE_URL = "https://api.rekko.ai";
      expect(() => bad.settings())
        .to.throw(RekkoConfigError)
        .that.equals(first);
    } finally {
      if (saved === undefined) delete process.env.REKKO_BASE_URL;
      else process.env.REKKO_BASE_URL = saved;
    }
  });

  it("check reports a settings failure under the error's setting field", () => {
    const failures = new WebhookSession({ apiKey: "rk_pro_x", maxRequestsPerMinute: 0 }).check({
      url: "https://hooks.example.com/h",
      events: ["whale_alert"],
    }).failures;
    expect(failures.map((f) => f.property)).to.deep.equal(["rekko:maxRequestsPerMinute"]);
  });
});
