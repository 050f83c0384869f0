// Kernel structs laid out in reusable byte buffers (x86_64 and aarch64 share
// these LP64 layouts). Each keeps the JS buffers it points at alive.
//
// Lifetime rule: a struct records the address of a buffer only if the
// buffer cannot shrink (resizable ArrayBuffers are refused) and keeps the
// view referenced; sizes come from the engine's intrinsic getters. A
// buffer can still be detached (`buffer.transfer()`), which frees or moves
// its memory: the syscalls that take a struct's `bytes` check, right
// before the call, that every recorded buffer is still attached and
// returns -EFAULT otherwise (see _pinned.ts).

import { unsafeAddressOf } from "./memory.ts";
import { structOf } from "./_pinned.ts";
import { checkFd as checkFdBits } from "./_validate.ts";
import {
  isUnstableView,
  taBuffer,
  taByteOffset,
  taTag,
  viewBytes,
} from "./_views.ts";

const TWO32 = 0x1_0000_0000;

// Writes a Number address or length (< 2^53) as a little-endian u64.
function setU64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v % TWO32, true);
  dv.setUint32(off + 4, Math.floor(v / TWO32), true);
}

function getU64(dv: DataView, off: number): number {
  return dv.getUint32(off, true) + dv.getUint32(off + 4, true) * TWO32;
}

// The true byte size of a buffer a struct is about to record the address
// of; throws when it is not a view or its memory can shrink or is gone.
function pinnable(where: string, buf: unknown): number {
  const n = viewBytes(buf);
  if (n < 0) {
    throw new TypeError(`${where}: expected a typed array or DataView`);
  }
  if (isUnstableView(buf)) {
    throw new TypeError(
      `${where}: the buffer is resizable or detached; the kernel needs ` +
        "memory that keeps its size (use a fixed-length ArrayBuffer)",
    );
  }
  return n;
}

// Whether a kept view still holds `bytes` bytes (0 once detached).
function shrunk(view: unknown, bytes: number): boolean {
  return bytes !== 0 && viewBytes(view) < bytes;
}

// Index check shared by the struct arrays: a bad index must not silently
// write into a neighbouring entry or past the end.
function checkIndex(where: string, i: number, count: number): void {
  if (!(Number.isInteger(i) && i >= 0 && i < count)) {
    throw new RangeError(`${where}: index ${i} out of range 0..${count - 1}`);
  }
}

/**
 * An array of struct iovec { void *base; size_t len } (16 bytes each).
 *
 * @example
 * ```ts
 * import { Iovecs } from "@kernio/kernio/zcall";
 * const iov = new Iovecs(2).set(0, new Uint8Array(8)).set(1, new Uint8Array(8));
 * iov.count; // 2
 * ```
 */
export class Iovecs {
  /** The raw struct array, to pass to readv/writev/sendmsg. */
  readonly bytes: Uint8Array;
  /** Number of entries. */
  readonly count: number;
  readonly #dv: DataView;
  readonly #keep: (ArrayBufferView | undefined)[];
  readonly #len: Float64Array;

  /** Creates `count` zeroed entries. */
  constructor(count: number) {
    if (!(Number.isInteger(count) && count > 0 && count <= 1024)) {
      throw new RangeError(
        `Iovecs: count must be an integer in 1..1024 (IOV_MAX), got ${count}`,
      );
    }
    this.count = count;
    this.bytes = new Uint8Array(new ArrayBuffer(count * 16));
    this.#dv = new DataView(this.bytes.buffer);
    this.#keep = new Array(count);
    this.#len = new Float64Array(count);
    structOf.set(this.bytes, this);
  }

  /**
   * Points entry `i` at `buf` (the first `length` bytes, default all). The
   * buffer must keep its size: resizable or detached buffers are refused.
   */
  set(i: number, buf: ArrayBufferView, length?: number): this {
    checkIndex("Iovecs.set", i, this.count);
    const cap = pinnable("Iovecs.set", buf);
    const n = length === undefined ? cap : length;
    if (!(Number.isInteger(n) && n >= 0 && n <= cap)) {
      throw new RangeError(
        `Iovecs.set: length ${n} exceeds the buffer (${cap})`,
      );
    }
    setU64(this.#dv, i * 16, n === 0 ? 0 : unsafeAddressOf(buf));
    setU64(this.#dv, i * 16 + 8, n);
    this.#keep[i] = buf;
    // The size to find intact before each syscall: the whole view when its
    // address was recorded (a later setLength may use all of it).
    this.#len[i] = n === 0 ? 0 : cap;
    return this;
  }

  /** Changes the length of entry `i` without touching its address. */
  setLength(i: number, n: number): void {
    checkIndex("Iovecs.setLength", i, this.count);
    const kept = this.#keep[i];
    const cap = kept === undefined ? 0 : viewBytes(kept);
    if (!(Number.isInteger(n) && n >= 0 && n <= cap)) {
      throw new RangeError(
        `Iovecs.setLength: length ${n} exceeds the buffer (${cap})`,
      );
    }
    setU64(this.#dv, i * 16 + 8, n);
  }

  /**
   * Whether a buffer an entry points at was detached (transferred) since it
   * was set, or the array itself was: its recorded address is then stale.
   * readv/writev/sendmsg... given `bytes` return -EFAULT in that case.
   */
  stale(): boolean {
    if (shrunk(this.bytes, this.count * 16)) return true;
    const keep = this.#keep, len = this.#len;
    for (let i = 0; i < keep.length; i++) {
      if (len[i] !== 0 && shrunk(keep[i], len[i])) return true;
    }
    return false;
  }

  /** The length recorded in entry `i`. */
  length(i: number): number {
    checkIndex("Iovecs.length", i, this.count);
    return getU64(this.#dv, i * 16 + 8);
  }

  /** Address recorded in entry `i`. */
  address(i: number): number {
    checkIndex("Iovecs.address", i, this.count);
    return getU64(this.#dv, i * 16);
  }
}

/**
 * struct timespec { tv_sec; tv_nsec } (16 bytes).
 *
 * @example
 * ```ts
 * import { Timespec } from "@kernio/kernio/zcall";
 * const ts = Timespec.fromMillis(1500); // 1 s 500000000 ns
 * ```
 */
export class Timespec {
  /** The raw struct. */
  readonly bytes: Uint8Array = new Uint8Array(new ArrayBuffer(16));
  readonly #dv = new DataView(this.bytes.buffer);

  /** Creates a timespec. */
  constructor(sec = 0, nsec = 0) {
    this.set(sec, nsec);
  }

  /** A timespec of `ms` milliseconds. */
  static fromMillis(ms: number): Timespec {
    return new Timespec().setMillis(ms);
  }

  /** Sets seconds and nanoseconds. */
  set(sec: number, nsec: number): this {
    if (!(Number.isSafeInteger(sec) && sec >= 0)) {
      throw new RangeError(`Timespec: bad seconds ${sec}`);
    }
    if (!(Number.isInteger(nsec) && nsec >= 0 && nsec < 1e9)) {
      throw new RangeError(
        `Timespec: nanoseconds must be in 0..999999999, got ${nsec}`,
      );
    }
    setU64(this.#dv, 0, sec);
    setU64(this.#dv, 8, nsec);
    return this;
  }

  /** Sets the value from milliseconds (fractions become nanoseconds). */
  setMillis(ms: number): this {
    if (!(ms >= 0 && Number.isFinite(ms))) {
      throw new RangeError(`Timespec: bad milliseconds ${ms}`);
    }
    const sec = Math.floor(ms / 1000);
    return this.set(sec, Math.round((ms - sec * 1000) * 1e6) % 1e9);
  }

  /** Seconds. */
  get sec(): number {
    return getU64(this.#dv, 0);
  }

  /** Nanoseconds. */
  get nsec(): number {
    return getU64(this.#dv, 8);
  }
}

/**
 * struct itimerspec { it_interval; it_value } (32 bytes), for timerfd.
 *
 * @example
 * ```ts
 * import { Itimerspec } from "@kernio/kernio/zcall";
 * const spec = new Itimerspec().setValue(0, 5_000_000).setInterval(0, 5_000_000);
 * ```
 */
export class Itimerspec {
  /** The raw struct. */
  readonly bytes: Uint8Array = new Uint8Array(new ArrayBuffer(32));
  readonly #dv = new DataView(this.bytes.buffer);

  /** Sets the repeat interval. */
  setInterval(sec: number, nsec: number): this {
    return this.#set(0, sec, nsec);
  }

  /** Sets the first expiry. */
  setValue(sec: number, nsec: number): this {
    return this.#set(16, sec, nsec);
  }

  #set(off: number, sec: number, nsec: number): this {
    if (!(Number.isSafeInteger(sec) && sec >= 0)) {
      throw new RangeError(`Itimerspec: bad seconds ${sec}`);
    }
    if (!(Number.isInteger(nsec) && nsec >= 0 && nsec < 1e9)) {
      throw new RangeError(
        `Itimerspec: nanoseconds must be in 0..999999999, got ${nsec}`,
      );
    }
    setU64(this.#dv, off, sec);
    setU64(this.#dv, off + 8, nsec);
    return this;
  }

  /** Interval in nanoseconds. */
  get intervalNs(): number {
    return getU64(this.#dv, 0) * 1e9 + getU64(this.#dv, 8);
  }

  /** Time to next expiry in nanoseconds. */
  get valueNs(): number {
    return getU64(this.#dv, 16) * 1e9 + getU64(this.#dv, 24);
  }
}

/**
 * struct msghdr (56 bytes): name, iovecs, control buffer, flags.
 *
 * @example
 * ```ts
 * import { Msghdr } from "@kernio/kernio/zcall";
 * const msg = new Msghdr().setBuffers([new Uint8Array(64)]).setControl(new Uint8Array(64));
 * ```
 */
export class Msghdr {
  /** The raw struct. */
  readonly bytes: Uint8Array;
  readonly #dv: DataView;
  #name: Uint8Array | null = null;
  #iov: Iovecs | null = null;
  #control: Uint8Array | null = null;

  /** Creates an empty msghdr, optionally inside `bytes` (56 bytes at least). */
  constructor(bytes?: Uint8Array) {
    if (bytes !== undefined) {
      if (taTag(bytes) !== "Uint8Array") {
        throw new TypeError("Msghdr: bytes must be a Uint8Array");
      }
      const n = viewBytes(bytes);
      if (n < 56) throw new RangeError(`Msghdr: needs 56 bytes, got ${n}`);
    }
    this.bytes = bytes ?? new Uint8Array(new ArrayBuffer(56));
    this.#dv = new DataView(
      taBuffer(this.bytes),
      taByteOffset(this.bytes),
      56,
    );
    structOf.set(this.bytes, this);
  }

  /** Whether the name, control or iovec buffers were detached since set. */
  stale(): boolean {
    return (this.#name !== null && shrunk(this.#name, this.nameLength)) ||
      (this.#control !== null && shrunk(this.#control, this.controlLength)) ||
      (this.#iov !== null && this.#iov.stale());
  }

  /** Sets msg_name (a sockaddr buffer and its length), or clears it with null. */
  setName(name: Uint8Array | null, length?: number): this {
    const cap = name === null ? 0 : pinnable("Msghdr.setName", name);
    const n = length === undefined ? cap : length;
    if (!(Number.isInteger(n) && n >= 0 && n <= cap)) {
      throw new RangeError(`Msghdr.setName: length ${n} exceeds the buffer`);
    }
    this.#name = name;
    setU64(this.#dv, 0, name === null ? 0 : unsafeAddressOf(name));
    this.#dv.setUint32(8, n, true);
    return this;
  }

  /** Sets msg_iov from buffers (or an Iovecs array). */
  setBuffers(bufs: readonly ArrayBufferView[] | Iovecs): this {
    let iov: Iovecs;
    if (bufs instanceof Iovecs) {
      iov = bufs;
    } else {
      iov = new Iovecs(bufs.length);
      bufs.forEach((b, i) => iov.set(i, b));
    }
    this.#iov = iov;
    setU64(this.#dv, 16, unsafeAddressOf(iov.bytes));
    setU64(this.#dv, 24, iov.count);
    return this;
  }

  /** Sets msg_control (ancillary data), or clears it with null. */
  setControl(control: Uint8Array | null, length?: number): this {
    const cap = control === null ? 0 : pinnable("Msghdr.setControl", control);
    const n = length === undefined ? cap : length;
    if (!(Number.isInteger(n) && n >= 0 && n <= cap)) {
      throw new RangeError(
        `Msghdr.setControl: length ${n} exceeds the buffer`,
      );
    }
    this.#control = control;
    setU64(
      this.#dv,
      32,
      control === null || n === 0 ? 0 : unsafeAddressOf(control),
    );
    setU64(this.#dv, 40, n);
    return this;
  }

  /**
   * msg_namelen (the kernel updates it on receive). Setting it checks the
   * value against the name buffer: the kernel writes up to this many bytes.
   */
  get nameLength(): number {
    return this.#dv.getUint32(8, true);
  }
  set nameLength(n: number) {
    const cap = this.#name === null ? 0 : viewBytes(this.#name);
    if (!(Number.isInteger(n) && n >= 0 && n <= cap)) {
      throw new RangeError(
        `Msghdr.nameLength: ${n} exceeds the name buffer (${cap})`,
      );
    }
    this.#dv.setUint32(8, n, true);
  }

  /**
   * msg_controllen (the kernel updates it on receive). Setting it checks
   * the value against the control buffer.
   */
  get controlLength(): number {
    return getU64(this.#dv, 40);
  }
  set controlLength(n: number) {
    const cap = this.#control === null ? 0 : viewBytes(this.#control);
    if (!(Number.isInteger(n) && n >= 0 && n <= cap)) {
      throw new RangeError(
        `Msghdr.controlLength: ${n} exceeds the control buffer (${cap})`,
      );
    }
    setU64(this.#dv, 40, n);
  }

  /** msg_flags as returned by recvmsg. */
  get flags(): number {
    return this.#dv.getInt32(48, true);
  }

  /** The name buffer, iovecs and control buffer currently referenced. */
  get parts(): {
    name: Uint8Array | null;
    iov: Iovecs | null;
    control: Uint8Array | null;
  } {
    return { name: this.#name, iov: this.#iov, control: this.#control };
  }
}

/**
 * An array of struct mmsghdr (64 bytes each: a msghdr and msg_len), each
 * with its own payload buffer and optional address buffer, preallocated for
 * sendmmsg/recvmmsg batches.
 *
 * @example
 * ```ts
 * import { Mmsghdrs } from "@kernio/kernio/zcall";
 * const v = new Mmsghdrs(32, 1500, 28);
 * v.payload(0); // the first message's buffer
 * ```
 */
export class Mmsghdrs {
  /** The raw struct array. */
  readonly bytes: Uint8Array;
  /** Number of messages. */
  readonly count: number;
  readonly #dv: DataView;
  readonly #payloads: Uint8Array[] = [];
  readonly #names: (Uint8Array | null)[] = [];
  readonly #iov: Iovecs;
  readonly #slab: Uint8Array;
  readonly #nameSlab: Uint8Array | null;

  /** `count` messages of `payloadSize` bytes, with `nameSize`-byte address buffers (0: none). */
  constructor(count: number, payloadSize: number, nameSize = 0) {
    if (!(Number.isInteger(count) && count > 0 && count <= 1024)) {
      throw new RangeError(
        `Mmsghdrs: count must be in 1..1024 (UIO_MAXIOV), got ${count}`,
      );
    }
    if (!(Number.isInteger(payloadSize) && payloadSize > 0)) {
      throw new RangeError(
        `Mmsghdrs: payloadSize must be a positive integer, got ${payloadSize}`,
      );
    }
    if (!(Number.isInteger(nameSize) && nameSize >= 0 && nameSize <= 128)) {
      throw new RangeError(
        `Mmsghdrs: nameSize must be in 0..128, got ${nameSize}`,
      );
    }
    this.count = count;
    this.bytes = new Uint8Array(new ArrayBuffer(count * 64));
    this.#dv = new DataView(this.bytes.buffer);
    this.#iov = new Iovecs(count);
    const slab = new Uint8Array(new ArrayBuffer(count * payloadSize));
    const names = nameSize > 0
      ? new Uint8Array(new ArrayBuffer(count * nameSize))
      : null;
    this.#slab = slab;
    this.#nameSlab = names;
    structOf.set(this.bytes, this);
    for (let i = 0; i < count; i++) {
      const p = slab.subarray(i * payloadSize, (i + 1) * payloadSize);
      this.#payloads.push(p);
      this.#iov.set(i, p);
      const n = names ? names.subarray(i * nameSize, (i + 1) * nameSize) : null;
      this.#names.push(n);
      const base = i * 64;
      if (n) {
        setU64(this.#dv, base, unsafeAddressOf(n));
        this.#dv.setUint32(base + 8, nameSize, true);
      }
      setU64(this.#dv, base + 16, unsafeAddressOf(this.#iov.bytes) + i * 16);
      setU64(this.#dv, base + 24, 1);
    }
  }

  /** Whether the payload or address buffers were detached (transferred). */
  stale(): boolean {
    return this.#iov.stale() || shrunk(this.#slab, 1) ||
      (this.#nameSlab !== null && shrunk(this.#nameSlab, 1));
  }

  /** The payload buffer of message `i` (full capacity). */
  payload(i: number): Uint8Array {
    checkIndex("Mmsghdrs.payload", i, this.count);
    return this.#payloads[i];
  }

  /** The address buffer of message `i`, or null. */
  name(i: number): Uint8Array | null {
    checkIndex("Mmsghdrs.name", i, this.count);
    return this.#names[i];
  }

  /** Sets how many payload bytes message `i` sends. */
  setLength(i: number, n: number): void {
    checkIndex("Mmsghdrs.setLength", i, this.count);
    if (!(Number.isInteger(n) && n >= 0 && n <= viewBytes(this.#payloads[i]))) {
      throw new RangeError(
        `Mmsghdrs.setLength: ${n} exceeds the payload buffer`,
      );
    }
    this.#iov.setLength(i, n);
  }

  /** Sets msg_namelen of message `i` (before sending or receiving). */
  setNameLength(i: number, n: number): void {
    checkIndex("Mmsghdrs.setNameLength", i, this.count);
    const nm = this.#names[i];
    const cap = nm === null ? 0 : viewBytes(nm);
    if (!(Number.isInteger(n) && n >= 0 && n <= cap)) {
      throw new RangeError(
        `Mmsghdrs.setNameLength: ${n} exceeds the address buffer (${cap})`,
      );
    }
    this.#dv.setUint32(i * 64 + 8, n, true);
  }

  /** msg_namelen of message `i` after receiving. */
  nameLength(i: number): number {
    return this.#dv.getUint32(i * 64 + 8, true);
  }

  /** msg_len: bytes received or sent for message `i`. */
  received(i: number): number {
    return this.#dv.getUint32(i * 64 + 56, true);
  }

  /** msg_flags of message `i` after receiving. */
  flags(i: number): number {
    return this.#dv.getInt32(i * 64 + 48, true);
  }
}

/**
 * An array of struct pollfd { int fd; short events; short revents }.
 *
 * @example
 * ```ts
 * import { POLL, PollFds } from "@kernio/kernio/zcall";
 * const fds = new PollFds(2).set(0, 0, POLL.IN);
 * ```
 */
export class PollFds {
  /** The raw struct array. */
  readonly bytes: Uint8Array;
  /** Number of entries. */
  readonly count: number;
  readonly #dv: DataView;

  /** Creates `count` entries with fd -1 (ignored by poll). */
  constructor(count: number) {
    if (!(Number.isInteger(count) && count > 0 && count <= 65536)) {
      throw new RangeError(`PollFds: count must be in 1..65536, got ${count}`);
    }
    this.count = count;
    this.bytes = new Uint8Array(new ArrayBuffer(count * 8));
    this.#dv = new DataView(this.bytes.buffer);
    for (let i = 0; i < count; i++) this.#dv.setInt32(i * 8, -1, true);
  }

  /** Sets entry `i` to watch `fd` for `events`. */
  set(i: number, fd: number, events: number): this {
    checkIndex("PollFds.set", i, this.count);
    this.#dv.setInt32(i * 8, fd, true);
    this.#dv.setInt16(i * 8 + 4, events, true);
    this.#dv.setInt16(i * 8 + 6, 0, true);
    return this;
  }

  /** The returned events of entry `i`. */
  revents(i: number): number {
    checkIndex("PollFds.revents", i, this.count);
    return this.#dv.getUint16(i * 8 + 6, true);
  }
}

/**
 * An array of packed struct epoll_event { u32 events; u64 data } (12 bytes
 * on x86_64; aarch64 pads to 16, which this class follows).
 *
 * @example
 * ```ts
 * import { EPOLL, EpollEvents } from "@kernio/kernio/zcall";
 * const ev = new EpollEvents(1).set(0, EPOLL.IN, 5);
 * ```
 */
export class EpollEvents {
  /** Size of one entry on this architecture. */
  static readonly SIZE: number = Deno.build.arch === "x86_64" ? 12 : 16;
  /** The raw struct array. */
  readonly bytes: Uint8Array;
  /** Number of entries. */
  readonly count: number;
  readonly #dv: DataView;

  /** Creates `count` zeroed entries. */
  constructor(count: number) {
    if (!(Number.isInteger(count) && count > 0)) {
      throw new RangeError(
        `EpollEvents: count must be a positive integer, got ${count}`,
      );
    }
    this.count = count;
    this.bytes = new Uint8Array(new ArrayBuffer(count * EpollEvents.SIZE));
    this.#dv = new DataView(this.bytes.buffer);
  }

  /** Sets entry `i`: event mask and a 32-bit data word (usually the fd). */
  set(i: number, events: number, data: number): this {
    checkIndex("EpollEvents.set", i, this.count);
    const off = i * EpollEvents.SIZE;
    const dataOff = EpollEvents.SIZE === 12 ? 4 : 8;
    this.#dv.setUint32(off, events >>> 0, true);
    this.#dv.setUint32(off + dataOff, data >>> 0, true);
    this.#dv.setUint32(off + dataOff + 4, 0, true);
    return this;
  }

  /** Event mask of entry `i`. */
  events(i: number): number {
    checkIndex("EpollEvents.events", i, this.count);
    return this.#dv.getUint32(i * EpollEvents.SIZE, true);
  }

  /** Low 32 bits of the data word of entry `i`. */
  data(i: number): number {
    checkIndex("EpollEvents.data", i, this.count);
    return this.#dv.getUint32(
      i * EpollEvents.SIZE + (EpollEvents.SIZE === 12 ? 4 : 8),
      true,
    );
  }
}

/**
 * An 8-byte sigset_t with the given signals set.
 *
 * @example
 * ```ts
 * import { SIG, sigsetOf } from "@kernio/kernio/zcall";
 * const mask = sigsetOf(SIG.USR1, SIG.USR2);
 * ```
 */
export function sigsetOf(...signals: number[]): Uint8Array {
  const set = new Uint8Array(new ArrayBuffer(8));
  for (const s of signals) {
    if (!(Number.isInteger(s) && s >= 1 && s <= 64)) {
      throw new RangeError(`sigsetOf: signal ${s} out of range 1..64`);
    }
    set[(s - 1) >> 3] |= 1 << ((s - 1) & 7);
  }
  return set;
}

/**
 * sizeof(struct msghdr) on 64-bit Linux: the size of {@linkcode Msghdr}.
 *
 * @example
 * ```ts
 * import { Msghdr, SIZEOF_MSGHDR } from "@kernio/kernio/zcall";
 * new Msghdr().bytes.byteLength === SIZEOF_MSGHDR; // true
 * ```
 */
export const SIZEOF_MSGHDR = 56;

/**
 * An fd_set for select/pselect6: a 1024-bit descriptor bitmap (128 bytes,
 * sixteen 64-bit words, as the kernel reads it). Methods are the FD_ZERO,
 * FD_SET, FD_CLR and FD_ISSET macros.
 *
 * @example
 * ```ts
 * import { FdSet } from "@kernio/kernio/zcall";
 * const set = new FdSet().set(0).set(5);
 * set.isSet(5); // true
 * set.clear(5).isSet(5); // false
 * ```
 */
export class FdSet {
  /** The 128-byte bitmap. */
  readonly bytes: Uint8Array = new Uint8Array(new ArrayBuffer(128));

  /** FD_ZERO: clears every bit. */
  zero(): this {
    this.bytes.fill(0);
    return this;
  }

  /** FD_SET: adds `fd` (0..1023; RangeError otherwise). */
  set(fd: number): this {
    checkFd("FdSet.set", fd);
    this.bytes[fd >> 3] |= 1 << (fd & 7);
    return this;
  }

  /** FD_CLR: removes `fd`. */
  clear(fd: number): this {
    checkFd("FdSet.clear", fd);
    this.bytes[fd >> 3] &= ~(1 << (fd & 7));
    return this;
  }

  /** FD_ISSET: whether `fd` is in the set. */
  isSet(fd: number): boolean {
    checkFd("FdSet.isSet", fd);
    return (this.bytes[fd >> 3] & (1 << (fd & 7))) !== 0;
  }

  /** The descriptors in the set, ascending. */
  fds(): number[] {
    const out: number[] = [];
    for (let i = 0; i < 128; i++) {
      const b = this.bytes[i];
      if (b === 0) continue;
      for (let k = 0; k < 8; k++) if (b & (1 << k)) out.push(i * 8 + k);
    }
    return out;
  }

  /** Copies another set into this one. */
  copyFrom(other: FdSet): this {
    this.bytes.set(other.bytes);
    return this;
  }
}

// FD_SETSIZE is 1024: an fd_set holds descriptors 0..1023.
function checkFd(fn: string, fd: number): void {
  checkFdBits(fn, fd, 10);
}

/**
 * FD_ZERO as a function (see {@linkcode FdSet.zero}).
 *
 * @example
 * ```ts
 * import { FdSet, fdZero } from "@kernio/kernio/zcall";
 * fdZero(new FdSet().set(3));
 * ```
 */
export function fdZero(set: FdSet): void {
  set.zero();
}

/**
 * FD_SET as a function (see {@linkcode FdSet.set}).
 *
 * @example
 * ```ts
 * import { FdSet, fdSet } from "@kernio/kernio/zcall";
 * const s = new FdSet();
 * fdSet(3, s);
 * ```
 */
export function fdSet(fd: number, set: FdSet): void {
  set.set(fd);
}

/**
 * FD_CLR as a function (see {@linkcode FdSet.clear}).
 *
 * @example
 * ```ts
 * import { FdSet, fdClr } from "@kernio/kernio/zcall";
 * fdClr(3, new FdSet().set(3));
 * ```
 */
export function fdClr(fd: number, set: FdSet): void {
  set.clear(fd);
}

/**
 * FD_ISSET as a function (see {@linkcode FdSet.isSet}).
 *
 * @example
 * ```ts
 * import { FdSet, fdIsSet } from "@kernio/kernio/zcall";
 * fdIsSet(3, new FdSet().set(3)); // true
 * ```
 */
export function fdIsSet(fd: number, set: FdSet): boolean {
  return set.isSet(fd);
}
