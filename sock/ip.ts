// IP addresses as text and bytes, without DNS: parsing (dotted quad, RFC 4291
// text with "::" and an IPv4 tail), RFC 5952 formatting, and the byte
// conversions. Pure code: it imports nothing, so it loads without FFI.

/**
 * Parses dotted-quad IPv4 text into 4 bytes (into `out` when given, which
 * then allocates nothing). Returns the bytes, or null when invalid. Leading
 * zeros are rejected (they are octal in some parsers).
 *
 * @example
 * ```ts
 * import { parseIPv4 } from "@kernio/kernio/sock";
 * parseIPv4("192.168.0.1"); // Uint8Array [192, 168, 0, 1]
 * parseIPv4("1.2.3"); // null
 * ```
 */
export function parseIPv4(
  s: string,
  out: Uint8Array = new Uint8Array(4),
): Uint8Array | null {
  if (typeof s !== "string") return null;
  let part = 0, digits = 0, val = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      if (digits > 0 && val === 0) return null; // leading zero
      val = val * 10 + (c - 48);
      if (val > 255) return null;
      digits++;
    } else if (c === 46) {
      if (digits === 0 || part > 3) return null;
      out[part++] = val;
      val = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  return part === 4 ? out : null;
}

/**
 * Parses IPv6 text (with "::" compression and an embedded IPv4 tail) into
 * 16 bytes. No brackets or zone: see {@linkcode SockaddrInet6.parse} for
 * those. Returns null when invalid.
 *
 * @example
 * ```ts
 * import { parseIPv6 } from "@kernio/kernio/sock";
 * parseIPv6("::ffff:10.0.0.1")?.[15]; // 1
 * ```
 */
export function parseIPv6(
  s: string,
  out: Uint8Array = new Uint8Array(16),
): Uint8Array | null {
  if (typeof s !== "string" || s.length < 2) return null;
  const groups: number[] = [];
  let gap = -1;
  let i = 0;
  if (s.startsWith("::")) {
    gap = 0;
    i = 2;
    if (s.length === 2) {
      out.fill(0);
      return out;
    }
  } else if (s[0] === ":") return null;
  while (i < s.length) {
    // An IPv4 tail takes the last 32 bits.
    const rest = s.slice(i);
    if (rest.includes(".") && !rest.includes(":")) {
      const v4 = parseIPv4(rest);
      if (!v4 || groups.length > 6) return null;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      i = s.length;
      break;
    }
    let val = 0, n = 0;
    while (i < s.length && n < 5) {
      const c = s.charCodeAt(i);
      const d = c >= 48 && c <= 57
        ? c - 48
        : c >= 97 && c <= 102
        ? c - 87
        : c >= 65 && c <= 70
        ? c - 55
        : -1;
      if (d < 0) break;
      val = val * 16 + d;
      n++;
      i++;
    }
    if (n === 0 || n > 4) return null;
    groups.push(val);
    if (i === s.length) break;
    if (s[i] !== ":") return null;
    i++;
    if (s[i] === ":") {
      if (gap >= 0) return null;
      gap = groups.length;
      i++;
      if (i === s.length) break;
    } else if (i === s.length) return null;
  }
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return null;
  const fill = 8 - groups.length;
  let g = 0;
  for (let k = 0; k < 8; k++) {
    let v: number;
    if (gap >= 0 && k >= gap && k < gap + fill) v = 0;
    else v = groups[g++];
    out[k * 2] = v >> 8;
    out[k * 2 + 1] = v & 0xff;
  }
  return out;
}

/**
 * Parses an IPv4 or IPv6 literal: 4 bytes
 * for IPv4, 16 for IPv6; null when invalid.
 *
 * @example
 * ```ts
 * import { parseIP } from "@kernio/kernio/sock";
 * parseIP("127.0.0.1")?.length; // 4
 * parseIP("::1")?.length; // 16
 * ```
 */
export function parseIP(s: string): Uint8Array | null {
  return parseIPv4(s) ?? parseIPv6(s);
}

/**
 * IPv4 bytes as dotted-quad text.
 *
 * @example
 * ```ts
 * import { formatIPv4 } from "@kernio/kernio/sock";
 * formatIPv4(new Uint8Array([127, 0, 0, 1])); // "127.0.0.1"
 * ```
 */
export function formatIPv4(b: ArrayLike<number>): string {
  if (b == null || b.length < 4) {
    throw new TypeError("formatIPv4: need 4 bytes");
  }
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/**
 * IPv6 bytes as RFC 5952 text (longest zero run as "::", IPv4-mapped
 * addresses as ::ffff:a.b.c.d).
 *
 * @example
 * ```ts
 * import { formatIPv6, parseIPv6 } from "@kernio/kernio/sock";
 * formatIPv6(parseIPv6("2001:db8:0:0:0:0:0:1")!); // "2001:db8::1"
 * ```
 */
export function formatIPv6(b: ArrayLike<number>): string {
  if (b == null || b.length < 16) {
    throw new TypeError("formatIPv6: need 16 bytes");
  }
  let mapped = b[10] === 0xff && b[11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (b[i] !== 0) mapped = false;
  if (mapped) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[i * 2] << 8) | b[i * 2 + 1]);
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    g.slice(from, to).map((v) => v.toString(16)).join(":");
  if (best < 0) return hex(0, 8);
  return `${hex(0, best)}::${hex(best + bestLen, 8)}`;
}

/**
 * The 4 bytes of an IPv4 literal; an
 * all-zero array when the text is not IPv4.
 *
 * @example
 * ```ts
 * import { ip4AddressToBytes } from "@kernio/kernio/sock";
 * ip4AddressToBytes("10.1.2.3"); // Uint8Array [10, 1, 2, 3]
 * ```
 */
export function ip4AddressToBytes(ip: string): Uint8Array {
  const out = new Uint8Array(4);
  return parseIPv4(ip, out) ?? out.fill(0);
}

/**
 * The 16 bytes of an IP literal (IPv4 becomes ::ffff:a.b.c.d); throws a
 * TypeError for other text.
 *
 * @example
 * ```ts
 * import { ip6AddressToBytes } from "@kernio/kernio/sock";
 * ip6AddressToBytes("::1")[15]; // 1
 * ```
 */
export function ip6AddressToBytes(ip: string): Uint8Array {
  const v4 = parseIPv4(ip);
  if (v4) {
    const out = new Uint8Array(16);
    out[10] = out[11] = 0xff;
    out.set(v4, 12);
    return out;
  }
  const v6 = parseIPv6(ip);
  if (!v6) {
    throw new TypeError(`ip6AddressToBytes: "${ip}" is not an IP address`);
  }
  return v6;
}

/**
 * The IPv4 unspecified address, 0.0.0.0 (bind to every IPv4 address).
 *
 * @example
 * ```ts
 * import { IPV4zero, listenTCP4 } from "@kernio/kernio/sock";
 * listenTCP4({ hostname: IPV4zero, port: 0 }).close();
 * ```
 */
export const IPV4zero = "0.0.0.0";
/**
 * The IPv6 unspecified address, "::".
 *
 * @example
 * ```ts
 * import { IPV6unspecified } from "@kernio/kernio/sock";
 * IPV6unspecified; // "::"
 * ```
 */
export const IPV6unspecified = "::";
/**
 * The IPv4 loopback address, 127.0.0.1.
 *
 * @example
 * ```ts
 * import { IPv4LoopBack } from "@kernio/kernio/sock";
 * IPv4LoopBack; // "127.0.0.1"
 * ```
 */
export const IPv4LoopBack = "127.0.0.1";
/**
 * The IPv6 loopback address, "::1".
 *
 * @example
 * ```ts
 * import { IPv6LoopBack } from "@kernio/kernio/sock";
 * IPv6LoopBack; // "::1"
 * ```
 */
export const IPv6LoopBack = "::1";

/**
 * Reads and writes of fixed-size unsigned integers in one byte order (see
 * {@linkcode NetworkByteOrder}).
 *
 * @example
 * ```ts
 * import { type ByteOrder, NetworkByteOrder } from "@kernio/kernio/sock";
 * const order: ByteOrder = NetworkByteOrder;
 * order.uint16(new Uint8Array([1, 0]), 0); // 256
 * ```
 */
export interface ByteOrder {
  /** The u16 at `off`. */
  uint16(b: Uint8Array, off?: number): number;
  /** Writes `v` (0..65535) at `off`. */
  putUint16(b: Uint8Array, off: number, v: number): void;
  /** The u32 at `off`. */
  uint32(b: Uint8Array, off?: number): number;
  /** Writes `v` (0..2^32-1) at `off`. */
  putUint32(b: Uint8Array, off: number, v: number): void;
  /** The u64 at `off`, as a BigInt. */
  uint64(b: Uint8Array, off?: number): bigint;
  /** Writes `v` (a BigInt 0..2^64-1) at `off`. */
  putUint64(b: Uint8Array, off: number, v: bigint): void;
  /** The order's name ("BigEndian"). */
  toString(): string;
}

/**
 * Big-endian (network order) reads and writes of 16, 32 and 64-bit
 * unsigned integers in a byte array: ports, IPv4 addresses, protocol
 * fields. 64-bit values are BigInts.
 *
 * @example
 * ```ts
 * import { NetworkByteOrder } from "@kernio/kernio/sock";
 * const b = new Uint8Array(4);
 * NetworkByteOrder.putUint16(b, 0, 8080); // b = [0x1f, 0x90, 0, 0]
 * NetworkByteOrder.uint16(b, 0); // 8080
 * NetworkByteOrder.putUint32(b, 0, 0x7f000001);
 * ```
 */
export const NetworkByteOrder: ByteOrder = {
  /** The u16 at `off`. */
  uint16(b: Uint8Array, off = 0): number {
    checkRange(b, off, 2, "uint16");
    return (b[off] << 8) | b[off + 1];
  },
  /** Writes `v` (0..65535) at `off`. */
  putUint16(b: Uint8Array, off: number, v: number): void {
    checkRange(b, off, 2, "putUint16");
    checkValue(v, 0xffff, "putUint16");
    b[off] = v >>> 8;
    b[off + 1] = v & 0xff;
  },
  /** The u32 at `off`. */
  uint32(b: Uint8Array, off = 0): number {
    checkRange(b, off, 4, "uint32");
    return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) |
      b[off + 3]) >>> 0;
  },
  /** Writes `v` (0..2^32-1) at `off`. */
  putUint32(b: Uint8Array, off: number, v: number): void {
    checkRange(b, off, 4, "putUint32");
    checkValue(v, 0xffffffff, "putUint32");
    b[off] = v >>> 24;
    b[off + 1] = (v >>> 16) & 0xff;
    b[off + 2] = (v >>> 8) & 0xff;
    b[off + 3] = v & 0xff;
  },
  /** The u64 at `off`, as a BigInt. */
  uint64(b: Uint8Array, off = 0): bigint {
    checkRange(b, off, 8, "uint64");
    return (BigInt(NetworkByteOrder.uint32(b, off)) << 32n) |
      BigInt(NetworkByteOrder.uint32(b, off + 4));
  },
  /** Writes `v` (a BigInt 0..2^64-1) at `off`. */
  putUint64(b: Uint8Array, off: number, v: bigint): void {
    checkRange(b, off, 8, "putUint64");
    if (typeof v !== "bigint" || v < 0n || v > 0xffffffffffffffffn) {
      throw new RangeError(`NetworkByteOrder.putUint64: bad value ${v}`);
    }
    NetworkByteOrder.putUint32(b, off, Number(v >> 32n));
    NetworkByteOrder.putUint32(b, off + 4, Number(v & 0xffffffffn));
  },
  toString(): string {
    return "BigEndian";
  },
};

function checkRange(b: Uint8Array, off: number, n: number, fn: string): void {
  if (!(b instanceof Uint8Array)) {
    throw new TypeError(`NetworkByteOrder.${fn}: expected a Uint8Array`);
  }
  if (!(Number.isInteger(off) && off >= 0 && off + n <= b.length)) {
    throw new RangeError(
      `NetworkByteOrder.${fn}: offset ${off} + ${n} outside ${b.length} bytes`,
    );
  }
}

function checkValue(v: number, max: number, fn: string): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= max)) {
    throw new RangeError(
      `NetworkByteOrder.${fn}: value must be an integer in 0..${max}, got ${v}`,
    );
  }
}
