/**
 * `listen` and `connect` on io_uring, with Deno.listen / Deno.connect's
 * options and objects assignable to `Deno.TcpListener`,
 * `Deno.UnixListener`, `Deno.TcpConn` and `Deno.UnixConn`: code written
 * for Deno's built-ins ports by changing the import.
 *
 * All connections of an isolate share one ring (one engine); to use
 * several cores, run one Worker per core, each calling `listen` with
 * `reusePort: true` on the same port: the kernel spreads new connections
 * over the Workers' sockets (SO_REUSEPORT), each served by its Worker's
 * own ring.
 *
 * Hostnames: IP literals, "localhost", names from /etc/hosts (needs
 * `--allow-read=/etc/hosts`), and for `connect` other names through
 * `Deno.resolveDns` (needs `--allow-net`). A missing permission is a
 * `MissingPermissionError` naming the flag. The sockets themselves need
 * only `--allow-ffi` (they do not go through Deno's net permission).
 *
 * @example
 * ```ts
 * import { connect, listen } from "@kernio/kernio/uring";
 * const listener: Deno.TcpListener = listen({ hostname: "127.0.0.1", port: 0 });
 * const conn: Deno.TcpConn = await connect({ port: listener.addr.port });
 * const peer = await listener.accept();
 * await conn.write(new TextEncoder().encode("hello"));
 * const buf = new Uint8Array(5);
 * await peer.read(buf);
 * conn.close();
 * peer.close();
 * listener.close();
 * ```
 *
 * @module
 */

import { errorFromErrno } from "../../sock/errors.ts";
import {
  SockaddrInet4,
  SockaddrInet6,
  SockaddrUnix,
} from "../../sock/sockaddr.ts";
import { close as closeFd } from "../../zcall/mod.ts";
import { Engine } from "./_engine.ts";
import {
  checkHostname,
  checkPort,
  resolveAsync,
  resolveSync,
} from "./_resolve.ts";
import {
  addrText,
  familyOf,
  netAddrOf,
  openListener,
  streamSocket,
} from "./_socket.ts";
import { UringTcpConn, UringUnixConn } from "./conn.ts";
import { UringTcpListener, UringUnixListener } from "./listener.ts";

export { UringConn, UringTcpConn, UringUnixConn } from "./conn.ts";
export {
  UringListener,
  UringTcpListener,
  UringUnixListener,
} from "./listener.ts";

/**
 * Options of {@linkcode listen} for TCP: Deno.TcpListenOptions plus
 * `reusePort` and `backlog`.
 *
 * @example
 * ```ts
 * import type { TcpListenOptions } from "@kernio/kernio/uring";
 * const o: TcpListenOptions = { port: 8080, reusePort: true };
 * ```
 */
export interface TcpListenOptions {
  /** "tcp" (default). */
  transport?: "tcp";
  /** Port (number or decimal string; default 0: any free port). */
  port?: number | string;
  /** Address to bind (default "0.0.0.0"); must not be empty. */
  hostname?: string;
  /** Listen backlog (Deno's name; default 511). */
  tcpBacklog?: number;
  /** Same as tcpBacklog. */
  backlog?: number;
  /** SO_REUSEPORT: several sockets (e.g. one per Worker) share the port. */
  reusePort?: boolean;
}

/**
 * Options of {@linkcode listen} for Unix stream sockets.
 *
 * @example
 * ```ts
 * import type { UnixListenOptions } from "@kernio/kernio/uring";
 * const o: UnixListenOptions = { transport: "unix", path: "/tmp/app.sock" };
 * ```
 */
export interface UnixListenOptions {
  /** "unix". */
  transport: "unix";
  /** Socket path (must not exist yet). */
  path: string;
  /** Listen backlog (default 511). */
  backlog?: number;
}

/**
 * Options of {@linkcode connect} for TCP (Deno.ConnectOptions).
 *
 * @example
 * ```ts
 * import type { TcpConnectOptions } from "@kernio/kernio/uring";
 * const o: TcpConnectOptions = { hostname: "example.com", port: 80 };
 * ```
 */
export interface TcpConnectOptions {
  /** "tcp" (default). */
  transport?: "tcp";
  /** Port (number or decimal string). */
  port: number | string;
  /** Host (default "127.0.0.1"): a literal, "localhost", or a name. */
  hostname?: string;
  /** Cancels the attempt: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * Options of {@linkcode connect} for Unix stream sockets.
 *
 * @example
 * ```ts
 * import type { UnixConnectOptions } from "@kernio/kernio/uring";
 * const o: UnixConnectOptions = { transport: "unix", path: "/tmp/app.sock" };
 * ```
 */
export interface UnixConnectOptions {
  /** "unix". */
  transport: "unix";
  /** Socket path. */
  path: string;
  /** Cancels the attempt: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

const DEFAULT_BACKLOG = 511;

function backlogOf(
  where: string,
  o: { backlog?: number; tcpBacklog?: number },
) {
  const b = o.backlog ?? o.tcpBacklog ?? DEFAULT_BACKLOG;
  if (!Number.isInteger(b) || b < 0 || b > 0x7fffffff) {
    throw new TypeError(`${where}: backlog must be an integer >= 0, got ${b}`);
  }
  return b;
}

/**
 * Listens like Deno.listen, served by io_uring. Synchronous; throws the
 * typed error (AddressInUseError: "bind 127.0.0.1:8080: address in use").
 *
 * @example
 * ```ts
 * import { listen } from "@kernio/kernio/uring";
 * using l = listen({ port: 0, reusePort: true });
 * console.log(l.addr.port);
 * ```
 */
export function listen(options: TcpListenOptions): UringTcpListener;
/** Listens on a Unix stream socket. */
export function listen(options: UnixListenOptions): UringUnixListener;
export function listen(
  options: TcpListenOptions | UnixListenOptions,
): UringTcpListener | UringUnixListener {
  if (options === null || typeof options !== "object") {
    throw new TypeError("listen: expected an options object");
  }
  const engine = Engine.default();
  if (options.transport === "unix") {
    if (typeof options.path !== "string" || options.path === "") {
      throw new TypeError("listen: path must be a non-empty string");
    }
    const sa = new SockaddrUnix(options.path);
    const fd = openListener(sa, backlogOf("listen", options), false);
    return new UringUnixListener(engine, fd, {
      transport: "unix",
      path: options.path,
    });
  }
  if (options.transport !== undefined && options.transport !== "tcp") {
    throw new TypeError(
      `listen: transport must be "tcp" or "unix", got ${
        String((options as { transport: unknown }).transport)
      }`,
    );
  }
  const port = checkPort("listen", options.port ?? 0);
  const host = checkHostname("listen", options.hostname ?? "0.0.0.0");
  const backlog = backlogOf("listen", options);
  const reusePort = options.reusePort === true;
  const addrs = resolveSync("listen", host);
  let lastError: unknown;
  for (const a of addrs) {
    const sa = a.includes(":")
      ? SockaddrInet6.parse(a, port)
      : SockaddrInet4.parse(a, port);
    let fd: number;
    try {
      fd = openListener(sa, backlog, reusePort);
    } catch (e) {
      lastError = e;
      continue;
    }
    const addr = netAddrOf(fd, false, {
      transport: "tcp",
      hostname: a,
      port,
    });
    return new UringTcpListener(engine, fd, addr);
  }
  throw lastError;
}

/**
 * Connects like Deno.connect over io_uring (IORING_OP_CONNECT); resolves
 * once connected. Tries each resolved address in turn. An aborted
 * `signal` rejects with its reason.
 *
 * @example
 * ```ts
 * import { connect } from "@kernio/kernio/uring";
 * using conn = await connect({ hostname: "localhost", port: 8080, signal: AbortSignal.timeout(1000) });
 * await conn.write(new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n"));
 * ```
 */
export function connect(options: TcpConnectOptions): Promise<UringTcpConn>;
/** Connects to a Unix stream socket. */
export function connect(options: UnixConnectOptions): Promise<UringUnixConn>;
export async function connect(
  options: TcpConnectOptions | UnixConnectOptions,
): Promise<UringTcpConn | UringUnixConn> {
  if (options === null || typeof options !== "object") {
    throw new TypeError("connect: expected an options object");
  }
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError("connect: signal must be an AbortSignal");
  }
  signal?.throwIfAborted();
  const engine = Engine.default();
  if (options.transport === "unix") {
    if (typeof options.path !== "string" || options.path === "") {
      throw new TypeError("connect: path must be a non-empty string");
    }
    const sa = new SockaddrUnix(options.path);
    const fd = await connectOne(engine, sa, signal);
    return new UringUnixConn(engine, fd, {
      transport: "unix",
      path: options.path,
    });
  }
  if (options.transport !== undefined && options.transport !== "tcp") {
    throw new TypeError(
      `connect: transport must be "tcp" or "unix", got ${
        String((options as { transport: unknown }).transport)
      }`,
    );
  }
  const port = checkPort("connect", options.port);
  const host = checkHostname("connect", options.hostname ?? "127.0.0.1");
  const addrs = await resolveAsync("connect", host, signal);
  let lastError: unknown;
  for (const a of addrs) {
    const sa = a.includes(":")
      ? SockaddrInet6.parse(a, port)
      : SockaddrInet4.parse(a, port);
    try {
      const fd = await connectOne(engine, sa, signal);
      return new UringTcpConn(engine, fd, {
        transport: "tcp",
        hostname: a,
        port,
      });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      lastError = e;
    }
  }
  throw lastError;
}

async function connectOne(
  engine: Engine,
  sa: SockaddrInet4 | SockaddrInet6 | SockaddrUnix,
  signal: AbortSignal | undefined,
): Promise<number> {
  const fd = streamSocket("connect", familyOf(sa));
  try {
    engine.driver.watchFd(fd); // its connect completes on an edge
    const c = await engine.driver.submit(
      "connect",
      (ring, ctx, o) => {
        ctx.extSQE().fd = fd;
        return ring.connect(ctx, sa.bytes.subarray(0, sa.length), o);
      },
      { signal, raw: true },
    );
    if (c.res < 0) throw errorFromErrno(c.res, "connect", addrText(sa));
    return fd;
  } catch (e) {
    engine.driver.unwatchFd(fd);
    closeFd(fd);
    throw e;
  }
}
