/**
 * The emulator's HTTP side: listening and closing with its open connections, and the way one
 * request goes (Host check, control surface, faults, the documented API). Every answer carries
 * a `Date` header from the emulator's clock.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { isLoopbackAddress } from "../../core/hosts";
import { type ApiContext, serveApi } from "./api";
import type { EmulatorClock } from "./clock";
import { CONTROL_PREFIX, type ControlTarget, serveControl } from "./control";
import type { Fault } from "./faults";
import { json } from "./http";
import type { RequestLog } from "./requestLog";

/** A listening server: its base url, and how to stop it. */
export interface Listening {
  url: string;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
}

/** Listens on `host:port` (0: a free port) and serves each request with `handle`; rejects when it cannot listen. */
export async function listen(
  host: string,
  port: number,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<Listening> {
  const sockets = new Set<Socket>();
  const answering = new WeakMap<Socket, ServerResponse>();
  const server = createServer((req, res) => {
    answering.set(req.socket, res);
    handle(req, res).catch(() => json(res, 500, { detail: "Internal Server Error" }));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // Bytes that do not parse (e.g. a DELETE body sent with no length) end the connection, once
  // the answer to the request before them on that connection has gone out.
  server.on("clientError", (_err, socket: Socket) => {
    const res = answering.get(socket);
    if (res && !res.writableFinished && !res.destroyed) res.once("close", () => socket.destroy());
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === "object" && addr ? addr.port : 0;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** What a request is served with. */
export interface Emulated {
  allowRemote: boolean;
  controlToken: string;
  maxBodyBytes: number;
  clock: EmulatorClock;
  log: RequestLog;
  control: ControlTarget;
  /** The faults that apply to this request (used up as they apply). */
  takeFaults(method: string, path: string): Fault[];
  /** The API's context, with the settings as they are now. */
  api(): ApiContext;
}

/** True when the Host header names a loopback address or `localhost`. */
function loopbackHost(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (!host || !URL.canParse(`http://${host}`)) return false;
  return isLoopbackAddress(new URL(`http://${host}`).hostname);
}

function bearer(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  return typeof auth === "string" && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, "").trim() : null;
}

/** Serves one request. */
export async function serve(emu: Emulated, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const path = URL.canParse(req.url ?? "/", "http://emulator") ? new URL(req.url ?? "/", "http://emulator").pathname : "/";
  const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    json(res, status, body, { date: new Date(emu.clock.now()).toUTCString(), ...headers });
  if (!emu.allowRemote && !loopbackHost(req)) {
    // DNS rebinding: a page on another name that resolves here must not reach the emulator.
    req.resume();
    emu.log.add(method, path, 403, null, []);
    send(403, {
      detail: "The emulator serves only Host: 127.0.0.1, [::1] or localhost (start it with --allow-remote to serve others).",
    });
    return;
  }
  if (path.startsWith(CONTROL_PREFIX)) {
    const { status, body } = await serveControl(emu.control, emu.controlToken, req, method, path, emu.maxBodyBytes);
    emu.log.add(method, path, status, null, []);
    send(status, body);
    return;
  }
  const key = bearer(req);
  const applied = emu.takeFaults(method, path);
  const done = (status: number) =>
    emu.log.add(
      method,
      path,
      status,
      key,
      applied.map((f) => f.kind),
    );
  for (const f of applied.filter((x) => x.kind === "latency")) {
    const ms = f.random ? Math.random() * (f.latencyMs ?? 0) : (f.latencyMs ?? 0);
    await new Promise((r) => setTimeout(r, ms));
  }
  if (applied.some((f) => f.kind === "drop-before")) {
    done(0);
    req.socket.destroy();
    return;
  }
  const statusFault = applied.find((f) => f.kind === "status");
  if (statusFault) {
    req.resume();
    const status = statusFault.status ?? 500;
    done(status);
    send(status, statusFault.body ?? { detail: `Injected ${status}` }, statusFault.headers);
    return;
  }
  const dropAfter = applied.some((f) => f.kind === "drop-after");
  await serveApi(emu.api(), req, method, path, key, (status, body, headers) => {
    done(dropAfter ? 0 : status);
    if (dropAfter) req.socket.destroy();
    else send(status, body, headers);
  });
}
