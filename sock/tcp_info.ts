/**
 * TCP_INFO: the kernel's `struct tcp_info` (the 280-byte layout of Linux
 * 6.12+) decoded in place from a reusable buffer. {@linkcode getTCPInfoInto}
 * allocates nothing: every field is a getter over the same 280 bytes.
 *
 * @example
 * ```ts
 * import { getTCPInfo, TCP_STATE } from "@kernio/kernio/sock";
 * declare const fd: number; // a connected TCP socket
 * const info = getTCPInfo(fd);
 * info.state === TCP_STATE.ESTABLISHED;
 * console.log(info.rtt, info.sndCwnd, info.sndMss);
 * ```
 *
 * @module
 */

import { SOL, TCP } from "../zcall/constants.ts";
import { getsockopt } from "../zcall/syscalls.ts";
import { errorFromErrno } from "./errors.ts";
import { type FdLike, fdOf } from "./socket.ts";

/**
 * Size of `struct tcp_info` on Linux 6.12+ (older kernels fill less).
 *
 * @example
 * ```ts
 * import { SIZEOF_TCP_INFO } from "@kernio/kernio/sock";
 * const raw = new Uint8Array(SIZEOF_TCP_INFO); // 280 bytes
 * ```
 */
export const SIZEOF_TCP_INFO = 280;

/**
 * TCP states (`tcpi_state`).
 *
 * @example
 * ```ts
 * import { TCP_STATE } from "@kernio/kernio/sock";
 * TCP_STATE.LISTEN; // 10
 * ```
 */
export const TCP_STATE = {
  ESTABLISHED: 1,
  SYN_SENT: 2,
  SYN_RECV: 3,
  FIN_WAIT1: 4,
  FIN_WAIT2: 5,
  TIME_WAIT: 6,
  CLOSE: 7,
  CLOSE_WAIT: 8,
  LAST_ACK: 9,
  LISTEN: 10,
  CLOSING: 11,
} as const;

/**
 * Congestion avoidance states (`tcpi_ca_state`).
 *
 * @example
 * ```ts
 * import { TCP_CA } from "@kernio/kernio/sock";
 * TCP_CA.Open; // 0
 * ```
 */
export const TCP_CA = {
  Open: 0,
  Disorder: 1,
  CWR: 2,
  Recovery: 3,
  Loss: 4,
} as const;

/**
 * `tcpi_options` bits.
 *
 * @example
 * ```ts
 * import { TCPI_OPT } from "@kernio/kernio/sock";
 * TCPI_OPT.SACK; // 2
 * ```
 */
export const TCPI_OPT = {
  TIMESTAMPS: 1,
  SACK: 2,
  WSCALE: 4,
  ECN: 8,
  ECN_SEEN: 16,
  SYN_DATA: 32,
  USEC_TS: 64,
} as const;

const TWO32 = 0x1_0000_0000;

/**
 * A `struct tcp_info` over a reusable 280-byte buffer. Fields are getters
 * reading the buffer, so refilling it with {@linkcode getTCPInfoInto}
 * allocates nothing. 64-bit counters are returned as Numbers (exact below
 * 2^53; `maxPacingRate` is 2^64-1, "unlimited", on most sockets). Fields the
 * running kernel did not fill (see `length`) read as 0.
 *
 * @example
 * ```ts
 * import { getTCPInfoInto, TCPInfo } from "@kernio/kernio/sock";
 * declare const fd: number;
 * const info = new TCPInfo();
 * getTCPInfoInto(fd, info); // reuse `info` in a loop: no allocation
 * console.log(info.rtt, info.rttVar, info.bytesAcked);
 * ```
 */
export class TCPInfo {
  /** The raw struct bytes (280). */
  readonly bytes: Uint8Array;
  /** Bytes the kernel filled on the last read (0 before the first). */
  length = 0;
  readonly #dv: DataView;

  /** A zeroed struct. */
  constructor() {
    this.bytes = new Uint8Array(new ArrayBuffer(SIZEOF_TCP_INFO));
    this.#dv = new DataView(this.bytes.buffer);
  }

  #u8(o: number): number {
    return this.#dv.getUint8(o);
  }
  #u16(o: number): number {
    return this.#dv.getUint16(o, true);
  }
  #u32(o: number): number {
    return this.#dv.getUint32(o, true);
  }
  #u64(o: number): number {
    return this.#dv.getUint32(o, true) +
      this.#dv.getUint32(o + 4, true) * TWO32;
  }

  /** TCP state (see {@linkcode TCP_STATE}). */
  get state(): number {
    return this.#u8(0);
  }
  /** Congestion avoidance state (see {@linkcode TCP_CA}). */
  get caState(): number {
    return this.#u8(1);
  }
  /** Retransmits of the current SYN or data. */
  get retransmits(): number {
    return this.#u8(2);
  }
  /** Unanswered zero-window probes. */
  get probes(): number {
    return this.#u8(3);
  }
  /** Backoff timer counter. */
  get backoff(): number {
    return this.#u8(4);
  }
  /** {@linkcode TCPI_OPT} bits. */
  get options(): number {
    return this.#u8(5);
  }
  /** Packed byte: snd_wscale in the low 4 bits, rcv_wscale in the high 4. */
  get wscaleRcvSnd(): number {
    return this.#u8(6);
  }
  /** Packed byte: delivery_rate_app_limited (bit 0), fastopen_client_fail (bits 1-2). */
  get deliveryRateApp(): number {
    return this.#u8(7);
  }
  /** Retransmit timeout (µs). */
  get rto(): number {
    return this.#u32(8);
  }
  /** Delayed-ACK timeout (µs). */
  get ato(): number {
    return this.#u32(12);
  }
  /** Send MSS. */
  get sndMss(): number {
    return this.#u32(16);
  }
  /** Receive MSS estimate. */
  get rcvMss(): number {
    return this.#u32(20);
  }
  /** Packets sent, not yet ACKed. */
  get unacked(): number {
    return this.#u32(24);
  }
  /** SACKed packets. */
  get sacked(): number {
    return this.#u32(28);
  }
  /** Packets considered lost. */
  get lost(): number {
    return this.#u32(32);
  }
  /** Retransmitted packets in flight. */
  get retrans(): number {
    return this.#u32(36);
  }
  /** FACKed packets (always 0 on modern kernels). */
  get fackets(): number {
    return this.#u32(40);
  }
  /** Time since the last data was sent (ms). */
  get lastDataSent(): number {
    return this.#u32(44);
  }
  /** Not remembered by the kernel (always 0). */
  get lastAckSent(): number {
    return this.#u32(48);
  }
  /** Time since the last data was received (ms). */
  get lastDataRecv(): number {
    return this.#u32(52);
  }
  /** Time since the last ACK was received (ms). */
  get lastAckRecv(): number {
    return this.#u32(56);
  }
  /** Path MTU. */
  get pmtu(): number {
    return this.#u32(60);
  }
  /** Receive slow-start threshold. */
  get rcvSsthresh(): number {
    return this.#u32(64);
  }
  /** Smoothed RTT (µs). */
  get rtt(): number {
    return this.#u32(68);
  }
  /** RTT variance (µs). */
  get rttVar(): number {
    return this.#u32(72);
  }
  /** Send slow-start threshold. */
  get sndSsthresh(): number {
    return this.#u32(76);
  }
  /** Congestion window (packets). */
  get sndCwnd(): number {
    return this.#u32(80);
  }
  /** Advertised MSS. */
  get advMss(): number {
    return this.#u32(84);
  }
  /** Reordering metric. */
  get reordering(): number {
    return this.#u32(88);
  }
  /** Receiver-side RTT estimate (µs). */
  get rcvRtt(): number {
    return this.#u32(92);
  }
  /** Receive buffer space. */
  get rcvSpace(): number {
    return this.#u32(96);
  }
  /** Total retransmits. */
  get totalRetrans(): number {
    return this.#u32(100);
  }
  /** Pacing rate (bytes/s). */
  get pacingRate(): number {
    return this.#u64(104);
  }
  /** Maximum pacing rate (bytes/s; 2^64-1 when unlimited). */
  get maxPacingRate(): number {
    return this.#u64(112);
  }
  /** Bytes ACKed (RFC 4898). */
  get bytesAcked(): number {
    return this.#u64(120);
  }
  /** Bytes received (RFC 4898). */
  get bytesReceived(): number {
    return this.#u64(128);
  }
  /** Segments sent. */
  get segsOut(): number {
    return this.#u32(136);
  }
  /** Segments received. */
  get segsIn(): number {
    return this.#u32(140);
  }
  /** Bytes queued but not yet sent. */
  get notsentBytes(): number {
    return this.#u32(144);
  }
  /** Minimum RTT observed (µs). */
  get minRtt(): number {
    return this.#u32(148);
  }
  /** Data segments received. */
  get dataSegsIn(): number {
    return this.#u32(152);
  }
  /** Data segments sent. */
  get dataSegsOut(): number {
    return this.#u32(156);
  }
  /** Delivery rate (bytes/s). */
  get deliveryRate(): number {
    return this.#u64(160);
  }
  /** Time busy sending (µs). */
  get busyTime(): number {
    return this.#u64(168);
  }
  /** Time limited by the receive window (µs). */
  get rwndLimited(): number {
    return this.#u64(176);
  }
  /** Time limited by the send buffer (µs). */
  get sndbufLimited(): number {
    return this.#u64(184);
  }
  /** Packets delivered. */
  get delivered(): number {
    return this.#u32(192);
  }
  /** Packets delivered with a CE mark. */
  get deliveredCE(): number {
    return this.#u32(196);
  }
  /** Data bytes sent (RFC 4898). */
  get bytesSent(): number {
    return this.#u64(200);
  }
  /** Bytes retransmitted (RFC 4898). */
  get bytesRetrans(): number {
    return this.#u64(208);
  }
  /** DSACK duplicates. */
  get dsackDups(): number {
    return this.#u32(216);
  }
  /** Reordering events seen. */
  get reordSeen(): number {
    return this.#u32(220);
  }
  /** Out-of-order packets received. */
  get rcvOoopack(): number {
    return this.#u32(224);
  }
  /** Peer's receive window after scaling (bytes). */
  get sndWnd(): number {
    return this.#u32(228);
  }
  /** Local receive window after scaling (bytes). */
  get rcvWnd(): number {
    return this.#u32(232);
  }
  /** PLB or timeout triggered rehash attempts. */
  get rehash(): number {
    return this.#u32(236);
  }
  /** Total RTO timeouts. */
  get totalRTO(): number {
    return this.#u16(240);
  }
  /** Total RTO recoveries. */
  get totalRTORecoveries(): number {
    return this.#u16(242);
  }
  /** Time spent in RTO recovery (ms). */
  get totalRTOTime(): number {
    return this.#u32(244);
  }
  /** CE marks received. */
  get receivedCE(): number {
    return this.#u32(248);
  }
  /** AccECN: bytes delivered with ECT(1). */
  get deliveredE1Bytes(): number {
    return this.#u32(252);
  }
  /** AccECN: bytes delivered with ECT(0). */
  get deliveredE0Bytes(): number {
    return this.#u32(256);
  }
  /** AccECN: bytes delivered with CE. */
  get deliveredCEBytes(): number {
    return this.#u32(260);
  }
  /** AccECN: bytes received with ECT(1). */
  get receivedE1Bytes(): number {
    return this.#u32(264);
  }
  /** AccECN: bytes received with ECT(0). */
  get receivedE0Bytes(): number {
    return this.#u32(268);
  }
  /** AccECN: bytes received with CE. */
  get receivedCEBytes(): number {
    return this.#u32(272);
  }
  /** AccECN failure mode. */
  get accECNFailMode(): number {
    return this.#u16(276);
  }
  /** AccECN option seen. */
  get accECNOptSeen(): number {
    return this.#u16(278);
  }

  /**
   * Send window scale (low nibble of the packed byte).
   *
   * @example
   * ```ts
   * import { TCPInfo } from "@kernio/kernio/sock";
   * new TCPInfo().sndWscale(); // 0 until filled
   * ```
   */
  sndWscale(): number {
    return this.#u8(6) & 0x0f;
  }
  /**
   * Receive window scale (high nibble of the packed byte).
   *
   * @example
   * ```ts
   * import { TCPInfo } from "@kernio/kernio/sock";
   * new TCPInfo().rcvWscale(); // 0 until filled
   * ```
   */
  rcvWscale(): number {
    return this.#u8(6) >> 4;
  }
  /**
   * Whether the delivery rate was application-limited.
   *
   * @example
   * ```ts
   * import { TCPInfo } from "@kernio/kernio/sock";
   * new TCPInfo().isDeliveryRateAppLimited(); // false
   * ```
   */
  isDeliveryRateAppLimited(): boolean {
    return (this.#u8(7) & 1) !== 0;
  }
  /**
   * The TCP Fast Open client failure code (0..3).
   *
   * @example
   * ```ts
   * import { TCPInfo } from "@kernio/kernio/sock";
   * new TCPInfo().fastOpenClientFail(); // 0
   * ```
   */
  fastOpenClientFail(): number {
    return (this.#u8(7) >> 1) & 3;
  }
  /**
   * Whether TCP timestamps were negotiated.
   *
   * @example
   * ```ts
   * import { TCPInfo } from "@kernio/kernio/sock";
   * new TCPInfo().hasTimestamps(); // false
   * ```
   */
  hasTimestamps(): boolean {
    return (this.#u8(5) & TCPI_OPT.TIMESTAMPS) !== 0;
  }
  /**
   * Whether SACK was negotiated.
   *
   * @example
   * ```ts
   * import { TCPInfo } from "@kernio/kernio/sock";
   * new TCPInfo().hasSACK(); // false
   * ```
   */
  hasSACK(): boolean {
    return (this.#u8(5) & TCPI_OPT.SACK) !== 0;
  }
  /**
   * Whether window scaling was negotiated.
   *
   * @example
   * ```ts
   * import { TCPInfo } from "@kernio/kernio/sock";
   * new TCPInfo().hasWscale(); // false
   * ```
   */
  hasWscale(): boolean {
    return (this.#u8(5) & TCPI_OPT.WSCALE) !== 0;
  }
  /**
   * Whether ECN was negotiated.
   *
   * @example
   * ```ts
   * import { TCPInfo } from "@kernio/kernio/sock";
   * new TCPInfo().hasECN(); // false
   * ```
   */
  hasECN(): boolean {
    return (this.#u8(5) & TCPI_OPT.ECN) !== 0;
  }

  /**
   * Every field as a plain object (allocates; for printing and logging).
   *
   * @example
   * ```ts
   * import { TCPInfo } from "@kernio/kernio/sock";
   * console.log(JSON.stringify(new TCPInfo().toJSON()));
   * ```
   */
  toJSON(): Record<string, number | boolean> {
    const out: Record<string, number | boolean> = {};
    for (const k of FIELDS) out[k] = this[k];
    out.sndWscale = this.sndWscale();
    out.rcvWscale = this.rcvWscale();
    out.deliveryRateAppLimited = this.isDeliveryRateAppLimited();
    out.fastOpenClientFail = this.fastOpenClientFail();
    return out;
  }
}

/**
 * Every numeric field of {@linkcode TCPInfo}, in struct order.
 *
 * @example
 * ```ts
 * import { TCP_INFO_FIELDS, TCPInfo } from "@kernio/kernio/sock";
 * const info = new TCPInfo();
 * for (const f of TCP_INFO_FIELDS) console.log(f, info[f]);
 * ```
 */
export const TCP_INFO_FIELDS = [
  "state",
  "caState",
  "retransmits",
  "probes",
  "backoff",
  "options",
  "wscaleRcvSnd",
  "deliveryRateApp",
  "rto",
  "ato",
  "sndMss",
  "rcvMss",
  "unacked",
  "sacked",
  "lost",
  "retrans",
  "fackets",
  "lastDataSent",
  "lastAckSent",
  "lastDataRecv",
  "lastAckRecv",
  "pmtu",
  "rcvSsthresh",
  "rtt",
  "rttVar",
  "sndSsthresh",
  "sndCwnd",
  "advMss",
  "reordering",
  "rcvRtt",
  "rcvSpace",
  "totalRetrans",
  "pacingRate",
  "maxPacingRate",
  "bytesAcked",
  "bytesReceived",
  "segsOut",
  "segsIn",
  "notsentBytes",
  "minRtt",
  "dataSegsIn",
  "dataSegsOut",
  "deliveryRate",
  "busyTime",
  "rwndLimited",
  "sndbufLimited",
  "delivered",
  "deliveredCE",
  "bytesSent",
  "bytesRetrans",
  "dsackDups",
  "reordSeen",
  "rcvOoopack",
  "sndWnd",
  "rcvWnd",
  "rehash",
  "totalRTO",
  "totalRTORecoveries",
  "totalRTOTime",
  "receivedCE",
  "deliveredE1Bytes",
  "deliveredE0Bytes",
  "deliveredCEBytes",
  "receivedE1Bytes",
  "receivedE0Bytes",
  "receivedCEBytes",
  "accECNFailMode",
  "accECNOptSeen",
] as const;
const FIELDS = TCP_INFO_FIELDS;

// One length word reused by every call: the Into form allocates nothing.
const lenCell = new Uint32Array(1);

/**
 * Reads TCP_INFO of `socket` into `info` (no allocation). Returns the number
 * of bytes the kernel filled (280 on 6.12+; fewer on older kernels, the
 * rest reads as 0). Throws the typed socket error on failure (EBADF,
 * ENOTSOCK, EOPNOTSUPP for a non-TCP socket).
 *
 * @example
 * ```ts
 * import { getTCPInfoInto, TCPInfo } from "@kernio/kernio/sock";
 * declare const fd: number;
 * const info = new TCPInfo();
 * getTCPInfoInto(fd, info);
 * ```
 */
export function getTCPInfoInto(socket: FdLike, info: TCPInfo): number {
  const fd = fdOf(socket, "getTCPInfoInto");
  if (!(info instanceof TCPInfo)) {
    throw new TypeError("getTCPInfoInto: info must be a TCPInfo");
  }
  lenCell[0] = SIZEOF_TCP_INFO;
  const r = getsockopt(fd, SOL.TCP, TCP.INFO, info.bytes, lenCell);
  if (r < 0) throw errorFromErrno(-r, "getsockopt(TCP_INFO)");
  const n = lenCell[0];
  if (n < SIZEOF_TCP_INFO) info.bytes.fill(0, n);
  info.length = n;
  return n;
}

/**
 * Reads TCP_INFO of `socket` into a new {@linkcode TCPInfo}.
 *
 * @example
 * ```ts
 * import { getTCPInfo } from "@kernio/kernio/sock";
 * declare const fd: number;
 * console.log(getTCPInfo(fd).rtt);
 * ```
 */
export function getTCPInfo(socket: FdLike): TCPInfo {
  const info = new TCPInfo();
  getTCPInfoInto(socket, info);
  return info;
}
