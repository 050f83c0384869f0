/**
 * Raw IP sockets (SOCK_RAW; needs root or CAP_NET_RAW): RawSocket and
 * RawConn with allocation-free `tryReadFrom` / `tryWriteTo` and awaitable
 * `readFrom` / `writeTo` that honour deadlines and AbortSignal. Networks
 * are named like Go's net package: "ip4:icmp", "ip4:17", "ip6:ipv6-icmp".
 *
 * IPv4 raw sockets receive the IP header in front of the payload; IPv6 raw
 * sockets do not. Sending on IPv4 builds the header for you unless
 * `setHeaderIncluded(true)` (IP_HDRINCL).
 *
 * @example
 * ```ts
 * import { listenRaw, SockaddrInet4 } from "@kernio/kernio/sock";
 * using c = listenRaw("ip4:icmp"); // requires CAP_NET_RAW
 * const echo = new Uint8Array([8, 0, 0xf7, 0xff, 0, 0, 0, 0]); // type 8, checksum
 * c.tryWriteTo(echo, SockaddrInet4.parse("127.0.0.1"));
 * ```
 *
 * @module
 */

import { AF, IP, IPPROTO, SOCK, SOL } from "../zcall/constants.ts";
import { getsockopt, setsockopt } from "../zcall/syscalls.ts";
import { errorFromErrno, WOULD_BLOCK } from "./errors.ts";
import { type Sockaddr, SockaddrInet4, SockaddrInet6 } from "./sockaddr.ts";
import { closeOnError, DatagramIo, NetSocket, openSocket } from "./socket.ts";
import { bool } from "../zcall/_validate.ts";

const PROTOCOLS: Record<string, number> = {
  ip: 0,
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  ipv6: 41,
  gre: 47,
  esp: 50,
  ah: 51,
  "ipv6-icmp": 58,
  icmpv6: 58,
  sctp: 132,
  udplite: 136,
  raw: 255,
};

/**
 * Splits a raw network name ("ip4:icmp", "ip6:58", "ip:udp") into family
 * (4, 6, or 0 for "ip": decided by the address) and protocol number.
 * Throws a TypeError for anything else.
 *
 * @example
 * ```ts
 * import { parseRawNetwork } from "@kernio/kernio/sock";
 * parseRawNetwork("ip6:ipv6-icmp"); // { family: 6, protocol: 58 }
 * ```
 */
export function parseRawNetwork(
  network: string,
): { family: 0 | 4 | 6; protocol: number } {
  if (typeof network !== "string") {
    throw new TypeError('raw: network must be a string like "ip4:icmp"');
  }
  const m = /^ip([46]?):([a-z0-9-]+)$/.exec(network);
  const proto = m === null
    ? undefined
    : /^[0-9]+$/.test(m[2])
    ? Number(m[2])
    : PROTOCOLS[m[2]];
  if (m === null || proto === undefined || !(proto >= 0 && proto <= 255)) {
    throw new TypeError(
      `raw: unknown network "${network}" (use "ip4:<proto>", "ip6:<proto>" or "ip:<proto>", proto a name like icmp or a number 0..255)`,
    );
  }
  return { family: m[1] === "" ? 0 : (Number(m[1]) as 4 | 6), protocol: proto };
}

/**
 * A raw IP socket, base of {@linkcode RawConn}.
 *
 * @example
 * ```ts
 * import { IPPROTO } from "@kernio/kernio/zcall";
 * import { RawSocket } from "@kernio/kernio/sock";
 * using s = RawSocket.create4(IPPROTO.ICMP); // CAP_NET_RAW
 * ```
 */
export class RawSocket extends NetSocket {
  /** The IP protocol number the socket was opened with. */
  readonly ipProtocol: number;

  /** Wraps a raw descriptor of family AF_INET or AF_INET6. */
  constructor(fd: number, domain: number, ipProtocol: number) {
    super(fd, domain, SOCK.RAW);
    this.ipProtocol = ipProtocol;
  }

  /**
   * A new IPv4 raw socket for `protocol` (non-blocking, close-on-exec).
   *
   * @example
   * ```ts
   * import { RawSocket } from "@kernio/kernio/sock";
   * RawSocket.create4(1).close();
   * ```
   */
  static create4(protocol: number): RawSocket {
    return new RawSocket(
      openSocket(AF.INET, SOCK.RAW, protocol),
      AF.INET,
      protocol,
    );
  }

  /**
   * A new IPv6 raw socket for `protocol`.
   *
   * @example
   * ```ts
   * import { RawSocket } from "@kernio/kernio/sock";
   * RawSocket.create6(58).close();
   * ```
   */
  static create6(protocol: number): RawSocket {
    return new RawSocket(
      openSocket(AF.INET6, SOCK.RAW, protocol),
      AF.INET6,
      protocol,
    );
  }
}

const cell = new Int32Array(1);
const cellBytes = new Uint8Array(cell.buffer);
const lenCell = new Uint32Array(1);

/**
 * A raw IP endpoint: datagrams of one IP protocol to and from any host.
 * `try*` methods return {@linkcode WOULD_BLOCK} when not ready and allocate
 * nothing; the promise methods wait on the sock reactor.
 *
 * @example
 * ```ts
 * import { listenRaw } from "@kernio/kernio/sock";
 * using c = listenRaw("ip6:ipv6-icmp", "::1");
 * const buf = new Uint8Array(1500);
 * const n = await c.readFrom(buf, { signal: AbortSignal.timeout(1000) });
 * ```
 */
export class RawConn extends RawSocket {
  readonly #io = new DatagramIo();
  readonly #from: SockaddrInet4 | SockaddrInet6;

  /** Wraps a raw descriptor. */
  constructor(fd: number, domain: number, ipProtocol: number) {
    super(fd, domain, ipProtocol);
    this.#from = domain === AF.INET6
      ? new SockaddrInet6()
      : new SockaddrInet4();
  }

  /** The sender of the last read without an explicit `from` (reused object). */
  get lastFrom(): SockaddrInet4 | SockaddrInet6 {
    return this.#from;
  }

  #checkAddr(
    a: Sockaddr | undefined,
    fn: string,
  ): SockaddrInet4 | SockaddrInet6 {
    if (a === undefined) return this.#from;
    const want6 = this.networkType() === AF.INET6;
    if (!(want6 ? a instanceof SockaddrInet6 : a instanceof SockaddrInet4)) {
      throw new TypeError(
        `${fn}: the address must be a ${
          want6 ? "SockaddrInet6" : "SockaddrInet4"
        } for this socket`,
      );
    }
    return a as SockaddrInet4 | SockaddrInet6;
  }

  /**
   * recvfrom(2): one packet into `p` (for IPv4 with its IP header), the
   * sender into `from` or {@linkcode RawConn.lastFrom}; WOULD_BLOCK when
   * none is queued.
   */
  tryReadFrom(p: Uint8Array, from?: Sockaddr): number {
    return this.#io.tryReadFrom(this, p, this.#checkAddr(from, "readFrom"));
  }

  /** sendto(2) of one packet to `to` (port ignored); WOULD_BLOCK when full. */
  tryWriteTo(p: Uint8Array, to: Sockaddr): number {
    return this.#io.tryWriteTo(this, p, this.#checkAddr(to, "writeTo"));
  }

  /** Waits for a packet (read deadline, AbortSignal). */
  async readFrom(
    p: Uint8Array,
    options?: { signal?: AbortSignal; from?: Sockaddr },
  ): Promise<number> {
    const from = this.#checkAddr(options?.from, "readFrom");
    for (;;) {
      const n = this.#io.tryReadFrom(this, p, from);
      if (n !== WOULD_BLOCK) return n;
      await this._awaitReady(false, options, "read");
    }
  }

  /** Sends a packet once writable (write deadline, AbortSignal). */
  async writeTo(
    p: Uint8Array,
    to: Sockaddr,
    options?: { signal?: AbortSignal },
  ): Promise<number> {
    const sa = this.#checkAddr(to, "writeTo");
    for (;;) {
      const n = this.#io.tryWriteTo(this, p, sa);
      if (n !== WOULD_BLOCK) return n;
      await this._awaitReady(true, options, "write");
    }
  }

  /** IP_HDRINCL (IPv4): when on, packets you send start with your own IP header. */
  setHeaderIncluded(enable: boolean): void {
    bool(enable, "setHeaderIncluded", "enable");
    if (this.networkType() !== AF.INET) {
      throw new TypeError("setHeaderIncluded: IPv4 raw sockets only");
    }
    cell[0] = enable ? 1 : 0;
    const r = setsockopt(this.fd, SOL.IP, IP.HDRINCL, cellBytes);
    if (r < 0) throw errorFromErrno(r, "setsockopt(IP_HDRINCL)");
  }

  /** Whether IP_HDRINCL is on. */
  getHeaderIncluded(): boolean {
    if (this.networkType() !== AF.INET) return false;
    lenCell[0] = 4;
    const r = getsockopt(this.fd, SOL.IP, IP.HDRINCL, cellBytes, lenCell);
    if (r < 0) throw errorFromErrno(r, "getsockopt(IP_HDRINCL)");
    return cell[0] !== 0;
  }
}

function addrFor(
  family: 4 | 6,
  host: string,
  fn: string,
): SockaddrInet4 | SockaddrInet6 {
  if (typeof host !== "string") {
    throw new TypeError(`${fn}: address must be an IP literal string`);
  }
  return family === 6 ? SockaddrInet6.parse(host) : SockaddrInet4.parse(host);
}

function familyFor(family: 0 | 4 | 6, host: string | undefined): 4 | 6 {
  if (family !== 0) return family;
  return host !== undefined && host.includes(":") ? 6 : 4;
}

/**
 * Opens a raw socket for `network` ("ip4:icmp", "ip6:ipv6-icmp", "ip:17"...),
 * bound to `laddr` when given. Needs CAP_NET_RAW:
 * throws a PermissionError otherwise.
 *
 * @example
 * ```ts
 * import { listenRaw } from "@kernio/kernio/sock";
 * using c = listenRaw("ip4:icmp", "127.0.0.1");
 * ```
 */
export function listenRaw(network: string, laddr?: string): RawConn {
  const { family, protocol } = parseRawNetwork(network);
  const fam = familyFor(family, laddr);
  const sa = laddr === undefined ? null : addrFor(fam, laddr, "listenRaw");
  const domain = fam === 6 ? AF.INET6 : AF.INET;
  const c = new RawConn(
    openSocket(domain, SOCK.RAW, protocol),
    domain,
    protocol,
  );
  return closeOnError(c, () => {
    if (sa !== null) c.bind(sa);
  });
}

/**
 * Opens a raw socket connected to `raddr`: `tryRead`/`tryWrite` then talk
 * to that host only.
 *
 * @example
 * ```ts
 * import { dialRaw } from "@kernio/kernio/sock";
 * using c = dialRaw("ip6:ipv6-icmp", "::1");
 * ```
 */
export function dialRaw(network: string, raddr: string): RawConn {
  const { family, protocol } = parseRawNetwork(network);
  const fam = familyFor(family, raddr);
  const sa = addrFor(fam, raddr, "dialRaw");
  const domain = fam === 6 ? AF.INET6 : AF.INET;
  const c = new RawConn(
    openSocket(domain, SOCK.RAW, protocol),
    domain,
    protocol,
  );
  return closeOnError(c, () => {
    c.connect(sa);
  });
}

/**
 * A raw ICMPv4 socket (the README's NewICMPSocket4).
 *
 * @example
 * ```ts
 * import { newICMPSocket4 } from "@kernio/kernio/sock";
 * using s = newICMPSocket4();
 * ```
 */
export function newICMPSocket4(): RawConn {
  return new RawConn(
    openSocket(AF.INET, SOCK.RAW, IPPROTO.ICMP),
    AF.INET,
    IPPROTO.ICMP,
  );
}

/**
 * A raw ICMPv6 socket.
 *
 * @example
 * ```ts
 * import { newICMPSocket6 } from "@kernio/kernio/sock";
 * using s = newICMPSocket6();
 * ```
 */
export function newICMPSocket6(): RawConn {
  return new RawConn(
    openSocket(AF.INET6, SOCK.RAW, IPPROTO.ICMPV6),
    AF.INET6,
    IPPROTO.ICMPV6,
  );
}
