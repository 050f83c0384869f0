/**
 * `serve()`: an HTTP/1.1 server on io_uring with Deno.serve's shape. The
 * handler receives a `Request` and returns a `Response` (or a promise of
 * one); the returned server has `addr`, `finished`, `shutdown()`,
 * `ref()`/`unref()` and `Symbol.asyncDispose`.
 *
 * @module
 */

import { IPPROTO, TCP } from "../zcall/constants.ts";
import { setsockopt } from "../zcall/syscalls.ts";
import { sockaddrToTCPAddr, SockaddrUnix } from "../sock/sockaddr.ts";
import { getPeername } from "../sock/socket.ts";
import { listenTCP, type TCPListener } from "../sock/tcp.ts";
import { listenUnix, type UnixListener } from "../sock/unix.ts";
import { DEFAULT_HEAD_LIMITS, type HeadLimits } from "./_parser.ts";
import {
  type ConnectionHost,
  HttpConnection,
  WRITE_HIGH_WATER,
} from "./_connection.ts";
import type { Transport, TransportListener } from "./_transport.ts";
import { Engine } from "../uring/net/_engine.ts";
import { checkPort } from "../uring/net/_resolve.ts";

/**
 * The handler: a Request in, a Response (or a promise of one) out.
 *
 * @example
 * ```ts
 * import type { ServeHandler } from "@kernio/kernio/http";
 * const handler: ServeHandler = (req, info) =>
 *   new Response(`${req.method} from ${info.remoteAddr.hostname}`);
 * ```
 */
export type ServeHandler = (
  request: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
) => Response | Promise<Response>;

/**
 * Options shared by TCP and Unix servers.
 *
 * @example
 * ```ts
 * import type { ServeBaseOptions } from "@kernio/kernio/http";
 * const o: ServeBaseOptions = { headerTimeout: 5000, idleTimeout: 2000 };
 * ```
 */
export interface ServeBaseOptions {
  /** Shuts the server down (gracefully) when aborted. */
  signal?: AbortSignal;
  /**
   * Turns a handler error into a response (default: logs it and answers
   * 500 Internal Server Error). The server keeps running either way.
   */
  onError?: (error: unknown) => Response | Promise<Response>;
  /**
   * Milliseconds a client may take to send a complete request head, from
   * its first byte (or from connecting); then 408 and close (default 10000).
   */
  headerTimeout?: number;
  /**
   * Milliseconds an idle keep-alive connection is kept, and a request body
   * may stall (no bytes while the handler waits for them; default 5000).
   */
  idleTimeout?: number;
  /** Longest request target in bytes (longer: 414; default 8192). */
  maxUriLength?: number;
  /** Largest request head in bytes (larger: 431; default 65536). */
  maxHeaderSize?: number;
  /** Most request header fields (more: 431; default 128). */
  maxHeaderCount?: number;
  /** Largest Content-Length accepted (larger: 413; default unlimited). */
  maxBodySize?: number;
}

/**
 * TCP server options.
 *
 * @example
 * ```ts
 * import type { ServeTcpOptions } from "@kernio/kernio/http";
 * const o: ServeTcpOptions = { hostname: "127.0.0.1", port: 8080 };
 * ```
 */
export interface ServeTcpOptions extends ServeBaseOptions {
  /** Port (default 8000; 0 picks a free one). */
  port?: number;
  /** IP literal or "localhost" (default "0.0.0.0"). */
  hostname?: string;
  /** Called once listening (default: logs the URL). */
  onListen?: (localAddr: Deno.NetAddr) => void;
}

/**
 * Unix socket server options.
 *
 * @example
 * ```ts
 * import type { ServeUnixOptions } from "@kernio/kernio/http";
 * const o: ServeUnixOptions = { path: "/tmp/app.sock" };
 * ```
 */
export interface ServeUnixOptions extends ServeBaseOptions {
  /** The socket path. */
  path: string;
  /** Called once listening (default: logs the path). */
  onListen?: (localAddr: Deno.UnixAddr) => void;
}

/**
 * Options of {@linkcode serve}.
 *
 * @example
 * ```ts
 * import type { ServeOptions } from "@kernio/kernio/http";
 * const o: ServeOptions = { port: 0, onError: () => new Response("oops", { status: 500 }) };
 * ```
 */
export type ServeOptions = ServeTcpOptions | ServeUnixOptions;

/**
 * A running server (the shape of Deno.HttpServer).
 *
 * @example
 * ```ts
 * import { type HttpServer, serve } from "@kernio/kernio/http";
 * const server: HttpServer = serve({ port: 0, onListen() {} }, () => new Response("ok"));
 * await server.shutdown();
 * ```
 */
export interface HttpServer<A extends Deno.Addr = Deno.Addr>
  extends AsyncDisposable {
  /** Resolves once the server has shut down and every connection closed. */
  readonly finished: Promise<void>;
  /** The local address. */
  readonly addr: A;
  /** Keeps the process alive while serving (the default). */
  ref(): void;
  /** Lets the process exit while serving. */
  unref(): void;
  /**
   * Stops accepting, closes idle connections, lets in-flight requests
   * finish (their connections then close); resolves when all are closed.
   */
  shutdown(): Promise<void>;
}

function checkMs(name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(`serve: ${name} must be a positive number of ms`);
  }
  return v;
}

function checkInt(name: string, v: unknown, dflt: number, max: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) {
    throw new RangeError(`serve: ${name} must be an integer in [1, ${max}]`);
  }
  return v;
}

class Server implements ConnectionHost, HttpServer {
  readonly handler: ConnectionHost["handler"];
  readonly onError: (error: unknown) => Response | Promise<Response>;
  readonly limits: HeadLimits;
  readonly maxBodySize: number;
  readonly headerTimeout: number;
  readonly idleTimeout: number;
  readonly defaultHost: string;
  readonly addr: Deno.NetAddr | Deno.UnixAddr;
  readonly finished: Promise<void>;
  shuttingDown = false;
  readonly #unix: boolean;
  readonly #transport: Transport;
  readonly #socket: TCPListener | UnixListener;
  readonly #listener: TransportListener;
  readonly #conns = new Set<HttpConnection>();
  #listening = true;
  #timer: ReturnType<typeof setInterval>;
  #resolveFinished!: () => void;
  #finishing = false;
  #refd = true;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  constructor(options: ServeOptions, handler: ServeHandler) {
    if (typeof handler !== "function") {
      throw new TypeError("serve: handler must be a function");
    }
    this.handler = handler as ConnectionHost["handler"];
    const onError = options.onError;
    if (onError !== undefined && typeof onError !== "function") {
      throw new TypeError("serve: onError must be a function");
    }
    this.onError = onError ?? defaultOnError;
    this.headerTimeout = checkMs(
      "headerTimeout",
      options.headerTimeout,
      10_000,
    );
    this.idleTimeout = checkMs("idleTimeout", options.idleTimeout, 5_000);
    this.limits = {
      maxUriLength: checkInt(
        "maxUriLength",
        options.maxUriLength,
        DEFAULT_HEAD_LIMITS.maxUriLength,
        1 << 20,
      ),
      maxHeaderSize: checkInt(
        "maxHeaderSize",
        options.maxHeaderSize,
        DEFAULT_HEAD_LIMITS.maxHeaderSize,
        1 << 24,
      ),
      maxHeaderCount: checkInt(
        "maxHeaderCount",
        options.maxHeaderCount,
        DEFAULT_HEAD_LIMITS.maxHeaderCount,
        1 << 16,
      ),
    };
    this.maxBodySize = options.maxBodySize === undefined
      ? Number.MAX_SAFE_INTEGER
      : checkInt(
        "maxBodySize",
        options.maxBodySize,
        0,
        Number.MAX_SAFE_INTEGER,
      );
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError("serve: signal must be an AbortSignal");
    }
    const onListen = options.onListen;
    if (onListen !== undefined && typeof onListen !== "function") {
      throw new TypeError("serve: onListen must be a function");
    }

    if ("path" in options && options.path !== undefined) {
      if (typeof options.path !== "string" || options.path === "") {
        throw new TypeError("serve: path must be a non-empty string");
      }
      this.#unix = true;
      this.#socket = listenUnix("unix", { path: options.path });
      this.addr = { transport: "unix", path: options.path };
      this.defaultHost = "localhost";
    } else {
      const o = options as ServeTcpOptions;
      // A number or a decimal string, as Deno.serve takes it.
      const port = checkPort("serve", o.port ?? 8000);
      let hostname = o.hostname ?? "0.0.0.0";
      if (typeof hostname !== "string") {
        throw new TypeError("serve: hostname must be a string");
      }
      if (hostname === "localhost") hostname = "127.0.0.1";
      this.#unix = false;
      this.#socket = listenTCP("tcp", { hostname, port });
      const a = (this.#socket as TCPListener).addr;
      this.addr = { transport: "tcp", hostname: a.hostname, port: a.port };
      this.defaultHost = a.hostname.includes(":")
        ? `[${a.hostname}]:${a.port}`
        : `${a.hostname}:${a.port}`;
    }
    this.finished = new Promise((r) => this.#resolveFinished = r);
    try {
      this.#transport = new Engine({
        highWaterMark: WRITE_HIGH_WATER,
        bufferSize: 4096,
        groupBuffers: 1024,
      });
    } catch (e) {
      this.#socket.close();
      throw e;
    }
    this.#listener = this.#transport.listen(this.#socket.fd, {
      onAccept: (fd) => this.#accept(fd),
      onError: (errno, temporary) => {
        if (!temporary) console.error(`http: accept failed (errno ${-errno})`);
      },
      onClose: () => {
        this.#listening = false;
        this.#socket.close();
        this.#maybeFinish();
      },
    });
    const tick = Math.max(
      10,
      Math.min(1000, Math.min(this.headerTimeout, this.idleTimeout) / 4),
    );
    this.#timer = setInterval(() => this.#sweep(), tick);
    if (signal !== undefined) {
      if (signal.aborted) queueMicrotask(() => this.shutdown());
      else {
        this.#signal = signal;
        this.#onAbort = () => void this.shutdown();
        signal.addEventListener("abort", this.#onAbort, { once: true });
      }
    }
    if (onListen !== undefined) {
      (onListen as (a: Deno.Addr) => void)(this.addr);
    } else if (this.addr.transport === "unix") {
      console.error(`Listening on ${this.addr.path}`);
    } else {
      const a = this.addr as Deno.NetAddr;
      const h = a.hostname.includes(":") ? `[${a.hostname}]` : a.hostname;
      console.error(`Listening on http://${h}:${a.port}/`);
    }
  }

  #accept(fd: number): void {
    if (!this.#unix) setsockopt(fd, IPPROTO.TCP, TCP.NODELAY, ONE);
    const c = new HttpConnection(this, fd);
    c.t = this.#transport.attach(fd, c);
    if (!this.#refd) c.t.unref();
    this.#conns.add(c);
  }

  remoteAddr(fd: number): Deno.Addr {
    if (this.#unix) return { transport: "unix", path: "" };
    try {
      const sa = getPeername(fd);
      if (sa instanceof SockaddrUnix) return { transport: "unix", path: "" };
      return sockaddrToTCPAddr(sa);
    } catch {
      return { transport: "tcp", hostname: "", port: 0 };
    }
  }

  connectionClosed(c: HttpConnection): void {
    this.#conns.delete(c);
    if (this.shuttingDown) this.#maybeFinish();
  }

  #sweep(): void {
    const now = Date.now();
    for (const c of this.#conns) c.sweep(now);
  }

  #maybeFinish(): void {
    if (
      !this.shuttingDown || this.#listening || this.#conns.size > 0 ||
      this.#finishing
    ) return;
    this.#finishing = true;
    clearInterval(this.#timer);
    if (this.#onAbort) {
      this.#signal!.removeEventListener("abort", this.#onAbort);
    }
    this.#transport.close().then(
      () => this.#resolveFinished(),
      (e) => {
        console.error("http: closing the ring failed", e);
        this.#resolveFinished();
      },
    );
  }

  shutdown(): Promise<void> {
    if (!this.shuttingDown) {
      this.shuttingDown = true;
      this.#listener.close();
      for (const c of this.#conns) c.shutdown();
      this.#maybeFinish();
    }
    return this.finished;
  }

  ref(): void {
    if (this.#refd) return;
    this.#refd = true;
    Deno.refTimer(this.#timer as unknown as number);
    this.#listener.ref();
    for (const c of this.#conns) c.t.ref();
  }

  unref(): void {
    if (!this.#refd) return;
    this.#refd = false;
    Deno.unrefTimer(this.#timer as unknown as number);
    this.#listener.unref();
    for (const c of this.#conns) c.t.unref();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }
}

const ONE = new Uint8Array(new Int32Array([1]).buffer);

function defaultOnError(error: unknown): Response {
  console.error(error);
  return new Response("Internal Server Error", {
    status: 500,
    headers: { "content-type": "text/plain;charset=UTF-8" },
  });
}

/**
 * Serves HTTP/1.1 on io_uring with `handler` (port 8000 on 0.0.0.0).
 *
 * @example
 * ```ts
 * import { serve } from "@kernio/kernio/http";
 * const server = serve({ port: 0, onListen() {} }, () => new Response("Hello, World!"));
 * await server.shutdown();
 * ```
 */
export function serve(handler: ServeHandler): HttpServer<Deno.NetAddr>;
/**
 * Serves HTTP/1.1 over a Unix socket.
 */
export function serve(
  options: ServeUnixOptions,
  handler: ServeHandler,
): HttpServer<Deno.UnixAddr>;
/**
 * Serves HTTP/1.1 over TCP with options.
 */
export function serve(
  options: ServeTcpOptions,
  handler: ServeHandler,
): HttpServer<Deno.NetAddr>;
/**
 * Serves with the handler among the options.
 */
export function serve(
  options: ServeOptions & { handler: ServeHandler },
): HttpServer;
export function serve(
  a: ServeHandler | (ServeOptions & { handler?: ServeHandler }),
  b?: ServeHandler,
): HttpServer {
  if (typeof a === "function") return new Server({}, a);
  if (a === null || typeof a !== "object") {
    throw new TypeError("serve: expected a handler or an options object");
  }
  const handler = b ?? a.handler;
  if (handler === undefined) {
    throw new TypeError("serve: a handler is required");
  }
  return new Server(a, handler);
}
