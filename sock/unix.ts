// Unix domain sockets: UnixSocket -> UnixConn, UnixListener, for stream
// ("unix"), datagram ("unixgram") and seqpacket ("unixpacket") sockets,
// socket pairs included.

import { AF, SOCK } from "../zcall/constants.ts";
import { ClosedError, UnknownNetworkError, WOULD_BLOCK } from "./errors.ts";
import {
  type Sockaddr,
  sockaddrToUnixAddr,
  SockaddrUnix,
  type UnixAddr,
  type UnixPath,
} from "./sockaddr.ts";
import {
  closeOnError,
  DatagramIo,
  DEFAULT_BACKLOG,
  type IoOptions,
  NetSocket,
  openPair,
  openSocket,
} from "./socket.ts";
import { readableStreamFromConn, writableStreamFromConn } from "./streams.ts";

/**
 * Unix network names: "unix" (SOCK_STREAM), "unixgram" (SOCK_DGRAM),
 * "unixpacket" (SOCK_SEQPACKET).
 *
 * @example
 * ```ts
 * import type { UnixNetwork } from "@kernio/kernio/sock";
 * const n: UnixNetwork = "unixpacket";
 * ```
 */
export type UnixNetwork = "unix" | "unixgram" | "unixpacket";

function sockType(network: string, fn: string): number {
  switch (network) {
    case "unix":
      return SOCK.STREAM;
    case "unixgram":
      return SOCK.DGRAM;
    case "unixpacket":
      return SOCK.SEQPACKET;
  }
  throw new UnknownNetworkError(
    fn,
    network,
    "unix, unixgram or unixpacket",
  );
}

function transportOf(type: number): UnixNetwork {
  return type === SOCK.DGRAM
    ? "unixgram"
    : type === SOCK.SEQPACKET
    ? "unixpacket"
    : "unix";
}

function toSockaddrUnix(a: UnixPath | SockaddrUnix, fn: string): SockaddrUnix {
  if (a instanceof SockaddrUnix) return a;
  if (a === null || typeof a !== "object" || typeof a.path !== "string") {
    throw new TypeError(`${fn}: expected a SockaddrUnix or { path }`);
  }
  return new SockaddrUnix(a.path);
}

/**
 * A Unix domain socket, base of UnixConn and
 * UnixListener.
 *
 * @example
 * ```ts
 * import { UnixSocket } from "@kernio/kernio/sock";
 * using s = UnixSocket.createSeqpacket();
 * s.protocol(); // 5
 * ```
 */
export class UnixSocket extends NetSocket {
  /** Wraps an AF_UNIX descriptor of the given type. */
  constructor(fd: number, type: number) {
    super(fd, AF.UNIX, type);
  }

  /**
   * A new SOCK_STREAM socket.
   *
   * @example
   * ```ts
   * import { UnixSocket } from "@kernio/kernio/sock";
   * UnixSocket.createStream().close();
   * ```
   */
  static createStream(): UnixSocket {
    return new UnixSocket(openSocket(AF.UNIX, SOCK.STREAM), SOCK.STREAM);
  }

  /**
   * A new SOCK_DGRAM socket.
   *
   * @example
   * ```ts
   * import { UnixSocket } from "@kernio/kernio/sock";
   * UnixSocket.createDatagram().close();
   * ```
   */
  static createDatagram(): UnixSocket {
    return new UnixSocket(openSocket(AF.UNIX, SOCK.DGRAM), SOCK.DGRAM);
  }

  /**
   * A new SOCK_SEQPACKET socket.
   *
   * @example
   * ```ts
   * import { UnixSocket } from "@kernio/kernio/sock";
   * UnixSocket.createSeqpacket().close();
   * ```
   */
  static createSeqpacket(): UnixSocket {
    return new UnixSocket(openSocket(AF.UNIX, SOCK.SEQPACKET), SOCK.SEQPACKET);
  }
}

/**
 * A Unix connection (stream, datagram or seqpacket). Non-blocking
 * `try*` methods return WOULD_BLOCK when not ready; the promise methods
 * await readiness; stream kinds have `readable`/`writable` web streams.
 *
 * @example
 * ```ts
 * import { unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unixpacket");
 * a.tryWrite(new Uint8Array([1, 2]));
 * await b.read(new Uint8Array(8)); // 2: one message
 * a.close();
 * b.close();
 * ```
 */
export class UnixConn extends UnixSocket {
  readonly #io = new DatagramIo();
  readonly #from = new SockaddrUnix();
  #local: UnixAddr | undefined;
  #remote: UnixAddr | null | undefined;
  #readable: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #writable: WritableStream<Uint8Array> | undefined;

  /** Wraps a Unix descriptor; `remote` is the peer, when known. */
  constructor(fd: number, type: number, remote?: UnixAddr | null) {
    super(fd, type);
    this.#remote = remote;
  }

  /** The local address ({ transport, path }; path "" when unnamed). */
  get localAddr(): UnixAddr {
    return this.#local ??= sockaddrToUnixAddr(
      this.getSockname(),
      transportOf(this.protocol()),
    );
  }

  /** The peer address, or null for an unconnected datagram socket. */
  get remoteAddr(): UnixAddr | null {
    if (this.#remote !== undefined) return this.#remote;
    try {
      return this.#remote = sockaddrToUnixAddr(
        this.getPeername(),
        transportOf(this.protocol()),
      );
    } catch (e) {
      if (e instanceof ClosedError) throw e;
      return null;
    }
  }

  /** The sender of the last readFrom called without a `from` address (owned, reused). */
  get lastFrom(): SockaddrUnix {
    return this.#from;
  }

  #checkFrom(from: Sockaddr | undefined): SockaddrUnix {
    if (from === undefined) return this.#from;
    if (!(from instanceof SockaddrUnix)) {
      throw new TypeError("readFrom: the address must be a SockaddrUnix");
    }
    return from;
  }

  /** recvfrom(2), non-blocking: length or WOULD_BLOCK; sender in `from` or lastFrom. */
  tryReadFrom(p: Uint8Array, from?: Sockaddr): number {
    return this.#io.tryReadFrom(this, p, this.#checkFrom(from));
  }

  /** sendto(2), non-blocking: bytes sent or WOULD_BLOCK. */
  tryWriteTo(p: Uint8Array, to: SockaddrUnix | UnixPath): number {
    return this.#io.tryWriteTo(this, p, toSockaddrUnix(to, "writeTo"));
  }

  /** Awaits a datagram (see {@linkcode UnixConn.tryReadFrom}). */
  async readFrom(
    p: Uint8Array,
    options?: IoOptions & { from?: Sockaddr },
  ): Promise<number> {
    const from = this.#checkFrom(options?.from);
    for (;;) {
      const n = this.#io.tryReadFrom(this, p, from);
      if (n !== WOULD_BLOCK) return n;
      await this._awaitReady(false, options, "read");
    }
  }

  /** Sends a datagram to `to` once writable. */
  async writeTo(
    p: Uint8Array,
    to: SockaddrUnix | UnixPath,
    options?: IoOptions,
  ): Promise<number> {
    const sa = toSockaddrUnix(to, "writeTo");
    for (;;) {
      const n = this.#io.tryWriteTo(this, p, sa);
      if (n !== WOULD_BLOCK) return n;
      await this._awaitReady(true, options, "write");
    }
  }

  /** Half-closes: shutdown of the write side. */
  closeWrite(): Promise<void> {
    try {
      this.shutdown(1);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A byte stream of what the peer sends (created on first access). */
  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.#readable ??= readableStreamFromConn(this);
  }

  /** A stream writing to the peer; closing it half-closes. */
  get writable(): WritableStream<Uint8Array> {
    return this.#writable ??= writableStreamFromConn(this);
  }
}

/**
 * A connected Unix stream or seqpacket socket: a {@linkcode UnixConn} whose
 * addresses are always Deno.UnixAddr, so it is assignable to Deno.UnixConn.
 * What {@linkcode connect} and the listeners' `accept` return.
 *
 * @example
 * ```ts
 * import { connect, listen, type UnixStreamConn } from "@kernio/kernio/sock";
 * using ln = listen({ transport: "unix", path: "@kernio-stream-example" });
 * using c: UnixStreamConn = await connect({ transport: "unix", path: "@kernio-stream-example" });
 * const conn: Deno.UnixConn = c;
 * ```
 */
export class UnixStreamConn extends UnixConn {
  /** The local address (Deno.UnixAddr). */
  override get localAddr(): Deno.UnixAddr {
    return super.localAddr as Deno.UnixAddr;
  }

  /** The peer address (Deno.UnixAddr; path "" when the peer is unnamed). */
  override get remoteAddr(): Deno.UnixAddr {
    return (super.remoteAddr ??
      { transport: this.localAddr.transport, path: "" }) as Deno.UnixAddr;
  }
}

/**
 * A listening Unix stream or seqpacket socket. Closing it removes the
 * socket file it created (when --allow-write covers the path).
 *
 * @example
 * ```ts
 * import { listenUnix } from "@kernio/kernio/sock";
 * using ln = listenUnix("unix", { path: "@kernio-doc-example" });
 * ln.tryAccept(); // null
 * ```
 */
export class UnixListener extends UnixSocket {
  #addr: Deno.UnixAddr | undefined;
  #unlink: string | null = null;

  /** The bound address (Deno.UnixAddr: listeners are stream or seqpacket). */
  get addr(): Deno.UnixAddr {
    return this.#addr ??= sockaddrToUnixAddr(
      this.getSockname(),
      transportOf(this.protocol()),
    ) as Deno.UnixAddr;
  }

  /** Accepts a pending connection, or returns null at once. */
  override tryAccept(): UnixStreamConn | null {
    const fd = this.tryAcceptFd();
    return fd === WOULD_BLOCK ? null : new UnixStreamConn(fd, this.protocol());
  }

  /** Waits for and accepts a connection. */
  accept(options?: IoOptions): Promise<UnixStreamConn> {
    return this._acceptWith(() => this.tryAccept(), options);
  }

  /** Yields accepted connections until the listener is closed. */
  async *[Symbol.asyncIterator](): AsyncGenerator<UnixStreamConn> {
    for (;;) {
      try {
        yield await this.accept();
      } catch (e) {
        if (e instanceof ClosedError) return;
        throw e;
      }
    }
  }

  /** @internal Remember the path to remove on close. */
  _unlinkOnClose(path: string | null): void {
    this.#unlink = path;
  }

  /** Closes the socket and removes its file. Idempotent. */
  override close(): void {
    if (this.closed) return;
    super.close();
    const path = this.#unlink;
    this.#unlink = null;
    if (path === null) return;
    try {
      const st = Deno.permissions.querySync({ name: "write", path });
      if (st.state === "granted") Deno.removeSync(path);
    } catch {
      // Already gone or not ours to remove: nothing to do.
    }
  }
}

/**
 * Connects to a Unix socket, non-blocking. `laddr`
 * (or null) binds the local end first.
 *
 * @example
 * ```ts
 * import { dialUnix, listenUnix } from "@kernio/kernio/sock";
 * using ln = listenUnix("unix", { path: "@kernio-dial-example" });
 * using c = dialUnix("unix", null, { path: "@kernio-dial-example" });
 * using s = await ln.accept();
 * ```
 */
export function dialUnix(
  network: UnixNetwork,
  laddr: UnixPath | null,
  raddr: UnixPath,
): UnixConn {
  const type = sockType(network, "dialUnix");
  if (raddr === null || raddr === undefined) {
    throw new TypeError("dialUnix: a remote address is required");
  }
  const ra = toSockaddrUnix(raddr, "dialUnix");
  const la = laddr ? toSockaddrUnix(laddr, "dialUnix") : null;
  const C = type === SOCK.DGRAM ? UnixConn : UnixStreamConn;
  const c = new C(
    openSocket(AF.UNIX, type),
    type,
    sockaddrToUnixAddr(ra, network),
  );
  return closeOnError(c, () => {
    if (la) c.bind(la);
    c.connect(ra);
  });
}

/**
 * A listening Unix socket for "unix" (stream) or "unixpacket" (seqpacket).
 * "unixgram" has no connections to accept: it gives the bound datagram
 * socket, as {@linkcode listenUnixgram} does.
 *
 * @example
 * ```ts
 * import { listenUnix } from "@kernio/kernio/sock";
 * using ln = listenUnix("unixpacket", { path: "@kernio-listen-example" });
 * ln.addr.path; // "@kernio-listen-example"
 * using g = listenUnix("unixgram", { path: "@kernio-listen-gram-example" });
 * ```
 */
export function listenUnix(
  network: "unix" | "unixpacket",
  laddr: UnixPath,
  options?: { backlog?: number },
): UnixListener;
/** A bound Unix datagram socket (see {@linkcode listenUnixgram}). */
export function listenUnix(network: "unixgram", laddr: UnixPath): UnixConn;
export function listenUnix(
  network: UnixNetwork,
  laddr: UnixPath,
  options?: { backlog?: number },
): UnixListener | UnixConn {
  if (network === "unixgram") return listenUnixgram(network, laddr);
  const type = sockType(network, "listenUnix");
  if (laddr === null || laddr === undefined) {
    throw new TypeError("listenUnix: a local address is required");
  }
  const la = toSockaddrUnix(laddr, "listenUnix");
  const ln = new UnixListener(openSocket(AF.UNIX, type), type);
  closeOnError(ln, () => {
    ln.bind(la);
    ln.listen(options?.backlog ?? DEFAULT_BACKLOG);
  });
  const path = la.path();
  ln._unlinkOnClose(path !== "" && !la.isAbstract() ? path : null);
  return ln;
}

/**
 * A bound Unix datagram socket.
 *
 * @example
 * ```ts
 * import { listenUnixgram } from "@kernio/kernio/sock";
 * using c = listenUnixgram("unixgram", { path: "@kernio-gram-example" });
 * ```
 */
export function listenUnixgram(
  network: "unixgram",
  laddr: UnixPath,
): UnixConn {
  if (network !== "unixgram") {
    throw new TypeError(
      `listenUnixgram: network must be "unixgram", got "${network}"`,
    );
  }
  if (laddr === null || laddr === undefined) {
    throw new TypeError("listenUnixgram: a local address is required");
  }
  const la = toSockaddrUnix(laddr, "listenUnixgram");
  const c = new UnixConn(openSocket(AF.UNIX, SOCK.DGRAM), SOCK.DGRAM, null);
  return closeOnError(c, () => {
    c.bind(la);
  });
}

/**
 * Two connected Unix sockets, for "unix",
 * "unixgram" or "unixpacket".
 *
 * @example
 * ```ts
 * import { unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unixgram");
 * a.tryWrite(new Uint8Array([42]));
 * a.close();
 * b.close();
 * ```
 */
export function unixConnPair(
  network: UnixNetwork = "unix",
): [UnixConn, UnixConn] {
  const type = sockType(network, "unixConnPair");
  const [x, y] = openPair(AF.UNIX, type);
  const unnamed = { transport: network, path: "" } as const;
  return [
    new UnixConn(x, type, { ...unnamed }),
    new UnixConn(y, type, { ...unnamed }),
  ];
}
