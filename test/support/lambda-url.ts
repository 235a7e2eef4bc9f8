// A loopback stand-in for an AWS Lambda function URL: each HTTP request becomes a payload
// format 2.0 event (as AWS builds it: lower-case headers joined by commas, the body as text,
// or base64 with isBase64Encoded), and the handler's result becomes the HTTP answer.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";

export type UrlHandler = (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;

/** Serves `handler` on 127.0.0.1; `base64` makes every body arrive base64-encoded (as AWS does for binary content types). */
export function functionUrlServer(handler: UrlHandler, base64: boolean): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://localhost");
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
      }
      const now = new Date();
      const event: LambdaFunctionURLEvent = {
        version: "2.0",
        routeKey: "$default",
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        requestContext: {
          accountId: "anonymous",
          apiId: "rekkofn",
          domainName: "rekkofn.lambda-url.eu-west-1.on.aws",
          domainPrefix: "rekkofn",
          http: {
            method: req.method ?? "GET",
            path: url.pathname,
            protocol: "HTTP/1.1",
            sourceIp: "127.0.0.1",
            userAgent: headers["user-agent"] ?? "",
          },
          requestId: randomUUID(),
          routeKey: "$default",
          stage: "$default",
          time: now.toUTCString(),
          timeEpoch: now.getTime(),
        },
        body: raw.length ? raw.toString(base64 ? "base64" : "utf8") : undefined,
        isBase64Encoded: base64,
      };
      const result = await handler(event);
      // A string result is a 200 JSON body, as Lambda treats it.
      const answer = typeof result === "string" ? { statusCode: 200, body: result } : result;
      res.writeHead(answer.statusCode ?? 200, answer.headers as Record<string, string>);
      res.end(answer.body);
    });
  });
}
