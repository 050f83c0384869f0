// UDP: UDPSocket -> UDPConn; dialUDP* (connected) and listenUDP* (bound).
// tryReadFrom/tryWriteTo are allocation-free: the sender lands in an
// address object the caller passes (or one the socket owns).

import { AF, SOCK } from "../zcall/constants.ts";
import { InvalidAddrError, WOULD_BLOCK } from "./errors.ts";
import { getBroadcast, setBroadcast, setReusePort } from "./options.ts";
import {
  type HostPort,
  type Sockaddr,
  SockaddrInet4,
  SockaddrInet6,
  sockaddrToUDPAddr,
} from "./sockaddr.ts";
import {
  closeOnError,
  DatagramIo,
  type IoOptions,
  NetSocket,
  openSocket,
} from "./socket.ts";
import { ipFamilyFor, ipSockaddr, type ListenOptions } from "./tcp.ts";
import { dualStackSocket, isDualStackWildcard } from "./_dual_stack.ts";

/**
 * UDP network names: "udp" picks the family from the address literal.
 *
 * @example
 * ```ts
 * import type { UDPNetwork } from "@kernio/kernio/sock";
 * const n: UDPNetwork = "udp4";
 * ```
 */
export type UDPNetwork = "udp" | "udp4" | "udp6";

/**
 * A UDP socket, base of UDPConn.
 *
 * @example
 * ```ts
 * import { UDPSocket } from "@kernio/kernio/sock";
 * using s = UDPSocket.create4();
 * s.protocol(); // 2 (SOCK_DGRAM)
 * ```
 */
export class UDPSocket extends NetSocket {
  /** Wraps a UDP descriptor of family AF_INET or AF_INET6. */
  constructor(fd: number, domain: number) {
    super(fd, domain, SOCK.DGRAM);
  }

  /**
   * A new IPv4 UDP socket with no sharing options: SO_REUSEADDR and
   * SO_REUSEPORT would let another socket bind the same port silently and
   * receive its datagrams (opt in with listenUDP's `reusePort`); SO_ZEROCOPY
   * is off (setZeroCopy).
   *
   * @example
   * ```ts
   * import { UDPSocket } from "@kernio/kernio/sock";
   * UDPSocket.create4().close();
   * ```
   */
  static create4(): UDPSocket {
    return new UDPSocket(openSocket(AF.INET, SOCK.DGRAM, 0), AF.INET);
  }

  /**
   * A new IPv6 UDP socket.
   *
   * @example
   * ```ts
   * import { UDPSocket } from "@kernio/kernio/sock";
   * UDPSocket.create6().close();
   * ```
   */
  static create6(): UDPSocket {
    return new UDPSocket(openSocket(AF.INET6, SOCK.DGRAM, 0), AF.INET6);
  }
}

/**
 * A UDP endpoint, connected (dialUDP) or not (listenUDP). Non-blocking
 * `tryRead`/`tryWrite`/`tryReadFrom`/`tryWriteTo` return WOULD_BLOCK when
 * not ready; `read`/`write`/`readFrom`/`writeTo` await readiness; `receive`
 * and `send` follow Deno.DatagramConn.
 *
 * @example
 * ```ts
 * import { listenUDP4, SockaddrInet4, WOULD_BLOCK } from "@kernio/kernio/sock";
 * using a = listenUDP4({ hostname: "127.0.0.1", port: 0 });
 * using b = listenUDP4({ hostname: "127.0.0.1", port: 0 });
 * const to = new SockaddrInet4([127, 0, 0, 1], a.localAddr.port);
 * b.tryWriteTo(new Uint8Array([1, 2, 3]), to);
 * const from = new SockaddrInet4();
 * const n = await a.readFrom(new Uint8Array(1500), { from }); // 3
 * from.port() === b.localAddr.port; // true
 * ```
 */
export class UDPConn extends UDPSocket {
  readonly #io = new DatagramIo();
  readonly #from: SockaddrInet4 | SockaddrInet6;
  #local: Deno.NetAddr | undefined;
  #remote: Deno.NetAddr | null | undefined;

  /** Wraps a UDP descriptor; `remote` is the connected peer, if any. */
  constructor(fd: number, domain: number, remote?: Deno.NetAddr | null) {
    super(fd, domain);
    this.#from = domain === AF.INET6
      ? new SockaddrInet6()
      : new SockaddrInet4();
    this.#remote = remote;
  }

  /** The local address (Deno.NetAddr, transport "udp"). */
  get localAddr(): Deno.NetAddr {
    return this.#local ??= sockaddrToUDPAddr(this.getSockname());
  }

  /** Deno.DatagramConn's name for the local address. */
  get addr(): Deno.NetAddr {
    return this.localAddr;
  }

  /** The connected peer, or null for an unconnected socket. */
  get remoteAddr(): Deno.NetAddr | null {
    return this.#remote ?? null;
  }

  /**
   * The sender of the last `tryReadFrom`/`readFrom` called without a
   * `from` address: an object the socket owns and overwrites each time.
   */
  get lastFrom(): SockaddrInet4 | SockaddrInet6 {
    return this.#from;
  }

  #checkFrom(from: Sockaddr | undefined, fn: string): Sockaddr {
    if (from === undefined) return this.#from;
    if (
      !(from instanceof SockaddrInet4 || from instanceof SockaddrInet6) ||
      from.family() !== this.networkType()
    ) {
      throw new TypeError(
        `${fn}: the address must be a ${
          this.networkType() === AF.INET6 ? "SockaddrInet6" : "SockaddrInet4"
        } for this socket`,
      );
    }
    return from;
  }

  #toSockaddr(to: Sockaddr | HostPort, fn: string): Sockaddr {
    if (to instanceof SockaddrInet4 || to instanceof SockaddrInet6) return to;
    if (to === null || typeof to !== "object" || "bytes" in to) {
      throw new TypeError(
        `${fn}: expected an IP sockaddr or { hostname, port }`,
      );
    }
    const fam = ipFamilyFor(
      this.networkType() === AF.INET6 ? "udp6" : "udp4",
      "udp",
      null,
      to as HostPort,
      fn,
    );
    return ipSockaddr(to as HostPort, fam);
  }

  /**
   * recvfrom(2), non-blocking: the datagram length or WOULD_BLOCK; the
   * sender goes into `from` (same family as the socket) or
   * {@linkcode UDPConn.lastFrom}. Allocates nothing.
   */
  tryReadFrom(p: Uint8Array, from?: Sockaddr): number {
    return this.#io.tryReadFrom(
      this,
      p,
      from === undefined ? this.#from : this.#checkFrom(from, "readFrom"),
    );
  }

  /**
   * sendto(2), non-blocking: bytes sent or WOULD_BLOCK. With a sockaddr
   * it allocates nothing; a `{ hostname, port }` is converted per call.
   */
  tryWriteTo(p: Uint8Array, to: Sockaddr | HostPort): number {
    return this.#io.tryWriteTo(this, p, this.#toSockaddr(to, "writeTo"));
  }

  /** Awaits a datagram (see {@linkcode UDPConn.tryReadFrom}). */
  async readFrom(
    p: Uint8Array,
    options?: IoOptions & { from?: Sockaddr },
  ): Promise<number> {
    const from = this.#checkFrom(options?.from, "readFrom");
    for (;;) {
      const n = this.#io.tryReadFrom(this, p, from);
      if (n !== WOULD_BLOCK) return n;
      await this._awaitReady(false, options, "read");
    }
  }

  /** Sends a datagram once writable (see {@linkcode UDPConn.tryWriteTo}). */
  async writeTo(
    p: Uint8Array,
    to: Sockaddr | HostPort,
    options?: IoOptions,
  ): Promise<number> {
    const sa = this.#toSockaddr(to, "writeTo");
    for (;;) {
      const n = this.#io.tryWriteTo(this, p, sa);
      if (n !== WOULD_BLOCK) return n;
      await this._awaitReady(true, options, "write");
    }
  }

  /**
   * Deno.DatagramConn.receive: waits for a datagram and returns its bytes
   * (a view of `p`, or of a new 64 KiB buffer) and the sender.
   */
  async receive(
    p?: Uint8Array,
    options?: IoOptions,
  ): Promise<[Uint8Array, Deno.NetAddr]> {
    const buf = p ?? new Uint8Array(65536);
    const from = this.networkType() === AF.INET6
      ? new SockaddrInet6()
      : new SockaddrInet4();
    const n = await this.readFrom(buf, { ...options, from });
    return [buf.subarray(0, n), sockaddrToUDPAddr(from)];
  }

  /** Deno.DatagramConn.send: sends `p` to `addr`. */
  send(p: Uint8Array, addr: HostPort, options?: IoOptions): Promise<number> {
    return this.writeTo(p, addr, options);
  }

  /** SO_BROADCAST on or off. */
  setBroadcast(enable: boolean): void {
    setBroadcast(this, enable);
  }

  /** SO_BROADCAST. */
  getBroadcast(): boolean {
    return getBroadcast(this);
  }

  /** Deno-style async iteration over received datagrams until closed. */
  async *[Symbol.asyncIterator](): AsyncGenerator<[Uint8Array, Deno.NetAddr]> {
    for (;;) {
      try {
        yield await this.receive();
      } catch (e) {
        if (this.closed) return;
        throw e;
      }
    }
  }
}

/**
 * A connected UDP socket: `read`/`write` talk to
 * `raddr`; `laddr` (or null) binds the local end.
 *
 * @example
 * ```ts
 * import { dialUDP, listenUDP } from "@kernio/kernio/sock";
 * using srv = listenUDP("udp", { hostname: "::1", port: 0 });
 * using c = dialUDP("udp", null, srv.localAddr);
 * c.tryWrite(new Uint8Array([1]));
 * ```
 */
export function dialUDP(
  network: UDPNetwork,
  laddr: HostPort | null,
  raddr: HostPort,
): UDPConn {
  if (raddr === null || raddr === undefined) {
    throw new InvalidAddrError("dialUDP", "a remote address is required", "");
  }
  const fam = ipFamilyFor(network, "udp", laddr, raddr, "dialUDP");
  const ra = ipSockaddr(raddr, fam);
  const la = laddr ? ipSockaddr(laddr, fam) : null;
  const domain = fam === 6 ? AF.INET6 : AF.INET;
  const c = new UDPConn(
    openSocket(domain, SOCK.DGRAM, 0),
    domain,
    sockaddrToUDPAddr(ra),
  );
  return closeOnError(c, () => {
    if (la) c.bind(la);
    c.connect(ra);
  });
}

/**
 * {@linkcode dialUDP} over IPv4.
 *
 * @example
 * ```ts
 * import { dialUDP4 } from "@kernio/kernio/sock";
 * using c = dialUDP4(null, { hostname: "127.0.0.1", port: 9 });
 * ```
 */
export function dialUDP4(laddr: HostPort | null, raddr: HostPort): UDPConn {
  return dialUDP("udp4", laddr, raddr);
}

/**
 * {@linkcode dialUDP} over IPv6.
 *
 * @example
 * ```ts
 * import { dialUDP6 } from "@kernio/kernio/sock";
 * using c = dialUDP6(null, { hostname: "::1", port: 9 });
 * ```
 */
export function dialUDP6(laddr: HostPort | null, raddr: HostPort): UDPConn {
  return dialUDP("udp6", laddr, raddr);
}

/**
 * A bound, unconnected UDP socket. With network "udp" and no hostname it
 * receives on every address of both families (one IPv6 socket on [::] with
 * IPV6_V6ONLY off; 0.0.0.0 where the host has no IPv6).
 *
 * @example
 * ```ts
 * import { listenUDP } from "@kernio/kernio/sock";
 * using c = listenUDP("udp4", { hostname: "127.0.0.1", port: 0 });
 * c.localAddr.port > 0; // true
 * ```
 */
export function listenUDP(
  network: UDPNetwork,
  laddr: HostPort,
  options?: Pick<ListenOptions, "reusePort">,
): UDPConn {
  if (laddr === null || laddr === undefined) {
    throw new InvalidAddrError("listenUDP", "a local address is required", "");
  }
  const fam = ipFamilyFor(network, "udp", laddr, null, "listenUDP");
  const d = isDualStackWildcard(network, laddr)
    ? dualStackSocket(UDPConn, SOCK.DGRAM, laddr.port)
    : null;
  let c: UDPConn;
  let la: SockaddrInet4 | SockaddrInet6;
  if (d !== null) {
    [c, la] = d;
  } else {
    la = ipSockaddr(laddr, fam);
    const domain = fam === 6 ? AF.INET6 : AF.INET;
    c = new UDPConn(openSocket(domain, SOCK.DGRAM, 0), domain, null);
  }
  return closeOnError(c, () => {
    if (options?.reusePort) setReusePort(c, true);
    c.bind(la);
  });
}

/**
 * {@linkcode listenUDP} over IPv4.
 *
 * @example
 * ```ts
 * import { listenUDP4 } from "@kernio/kernio/sock";
 * using c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
 * ```
 */
export function listenUDP4(
  laddr: HostPort,
  options?: Pick<ListenOptions, "reusePort">,
): UDPConn {
  return listenUDP("udp4", laddr, options);
}

/**
 * {@linkcode listenUDP} over IPv6.
 *
 * @example
 * ```ts
 * import { listenUDP6 } from "@kernio/kernio/sock";
 * using c = listenUDP6({ hostname: "::1", port: 0 });
 * ```
 */
export function listenUDP6(
  laddr: HostPort,
  options?: Pick<ListenOptions, "reusePort">,
): UDPConn {
  return listenUDP("udp6", laddr, options);
}
