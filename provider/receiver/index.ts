/**
 * `pulumi-rekko/receiver`: verify and handle Rekko deliveries without loading the Pulumi SDK
 * or any dependency. Two faces over one implementation:
 * - web-standard ({@link verifyRekkoRequest}, {@link handleRekkoRequest}): WebCrypto and the
 *   Fetch API, for Node ≥ 22, Bun, Deno, Workers, edge functions and Next.js route handlers;
 * - Node ({@link createWebhookHandler}, {@link processDelivery}, {@link verifySignature}):
 *   node:http and node:crypto.
 * Bundlers targeting a browser/worker platform resolve the web face alone (`index.web.ts`).
 * @packageDocumentation
 */
export * from "./index.web.js";
export { createWebhookHandler, processDelivery, type ReceiverOptions } from "./node.js";
export { type RawBody, signPayload, verifySignature } from "./signature.js";
