import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import * as rootExport from "../../provider";
import { RekkoResponseError } from "../../provider";
import { RekkoClient } from "../../provider/core/client";
import { RateLimiter } from "../../provider/core/rateLimit";

/** A server that answers every request with the given status and body. */
async function answering(status: number, body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("answers the client cannot read (ERR_REKKO_RESPONSE)", () => {
  const cases: [string, number, string, RegExp][] = [
    ["a body that is not JSON", 200, "<html>gateway</html>", /GET \/v1\/webhooks answered with a body that is not JSON/],
    ["a list that is not a list", 200, '{"webhooks": []}', /GET \/v1\/webhooks did not answer a list/],
    ["a webhook without an id", 200, '[{"url": "https://x.example.com"}]', /answered a webhook without webhook_id/],
    ["an undocumented 4xx", 418, '{"detail": "teapot"}', /GET \/v1\/webhooks failed with 418/],
  ];
  for (const [name, status, body, message] of cases) {
    it(`${name} fails with RekkoResponseError naming the request`, async () => {
      const { url, server } = await answering(status, body);
      try {
        const client = new RekkoClient({
          baseUrl: url,
          apiKey: "rk_pro_responses_test_key_1",
          limiter: new RateLimiter(100_000),
        });
        const err = await client.listWebhooks().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(RekkoResponseError);
        expect((err as RekkoResponseError).code).to.equal("ERR_REKKO_RESPONSE");
        expect((err as Error).message).to.match(message);
      } finally {
        server.close();
      }
    });
  }
});

describe("the root export (docs/API.md)", () => {
  it("does not carry the response-reading internals", () => {
    const root = rootExport as Record<string, unknown>;
    for (const name of ["errorFromResponse", "validationFields", "isQuotaResponse"]) {
      expect(root[name], name).to.equal(undefined);
    }
    expect(root.RekkoResponseError).to.equal(RekkoResponseError);
  });
});
