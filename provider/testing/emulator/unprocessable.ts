/**
 * The API's own 422 answers for `POST /v1/webhooks`, shaped as FastAPI/pydantic gives them.
 * Written independently of pulumi-rekko's validation (core/validation.ts) on purpose: the
 * emulator plays the server, so our checks are tested against it, not against themselves.
 */
import { EVENT_TYPES, isEventType } from "../../core/events";
import { isJsonType } from "./http";

/** A registration the API accepts. */
export interface Registration {
  url: string;
  events: string[];
  secret: string;
}

/** Parses and checks a registration body: the 422 `detail` list, or the registration. */
export function parseRegistration(contentType: string | undefined, raw: Buffer): { detail: unknown[] } | Registration {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch (err) {
    return {
      detail: [
        { type: "json_invalid", loc: ["body", 0], msg: "JSON decode error", input: {}, ctx: { error: (err as Error).message } },
      ],
    };
  }
  if (!isJsonType(contentType) || !body || typeof body !== "object" || Array.isArray(body)) {
    return {
      detail: [
        {
          type: "model_attributes_type",
          loc: ["body"],
          msg: "Input should be a valid dictionary or object to extract fields from",
          input: typeof body === "object" ? body : String(body),
        },
      ],
    };
  }
  const b = body as Record<string, unknown>;
  const detail: unknown[] = [];
  const missing = (f: string) => detail.push({ type: "missing", loc: ["body", f], msg: "Field required", input: b });
  if (b.url === undefined) missing("url");
  else if (typeof b.url !== "string")
    detail.push({ type: "string_type", loc: ["body", "url"], msg: "Input should be a valid string", input: b.url });
  else if (!URL.canParse(b.url) || !["https:", "http:"].includes(new URL(b.url).protocol)) {
    detail.push({ type: "url_parsing", loc: ["body", "url"], msg: "Input should be a valid URL", input: b.url });
  }
  if (b.events === undefined) missing("events");
  else if (!Array.isArray(b.events))
    detail.push({ type: "list_type", loc: ["body", "events"], msg: "Input should be a valid list", input: b.events });
  else
    b.events.forEach((e, i) => {
      if (typeof e !== "string")
        detail.push({ type: "string_type", loc: ["body", "events", i], msg: "Input should be a valid string", input: e });
      else if (!isEventType(e)) {
        detail.push({
          type: "enum",
          loc: ["body", "events", i],
          msg: `Input should be ${EVENT_TYPES.map((t) => `'${t}'`).join(", ")}`,
          input: e,
          ctx: { expected: EVENT_TYPES.join(", ") },
        });
      }
    });
  if (b.secret !== undefined && typeof b.secret !== "string") {
    detail.push({ type: "string_type", loc: ["body", "secret"], msg: "Input should be a valid string", input: "***" });
  }
  if (detail.length > 0) return { detail };
  return { url: b.url as string, events: [...new Set(b.events as string[])], secret: (b.secret as string | undefined) ?? "" };
}
