// TCP: TCPSocket -> TCPConn, TCPListener; dialTCP* (non-blocking: they
// return while the handshake is in progress), TCPDialer (awaits the
// handshake with a timeout) and listenTCP*.

import { AF, SOCK } from "../zcall/constants.ts";
import {
  AddrError,
  ClosedError,
  InvalidAddrError,
  UnknownNetworkError,
  WOULD_BLOCK,
} from "./errors.ts";
import {
  setKeepAlive,
  setReuseAddr,
  setReusePort,
  setTCPKeepIdle,
  setTCPKeepIntvl,
  setTCPNoDelay,
} from "./options.ts";
import {
  type HostPort,
  ipFamilyOf,
  SockaddrInet4,
  SockaddrInet6,
  sockaddrToTCPAddr,
  tcpAddrToSockaddr,
} from "./sockaddr.ts";
import {
  closeOnError,
  DEFAULT_BACKLOG,
  type IoOptions,
  NetSocket,
  openSocket,
} from "./socket.ts";
import { readableStreamFromConn, writableStreamFromConn } from "./streams.ts";
import { dualStackSocket, isDualStackWildcard } from "./_dual_stack.ts";
import { dialTimeout, finishDial, waitConnect } from "./_dial.ts";

/**
 * TCP network names: "tcp" picks the family from the address literal,
 * "tcp4" and "tcp6" force it.
 *
 * @example
 * ```ts
 * import type { TCPNetwork } from "@kernio/kernio/sock";
 * const n: TCPNetwork = "tcp6";
 * ```
 */
export type TCPNetwork = "tcp" | "tcp4" | "tcp6";

/**
 * Resolves the IP family of a network name and its addresses.
 *
 * @example
 * ```ts
 * import { ipFamilyFor } from "@kernio/kernio/sock";
 * ipFamilyFor("tcp", "tcp", null, { hostname: "::1", port: 80 }, "dial"); // 6
 * ```
 */
export function ipFamilyFor(
  network: string,
  prefix: "tcp" | "udp",
  laddr: HostPort | null | undefined,
  raddr: HostPort | null | undefined,
  fn: string,
): 4 | 6 {
  if (
    network !== prefix && network !== prefix + "4" && network !== prefix + "6"
  ) {
    throw new UnknownNetworkError(
      fn,
      network,
      `${prefix}, ${prefix}4 or ${prefix}6`,
    );
  }
  const fams: (4 | 6)[] = [];
  for (const a of [raddr, laddr]) {
    if (a === null || a === undefined) continue;
    if (typeof a !== "object") {
      throw new TypeError(
        `${fn}: addresses must be { hostname, port } objects`,
      );
    }
    const h = a.hostname ?? "";
    if (typeof h !== "string") {
      throw new TypeError(`${fn}: hostname must be a string`);
    }
    // An empty hostname fits either family.
    if (h === "") continue;
    const f = ipFamilyOf(h);
    if (f === 0) {
      throw new AddrError(
        fn,
        "not an IP address literal (no DNS here: resolve names with resolveTCPAddr or resolveUDPAddr first)",
        h,
      );
    }
    fams.push(h === "localhost" && network.endsWith("6") ? 6 : (f as 4 | 6));
  }
  const want = network.endsWith("4") ? 4 : network.endsWith("6") ? 6 : 0;
  for (const f of fams) {
    if (want !== 0 && f !== want) {
      throw new AddrError(
        fn,
        `address family mismatch: network "${network}" with an IPv${f} address`,
        String(f),
      );
    }
  }
  if (want !== 0) return want;
  if (fams.length === 2 && fams[0] !== fams[1]) {
    throw new AddrError(
      fn,
      "local and remote addresses differ in family",
      `${laddr?.hostname} / ${raddr?.hostname}`,
    );
  }
  return fams[0] ?? 4;
}

/**
 * A sockaddr of the given family for a { hostname, port }.
 *
 * @example
 * ```ts
 * import { ipSockaddr } from "@kernio/kernio/sock";
 * const sa = ipSockaddr({ hostname: "127.0.0.1", port: 8080 }, 4);
 * ```
 */
export function ipSockaddr(
  addr: HostPort,
  family: 4 | 6,
): SockaddrInet4 | SockaddrInet6 {
  const h = addr.hostname ?? "";
  if (family === 6) {
    const sa = new SockaddrInet6();
    sa.setHost(h === "localhost" ? "::1" : h);
    return sa.setPort(checkedPort(addr.port));
  }
  return tcpAddrToSockaddr(addr, new SockaddrInet4()) as SockaddrInet4;
}

function checkedPort(port: number): number {
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new RangeError(`port must be an integer in 0..65535, got ${port}`);
  }
  return port;
}

/**
 * A TCP socket, base of TCPConn and TCPListener.
 *
 * @example
 * ```ts
 * import { TCPSocket } from "@kernio/kernio/sock";
 * using s = TCPSocket.create4();
 * s.protocol(); // 1 (SOCK_STREAM)
 * ```
 */
export class TCPSocket extends NetSocket {
  /** Wraps a TCP descriptor of family AF_INET or AF_INET6. */
  constructor(fd: number, domain: number) {
    super(fd, domain, SOCK.STREAM);
  }

  /**
   * A new IPv4 TCP socket with SO_REUSEADDR (a restarted server can bind
   * while old connections sit in TIME_WAIT). SO_REUSEPORT is opt-in (see
   * listenTCP's `reusePort`), so a second listener on a busy port fails
   * with AddressInUseError instead of silently sharing it; SO_ZEROCOPY is
   * off (enable it with setZeroCopy for MSG_ZEROCOPY sends).
   *
   * @example
   * ```ts
   * import { TCPSocket } from "@kernio/kernio/sock";
   * TCPSocket.create4().close();
   * ```
   */
  static create4(): TCPSocket {
    return tcpSocket(AF.INET, TCPSocket);
  }

  /**
   * A new IPv6 TCP socket with SO_REUSEADDR.
   *
   * @example
   * ```ts
   * import { TCPSocket } from "@kernio/kernio/sock";
   * TCPSocket.create6().close();
   * ```
   */
  static create6(): TCPSocket {
    return tcpSocket(AF.INET6, TCPSocket);
  }
}

function tcpSocket<T extends TCPSocket>(
  domain: number,
  C: new (fd: number, domain: number) => T,
): T {
  const s = new C(openSocket(domain, SOCK.STREAM, 0), domain);
  return closeOnError(s, () => {
    setReuseAddr(s, true);
  });
}

/**
 * A TCP connection. Synchronous non-blocking I/O with `tryRead` /
 * `tryWrite` (WOULD_BLOCK when not ready); Deno.Conn-style awaitable
 * `read` / `write` honouring deadlines and AbortSignal; `readable` /
 * `writable` web streams.
 *
 * @example
 * ```ts
 * import { dialTCP4, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * using c = dialTCP4(null, ln.addr);
 * using s = await ln.accept();
 * await c.waitConnected();
 * await c.writeAll(new TextEncoder().encode("hi"));
 * const buf = new Uint8Array(2);
 * await s.read(buf); // 2
 * ```
 */
export class TCPConn extends TCPSocket {
  #local: Deno.NetAddr | undefined;
  #remote: Deno.NetAddr | undefined;
  #readable: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #writable: WritableStream<Uint8Array> | undefined;

  /** Wraps a connected (or connecting) TCP descriptor. */
  constructor(fd: number, domain: number, remote?: Deno.NetAddr) {
    super(fd, domain);
    this.#remote = remote;
  }

  /** The local address (Deno.NetAddr). */
  get localAddr(): Deno.NetAddr {
    return this.#local ??= sockaddrToTCPAddr(this.getSockname());
  }

  /** The remote address (Deno.NetAddr). */
  get remoteAddr(): Deno.NetAddr {
    return this.#remote ??= sockaddrToTCPAddr(this.getPeername());
  }

  /**
   * Waits for a non-blocking connect to finish: resolves once connected,
   * rejects with the typed error (ConnectionRefusedError...), a
   * TimedOutError at the write deadline (or `deadline`), or AbortedError.
   */
  async waitConnected(
    options?: IoOptions & { deadline?: number },
  ): Promise<this> {
    const deadline = options?.deadline ?? this.writeDeadline;
    await waitConnect(this, deadline, options?.signal);
    return this;
  }

  /** Half-closes: shutdown of the write side (the peer reads EOF). */
  closeWrite(): Promise<void> {
    try {
      this.shutdown(1);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** TCP_NODELAY (true, the default, disables Nagle's algorithm). */
  setNoDelay(noDelay = true): void {
    setTCPNoDelay(this, noDelay);
  }

  /** SO_KEEPALIVE (default true). */
  setKeepAlive(keepalive = true): void {
    setKeepAlive(this, keepalive);
  }

  /** Keepalive idle time and probe interval, from milliseconds (rounded up to seconds). */
  setKeepAlivePeriod(ms: number): void {
    if (!(typeof ms === "number" && ms > 0 && Number.isFinite(ms))) {
      throw new RangeError(`setKeepAlivePeriod: expected ms > 0, got ${ms}`);
    }
    const secs = Math.max(1, Math.ceil(ms / 1000));
    setTCPKeepIdle(this, secs);
    setTCPKeepIntvl(this, secs);
  }

  /** A byte stream of what the peer sends (created on first access). */
  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.#readable ??= readableStreamFromConn(this);
  }

  /** A stream writing to the peer; closing it half-closes the connection. */
  get writable(): WritableStream<Uint8Array> {
    return this.#writable ??= writableStreamFromConn(this);
  }
}

/**
 * Options of the listen functions.
 *
 * @example
 * ```ts
 * import { listenTCP4, type ListenOptions } from "@kernio/kernio/sock";
 * const opts: ListenOptions = { backlog: 128, reusePort: true };
 * listenTCP4({ hostname: "127.0.0.1", port: 0 }, opts).close();
 * ```
 */
export interface ListenOptions {
  /** listen(2) backlog, default 511. */
  backlog?: number;
  /** Set SO_REUSEPORT before bind (several listeners share the port). */
  reusePort?: boolean;
}

/**
 * A TCP listener: `tryAccept` (null when none pending), awaitable `accept`
 * (honours the deadline and AbortSignal), and async iteration like
 * Deno.Listener.
 *
 * @example
 * ```ts
 * import { listenTCP } from "@kernio/kernio/sock";
 * using ln = listenTCP("tcp", { hostname: "127.0.0.1", port: 0 });
 * ln.tryAccept(); // null: nobody connected yet
 * ```
 */
export class TCPListener extends TCPSocket {
  #addr: Deno.NetAddr | undefined;

  /** The bound address (Deno.NetAddr; port 0 resolved to the real port). */
  get addr(): Deno.NetAddr {
    return this.#addr ??= sockaddrToTCPAddr(this.getSockname());
  }

  /** Accepts one pending connection, or returns null at once. */
  override tryAccept(): TCPConn | null {
    const fd = this.tryAcceptFd();
    return fd === WOULD_BLOCK ? null : new TCPConn(fd, this.networkType());
  }

  /** Waits for and accepts a connection. */
  accept(options?: IoOptions): Promise<TCPConn> {
    return this._acceptWith(() => this.tryAccept(), options);
  }

  /** Yields accepted connections until the listener is closed. */
  async *[Symbol.asyncIterator](): AsyncGenerator<TCPConn> {
    for (;;) {
      try {
        yield await this.accept();
      } catch (e) {
        if (e instanceof ClosedError) return;
        throw e;
      }
    }
  }
}

/**
 * Starts a non-blocking TCP connection: returns at
 * once, possibly while the handshake is in progress; finish it with
 * `waitConnected()` or use {@linkcode TCPDialer}. `laddr` (or null) binds
 * the local end first.
 *
 * @example
 * ```ts
 * import { dialTCP, listenTCP } from "@kernio/kernio/sock";
 * using ln = listenTCP("tcp", { hostname: "::1", port: 0 });
 * using c = dialTCP("tcp", null, ln.addr);
 * await c.waitConnected();
 * ```
 */
export function dialTCP(
  network: TCPNetwork,
  laddr: HostPort | null,
  raddr: HostPort,
): TCPConn {
  if (raddr === null || raddr === undefined) {
    throw new InvalidAddrError("dialTCP", "a remote address is required", "");
  }
  const fam = ipFamilyFor(network, "tcp", laddr, raddr, "dialTCP");
  const ra = ipSockaddr(raddr, fam);
  const la = laddr ? ipSockaddr(laddr, fam) : null;
  const domain = fam === 6 ? AF.INET6 : AF.INET;
  const conn = new TCPConn(
    openSocket(domain, SOCK.STREAM, 0),
    domain,
    sockaddrToTCPAddr(ra),
  );
  return closeOnError(conn, () => {
    if (la) {
      setReuseAddr(conn, true);
      conn.bind(la);
    }
    conn.connect(ra);
  });
}

/**
 * {@linkcode dialTCP} over IPv4.
 *
 * @example
 * ```ts
 * import { dialTCP4, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * using c = dialTCP4(null, ln.addr);
 * ```
 */
export function dialTCP4(laddr: HostPort | null, raddr: HostPort): TCPConn {
  return dialTCP("tcp4", laddr, raddr);
}

/**
 * {@linkcode dialTCP} over IPv6.
 *
 * @example
 * ```ts
 * import { dialTCP6, listenTCP6 } from "@kernio/kernio/sock";
 * using ln = listenTCP6({ hostname: "::1", port: 0 });
 * using c = dialTCP6(null, ln.addr);
 * ```
 */
export function dialTCP6(laddr: HostPort | null, raddr: HostPort): TCPConn {
  return dialTCP("tcp6", laddr, raddr);
}

/**
 * Creates a listening TCP socket with SO_REUSEADDR. With network "tcp" and
 * no hostname it listens on every address of both families: one IPv6
 * socket on [::] with IPV6_V6ONLY off (IPv4 peers appear as
 * ::ffff:a.b.c.d), or 0.0.0.0 where the host has no IPv6. "tcp4" with no
 * hostname binds 0.0.0.0, "tcp6" binds [::] (the system's IPV6_V6ONLY
 * default applies).
 *
 * @example
 * ```ts
 * import { listenTCP } from "@kernio/kernio/sock";
 * using ln = listenTCP("tcp4", { hostname: "127.0.0.1", port: 0 });
 * ln.addr.port > 0; // true
 * ```
 */
export function listenTCP(
  network: TCPNetwork,
  laddr: HostPort,
  options?: ListenOptions,
): TCPListener {
  if (laddr === null || laddr === undefined) {
    throw new InvalidAddrError("listenTCP", "a local address is required", "");
  }
  const fam = ipFamilyFor(network, "tcp", laddr, null, "listenTCP");
  const dual = isDualStackWildcard(network, laddr);
  let ln: TCPListener;
  let la: SockaddrInet4 | SockaddrInet6;
  if (dual) {
    const d = dualStackSocket(TCPListener, SOCK.STREAM, laddr.port);
    if (d !== null) [ln, la] = d;
    else [ln, la] = [tcpSocket(AF.INET, TCPListener), ipSockaddr(laddr, 4)];
  } else {
    la = ipSockaddr(laddr, fam);
    ln = tcpSocket(fam === 6 ? AF.INET6 : AF.INET, TCPListener);
  }
  return closeOnError(ln, () => {
    if (options?.reusePort) setReusePort(ln, true);
    ln.bind(la);
    ln.listen(options?.backlog ?? DEFAULT_BACKLOG);
  });
}

/**
 * {@linkcode listenTCP} over IPv4.
 *
 * @example
 * ```ts
 * import { listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * ```
 */
export function listenTCP4(
  laddr: HostPort,
  options?: ListenOptions,
): TCPListener {
  return listenTCP("tcp4", laddr, options);
}

/**
 * {@linkcode listenTCP} over IPv6.
 *
 * @example
 * ```ts
 * import { listenTCP6 } from "@kernio/kernio/sock";
 * using ln = listenTCP6({ hostname: "::1", port: 0 });
 * ```
 */
export function listenTCP6(
  laddr: HostPort,
  options?: ListenOptions,
): TCPListener {
  return listenTCP("tcp6", laddr, options);
}

/**
 * Dials with a timeout: `timeout` 0 returns at once
 * like dialTCP (handshake maybe in progress); otherwise the promise
 * resolves once connected, or rejects with TimedOutError, the connect
 * error (ConnectionRefusedError...) or AbortedError, closing the socket.
 *
 * @example
 * ```ts
 * import { listenTCP4, TCPDialer } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * const dialer = new TCPDialer({ timeout: 5000 });
 * using c = await dialer.dial4(null, ln.addr);
 * ```
 */
export class TCPDialer {
  #timeout = 0;
  /** Cancels dials in progress. */
  signal: AbortSignal | undefined;

  /** Creates a dialer; `timeout` in milliseconds (0: non-blocking). */
  constructor(options?: { timeout?: number; signal?: AbortSignal }) {
    this.setDialTimeout(options?.timeout ?? 0);
    this.signal = options?.signal;
  }

  /** The timeout in milliseconds (0: non-blocking dials). */
  get timeout(): number {
    return this.#timeout;
  }

  /** Sets the timeout in milliseconds; 0 disables waiting. */
  setDialTimeout(ms: number): void {
    this.#timeout = dialTimeout(ms, "TCPDialer");
  }

  /** Dials, picking the family from the address. */
  async dial(
    network: TCPNetwork,
    laddr: HostPort | null,
    raddr: HostPort,
  ): Promise<TCPConn> {
    return await finishDial(
      dialTCP(network, laddr, raddr),
      this.#timeout,
      this.signal,
      `${raddr.hostname}:${raddr.port}`,
    );
  }

  /** Dials over IPv4. */
  dial4(laddr: HostPort | null, raddr: HostPort): Promise<TCPConn> {
    return this.dial("tcp4", laddr, raddr);
  }

  /** Dials over IPv6. */
  dial6(laddr: HostPort | null, raddr: HostPort): Promise<TCPConn> {
    return this.dial("tcp6", laddr, raddr);
  }
}
