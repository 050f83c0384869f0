// Kernel structs of the socket API as typed views over bytes in kernel
// layout (x86_64 and aarch64 agree on all of them): the multicast requests,
// the control-message header, SO_LINGER's value and the raw sockaddr
// forms. Each wraps a Uint8Array it is given (a control buffer, a
// getsockopt result) or its own, so a decode reads in place. Also the
// shapes (interfaces) that listeners and datagram sockets share.

import { AF } from "../zcall/constants.ts";
import type { Deadline, IoOptions } from "./socket.ts";
import type { Sockaddr, UnixAddr } from "./sockaddr.ts";

function own(
  n: number,
  bytes: Uint8Array | undefined,
  who: string,
): Uint8Array {
  if (bytes === undefined) return new Uint8Array(new ArrayBuffer(n));
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < n) {
    throw new TypeError(`${who}: need a Uint8Array of at least ${n} bytes`);
  }
  return bytes.subarray(0, n);
}

function dvOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function setOctets(dst: Uint8Array, src: ArrayLike<number>, who: string): void {
  if (src == null || src.length !== dst.length) {
    throw new TypeError(`${who}: need exactly ${dst.length} octets`);
  }
  for (let i = 0; i < dst.length; i++) {
    const v = src[i];
    if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new RangeError(`${who}: octet ${i} must be 0..255, got ${v}`);
    }
  }
  dst.set(src);
}

function i32(v: number, who: string): number {
  if (!(Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff)) {
    throw new RangeError(`${who}: must be a 32-bit integer, got ${v}`);
  }
  return v;
}

function port16(v: number, who: string): number {
  if (!(Number.isInteger(v) && v >= 0 && v <= 65535)) {
    throw new RangeError(`${who}: port must be 0..65535, got ${v}`);
  }
  return v;
}

/**
 * struct ip_mreq (8 bytes): an IPv4 multicast group and the local
 * interface address to join it on (0.0.0.0: the kernel picks).
 *
 * @example
 * ```ts
 * import { IPMreq } from "@kernio/kernio/sock";
 * const m = new IPMreq([239, 1, 2, 3], [0, 0, 0, 0]);
 * m.bytes.byteLength; // 8
 * ```
 */
export class IPMreq {
  /** sizeof(struct ip_mreq). */
  static readonly SIZE = 8;
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  /** Creates the struct (over `bytes` when given). */
  constructor(
    multiaddr?: ArrayLike<number>,
    iface?: ArrayLike<number>,
    bytes?: Uint8Array,
  ) {
    this.bytes = own(8, bytes, "IPMreq");
    if (multiaddr !== undefined) this.multiaddr = multiaddr;
    if (iface !== undefined) this.interface = iface;
  }
  /** imr_multiaddr (a live 4-byte view). */
  get multiaddr(): Uint8Array {
    return this.bytes.subarray(0, 4);
  }
  set multiaddr(v: ArrayLike<number>) {
    setOctets(this.bytes.subarray(0, 4), v, "IPMreq.multiaddr");
  }
  /** imr_interface (a live 4-byte view). */
  get interface(): Uint8Array {
    return this.bytes.subarray(4, 8);
  }
  set interface(v: ArrayLike<number>) {
    setOctets(this.bytes.subarray(4, 8), v, "IPMreq.interface");
  }
}

/**
 * struct ip_mreqn (12 bytes): an IPv4 multicast group, a local address and
 * an interface index (0: any).
 *
 * @example
 * ```ts
 * import { IPMreqn } from "@kernio/kernio/sock";
 * const m = new IPMreqn([239, 1, 2, 3], [0, 0, 0, 0], 1);
 * m.ifindex; // 1
 * ```
 */
export class IPMreqn {
  /** sizeof(struct ip_mreqn). */
  static readonly SIZE = 12;
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  readonly #dv: DataView;
  /** Creates the struct (over `bytes` when given). */
  constructor(
    multiaddr?: ArrayLike<number>,
    address?: ArrayLike<number>,
    ifindex?: number,
    bytes?: Uint8Array,
  ) {
    this.bytes = own(12, bytes, "IPMreqn");
    this.#dv = dvOf(this.bytes);
    if (multiaddr !== undefined) this.multiaddr = multiaddr;
    if (address !== undefined) this.address = address;
    if (ifindex !== undefined) this.ifindex = ifindex;
  }
  /** imr_multiaddr (a live view). */
  get multiaddr(): Uint8Array {
    return this.bytes.subarray(0, 4);
  }
  set multiaddr(v: ArrayLike<number>) {
    setOctets(this.bytes.subarray(0, 4), v, "IPMreqn.multiaddr");
  }
  /** imr_address (a live view). */
  get address(): Uint8Array {
    return this.bytes.subarray(4, 8);
  }
  set address(v: ArrayLike<number>) {
    setOctets(this.bytes.subarray(4, 8), v, "IPMreqn.address");
  }
  /** imr_ifindex. */
  get ifindex(): number {
    return this.#dv.getInt32(8, true);
  }
  set ifindex(v: number) {
    this.#dv.setInt32(8, i32(v, "IPMreqn.ifindex"), true);
  }
}

/**
 * struct ipv6_mreq (20 bytes): an IPv6 multicast group and an interface
 * index (0: the kernel picks).
 *
 * @example
 * ```ts
 * import { IPv6Mreq, parseIPv6 } from "@kernio/kernio/sock";
 * const m = new IPv6Mreq(parseIPv6("ff02::fb")!, 1);
 * m.bytes.byteLength; // 20
 * ```
 */
export class IPv6Mreq {
  /** sizeof(struct ipv6_mreq). */
  static readonly SIZE = 20;
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  readonly #dv: DataView;
  /** Creates the struct (over `bytes` when given). */
  constructor(
    multiaddr?: ArrayLike<number>,
    ifindex?: number,
    bytes?: Uint8Array,
  ) {
    this.bytes = own(20, bytes, "IPv6Mreq");
    this.#dv = dvOf(this.bytes);
    if (multiaddr !== undefined) this.multiaddr = multiaddr;
    if (ifindex !== undefined) this.ifindex = ifindex;
  }
  /** ipv6mr_multiaddr (a live 16-byte view). */
  get multiaddr(): Uint8Array {
    return this.bytes.subarray(0, 16);
  }
  set multiaddr(v: ArrayLike<number>) {
    setOctets(this.bytes.subarray(0, 16), v, "IPv6Mreq.multiaddr");
  }
  /** ipv6mr_interface. */
  get ifindex(): number {
    return this.#dv.getInt32(16, true);
  }
  set ifindex(v: number) {
    this.#dv.setInt32(16, i32(v, "IPv6Mreq.ifindex"), true);
  }
}

/**
 * struct cmsghdr (16 bytes): the header of one control message, `len`
 * counting header and data. Wrap the bytes of a control buffer at a
 * message's offset to read or write it in place.
 *
 * @example
 * ```ts
 * import { Cmsghdr, unixRights } from "@kernio/kernio/sock";
 * const h = new Cmsghdr(unixRights(3));
 * [h.len, h.level, h.type]; // [20, 1, 1]: SOL_SOCKET, SCM_RIGHTS
 * ```
 */
export class Cmsghdr {
  /** sizeof(struct cmsghdr). */
  static readonly SIZE = 16;
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  readonly #dv: DataView;
  /** Wraps `bytes` (at least 16) or a new zeroed header. */
  constructor(bytes?: Uint8Array) {
    this.bytes = own(16, bytes, "Cmsghdr");
    this.#dv = dvOf(this.bytes);
  }
  /** cmsg_len: header plus data bytes. */
  get len(): number {
    return this.#dv.getUint32(0, true) + this.#dv.getUint32(4, true) * 2 ** 32;
  }
  set len(v: number) {
    if (!(Number.isSafeInteger(v) && v >= 0)) {
      throw new RangeError(`Cmsghdr.len: bad length ${v}`);
    }
    this.#dv.setUint32(0, v % 2 ** 32, true);
    this.#dv.setUint32(4, Math.floor(v / 2 ** 32), true);
  }
  /** cmsg_level (SOL_SOCKET, SOL_IP...). */
  get level(): number {
    return this.#dv.getInt32(8, true);
  }
  set level(v: number) {
    this.#dv.setInt32(8, i32(v, "Cmsghdr.level"), true);
  }
  /** cmsg_type (SCM_RIGHTS...). */
  get type(): number {
    return this.#dv.getInt32(12, true);
  }
  set type(v: number) {
    this.#dv.setInt32(12, i32(v, "Cmsghdr.type"), true);
  }
}

/**
 * struct linger (8 bytes), the value of SO_LINGER.
 *
 * @example
 * ```ts
 * import { Linger } from "@kernio/kernio/sock";
 * const l = new Linger(true, 5);
 * [l.onoff, l.linger]; // [1, 5]
 * ```
 */
export class Linger {
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  readonly #dv: DataView;
  /** Creates the struct (over `bytes` when given). */
  constructor(enabled?: boolean, seconds?: number, bytes?: Uint8Array) {
    this.bytes = own(8, bytes, "Linger");
    this.#dv = dvOf(this.bytes);
    if (enabled !== undefined) this.onoff = enabled ? 1 : 0;
    if (seconds !== undefined) this.linger = seconds;
  }
  /** l_onoff. */
  get onoff(): number {
    return this.#dv.getInt32(0, true);
  }
  set onoff(v: number) {
    this.#dv.setInt32(0, i32(v, "Linger.onoff"), true);
  }
  /** l_linger, seconds. */
  get linger(): number {
    return this.#dv.getInt32(4, true);
  }
  set linger(v: number) {
    this.#dv.setInt32(4, i32(v, "Linger.linger"), true);
  }
}

/**
 * struct sockaddr (16 bytes): the family and 14 bytes of address data.
 *
 * @example
 * ```ts
 * import { RawSockaddrGeneric } from "@kernio/kernio/sock";
 * new RawSockaddrGeneric().family; // 0 (AF_UNSPEC)
 * ```
 */
export class RawSockaddrGeneric {
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  /** Wraps `bytes` (at least 16) or a new zeroed struct. */
  constructor(bytes?: Uint8Array) {
    this.bytes = own(16, bytes, "RawSockaddrGeneric");
  }
  /** sa_family (host order). */
  get family(): number {
    return this.bytes[0] | (this.bytes[1] << 8);
  }
  set family(v: number) {
    this.bytes[0] = v & 0xff;
    this.bytes[1] = (v >> 8) & 0xff;
  }
  /** sa_data (a live 14-byte view). */
  get data(): Uint8Array {
    return this.bytes.subarray(2, 16);
  }
}

/**
 * struct sockaddr_in (16 bytes) field by field; the port is in network
 * order in the bytes and a host value here. For everyday use see
 * {@linkcode SockaddrInet4}.
 *
 * @example
 * ```ts
 * import { RawSockaddrInet4 } from "@kernio/kernio/sock";
 * const r = new RawSockaddrInet4();
 * r.port = 8080;
 * [r.family, r.bytes[2], r.bytes[3]]; // [2, 0x1f, 0x90]
 * ```
 */
export class RawSockaddrInet4 extends RawSockaddrGeneric {
  /** Wraps `bytes` or a new struct with family AF_INET. */
  constructor(bytes?: Uint8Array) {
    super(bytes);
    if (bytes === undefined) this.family = AF.INET;
  }
  /** sin_port. */
  get port(): number {
    return (this.bytes[2] << 8) | this.bytes[3];
  }
  set port(v: number) {
    port16(v, "RawSockaddrInet4.port");
    this.bytes[2] = v >> 8;
    this.bytes[3] = v & 0xff;
  }
  /** sin_addr (a live 4-byte view). */
  get addr(): Uint8Array {
    return this.bytes.subarray(4, 8);
  }
  /** sin_zero (a live 8-byte view). */
  get zero(): Uint8Array {
    return this.bytes.subarray(8, 16);
  }
}

/**
 * struct sockaddr_in6 (28 bytes) field by field. For everyday use see
 * {@linkcode SockaddrInet6}.
 *
 * @example
 * ```ts
 * import { RawSockaddrInet6 } from "@kernio/kernio/sock";
 * const r = new RawSockaddrInet6();
 * r.scopeId = 2;
 * r.family; // 10
 * ```
 */
export class RawSockaddrInet6 {
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  readonly #dv: DataView;
  /** Wraps `bytes` or a new struct with family AF_INET6. */
  constructor(bytes?: Uint8Array) {
    this.bytes = own(28, bytes, "RawSockaddrInet6");
    this.#dv = dvOf(this.bytes);
    if (bytes === undefined) this.family = AF.INET6;
  }
  /** sin6_family. */
  get family(): number {
    return this.#dv.getUint16(0, true);
  }
  set family(v: number) {
    this.#dv.setUint16(0, v, true);
  }
  /** sin6_port. */
  get port(): number {
    return this.#dv.getUint16(2, false);
  }
  set port(v: number) {
    this.#dv.setUint16(2, port16(v, "RawSockaddrInet6.port"), false);
  }
  /** sin6_flowinfo (network order in the bytes). */
  get flowinfo(): number {
    return this.#dv.getUint32(4, false);
  }
  set flowinfo(v: number) {
    this.#dv.setUint32(4, v >>> 0, false);
  }
  /** sin6_addr (a live 16-byte view). */
  get addr(): Uint8Array {
    return this.bytes.subarray(8, 24);
  }
  /** sin6_scope_id. */
  get scopeId(): number {
    return this.#dv.getUint32(24, true);
  }
  set scopeId(v: number) {
    this.#dv.setUint32(24, v >>> 0, true);
  }
}

/**
 * struct sockaddr_un (110 bytes) field by field. For everyday use see
 * {@linkcode SockaddrUnix}.
 *
 * @example
 * ```ts
 * import { RawSockaddrUnix } from "@kernio/kernio/sock";
 * const r = new RawSockaddrUnix();
 * r.path.byteLength; // 108
 * ```
 */
export class RawSockaddrUnix {
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  /** Wraps `bytes` or a new struct with family AF_UNIX. */
  constructor(bytes?: Uint8Array) {
    this.bytes = own(110, bytes, "RawSockaddrUnix");
    if (bytes === undefined) this.bytes[0] = AF.UNIX;
  }
  /** sun_family. */
  get family(): number {
    return this.bytes[0] | (this.bytes[1] << 8);
  }
  /** sun_path (a live 108-byte view). */
  get path(): Uint8Array {
    return this.bytes.subarray(2, 110);
  }
}

/**
 * struct sockaddr_storage (128 bytes): room for any address; the kernel
 * writes one here (accept, recvfrom, getsockname) and `family` says which.
 * Decode it with {@linkcode decodeSockaddr}.
 *
 * @example
 * ```ts
 * import { decodeSockaddr, RawSockaddrAny } from "@kernio/kernio/sock";
 * const any = new RawSockaddrAny();
 * decodeSockaddr(any.bytes, 2); // null: AF_UNSPEC
 * ```
 */
export class RawSockaddrAny extends RawSockaddrGeneric {
  /** sizeof(struct sockaddr_storage). */
  static readonly SIZE = 128;
  /** Wraps `bytes` (at least 128) or a new zeroed struct. */
  constructor(bytes?: Uint8Array) {
    super(own(128, bytes, "RawSockaddrAny"));
  }
}

/**
 * What every socket of this module offers: its descriptor, family, type
 * and the non-blocking I/O methods.
 *
 * @example
 * ```ts
 * import { type Socket, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * const s: Socket = a;
 * s.protocol(); // 1 (SOCK_STREAM)
 * a.close();
 * b.close();
 * ```
 */
export interface Socket {
  /** The descriptor. */
  readonly fd: number;
  /** The address family. */
  networkType(): number;
  /** The socket type. */
  protocol(): number;
  /** Non-blocking read: bytes, or WOULD_BLOCK. */
  tryRead(p: Uint8Array): number;
  /** Non-blocking write: bytes, or WOULD_BLOCK. */
  tryWrite(p: Uint8Array): number;
  /** Closes the socket. */
  close(): void;
}

/**
 * A socket that accepts connections: TCPListener, UnixListener,
 * SCTPListener.
 *
 * @example
 * ```ts
 * import { listenTCP4, type ListenerSocket } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * const l: ListenerSocket = ln;
 * l.tryAccept(); // null: nobody connected
 * ```
 */
export interface ListenerSocket extends Socket {
  /** Accepts a pending connection, or returns null at once. */
  tryAccept(): Socket | null;
  /** Waits for and accepts a connection. */
  accept(options?: IoOptions): Promise<Socket>;
  /** Sets the deadline of `accept`. */
  setDeadline(t: Deadline): void;
}

/**
 * A datagram endpoint that reads and writes addressed packets: UDPConn,
 * UnixConn on a datagram socket. `To` is the destination type it takes.
 *
 * @example
 * ```ts
 * import { listenUDP4, type PacketConn, SockaddrInet4 } from "@kernio/kernio/sock";
 * using u = listenUDP4({ hostname: "127.0.0.1", port: 0 });
 * const pc: PacketConn<SockaddrInet4> = u;
 * pc.tryWriteTo(new Uint8Array([1]), new SockaddrInet4([127, 0, 0, 1], u.localAddr.port));
 * ```
 */
export interface PacketConn<To = Sockaddr> extends Socket {
  /** Non-blocking receive: length or WOULD_BLOCK; the sender in `from`. */
  tryReadFrom(p: Uint8Array, from?: Sockaddr): number;
  /** Non-blocking send to `to`: bytes or WOULD_BLOCK. */
  tryWriteTo(p: Uint8Array, to: To): number;
  /** Waits for a datagram. */
  readFrom(
    p: Uint8Array,
    options?: IoOptions & { from?: Sockaddr },
  ): Promise<number>;
  /** Sends a datagram once writable. */
  writeTo(p: Uint8Array, to: To, options?: IoOptions): Promise<number>;
  /** The bound address. */
  readonly localAddr: Deno.NetAddr | UnixAddr;
  /** Sets both deadlines. */
  setDeadline(t: Deadline): void;
  /** Sets the receive deadline. */
  setReadDeadline(t: Deadline): void;
  /** Sets the send deadline. */
  setWriteDeadline(t: Deadline): void;
}
