/**
 * UDP batch I/O and offloads: {@linkcode sendMessages} / {@linkcode recvMessages}
 * move a whole {@linkcode UDPMessages} batch (per-message addresses, scatter
 * buffers and control data, all preallocated) with one sendmmsg(2) /
 * recvmmsg(2) call and no allocation per batch. Deadline/AbortSignal-aware
 * variants park on the sock reactor. Also: UDP GSO (UDP_SEGMENT) and GRO
 * (UDP_GRO) helpers and {@linkcode readMsgUDP} / {@linkcode writeMsgUDP}
 * with control data and message flags.
 *
 * @example
 * ```ts
 * import { recvMessages, sendMessages, SockaddrInet4, UDPMessages, WOULD_BLOCK } from "@kernio/kernio/sock";
 * declare const fd: number; // a bound, non-blocking UDP socket
 * const batch = new UDPMessages(32, { bufferSize: 1500 });
 * const n = recvMessages(fd, batch);
 * if (n !== WOULD_BLOCK) {
 *   for (let i = 0; i < n; i++) batch.setLength(i, batch.received(i)); // echo back
 *   sendMessages(fd, batch, n);
 * }
 * ```
 *
 * @module
 */

import { AF, MSG, SOL, UDP } from "../zcall/constants.ts";
import { unsafeAddressOf, viewByteLength } from "../zcall/memory.ts";
import { Iovecs, Msghdr } from "../zcall/structs.ts";
import { recvmmsg, recvmsg, sendmmsg, sendmsg } from "../zcall/syscalls.ts";
import { errorFromErrno, WOULD_BLOCK } from "./errors.ts";
import { decodeSockaddr, type RawSockaddr, type Sockaddr } from "./sockaddr.ts";
import { waitReadable, waitWritable } from "./_reactor.ts";
import { forEachControlMessage, putControlMessage } from "./cmsg.ts";
import { type FdLike, fdOf } from "./socket.ts";
import { intIn } from "../zcall/_validate.ts";
import { structOf } from "../zcall/_pinned.ts";
import { getFlag, getOption, setFlag, setOption, sockOpt } from "./_sockopt.ts";

// The integer options of this module, each declared once.
const OPT = {
  UDP_SEGMENT: sockOpt(SOL.UDP, UDP.SEGMENT, "UDP_SEGMENT", 0, 65535),
  UDP_GRO: sockOpt(SOL.UDP, UDP.GRO, "UDP_GRO"),
} as const;

const MMSG = 64; // sizeof(struct mmsghdr)
const NAME = 28; // room for sockaddr_in6 (and sockaddr_in)
const TWO32 = 0x1_0000_0000;

/**
 * Options of {@linkcode UDPMessages}.
 *
 * @example
 * ```ts
 * import { UDPMessages, type UDPMessagesOptions } from "@kernio/kernio/sock";
 * const opts: UDPMessagesOptions = { buffers: 2, bufferSize: 1500 };
 * const batch = new UDPMessages(16, opts);
 * ```
 */
export interface UDPMessagesOptions {
  /** Scatter buffers (iovecs) per message. Default 1. */
  buffers?: number;
  /**
   * Bytes of each buffer the batch allocates (one slab for all). Default
   * 2048; 0 allocates none (attach your own with `setBuffer`).
   */
  bufferSize?: number;
  /** Control-data bytes per message (0: none). Default 0. */
  controlSize?: number;
}

/**
 * Deadline / cancellation options of the awaitable variants.
 *
 * @example
 * ```ts
 * import type { BatchWaitOptions } from "@kernio/kernio/sock";
 * const wait: BatchWaitOptions = { deadline: Date.now() + 1000 };
 * ```
 */
export interface BatchWaitOptions {
  /** Absolute deadline (Date.now() ms); rejects with TimedOutError. */
  deadline?: number;
  /** Relative timeout in ms (alternative to `deadline`). */
  timeout?: number;
  /** Rejects with AbortedError when aborted. */
  signal?: AbortSignal;
}

function addr64(u32: Uint32Array, word: number, v: number): void {
  u32[word] = v % TWO32;
  u32[word + 1] = Math.floor(v / TWO32);
}

/**
 * A preallocated batch of `count` UDP messages, each with a 28-byte address
 * slot (IPv4 or IPv6), `buffers` scatter buffers and an optional control
 * buffer, laid out as the kernel's `struct mmsghdr` array. Reused across
 * batches: nothing is allocated by sending or receiving. Keep the batch
 * (and any buffer attached with `setBuffer`) alive while a call runs.
 *
 * @example
 * ```ts
 * import { SockaddrInet4, UDPMessages } from "@kernio/kernio/sock";
 * const to = new SockaddrInet4([127, 0, 0, 1], 9000);
 * const batch = new UDPMessages(2, { bufferSize: 64 });
 * batch.buffer(0).set([1, 2, 3]);
 * batch.setLength(0, 3).setAddress(0, to);
 * ```
 */
export class UDPMessages {
  /** The raw `struct mmsghdr` array (64 bytes per message). */
  readonly bytes: Uint8Array;
  /** Number of messages. */
  readonly count: number;
  /** Scatter buffers per message. */
  readonly buffersPerMessage: number;
  /** Control bytes per message. */
  readonly controlSize: number;
  readonly #u32: Uint32Array;
  readonly #iov: Iovecs;
  readonly #iovU32: Uint32Array;
  readonly #cap: Float64Array; // capacity of every buffer (for recv resets)
  readonly #bufs: (Uint8Array | null)[];
  readonly #names: Uint8Array;
  readonly #control: Uint8Array | null;

  /** Preallocates `count` messages (1..1024). */
  constructor(count: number, options: UDPMessagesOptions = {}) {
    intIn(count, 1, 1024, "UDPMessages", "count");
    if (typeof options !== "object" || options === null) {
      throw new TypeError("UDPMessages: options must be an object");
    }
    const nb = intIn(options.buffers ?? 1, 1, 64, "UDPMessages", "buffers");
    const size = intIn(
      options.bufferSize ?? 2048,
      0,
      65536 * 16,
      "UDPMessages",
      "bufferSize",
    );
    const csize = intIn(
      options.controlSize ?? 0,
      0,
      65536,
      "UDPMessages",
      "controlSize",
    );
    this.count = count;
    this.buffersPerMessage = nb;
    this.controlSize = Math.ceil(csize / 8) * 8;
    this.bytes = new Uint8Array(new ArrayBuffer(count * MMSG));
    this.#u32 = new Uint32Array(this.bytes.buffer);
    if (count * nb > 1024) {
      throw new RangeError(
        `UDPMessages: count * buffers must be at most 1024, got ${count * nb}`,
      );
    }
    this.#iov = new Iovecs(count * nb);
    this.#iovU32 = new Uint32Array(this.#iov.bytes.buffer);
    this.#cap = new Float64Array(count * nb);
    this.#bufs = new Array(count * nb).fill(null);
    this.#names = new Uint8Array(new ArrayBuffer(count * NAME));
    this.#control = this.controlSize > 0
      ? new Uint8Array(new ArrayBuffer(count * this.controlSize))
      : null;
    const slab = size > 0
      ? new Uint8Array(new ArrayBuffer(count * nb * size))
      : null;
    // sendmmsg/recvmmsg refuse these headers once a buffer they point at
    // was detached (transferred): its address would be stale.
    const iov = this.#iov, names = this.#names, ctl = this.#control;
    const nameBytes = count * NAME, ctlBytes = count * this.controlSize;
    structOf.set(this.bytes, {
      stale: () =>
        iov.stale() || viewByteLength(names) < nameBytes ||
        (ctl !== null && viewByteLength(ctl) < ctlBytes),
    });
    const iovBase = unsafeAddressOf(this.#iov.bytes);
    const nameBase = unsafeAddressOf(this.#names);
    const ctlBase = this.#control ? unsafeAddressOf(this.#control) : 0;
    for (let i = 0; i < count; i++) {
      const w = i * 16;
      addr64(this.#u32, w, nameBase + i * NAME);
      addr64(this.#u32, w + 4, iovBase + i * nb * 16);
      addr64(this.#u32, w + 6, nb);
      if (this.#control) {
        addr64(this.#u32, w + 8, ctlBase + i * this.controlSize);
      }
      for (let j = 0; j < nb; j++) {
        const k = i * nb + j;
        if (slab) {
          const b = slab.subarray(k * size, (k + 1) * size);
          this.#iov.set(k, b);
          this.#bufs[k] = b;
          this.#cap[k] = size;
        }
      }
    }
  }

  #check(i: number, op: string): number {
    if (!(Number.isInteger(i) && i >= 0 && i < this.count)) {
      throw new RangeError(
        `UDPMessages.${op}: message index ${i} out of range 0..${
          this.count - 1
        }`,
      );
    }
    return i;
  }

  #slot(i: number, j: number, op: string): number {
    this.#check(i, op);
    if (!(Number.isInteger(j) && j >= 0 && j < this.buffersPerMessage)) {
      throw new RangeError(
        `UDPMessages.${op}: buffer index ${j} out of range 0..${
          this.buffersPerMessage - 1
        }`,
      );
    }
    return i * this.buffersPerMessage + j;
  }

  /**
   * Scatter buffer `j` of message `i` at full capacity (a stable view).
   *
   * @example
   * ```ts
   * import { UDPMessages } from "@kernio/kernio/sock";
   * new UDPMessages(1, { bufferSize: 16 }).buffer(0).byteLength; // 16
   * ```
   */
  buffer(i: number, j = 0): Uint8Array {
    const b = this.#bufs[this.#slot(i, j, "buffer")];
    if (b === null) {
      throw new RangeError(`UDPMessages.buffer: no buffer at (${i}, ${j})`);
    }
    return b;
  }

  /**
   * Attaches your own memory as scatter buffer `j` of message `i` (its
   * capacity becomes `buf.byteLength`; the send length `length`).
   *
   * @example
   * ```ts
   * import { UDPMessages } from "@kernio/kernio/sock";
   * const b = new UDPMessages(1, { bufferSize: 0, buffers: 2 });
   * b.setBuffer(0, 0, new Uint8Array(8)).setBuffer(0, 1, new Uint8Array(100));
   * ```
   */
  setBuffer(i: number, j: number, buf: Uint8Array, length?: number): this {
    const k = this.#slot(i, j, "setBuffer");
    if (!(buf instanceof Uint8Array)) {
      throw new TypeError("UDPMessages.setBuffer: buf must be a Uint8Array");
    }
    // The engine's size, not a property the caller could redefine.
    const cap = viewByteLength(buf);
    const n = length ?? cap;
    intIn(n, 0, cap, "UDPMessages.setBuffer", "length");
    this.#iov.set(k, buf, n);
    this.#bufs[k] = buf;
    this.#cap[k] = cap;
    return this;
  }

  /**
   * Sets how many bytes of buffer `j` (default 0) message `i` sends.
   *
   * @example
   * ```ts
   * import { UDPMessages } from "@kernio/kernio/sock";
   * new UDPMessages(1, { bufferSize: 64 }).setLength(0, 10);
   * ```
   */
  setLength(i: number, length: number, j = 0): this {
    const k = this.#slot(i, j, "setLength");
    if (!(Number.isInteger(length) && length >= 0 && length <= this.#cap[k])) {
      throw new RangeError(
        `UDPMessages.setLength: ${length} exceeds buffer capacity ${
          this.#cap[k]
        }`,
      );
    }
    this.#iovU32[k * 4 + 2] = length;
    this.#iovU32[k * 4 + 3] = 0;
    return this;
  }

  /**
   * Copies a destination address into message `i` (null: none, for
   * connected sockets). No allocation.
   *
   * @example
   * ```ts
   * import { SockaddrInet6, UDPMessages } from "@kernio/kernio/sock";
   * new UDPMessages(1).setAddress(0, SockaddrInet6.parse("::1", 53));
   * ```
   */
  setAddress(i: number, addr: RawSockaddr | null): this {
    this.#check(i, "setAddress");
    if (addr === null) {
      this.#u32[i * 16 + 2] = 0;
      return this;
    }
    const len = addr?.length;
    if (!(addr?.bytes instanceof Uint8Array) || !(len > 0 && len <= NAME)) {
      throw new TypeError(
        "UDPMessages.setAddress: expected an IPv4/IPv6 sockaddr (bytes, length <= 28) or null",
      );
    }
    this.#names.set(addr.bytes.subarray(0, len), i * NAME);
    this.#u32[i * 16 + 2] = len;
    return this;
  }

  /**
   * The address of message `i` (the sender after a receive), decoded into
   * `into` when given (no allocation) or a new Sockaddr; null if none.
   *
   * @example
   * ```ts
   * import { UDPMessages } from "@kernio/kernio/sock";
   * new UDPMessages(1).address(0); // null until set or received
   * ```
   */
  address(i: number, into?: Sockaddr): Sockaddr | null {
    this.#check(i, "address");
    const len = this.#u32[i * 16 + 2];
    if (len === 0) return null;
    return nameInto(this.#names, i * NAME, len > NAME ? NAME : len, into);
  }

  /**
   * The raw address bytes of message `i` (a view, `msg_namelen` long).
   *
   * @example
   * ```ts
   * import { UDPMessages } from "@kernio/kernio/sock";
   * new UDPMessages(1).addressBytes(0).byteLength; // 0
   * ```
   */
  addressBytes(i: number): Uint8Array {
    this.#check(i, "addressBytes");
    const len = Math.min(this.#u32[i * 16 + 2], NAME);
    return this.#names.subarray(i * NAME, i * NAME + len);
  }

  /**
   * Bytes sent or received for message `i` by the last call (`msg_len`).
   *
   * @example
   * ```ts
   * import { UDPMessages } from "@kernio/kernio/sock";
   * new UDPMessages(1).received(0); // 0
   * ```
   */
  received(i: number): number {
    this.#check(i, "received");
    return this.#u32[i * 16 + 14];
  }

  /**
   * `msg_flags` of message `i` after a receive (MSG_TRUNC, MSG_CTRUNC).
   *
   * @example
   * ```ts
   * import { UDPMessages } from "@kernio/kernio/sock";
   * new UDPMessages(1).flags(0); // 0
   * ```
   */
  flags(i: number): number {
    this.#check(i, "flags");
    return this.#u32[i * 16 + 12] | 0;
  }

  /**
   * The control data of message `i`: after a receive, the bytes the kernel
   * wrote; before a send, the bytes that will be sent. Empty without
   * `controlSize`.
   *
   * @example
   * ```ts
   * import { UDPMessages } from "@kernio/kernio/sock";
   * new UDPMessages(1, { controlSize: 32 }).control(0).byteLength; // 0
   * ```
   */
  control(i: number): Uint8Array {
    this.#check(i, "control");
    if (this.#control === null) return new Uint8Array(0);
    const n = Math.min(this.#u32[i * 16 + 10], this.controlSize);
    const base = i * this.controlSize;
    return this.#control.subarray(base, base + n);
  }

  /**
   * Per-message GSO: makes message `i` carry a UDP_SEGMENT control message
   * so the kernel splits its payload into `segmentSize`-byte datagrams (0
   * removes it). Needs `controlSize` >= 24.
   *
   * @example
   * ```ts
   * import { UDPMessages } from "@kernio/kernio/sock";
   * const b = new UDPMessages(1, { bufferSize: 9000, controlSize: 24 });
   * b.setLength(0, 9000).setSegmentSize(0, 1000); // 9 datagrams on the wire
   * ```
   */
  setSegmentSize(i: number, segmentSize: number): this {
    this.#check(i, "setSegmentSize");
    intIn(segmentSize, 0, 65535, "UDPMessages.setSegmentSize", "segmentSize");
    if (this.#control === null || this.controlSize < 24) {
      throw new RangeError(
        "UDPMessages.setSegmentSize: the batch needs controlSize >= 24",
      );
    }
    if (segmentSize === 0) {
      this.#u32[i * 16 + 10] = 0;
      return this;
    }
    seg16[0] = segmentSize;
    const base = i * this.controlSize;
    putControlMessage(
      this.#control.subarray(base, base + this.controlSize),
      0,
      SOL.UDP,
      UDP.SEGMENT,
      seg16Bytes,
    );
    this.#u32[i * 16 + 10] = 24;
    this.#u32[i * 16 + 11] = 0;
    return this;
  }

  /**
   * The GRO segment size reported with message `i` (UDP_GRO control
   * message), or 0 when the datagram was not coalesced.
   *
   * @example
   * ```ts
   * import { UDPMessages } from "@kernio/kernio/sock";
   * new UDPMessages(1, { controlSize: 32 }).groSegmentSize(0); // 0
   * ```
   */
  groSegmentSize(i: number): number {
    return groSegmentSize(this.control(i));
  }

  /**
   * Prepares messages [0, n) for a receive: address, control and buffer
   * lengths back to capacity (recvMessages does it; no allocation).
   *
   * @example
   * ```ts
   * import { UDPMessages } from "@kernio/kernio/sock";
   * new UDPMessages(4).resetForRecv(4);
   * ```
   */
  resetForRecv(n: number): void {
    intIn(n, 0, this.count, "UDPMessages.resetForRecv", "n");
    const nb = this.buffersPerMessage;
    for (let i = 0; i < n; i++) {
      const w = i * 16;
      this.#u32[w + 2] = NAME;
      this.#u32[w + 10] = this.controlSize;
      this.#u32[w + 11] = 0;
      this.#u32[w + 12] = 0;
      for (let j = 0; j < nb; j++) {
        const k = i * nb + j;
        this.#iovU32[k * 4 + 2] = this.#cap[k];
      }
    }
  }
}

// Copies a kernel-written sockaddr into `into` byte by byte when the family
// matches (no view, no object: the hot receive paths stay allocation-free);
// otherwise decodes into a new address.
function nameInto(
  src: Uint8Array,
  off: number,
  len: number,
  into: Sockaddr | undefined,
): Sockaddr | null {
  if (into !== undefined && len >= 2) {
    const fam = src[off] | (src[off + 1] << 8);
    const want = fam === AF.INET ? 16 : fam === AF.INET6 ? 28 : 0;
    if (
      want !== 0 && len >= want && into.bytes.byteLength === want &&
      (into.bytes[0] | (into.bytes[1] << 8)) === fam
    ) {
      const dst = into.bytes;
      for (let k = 0; k < want; k++) dst[k] = src[off + k];
      return into;
    }
  }
  return decodeSockaddr(src.subarray(off, off + len), len, into);
}

const seg16 = new Uint16Array(1);
const seg16Bytes = new Uint8Array(seg16.buffer);

function batchArgs(
  batch: UDPMessages,
  count: number | undefined,
  op: string,
): number {
  if (!(batch instanceof UDPMessages)) {
    throw new TypeError(`${op}: batch must be a UDPMessages`);
  }
  return count === undefined
    ? batch.count
    : intIn(count, 1, batch.count, op, "count");
}

/**
 * sendmmsg(2): sends messages [0, count) of `batch` (default all) in one
 * call. Returns how many were sent (possibly fewer than `count`) or
 * {@linkcode WOULD_BLOCK}. No allocation. Throws the typed error on
 * failure of the first message.
 *
 * @example
 * ```ts
 * import { sendMessages, UDPMessages } from "@kernio/kernio/sock";
 * declare const fd: number, batch: UDPMessages;
 * const sent = sendMessages(fd, batch, 32);
 * ```
 */
export function sendMessages(
  socket: FdLike,
  batch: UDPMessages,
  count?: number,
  flags = 0,
): number {
  const fd = fdOf(socket, "sendMessages");
  const n = batchArgs(batch, count, "sendMessages");
  if (flags !== 0) intIn(flags, 0, 0x7fffffff, "sendMessages", "flags");
  const r = sendmmsg(fd, batch.bytes, n, flags | MSG.DONTWAIT);
  if (r >= 0 || r === WOULD_BLOCK) return r;
  throw errorFromErrno(r, "sendmmsg");
}

/**
 * recvmmsg(2): receives up to `count` datagrams (default the batch size)
 * into `batch` in one call. Returns how many arrived or
 * {@linkcode WOULD_BLOCK}; per message, `received(i)` is the length,
 * `address(i)` the sender, `flags(i)` MSG_TRUNC when the buffer was too
 * small, `control(i)` the control data. No allocation.
 *
 * @example
 * ```ts
 * import { recvMessages, UDPMessages, WOULD_BLOCK } from "@kernio/kernio/sock";
 * declare const fd: number;
 * const batch = new UDPMessages(32, { bufferSize: 1500 });
 * const n = recvMessages(fd, batch);
 * if (n !== WOULD_BLOCK) console.log(n, batch.received(0));
 * ```
 */
export function recvMessages(
  socket: FdLike,
  batch: UDPMessages,
  count?: number,
  flags = 0,
): number {
  const fd = fdOf(socket, "recvMessages");
  const n = batchArgs(batch, count, "recvMessages");
  if (flags !== 0) intIn(flags, 0, 0x7fffffff, "recvMessages", "flags");
  batch.resetForRecv(n);
  const r = recvmmsg(fd, batch.bytes, n, flags | MSG.DONTWAIT, null);
  if (r >= 0 || r === WOULD_BLOCK) return r;
  throw errorFromErrno(r, "recvmmsg");
}

function deadlineOf(o: BatchWaitOptions | undefined, op: string): number {
  if (o === undefined) return 0;
  if (typeof o !== "object" || o === null) {
    throw new TypeError(`${op}: options must be an object`);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError(`${op}: signal must be an AbortSignal`);
  }
  let d = 0;
  if (o.deadline !== undefined) {
    if (!(typeof o.deadline === "number" && o.deadline >= 0)) {
      throw new RangeError(`${op}: deadline must be a Date.now() time in ms`);
    }
    d = o.deadline;
  }
  if (o.timeout !== undefined) {
    if (!(typeof o.timeout === "number" && o.timeout >= 0)) {
      throw new RangeError(`${op}: timeout must be >= 0 ms`);
    }
    const t = Date.now() + o.timeout;
    d = d === 0 ? t : Math.min(d, t);
  }
  return d;
}

/**
 * Sends all of messages [0, count) of `batch`, waiting for buffer space on
 * the sock reactor when the kernel would block (never blocks the event
 * loop). Resolves with `count`; rejects with TimedOutError at the deadline
 * or AbortedError on abort (messages already sent stay sent).
 *
 * @example
 * ```ts
 * import { sendMessagesAsync, UDPMessages } from "@kernio/kernio/sock";
 * declare const fd: number, batch: UDPMessages;
 * await sendMessagesAsync(fd, batch, 32, { timeout: 1000 });
 * ```
 */
export async function sendMessagesAsync(
  socket: FdLike,
  batch: UDPMessages,
  count?: number,
  options?: BatchWaitOptions,
): Promise<number> {
  const fd = fdOf(socket, "sendMessagesAsync");
  const n = batchArgs(batch, count, "sendMessagesAsync");
  const deadline = deadlineOf(options, "sendMessagesAsync");
  options?.signal?.throwIfAborted();
  let done = 0;
  while (done < n) {
    const vec = done === 0 ? batch.bytes : batch.bytes.subarray(done * MMSG);
    const r = sendmmsg(fd, vec, n - done, MSG.DONTWAIT);
    if (r > 0) {
      done += r;
      continue;
    }
    if (r !== WOULD_BLOCK) throw errorFromErrno(r, "sendmmsg");
    await waitWritable(fd, deadline, options?.signal, "sendMessages");
  }
  return n;
}

/**
 * Receives at least one datagram into `batch` (up to `count`), waiting on
 * the sock reactor while none is queued. Resolves with the number
 * received; rejects with TimedOutError at the deadline or AbortedError on
 * abort.
 *
 * @example
 * ```ts
 * import { recvMessagesAsync, UDPMessages } from "@kernio/kernio/sock";
 * declare const fd: number;
 * const batch = new UDPMessages(32, { bufferSize: 1500 });
 * const n = await recvMessagesAsync(fd, batch, undefined, { timeout: 5000 });
 * ```
 */
export async function recvMessagesAsync(
  socket: FdLike,
  batch: UDPMessages,
  count?: number,
  options?: BatchWaitOptions,
): Promise<number> {
  const fd = fdOf(socket, "recvMessagesAsync");
  const n = batchArgs(batch, count, "recvMessagesAsync");
  const deadline = deadlineOf(options, "recvMessagesAsync");
  options?.signal?.throwIfAborted();
  for (;;) {
    const r = recvMessages(fd, batch, n);
    if (r !== WOULD_BLOCK) return r;
    await waitReadable(fd, deadline, options?.signal, "recvMessages");
  }
}

/**
 * UDP GSO for every send on the socket: payloads larger than `size` are
 * split by the kernel into `size`-byte datagrams (the last may be shorter).
 * 0 turns it off.
 *
 * @example
 * ```ts
 * import { setUDPSegment } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setUDPSegment(fd, 1400);
 * ```
 */
export function setUDPSegment(socket: FdLike, size: number): void {
  setOption(socket, OPT.UDP_SEGMENT, size, "setUDPSegment", "size");
}

/**
 * The socket's UDP_SEGMENT size (0: off).
 *
 * @example
 * ```ts
 * import { getUDPSegment } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getUDPSegment(fd); // 0
 * ```
 */
export function getUDPSegment(socket: FdLike): number {
  return getOption(socket, OPT.UDP_SEGMENT, "getUDPSegment");
}

/**
 * UDP GRO on receive: the kernel may deliver several same-size datagrams
 * of one flow as one buffer, with the segment size in a UDP_GRO control
 * message (see {@linkcode groSegmentSize}).
 *
 * @example
 * ```ts
 * import { setUDPGRO } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setUDPGRO(fd, true);
 * ```
 */
export function setUDPGRO(socket: FdLike, enable: boolean): void {
  setFlag(socket, OPT.UDP_GRO, enable, "setUDPGRO");
}

/**
 * Whether UDP_GRO is on.
 *
 * @example
 * ```ts
 * import { getUDPGRO } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getUDPGRO(fd); // false
 * ```
 */
export function getUDPGRO(socket: FdLike): boolean {
  return getFlag(socket, OPT.UDP_GRO, "getUDPGRO");
}

let groFound = 0;
function groVisit(level: number, type: number, data: Uint8Array): boolean {
  if (level !== SOL.UDP || type !== UDP.GRO || data.byteLength < 2) {
    return false;
  }
  groFound = data.byteLength >= 4
    ? data[0] | (data[1] << 8) | (data[2] << 16) | (data[3] << 24)
    : data[0] | (data[1] << 8);
  return true;
}

/**
 * The segment size of a UDP_GRO control message in `control`, or 0.
 *
 * @example
 * ```ts
 * import { groSegmentSize } from "@kernio/kernio/sock";
 * groSegmentSize(new Uint8Array(0)); // 0
 * ```
 */
export function groSegmentSize(
  control: Uint8Array,
  length: number = control?.byteLength,
): number {
  groFound = 0;
  forEachControlMessage(control, groVisit, length);
  return groFound;
}

/**
 * A reusable result of {@linkcode readMsgUDP}: payload length, control
 * length, message flags and the sender (decoded into `addr` in place).
 *
 * @example
 * ```ts
 * import { MsgResult } from "@kernio/kernio/sock";
 * const r = new MsgResult();
 * r.n; // 0
 * ```
 */
export class MsgResult {
  /** Payload bytes received. */
  n = 0;
  /** Control bytes received. */
  oobn = 0;
  /** msg_flags (MSG_TRUNC, MSG_CTRUNC...). */
  flags = 0;
  /** The sender, or null. */
  addr: Sockaddr | null = null;
}

// One msghdr, iovec and name slot reused by readMsgUDP/writeMsgUDP.
// One msghdr per direction, rewritten only when the caller's buffers change
// (by identity and length): a hot loop over the same buffers touches no
// address field, so no address double is boxed and nothing is allocated.
// The last buffers stay referenced until other ones are passed.
const rMsg = new Msghdr();
const rIov = new Iovecs(1);
const rwName = new Uint8Array(new ArrayBuffer(NAME));
rMsg.setBuffers(rIov).setName(rwName, NAME);
const wMsg = new Msghdr();
const wIov = new Iovecs(1);
wMsg.setBuffers(wIov);
const emptyByte = new Uint8Array(new ArrayBuffer(8));
let rBuf: Uint8Array | null = null, rLen = -1;
let rOob: Uint8Array | null | undefined;
let wBuf: Uint8Array | null = null, wLen = -1;
let wOob: Uint8Array | null | undefined;
let wName: Uint8Array | null | undefined;

/**
 * recvmsg(2) of one datagram into `b` with control data into `oob`. Fills
 * and returns `out` (pass one to reuse: no allocation when its `addr` is of
 * the sender's family), or returns null when nothing is queued (would
 * block).
 *
 * @example
 * ```ts
 * import { readMsgUDP } from "@kernio/kernio/sock";
 * declare const fd: number;
 * const r = readMsgUDP(fd, new Uint8Array(1500), new Uint8Array(64));
 * if (r !== null) console.log(r.n, r.oobn, r.flags, r.addr?.toString());
 * ```
 */
export function readMsgUDP(
  socket: FdLike,
  b: Uint8Array,
  oob: Uint8Array | null,
  out: MsgResult = new MsgResult(),
  flags = 0,
): MsgResult | null {
  const fd = fdOf(socket, "readMsgUDP");
  if (flags !== 0) intIn(flags, 0, 0x7fffffff, "readMsgUDP", "flags");
  if (!(b instanceof Uint8Array)) {
    throw new TypeError("readMsgUDP: b must be a Uint8Array");
  }
  if (oob !== null && !(oob instanceof Uint8Array)) {
    throw new TypeError("readMsgUDP: oob must be a Uint8Array or null");
  }
  if (b !== rBuf || b.byteLength !== rLen) {
    rIov.set(0, b.byteLength > 0 ? b : emptyByte, b.byteLength);
    rBuf = b;
    rLen = b.byteLength;
  }
  if (oob !== rOob) {
    rMsg.setControl(oob);
    rOob = oob;
  } else if (oob !== null) {
    rMsg.controlLength = oob.byteLength; // the kernel shrank it
  }
  rMsg.nameLength = NAME;
  const r = recvmsg(fd, rMsg.bytes, flags | MSG.DONTWAIT);
  if (r === WOULD_BLOCK) return null;
  if (r < 0) throw errorFromErrno(r, "recvmsg");
  out.n = r;
  out.oobn = oob === null ? 0 : rMsg.controlLength;
  out.flags = rMsg.flags;
  const nl = rMsg.nameLength;
  out.addr = nl === 0
    ? null
    : nameInto(rwName, 0, nl > NAME ? NAME : nl, out.addr ?? undefined);
  return out;
}

/**
 * sendmsg(2) of `b` with control data `oob` to `addr` (null on a connected
 * socket). Returns the payload bytes sent (all of `oob` is sent with them)
 * or {@linkcode WOULD_BLOCK}. No allocation.
 *
 * @example
 * ```ts
 * import { SockaddrInet4, writeMsgUDP } from "@kernio/kernio/sock";
 * declare const fd: number;
 * writeMsgUDP(fd, new Uint8Array([1]), null, SockaddrInet4.parse("127.0.0.1", 9));
 * ```
 */
export function writeMsgUDP(
  socket: FdLike,
  b: Uint8Array,
  oob: Uint8Array | null,
  addr: RawSockaddr | null,
  flags = 0,
): number {
  const fd = fdOf(socket, "writeMsgUDP");
  if (flags !== 0) intIn(flags, 0, 0x7fffffff, "writeMsgUDP", "flags");
  if (!(b instanceof Uint8Array)) {
    throw new TypeError("writeMsgUDP: b must be a Uint8Array");
  }
  if (oob !== null && !(oob instanceof Uint8Array)) {
    throw new TypeError("writeMsgUDP: oob must be a Uint8Array or null");
  }
  if (addr !== null && !(addr?.bytes instanceof Uint8Array)) {
    throw new TypeError("writeMsgUDP: addr must be a sockaddr or null");
  }
  if (b !== wBuf || b.byteLength !== wLen) {
    wIov.set(0, b.byteLength > 0 ? b : emptyByte, b.byteLength);
    wBuf = b;
    wLen = b.byteLength;
  }
  const ctl = oob === null || oob.byteLength === 0 ? null : oob;
  if (ctl !== wOob) {
    wMsg.setControl(ctl);
    wOob = ctl;
  }
  const name = addr === null ? null : addr.bytes;
  if (name !== wName) {
    wMsg.setName(name, addr === null ? 0 : addr.length);
    wName = name;
  } else if (addr !== null) {
    wMsg.nameLength = addr.length;
  }
  const r = sendmsg(fd, wMsg.bytes, flags | MSG.DONTWAIT | MSG.NOSIGNAL);
  if (r === WOULD_BLOCK) return WOULD_BLOCK;
  if (r < 0) throw errorFromErrno(r, "sendmsg");
  return r;
}

/**
 * {@linkcode readMsgUDP} that waits on the sock reactor while nothing is
 * queued; rejects with TimedOutError at the deadline, AbortedError on abort.
 *
 * @example
 * ```ts
 * import { readMsgUDPAsync } from "@kernio/kernio/sock";
 * declare const fd: number;
 * const r = await readMsgUDPAsync(fd, new Uint8Array(1500), new Uint8Array(64), { timeout: 1000 });
 * console.log(r.n, r.oobn, r.flags);
 * ```
 */
export async function readMsgUDPAsync(
  socket: FdLike,
  b: Uint8Array,
  oob: Uint8Array | null,
  options?: BatchWaitOptions & { out?: MsgResult; flags?: number },
): Promise<MsgResult> {
  const fd = fdOf(socket, "readMsgUDPAsync");
  const deadline = deadlineOf(options, "readMsgUDPAsync");
  const out = options?.out ?? new MsgResult();
  options?.signal?.throwIfAborted();
  for (;;) {
    const r = readMsgUDP(fd, b, oob, out, options?.flags ?? 0);
    if (r !== null) return r;
    await waitReadable(fd, deadline, options?.signal, "readMsgUDP");
  }
}

/**
 * {@linkcode writeMsgUDP} that waits for buffer space on the sock reactor;
 * resolves with the payload bytes sent.
 *
 * @example
 * ```ts
 * import { SockaddrInet4, writeMsgUDPAsync } from "@kernio/kernio/sock";
 * declare const fd: number;
 * await writeMsgUDPAsync(fd, new Uint8Array([1]), null, SockaddrInet4.parse("127.0.0.1", 9), { timeout: 1000 });
 * ```
 */
export async function writeMsgUDPAsync(
  socket: FdLike,
  b: Uint8Array,
  oob: Uint8Array | null,
  addr: RawSockaddr | null,
  options?: BatchWaitOptions & { flags?: number },
): Promise<number> {
  const fd = fdOf(socket, "writeMsgUDPAsync");
  const deadline = deadlineOf(options, "writeMsgUDPAsync");
  options?.signal?.throwIfAborted();
  for (;;) {
    const n = writeMsgUDP(fd, b, oob, addr, options?.flags ?? 0);
    if (n !== WOULD_BLOCK) return n;
    await waitWritable(fd, deadline, options?.signal, "writeMsgUDP");
  }
}
