/**
 * `pulumi-rekko/receiver`: verify and handle Rekko deliveries without loading the Pulumi SDK
 * or any dependency. Two faces over one implementation, each a receiver object with the same
 * verbs (`handle`, `handleBody`, `verify`, `verifyBody`):
 * - web-standard ({@link createWebReceiver}): WebCrypto and the Fetch API, for Node ≥ 22, Bun,
 *   Deno, Workers, edge functions and Next.js route handlers;
 * - Node ({@link createNodeReceiver}): node:http and node:crypto; also {@link verifySignature}
 *   and {@link signPayload}.
 *
 * Bundlers targeting a browser/worker platform resolve the web face alone (`index.web.ts`).
 * @packageDocumentation
 */
export * from "./index.web.js";
export { createNodeReceiver, createWebhookHandler, type NodeReceiver } from "./node.js";
export { type RawBody, signPayload, verifySignature } from "./signature.js";
