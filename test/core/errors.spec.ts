import { expect } from "chai";
import {
  RekkoAuthenticationError,
  RekkoConfigError,
  RekkoConflictError,
  RekkoError,
  RekkoNetworkError,
  RekkoNotFoundError,
  RekkoPlanError,
  RekkoQuotaError,
  RekkoRateLimitError,
  RekkoResponseError,
  RekkoServerError,
  RekkoValidationError,
} from "../../provider/core/errors";
import { errorFromResponse, isQuotaResponse, quotaDetails } from "../../provider/core/responses";

const req = "POST /v1/webhooks";

describe("errors", () => {
  it("401 says how to set the key, both ways", () => {
    const e = errorFromResponse(401, { detail: "Invalid API key" }, req);
    expect(e).to.be.instanceOf(RekkoAuthenticationError).and.instanceOf(RekkoError);
    expect(e.code).to.equal("ERR_REKKO_AUTH");
    expect(e.message).to.include("rekko:apiKey").and.include("REKKO_API_KEY").and.include("Invalid API key");
  });
  it("403 and a quota 429 say webhooks need the Pro plan", () => {
    const forbidden = errorFromResponse(403, { detail: "Plan lacks endpoint" }, req);
    expect(forbidden).to.be.instanceOf(RekkoPlanError);
    const quota = errorFromResponse(
      429,
      { detail: "Monthly DEEP quota exceeded (0/0). Resets on 2027-01-01." },
      req,
      "2027-01-01T00:00:00Z",
    );
    expect(quota).to.be.instanceOf(RekkoPlanError);
    expect(quota.code).to.equal("ERR_REKKO_PLAN");
    expect(quota.message).to.match(/Pro plan/);
  });
  it("a quota 429 is a RekkoQuotaError naming the quota, the usage and the reset date", () => {
    const e = errorFromResponse(
      429,
      { detail: "Monthly DEEP quota exceeded (10/10). Resets on 2027-01-01. Upgrade to Enterprise for more." },
      req,
      "2027-01-01T00:00:00Z",
    );
    expect(e).to.be.instanceOf(RekkoQuotaError).and.instanceOf(RekkoPlanError);
    const q = e as RekkoQuotaError;
    expect({ tier: q.tier, used: q.used, limit: q.limit, resetsOn: q.resetsOn }).to.deep.equal({
      tier: "DEEP",
      used: 10,
      limit: 10,
      resetsOn: "2027-01-01",
    });
    expect(q.message)
      .to.include("monthly DEEP quota is used up (10 of 10 calls used)")
      .and.include("resets on 2027-01-01 (UTC)")
      .and.include("retrying sooner cannot succeed");
    expect(q.message).not.to.include("no DEEP calls");
  });
  it("a quota 429 without usage in its detail takes the reset day from the ISO Retry-After", () => {
    expect(quotaDetails({ detail: "Quota exceeded." }, "2027-02-01T00:00:00Z")).to.deep.equal({
      tier: "DEEP",
      used: undefined,
      limit: undefined,
      resetsOn: "2027-02-01",
    });
  });
  it("a short 429 is a rate limit", () => {
    const e = errorFromResponse(429, { detail: "Rate limit exceeded. Try again in 2 seconds." }, req, "2");
    expect(e).to.be.instanceOf(RekkoRateLimitError);
    expect(e.code).to.equal("ERR_REKKO_RATE_LIMIT");
  });
  it("tells a quota from a rate limit by message or by a far Retry-After date", () => {
    const now = Date.parse("2026-11-29T00:00:00Z");
    expect(isQuotaResponse({ detail: "Rate limit exceeded." }, "2", now)).to.equal(false);
    expect(isQuotaResponse({ detail: "x" }, "2026-12-01T00:00:00Z", now)).to.equal(true);
    expect(isQuotaResponse({ detail: "x" }, "Sun, 29 Nov 2026 00:00:03 GMT", now)).to.equal(false);
    expect(isQuotaResponse({ detail: "Monthly DEEP quota exceeded" }, undefined, now)).to.equal(true);
  });
  it("422 lists one line per field", () => {
    const e = errorFromResponse(
      422,
      {
        detail: [
          { loc: ["body", "url"], msg: "Field required", type: "missing" },
          { loc: ["body", "events", 0], msg: "Input should be 'price_shift'", type: "enum" },
        ],
      },
      req,
    ) as RekkoValidationError;
    expect(e).to.be.instanceOf(RekkoValidationError);
    expect(e.fields).to.deep.equal([
      { field: "body.url", message: "Field required" },
      { field: "body.events.0", message: "Input should be 'price_shift'" },
    ]);
    expect(e.message.split("\n")).to.include.members([
      "  - body.url: Field required",
      "  - body.events.0: Input should be 'price_shift'",
    ]);
  });
  it("422 shows only each entry's loc and msg, never the input the API echoes (it may hold the secret)", () => {
    const secret = "echoed-signing-secret-0123456789";
    const e = errorFromResponse(
      422,
      {
        detail: [
          {
            loc: ["body", "url"],
            msg: "Field required",
            type: "missing",
            input: { events: ["whale_alert"], secret },
            ctx: { secret },
          },
        ],
      },
      req,
    ) as RekkoValidationError;
    expect(e.message).to.include("body.url: Field required");
    expect(e.message).not.to.include(secret);
    expect(JSON.stringify(e.fields)).not.to.include(secret);
  });

  it("5xx is a server error with the status", () => {
    const e = errorFromResponse(503, undefined, "GET /v1/webhooks");
    expect(e).to.be.instanceOf(RekkoServerError);
    expect(e.status).to.equal(503);
    expect(e.message).to.include("GET /v1/webhooks").and.include("503");
  });
  it("prints as one line, not a stack trace", () => {
    const e = errorFromResponse(401, undefined, req);
    expect(e.stack).to.equal(`ERR_REKKO_AUTH: ${e.message}`);
  });
  it("an unexpected status is a response error (ERR_REKKO_RESPONSE) naming the request and status", () => {
    const e = errorFromResponse(418, { detail: "teapot" }, req);
    expect(e).to.be.instanceOf(RekkoResponseError);
    expect(e.code).to.equal("ERR_REKKO_RESPONSE");
    expect(e.message).to.include(req).and.include("418").and.include('"teapot"');
  });
  it("each class owns its code: callers give only the message", () => {
    const cases: [RekkoError, string][] = [
      [new RekkoConfigError("m"), "ERR_REKKO_CONFIG"],
      [new RekkoAuthenticationError("m"), "ERR_REKKO_AUTH"],
      [new RekkoPlanError("m"), "ERR_REKKO_PLAN"],
      [new RekkoValidationError("m", []), "ERR_REKKO_VALIDATION"],
      [new RekkoRateLimitError("m"), "ERR_REKKO_RATE_LIMIT"],
      [new RekkoNotFoundError("m"), "ERR_REKKO_NOT_FOUND"],
      [new RekkoConflictError("m"), "ERR_REKKO_CONFLICT"],
      [new RekkoServerError("m"), "ERR_REKKO_SERVER"],
      [new RekkoNetworkError("m"), "ERR_REKKO_NETWORK"],
      [new RekkoResponseError("m"), "ERR_REKKO_RESPONSE"],
    ];
    for (const [e, code] of cases) {
      expect(e.code, e.name).to.equal(code);
      expect(e.stack, e.name).to.equal(`${code}: m`);
      expect(e).to.be.instanceOf(RekkoError);
    }
  });
});
