import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

const doc = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "webhooks-openapi.json"), "utf8")) as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: "rekko-openapi", ...doc } as object);

/**
 * Validates `body` against the documented response schema of `METHOD path` for `status`
 * (from webhooks-openapi.json, with a JSON Schema validator). Returns the errors, [] when valid.
 */
export function responseErrors(method: string, path: string, status: number, body: unknown): string[] {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`no documented operation ${method} ${path}`);
  const content = op.responses[String(status)]?.content?.["application/json"];
  if (!content) throw new Error(`no documented ${status} response for ${method} ${path}`);
  const pointer = `rekko-openapi#/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
  const validate = ajv.getSchema(pointer);
  if (!validate) throw new Error(`schema not found: ${pointer}`);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The error shape of non-422 errors: `{"detail": "<message>"}`. */
export function isDetailError(body: unknown): boolean {
  return !!body && typeof body === "object" && typeof (body as { detail?: unknown }).detail === "string";
}
