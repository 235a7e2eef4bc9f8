/**
 * Counts the API client's actual retries inside the dynamic provider process of a real
 * `pulumi` run. The reliability rig puts this file in the CLI's NODE_OPTIONS (`--require`)
 * with REKKO_RETRY_LOG set; every process the CLI starts inherits both. In the dynamic
 * provider process only, it wraps the runtime's `configure(settings, overrides)` so that the
 * session's client gets an `onRetry` hook (ClientOptions) appending one JSON line per retry.
 * Nothing else changes: the request is the client's, the count is what the client did.
 */

const file = process.env.REKKO_RETRY_LOG;
if (file && process.argv.some((a) => a.includes("dynamic-provider"))) {
  const Module = require("node:module");
  const { appendFileSync } = require("node:fs");
  const load = Module._load;
  const wrapped = new WeakSet();
  Module._load = function probeLoad(request, ...rest) {
    const exports = load.call(this, request, ...rest);
    if (request === "pulumi-rekko/runtime" && exports && typeof exports.configure === "function" && !wrapped.has(exports)) {
      wrapped.add(exports);
      const configure = exports.configure;
      exports.configure = (settings, overrides = {}) =>
        configure(settings, {
          ...overrides,
          onRetry: (info) => {
            appendFileSync(file, `${JSON.stringify({ pid: process.pid, time: Date.now(), ...info })}\n`);
            overrides.onRetry?.(info);
          },
        });
    }
    return exports;
  };
}
