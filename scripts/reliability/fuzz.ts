/**
 * Suite 4, bad input: property-based runs (fast-check) against `check` (validation.ts
 * `checkInputs` and the runtime's `check`), the receiver (a Node receiver's `handleBody`, and
 * `createWebhookHandler` over HTTP) and the emulator's endpoints over real HTTP. Each property
 * requires: no throw, no rejection, no unhandled rejection, and every refusal either a check
 * failure that names the field or a 4xx answer whose body names it.
 */
import { createHmac } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { EVENT_TYPES } from "../../provider/core/events";
import { hostKind } from "../../provider/core/hosts";
import { checkInputs } from "../../provider/core/validation";
import { isUnknown, UNKNOWN } from "../../provider/dynamic/protocol";
import * as rt from "../../provider/dynamic/runtime";
import { createNodeReceiver, createWebhookHandler } from "../../provider/receiver/node";
import { RekkoEmulator } from "../../provider/testing";

/** The figures of one property run. */
export interface FuzzReport {
  name: string;
  runs: number;
  seed: number;
  /** Outcome histogram (e.g. `accepted`, `refused:url`, `401`). */
  outcomes: Record<string, number>;
  problems: string[];
  unhandledRejections: number;
  ms: number;
}

const FIELDS = ["url", "events", "secret", "adoptWebhookId"] as const;
const SETTINGS = ["rekko:apiKey", "rekko:baseUrl", "rekko:maxRequestsPerMinute"] as const;
const MAX_REASON = 2000;

/** A secret no generated url, event or message contains by chance. */
const secretArb = fc.string({ unit: "binary", maxLength: 1100 }).map((s) => `ZQXJ${s}VKWQ`);
const printable = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 16,
  maxLength: 200,
});

const hostArb = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.ipV6().map((h) => `[${h}]`),
  fc.ipV4().map((h) => `[::ffff:${h}]`),
  fc.ipV4().map((h) => `[64:ff9b::${h}]`),
  fc.constantFrom("localhost", "LOCALHOST.", "a.localhost", "[::]", "[::1]", "0", "127.1", "0x7f.1", "[fe80::1]", "[fd00::1]"),
);

/** Receiver URLs: plausible, hostile and plain garbage. */
export const urlArb = fc.oneof(
  fc.webUrl({ validSchemes: ["https", "http"], withQueryParameters: true, withFragments: true }),
  fc
    .tuple(
      fc.constantFrom("https", "http", "HTTPS", "javascript", "file", "data", "ftp", "ws", "wss", "gopher", "blob"),
      hostArb,
      fc.webPath(),
    )
    .map(([scheme, host, path]) => `${scheme}://${host}${path}`),
  fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), hostArb).map(([u, p, h]) => `https://${u}:${p}@${h}/x`),
  fc
    .tuple(
      fc.webUrl(),
      fc.integer({ min: 0, max: 40 }),
      fc.constantFrom("\u0000", "\n", "\t", " ", "\u007f", "\u0085", "\u00a0", "\u200b", "\u202e", "\u2028", "\ufeff", "\ud800"),
    )
    .map(([u, at, c]) => `${u.slice(0, at)}${c}${u.slice(at)}`),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.integer({ min: 2040, max: 2100 }).map((n) => `https://hooks.example.com/${"a".repeat(n - 26)}`),
  fc.constant(UNKNOWN),
  fc.anything(),
);

const eventArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...EVENT_TYPES) },
  { weight: 1, arbitrary: fc.constantFrom("WHALE_ALERT", "whale_alert ", "", "price-shift", UNKNOWN, "__proto__", "toString") },
  { weight: 1, arbitrary: fc.anything() },
);
export const eventsArb = fc.oneof(
  { weight: 5, arbitrary: fc.array(eventArb, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constant(UNKNOWN) },
  { weight: 1, arbitrary: fc.anything() },
);

const newsArb = fc.record(
  {
    url: urlArb,
    events: eventsArb,
    secret: fc.oneof(secretArb, fc.constantFrom("", null, UNKNOWN), fc.anything()),
    adoptWebhookId: fc.oneof(
      fc.string({ maxLength: 140 }),
      fc.stringMatching(/^wh-[0-9a-f]{12}$/),
      fc.constant(UNKNOWN),
      fc.anything(),
    ),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

/** Inputs the check must accept (public https host, documented events, a good secret). */
const validArb = fc.record({
  url: fc
    .tuple(fc.domain(), fc.webPath(), fc.constantFrom("", "?a=1", ":8443"))
    .filter(([d]) => hostKind(d) === "public")
    .map(([d, p, tail]) => (tail.startsWith(":") ? `https://${d}${tail}${p}` : `https://${d}${p}${tail}`)),
  events: fc.shuffledSubarray([...EVENT_TYPES], { minLength: 1 }),
  secret: printable,
});

/** A url host that is private, reserved or link-local under every reading: always refused. */
const privateHostArb = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `10.${a}.${b}.${c}`),
  fc.tuple(fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `172.${a}.${b}.${c}`),
  fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `192.168.${a}.${b}`),
  fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `169.254.${a}.${b}`),
  fc.constantFrom("[fd00::1]", "[fe80::1]", "[::ffff:10.0.0.1]"),
);

/** Domain names that `hostKind` takes for public hosts. */
const publicDomain = fc.domain().filter((d) => hostKind(d) === "public");

/** An input field and a value for it that the README's input table refuses, whatever else is declared. */
const hostileFieldArb = (allowLocal: boolean): fc.Arbitrary<{ field: (typeof FIELDS)[number]; value: unknown }> => {
  const notAString = fc.anything().filter((v) => typeof v !== "string" && v !== undefined && v !== null);
  const insert = (text: string, at: number, c: string) => `${text.slice(0, at)}${c}${text.slice(at)}`;
  const url = fc.oneof(
    notAString,
    fc.constantFrom("", "hooks.example.com/rekko", "//hooks.example.com/rekko", "/rekko"),
    fc
      .tuple(fc.constantFrom("javascript", "file", "data", "ftp", "ws", "wss", "gopher"), publicDomain, fc.webPath())
      .map(([scheme, host, path]) => `${scheme}://${host}${path}`),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 8 }), publicDomain)
      .map(([user, host]) => `https://${encodeURIComponent(user)}:pw@${host}/x`),
    fc.tuple(privateHostArb, fc.webPath()).map(([host, path]) => `https://${host}${path}`),
    // Plain http to a public host is refused whatever the API base.
    fc.tuple(publicDomain, fc.webPath()).map(([host, path]) => `http://${host}${path}`),
    fc.tuple(publicDomain, fc.string({ minLength: 1, maxLength: 10 })).map(([host, f]) => `https://${host}/x#${f}`),
    fc
      .tuple(
        publicDomain,
        fc.integer({ min: 8, max: 30 }),
        fc.constantFrom(" ", "\n", "\t", "\u0000", "\u007f", "\u200b", "\u202e", "\ufeff"),
      )
      .map(([host, at, c]) => insert(`https://${host}/rekko/hooks`, Math.min(at, 8 + host.length), c)),
    fc.integer({ min: 2049, max: 2100 }).map((n) => `https://hooks.example.com/${"a".repeat(n - 26)}`),
    ...(allowLocal
      ? []
      : [fc.constantFrom("https://127.0.0.1/x", "https://localhost/x", "https://[::1]/x", "http://127.0.0.1:9/x")]),
  );
  const events = fc.oneof(
    fc.anything().filter((v) => !Array.isArray(v) && v !== undefined && v !== UNKNOWN),
    fc.constant([]),
    fc
      .tuple(
        fc.shuffledSubarray([...EVENT_TYPES]),
        fc.oneof(
          fc.constantFrom("whale", "WHALE_ALERT", "whale_alert ", "", "price-shift", "__proto__", "toString"),
          fc.anything().filter((v) => typeof v !== "string"),
        ),
      )
      .map(([good, bad]) => [...good, bad]),
    fc.constantFrom(...EVENT_TYPES).map((e) => [e, e]),
  );
  const secret = fc.oneof(
    notAString,
    fc.string({ minLength: 1, maxLength: 15 }).filter((s) => s !== UNKNOWN),
    fc.string({ minLength: 1025, maxLength: 1100 }),
    fc.tuple(printable, fc.constantFrom(" ", "\n", "\t", "\u0000")).map(([s, c]) => insert(s, 8, c)),
  );
  const adoptWebhookId = fc.oneof(
    notAString,
    fc.constantFrom("-wh", ".wh", "wh/1", "wh 1", "wh?1", "../wh-1", "wh-1\n", "é"),
    fc.string({ minLength: 129, maxLength: 160, unit: fc.constantFrom("a", "b", "1") }),
  );
  return fc.oneof(
    url.map((value) => ({ field: "url" as const, value })),
    events.map((value) => ({ field: "events" as const, value })),
    secret.map((value) => ({ field: "secret" as const, value })),
    adoptWebhookId.map((value) => ({ field: "adoptWebhookId" as const, value })),
  );
};

/**
 * Valid inputs with one field made hostile by construction (a refusal the README's input
 * table promises): `check` must refuse exactly that field, whatever `allowLocalReceivers` is.
 */
const hostileArb = fc.boolean().chain((allowLocal) =>
  fc.tuple(validArb, hostileFieldArb(allowLocal)).map(([valid, bad]) => ({
    allowLocal,
    field: bad.field,
    news: { ...valid, [bad.field]: bad.value } as Record<string, unknown>,
  })),
);

/** A validator with the signature of `checkInputs` (the fuzz test swaps in one that accepts everything). */
export type InputsValidator = typeof checkInputs;

function track(): { stop: () => number } {
  let count = 0;
  const onRejection = () => {
    count++;
  };
  process.on("unhandledRejection", onRejection);
  return {
    stop: () => {
      process.off("unhandledRejection", onRejection);
      return count;
    },
  };
}

function bump(outcomes: Record<string, number>, key: string): void {
  outcomes[key] = (outcomes[key] ?? 0) + 1;
}

async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
}

function describeFailure(details: { counterexample: unknown; errorInstance?: unknown; seed: number }): string {
  let example: string;
  try {
    example = fc.stringify(details.counterexample);
  } catch {
    example = String(details.counterexample);
  }
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return `${error.slice(0, 600)} (seed ${details.seed}, counterexample ${example.slice(0, 600)})`;
}

/** What one property run measured, for {@link finish}. */
interface RunContext {
  runs: number;
  seed: number;
  outcomes: Record<string, number>;
  tracker: { stop: () => number };
  started: number;
}

/** The report of one `fc.check` run: its failure (if any) as a problem, unhandled rejections, time. */
async function finish(
  name: string,
  label: string,
  result: { failed: boolean } & Parameters<typeof describeFailure>[0],
  ctx: RunContext,
): Promise<FuzzReport> {
  await settle();
  return {
    name,
    runs: ctx.runs,
    seed: ctx.seed,
    outcomes: ctx.outcomes,
    problems: result.failed ? [`${label}: ${describeFailure(result)}`] : [],
    unhandledRejections: ctx.tracker.stop(),
    ms: Date.now() - ctx.started,
  };
}

/** The checks every check failure list must pass; returns what is wrong. */
function failureProblems(
  news: Record<string, unknown>,
  failures: { property: string; reason: string }[],
  known: readonly string[],
): string[] {
  const wrong: string[] = [];
  for (const f of failures) {
    if (!known.includes(f.property)) wrong.push(`unknown property ${f.property}`);
    if (typeof f.reason !== "string" || f.reason === "") wrong.push(`empty reason for ${f.property}`);
    else {
      if (!f.reason.includes(f.property)) wrong.push(`reason does not name ${f.property}: ${f.reason.slice(0, 200)}`);
      if (f.reason.length > MAX_REASON) wrong.push(`reason for ${f.property} is ${f.reason.length} characters`);
    }
  }
  const secret = news.secret;
  if (
    typeof secret === "string" &&
    secret.length >= 8 &&
    JSON.stringify(failures).includes(JSON.stringify(secret).slice(1, -1))
  ) {
    wrong.push("a message shows the secret");
  }
  for (const field of FIELDS) {
    if (news[field] === UNKNOWN && failures.some((f) => f.property === field))
      wrong.push(`${field} is the preview sentinel but was refused`);
  }
  return wrong;
}

/**
 * `checkInputs` (or `validate`, for the test that proves these properties can fail) on
 * arbitrary inputs, on hostile ones (each must be refused, naming the hostile field), and on
 * valid ones (each must pass, and pass again unchanged).
 */
export function fuzzCheckInputs(runs: number, seed: number, validate: InputsValidator = checkInputs): FuzzReport {
  const started = Date.now();
  const tracker = track();
  const outcomes: Record<string, number> = {};
  const problems: string[] = [];
  const arbitrary = fc.check(
    fc.property(newsArb, fc.boolean(), (news, allowLocal) => {
      const first = validate(news as Record<string, unknown>, { allowLocalReceivers: allowLocal, isPending: isUnknown });
      const again = validate(news as Record<string, unknown>, { allowLocalReceivers: allowLocal, isPending: isUnknown });
      const wrong = failureProblems(news as Record<string, unknown>, first.failures, FIELDS);
      if (JSON.stringify(first.failures) !== JSON.stringify(again.failures)) wrong.push("not deterministic");
      for (const key of Object.keys(first.inputs)) if (!(key in news)) wrong.push(`check added ${key}`);
      if (first.failures.length === 0) bump(outcomes, "accepted");
      for (const f of first.failures) bump(outcomes, `refused:${f.property}`);
      if (wrong.length) throw new Error(wrong.join("; "));
    }),
    { numRuns: runs, seed },
  );
  if (arbitrary.failed) problems.push(`checkInputs (arbitrary): ${describeFailure(arbitrary)}`);
  const hostile = fc.check(
    fc.property(hostileArb, ({ allowLocal, field, news }) => {
      const { failures } = validate(news, { allowLocalReceivers: allowLocal, isPending: isUnknown });
      const wrong = failureProblems(news, failures, FIELDS);
      if (!failures.some((f) => f.property === field)) {
        wrong.push(`accepted a hostile ${field} (allowLocalReceivers=${allowLocal}): ${JSON.stringify(failures)}`);
      }
      for (const f of failures) bump(outcomes, `hostile refused:${f.property}`);
      if (wrong.length) throw new Error(wrong.join("; "));
    }),
    { numRuns: runs, seed: seed + 2 },
  );
  if (hostile.failed) problems.push(`checkInputs (hostile): ${describeFailure(hostile)}`);
  const valid = fc.check(
    fc.property(validArb, fc.boolean(), (news, allowLocal) => {
      const { failures, inputs } = validate(news, { allowLocalReceivers: allowLocal, isPending: isUnknown });
      if (failures.length) throw new Error(`refused valid inputs: ${JSON.stringify(failures)}`);
      // What check returns passes check again, unchanged.
      const twice = validate(inputs, { allowLocalReceivers: allowLocal, isPending: isUnknown });
      if (twice.failures.length || JSON.stringify(twice.inputs) !== JSON.stringify(inputs))
        throw new Error("check is not stable");
      bump(outcomes, "valid accepted");
    }),
    { numRuns: runs, seed: seed + 1 },
  );
  if (valid.failed) problems.push(`checkInputs (valid): ${describeFailure(valid)}`);
  const unhandled = tracker.stop();
  return {
    name: "check: validation.checkInputs",
    runs: 3 * runs,
    seed,
    outcomes,
    problems,
    unhandledRejections: unhandled,
    ms: Date.now() - started,
  };
}

/** The runtime's `check` (what the provider runs) with arbitrary settings, olds and news. */
export async function fuzzRuntimeCheck(runs: number, seed: number): Promise<FuzzReport> {
  const started = Date.now();
  const tracker = track();
  const outcomes: Record<string, number> = {};
  const saved = {
    key: process.env.REKKO_API_KEY,
    base: process.env.REKKO_BASE_URL,
    rate: process.env.REKKO_MAX_REQUESTS_PER_MINUTE,
  };
  delete process.env.REKKO_API_KEY;
  delete process.env.REKKO_BASE_URL;
  delete process.env.REKKO_MAX_REQUESTS_PER_MINUTE;
  const keyArb = fc.oneof(fc.constant(undefined), fc.constant(""), {
    weight: 6,
    arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map((s) => `rk_pro_FUZZKEY${s}`),
  });
  const baseArb = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("http://127.0.0.1:9", "https://api.rekko.ai") },
    fc.constant(undefined),
    fc.constantFrom(
      "http://127.0.0.1:9",
      "https://api.rekko.ai",
      "http://api.rekko.ai",
      "http://[::1]:8080",
      "https://u:p@api.rekko.ai",
      "not a url",
      "",
    ),
    fc.webUrl(),
    fc.string({ maxLength: 60 }),
  );
  const rateArb = fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    fc.integer({ min: -5, max: 200_000 }),
    fc.string({ maxLength: 8 }),
    fc.double(),
  );
  try {
    const result = await fc.check(
      fc.asyncProperty(keyArb, baseArb, rateArb, fc.anything(), newsArb, async (apiKey, baseUrl, rate, olds, news) => {
        rt.configure({ apiKey, baseUrl, maxRequestsPerMinute: rate as string | number | undefined });
        const reported = await rt.check((olds ?? {}) as Record<string, unknown>, news as Record<string, unknown>);
        // Failures about url and secret reach the engine without a property (so it does not print
        // their values); their reason must then start with the input's name.
        const failures = reported.failures.map((f) =>
          f.property === "" ? { ...f, property: /^(url|secret)\b/.exec(f.reason)?.[1] ?? "(none)" } : f,
        );
        const wrong = failureProblems(news as Record<string, unknown>, failures, [...FIELDS, ...SETTINGS]);
        if (apiKey && JSON.stringify(failures).includes(apiKey)) wrong.push("a message shows the API key");
        if (failures.length === 0) bump(outcomes, "accepted");
        for (const f of failures) bump(outcomes, `refused:${f.property}`);
        if (wrong.length) throw new Error(wrong.join("; "));
      }),
      { numRuns: runs, seed },
    );
    return finish("check: runtime.check", "runtime check", result, { runs, seed, outcomes, tracker, started });
  } finally {
    rt.configure({});
    if (saved.key !== undefined) process.env.REKKO_API_KEY = saved.key;
    if (saved.base !== undefined) process.env.REKKO_BASE_URL = saved.base;
    if (saved.rate !== undefined) process.env.REKKO_MAX_REQUESTS_PER_MINUTE = saved.rate;
  }
}

const bodyArb = fc.oneof(
  fc
    .record({ type: fc.constantFrom(...EVENT_TYPES), market_id: fc.string(), n: fc.double() })
    .map((e) => Buffer.from(JSON.stringify(e))),
  fc.json().map((j) => Buffer.from(j)),
  fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
  fc.string({ unit: "binary", maxLength: 500 }).map((s) => Buffer.from(s)),
  fc
    .constantFrom("null", "[]", '{"type":1}', '{"type":"x","__proto__":{"polluted":1}}', UNKNOWN, "", "{", "\ufeff{}")
    .map((s) => Buffer.from(s)),
);

function sign(body: Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/** A Node receiver's `handleBody` with arbitrary bodies, signature headers, secrets, handlers and repeat policies. */
export async function fuzzReceiver(runs: number, seed: number): Promise<FuzzReport> {
  const started = Date.now();
  const tracker = track();
  const outcomes: Record<string, number> = {};
  const secretsArb = fc.array(fc.string({ minLength: 1, maxLength: 64 }), { minLength: 1, maxLength: 3 });
  const sigArb = (body: Buffer, secrets: string[]) =>
    fc.oneof(
      fc.nat({ max: secrets.length - 1 }).map((i) => sign(body, secrets[i] ?? "")),
      fc.nat({ max: secrets.length - 1 }).map((i) => sign(body, secrets[i] ?? "").toUpperCase()),
      fc.nat({ max: secrets.length - 1 }).map((i) => `sha256=${sign(body, secrets[i] ?? "")}`),
      fc.nat({ max: secrets.length - 1 }).map((i) => [sign(body, secrets[i] ?? "")]),
      fc.constant(sign(body, "some-other-secret")),
      fc.constant(sign(Buffer.concat([body, Buffer.from(" ")]), secrets[0] ?? "")),
      fc.string({ maxLength: 80 }),
      fc.constant(undefined),
      fc.constant(UNKNOWN),
      fc.array(fc.string({ maxLength: 70 }), { maxLength: 3 }),
      fc.anything(),
    );
  const caseArb = fc.tuple(bodyArb, secretsArb).chain(([body, secrets]) =>
    fc.record({
      body: fc.constant(body),
      secrets: fc.constant(secrets),
      signature: sigArb(body, secrets),
      handler: fc.constantFrom("ok", "async-ok", "throws", "rejects"),
      repeats: fc.constantFrom("flag" as const, "suppress" as const, "off" as const),
    }),
  );
  // One receiver per repeat policy, each with its own memory across cases; the case sets the secrets and the handler.
  let now: { secrets: string[]; onEvent: () => unknown } = { secrets: [], onEvent: () => undefined };
  const receivers = Object.fromEntries(
    (["flag", "suppress", "off"] as const).map((repeats) => [
      repeats,
      createNodeReceiver({
        secrets: () => now.secrets,
        onEvent: () => now.onEvent(),
        repeats,
        repeatWindow: { size: 1000, ttlMs: 60_000 },
      }),
    ]),
  );
  const result = await fc.check(
    fc.asyncProperty(caseArb, async (c) => {
      let called = 0;
      const onEvent = () => {
        called++;
        if (c.handler === "throws") throw new Error("handler failed");
        if (c.handler === "rejects") return Promise.reject(new Error("handler rejected"));
        return c.handler === "async-ok" ? Promise.resolve() : undefined;
      };
      now = { secrets: c.secrets, onEvent };
      const r = await (receivers[c.repeats]?.handleBody(c.body, c.signature as never) ?? Promise.reject(new Error(c.repeats)));
      const suppressed = r.repeat === true && c.repeats === "suppress";
      // One value only (a list of one counts as that value); hex of either case; no sha256= prefix (issue 14).
      const header = Array.isArray(c.signature) ? (c.signature.length === 1 ? c.signature[0] : undefined) : c.signature;
      const hex = typeof header === "string" ? header.trim().toLowerCase() : "";
      const valid = c.secrets.some((s) => sign(c.body, s) === hex);
      const wrong: string[] = [];
      if (![200, 400, 401, 500].includes(r.status)) wrong.push(`status ${r.status}`);
      if (typeof r.message !== "string" || r.message === "") wrong.push("no message");
      if (valid !== (r.status !== 401)) wrong.push(`signature valid=${valid} but status ${r.status}`);
      if (r.status === 200 && !suppressed && called !== 1) wrong.push(`onEvent called ${called} times`);
      if (r.status !== 200 && r.status !== 500 && called !== 0) wrong.push("onEvent called for a refused delivery");
      if (r.status === 500 && !(c.handler === "throws" || c.handler === "rejects")) wrong.push("500 without a failing handler");
      if (r.status === 200 && !suppressed && (c.handler === "throws" || c.handler === "rejects"))
        wrong.push("200 with a failing handler");
      if (({} as Record<string, unknown>).polluted !== undefined) wrong.push("Object.prototype polluted");
      bump(outcomes, `${r.status}${suppressed ? " suppressed" : r.repeat ? " repeat" : ""}`);
      if (wrong.length) throw new Error(wrong.join("; "));
    }),
    { numRuns: runs, seed },
  );
  return finish("receiver: handleBody", "handleBody", result, { runs, seed, outcomes, tracker, started });
}

/** A raw HTTP request (no URL normalisation); resolves with status, headers and body, or the client error. */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
): Promise<{ status: number; type: string; text: string } | { error: string; clientSide: boolean }> {
  return new Promise((resolve) => {
    let req: ReturnType<typeof request>;
    try {
      req = request({ host: "127.0.0.1", port, method, path, headers, agent: false, timeout: 10_000 });
    } catch (err) {
      resolve({ error: (err as Error).message, clientSide: true });
      return;
    }
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers["content-type"] ?? ""),
          text: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", (e) => resolve({ error: e.message, clientSide: false }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ error: e.message, clientSide: false }));
    req.end(body);
  });
}

/** `createWebhookHandler` served over HTTP, with arbitrary methods, bodies and headers. */
export async function fuzzReceiverHttp(runs: number, seed: number): Promise<FuzzReport> {
  const started = Date.now();
  const tracker = track();
  const outcomes: Record<string, number> = {};
  const secret = "receiver-http-fuzz-secret-123456";
  const server: Server = createServer(createWebhookHandler({ secrets: [secret], onEvent: () => undefined, maxBodyBytes: 4096 }));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  try {
    const result = await fc.check(
      fc.asyncProperty(
        fc.constantFrom("POST", "POST", "POST", "GET", "PUT", "DELETE"),
        fc.oneof(bodyArb, fc.constant(Buffer.alloc(5000, 97))),
        fc.boolean(),
        fc.string({ maxLength: 70 }),
        async (method, body, signed, junk) => {
          const headers: Record<string, string> = {
            "x-webhook-signature": signed ? sign(body, secret) : junk.replace(/[^\x20-\x7e]/g, ""),
          };
          const r = await raw(port, method, "/hook", headers, method === "GET" ? undefined : body);
          if ("error" in r) {
            if (r.clientSide) return;
            throw new Error(`no answer: ${r.error}`);
          }
          bump(outcomes, String(r.status));
          if (![200, 400, 401, 405, 413].includes(r.status))
            throw new Error(`status ${r.status} for ${method} (${body.length} bytes)`);
        },
      ),
      { numRuns: runs, seed },
    );
    return finish("receiver: createWebhookHandler over HTTP", "createWebhookHandler over HTTP", result, {
      runs,
      seed,
      outcomes,
      tracker,
      started,
    });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const CONTROL_PATHS = [
  "/_emulator/requests",
  "/_emulator/webhooks",
  "/_emulator/faults",
  "/_emulator/config",
  "/_emulator/reset",
];

/** The emulator's documented endpoints and control surface over real HTTP (never /_emulator/events: it would deliver). */
export async function fuzzEmulator(runs: number, seed: number): Promise<FuzzReport> {
  const started = Date.now();
  const tracker = track();
  const outcomes: Record<string, number> = {};
  const key = "rk_pro_fuzz_key_0123456789";
  const free = "rk_free_fuzz_key_012345678";
  const emu = await RekkoEmulator.start({ apiKeys: [key, free] });
  const port = Number(new URL(emu.url).port);
  const big = Buffer.alloc(1024 * 1024 + 10, 32);
  const segment = fc.oneof(
    fc.stringMatching(/^wh-[0-9a-f]{12}$/),
    fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s)),
    fc.stringMatching(/^(%[0-9A-Fa-f]{0,2}|[a-z.]){1,12}$/),
    fc.constantFrom("..", "%2e%2e", "%", "%E0%A4%A", "%00", UNKNOWN),
  );
  const pathArb = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom("/v1/webhooks", "/v1/webhooks", "/v1/webhooks/", "/v1/webhooks?x=1") },
    { weight: 1, arbitrary: fc.constantFrom("//v1/webhooks", "/v1", "/", "/v2/webhooks", "/V1/WEBHOOKS") },
    { weight: 4, arbitrary: segment.map((s) => `/v1/webhooks/${s}`) },
    { weight: 1, arbitrary: segment.map((s) => `/v1/webhooks/${s}/extra`) },
    { weight: 3, arbitrary: fc.constantFrom(...CONTROL_PATHS).chain((p) => fc.constantFrom(p, `${p}/`, `${p}?a=b`)) },
    { weight: 1, arbitrary: fc.webPath().map((p) => (p.startsWith("/") ? p : `/${p}`)) },
  );
  const methodArb = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("GET", "POST", "DELETE") },
    { weight: 1, arbitrary: fc.constantFrom("PUT", "PATCH", "HEAD", "OPTIONS") },
  );
  const registration = fc.record(
    { url: urlArb, events: eventsArb, secret: fc.oneof(secretArb, fc.anything()), extra: fc.anything() },
    { requiredKeys: [] },
  );
  const faultish = fc.record(
    {
      kind: fc.constantFrom("status", "latency", "drop-after", "drop-before", "explode", 5),
      method: fc.oneof(fc.constantFrom("GET", "POST"), fc.anything()),
      path: fc.oneof(fc.constantFrom("/v1/*", "/v1/webhooks"), fc.anything()),
      status: fc.oneof(fc.integer({ min: 0, max: 700 }), fc.anything()),
      headers: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })), fc.anything()),
      // Valid latencies stay short (the probe below waits for them); the rest must be refused.
      latencyMs: fc.oneof(
        fc.integer({ min: -10, max: 1500 }),
        fc.constantFrom(600_001, 1e12, -1, Number.NaN, "100", null, true, [5], { ms: 5 }),
      ),
      times: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.anything()),
      every: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.anything()),
      random: fc.anything(),
      rateLimitPerMinute: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.anything()),
      disableAfterFailures: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.anything()),
    },
    { requiredKeys: [] },
  );
  const bodyArbHttp = fc.oneof(
    { weight: 16, arbitrary: registration.map((r) => safeJson(r)) },
    { weight: 8, arbitrary: faultish.map((r) => safeJson(r)) },
    { weight: 4, arbitrary: fc.json().map((j) => Buffer.from(j)) },
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(undefined, Buffer.from(""), Buffer.from("null"), Buffer.from("[]"), Buffer.from("{")),
    },
    { weight: 1, arbitrary: fc.constant(big) },
  );
  const headerArb = fc.record({
    auth: fc.oneof(
      { weight: 6, arbitrary: fc.constant(`Bearer ${key}`) },
      fc.constant(`bearer   ${key}`),
      fc.constant(`Bearer ${free}`),
      fc.constantFrom("Bearer", "Basic dXNlcjpwdw==", "", `Bearer ${key}x`, `Token ${key}`),
      fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`),
    ),
    type: fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "application/vnd.rekko+json",
      "text/plain",
      "",
      "multipart/form-data",
    ),
  });
  try {
    let n = 0;
    const result = await fc.check(
      fc.asyncProperty(methodArb, pathArb, headerArb, bodyArbHttp, async (method, path, h, body) => {
        if (++n % 1000 === 0) emu.reset();
        const headers: Record<string, string> = {};
        if (h.auth) headers.authorization = h.auth.replace(/[^\x20-\x7e]/g, "");
        // The control surface takes the control token where the API takes the key.
        if (path.startsWith("/_emulator/") && h.auth === `Bearer ${key}`) headers.authorization = `Bearer ${emu.controlToken}`;
        if (h.type) headers["content-type"] = h.type;
        const send = method === "GET" || method === "HEAD" ? undefined : body;
        const r = await raw(port, method, path, headers, send);
        // A fault or setting the control surface accepted must not break the API: one probe
        // (its injected answer, a drop or the rate limit are fine; the emulator's own 500 is not).
        let probe = "";
        if (!("error" in r) && r.status === 200 && path.startsWith("/_emulator/") && (method === "POST" || method === "PUT")) {
          const p = await raw(port, "GET", "/v1/webhooks", { authorization: `Bearer ${key}` }, undefined);
          if (!("error" in p) && p.status === 500 && p.text.includes("Internal Server Error"))
            probe = `then the API answers 500: ${p.text}`;
        }
        // Whatever the call changed on the control surface is undone before the next one.
        emu.clearFaults();
        emu.setRateLimit(0);
        if ("error" in r) {
          if (r.clientSide) {
            bump(outcomes, "not sent (client refused the request)");
            return;
          }
          throw new Error(`${method} ${path}: no answer (${r.error})`);
        }
        bump(outcomes, String(r.status));
        const wrong: string[] = probe ? [probe] : [];
        if (r.status >= 500 || r.status < 100) wrong.push(`status ${r.status}: ${r.text.slice(0, 100)}`);
        if (r.status >= 400 && method !== "HEAD") {
          let parsed: unknown;
          try {
            parsed = JSON.parse(r.text);
          } catch {
            wrong.push(`a ${r.status} whose body is not JSON: ${r.text.slice(0, 100)}`);
          }
          const detail = (parsed as { detail?: unknown } | undefined)?.detail;
          if (typeof detail === "string") {
            if (!detail) wrong.push("empty detail");
          } else if (Array.isArray(detail)) {
            if (r.status !== 422) wrong.push(`a list detail with ${r.status}`);
            for (const d of detail as { loc?: unknown; msg?: unknown }[]) {
              const loc = Array.isArray(d.loc) ? d.loc : [];
              if (loc[0] !== "body" || typeof d.msg !== "string" || d.msg === "")
                wrong.push(`422 detail without body loc or msg: ${JSON.stringify(d).slice(0, 200)}`);
              if (loc.length > 1 && !["url", "events", "secret", 0].includes(loc[1] as string))
                wrong.push(`422 names an unknown field ${String(loc[1])}`);
            }
            if (detail.length === 0) wrong.push("422 with an empty detail list");
          } else wrong.push(`a ${r.status} without detail: ${r.text.slice(0, 100)}`);
        }
        if (r.status === 200 && method === "POST" && path.startsWith("/v1/")) {
          const info = JSON.parse(r.text) as Record<string, unknown>;
          if (typeof info.webhook_id !== "string" || "secret" in info)
            wrong.push("a created webhook answer without id or with the secret");
        }
        if (wrong.length) throw new Error(`${method} ${path} (${send?.length ?? 0} bytes): ${wrong.join("; ")}`);
      }),
      { numRuns: runs, seed },
    );
    const report = await finish("emulator: HTTP endpoints", "emulator over HTTP", result, {
      runs,
      seed,
      outcomes,
      tracker,
      started,
    });
    const alive = await raw(port, "GET", "/v1/webhooks", { authorization: `Bearer ${key}` }, undefined);
    if ("error" in alive || alive.status !== 200)
      report.problems.push(`the emulator does not answer a plain list after the run: ${JSON.stringify(alive)}`);
    return report;
  } finally {
    await emu.stop();
  }
}

function safeJson(value: unknown): Buffer {
  try {
    return Buffer.from(JSON.stringify(value) ?? "null");
  } catch {
    return Buffer.from("{}");
  }
}

/** Every suite-4 run at `runs` cases each. */
export async function fuzzAll(runs: number, seed: number, httpRuns = runs): Promise<FuzzReport[]> {
  return [
    fuzzCheckInputs(runs, seed),
    await fuzzRuntimeCheck(runs, seed),
    await fuzzReceiver(runs, seed),
    await fuzzReceiverHttp(Math.max(1, Math.floor(httpRuns / 5)), seed),
    await fuzzEmulator(httpRuns, seed),
  ];
}

/** One line per property run. */
export function fuzzLine(r: FuzzReport): string {
  const top = Object.entries(r.outcomes)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  return (
    `    ${r.name}: cases=${r.runs} seed=${r.seed} crashes/unhandled=${r.problems.length}/${r.unhandledRejections} ` +
    `time=${(r.ms / 1000).toFixed(1)}s outcomes: ${top} ${r.problems.length || r.unhandledRejections ? "FAILED" : "ok"}`
  );
}
