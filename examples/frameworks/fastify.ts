// Fastify: in an encapsulated scope, take every body of the Rekko route as a raw Buffer
// (Fastify enforces the size limit with 413), then verify and handle it with the Node
// receiver's handleBody.
import Fastify, { type FastifyInstance } from "fastify";
import { createNodeReceiver, DEFAULT_MAX_BODY_BYTES, type ReceiverOptions } from "pulumi-rekko/receiver";

/** A Fastify app receiving Rekko deliveries on `POST /rekko`. */
export function createApp(options: ReceiverOptions<Buffer>): FastifyInstance {
  const rekko = createNodeReceiver(options);
  const app = Fastify();
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.post("/rekko", async (request, reply) => {
      const signature = request.headers["x-webhook-signature"];
      const result = await rekko.handleBody(request.body as Buffer, signature);
      return reply.code(result.status).send({ status: result.message, reason: result.reason });
    });
  });
  return app;
}
