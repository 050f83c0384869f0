// Socket addresses kept in kernel layout (struct sockaddr_in / sockaddr_in6 /
// sockaddr_un) inside a reusable byte buffer: passing one to bind, connect or
// sendto is the buffer itself, with no marshalling; setters rewrite bytes in
// place, so a hot loop can reuse one object without allocating.

import { AF } from "../zcall/constants.ts";
import { AddrError, InvalidAddrError, UnknownNetworkError } from "./errors.ts";
import { indexToZone, linkByName } from "./link.ts";
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "./ip.ts";

/**
 * sizeof(struct sockaddr_in).
 *
 * @example
 * ```ts
 * import { SIZEOF_SOCKADDR_INET4 } from "@kernio/kernio/sock";
 * SIZEOF_SOCKADDR_INET4; // 16
 * ```
 */
export const SIZEOF_SOCKADDR_INET4 = 16;
/**
 * sizeof(struct sockaddr_in6).
 *
 * @example
 * ```ts
 * import { SIZEOF_SOCKADDR_INET6 } from "@kernio/kernio/sock";
 * SIZEOF_SOCKADDR_INET6; // 28
 * ```
 */
export const SIZEOF_SOCKADDR_INET6 = 28;
/**
 * sizeof(struct sockaddr_un).
 *
 * @example
 * ```ts
 * import { SIZEOF_SOCKADDR_UNIX } from "@kernio/kernio/sock";
 * SIZEOF_SOCKADDR_UNIX; // 110
 * ```
 */
export const SIZEOF_SOCKADDR_UNIX = 110;
/**
 * sizeof(struct sockaddr_storage).
 *
 * @example
 * ```ts
 * import { SIZEOF_SOCKADDR_ANY } from "@kernio/kernio/sock";
 * SIZEOF_SOCKADDR_ANY; // 128
 * ```
 */
export const SIZEOF_SOCKADDR_ANY = 128;

// sun_path capacity: a pathname needs its NUL terminator inside it.
const UNIX_PATH_MAX = 108;

/**
 * A sockaddr in kernel layout: `bytes` is the struct, `length` the number
 * of meaningful bytes (the socklen_t to pass to the kernel).
 *
 * @example
 * ```ts
 * import { type RawSockaddr, SockaddrInet4 } from "@kernio/kernio/sock";
 * const raw: RawSockaddr = new SockaddrInet4([127, 0, 0, 1], 80).raw();
 * raw.length; // 16
 * ```
 */
export interface RawSockaddr {
  /** The struct bytes (host-order family, network-order port). */
  readonly bytes: Uint8Array;
  /** Meaningful length in bytes. */
  readonly length: number;
}

/**
 * Any socket address of this module (IPv4, IPv6 or Unix).
 *
 * @example
 * ```ts
 * import { type Sockaddr, SockaddrInet6 } from "@kernio/kernio/sock";
 * const sa: Sockaddr = SockaddrInet6.parse("::1", 443);
 * sa.family(); // 10 (AF_INET6)
 * ```
 */
export type Sockaddr = SockaddrInet4 | SockaddrInet6 | SockaddrUnix;

/**
 * Something holding an IP endpoint: Deno.NetAddr, Deno's connect/listen
 * options, or a `{ hostname, port }` literal. A missing hostname means the
 * unspecified address.
 *
 * @example
 * ```ts
 * import type { HostPort } from "@kernio/kernio/sock";
 * const ep: HostPort = { hostname: "127.0.0.1", port: 8080 };
 * ```
 */
export interface HostPort {
  /** IPv4 or IPv6 literal (optionally bracketed, with a %zone), or "localhost". */
  hostname?: string;
  /** Port 0..65535. */
  port: number;
}

/**
 * Something holding a Unix socket path: Deno.UnixAddr or `{ path }`.
 * A leading "@" or NUL names an abstract socket; "" an unnamed one.
 *
 * @example
 * ```ts
 * import type { UnixPath } from "@kernio/kernio/sock";
 * const p: UnixPath = { path: "@my-abstract-name" };
 * ```
 */
export interface UnixPath {
  /** Filesystem path, "@abstract" name, or "" (unnamed). */
  path: string;
}

function checkPort(port: number, what: string): number {
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new RangeError(
      `${what}: port must be an integer in 0..65535, got ${port}`,
    );
  }
  return port;
}

function newBytes(n: number): Uint8Array {
  // A fresh ArrayBuffer per address: its views are exactly the struct.
  return new Uint8Array(new ArrayBuffer(n));
}

function setFamily(b: Uint8Array, family: number): void {
  // sa_family_t is host order: little-endian on x86_64 and aarch64.
  b[0] = family & 0xff;
  b[1] = family >> 8;
}

// Octets must be integers 0..255: a Uint8Array store would silently wrap 256
// to 0 and send traffic to the wrong host.
function checkOctets(addr: ArrayLike<number>, n: number, who: string): void {
  for (let i = 0; i < n; i++) {
    const b = addr[i];
    if (!(Number.isInteger(b) && b >= 0 && b <= 255)) {
      throw new RangeError(
        `${who}: octet ${i} must be an integer 0..255, got ${b}`,
      );
    }
  }
}

/**
 * struct sockaddr_in: an IPv4 address and port.
 *
 * @example
 * ```ts
 * import { SockaddrInet4 } from "@kernio/kernio/sock";
 * const sa = new SockaddrInet4([127, 0, 0, 1], 8080);
 * sa.setPort(9090);
 * sa.toString(); // "127.0.0.1:9090"
 * ```
 */
export class SockaddrInet4 implements RawSockaddr {
  /** The 16-byte struct. */
  readonly bytes: Uint8Array = newBytes(SIZEOF_SOCKADDR_INET4);
  readonly #addr: Uint8Array = this.bytes.subarray(4, 8);

  /** Creates the address (default 0.0.0.0:0). */
  constructor(addr?: ArrayLike<number>, port = 0) {
    setFamily(this.bytes, AF.INET);
    if (addr !== undefined) this.setAddr(addr);
    this.setPort(port);
  }

  /**
   * Parses an IPv4 literal ("" and "localhost" are accepted for
   * 0.0.0.0 and 127.0.0.1; no DNS).
   *
   * @example
   * ```ts
   * import { SockaddrInet4 } from "@kernio/kernio/sock";
   * SockaddrInet4.parse("10.0.0.1", 53).port(); // 53
   * ```
   */
  static parse(host: string, port = 0): SockaddrInet4 {
    const sa = new SockaddrInet4(undefined, port);
    sa.setHost(host);
    return sa;
  }

  /** Bytes meaningful to the kernel: always 16. */
  get length(): number {
    return SIZEOF_SOCKADDR_INET4;
  }

  /** AF_INET. */
  family(): number {
    return AF.INET;
  }

  /** The struct and its length, with no copy (this object itself). */
  raw(): RawSockaddr {
    return this;
  }

  /** A live 4-byte view of the address (no allocation; do not keep it across setters if you expect a snapshot). */
  addr(): Uint8Array {
    return this.#addr;
  }

  /** Sets the address from 4 octets. */
  setAddr(addr: ArrayLike<number>): this {
    if (addr == null || addr.length !== 4) {
      throw new TypeError(
        "SockaddrInet4.setAddr: need exactly 4 octets (a Uint8Array or array)",
      );
    }
    if (!(addr instanceof Uint8Array)) {
      checkOctets(addr, 4, "SockaddrInet4.setAddr");
    }
    const a = this.#addr;
    for (let i = 0; i < 4; i++) a[i] = addr[i];
    return this;
  }

  /** Sets the address from a 32-bit number (host value, 0x7f000001 = 127.0.0.1). */
  setAddrU32(v: number): this {
    const a = this.#addr;
    a[0] = v >>> 24;
    a[1] = (v >>> 16) & 0xff;
    a[2] = (v >>> 8) & 0xff;
    a[3] = v & 0xff;
    return this;
  }

  /**
   * Sets the address from an IPv4 literal (no DNS; "" and "localhost"
   * allowed). All or nothing: on an InvalidAddrError the address is
   * unchanged.
   */
  setHost(host: string): this {
    if (typeof host !== "string") {
      throw new TypeError("SockaddrInet4.setHost: host must be a string");
    }
    if (host === "") return this.setAddrU32(0);
    if (host === "localhost") return this.setAddrU32(0x7f000001);
    // Parsed aside first: parseIPv4 writes octets as it goes.
    if (!parseIPv4(host, scratch4)) {
      throw new InvalidAddrError(
        "SockaddrInet4.setHost",
        "not an IPv4 address",
        host,
      );
    }
    this.#addr.set(scratch4);
    return this;
  }

  /** The port (host order). */
  port(): number {
    return (this.bytes[2] << 8) | this.bytes[3];
  }

  /** Sets the port (validated: integer 0..65535). */
  setPort(port: number): this {
    checkPort(port, "SockaddrInet4.setPort");
    this.bytes[2] = port >> 8;
    this.bytes[3] = port & 0xff;
    return this;
  }

  /** Copies another IPv4 address into this one. */
  copyFrom(other: SockaddrInet4): this {
    this.bytes.set(other.bytes);
    return this;
  }

  /** The address as text ("127.0.0.1"). */
  host(): string {
    return formatIPv4(this.#addr);
  }

  /** "a.b.c.d:port". */
  toString(): string {
    return `${this.host()}:${this.port()}`;
  }
}

/**
 * struct sockaddr_in6: an IPv6 address, port, flow info and scope id.
 *
 * @example
 * ```ts
 * import { SockaddrInet6 } from "@kernio/kernio/sock";
 * const sa = SockaddrInet6.parse("fe80::1%1", 80);
 * sa.scopeId(); // 1
 * sa.toString(); // "[fe80::1%1]:80"
 * ```
 */
export class SockaddrInet6 implements RawSockaddr {
  /** The 28-byte struct. */
  readonly bytes: Uint8Array = newBytes(SIZEOF_SOCKADDR_INET6);
  readonly #addr: Uint8Array = this.bytes.subarray(8, 24);
  readonly #dv: DataView = new DataView(this.bytes.buffer);

  /** Creates the address (default [::]:0). */
  constructor(addr?: ArrayLike<number>, port = 0, scopeId = 0) {
    setFamily(this.bytes, AF.INET6);
    if (addr !== undefined) this.setAddr(addr);
    this.setPort(port);
    this.setScopeId(scopeId);
  }

  /**
   * Parses an IPv6 literal, optionally bracketed and with a "%zone"
   * (numeric, or an interface name looked up over rtnetlink, see
   * {@linkcode linkByName}). "" is ::, "localhost" is ::1.
   *
   * @example
   * ```ts
   * import { SockaddrInet6 } from "@kernio/kernio/sock";
   * SockaddrInet6.parse("::1", 22).toString(); // "[::1]:22"
   * ```
   */
  static parse(host: string, port = 0): SockaddrInet6 {
    const sa = new SockaddrInet6(undefined, port);
    sa.setHost(host);
    return sa;
  }

  /** Bytes meaningful to the kernel: always 28. */
  get length(): number {
    return SIZEOF_SOCKADDR_INET6;
  }

  /** AF_INET6. */
  family(): number {
    return AF.INET6;
  }

  /** The struct and its length, with no copy (this object itself). */
  raw(): RawSockaddr {
    return this;
  }

  /** A live 16-byte view of the address. */
  addr(): Uint8Array {
    return this.#addr;
  }

  /** Sets the address from 16 octets. */
  setAddr(addr: ArrayLike<number>): this {
    if (addr == null || addr.length !== 16) {
      throw new TypeError("SockaddrInet6.setAddr: need exactly 16 octets");
    }
    if (!(addr instanceof Uint8Array)) {
      checkOctets(addr, 16, "SockaddrInet6.setAddr");
    }
    const a = this.#addr;
    for (let i = 0; i < 16; i++) a[i] = addr[i];
    return this;
  }

  /**
   * Sets address and scope id from a literal (see
   * {@linkcode SockaddrInet6.parse}). All or nothing: on an error the
   * address and scope id are unchanged.
   */
  setHost(host: string): this {
    if (typeof host !== "string") {
      throw new TypeError("SockaddrInet6.setHost: host must be a string");
    }
    let h = host;
    if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
    let zone = "";
    const pct = h.indexOf("%");
    if (pct >= 0) {
      zone = h.slice(pct + 1);
      h = h.slice(0, pct);
    }
    const a = scratch16;
    if (h === "" || h === "localhost") {
      a.fill(0);
      if (h === "localhost") a[15] = 1;
    } else if (!parseIPv6(h, a)) {
      throw new InvalidAddrError(
        "SockaddrInet6.setHost",
        "not an IPv6 address",
        host,
      );
    }
    const scope = pct >= 0 ? zoneToIndex(zone) : 0;
    this.#addr.set(a);
    return this.setScopeId(scope);
  }

  /** The port (host order). */
  port(): number {
    return (this.bytes[2] << 8) | this.bytes[3];
  }

  /** Sets the port (validated). */
  setPort(port: number): this {
    checkPort(port, "SockaddrInet6.setPort");
    this.bytes[2] = port >> 8;
    this.bytes[3] = port & 0xff;
    return this;
  }

  /** sin6_flowinfo (network order on the wire, host value here). */
  flowInfo(): number {
    return this.#dv.getUint32(4, false);
  }

  /** Sets sin6_flowinfo. */
  setFlowInfo(v: number): this {
    if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
      throw new RangeError(`SockaddrInet6.setFlowInfo: bad value ${v}`);
    }
    this.#dv.setUint32(4, v, false);
    return this;
  }

  /** sin6_scope_id (interface index for link-local addresses). */
  scopeId(): number {
    return this.#dv.getUint32(24, true);
  }

  /** Sets sin6_scope_id. */
  setScopeId(id: number): this {
    if (!(Number.isInteger(id) && id >= 0 && id <= 0xffffffff)) {
      throw new RangeError(
        `SockaddrInet6.setScopeId: scope id must be a u32, got ${id}`,
      );
    }
    this.#dv.setUint32(24, id, true);
    return this;
  }

  /** Copies another IPv6 address into this one. */
  copyFrom(other: SockaddrInet6): this {
    this.bytes.set(other.bytes);
    return this;
  }

  /**
   * The address as text (RFC 5952), with "%zone" when the scope id is set:
   * the interface name ("fe80::1%eth0"), or the index when no interface
   * has it.
   */
  host(): string {
    const s = formatIPv6(this.#addr);
    const z = this.scopeId();
    return z === 0 ? s : `${s}%${indexToZone(z)}`;
  }

  /** "[addr]:port". */
  toString(): string {
    return `[${this.host()}]:${this.port()}`;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * struct sockaddr_un: a filesystem path, an abstract name ("@name", stored
 * with a leading NUL) or unnamed ("").
 *
 * @example
 * ```ts
 * import { SockaddrUnix } from "@kernio/kernio/sock";
 * const sa = new SockaddrUnix("/tmp/app.sock");
 * sa.length; // 2 + 13 + 1
 * new SockaddrUnix("@svc").isAbstract(); // true
 * ```
 */
export class SockaddrUnix implements RawSockaddr {
  /** The 110-byte struct. */
  readonly bytes: Uint8Array = newBytes(SIZEOF_SOCKADDR_UNIX);
  #length = 2;

  /** Creates the address; throws a RangeError when the path does not fit. */
  constructor(path = "") {
    setFamily(this.bytes, AF.UNIX);
    this.setPath(path);
  }

  /** Meaningful bytes: family plus path (with NUL for pathnames). */
  get length(): number {
    return this.#length;
  }

  /** AF_UNIX. */
  family(): number {
    return AF.UNIX;
  }

  /** The struct and its length, with no copy (this object itself). */
  raw(): RawSockaddr {
    return this;
  }

  /** Whether this is an abstract-namespace name. */
  isAbstract(): boolean {
    return this.#length > 2 && this.bytes[2] === 0;
  }

  /** The path; abstract names come back as "@name", unnamed as "". */
  path(): string {
    const n = this.#length;
    if (n <= 2) return "";
    if (this.bytes[2] === 0) {
      return "@" + decoder.decode(this.bytes.subarray(3, n));
    }
    let end = 2;
    while (end < n && this.bytes[end] !== 0) end++;
    return decoder.decode(this.bytes.subarray(2, end));
  }

  /**
   * Sets the path. A leading "@" or "\0" makes an abstract name. Throws a
   * RangeError when it exceeds 107 bytes (108 with the terminator).
   */
  setPath(path: string): this {
    if (typeof path !== "string") {
      throw new TypeError("SockaddrUnix.setPath: path must be a string");
    }
    const abstract = path.startsWith("@") || path.startsWith("\0");
    const name = abstract ? path.slice(1) : path;
    const enc = encoder.encode(name);
    if (!abstract && enc.includes(0)) {
      throw new TypeError("SockaddrUnix.setPath: path contains a NUL byte");
    }
    // Pathnames need room for the NUL; abstract names use the leading NUL.
    if (enc.length + 1 > UNIX_PATH_MAX) {
      throw new RangeError(
        `SockaddrUnix: path is ${enc.length} bytes, the limit is ${
          UNIX_PATH_MAX - 1
        } (sun_path is ${UNIX_PATH_MAX} bytes)`,
      );
    }
    this.bytes.fill(0, 2);
    if (abstract) {
      this.bytes.set(enc, 3);
      this.#length = 3 + enc.length;
    } else if (enc.length === 0) {
      this.#length = 2;
    } else {
      this.bytes.set(enc, 2);
      this.#length = 2 + enc.length + 1;
    }
    return this;
  }

  /** Adopts a length the kernel reported (recvfrom, accept, getsockname). */
  setLength(n: number): this {
    if (!(Number.isInteger(n) && n >= 2 && n <= SIZEOF_SOCKADDR_UNIX)) {
      // An unnamed peer reports 0 or 2 bytes.
      if (n === 0) {
        this.#length = 2;
        return this;
      }
      throw new RangeError(`SockaddrUnix.setLength: bad length ${n}`);
    }
    this.#length = n;
    return this;
  }

  /** Copies another Unix address into this one. */
  copyFrom(other: SockaddrUnix): this {
    this.bytes.set(other.bytes);
    this.#length = other.#length;
    return this;
  }

  /** The path (see {@linkcode SockaddrUnix.path}). */
  toString(): string {
    return this.path();
  }
}

// A byte loop rather than set(subarray()): a subarray is an allocation.
function copyBytes(
  dst: Uint8Array,
  src: Uint8Array,
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) dst[i] = src[i];
}

/**
 * Decodes a sockaddr (for example a 128-byte sockaddr_storage filled by the
 * kernel) into a typed address. When `into` is given and of the same family
 * the bytes are copied into it and it is returned: no allocation. Returns
 * null for AF_UNSPEC or an empty length; throws a TypeError for a family
 * this module does not handle.
 *
 * @example
 * ```ts
 * import { decodeSockaddr, SockaddrInet4 } from "@kernio/kernio/sock";
 * const storage = new Uint8Array(128);
 * storage.set(new SockaddrInet4([10, 0, 0, 1], 7).bytes);
 * decodeSockaddr(storage, 16)?.toString(); // "10.0.0.1:7"
 * ```
 */
export function decodeSockaddr(
  storage: Uint8Array,
  length?: number,
  into?: Sockaddr,
): Sockaddr | null {
  // Checked before anything reads storage's properties.
  if (!(storage instanceof Uint8Array)) {
    throw new TypeError("decodeSockaddr: storage must be a Uint8Array");
  }
  if (length === undefined) length = storage.byteLength;
  if (
    !(Number.isInteger(length) && length >= 0 && length <= storage.byteLength)
  ) {
    throw new RangeError(
      `decodeSockaddr: length ${length} out of range 0..${storage.byteLength}`,
    );
  }
  if (length < 2) return null;
  const family = storage[0] | (storage[1] << 8);
  switch (family) {
    case AF.INET: {
      if (length < SIZEOF_SOCKADDR_INET4) break;
      const sa = into instanceof SockaddrInet4 ? into : new SockaddrInet4();
      copyBytes(sa.bytes, storage, 0, SIZEOF_SOCKADDR_INET4);
      return sa;
    }
    case AF.INET6: {
      if (length < SIZEOF_SOCKADDR_INET6) break;
      const sa = into instanceof SockaddrInet6 ? into : new SockaddrInet6();
      copyBytes(sa.bytes, storage, 0, SIZEOF_SOCKADDR_INET6);
      return sa;
    }
    case AF.UNIX: {
      const n = length > SIZEOF_SOCKADDR_UNIX ? SIZEOF_SOCKADDR_UNIX : length;
      const sa = into instanceof SockaddrUnix ? into : new SockaddrUnix();
      sa.bytes.fill(0, 2);
      copyBytes(sa.bytes, storage, 2, n);
      return sa.setLength(n);
    }
    case AF.UNSPEC:
      return null;
    default:
      throw new TypeError(
        `decodeSockaddr: unsupported address family ${family}`,
      );
  }
  throw new RangeError(
    `decodeSockaddr: length ${length} too short for family ${family}`,
  );
}

// Scratch for family probes and all-or-nothing setters, so converting an IP
// literal allocates nothing.
const scratch4 = new Uint8Array(4);
const scratch16 = new Uint8Array(16);

function hostOf(addr: HostPort, fn: string): string {
  if (addr === null || typeof addr !== "object") {
    throw new TypeError(`${fn}: expected an address object { hostname, port }`);
  }
  const h = addr.hostname ?? "";
  if (typeof h !== "string") {
    throw new TypeError(`${fn}: hostname must be a string`);
  }
  return h;
}

/**
 * Which family an IP literal belongs to: 4, 6, or 0 when it is neither
 * ("" counts as IPv4 unspecified, "localhost" as IPv4 loopback).
 *
 * @example
 * ```ts
 * import { ipFamilyOf } from "@kernio/kernio/sock";
 * ipFamilyOf("::1"); // 6
 * ```
 */
export function ipFamilyOf(host: string): 0 | 4 | 6 {
  if (host === "" || host === "localhost") return 4;
  if (parseIPv4(host, scratch4)) return 4;
  let h = host;
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  const pct = h.indexOf("%");
  if (pct >= 0) h = h.slice(0, pct);
  return parseIPv6(h) ? 6 : 0;
}

/**
 * Converts a `{ hostname, port }` (Deno.NetAddr, connect options) to a
 * sockaddr, the family following the literal. No DNS: names other than
 * "localhost" throw a TypeError. Pass `into` to reuse an object of the
 * right family.
 *
 * @example
 * ```ts
 * import { tcpAddrToSockaddr } from "@kernio/kernio/sock";
 * tcpAddrToSockaddr({ hostname: "::1", port: 80 }).family(); // 10
 * ```
 */
export function tcpAddrToSockaddr(
  addr: HostPort,
  into?: SockaddrInet4 | SockaddrInet6,
): SockaddrInet4 | SockaddrInet6 {
  return ipToSockaddr(addr, into, "tcpAddrToSockaddr");
}

/**
 * Same as {@linkcode tcpAddrToSockaddr}, for UDP endpoints.
 *
 * @example
 * ```ts
 * import { udpAddrToSockaddr } from "@kernio/kernio/sock";
 * udpAddrToSockaddr({ hostname: "127.0.0.1", port: 53 }).toString(); // "127.0.0.1:53"
 * ```
 */
export function udpAddrToSockaddr(
  addr: HostPort,
  into?: SockaddrInet4 | SockaddrInet6,
): SockaddrInet4 | SockaddrInet6 {
  return ipToSockaddr(addr, into, "udpAddrToSockaddr");
}

function ipToSockaddr(
  addr: HostPort,
  into: SockaddrInet4 | SockaddrInet6 | undefined,
  fn: string,
): SockaddrInet4 | SockaddrInet6 {
  const h = hostOf(addr, fn);
  checkPort(addr.port, fn);
  const fam = ipFamilyOf(h);
  if (fam === 4) {
    const sa = into instanceof SockaddrInet4 ? into : new SockaddrInet4();
    return sa.setHost(h).setPort(addr.port);
  }
  if (fam === 6) {
    const sa = into instanceof SockaddrInet6 ? into : new SockaddrInet6();
    return sa.setHost(h).setPort(addr.port);
  }
  throw new AddrError(
    fn,
    "not an IP address literal (no DNS here: resolve names with resolveTCPAddr first)",
    h,
  );
}

/**
 * Converts `{ path }` (Deno.UnixAddr) to a SockaddrUnix.
 *
 * @example
 * ```ts
 * import { unixAddrToSockaddr } from "@kernio/kernio/sock";
 * unixAddrToSockaddr({ path: "/tmp/x.sock" }).path(); // "/tmp/x.sock"
 * ```
 */
export function unixAddrToSockaddr(
  addr: UnixPath,
  into?: SockaddrUnix,
): SockaddrUnix {
  if (addr === null || typeof addr !== "object") {
    throw new TypeError("unixAddrToSockaddr: expected { path }");
  }
  return (into ?? new SockaddrUnix()).setPath(addr.path);
}

function ipHost(sa: Sockaddr, fn: string): SockaddrInet4 | SockaddrInet6 {
  if (sa instanceof SockaddrInet4 || sa instanceof SockaddrInet6) return sa;
  throw new TypeError(`${fn}: expected an IPv4 or IPv6 address`);
}

/**
 * Converts an IP sockaddr to a Deno.NetAddr with transport "tcp".
 *
 * @example
 * ```ts
 * import { SockaddrInet4, sockaddrToTCPAddr } from "@kernio/kernio/sock";
 * sockaddrToTCPAddr(new SockaddrInet4([127, 0, 0, 1], 80));
 * // { transport: "tcp", hostname: "127.0.0.1", port: 80 }
 * ```
 */
export function sockaddrToTCPAddr(sa: Sockaddr): Deno.NetAddr {
  const ip = ipHost(sa, "sockaddrToTCPAddr");
  return { transport: "tcp", hostname: ip.host(), port: ip.port() };
}

/**
 * Converts an IP sockaddr to a Deno.NetAddr with transport "udp".
 *
 * @example
 * ```ts
 * import { SockaddrInet6, sockaddrToUDPAddr } from "@kernio/kernio/sock";
 * sockaddrToUDPAddr(SockaddrInet6.parse("::1", 53)).hostname; // "::1"
 * ```
 */
export function sockaddrToUDPAddr(sa: Sockaddr): Deno.NetAddr {
  const ip = ipHost(sa, "sockaddrToUDPAddr");
  return { transport: "udp", hostname: ip.host(), port: ip.port() };
}

/**
 * Converts a SockaddrUnix to a Deno.UnixAddr ("unixgram" is allowed as a
 * transport too, for datagram sockets).
 *
 * @example
 * ```ts
 * import { SockaddrUnix, sockaddrToUnixAddr } from "@kernio/kernio/sock";
 * sockaddrToUnixAddr(new SockaddrUnix("/tmp/a.sock"));
 * // { transport: "unix", path: "/tmp/a.sock" }
 * ```
 */
export function sockaddrToUnixAddr(
  sa: Sockaddr,
  transport: "unix" | "unixpacket" | "unixgram" = "unix",
): UnixAddr {
  if (!(sa instanceof SockaddrUnix)) {
    throw new TypeError("sockaddrToUnixAddr: expected a SockaddrUnix");
  }
  return { transport, path: sa.path() };
}

/**
 * A Unix address in Deno's shape, with "unixgram" for datagram sockets.
 *
 * @example
 * ```ts
 * import type { UnixAddr } from "@kernio/kernio/sock";
 * const a: UnixAddr = { transport: "unixgram", path: "/tmp/d.sock" };
 * ```
 */
export interface UnixAddr {
  /** "unix" (stream), "unixpacket" (seqpacket) or "unixgram" (datagram). */
  transport: "unix" | "unixpacket" | "unixgram";
  /** The path ("@name" for abstract, "" for unnamed). */
  path: string;
}

/**
 * Validates a Unix network name and path, returning a UnixAddr (no
 * filesystem access).
 *
 * @example
 * ```ts
 * import { resolveUnixAddr } from "@kernio/kernio/sock";
 * resolveUnixAddr("unixgram", "/tmp/d.sock").transport; // "unixgram"
 * ```
 */
export function resolveUnixAddr(network: string, address: string): UnixAddr {
  if (
    network !== "unix" && network !== "unixgram" && network !== "unixpacket"
  ) {
    throw new UnknownNetworkError(
      "resolveUnixAddr",
      network,
      "unix, unixgram or unixpacket",
    );
  }
  new SockaddrUnix(address); // validates the length
  return { transport: network, path: address };
}

function zoneToIndex(zone: string): number {
  if (/^[0-9]+$/.test(zone)) return Number(zone);
  if (!/^[A-Za-z0-9_.:-]{1,15}$/.test(zone)) {
    throw new AddrError("SockaddrInet6", "bad zone", `%${zone}`);
  }
  // rtnetlink (sock/link.ts): no file permission needed, and it answers for
  // the calling thread's network namespace, which /sys/class/net (fixed
  // when sysfs was mounted) does not.
  try {
    return linkByName(zone).index;
  } catch (e) {
    throw new AddrError(
      "SockaddrInet6",
      "no such interface for the zone (a numeric index works too)",
      `%${zone}`,
      { cause: e },
    );
  }
}
