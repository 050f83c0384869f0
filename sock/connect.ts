// Deno-shaped entry points: code written for Deno.connect / Deno.listen
// ports to kernio by changing the import.

import type { HostPort, UnixPath } from "./sockaddr.ts";
import {
  type ListenOptions,
  listenTCP,
  type TCPConn,
  TCPDialer,
  type TCPListener,
} from "./tcp.ts";
import {
  dialUnix,
  listenUnix,
  type UnixListener,
  type UnixStreamConn,
} from "./unix.ts";

/**
 * Options of {@linkcode connect} for TCP: Deno.ConnectOptions plus an
 * AbortSignal and a timeout.
 *
 * @example
 * ```ts
 * import type { ConnectOptions } from "@kernio/kernio/sock";
 * const o: ConnectOptions = { hostname: "127.0.0.1", port: 80, timeout: 1000 };
 * ```
 */
export interface ConnectOptions extends HostPort {
  /** "tcp" (default). */
  transport?: "tcp";
  /** Cancels the connection attempt. */
  signal?: AbortSignal;
  /** Gives up after this many milliseconds (default: no limit). */
  timeout?: number;
}

/**
 * Options of {@linkcode connect} for Unix stream sockets
 * (Deno.UnixConnectOptions).
 *
 * @example
 * ```ts
 * import type { UnixConnectOptions } from "@kernio/kernio/sock";
 * const o: UnixConnectOptions = { transport: "unix", path: "/run/app.sock" };
 * ```
 */
export interface UnixConnectOptions extends UnixPath {
  /** "unix". */
  transport: "unix";
}

/**
 * Connects like Deno.connect and resolves once the connection is
 * established (TCP: after the handshake). The default hostname is
 * "127.0.0.1", as in Deno. No DNS: hostnames must be IP literals or
 * "localhost".
 *
 * @example
 * ```ts
 * import { connect, listen } from "@kernio/kernio/sock";
 * using ln = listen({ hostname: "127.0.0.1", port: 0 });
 * using conn = await connect({ hostname: "127.0.0.1", port: ln.addr.port });
 * using peer = await ln.accept();
 * await conn.write(new TextEncoder().encode("hi"));
 * ```
 */
export function connect(options: ConnectOptions): Promise<TCPConn>;
/** Connects to a Unix stream socket. */
export function connect(options: UnixConnectOptions): Promise<UnixStreamConn>;
export async function connect(
  options: ConnectOptions | UnixConnectOptions,
): Promise<TCPConn | UnixStreamConn> {
  if (options === null || typeof options !== "object") {
    throw new TypeError("connect: expected an options object");
  }
  if (options.transport === "unix") {
    const c = dialUnix("unix", null, { path: options.path });
    try {
      // A Unix stream connect completes at once unless the backlog is full.
      await c.waitWritable();
      return c as UnixStreamConn;
    } catch (e) {
      c.close();
      throw e;
    }
  }
  if (options.transport !== undefined && options.transport !== "tcp") {
    throw new TypeError(
      `connect: unsupported transport "${options.transport}" (tcp or unix)`,
    );
  }
  const o = options as ConnectOptions;
  const dialer = new TCPDialer({
    timeout: o.timeout ?? Infinity,
    signal: o.signal,
  });
  return await dialer.dial("tcp", null, {
    hostname: o.hostname ?? "127.0.0.1",
    port: o.port,
  });
}

/**
 * Options of {@linkcode listen} for TCP (Deno.TcpListenOptions subset).
 *
 * @example
 * ```ts
 * import type { TcpListenOptions } from "@kernio/kernio/sock";
 * const o: TcpListenOptions = { port: 8080, reusePort: true };
 * ```
 */
export interface TcpListenOptions extends HostPort, ListenOptions {
  /** "tcp" (default). */
  transport?: "tcp";
}

/**
 * Options of {@linkcode listen} for Unix sockets.
 *
 * @example
 * ```ts
 * import type { UnixListenOptions } from "@kernio/kernio/sock";
 * const o: UnixListenOptions = { transport: "unix", path: "/run/app.sock" };
 * ```
 */
export interface UnixListenOptions extends UnixPath {
  /** "unix" (stream) or "unixpacket" (seqpacket). */
  transport: "unix" | "unixpacket";
  /** listen(2) backlog. */
  backlog?: number;
}

/**
 * Listens like Deno.listen (default hostname "0.0.0.0").
 *
 * @example
 * ```ts
 * import { connect, listen } from "@kernio/kernio/sock";
 * using ln = listen({ port: 0 });
 * using client = await connect({ port: ln.addr.port });
 * for await (const conn of ln) {
 *   conn.close();
 *   break;
 * }
 * ```
 */
export function listen(options: TcpListenOptions): TCPListener;
/** Listens on a Unix stream or seqpacket socket. */
export function listen(options: UnixListenOptions): UnixListener;
export function listen(
  options: TcpListenOptions | UnixListenOptions,
): TCPListener | UnixListener {
  if (options === null || typeof options !== "object") {
    throw new TypeError("listen: expected an options object");
  }
  if (options.transport === "unix" || options.transport === "unixpacket") {
    return listenUnix(options.transport, { path: options.path }, {
      backlog: options.backlog,
    });
  }
  if (options.transport !== undefined && options.transport !== "tcp") {
    throw new TypeError(
      `listen: unsupported transport "${
        (options as { transport: string }).transport
      }" (tcp, unix or unixpacket)`,
    );
  }
  const o = options as TcpListenOptions;
  return listenTCP("tcp", {
    hostname: o.hostname ?? "0.0.0.0",
    port: o.port,
  }, { backlog: o.backlog, reusePort: o.reusePort });
}
