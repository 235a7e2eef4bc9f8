// The function behind the Lambda function URL: the light receiver only (bundled by esbuild
// in index.ts; no Pulumi code). The accepted secrets come from the stack through the
// REKKO_ACCEPTED_SECRETS environment variable (a JSON list, set as a Pulumi secret); a
// rotation's `pulumi up` updates it, and new instances read the new list.
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { createWebReceiver } from "pulumi-rekko/receiver";

// Made once per function instance: it keeps its imported keys and repeat memory across invocations.
const rekko = createWebReceiver({
  secrets: () => JSON.parse(process.env.REKKO_ACCEPTED_SECRETS ?? "[]") as string[],
  on: {
    whale_alert: (e) => console.log(JSON.stringify({ event: e.type, market: e.market_id, side: e.side, flow: e.flow })),
    price_shift: (e) => console.log(JSON.stringify({ event: e.type, market: e.market_id, change_pct: e.change_pct })),
    analysis_complete: (e) => console.log(JSON.stringify({ event: e.type, analysis: e.analysis_id })),
  },
  onEvent: (e) => console.log(JSON.stringify({ event: e.type, note: "not a documented shape" })),
  onError: (error) => console.error("rekko handler failed", error),
});

/** Lambda function URL handler (payload format 2.0). */
export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const method = event.requestContext.http.method;
  const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, "base64") : event.body;
  const request = new Request(`https://${event.requestContext.domainName}${event.rawPath}`, {
    method,
    headers: event.headers as Record<string, string>,
    body: method === "GET" || method === "HEAD" ? undefined : body,
  });
  const response = await rekko.handle(request);
  return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}
