/**
 * ICMP echo (ping) for IPv4 and IPv6, over raw sockets (root or
 * CAP_NET_RAW) or unprivileged ICMP datagram sockets (SOCK_DGRAM +
 * IPPROTO_ICMP / IPPROTO_ICMPV6, allowed when the caller's group is inside
 * /proc/sys/net/ipv4/ping_group_range). Mode "auto" tries the datagram
 * socket first, then raw.
 *
 * @example
 * ```ts
 * import { ping } from "@kernio/kernio/sock";
 * const r = await ping("127.0.0.1", { timeout: 1000 });
 * console.log(`${r.bytes} bytes from ${r.from}: icmp_seq=${r.seq} ttl=${r.ttl} time=${r.rtt.toFixed(3)} ms`);
 * ```
 *
 * @module
 */

import { AF, IP, IPPROTO, IPV6, SOCK, SOL } from "../zcall/constants.ts";
import { setsockopt } from "../zcall/syscalls.ts";
import { PermissionError, TimedOutError, WOULD_BLOCK } from "./errors.ts";
import { SockaddrInet4, SockaddrInet6 } from "./sockaddr.ts";
import { NetSocket, openSocket } from "./socket.ts";
import { forEachControlMessage } from "./cmsg.ts";
import { MsgResult, readMsgUDP, writeMsgUDP } from "./udp_batch.ts";
import { intIn } from "../zcall/_validate.ts";

/**
 * ICMPv4 message types.
 *
 * @example
 * ```ts
 * import { ICMP_TYPE } from "@kernio/kernio/sock";
 * ICMP_TYPE.ECHO_REQUEST; // 8
 * ```
 */
export const ICMP_TYPE = {
  ECHO_REPLY: 0,
  DEST_UNREACH: 3,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
} as const;

/**
 * ICMPv6 message types.
 *
 * @example
 * ```ts
 * import { ICMPV6_TYPE } from "@kernio/kernio/sock";
 * ICMPV6_TYPE.ECHO_REQUEST; // 128
 * ```
 */
export const ICMPV6_TYPE = {
  DEST_UNREACH: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
} as const;

/**
 * The Internet checksum (RFC 1071) of `b[0, length)`.
 *
 * @example
 * ```ts
 * import { icmpChecksum } from "@kernio/kernio/sock";
 * icmpChecksum(new Uint8Array([8, 0, 0, 0, 0, 1, 0, 1])); // 0xf7fd
 * ```
 */
export function icmpChecksum(
  b: Uint8Array,
  length: number = b?.length,
): number {
  if (!(b instanceof Uint8Array)) {
    throw new TypeError("icmpChecksum: expected a Uint8Array");
  }
  intIn(length, 0, b.length, "icmpChecksum", "length");
  let sum = 0;
  let i = 0;
  for (; i + 1 < length; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < length) sum += b[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * Writes an echo request (or reply) into `buf`: type, code 0, checksum
 * (IPv4; the kernel fills it for ICMPv6 and datagram sockets), identifier,
 * sequence, then `payloadSize` bytes of a fixed pattern. Returns the length.
 *
 * @example
 * ```ts
 * import { encodeEcho, ICMP_TYPE } from "@kernio/kernio/sock";
 * const buf = new Uint8Array(64);
 * const n = encodeEcho(buf, ICMP_TYPE.ECHO_REQUEST, 0x1234, 1, 56); // 64
 * ```
 */
export function encodeEcho(
  buf: Uint8Array,
  type: number,
  id: number,
  seq: number,
  payloadSize: number,
): number {
  if (!(buf instanceof Uint8Array)) {
    throw new TypeError("encodeEcho: buf must be a Uint8Array");
  }
  intIn(type, 0, 255, "encodeEcho", "type");
  intIn(id, 0, 0xffff, "encodeEcho", "id");
  intIn(seq, 0, 0xffff, "encodeEcho", "seq");
  intIn(payloadSize, 0, buf.length - 8, "encodeEcho", "payloadSize");
  const n = 8 + payloadSize;
  buf[0] = type;
  buf[1] = 0;
  buf[2] = buf[3] = 0;
  buf[4] = id >> 8;
  buf[5] = id & 0xff;
  buf[6] = seq >> 8;
  buf[7] = seq & 0xff;
  for (let i = 8; i < n; i++) buf[i] = i & 0xff;
  const c = icmpChecksum(buf, n);
  buf[2] = c >> 8;
  buf[3] = c & 0xff;
  return n;
}

/**
 * One decoded echo message.
 *
 * @example
 * ```ts
 * import { decodeEcho, type EchoMessage, encodeEcho } from "@kernio/kernio/sock";
 * const buf = new Uint8Array(64);
 * const n = encodeEcho(buf, 8, 7, 1, 56); // ICMPv4 echo request
 * const m: EchoMessage | null = decodeEcho(buf, n, false);
 * ```
 */
export interface EchoMessage {
  /** ICMP type. */
  type: number;
  /** ICMP code. */
  code: number;
  /** Identifier. */
  id: number;
  /** Sequence number. */
  seq: number;
  /** Offset of the ICMP header in the buffer (after an IPv4 header). */
  offset: number;
  /** ICMP bytes (header + payload). */
  length: number;
  /** TTL from the IPv4 header (raw IPv4 only), else -1. */
  ttl: number;
}

/**
 * Decodes an echo message from `buf[0, n)`; with `ipHeader` (raw IPv4
 * sockets) the IPv4 header is skipped first. Returns null when too short.
 *
 * @example
 * ```ts
 * import { decodeEcho, encodeEcho } from "@kernio/kernio/sock";
 * const b = new Uint8Array(16);
 * decodeEcho(b, encodeEcho(b, 0, 7, 9, 8), false)?.seq; // 9
 * ```
 */
export function decodeEcho(
  buf: Uint8Array,
  n: number,
  ipHeader: boolean,
): EchoMessage | null {
  if (!(buf instanceof Uint8Array)) {
    throw new TypeError("decodeEcho: buf must be a Uint8Array");
  }
  intIn(n, 0, buf.length, "decodeEcho", "n");
  let off = 0, ttl = -1;
  if (ipHeader) {
    if (n < 20 || buf[0] >> 4 !== 4) return null;
    off = (buf[0] & 0x0f) * 4;
    ttl = buf[8];
  }
  if (n - off < 8) return null;
  return {
    type: buf[off],
    code: buf[off + 1],
    id: (buf[off + 4] << 8) | buf[off + 5],
    seq: (buf[off + 6] << 8) | buf[off + 7],
    offset: off,
    length: n - off,
    ttl,
  };
}

/**
 * How {@linkcode Pinger} reaches ICMP.
 *
 * @example
 * ```ts
 * import { type PingMode, Pinger } from "@kernio/kernio/sock";
 * const mode: PingMode = "dgram"; // unprivileged ICMP sockets
 * const p = new Pinger(4, mode);
 * p.close();
 * ```
 */
export type PingMode = "raw" | "dgram" | "auto";

/**
 * Options of {@linkcode ping} and {@linkcode Pinger.ping}.
 *
 * @example
 * ```ts
 * import { ping, type PingOptions } from "@kernio/kernio/sock";
 * const opts: PingOptions = { timeout: 1000 };
 * const reply = await ping("127.0.0.1", opts);
 * ```
 */
export interface PingOptions {
  /** Socket kind (default "auto": datagram first, then raw). */
  mode?: PingMode;
  /** Reply timeout in ms (default 1000). */
  timeout?: number;
  /** Payload bytes after the 8-byte header (default 56). */
  size?: number;
  /** Sequence number (default: the Pinger's counter). */
  seq?: number;
  /** Cancels the wait. */
  signal?: AbortSignal;
}

/**
 * One echo reply.
 *
 * @example
 * ```ts
 * import { ping, type PingReply } from "@kernio/kernio/sock";
 * const r: PingReply = await ping("127.0.0.1");
 * console.log(`${r.rtt.toFixed(3)} ms`);
 * ```
 */
export interface PingReply {
  /** Round-trip time in ms (fractional). */
  rtt: number;
  /** ICMP bytes received (header + payload). */
  bytes: number;
  /** Sequence number. */
  seq: number;
  /** Identifier. */
  id: number;
  /** TTL (IPv4) or hop limit (IPv6) of the reply, -1 if unknown. */
  ttl: number;
  /** The replying address. */
  from: string;
}

function literal(host: string, fn: string): { v6: boolean; host: string } {
  if (typeof host !== "string" || host.length === 0) {
    throw new TypeError(`${fn}: host must be an IP literal string`);
  }
  if (host === "localhost") return { v6: false, host: "127.0.0.1" };
  const h = host.startsWith("[") && host.endsWith("]")
    ? host.slice(1, -1)
    : host;
  return { v6: h.includes(":"), host: h };
}

const on = new Uint8Array(new Int32Array([1]).buffer);

/**
 * A reusable ICMP echo client for one address family: one socket, a
 * sequence counter, preallocated buffers. `close()` (or `using`) releases
 * the socket.
 *
 * @example
 * ```ts
 * import { Pinger } from "@kernio/kernio/sock";
 * using p = new Pinger(6, "auto");
 * const r = await p.ping("::1", { timeout: 500 });
 * p.mode; // "dgram" or "raw", whichever opened
 * ```
 */
export class Pinger {
  /** The socket in use. */
  readonly socket: NetSocket;
  /** The mode that opened: "raw" or "dgram". */
  readonly mode: "raw" | "dgram";
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** Identifier sent in requests (datagram sockets: the kernel's own). */
  readonly id: number;
  #seq = 0;
  readonly #tx = new Uint8Array(65536);
  readonly #rx = new Uint8Array(65536);
  readonly #oob = new Uint8Array(128);
  readonly #res = new MsgResult();

  /** Opens the socket. Throws PermissionError when neither mode is allowed. */
  constructor(family: 4 | 6, mode: PingMode = "auto") {
    if (family !== 4 && family !== 6) {
      throw new TypeError(`Pinger: family must be 4 or 6, got ${family}`);
    }
    if (mode !== "raw" && mode !== "dgram" && mode !== "auto") {
      throw new TypeError(`Pinger: mode must be "raw", "dgram" or "auto"`);
    }
    this.family = family;
    const domain = family === 6 ? AF.INET6 : AF.INET;
    const proto = family === 6 ? IPPROTO.ICMPV6 : IPPROTO.ICMP;
    let fd = -1;
    let used: "raw" | "dgram" = "dgram";
    if (mode !== "raw") {
      try {
        fd = openSocket(domain, SOCK.DGRAM, proto);
      } catch (e) {
        if (mode === "dgram" || !(e instanceof PermissionError)) throw e;
      }
    }
    if (fd < 0) {
      fd = openSocket(domain, SOCK.RAW, proto);
      used = "raw";
    }
    this.mode = used;
    this.socket = new NetSocket(
      fd,
      domain,
      used === "raw" ? SOCK.RAW : SOCK.DGRAM,
    );
    // Ask for the reply's TTL / hop limit as a control message.
    if (family === 4) setsockopt(fd, SOL.IP, IP.RECVTTL, on);
    else setsockopt(fd, SOL.IPV6, IPV6.RECVHOPLIMIT, on);
    // Raw sockets see every echo reply on the host: a random identifier
    // (and the source check in ping) keeps a forger from answering for
    // another host by guessing it. Datagram sockets get theirs from the
    // kernel, which also filters on it.
    this.id = used === "raw"
      ? crypto.getRandomValues(new Uint16Array(1))[0]
      : 0;
  }

  /**
   * Sends one echo request to `host` (an IP literal) and waits for its
   * reply. Rejects with TimedOutError after `timeout` ms, AbortedError on
   * abort.
   */
  async ping(host: string, options: PingOptions = {}): Promise<PingReply> {
    const t = literal(host, "Pinger.ping");
    if (t.v6 !== (this.family === 6)) {
      throw new TypeError(
        `Pinger.ping: ${host} is not an IPv${this.family} address`,
      );
    }
    const timeout = options.timeout ?? 1000;
    if (!(typeof timeout === "number" && timeout > 0)) {
      throw new RangeError("Pinger.ping: timeout must be > 0 ms");
    }
    const size = intIn(options.size ?? 56, 0, 65000, "Pinger.ping", "size");
    const seq = options.seq === undefined
      ? (this.#seq = (this.#seq + 1) & 0xffff)
      : intIn(options.seq, 0, 0xffff, "Pinger.ping", "seq");
    options.signal?.throwIfAborted();
    const dst = this.family === 6
      ? SockaddrInet6.parse(t.host)
      : SockaddrInet4.parse(t.host);
    const type = this.family === 6
      ? ICMPV6_TYPE.ECHO_REQUEST
      : ICMP_TYPE.ECHO_REQUEST;
    const reply = this.family === 6
      ? ICMPV6_TYPE.ECHO_REPLY
      : ICMP_TYPE.ECHO_REPLY;
    const n = encodeEcho(this.#tx, type, this.id, seq, size);
    const deadline = Date.now() + timeout;
    const start = performance.now();
    const fd = this.socket.fd;
    for (;;) {
      const w = writeMsgUDP(fd, this.#tx.subarray(0, n), null, dst);
      if (w !== WOULD_BLOCK) break;
      await this.#wait(true, deadline, options.signal);
    }
    const ipHeader = this.mode === "raw" && this.family === 4;
    for (;;) {
      const r = readMsgUDP(fd, this.#rx, this.#oob, this.#res);
      if (r === null) {
        await this.#wait(false, deadline, options.signal);
        continue;
      }
      const m = decodeEcho(this.#rx, r.n, ipHeader);
      // Raw sockets see every ICMP packet (our own requests on loopback
      // included): keep only our reply. Datagram sockets are pre-filtered
      // by the kernel on the identifier, which it also rewrites. Either
      // way the reply must come from the host we pinged.
      if (
        m === null || m.type !== reply || m.seq !== seq ||
        (this.mode === "raw" && m.id !== this.id) ||
        !sameHost(r.addr, dst)
      ) {
        if (Date.now() >= deadline) {
          throw new TimedOutError(110, "ping");
        }
        continue;
      }
      const rtt = performance.now() - start;
      let ttl = m.ttl;
      if (ttl < 0) ttl = ttlFromControl(this.#oob, r.oobn);
      return {
        rtt,
        bytes: m.length,
        seq: m.seq,
        id: m.id,
        ttl,
        from: (r.addr as SockaddrInet4 | SockaddrInet6).host(),
      };
    }
  }

  #wait(write: boolean, deadline: number, signal?: AbortSignal) {
    this.socket.setDeadline(deadline);
    return this.socket._awaitReady(write, { signal }, write ? "write" : "read");
  }

  /** Closes the socket. Idempotent. */
  close(): void {
    this.socket.close();
  }

  /** Same as {@linkcode Pinger.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function sameHost(
  from: unknown,
  dst: SockaddrInet4 | SockaddrInet6,
): boolean {
  if (
    !(from instanceof SockaddrInet4 || from instanceof SockaddrInet6) ||
    from.family() !== dst.family()
  ) return false;
  const a = from.addr(), b = dst.addr();
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

let ttlSeen = -1;
function ttlVisit(level: number, type: number, data: Uint8Array): boolean {
  if (
    data.byteLength >= 4 &&
    ((level === SOL.IP && type === IP.TTL) ||
      (level === SOL.IPV6 && type === IPV6.HOPLIMIT))
  ) {
    ttlSeen = data[0] | (data[1] << 8) | (data[2] << 16) | (data[3] << 24);
    return true;
  }
  return false;
}

function ttlFromControl(oob: Uint8Array, n: number): number {
  ttlSeen = -1;
  forEachControlMessage(oob, ttlVisit, n);
  return ttlSeen;
}

/**
 * Sends one ICMP echo request to `host` (an IP literal or "localhost") and
 * resolves with the reply: a one-shot {@linkcode Pinger}.
 *
 * @example
 * ```ts
 * import { ping } from "@kernio/kernio/sock";
 * const { rtt } = await ping("::1", { mode: "raw", timeout: 500 });
 * ```
 */
export async function ping(
  host: string,
  options: PingOptions = {},
): Promise<PingReply> {
  const t = literal(host, "ping");
  const p = new Pinger(t.v6 ? 6 : 4, options.mode ?? "auto");
  try {
    return await p.ping(t.host, options);
  } finally {
    p.close();
  }
}
