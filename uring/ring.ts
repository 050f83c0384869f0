// The ring: setup (disabled), start, SQ/CQ over mmap'd memory, submission
// and reaping, plus one method per operation.
//
// Memory ordering (the kernel is the other side of a shared-memory SPSC
// queue pair):
//   SQ: SQE words are written with plain stores, then the tail is published.
//       The kernel reads the tail and the SQEs only inside io_uring_enter
//       called from this same thread (no SQPOLL), and V8 never moves a
//       typed-array store across an FFI call, so program order suffices;
//       multi-issuer rings still publish with Atomics.store (release).
//   CQ: the tail is read before the CQE words and the head is stored after
//       copying them out, so the kernel never overwrites an entry being
//       read. On single-issuer rings (DEFER_TASKRUN) the kernel posts CQEs
//       only inside io_uring_enter on this thread, so plain loads/stores in
//       program order are exact. Multi-issuer (COOP_TASKRUN) rings get CQEs
//       from other CPUs: there the tail is read with Atomics.load (acquire)
//       and the head written with Atomics.store (release). Plain accesses on
//       the default path matter: in this V8, Atomics on a non-shared buffer
//       is a ~50 ns runtime call, three per batch.
// Lifetime: every typed array over the mappings is created from a Mapping,
// whose close() detaches the ArrayBuffer before munmap; after stop() every
// method throws RingClosedError and stale views read as empty instead of
// touching unmapped memory. JS buffers whose addresses go into SQEs are kept
// alive in a pin table until their final CQE (see _pins.ts).

import {
  AF,
  close as closeFd,
  EFD,
  eventfd2,
  IORING_ENTER,
  IORING_OP,
  IORING_REGISTER,
  IORING_SETUP,
  ioUringEnter,
  ioUringEnter4,
  ioUringRegister,
  ioUringSetup,
  Iovecs,
  IPPROTO,
  Mapping,
  Msghdr,
  pollAsync,
  PollFds,
  read as readFd,
  SOCK,
  unsafeAddressOf,
  write as writeFd,
} from "../zcall/mod.ts";
import { PinTable } from "./_pins.ts";
import { slotOf } from "./_registry.ts";
import {
  ContextPools,
  type ExtSQE,
  type IndirectSQE,
  SQEContext,
} from "./context.ts";
import { CQEView, DirectCQE, ExtCQE } from "./cqe.ts";
import {
  CQOverflowError,
  NotSupportedError,
  RingClosedError,
  UringError,
  uringError,
} from "./errors.ts";
import { type Options, REGISTER_BUFFER_SIZE } from "./options.ts";
import { resolveOptions } from "./_options.ts";
import {
  type Probe,
  probeOpcodes,
  type QueryOpcode,
  queryOpcodes,
  type QuerySCQ,
  querySCQ,
} from "./probe.ts";
import * as reg from "./register.ts";
import {
  allocateRingBuffers,
  NO_RING_BUFFERS,
  type RingBuffers,
} from "./ring_buffers.ts";
import * as P from "./sqe.ts";

const IORING_OFF_SQ_RING = 0;
const IORING_OFF_SQES = 0x10000000;
const IORING_SQ_CQ_OVERFLOW = 1 << 1;
const IORING_SQ_TASKRUN = 1 << 2;
const IOSQE_BUFFER_SELECT = 1 << 5;
const IOSQE_CQE_SKIP_SUCCESS = 1 << 6;
// A module const: V8 folds it, where the imported binding is loaded and
// hole-checked on every use.
const SQE_CONTEXT = SQEContext;
const NOP_SLOW_FLAGS = (IOSQE_BUFFER_SELECT | IOSQE_CQE_SKIP_SUCCESS) << 8;
const PROT_RW = 0x3;
const MAP_SHARED_POPULATE = 0x1 | 0x8000;
const MAX_REG_BUFFERS = 16384;
const ETIME = -62;
const EINTR = -4;
const EAGAIN = -11;
const EBUSY = -16;
const TWO32 = 4294967296;

/**
 * Per-operation options. Each operation reads the fields it uses.
 *
 * @example
 * ```ts
 * import type { OpOptions } from "@kernio/kernio/uring";
 * import { IOSQE } from "@kernio/kernio/zcall";
 * const linked: OpOptions = { flags: IOSQE.IO_LINK };
 * ```
 */
export interface OpOptions {
  /** IOSQE_* flags, merged with the context's flags. */
  flags?: number;
  /** sqe->ioprio (I/O priority, or op flags such as IORING_ACCEPT_*). */
  ioprio?: number;
  /** Registered personality id (0: the caller's credentials). */
  personality?: number;
  /** Direct descriptor slot (IORING_FILE_INDEX_ALLOC to let the kernel pick). */
  fileIndex?: number;
  /** File offset (-1: current position, the default for read/write). */
  offset?: number;
  /** Byte count limit (default: the whole buffer). */
  n?: number;
  /** Completion count for timeouts. */
  count?: number;
  /** IORING_TIMEOUT_* flags. */
  timeoutFlags?: number;
  /** SPLICE_F_* flags. */
  spliceFlags?: number;
  /** IORING_FSYNC_DATASYNC. */
  fsyncFlags?: number;
  /** Mode for openat / mkdirat. */
  fileMode?: number;
  /** POSIX_FADV_* advice. */
  fadvise?: number;
  /** listen backlog. */
  backlog?: number;
  /** MSG_* flags for send/recv/sendmsg/recvmsg, or accept/socket flags. */
  msgFlags?: number;
  /** Kernel-provided buffer size for buffer-selected receives. */
  readBufferSize?: number;
  /** Write buffer sizing hint. */
  writeBufferSize?: number;
}

/**
 * An I/O priority from class (1 RT, 2 BE, 3 IDLE) and level (0..7).
 *
 * @example
 * ```ts
 * import { ioprioClass } from "@kernio/kernio/uring";
 * ioprioClass(2, 4); // best effort, level 4
 * ```
 */
export function ioprioClass(cls: number, level: number): number {
  if (!(Number.isInteger(cls) && cls >= 0 && cls <= 3)) {
    throw new RangeError(`ioprioClass: class must be 0..3, got ${cls}`);
  }
  if (!(Number.isInteger(level) && level >= 0 && level <= 7)) {
    throw new RangeError(`ioprioClass: level must be 0..7, got ${level}`);
  }
  return (cls << 13) | level;
}

/**
 * Ring sizing facts reported by the kernel at setup.
 *
 * @example
 * ```ts
 * import { Uring } from "@kernio/kernio/uring";
 * const ring = new Uring({ entries: 8 });
 * ring.features.cqEntries; // 16
 * ring.stop();
 * ```
 */
export interface Features {
  /** Actual SQ entries. */
  sqEntries: number;
  /** Actual CQ entries. */
  cqEntries: number;
  /** Width of an SQE slot in bytes (64 or 128). */
  sqeBytes: number;
  /** Byte order of user_data words. */
  userDataByteOrder: "little";
  /** IORING_SETUP_* flags the ring was created with. */
  setupFlags: number;
  /** IORING_FEAT_* bits reported by the kernel. */
  kernelFeatures: number;
}

/**
 * Options of {@linkcode Uring.waitAsync}.
 *
 * @example
 * ```ts
 * import { CQEView, Uring, type WaitAsyncOptions } from "@kernio/kernio/uring";
 * const ring = new Uring({ entries: 8 });
 * ring.start();
 * const opts: WaitAsyncOptions = { timeoutMs: 10 };
 * await ring.waitAsync(CQEView.array(4), opts); // 0: nothing completed
 * ring.stop();
 * ```
 */
export interface WaitAsyncOptions {
  /** Give up after this many milliseconds (resolves 0). */
  timeoutMs?: number;
  /** Abort the wait (rejects with the signal's reason). */
  signal?: AbortSignal;
}

const encoder = new TextEncoder();

function cstring(where: string, s: string | Uint8Array): Uint8Array {
  if (typeof s === "string") {
    if (s.includes("\0")) {
      throw new TypeError(`${where}: string contains a NUL byte`);
    }
    const b = new Uint8Array(s.length * 3 + 1);
    const { written } = encoder.encodeInto(s, b);
    return b.subarray(0, written + 1);
  }
  if (
    !(s instanceof Uint8Array) || s.byteLength === 0 ||
    s[s.byteLength - 1] !== 0
  ) {
    throw new TypeError(
      `${where}: expected a string or a NUL-terminated Uint8Array`,
    );
  }
  return s;
}

function checkBuf(where: string, b: unknown): asserts b is ArrayBufferView {
  if (!ArrayBuffer.isView(b)) {
    throw new TypeError(`${where}: expected a TypedArray or DataView`);
  }
}

function checkLen(
  where: string,
  b: ArrayBufferView,
  n: number | undefined,
): number {
  if (n === undefined) return b.byteLength;
  if (!(Number.isInteger(n) && n >= 0 && n <= b.byteLength)) {
    throw new RangeError(`${where}: n=${n} outside 0..${b.byteLength}`);
  }
  return n;
}

function checkU32(where: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
    throw new RangeError(`${where}: expected a u32, got ${v}`);
  }
}

function checkInt32(where: string, v: number): void {
  if (!(Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff)) {
    throw new RangeError(`${where}: expected an int32, got ${v}`);
  }
}

function checkMs(where: string, ms: number): void {
  if (!(typeof ms === "number" && ms >= 0 && Number.isFinite(ms))) {
    throw new RangeError(
      `${where}: duration must be a finite number of ms >= 0, got ${ms}`,
    );
  }
}

const OPT_RANGES: [keyof OpOptions, number, number][] = [
  ["flags", 0, 0xff],
  ["ioprio", 0, 0xffff],
  ["personality", 0, 0xffff],
  ["fileIndex", 0, 0xffffffff],
  ["offset", -1, Number.MAX_SAFE_INTEGER],
  ["n", 0, 0xffffffff],
  ["count", 0, 0xffffffff],
  ["timeoutFlags", 0, 0xffffffff],
  ["spliceFlags", 0, 0xffffffff],
  ["fsyncFlags", 0, 0xffffffff],
  ["fileMode", 0, 0xffffffff],
  ["fadvise", 0, 0xffffffff],
  ["backlog", -0x80000000, 0x7fffffff],
  ["msgFlags", -0x80000000, 0xffffffff],
  ["readBufferSize", 0, 0xffffffff],
  ["writeBufferSize", 0, 0xffffffff],
];

function checkOpOptions(op: string, o: OpOptions): void {
  if (typeof o !== "object" || o === null) {
    throw new TypeError(`${op}: options must be an object`);
  }
  for (const [k, min, max] of OPT_RANGES) {
    const v = o[k];
    if (v === undefined) continue;
    if (
      !(typeof v === "number" && Number.isInteger(v) && v >= min && v <= max)
    ) {
      throw new RangeError(
        `${op}: options.${k} must be an integer in ${min}..${max}, got ${v}`,
      );
    }
  }
}

function checkViews(
  where: string,
  cqes: unknown[],
  cls: abstract new () => unknown,
): void {
  // Constructor compare first: a map check, where instanceof walks the
  // prototype chain on every wait.
  const first = Array.isArray(cqes) && cqes.length !== 0 ? cqes[0] : undefined;
  if (
    (first as { constructor?: unknown } | undefined)?.constructor === cls ||
    first instanceof cls
  ) return;
  throw new TypeError(
    `${where}: expected a non-empty array of ${cls.name} (see ${cls.name}.array(n))`,
  );
}

function addrOf(b: ArrayBufferView): number {
  return b.byteLength === 0 ? 0 : unsafeAddressOf(b);
}

/**
 * An io_uring instance. Created disabled (IORING_SETUP_R_DISABLED);
 * `start()` registers resources and enables it; `stop()` tears it down.
 *
 * Single-issuer by default (SINGLE_ISSUER + DEFER_TASKRUN): the thread
 * that starts the ring must do all submissions and waits, which in Deno is
 * the JS thread. Prep methods write SQEs straight into the mmap'd SQE array
 * and return true, or false when the SQ is full even after flushing
 * (would-block as a value). Nothing reaches the kernel until `submit()` or
 * a wait, so a batch costs one io_uring_enter.
 *
 * @example
 * ```ts
 * import { CQEView, forFD, Uring } from "@kernio/kernio/uring";
 * const ring = new Uring({ entries: 64 });
 * ring.start();
 * ring.nop(forFD(0));
 * const cqes = CQEView.array(8);
 * const n = ring.wait(cqes); // 1
 * ring.stop();
 * ```
 */
export class Uring {
  /** The resolved options. */
  readonly options: Readonly<Options>;
  /** Ring sizing reported by the kernel. */
  readonly features: Readonly<Features>;

  #fd: number;
  #params = new Uint8Array(120);
  #setupFlags: number;
  #started = false;
  #closed = false;
  #deferTaskrun: boolean;
  #atomic: boolean; // multi-issuer: Atomics for CQ/SQ indices
  #enterGetevents: number;
  #stripSkip: boolean;

  #ringMap: Mapping | null = null;
  #sqeMap: Mapping | null = null;
  #u32: Uint32Array = new Uint32Array(0);
  #i32: Int32Array = new Int32Array(0);
  #sqe: Uint32Array = new Uint32Array(0);
  #sqe64: Float64Array = new Float64Array(0); // 8-byte zeroing of SQE words
  #stride = 16;
  #strideShift = 4;
  #cap = 0; // SQ entries while open, 0 once stopped
  // (#head + #cap) >>> 0: the SQ is full when #tail reaches it; equal to
  // #tail once stopped, so the NOP fast path needs one compare.
  #sqLimit = 0;
  #sqHeadW = 0;
  #sqTailW = 0;
  #sqFlagsW = 0;
  #sqMask = 0;
  #sqEntries = 0;
  #cqHeadW = 0;
  #cqTailW = 0;
  #cqOverflowW = 0;
  #cqesW = 0;
  #cqMask = 0;
  #cqEntries = 0;
  #cqeShift = 2; // words per CQE = 1 << shift (4, or 8 with CQE32)

  #tail = 0; // next SQE to fill (local)
  #head = 0; // SQEs consumed by the kernel
  #published = 0; // tail value last stored to the kernel
  #cqHead = 0;

  #pins: PinTable;
  #pinnedSlots = new Int32Array(64); // SQEs with pins, not yet published
  #pinnedN = 0;
  // Per SQ slot: 0x100 | flags when the slot holds a NOP template, else 0.
  #slotKind: Uint16Array = new Uint16Array(0);
  // NOP flags every SQ slot holds a template for (-1: not known), set once
  // #nopRun consecutive template claims with #nopRunFlags cover the SQ: the
  // NOP fast path then skips the per-slot #slotKind lookup.
  #nopAll = -1;
  #nopRun = 0;
  #nopRunFlags = -1;
  #scratch: Uint8Array = new Uint8Array(0); // 16 B per SQ slot (timespecs)
  #scratchU32: Uint32Array = new Uint32Array(0);
  #scratchAddr = 0;
  #getArg = new Uint8Array(24); // struct io_uring_getevents_arg
  #waitTs = new Uint8Array(16);
  #waitTsU32 = new Uint32Array(this.#waitTs.buffer);
  #pools: ContextPools;

  #eventfd = -1;
  #ownEventfd = false;
  #cancelFd = -1;
  #pollFds: PollFds | null = null;
  #asyncWaiting = false;
  #efdBuf = new Uint8Array(8);

  #regBufMap: Mapping | null = null;
  #regBufs: Uint8Array[] = [];
  #regBufIovecs: Iovecs | null = null;
  #regFiles = 0;
  #buffers: RingBuffers = NO_RING_BUFFERS;

  /** Creates a disabled ring (call start() before submitting). */
  constructor(options?: Partial<Options>) {
    const o = resolveOptions(options);
    this.options = Object.freeze({
      ...o,
      bufferGroups: Object.freeze({ ...o.bufferGroups }),
    });
    let flags = IORING_SETUP.R_DISABLED | IORING_SETUP.SUBMIT_ALL |
      IORING_SETUP.CLAMP;
    if (o.multiIssuers) {
      flags |= IORING_SETUP.COOP_TASKRUN | IORING_SETUP.TASKRUN_FLAG;
    } else {
      flags |= IORING_SETUP.SINGLE_ISSUER | IORING_SETUP.DEFER_TASKRUN;
    }
    if (!o.indirectSubmissionQueue) flags |= IORING_SETUP.NO_SQARRAY;
    if (o.sqe128) flags |= IORING_SETUP.SQE128;
    if (o.hybridPolling) {
      flags |= IORING_SETUP.IOPOLL | IORING_SETUP.HYBRID_IOPOLL;
    }
    if (o.cqEntries !== 0) flags |= IORING_SETUP.CQSIZE;
    const dv = new DataView(this.#params.buffer);
    dv.setUint32(4, o.cqEntries, true);
    dv.setUint32(8, flags, true);
    const fd = ioUringSetup(o.entries, this.#params);
    if (fd < 0) throw uringError("io_uring_setup", fd);
    this.#fd = fd;
    this.#setupFlags = flags;
    this.#deferTaskrun = !o.multiIssuers;
    this.#atomic = o.multiIssuers;
    this.#enterGetevents = this.#deferTaskrun ? IORING_ENTER.GETEVENTS : 0;
    this.#stripSkip = o.notifySucceed;
    try {
      this.#map();
    } catch (e) {
      this.#unmap();
      closeFd(fd);
      if (
        e instanceof Deno.errors.NotCapable ||
        e instanceof Deno.errors.PermissionDenied
      ) {
        // Views over the mmap'd rings come from Deno.UnsafePointer, which
        // checks the whole FFI permission, not a library path.
        throw new UringError(
          "mmap rings",
          -1,
          "uring: mapping the rings needs unscoped --allow-ffi " +
            "(Deno.UnsafePointer checks the whole FFI permission)",
        );
      }
      throw e;
    }
    this.features = {
      sqEntries: this.#sqEntries,
      cqEntries: this.#cqEntries,
      sqeBytes: o.sqe128 ? 128 : 64,
      userDataByteOrder: "little",
      setupFlags: flags,
      kernelFeatures: dv.getUint32(20, true),
    };
    this.#pins = new PinTable(this.#cqEntries * 2);
    this.#pools = new ContextPools(Math.min(this.#sqEntries, 4096));
    const ga = new DataView(this.#getArg.buffer);
    const tsAddr = unsafeAddressOf(this.#waitTs);
    ga.setUint32(8, 8, true); // sigmask_sz (ignored with a null sigmask)
    ga.setUint32(16, tsAddr >>> 0, true);
    ga.setUint32(20, Math.floor(tsAddr / TWO32), true);
  }

  // Maps the SQ/CQ rings (one mapping: IORING_FEAT_SINGLE_MMAP) and the SQE
  // array, and derives word indices. Also used after resizeRings.
  #map(): void {
    const dv = new DataView(this.#params.buffer);
    const sqEntries = dv.getUint32(0, true);
    const cqEntries = dv.getUint32(4, true);
    const cqe32 = (this.#setupFlags & IORING_SETUP.CQE32) !== 0;
    const cqeBytes = cqe32 ? 32 : 16;
    const noArray = (this.#setupFlags & IORING_SETUP.NO_SQARRAY) !== 0;
    const sqArrayOff = dv.getUint32(64, true);
    const cqesOff = dv.getUint32(100, true);
    const sqSize = noArray ? 0 : sqArrayOff + sqEntries * 4;
    const cqSize = cqesOff + cqEntries * cqeBytes;
    const ringSize = Math.max(sqSize, cqSize);
    this.#ringMap = new Mapping(
      ringSize,
      PROT_RW,
      MAP_SHARED_POPULATE,
      this.#fd,
      IORING_OFF_SQ_RING,
    );
    const sqeBytes = (this.#setupFlags & IORING_SETUP.SQE128) !== 0 ? 128 : 64;
    this.#sqeMap = new Mapping(
      sqEntries * sqeBytes,
      PROT_RW,
      MAP_SHARED_POPULATE,
      this.#fd,
      IORING_OFF_SQES,
    );
    this.#u32 = new Uint32Array(this.#ringMap.buffer);
    this.#i32 = new Int32Array(this.#ringMap.buffer);
    this.#sqe = new Uint32Array(this.#sqeMap.buffer);
    this.#sqe64 = new Float64Array(this.#sqeMap.buffer);
    this.#stride = sqeBytes / 4;
    this.#strideShift = sqeBytes === 128 ? 5 : 4;
    this.#sqHeadW = dv.getUint32(40, true) / 4;
    this.#sqTailW = dv.getUint32(44, true) / 4;
    this.#sqMask = this.#u32[dv.getUint32(48, true) / 4];
    this.#sqEntries = sqEntries;
    this.#cap = sqEntries;
    this.#sqFlagsW = dv.getUint32(56, true) / 4;
    this.#cqHeadW = dv.getUint32(80, true) / 4;
    this.#cqTailW = dv.getUint32(84, true) / 4;
    this.#cqMask = this.#u32[dv.getUint32(88, true) / 4];
    this.#cqEntries = cqEntries;
    this.#cqOverflowW = dv.getUint32(96, true) / 4;
    this.#cqesW = cqesOff / 4;
    this.#cqeShift = cqe32 ? 3 : 2;
    if (!noArray) {
      // Identity SQ array: slot k is always SQE k, so it is filled once.
      const a = sqArrayOff / 4;
      for (let k = 0; k < sqEntries; k++) this.#u32[a + k] = k;
    }
    this.#tail = this.#head = this.#published = Atomics.load(
      this.#u32,
      this.#sqTailW,
    );
    this.#sqLimit = (this.#head + this.#cap) >>> 0;
    this.#cqHead = Atomics.load(this.#u32, this.#cqHeadW);
    this.#scratch = new Uint8Array(sqEntries * 16);
    this.#slotKind = new Uint16Array(sqEntries);
    this.#nopAll = -1;
    this.#nopRun = 0;
    this.#scratchU32 = new Uint32Array(this.#scratch.buffer);
    this.#scratchAddr = unsafeAddressOf(this.#scratch);
  }

  #unmap(): void {
    this.#sqeMap?.close();
    this.#ringMap?.close();
    this.#sqeMap = null;
    this.#ringMap = null;
  }

  #check(op: string): void {
    if (this.#closed) throw new RingClosedError(op);
  }

  /** The ring file descriptor (for MSG_RING targets and register calls). */
  get fd(): number {
    this.#check("fd");
    return this.#fd;
  }

  /** Same as `fd` (the spec's RingFD). */
  ringFD(): number {
    return this.fd;
  }

  /**
   * The buffers the options describe, registered by start(): the
   * read-buffer group, the multi-size groups and the write-buffer pool
   * (each null when its options are 0).
   */
  get buffers(): RingBuffers {
    this.#check("buffers");
    return this.#buffers;
  }

  /** Whether start() succeeded. */
  get started(): boolean {
    return this.#started;
  }

  /** Whether stop() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Registers the configured resources (registered buffers from
   * lockedBufferMem and writeBufferNum, provided-buffer groups from
   * readBufferNum and multiSizeBuffer; see {@linkcode Uring.buffers}) and
   * enables the ring. The JS thread becomes the
   * ring's single issuer.
   */
  start(): void {
    this.#check("start");
    if (this.#started) {
      throw new UringError("start", 0, "uring: start: ring already started");
    }
    const mem = this.options.lockedBufferMem;
    const bufs: Uint8Array[] = [];
    let map: Mapping | null = null;
    if (mem > 0) {
      let piece = REGISTER_BUFFER_SIZE;
      // The kernel registers at most 16384 buffers: larger budgets get
      // larger (still page-multiple) pieces.
      while (Math.floor(mem / piece) > MAX_REG_BUFFERS) piece *= 2;
      const count = Math.floor(mem / piece);
      if (count > 0) {
        map = Mapping.anonymous(count * piece);
        for (let k = 0; k < count; k++) {
          bufs.push(new Uint8Array(map.buffer, k * piece, piece));
        }
      }
    }
    let owned: RingBuffers | null = null;
    try {
      // Provided-buffer groups and write buffers from the options.
      const a = allocateRingBuffers(this.#fd, this.options, bufs.length);
      owned = a.buffers;
      bufs.push(...a.writeViews);
      if (bufs.length > 0) this.#registerBufferList(bufs);
    } catch (e) {
      owned?._close();
      map?.close();
      throw e;
    }
    this.#regBufMap = map;
    this.#buffers = owned;
    reg.enableRings(this.#fd);
    this.#started = true;
  }

  /**
   * Tears the ring down: closes its eventfds and fd, unmaps the rings and
   * registered buffers (detaching every view), releases pins and the
   * ring's context pools. Idempotent. Drain in-flight operations first:
   * the kernel cancels what is left.
   */
  stop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cap = 0;
    this.#sqLimit = this.#tail;
    if (this.#asyncWaiting && this.#cancelFd >= 0) {
      // A parked waitAsync owns the eventfds until its poll returns; wake it.
      writeFd(this.#cancelFd, ONE);
    } else {
      this.#closeEventfds();
    }
    // Unregistered while the fd still names this ring (a closed fd number
    // can be reused at once).
    const buffers = this.#buffers;
    this.#buffers = NO_RING_BUFFERS;
    try {
      buffers._close();
    } catch {
      // The kernel drops the groups with the ring fd anyway.
    }
    closeFd(this.#fd);
    this.#unmap();
    this.#regBufMap?.close();
    this.#regBufMap = null;
    this.#regBufs = [];
    this.#regBufIovecs = null;
    this.#u32 = new Uint32Array(0);
    this.#i32 = new Int32Array(0);
    this.#sqe = new Uint32Array(0);
    this.#sqe64 = new Float64Array(0);
    this.#pins.clear();
    this.#pools.close();
  }

  /** Same as stop(). */
  [Symbol.dispose](): void {
    this.stop();
  }

  #closeEventfds(): void {
    if (this.#ownEventfd && this.#eventfd >= 0) closeFd(this.#eventfd);
    if (this.#cancelFd >= 0) closeFd(this.#cancelFd);
    this.#eventfd = -1;
    this.#cancelFd = -1;
    this.#ownEventfd = false;
  }

  // ---- low-level accessors (for prep helpers outside this module) ----------

  /**
   * The SQE array as u32 words (SQE_WORD indices from a getSqe() result).
   * Re-read after resizeRings; empty (detached) after stop.
   */
  get sqeWords(): Uint32Array {
    this.#check("sqeWords");
    // Whoever holds the words may write any slot: drop the NOP templates.
    this.#slotKind.fill(0);
    this.#nopAll = -1;
    this.#nopRun = 0;
    return this.#sqe;
  }

  /**
   * Claims the next SQE slot and returns the word index of its first word
   * in `sqeWords`, or -1 if the SQ is full even after flushing. The slot
   * content is stale: fill every word (the P.prep* functions do).
   */
  getSqe(): number {
    return this.#claim("getSqe");
  }

  // Hot path: one compare against #cap, which stop() zeroes so that a
  // closed ring always takes the slow path (and throws there).
  #claim(op: string): number {
    const tail = this.#tail;
    if (((tail - this.#head) >>> 0) >= this.#cap) return this.#claimSlow(op);
    this.#tail = (tail + 1) >>> 0;
    const slot = tail & this.#sqMask;
    this.#slotKind[slot] = 0; // whoever claims it rewrites the slot
    this.#nopAll = -1;
    this.#nopRun = 0;
    return slot << this.#strideShift;
  }

  // Validates the context and options before a slot is claimed, so a bad
  // argument never leaves a half-written SQE in the queue.
  #claimFor(op: string, ctx: SQEContext, o: OpOptions | undefined): number {
    if (!(ctx instanceof SQEContext)) {
      throw new TypeError(`${op}: ctx must be an SQEContext`);
    }
    if (o !== undefined) checkOpOptions(op, o);
    return this.#claim(op);
  }

  #claimSlow(op: string): number {
    if (this.#closed) throw new RingClosedError(op);
    if (this.#started) this.submit();
    if (((this.#tail - this.#head) >>> 0) >= this.#cap) return -1;
    return this.#claim(op);
  }

  /**
   * Finishes an SQE filled by a prep function: merges the context's and
   * options' flags, ioprio and personality, writes user_data, copies the SQE
   * into an indirect/extended slot, and pins `keepA`/`keepB` until the final
   * CQE. For prep helpers living outside this module.
   */
  finishSqe(
    i: number,
    op: number,
    ctx: SQEContext,
    o: OpOptions | undefined,
    keepA?: unknown,
    keepB?: unknown,
  ): void {
    this.#finish(i, op, ctx, o, keepA, keepB);
  }

  /**
   * Keeps `obj` alive until the final CQE whose user_data equals `ctx`
   * exactly (for buffers referenced by hand-written SQEs; note that the
   * prep methods write direct contexts with the op and merged SQE flags
   * filled in, so pass that value). Counts as one expected completion.
   */
  keepAlive(ctx: SQEContext, obj: unknown): void {
    this.#check("keepAlive");
    if (!(ctx instanceof SQEContext)) {
      throw new TypeError("keepAlive: ctx must be an SQEContext");
    }
    this.#pins.pin(ctx.lo, ctx.hi, obj, undefined);
  }

  /**
   * Distinct user_data values whose JS objects (buffers, paths, msghdrs)
   * are pinned until their final CQE: 0 once everything completed.
   */
  get pinnedKeys(): number {
    return this.#pins.keys;
  }

  /** The fd prep methods use for `ctx`. */
  #fdOf(ctx: SQEContext): number {
    if (!(ctx instanceof SQEContext)) {
      throw new TypeError("ctx must be an SQEContext");
    }
    const hi = ctx.hi;
    if (hi >>> 30 === 0) return (hi << 2) >> 2;
    return slotOf(ctx.lo, hi).sqeU32[1] | 0;
  }

  #finish(
    i: number,
    op: number,
    ctx: SQEContext,
    o: OpOptions | undefined,
    keepA: unknown,
    keepB: unknown,
  ): void {
    const w = this.#sqe;
    const lo = ctx.lo;
    const hi = ctx.hi;
    const mode = hi >>> 30;
    const head = w[i];
    let flags = (head >>> 8) & 0xff;
    let ioprio = head >>> 16;
    if (o !== undefined) {
      if (o.flags !== undefined) flags |= o.flags & 0xff;
      if (o.ioprio !== undefined) ioprio |= o.ioprio & 0xffff;
      if (o.personality !== undefined) {
        w[i + 10] = (w[i + 10] & 0xffff) | ((o.personality & 0xffff) << 16);
      }
    }
    let udLo = lo;
    if (mode === 0) {
      flags |= (lo >>> 8) & 0xff;
      if (this.#stripSkip) flags &= ~IOSQE_CQE_SKIP_SUCCESS;
      if ((flags & IOSQE_BUFFER_SELECT) !== 0) {
        w[i + 10] = (w[i + 10] & 0xffff0000) | (lo >>> 16);
      }
      udLo = ((lo & 0xffff0000) | op | (flags << 8)) >>> 0;
    } else {
      if (this.#stripSkip) flags &= ~IOSQE_CQE_SKIP_SUCCESS;
    }
    w[i] = (head & 0xff) | (flags << 8) | (ioprio << 16);
    w[i + 8] = udLo;
    w[i + 9] = hi;
    if (mode !== 0) {
      const s = slotOf(lo, hi).sqeU32;
      for (let k = 0; k < 16; k++) s[k] = w[i + k];
    }
    if (keepA !== undefined || keepB !== undefined) {
      this.#pins.pin(udLo, hi, keepA, keepB);
      // Remembered until published, so cancelPending can unpin.
      if (this.#pinnedN === this.#pinnedSlots.length) this.#growPinned();
      this.#pinnedSlots[this.#pinnedN++] = i;
    }
  }

  // Writes a relative or absolute time in ms into the scratch timespec of
  // the SQE at word index i and returns its address. The kernel copies the
  // timespec during submission, before the slot can be reused.
  #ts(i: number, ms: number): number {
    const slot = i / this.#stride;
    const sec = Math.floor(ms / 1000);
    const nsec = Math.round((ms - sec * 1000) * 1e6);
    const s = this.#scratchU32;
    const k = slot * 4;
    s[k] = sec >>> 0;
    s[k + 1] = Math.floor(sec / TWO32);
    s[k + 2] = nsec >= 1e9 ? 999999999 : nsec;
    s[k + 3] = 0;
    return this.#scratchAddr + slot * 16;
  }

  // ---- submission and completion -------------------------------------------

  /** SQEs prepared but not yet consumed by the kernel. */
  get pending(): number {
    return (this.#tail - this.#head) >>> 0;
  }

  /** Free SQ slots. */
  sqAvailable(): number {
    this.#check("sqAvailable");
    return this.#sqEntries - ((this.#tail - this.#head) >>> 0);
  }

  /** CQEs waiting to be reaped. */
  cqPending(): number {
    this.#check("cqPending");
    return (Atomics.load(this.#u32, this.#cqTailW) - this.#cqHead) >>> 0;
  }

  /** Completions the kernel dropped (cq.overflow counter). */
  cqOverflowCount(): number {
    this.#check("cqOverflowCount");
    return Atomics.load(this.#u32, this.#cqOverflowW);
  }

  /**
   * Drops SQEs prepared since the last submission (they never reach the
   * kernel) and releases their pins. Returns how many were dropped.
   */
  cancelPending(): number {
    this.#check("cancelPending");
    const n = (this.#tail - this.#published) >>> 0;
    const w = this.#sqe;
    for (let k = 0; k < this.#pinnedN; k++) {
      const i = this.#pinnedSlots[k];
      this.#pins.complete(w[i + 8], w[i + 9]);
    }
    this.#pinnedN = 0;
    this.#tail = this.#published;
    this.#nopRun = 0; // rewound slots would count twice
    return n;
  }

  #growPinned(): void {
    const a = new Int32Array(this.#pinnedSlots.length * 2);
    a.set(this.#pinnedSlots);
    this.#pinnedSlots = a;
  }

  /**
   * Publishes prepared SQEs and submits them with one io_uring_enter (on
   * single-issuer rings it also runs deferred task work). Returns the
   * number submitted; 0 when the kernel pushes back (EAGAIN/EBUSY: reap
   * completions, then retry).
   */
  submit(): number {
    if (this.#closed) throw new RingClosedError("submit");
    if (!this.#started) {
      throw new UringError(
        "submit",
        0,
        "uring: submit: ring not started (call start())",
      );
    }
    const n = (this.#tail - this.#head) >>> 0;
    if (this.#published !== this.#tail) {
      // Release: SQE contents become visible before the new tail.
      if (this.#atomic) Atomics.store(this.#u32, this.#sqTailW, this.#tail);
      else this.#u32[this.#sqTailW] = this.#tail;
      this.#published = this.#tail;
      this.#pinnedN = 0;
    }
    if (n === 0) return 0;
    let r = ioUringEnter4(this.#fd, n, 0, this.#enterGetevents);
    if (r === EINTR) r = ioUringEnter4(this.#fd, n, 0, this.#enterGetevents);
    if (r < 0) {
      if (r === EAGAIN || r === EBUSY || r === EINTR) return 0;
      throw uringError("io_uring_enter", r);
    }
    this.#head = (this.#head + r) >>> 0;
    this.#sqLimit = (this.#head + this.#cap) >>> 0;
    return r;
  }

  // Runs deferred task work / flushes the overflow list.
  #getevents(): void {
    const r = ioUringEnter4(this.#fd, 0, 0, IORING_ENTER.GETEVENTS);
    if (r < 0 && r !== EINTR && r !== EAGAIN && r !== EBUSY && r !== ETIME) {
      throw uringError("io_uring_enter", r);
    }
  }

  // Nothing visible: report an overflow, or run task work and look again.
  #idle(): boolean {
    const sqFlags = this.#u32[this.#sqFlagsW];
    if ((sqFlags & IORING_SQ_CQ_OVERFLOW) !== 0) {
      this.#getevents();
      throw new CQOverflowError(this.cqPending());
    }
    if (this.#deferTaskrun || (sqFlags & IORING_SQ_TASKRUN) !== 0) {
      this.#getevents();
      return true;
    }
    return false;
  }

  /**
   * Flushes pending submissions, runs deferred task work, and copies up to
   * `cqes.length` completions into the given reusable views. Returns the
   * count; 0 means nothing is ready yet (a value, not an error). Throws
   * CQOverflowError when the CQ overflowed and nothing was claimable.
   * Never blocks.
   */
  wait(cqes: CQEView[]): number {
    if (this.#closed) throw new RingClosedError("wait");
    checkViews("wait", cqes, CQEView);
    if (this.#tail !== this.#head) this.submit();
    const n = this.#reap(cqes);
    if (n !== 0 || !this.#idle()) return n;
    return this.#reap(cqes);
  }

  #reap(cqes: CQEView[]): number {
    const u32 = this.#u32;
    const head = this.#cqHead;
    // Acquire: CQE contents are valid once the tail is seen.
    const tail = this.#atomic
      ? Atomics.load(u32, this.#cqTailW)
      : u32[this.#cqTailW];
    let n = (tail - head) >>> 0;
    if (n === 0) return 0;
    if (n > cqes.length) n = cqes.length;
    const i32 = this.#i32;
    const mask = this.#cqMask;
    const base = this.#cqesW;
    const shift = this.#cqeShift;
    const pins = this.#pins;
    if (pins.keys === 0) {
      // Nothing pinned (the NOP/benchmark case): a plain copy, walking the
      // CQE words with one wrap check instead of masking every index.
      const step = 1 << shift;
      const end = base + ((mask + 1) << shift);
      let w = base + ((head & mask) << shift);
      for (let k = 0; k < n; k++) {
        const v = cqes[k];
        v.userDataLo = u32[w];
        v.userDataHi = u32[w + 1];
        v.res = i32[w + 2];
        v.flags = u32[w + 3];
        w += step;
        if (w === end) w = base;
      }
    } else {
      for (let k = 0; k < n; k++) {
        const w = base + (((head + k) & mask) << shift);
        const v = cqes[k];
        const lo = u32[w];
        const hi = u32[w + 1];
        const flags = u32[w + 3];
        v.userDataLo = lo;
        v.userDataHi = hi;
        v.res = i32[w + 2];
        v.flags = flags;
        if (pins.keys !== 0 && (flags & 2) === 0) pins.complete(lo, hi);
      }
    }
    const nh = (head + n) >>> 0;
    this.#cqHead = nh;
    // Release: the slots are free for the kernel only after we read them.
    if (this.#atomic) Atomics.store(u32, this.#cqHeadW, nh);
    else u32[this.#cqHeadW] = nh;
    return n;
  }

  /**
   * wait() for rings that only use direct contexts: fields are decoded
   * straight into DirectCQE objects, without the mode dispatch.
   */
  waitDirect(cqes: DirectCQE[]): number {
    if (this.#closed) throw new RingClosedError("waitDirect");
    checkViews("waitDirect", cqes, DirectCQE);
    if (this.#tail !== this.#head) this.submit();
    const n = this.#reapDirect(cqes);
    if (n !== 0 || !this.#idle()) return n;
    return this.#reapDirect(cqes);
  }

  #reapDirect(cqes: DirectCQE[]): number {
    const u32 = this.#u32;
    const head = this.#cqHead;
    const tail = this.#atomic
      ? Atomics.load(u32, this.#cqTailW)
      : u32[this.#cqTailW];
    let n = (tail - head) >>> 0;
    if (n === 0) return 0;
    if (n > cqes.length) n = cqes.length;
    const i32 = this.#i32;
    const mask = this.#cqMask;
    const base = this.#cqesW;
    const shift = this.#cqeShift;
    const pins = this.#pins;
    for (let k = 0; k < n; k++) {
      const w = base + (((head + k) & mask) << shift);
      const v = cqes[k];
      const lo = u32[w];
      const hi = u32[w + 1];
      const flags = u32[w + 3];
      v.res = i32[w + 2];
      v.flags = flags;
      v.op = lo & 0xff;
      v.sqeFlags = (lo >>> 8) & 0xff;
      v.bufGroup = lo >>> 16;
      v.fd = (hi << 2) >> 2;
      if (pins.keys !== 0 && (flags & 2) === 0) pins.complete(lo, hi);
    }
    const nh = (head + n) >>> 0;
    this.#cqHead = nh;
    if (this.#atomic) Atomics.store(u32, this.#cqHeadW, nh);
    else u32[this.#cqHeadW] = nh;
    return n;
  }

  /**
   * wait() for rings that only use extended contexts: each ExtCQE gets its
   * ExtSQE resolved (null for a completion whose context is not extended).
   */
  waitExtended(cqes: ExtCQE[]): number {
    if (this.#closed) throw new RingClosedError("waitExtended");
    checkViews("waitExtended", cqes, ExtCQE);
    if (this.#tail !== this.#head) this.submit();
    const n = this.#reapExt(cqes);
    if (n !== 0 || !this.#idle()) return n;
    return this.#reapExt(cqes);
  }

  #reapExt(cqes: ExtCQE[]): number {
    const u32 = this.#u32;
    const head = this.#cqHead;
    const tail = this.#atomic
      ? Atomics.load(u32, this.#cqTailW)
      : u32[this.#cqTailW];
    let n = (tail - head) >>> 0;
    if (n === 0) return 0;
    if (n > cqes.length) n = cqes.length;
    const i32 = this.#i32;
    const mask = this.#cqMask;
    const base = this.#cqesW;
    const shift = this.#cqeShift;
    const pins = this.#pins;
    for (let k = 0; k < n; k++) {
      const w = base + (((head + k) & mask) << shift);
      const v = cqes[k];
      const lo = u32[w];
      const hi = u32[w + 1];
      const flags = u32[w + 3];
      v.res = i32[w + 2];
      v.flags = flags;
      v.ext = hi >>> 30 === 2 ? (slotOf(lo, hi) as ExtSQE) : null;
      if (pins.keys !== 0 && (flags & 2) === 0) pins.complete(lo, hi);
    }
    const nh = (head + n) >>> 0;
    this.#cqHead = nh;
    if (this.#atomic) Atomics.store(u32, this.#cqHeadW, nh);
    else u32[this.#cqHeadW] = nh;
    return n;
  }

  /**
   * Blocking wait: submits and sleeps in io_uring_enter until at least
   * `minComplete` completions are ready or `timeoutMs` passes, then reaps.
   * BLOCKS THE CALLING THREAD (and so Deno's event loop): use waitAsync in
   * async code.
   */
  waitBlocking(cqes: CQEView[], minComplete = 1, timeoutMs?: number): number {
    if (this.#closed) throw new RingClosedError("waitBlocking");
    checkViews("waitBlocking", cqes, CQEView);
    if (!this.#started) {
      throw new UringError(
        "waitBlocking",
        0,
        "uring: waitBlocking: ring not started",
      );
    }
    if (
      !(Number.isInteger(minComplete) && minComplete >= 0 &&
        minComplete <= this.#cqEntries)
    ) {
      throw new RangeError(
        `waitBlocking: minComplete must be in 0..${this.#cqEntries}`,
      );
    }
    if (timeoutMs !== undefined) checkMs("waitBlocking", timeoutMs);
    if (this.#published !== this.#tail) {
      if (this.#atomic) Atomics.store(this.#u32, this.#sqTailW, this.#tail);
      else this.#u32[this.#sqTailW] = this.#tail;
      this.#published = this.#tail;
      this.#pinnedN = 0;
    }
    const ready = this.cqPending();
    if (ready < minComplete || this.#tail !== this.#head) {
      const toSubmit = (this.#tail - this.#head) >>> 0;
      let flags = IORING_ENTER.GETEVENTS;
      let arg: Uint8Array | null = null;
      let argsz = 0;
      if (timeoutMs !== undefined) {
        const sec = Math.floor(timeoutMs / 1000);
        this.#waitTsU32[0] = sec >>> 0;
        this.#waitTsU32[1] = Math.floor(sec / TWO32);
        this.#waitTsU32[2] = Math.round((timeoutMs - sec * 1000) * 1e6) % 1e9;
        this.#waitTsU32[3] = 0;
        flags |= IORING_ENTER.EXT_ARG;
        arg = this.#getArg;
        argsz = 24;
      }
      const want = ready >= minComplete ? 0 : minComplete;
      const r = ioUringEnter(this.#fd, toSubmit, want, flags, arg, argsz);
      if (r >= 0) {
        this.#head = (this.#head + Math.min(r, toSubmit)) >>> 0;
      } else if (r !== ETIME && r !== EINTR && r !== EAGAIN && r !== EBUSY) {
        throw uringError("io_uring_enter", r);
      } else {
        this.#head = Atomics.load(this.#u32, this.#sqHeadW);
      }
      this.#sqLimit = (this.#head + this.#cap) >>> 0;
    }
    return this.#reap(cqes);
  }

  /**
   * The eventfd the ring signals on completions (and, on single-issuer
   * rings, when deferred task work is queued). Created and registered on
   * first use; closed by stop().
   */
  eventfd(): number {
    this.#check("eventfd");
    if (this.#eventfd < 0) {
      const efd = eventfd2(0, EFD.NONBLOCK | EFD.CLOEXEC);
      if (efd < 0) throw uringError("eventfd", efd);
      try {
        reg.registerEventfd(this.#fd, efd);
      } catch (e) {
        closeFd(efd);
        throw e;
      }
      this.#eventfd = efd;
      this.#ownEventfd = true;
    }
    return this.#eventfd;
  }

  /** Registers a caller-owned eventfd (it stays open after stop). */
  registerEventfd(efd: number, asyncOnly = false): void {
    this.#check("registerEventfd");
    if (this.#eventfd >= 0) {
      throw new UringError(
        "registerEventfd",
        -16,
        "uring: registerEventfd: an eventfd is already registered",
      );
    }
    reg.registerEventfd(this.#fd, efd, asyncOnly);
    this.#eventfd = efd;
    this.#ownEventfd = false;
  }

  /** Unregisters the eventfd (closing it if the ring created it). */
  unregisterEventfd(): void {
    this.#check("unregisterEventfd");
    if (this.#asyncWaiting) {
      throw new UringError(
        "unregisterEventfd",
        -16,
        "uring: unregisterEventfd: a waitAsync is parked on it",
      );
    }
    if (this.#eventfd < 0) return;
    reg.unregisterEventfd(this.#fd);
    if (this.#ownEventfd) closeFd(this.#eventfd);
    this.#eventfd = -1;
    this.#ownEventfd = false;
  }

  /**
   * Waits for completions without blocking the event loop: polls the
   * ring's eventfd on Deno's blocking thread pool, then reaps on the JS
   * thread. Resolves with the count (0 on timeout); rejects with the
   * signal's reason on abort. One waitAsync at a time per ring.
   */
  async waitAsync(
    cqes: CQEView[],
    options: WaitAsyncOptions = {},
  ): Promise<number> {
    this.#check("waitAsync");
    if (this.#asyncWaiting) {
      throw new UringError(
        "waitAsync",
        -16,
        "uring: waitAsync: another waitAsync is in progress",
      );
    }
    const { timeoutMs, signal } = options;
    if (timeoutMs !== undefined) checkMs("waitAsync", timeoutMs);
    signal?.throwIfAborted();
    let n = this.wait(cqes);
    if (n !== 0) return n;
    const efd = this.eventfd();
    if (this.#cancelFd < 0) {
      const c = eventfd2(0, EFD.NONBLOCK | EFD.CLOEXEC);
      if (c < 0) throw uringError("eventfd", c);
      this.#cancelFd = c;
    }
    if (this.#pollFds === null) this.#pollFds = new PollFds(2);
    const pfds = this.#pollFds;
    pfds.set(0, efd, 0x1).set(1, this.#cancelFd, 0x1);
    const deadline = timeoutMs === undefined
      ? Infinity
      : performance.now() + timeoutMs;
    const cancelFd = this.#cancelFd;
    const onAbort = () => writeFd(cancelFd, ONE);
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#asyncWaiting = true;
    try {
      for (;;) {
        readFd(efd, this.#efdBuf); // reset before checking: no lost wakeup
        n = this.wait(cqes);
        if (n !== 0) return n;
        const left = deadline - performance.now();
        if (left <= 0) return 0;
        const ms = left === Infinity
          ? -1
          : Math.min(Math.ceil(left), 0x7fffffff);
        const r = await pollAsync(pfds.bytes, 2, ms);
        if (this.#closed) throw new RingClosedError("waitAsync");
        if (signal?.aborted) {
          readFd(cancelFd, this.#efdBuf);
          throw signal.reason;
        }
        if (r < 0 && r !== EINTR) throw uringError("poll", r);
        if (pfds.revents(1) !== 0) readFd(cancelFd, this.#efdBuf);
      }
    } finally {
      this.#asyncWaiting = false;
      signal?.removeEventListener("abort", onAbort);
      if (this.#closed) this.#closeEventfds();
    }
  }

  // ---- registration ----------------------------------------------------------

  /** Raw io_uring_register passthrough on this ring (typed error on failure). */
  register(opcode: number, arg: Uint8Array | null, nrArgs: number): number {
    this.#check("register");
    return reg.register(this.#fd, opcode, arg, nrArgs);
  }

  /** Registers a file table (use the indexes with IOSQE_FIXED_FILE). */
  registerFiles(fds: Int32Array | readonly number[]): void {
    this.#check("registerFiles");
    reg.registerFiles(this.#fd, fds);
    this.#regFiles = fds.length;
  }

  /** Registers `count` empty file slots. */
  registerFilesSparse(count: number): void {
    this.#check("registerFilesSparse");
    reg.registerFilesSparse(this.#fd, count);
    this.#regFiles = count;
  }

  /** Replaces registered file slots from `offset` (-1 clears). */
  registerFilesUpdate(
    offset: number,
    fds: Int32Array | readonly number[],
  ): number {
    this.#check("registerFilesUpdate");
    return reg.registerFilesUpdate(this.#fd, offset, fds);
  }

  /** Drops the registered file table. */
  unregisterFiles(): void {
    this.#check("unregisterFiles");
    reg.unregisterFiles(this.#fd);
    this.#regFiles = 0;
  }

  /** Size of the registered file table (0 if none). */
  registeredFileCount(): number {
    this.#check("registeredFileCount");
    return this.#regFiles;
  }

  #registerBufferList(bufs: Uint8Array[]): void {
    if (bufs.length === 0 || bufs.length > MAX_REG_BUFFERS) {
      throw new RangeError(
        `registerBuffers: 1..${MAX_REG_BUFFERS} buffers, got ${bufs.length}`,
      );
    }
    const iov = new Iovecs(Math.min(bufs.length, 1024));
    if (bufs.length <= 1024) {
      bufs.forEach((b, k) => iov.set(k, b));
      reg.registerBuffers(this.#fd, iov.bytes, bufs.length);
      this.#regBufIovecs = iov;
    } else {
      // Iovecs caps at IOV_MAX; build the larger array by hand.
      const raw = new Uint8Array(bufs.length * 16);
      const dv = new DataView(raw.buffer);
      bufs.forEach((b, k) => {
        const a = unsafeAddressOf(b);
        dv.setUint32(k * 16, a >>> 0, true);
        dv.setUint32(k * 16 + 4, Math.floor(a / TWO32), true);
        dv.setUint32(k * 16 + 8, b.byteLength, true);
      });
      reg.registerBuffers(this.#fd, raw, bufs.length);
    }
    this.#regBufs = bufs;
  }

  /**
   * Registers caller buffers for readFixed/writeFixed (kept alive by the
   * ring until unregisterBuffers or stop).
   */
  registerBuffers(bufs: readonly Uint8Array[]): void {
    this.#check("registerBuffers");
    if (!Array.isArray(bufs)) {
      throw new TypeError("registerBuffers: expected an array of Uint8Array");
    }
    for (const b of bufs) {
      if (!(b instanceof Uint8Array) || b.byteLength === 0) {
        throw new TypeError(
          "registerBuffers: every buffer must be a non-empty Uint8Array",
        );
      }
    }
    if (this.#regBufs.length !== 0) {
      throw new UringError(
        "registerBuffers",
        -16,
        "uring: registerBuffers: buffers already registered",
      );
    }
    this.#registerBufferList([...bufs]);
  }

  /** Unregisters the registered buffers (and unmaps ring-owned ones). */
  unregisterBuffers(): void {
    this.#check("unregisterBuffers");
    reg.unregisterBuffers(this.#fd);
    this.#regBufs = [];
    this.#regBufIovecs = null;
    this.#regBufMap?.close();
    this.#regBufMap = null;
  }

  /** Registered buffer `index` (shares memory with the kernel), or null. */
  registeredBuffer(index: number): Uint8Array | null {
    this.#check("registeredBuffer");
    return this.#regBufs[index] ?? null;
  }

  /** Number of registered buffers. */
  registeredBufferCount(): number {
    this.#check("registeredBufferCount");
    return this.#regBufs.length;
  }

  /** Opcode support via IORING_REGISTER_PROBE. */
  probe(): Probe {
    this.#check("probe");
    return probeOpcodes(this.#fd);
  }

  /** IORING_REGISTER_QUERY opcodes (NotSupportedError on kernels without it). */
  queryOpcodes(): QueryOpcode {
    this.#check("queryOpcodes");
    return queryOpcodes(this.#fd);
  }

  /** IORING_REGISTER_QUERY SQ/CQ facts (NotSupportedError without it). */
  querySCQ(): QuerySCQ {
    this.#check("querySCQ");
    return querySCQ(this.#fd);
  }

  /**
   * Resizes the SQ and CQ (IORING_REGISTER_RESIZE_RINGS; single-issuer
   * rings only). 0 keeps the SQ size; cq 0 means twice the SQ. Pending
   * SQEs are submitted first. Re-read `sqeWords` afterwards: the old views
   * are detached.
   */
  resizeRings(sqEntries: number, cqEntries = 0): void {
    this.#check("resizeRings");
    if (!this.#deferTaskrun) {
      throw new NotSupportedError(
        "resizeRings",
        "needs a single-issuer (DEFER_TASKRUN) ring",
        -22,
      );
    }
    const sq = sqEntries === 0 ? this.#sqEntries : sqEntries;
    for (
      const [n, v] of [["sqEntries", sq], ["cqEntries", cqEntries]] as const
    ) {
      if (
        !(Number.isInteger(v) && v >= 0 && v <= 65536 && (v & (v - 1)) === 0)
      ) {
        throw new RangeError(
          `resizeRings: ${n} must be a power of two, got ${v}`,
        );
      }
    }
    if (this.#tail !== this.#head) this.submit();
    if (this.#tail !== this.#head) {
      throw new UringError(
        "resizeRings",
        -16,
        "uring: resizeRings: SQEs still pending",
      );
    }
    const p = new Uint8Array(120);
    const dv = new DataView(p.buffer);
    dv.setUint32(0, sq, true);
    dv.setUint32(4, cqEntries, true);
    dv.setUint32(
      8,
      (cqEntries !== 0 ? IORING_SETUP.CQSIZE : 0) | IORING_SETUP.CLAMP,
      true,
    );
    const r = ioUringRegister(this.#fd, IORING_REGISTER.RESIZE_RINGS, p, 1);
    if (r < 0) throw uringError("resize rings", r);
    // The kernel copied pending entries into the new rings and wrote the new
    // sizes and offsets back into p: remap with them.
    const keep = new DataView(this.#params.buffer);
    for (let off = 0; off < 120; off += 4) {
      if (off === 8 || off === 20) continue; // setup flags and features stay
      keep.setUint32(off, dv.getUint32(off, true), true);
    }
    this.#unmap();
    this.#map();
    (this.features as Features).sqEntries = this.#sqEntries;
    (this.features as Features).cqEntries = this.#cqEntries;
  }

  /**
   * Clones registered buffers from another ring (IORING_REGISTER_CLONE_BUFFERS).
   */
  cloneBuffers(
    src: Uring | number,
    srcOff = 0,
    dstOff = 0,
    count = 0,
    replace = false,
  ): void {
    this.#check("cloneBuffers");
    const srcFd = typeof src === "number" ? src : src.fd;
    reg.cloneBuffers(
      this.#fd,
      srcFd,
      srcOff,
      dstOff,
      count,
      replace ? reg.IORING_REGISTER_CLONE.DST_REPLACE : 0,
    );
    if (typeof src !== "number") {
      const from = src.#regBufs;
      const n = count === 0 ? from.length - srcOff : count;
      const next = this.#regBufs.slice();
      for (let k = 0; k < n; k++) next[dstOff + k] = from[srcOff + k];
      this.#regBufs = next;
    }
  }

  // ---- context pools -----------------------------------------------------------

  /** The ring's own context pools (closed by stop). */
  get pools(): ContextPools {
    this.#check("pools");
    return this.#pools;
  }

  /** Borrows an ExtSQE from the ring's pool (null when exhausted). */
  extSQE(): ExtSQE | null {
    this.#check("extSQE");
    return this.#pools.extended();
  }

  /** Returns an ExtSQE to the ring's pool. */
  putExtSQE(ext: ExtSQE): void {
    this.#check("putExtSQE");
    this.#pools.putExtended(ext);
  }

  /** Borrows an IndirectSQE from the ring's pool (null when exhausted). */
  indirectSQE(): IndirectSQE | null {
    this.#check("indirectSQE");
    return this.#pools.indirect();
  }

  /** Returns an IndirectSQE to the ring's pool. */
  putIndirectSQE(s: IndirectSQE): void {
    this.#check("putIndirectSQE");
    this.#pools.putIndirect(s);
  }

  // ---- operations ----------------------------------------------------------------
  // Each method claims an SQE, fills it with the matching P.prep* function,
  // then #finish merges context/options. They return false when the SQ is
  // full even after a flush (would-block).

  /** IORING_OP_NOP. */
  nop(ctx: SQEContext, o?: OpOptions): boolean {
    // A constructor compare is a map check here, where instanceof walks
    // the prototype chain; anything else takes the checked slow path.
    if (
      o !== undefined || ctx === undefined || ctx === null ||
      ctx.constructor !== SQE_CONTEXT
    ) {
      return this.#nopSlow(ctx, o);
    }
    const tail = this.#tail;
    const hi = ctx.hi;
    const lo = ctx.lo;
    // Buffer select needs buf_group written, and CQE_SKIP_SUCCESS may need
    // stripping (notifySucceed): both go through #finish.
    if (
      tail === this.#sqLimit || hi >= 0x40000000 || (lo & NOP_SLOW_FLAGS) !== 0
    ) return this.#nopSlow(ctx, o);
    // The benchmarked path (room in the SQ, direct context, no options):
    // #claim, prepNop and #finish inlined, and kept small so V8 inlines it
    // into the caller. The kernel never writes SQEs, so a slot whose last
    // content was a NOP with the same flags only needs its user_data
    // rewritten (user_data: the context with op NOP = 0).
    this.#tail = (tail + 1) >>> 0;
    const slot = tail & this.#sqMask;
    const i = slot << this.#strideShift;
    const w = this.#sqe;
    w[i + 8] = lo & 0xffffff00;
    w[i + 9] = hi;
    // Last: the template never touches user_data, and nothing above has to
    // be re-checked after the (rare) call.
    const flags = (lo >>> 8) & 0xff;
    if (flags !== this.#nopAll) this.#nopTemplate(slot, flags);
    return true;
  }

  // Writes the NOP template into a slot unless #slotKind says it is there,
  // and tracks whether every slot now holds it (#nopAll).
  #nopTemplate(slot: number, flags: number): void {
    this.#nopAll = -1;
    if (flags === this.#nopRunFlags) {
      if (++this.#nopRun >= this.#sqEntries) this.#nopAll = flags;
    } else {
      this.#nopRunFlags = flags;
      this.#nopRun = 1;
    }
    if (this.#slotKind[slot] === (0x100 | flags)) return;
    const i = slot << this.#strideShift;
    const w = this.#sqe;
    const d = this.#sqe64;
    const j = i >> 1;
    w[i] = flags << 8;
    w[i + 1] = 0xffffffff;
    d[j + 1] = 0;
    d[j + 2] = 0;
    d[j + 3] = 0;
    d[j + 5] = 0;
    d[j + 6] = 0;
    d[j + 7] = 0;
    this.#slotKind[slot] = 0x100 | flags;
  }

  #nopSlow(ctx: SQEContext, o?: OpOptions): boolean {
    const i = this.#claimFor("nop", ctx, o);
    if (i < 0) return false;
    P.prepNop(this.#sqe, i);
    this.#finish(i, IORING_OP.NOP, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_NOP128 (needs a ring with sqe128). */
  nop128(ctx: SQEContext, o?: OpOptions): boolean {
    this.#need128("nop128");
    const i = this.#claimFor("nop128", ctx, o);
    if (i < 0) return false;
    P.prepNop128(this.#sqe, i);
    this.#finish(i, IORING_OP.NOP128, ctx, o, undefined, undefined);
    return true;
  }

  #need128(op: string): void {
    this.#check(op);
    if (this.#stride !== 32) {
      throw new NotSupportedError(op, "needs a ring created with sqe128: true");
    }
  }

  // Sockets

  /** IORING_OP_SOCKET with explicit domain/type/protocol (o.msgFlags: socket flags). */
  socketRaw(
    ctx: SQEContext,
    domain: number,
    type: number,
    protocol: number,
    o?: OpOptions,
  ): boolean {
    checkInt32("socketRaw domain", domain);
    checkInt32("socketRaw type", type);
    checkInt32("socketRaw protocol", protocol);
    const i = this.#claimFor("socket", ctx, o);
    if (i < 0) return false;
    P.prepSocket(this.#sqe, i, domain, type, protocol, o?.msgFlags ?? 0);
    this.#finish(i, IORING_OP.SOCKET, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_SOCKET into a direct slot (fileIndex; default IORING_FILE_INDEX_ALLOC). */
  socketDirect(
    ctx: SQEContext,
    domain: number,
    type: number,
    protocol: number,
    fileIndex: number = P.IORING_FILE_INDEX_ALLOC,
    o?: OpOptions,
  ): boolean {
    checkInt32("socketDirect domain", domain);
    checkInt32("socketDirect type", type);
    checkInt32("socketDirect protocol", protocol);
    checkU32("socketDirect fileIndex", fileIndex);
    if ((type & SOCK.CLOEXEC) !== 0) {
      throw new TypeError(
        "socketDirect: SOCK_CLOEXEC is not allowed for direct descriptors",
      );
    }
    const i = this.#claimFor("socketDirect", ctx, o);
    if (i < 0) return false;
    P.prepSocketDirect(
      this.#sqe,
      i,
      domain,
      type,
      protocol,
      fileIndex,
      o?.msgFlags ?? 0,
    );
    this.#finish(i, IORING_OP.SOCKET, ctx, o, undefined, undefined);
    return true;
  }

  /** TCP over IPv4 (SOCK_STREAM | SOCK_CLOEXEC). */
  tcp4Socket(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketRaw(
      ctx,
      AF.INET,
      SOCK.STREAM | SOCK.CLOEXEC,
      IPPROTO.TCP,
      o,
    );
  }
  /** TCP over IPv6. */
  tcp6Socket(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketRaw(
      ctx,
      AF.INET6,
      SOCK.STREAM | SOCK.CLOEXEC,
      IPPROTO.TCP,
      o,
    );
  }
  /** UDP over IPv4. */
  udp4Socket(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketRaw(
      ctx,
      AF.INET,
      SOCK.DGRAM | SOCK.CLOEXEC,
      IPPROTO.UDP,
      o,
    );
  }
  /** UDP over IPv6. */
  udp6Socket(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketRaw(
      ctx,
      AF.INET6,
      SOCK.DGRAM | SOCK.CLOEXEC,
      IPPROTO.UDP,
      o,
    );
  }
  /** UDP-Lite over IPv4. */
  udplite4Socket(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketRaw(
      ctx,
      AF.INET,
      SOCK.DGRAM | SOCK.CLOEXEC,
      IPPROTO.UDPLITE,
      o,
    );
  }
  /** UDP-Lite over IPv6. */
  udplite6Socket(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketRaw(
      ctx,
      AF.INET6,
      SOCK.DGRAM | SOCK.CLOEXEC,
      IPPROTO.UDPLITE,
      o,
    );
  }
  /** SCTP over IPv4 (one-to-one style; EPROTONOSUPPORT without SCTP). */
  sctp4Socket(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketRaw(
      ctx,
      AF.INET,
      SOCK.STREAM | SOCK.CLOEXEC,
      IPPROTO.SCTP,
      o,
    );
  }
  /** SCTP over IPv6. */
  sctp6Socket(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketRaw(
      ctx,
      AF.INET6,
      SOCK.STREAM | SOCK.CLOEXEC,
      IPPROTO.SCTP,
      o,
    );
  }
  /** Unix stream socket. */
  unixSocket(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketRaw(ctx, AF.UNIX, SOCK.STREAM | SOCK.CLOEXEC, 0, o);
  }
  /** TCP/IPv4 into a direct slot (o.fileIndex, default ALLOC). */
  tcp4SocketDirect(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketDirect(
      ctx,
      AF.INET,
      SOCK.STREAM,
      IPPROTO.TCP,
      o?.fileIndex,
      o,
    );
  }
  /** TCP/IPv6 into a direct slot. */
  tcp6SocketDirect(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketDirect(
      ctx,
      AF.INET6,
      SOCK.STREAM,
      IPPROTO.TCP,
      o?.fileIndex,
      o,
    );
  }
  /** UDP/IPv4 into a direct slot. */
  udp4SocketDirect(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketDirect(
      ctx,
      AF.INET,
      SOCK.DGRAM,
      IPPROTO.UDP,
      o?.fileIndex,
      o,
    );
  }
  /** UDP/IPv6 into a direct slot. */
  udp6SocketDirect(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketDirect(
      ctx,
      AF.INET6,
      SOCK.DGRAM,
      IPPROTO.UDP,
      o?.fileIndex,
      o,
    );
  }
  /** UDP-Lite/IPv4 into a direct slot. */
  udplite4SocketDirect(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketDirect(
      ctx,
      AF.INET,
      SOCK.DGRAM,
      IPPROTO.UDPLITE,
      o?.fileIndex,
      o,
    );
  }
  /** UDP-Lite/IPv6 into a direct slot. */
  udplite6SocketDirect(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketDirect(
      ctx,
      AF.INET6,
      SOCK.DGRAM,
      IPPROTO.UDPLITE,
      o?.fileIndex,
      o,
    );
  }
  /** SCTP/IPv4 into a direct slot. */
  sctp4SocketDirect(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketDirect(
      ctx,
      AF.INET,
      SOCK.STREAM,
      IPPROTO.SCTP,
      o?.fileIndex,
      o,
    );
  }
  /** SCTP/IPv6 into a direct slot. */
  sctp6SocketDirect(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketDirect(
      ctx,
      AF.INET6,
      SOCK.STREAM,
      IPPROTO.SCTP,
      o?.fileIndex,
      o,
    );
  }
  /** Unix stream socket into a direct slot. */
  unixSocketDirect(ctx: SQEContext, o?: OpOptions): boolean {
    return this.socketDirect(ctx, AF.UNIX, SOCK.STREAM, 0, o?.fileIndex, o);
  }

  /** IORING_OP_BIND of ctx's socket to a raw sockaddr. */
  bind(ctx: SQEContext, addr: Uint8Array, o?: OpOptions): boolean {
    if (!(addr instanceof Uint8Array) || addr.byteLength < 2) {
      throw new TypeError("bind: addr must be a raw sockaddr Uint8Array");
    }
    const i = this.#claimFor("bind", ctx, o);
    if (i < 0) return false;
    P.prepBind(this.#sqe, i, this.#fdOf(ctx), addrOf(addr), addr.byteLength);
    this.#finish(i, IORING_OP.BIND, ctx, o, addr, undefined);
    return true;
  }

  /** IORING_OP_LISTEN (o.backlog, default 511). */
  listen(ctx: SQEContext, o?: OpOptions): boolean {
    const backlog = o?.backlog ?? 511;
    checkInt32("listen backlog", backlog);
    const i = this.#claimFor("listen", ctx, o);
    if (i < 0) return false;
    P.prepListen(this.#sqe, i, this.#fdOf(ctx), backlog);
    this.#finish(i, IORING_OP.LISTEN, ctx, o, undefined, undefined);
    return true;
  }

  /**
   * IORING_OP_ACCEPT on ctx's listener (res: the new fd; o.msgFlags:
   * accept4 flags, default SOCK_CLOEXEC). With `peer` and `peerLen`
   * (a Uint32Array(1)), the kernel writes the peer sockaddr and its length.
   */
  accept(
    ctx: SQEContext,
    o?: OpOptions,
    peer?: Uint8Array,
    peerLen?: Uint32Array,
  ): boolean {
    const [a, l] = this.#peer("accept", peer, peerLen);
    const i = this.#claimFor("accept", ctx, o);
    if (i < 0) return false;
    P.prepAccept(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      a,
      l,
      o?.msgFlags ?? SOCK.CLOEXEC,
    );
    this.#finish(i, IORING_OP.ACCEPT, ctx, o, peer, peerLen);
    return true;
  }

  /** IORING_OP_ACCEPT into a direct slot (fileIndex or ALLOC). */
  acceptDirect(
    ctx: SQEContext,
    fileIndex: number = P.IORING_FILE_INDEX_ALLOC,
    o?: OpOptions,
    peer?: Uint8Array,
    peerLen?: Uint32Array,
  ): boolean {
    checkU32("acceptDirect fileIndex", fileIndex);
    const flags = o?.msgFlags ?? 0;
    if ((flags & SOCK.CLOEXEC) !== 0) {
      throw new TypeError(
        "acceptDirect: SOCK_CLOEXEC is not allowed for direct descriptors",
      );
    }
    const [a, l] = this.#peer("acceptDirect", peer, peerLen);
    const i = this.#claimFor("acceptDirect", ctx, o);
    if (i < 0) return false;
    P.prepAcceptDirect(this.#sqe, i, this.#fdOf(ctx), a, l, flags, fileIndex);
    this.#finish(i, IORING_OP.ACCEPT, ctx, o, peer, peerLen);
    return true;
  }

  #peer(
    where: string,
    peer?: Uint8Array,
    peerLen?: Uint32Array,
  ): [number, number] {
    if (peer === undefined) return [0, 0];
    if (
      !(peer instanceof Uint8Array) || !(peerLen instanceof Uint32Array) ||
      peerLen.length < 1
    ) {
      throw new TypeError(
        `${where}: peer needs a Uint8Array and a Uint32Array(1) length`,
      );
    }
    peerLen[0] = peer.byteLength;
    return [addrOf(peer), unsafeAddressOf(peerLen)];
  }

  /** IORING_OP_CONNECT of ctx's socket to a raw sockaddr. */
  connect(ctx: SQEContext, addr: Uint8Array, o?: OpOptions): boolean {
    if (!(addr instanceof Uint8Array) || addr.byteLength < 2) {
      throw new TypeError("connect: addr must be a raw sockaddr Uint8Array");
    }
    const i = this.#claimFor("connect", ctx, o);
    if (i < 0) return false;
    P.prepConnect(this.#sqe, i, this.#fdOf(ctx), addrOf(addr), addr.byteLength);
    this.#finish(i, IORING_OP.CONNECT, ctx, o, addr, undefined);
    return true;
  }

  /** IORING_OP_SHUTDOWN (how: SHUT_RD/WR/RDWR). */
  shutdown(ctx: SQEContext, how: number, o?: OpOptions): boolean {
    if (!(how === 0 || how === 1 || how === 2)) {
      throw new RangeError(`shutdown: how must be 0, 1 or 2, got ${how}`);
    }
    const i = this.#claimFor("shutdown", ctx, o);
    if (i < 0) return false;
    P.prepShutdown(this.#sqe, i, this.#fdOf(ctx), how);
    this.#finish(i, IORING_OP.SHUTDOWN, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_SEND of `buf` (o.n bytes, o.msgFlags). */
  send(ctx: SQEContext, buf: ArrayBufferView, o?: OpOptions): boolean {
    checkBuf("send", buf);
    const n = checkLen("send", buf, o?.n);
    const i = this.#claimFor("send", ctx, o);
    if (i < 0) return false;
    P.prepSend(this.#sqe, i, this.#fdOf(ctx), addrOf(buf), n, o?.msgFlags ?? 0);
    this.#finish(i, IORING_OP.SEND, ctx, o, buf, undefined);
    return true;
  }

  /**
   * IORING_OP_RECV into `buf`, or with `buf` null a buffer-selected receive
   * from ctx's buffer group (IOSQE_BUFFER_SELECT, o.readBufferSize bytes).
   */
  receive(
    ctx: SQEContext,
    buf: ArrayBufferView | null,
    o?: OpOptions,
  ): boolean {
    if (buf === null) {
      const size = o?.readBufferSize ?? this.options.readBufferSize;
      checkU32("receive readBufferSize", size);
      const i = this.#claimFor("receive", ctx, o);
      if (i < 0) return false;
      P.prepRecv(this.#sqe, i, this.#fdOf(ctx), 0, size, o?.msgFlags ?? 0);
      this.#sqe[i] |= IOSQE_BUFFER_SELECT << 8;
      this.#finish(i, IORING_OP.RECV, ctx, o, undefined, undefined);
      return true;
    }
    checkBuf("receive", buf);
    const n = checkLen("receive", buf, o?.n);
    const i = this.#claimFor("receive", ctx, o);
    if (i < 0) return false;
    P.prepRecv(this.#sqe, i, this.#fdOf(ctx), addrOf(buf), n, o?.msgFlags ?? 0);
    this.#finish(i, IORING_OP.RECV, ctx, o, buf, undefined);
    return true;
  }

  /** IORING_OP_SENDMSG of a zcall Msghdr (kept alive with its buffers). */
  sendMsg(ctx: SQEContext, msg: Msghdr, o?: OpOptions): boolean {
    if (!(msg instanceof Msghdr)) {
      throw new TypeError("sendMsg: expected a Msghdr");
    }
    const i = this.#claimFor("sendMsg", ctx, o);
    if (i < 0) return false;
    P.prepSendmsg(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(msg.bytes),
      o?.msgFlags ?? 0,
    );
    this.#finish(i, IORING_OP.SENDMSG, ctx, o, msg, undefined);
    return true;
  }

  /** IORING_OP_RECVMSG into a zcall Msghdr. */
  recvMsg(ctx: SQEContext, msg: Msghdr, o?: OpOptions): boolean {
    if (!(msg instanceof Msghdr)) {
      throw new TypeError("recvMsg: expected a Msghdr");
    }
    const i = this.#claimFor("recvMsg", ctx, o);
    if (i < 0) return false;
    P.prepRecvmsg(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(msg.bytes),
      o?.msgFlags ?? 0,
    );
    this.#finish(i, IORING_OP.RECVMSG, ctx, o, msg, undefined);
    return true;
  }

  // File I/O

  /** IORING_OP_READ into `buf` at o.offset (default -1: current position). */
  read(ctx: SQEContext, buf: ArrayBufferView, o?: OpOptions): boolean {
    checkBuf("read", buf);
    const n = checkLen("read", buf, o?.n);
    const i = this.#claimFor("read", ctx, o);
    if (i < 0) return false;
    P.prepRead(this.#sqe, i, this.#fdOf(ctx), addrOf(buf), n, o?.offset ?? -1);
    this.#finish(i, IORING_OP.READ, ctx, o, buf, undefined);
    return true;
  }

  /** IORING_OP_WRITE from `buf`. */
  write(ctx: SQEContext, buf: ArrayBufferView, o?: OpOptions): boolean {
    checkBuf("write", buf);
    const n = checkLen("write", buf, o?.n);
    const i = this.#claimFor("write", ctx, o);
    if (i < 0) return false;
    P.prepWrite(this.#sqe, i, this.#fdOf(ctx), addrOf(buf), n, o?.offset ?? -1);
    this.#finish(i, IORING_OP.WRITE, ctx, o, buf, undefined);
    return true;
  }

  /** IORING_OP_READV over a zcall Iovecs (all entries). */
  readV(ctx: SQEContext, iovs: Iovecs, o?: OpOptions): boolean {
    if (!(iovs instanceof Iovecs)) {
      throw new TypeError("readV: expected an Iovecs");
    }
    const i = this.#claimFor("readV", ctx, o);
    if (i < 0) return false;
    P.prepReadv(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(iovs.bytes),
      iovs.count,
      o?.offset ?? -1,
      0,
    );
    this.#finish(i, IORING_OP.READV, ctx, o, iovs, undefined);
    return true;
  }

  /** IORING_OP_WRITEV. */
  writeV(ctx: SQEContext, iovs: Iovecs, o?: OpOptions): boolean {
    if (!(iovs instanceof Iovecs)) {
      throw new TypeError("writeV: expected an Iovecs");
    }
    const i = this.#claimFor("writeV", ctx, o);
    if (i < 0) return false;
    P.prepWritev(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(iovs.bytes),
      iovs.count,
      o?.offset ?? -1,
      0,
    );
    this.#finish(i, IORING_OP.WRITEV, ctx, o, iovs, undefined);
    return true;
  }

  #regBuf(where: string, bufIndex: number): Uint8Array {
    const b = this.#regBufs[bufIndex];
    if (!Number.isInteger(bufIndex) || b === undefined) {
      throw new RangeError(`${where}: no registered buffer ${bufIndex}`);
    }
    return b;
  }

  /** IORING_OP_READ_FIXED into registered buffer `bufIndex` (o.n bytes). */
  readFixed(ctx: SQEContext, bufIndex: number, o?: OpOptions): boolean {
    const b = this.#regBuf("readFixed", bufIndex);
    const n = checkLen("readFixed", b, o?.n);
    const i = this.#claimFor("readFixed", ctx, o);
    if (i < 0) return false;
    P.prepReadFixed(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(b),
      n,
      o?.offset ?? -1,
      bufIndex,
    );
    this.#finish(i, IORING_OP.READ_FIXED, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_WRITE_FIXED from registered buffer `bufIndex` (first n bytes). */
  writeFixed(
    ctx: SQEContext,
    bufIndex: number,
    n: number,
    o?: OpOptions,
  ): boolean {
    const b = this.#regBuf("writeFixed", bufIndex);
    const len = checkLen("writeFixed", b, n);
    const i = this.#claimFor("writeFixed", ctx, o);
    if (i < 0) return false;
    P.prepWriteFixed(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(b),
      len,
      o?.offset ?? -1,
      bufIndex,
    );
    this.#finish(i, IORING_OP.WRITE_FIXED, ctx, o, undefined, undefined);
    return true;
  }

  /**
   * IORING_OP_READV_FIXED: scatter into ranges of registered buffer
   * `bufIndex` (the kernel resolves every iovec inside that one buffer), at
   * o.offset (default -1: current position).
   */
  readvFixed(
    ctx: SQEContext,
    bufIndex: number,
    iovs: Iovecs,
    o?: OpOptions,
  ): boolean {
    return this.#rwvFixed(
      "readvFixed",
      IORING_OP.READV_FIXED,
      ctx,
      bufIndex,
      iovs,
      o,
    );
  }

  /** IORING_OP_WRITEV_FIXED: gather from ranges of registered buffer `bufIndex`. */
  writevFixed(
    ctx: SQEContext,
    bufIndex: number,
    iovs: Iovecs,
    o?: OpOptions,
  ): boolean {
    return this.#rwvFixed(
      "writevFixed",
      IORING_OP.WRITEV_FIXED,
      ctx,
      bufIndex,
      iovs,
      o,
    );
  }

  #rwvFixed(
    where: string,
    op: number,
    ctx: SQEContext,
    bufIndex: number,
    iovs: Iovecs,
    o?: OpOptions,
  ): boolean {
    const b = this.#regBuf(where, bufIndex);
    if (!(iovs instanceof Iovecs)) {
      throw new TypeError(`${where}: expected an Iovecs`);
    }
    const lo = unsafeAddressOf(b);
    const hi = lo + b.byteLength;
    for (let k = 0; k < iovs.count; k++) {
      const a = iovs.address(k);
      if (a < lo || a + iovs.length(k) > hi) {
        throw new RangeError(
          `${where}: iovec ${k} is not inside registered buffer ${bufIndex}`,
        );
      }
    }
    const i = this.#claimFor(where, ctx, o);
    if (i < 0) return false;
    const fn = op === IORING_OP.READV_FIXED
      ? P.prepReadvFixed
      : P.prepWritevFixed;
    fn(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(iovs.bytes),
      iovs.count,
      o?.offset ?? -1,
      0,
      bufIndex,
    );
    this.#finish(i, op, ctx, o, iovs, undefined);
    return true;
  }

  // File management

  /** IORING_OP_OPENAT relative to ctx's fd (AT_FDCWD via forFD(AT.FDCWD)). */
  openAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    flags: number,
    mode = 0,
    o?: OpOptions,
  ): boolean {
    const p = cstring("openAt", path);
    checkInt32("openAt flags", flags);
    checkU32("openAt mode", mode);
    const i = this.#claimFor("openAt", ctx, o);
    if (i < 0) return false;
    P.prepOpenat(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(p),
      flags | 0x8000, /* O_LARGEFILE */
      o?.fileMode ?? mode,
    );
    if (o?.fileIndex !== undefined) {
      P.setSqeTargetFixedFile(this.#sqe, i, o.fileIndex);
    }
    this.#finish(i, IORING_OP.OPENAT, ctx, o, p, undefined);
    return true;
  }

  /** IORING_OP_CLOSE of ctx's fd (o.fileIndex closes a direct slot instead). */
  close(ctx: SQEContext, o?: OpOptions): boolean {
    const i = this.#claimFor("close", ctx, o);
    if (i < 0) return false;
    if (o?.fileIndex !== undefined) {
      checkU32("close fileIndex", o.fileIndex);
      P.prepCloseDirect(this.#sqe, i, o.fileIndex);
    } else {
      P.prepClose(this.#sqe, i, this.#fdOf(ctx));
    }
    this.#finish(i, IORING_OP.CLOSE, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_FSYNC (o.fsyncFlags: IORING_FSYNC_DATASYNC). */
  sync(ctx: SQEContext, o?: OpOptions): boolean {
    const i = this.#claimFor("sync", ctx, o);
    if (i < 0) return false;
    P.prepFsync(this.#sqe, i, this.#fdOf(ctx), o?.fsyncFlags ?? 0);
    this.#finish(i, IORING_OP.FSYNC, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_FALLOCATE. */
  fallocate(
    ctx: SQEContext,
    mode: number,
    offset: number,
    length: number,
    o?: OpOptions,
  ): boolean {
    checkInt32("fallocate mode", mode);
    if (
      !(Number.isSafeInteger(offset) && offset >= 0 &&
        Number.isSafeInteger(length) && length > 0)
    ) {
      throw new RangeError(
        "fallocate: offset >= 0 and length > 0 must be safe integers",
      );
    }
    const i = this.#claimFor("fallocate", ctx, o);
    if (i < 0) return false;
    P.prepFallocate(this.#sqe, i, this.#fdOf(ctx), mode, offset, length);
    this.#finish(i, IORING_OP.FALLOCATE, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_FTRUNCATE. */
  ftruncate(ctx: SQEContext, length: number, o?: OpOptions): boolean {
    if (!(Number.isSafeInteger(length) && length >= 0)) {
      throw new RangeError(`ftruncate: bad length ${length}`);
    }
    const i = this.#claimFor("ftruncate", ctx, o);
    if (i < 0) return false;
    P.prepFtruncate(this.#sqe, i, this.#fdOf(ctx), length);
    this.#finish(i, IORING_OP.FTRUNCATE, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_STATX into `statxbuf` (at least 256 bytes). */
  statx(
    ctx: SQEContext,
    path: string | Uint8Array,
    flags: number,
    mask: number,
    statxbuf: Uint8Array,
    o?: OpOptions,
  ): boolean {
    const p = cstring("statx", path);
    checkInt32("statx flags", flags);
    checkU32("statx mask", mask);
    if (!(statxbuf instanceof Uint8Array) || statxbuf.byteLength < 256) {
      throw new RangeError(
        "statx: statxbuf must be a Uint8Array of at least 256 bytes",
      );
    }
    const i = this.#claimFor("statx", ctx, o);
    if (i < 0) return false;
    P.prepStatx(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(p),
      flags,
      mask,
      unsafeAddressOf(statxbuf),
    );
    this.#finish(i, IORING_OP.STATX, ctx, o, p, statxbuf);
    return true;
  }

  /** IORING_OP_RENAMEAT (both paths relative to ctx's fd). */
  renameAt(
    ctx: SQEContext,
    oldPath: string | Uint8Array,
    newPath: string | Uint8Array,
    flags = 0,
    o?: OpOptions,
  ): boolean {
    const a = cstring("renameAt", oldPath);
    const b = cstring("renameAt", newPath);
    checkU32("renameAt flags", flags);
    const dfd = this.#fdOf(ctx);
    const i = this.#claimFor("renameAt", ctx, o);
    if (i < 0) return false;
    P.prepRenameat(
      this.#sqe,
      i,
      dfd,
      unsafeAddressOf(a),
      dfd,
      unsafeAddressOf(b),
      flags,
    );
    this.#finish(i, IORING_OP.RENAMEAT, ctx, o, a, b);
    return true;
  }

  /** IORING_OP_UNLINKAT (flags: AT_REMOVEDIR). */
  unlinkAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    flags = 0,
    o?: OpOptions,
  ): boolean {
    const p = cstring("unlinkAt", path);
    checkU32("unlinkAt flags", flags);
    const i = this.#claimFor("unlinkAt", ctx, o);
    if (i < 0) return false;
    P.prepUnlinkat(this.#sqe, i, this.#fdOf(ctx), unsafeAddressOf(p), flags);
    this.#finish(i, IORING_OP.UNLINKAT, ctx, o, p, undefined);
    return true;
  }

  /** IORING_OP_MKDIRAT. */
  mkdirAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    mode = 0o777,
    o?: OpOptions,
  ): boolean {
    const p = cstring("mkdirAt", path);
    checkU32("mkdirAt mode", mode);
    const i = this.#claimFor("mkdirAt", ctx, o);
    if (i < 0) return false;
    P.prepMkdirat(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(p),
      o?.fileMode ?? mode,
    );
    this.#finish(i, IORING_OP.MKDIRAT, ctx, o, p, undefined);
    return true;
  }

  /** IORING_OP_SYMLINKAT: creates `linkPath` (relative to ctx's fd) -> `target`. */
  symlinkAt(
    ctx: SQEContext,
    target: string | Uint8Array,
    linkPath: string | Uint8Array,
    o?: OpOptions,
  ): boolean {
    const t = cstring("symlinkAt", target);
    const l = cstring("symlinkAt", linkPath);
    const i = this.#claimFor("symlinkAt", ctx, o);
    if (i < 0) return false;
    P.prepSymlinkat(
      this.#sqe,
      i,
      unsafeAddressOf(t),
      this.#fdOf(ctx),
      unsafeAddressOf(l),
    );
    this.#finish(i, IORING_OP.SYMLINKAT, ctx, o, t, l);
    return true;
  }

  /** IORING_OP_LINKAT: hard link `newPath` (relative to ctx's fd) to `oldPath` (relative to oldDirfd). */
  linkAt(
    ctx: SQEContext,
    oldDirfd: number,
    oldPath: string | Uint8Array,
    newPath: string | Uint8Array,
    flags = 0,
    o?: OpOptions,
  ): boolean {
    checkInt32("linkAt oldDirfd", oldDirfd);
    const a = cstring("linkAt", oldPath);
    const b = cstring("linkAt", newPath);
    checkU32("linkAt flags", flags);
    const i = this.#claimFor("linkAt", ctx, o);
    if (i < 0) return false;
    P.prepLinkat(
      this.#sqe,
      i,
      oldDirfd,
      unsafeAddressOf(a),
      this.#fdOf(ctx),
      unsafeAddressOf(b),
      flags,
    );
    this.#finish(i, IORING_OP.LINKAT, ctx, o, a, b);
    return true;
  }

  // Xattr

  /** IORING_OP_FGETXATTR of ctx's fd into `value` (res: attribute length). */
  fgetXattr(
    ctx: SQEContext,
    name: string,
    value: Uint8Array,
    o?: OpOptions,
  ): boolean {
    const nm = cstring("fgetXattr", name);
    checkBuf("fgetXattr", value);
    const i = this.#claimFor("fgetXattr", ctx, o);
    if (i < 0) return false;
    P.prepFgetxattr(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(nm),
      addrOf(value),
      value.byteLength,
    );
    this.#finish(i, IORING_OP.FGETXATTR, ctx, o, nm, value);
    return true;
  }

  /** IORING_OP_FSETXATTR (flags: XATTR_CREATE 1 / XATTR_REPLACE 2). */
  fsetXattr(
    ctx: SQEContext,
    name: string,
    value: Uint8Array,
    flags = 0,
    o?: OpOptions,
  ): boolean {
    const nm = cstring("fsetXattr", name);
    checkBuf("fsetXattr", value);
    checkU32("fsetXattr flags", flags);
    const i = this.#claimFor("fsetXattr", ctx, o);
    if (i < 0) return false;
    P.prepFsetxattr(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(nm),
      addrOf(value),
      flags,
      value.byteLength,
    );
    this.#finish(i, IORING_OP.FSETXATTR, ctx, o, nm, value);
    return true;
  }

  /** IORING_OP_GETXATTR of a path. */
  getXattr(
    ctx: SQEContext,
    path: string,
    name: string,
    value: Uint8Array,
    o?: OpOptions,
  ): boolean {
    const p = cstring("getXattr", path);
    const nm = cstring("getXattr", name);
    checkBuf("getXattr", value);
    const i = this.#claimFor("getXattr", ctx, o);
    if (i < 0) return false;
    P.prepGetxattr(
      this.#sqe,
      i,
      unsafeAddressOf(nm),
      addrOf(value),
      unsafeAddressOf(p),
      value.byteLength,
    );
    this.#finish(i, IORING_OP.GETXATTR, ctx, o, [p, nm], value);
    return true;
  }

  /** IORING_OP_SETXATTR of a path. */
  setXattr(
    ctx: SQEContext,
    path: string,
    name: string,
    value: Uint8Array,
    flags = 0,
    o?: OpOptions,
  ): boolean {
    const p = cstring("setXattr", path);
    const nm = cstring("setXattr", name);
    checkBuf("setXattr", value);
    checkU32("setXattr flags", flags);
    const i = this.#claimFor("setXattr", ctx, o);
    if (i < 0) return false;
    P.prepSetxattr(
      this.#sqe,
      i,
      unsafeAddressOf(nm),
      addrOf(value),
      unsafeAddressOf(p),
      flags,
      value.byteLength,
    );
    this.#finish(i, IORING_OP.SETXATTR, ctx, o, [p, nm], value);
    return true;
  }

  // Transfer

  /**
   * IORING_OP_SPLICE from `fdIn` into ctx's fd, `n` bytes. Offsets come
   * from o.offset (output) and `offIn` (input), -1 for none.
   */
  splice(
    ctx: SQEContext,
    fdIn: number,
    n: number,
    o?: OpOptions,
    offIn = -1,
  ): boolean {
    checkInt32("splice fdIn", fdIn);
    checkU32("splice n", n);
    const i = this.#claimFor("splice", ctx, o);
    if (i < 0) return false;
    P.prepSplice(
      this.#sqe,
      i,
      fdIn,
      offIn,
      this.#fdOf(ctx),
      o?.offset ?? -1,
      n,
      o?.spliceFlags ?? 0,
    );
    this.#finish(i, IORING_OP.SPLICE, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_TEE from pipe `fdIn` into ctx's pipe. */
  tee(ctx: SQEContext, fdIn: number, length: number, o?: OpOptions): boolean {
    checkInt32("tee fdIn", fdIn);
    checkU32("tee length", length);
    const i = this.#claimFor("tee", ctx, o);
    if (i < 0) return false;
    P.prepTee(this.#sqe, i, fdIn, this.#fdOf(ctx), length, o?.spliceFlags ?? 0);
    this.#finish(i, IORING_OP.TEE, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_PIPE: the kernel writes [read end, write end] into `fds`. */
  pipe(
    ctx: SQEContext,
    fds: Int32Array,
    pipeFlags = 0,
    o?: OpOptions,
  ): boolean {
    if (!(fds instanceof Int32Array) || fds.length < 2) {
      throw new TypeError("pipe: fds must be an Int32Array(2)");
    }
    checkU32("pipe flags", pipeFlags);
    const i = this.#claimFor("pipe", ctx, o);
    if (i < 0) return false;
    P.prepPipe(this.#sqe, i, unsafeAddressOf(fds), pipeFlags);
    this.#finish(i, IORING_OP.PIPE, ctx, o, fds, undefined);
    return true;
  }

  /** IORING_OP_SYNC_FILE_RANGE. */
  syncFileRange(
    ctx: SQEContext,
    offset: number,
    length: number,
    syncFlags = 0,
    o?: OpOptions,
  ): boolean {
    if (!(Number.isSafeInteger(offset) && offset >= 0)) {
      throw new RangeError(`syncFileRange: bad offset ${offset}`);
    }
    checkU32("syncFileRange length", length);
    checkU32("syncFileRange flags", syncFlags);
    const i = this.#claimFor("syncFileRange", ctx, o);
    if (i < 0) return false;
    P.prepSyncFileRange(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      length,
      offset,
      syncFlags,
    );
    this.#finish(i, IORING_OP.SYNC_FILE_RANGE, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_FADVISE. */
  fileAdvise(
    ctx: SQEContext,
    offset: number,
    length: number,
    advice: number,
    o?: OpOptions,
  ): boolean {
    if (!(Number.isSafeInteger(offset) && offset >= 0)) {
      throw new RangeError(`fileAdvise: bad offset ${offset}`);
    }
    checkU32("fileAdvise length", length);
    checkU32("fileAdvise advice", advice);
    const i = this.#claimFor("fileAdvise", ctx, o);
    if (i < 0) return false;
    P.prepFadvise(this.#sqe, i, this.#fdOf(ctx), offset, length, advice);
    this.#finish(i, IORING_OP.FADVISE, ctx, o, undefined, undefined);
    return true;
  }

  // Timeouts

  /**
   * IORING_OP_TIMEOUT after `ms` milliseconds (or at absolute time `ms` with
   * o.timeoutFlags IORING_TIMEOUT.ABS), or after o.count completions.
   * Completes with -ETIME when it fires.
   */
  timeout(ctx: SQEContext, ms: number, o?: OpOptions): boolean {
    checkMs("timeout", ms);
    const count = o?.count ?? 0;
    checkU32("timeout count", count);
    const i = this.#claimFor("timeout", ctx, o);
    if (i < 0) return false;
    P.prepTimeout(this.#sqe, i, this.#ts(i, ms), count, o?.timeoutFlags ?? 0);
    this.#finish(i, IORING_OP.TIMEOUT, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_TIMEOUT_REMOVE of the timeout submitted with `target`. */
  timeoutRemove(ctx: SQEContext, target: SQEContext, o?: OpOptions): boolean {
    const i = this.#claimFor("timeoutRemove", ctx, o);
    if (i < 0) return false;
    const t = this.#targetUserData(target, IORING_OP.TIMEOUT);
    P.prepTimeoutRemove(this.#sqe, i, t, target.hi, o?.timeoutFlags ?? 0);
    this.#finish(i, IORING_OP.TIMEOUT_REMOVE, ctx, o, undefined, undefined);
    return true;
  }

  /** Re-arms the timeout submitted with `target` to `ms` (absolute if `absolute`). */
  timeoutUpdate(
    ctx: SQEContext,
    target: SQEContext,
    ms: number,
    absolute = false,
    o?: OpOptions,
  ): boolean {
    checkMs("timeoutUpdate", ms);
    const i = this.#claimFor("timeoutUpdate", ctx, o);
    if (i < 0) return false;
    const t = this.#targetUserData(target, IORING_OP.TIMEOUT);
    const flags = (o?.timeoutFlags ?? 0) |
      (absolute ? P.IORING_TIMEOUT.ABS : 0);
    P.prepTimeoutUpdate(this.#sqe, i, this.#ts(i, ms), t, target.hi, flags);
    this.#finish(i, IORING_OP.TIMEOUT_REMOVE, ctx, o, undefined, undefined);
    return true;
  }

  /**
   * IORING_OP_LINK_TIMEOUT: a deadline for the previous SQE, which must
   * carry IOSQE_IO_LINK. Exactly one of the two completes normally.
   */
  linkTimeout(ctx: SQEContext, ms: number, o?: OpOptions): boolean {
    checkMs("linkTimeout", ms);
    const i = this.#claimFor("linkTimeout", ctx, o);
    if (i < 0) return false;
    P.prepLinkTimeout(this.#sqe, i, this.#ts(i, ms), o?.timeoutFlags ?? 0);
    this.#finish(i, IORING_OP.LINK_TIMEOUT, ctx, o, undefined, undefined);
    return true;
  }

  // A direct target context names the user_data the prep wrote: the op byte
  // is replaced by the op actually submitted, so fill it in when the caller
  // left it 0 (forFD(fd) contexts).
  #targetUserData(target: SQEContext, defaultOp: number): number {
    if (!(target instanceof SQEContext)) {
      throw new TypeError("target must be an SQEContext");
    }
    if (target.hi >>> 30 !== 0 || (target.lo & 0xff) !== 0) return target.lo;
    return (target.lo | defaultOp) >>> 0;
  }

  // Cancellation

  /** IORING_OP_ASYNC_CANCEL of the request whose user_data is `target` (exact bits). */
  asyncCancel(
    ctx: SQEContext,
    target: SQEContext,
    o?: OpOptions,
    cancelAll = false,
  ): boolean {
    if (!(target instanceof SQEContext)) {
      throw new TypeError("asyncCancel: target must be an SQEContext");
    }
    const i = this.#claimFor("asyncCancel", ctx, o);
    if (i < 0) return false;
    P.prepCancel(
      this.#sqe,
      i,
      target.lo,
      target.hi,
      cancelAll ? P.IORING_ASYNC_CANCEL.ALL : 0,
    );
    this.#finish(i, IORING_OP.ASYNC_CANCEL, ctx, o, undefined, undefined);
    return true;
  }

  /** Cancels requests on ctx's fd (all of them if `cancelAll`; res = count). */
  asyncCancelFD(ctx: SQEContext, cancelAll = false, o?: OpOptions): boolean {
    const i = this.#claimFor("asyncCancelFD", ctx, o);
    if (i < 0) return false;
    let flags = cancelAll ? P.IORING_ASYNC_CANCEL.ALL : 0;
    if (((ctx.hi >>> 30 === 0 ? ctx.lo >>> 8 : 0) | (o?.flags ?? 0)) & 1) {
      flags |= P.IORING_ASYNC_CANCEL.FD_FIXED;
    }
    P.prepCancelFd(this.#sqe, i, this.#fdOf(ctx), flags);
    // FIXED_FILE travels in cancel_flags for cancel: keep it off the SQE.
    this.#finish(i, IORING_OP.ASYNC_CANCEL, ctx, o, undefined, undefined);
    this.#sqe[i] &= ~(1 << 8);
    return true;
  }

  /** Cancels requests with opcode `opcode` (all if `cancelAll`). */
  asyncCancelOpcode(
    ctx: SQEContext,
    opcode: number,
    cancelAll = false,
    o?: OpOptions,
  ): boolean {
    if (!(Number.isInteger(opcode) && opcode >= 0 && opcode <= 255)) {
      throw new RangeError(`asyncCancelOpcode: bad opcode ${opcode}`);
    }
    const i = this.#claimFor("asyncCancelOpcode", ctx, o);
    if (i < 0) return false;
    P.prepCancelOp(
      this.#sqe,
      i,
      opcode,
      cancelAll ? P.IORING_ASYNC_CANCEL.ALL : 0,
    );
    this.#finish(i, IORING_OP.ASYNC_CANCEL, ctx, o, undefined, undefined);
    return true;
  }

  /**
   * Cancels pending requests matching anything (IORING_ASYNC_CANCEL_ANY).
   * The kernel treats ANY like ALL: res is the number cancelled, or
   * -ENOENT when nothing was pending.
   */
  asyncCancelAny(ctx: SQEContext, o?: OpOptions): boolean {
    const i = this.#claimFor("asyncCancelAny", ctx, o);
    if (i < 0) return false;
    P.prepCancel(this.#sqe, i, 0, 0, P.IORING_ASYNC_CANCEL.ANY);
    this.#finish(i, IORING_OP.ASYNC_CANCEL, ctx, o, undefined, undefined);
    return true;
  }

  /** Cancels every pending request (res = count). */
  asyncCancelAll(ctx: SQEContext, o?: OpOptions): boolean {
    const i = this.#claimFor("asyncCancelAll", ctx, o);
    if (i < 0) return false;
    P.prepCancel(
      this.#sqe,
      i,
      0,
      0,
      P.IORING_ASYNC_CANCEL.ANY | P.IORING_ASYNC_CANCEL.ALL,
    );
    this.#finish(i, IORING_OP.ASYNC_CANCEL, ctx, o, undefined, undefined);
    return true;
  }

  // Poll

  /** IORING_OP_POLL_ADD (one shot) on ctx's fd. */
  pollAdd(ctx: SQEContext, events: number, o?: OpOptions): boolean {
    return this.#pollAdd("pollAdd", ctx, events, 0, o);
  }
  /**
   * Level-triggered one-shot poll. A one-shot poll already reports a
   * condition that holds when it is armed (level semantics), and Linux
   * (6.18 included) rejects IORING_POLL_ADD_LEVEL on POLL_ADD with EINVAL,
   * so this submits a plain one-shot poll.
   */
  pollAddLevel(ctx: SQEContext, events: number, o?: OpOptions): boolean {
    return this.#pollAdd("pollAddLevel", ctx, events, 0, o);
  }
  /** Multishot poll: one CQE per event with IORING_CQE_F_MORE until cancelled. */
  pollAddMultishot(ctx: SQEContext, events: number, o?: OpOptions): boolean {
    return this.#pollAdd(
      "pollAddMultishot",
      ctx,
      events,
      P.IORING_POLL.ADD_MULTI,
      o,
    );
  }
  /**
   * Multishot level-triggered poll (ADD_MULTI | ADD_LEVEL). Kernels that do
   * not accept IORING_POLL_ADD_LEVEL complete it with -EINVAL.
   */
  pollAddMultishotLevel(
    ctx: SQEContext,
    events: number,
    o?: OpOptions,
  ): boolean {
    return this.#pollAdd(
      "pollAddMultishotLevel",
      ctx,
      events,
      P.IORING_POLL.ADD_MULTI | P.IORING_POLL.ADD_LEVEL,
      o,
    );
  }

  #pollAdd(
    where: string,
    ctx: SQEContext,
    events: number,
    pflags: number,
    o?: OpOptions,
  ): boolean {
    checkU32(`${where} events`, events);
    const i = this.#claimFor(where, ctx, o);
    if (i < 0) return false;
    P.prepPollAdd(this.#sqe, i, this.#fdOf(ctx), events, pflags);
    this.#finish(i, IORING_OP.POLL_ADD, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_POLL_REMOVE of the poll submitted with `target`. */
  pollRemove(ctx: SQEContext, target: SQEContext, o?: OpOptions): boolean {
    const i = this.#claimFor("pollRemove", ctx, o);
    if (i < 0) return false;
    P.prepPollRemove(
      this.#sqe,
      i,
      this.#targetUserData(target, IORING_OP.POLL_ADD),
      target.hi,
    );
    this.#finish(i, IORING_OP.POLL_REMOVE, ctx, o, undefined, undefined);
    return true;
  }

  /**
   * Updates the poll submitted with `target`: new events and/or user_data
   * (updateFlags: IORING_POLL.UPDATE_EVENTS | UPDATE_USER_DATA | ADD_MULTI).
   */
  pollUpdate(
    ctx: SQEContext,
    target: SQEContext,
    newUserData: SQEContext,
    newEvents: number,
    updateFlags: number,
    o?: OpOptions,
  ): boolean {
    checkU32("pollUpdate events", newEvents);
    checkU32("pollUpdate flags", updateFlags);
    const i = this.#claimFor("pollUpdate", ctx, o);
    if (i < 0) return false;
    P.prepPollUpdate(
      this.#sqe,
      i,
      this.#targetUserData(target, IORING_OP.POLL_ADD),
      target.hi,
      // The kernel rejects a new user_data unless it is being updated.
      (updateFlags & P.IORING_POLL.UPDATE_USER_DATA) !== 0
        ? this.#targetUserData(newUserData, IORING_OP.POLL_ADD)
        : 0,
      (updateFlags & P.IORING_POLL.UPDATE_USER_DATA) !== 0 ? newUserData.hi : 0,
      newEvents,
      updateFlags,
    );
    this.#finish(i, IORING_OP.POLL_REMOVE, ctx, o, undefined, undefined);
    return true;
  }

  // Async

  /**
   * IORING_OP_EPOLL_WAIT on the epoll fd in ctx into a zcall EpollEvents
   * buffer (`events.bytes`, `maxEvents`). Timeout must stay 0: use
   * linkTimeout for a deadline.
   */
  epollWait(
    ctx: SQEContext,
    events: Uint8Array,
    maxEvents: number,
    timeout = 0,
    o?: OpOptions,
  ): boolean {
    if (timeout !== 0) {
      throw new RangeError("epollWait: timeout must be 0 (use linkTimeout)");
    }
    if (
      !(events instanceof Uint8Array) ||
      !(Number.isInteger(maxEvents) && maxEvents >= 1 &&
        maxEvents * 12 <= events.byteLength)
    ) {
      throw new RangeError(
        "epollWait: events must hold maxEvents 12-byte epoll_event entries",
      );
    }
    const i = this.#claimFor("epollWait", ctx, o);
    if (i < 0) return false;
    P.prepEpollWait(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      unsafeAddressOf(events),
      maxEvents,
      0,
    );
    this.#finish(i, IORING_OP.EPOLL_WAIT, ctx, o, events, undefined);
    return true;
  }

  #futexWord(
    where: string,
    word: Uint32Array | Int32Array,
    index: number,
  ): number {
    if (!(word instanceof Uint32Array || word instanceof Int32Array)) {
      throw new TypeError(
        `${where}: futex must be a Uint32Array or Int32Array`,
      );
    }
    if (!(Number.isInteger(index) && index >= 0 && index < word.length)) {
      throw new RangeError(`${where}: index ${index} out of range`);
    }
    return unsafeAddressOf(word) + index * 4;
  }

  /**
   * IORING_OP_FUTEX_WAIT on `word[index]` while it equals `val` (32-bit
   * futex2 by default: futexFlags FUTEX2.SIZE_U32 | PRIVATE). The array may
   * be over a SharedArrayBuffer or a Mapping.
   */
  futexWait(
    ctx: SQEContext,
    word: Uint32Array | Int32Array,
    index: number,
    val: number,
    mask = 0xffffffff,
    futexFlags = 0x82,
    o?: OpOptions,
  ): boolean {
    const a = this.#futexWord("futexWait", word, index);
    checkU32("futexWait val", val >>> 0);
    const i = this.#claimFor("futexWait", ctx, o);
    if (i < 0) return false;
    P.prepFutexWait(
      this.#sqe,
      i,
      a,
      val >>> 0,
      0,
      mask >>> 0,
      0,
      futexFlags,
      0,
    );
    this.#finish(i, IORING_OP.FUTEX_WAIT, ctx, o, word, undefined);
    return true;
  }

  /** IORING_OP_FUTEX_WAKE: wakes up to `count` waiters of `word[index]` (res = woken). */
  futexWake(
    ctx: SQEContext,
    word: Uint32Array | Int32Array,
    index: number,
    count: number,
    mask = 0xffffffff,
    futexFlags = 0x82,
    o?: OpOptions,
  ): boolean {
    const a = this.#futexWord("futexWake", word, index);
    checkU32("futexWake count", count);
    const i = this.#claimFor("futexWake", ctx, o);
    if (i < 0) return false;
    P.prepFutexWake(this.#sqe, i, a, count, 0, mask >>> 0, 0, futexFlags, 0);
    this.#finish(i, IORING_OP.FUTEX_WAKE, ctx, o, word, undefined);
    return true;
  }

  /**
   * IORING_OP_FUTEX_WAITV over a struct futex_waitv array (`waitv`, 24
   * bytes per entry: u64 val, u64 uaddr, u32 flags, u32 reserved). res =
   * index of the woken futex. `keep` holds the futex words alive.
   */
  futexWaitV(
    ctx: SQEContext,
    waitv: Uint8Array,
    count: number,
    keep?: unknown,
    o?: OpOptions,
  ): boolean {
    if (
      !(waitv instanceof Uint8Array) ||
      !(Number.isInteger(count) && count >= 1 && count <= 128 &&
        count * 24 <= waitv.byteLength)
    ) {
      throw new RangeError(
        "futexWaitV: waitv must hold 1..128 24-byte entries",
      );
    }
    const i = this.#claimFor("futexWaitV", ctx, o);
    if (i < 0) return false;
    P.prepFutexWaitv(this.#sqe, i, unsafeAddressOf(waitv), count, 0);
    this.#finish(i, IORING_OP.FUTEX_WAITV, ctx, o, waitv, keep);
    return true;
  }

  /** IORING_OP_WAITID (idtype P_PID 1 / P_PGID 2 / P_ALL 0) into a 128-byte siginfo. */
  waitid(
    ctx: SQEContext,
    idtype: number,
    id: number,
    infop: Uint8Array,
    options: number,
    o?: OpOptions,
  ): boolean {
    checkInt32("waitid idtype", idtype);
    checkInt32("waitid id", id);
    checkInt32("waitid options", options);
    if (!(infop instanceof Uint8Array) || infop.byteLength < 128) {
      throw new RangeError(
        "waitid: infop must be a Uint8Array of at least 128 bytes",
      );
    }
    const i = this.#claimFor("waitid", ctx, o);
    if (i < 0) return false;
    P.prepWaitid(this.#sqe, i, idtype, id, unsafeAddressOf(infop), options, 0);
    this.#finish(i, IORING_OP.WAITID, ctx, o, infop, undefined);
    return true;
  }

  // Ring messages

  /**
   * IORING_OP_MSG_RING: posts a CQE with res=`result` and user_data =
   * `userData` on the ring whose fd is in ctx.
   */
  msgRing(
    ctx: SQEContext,
    userData: SQEContext,
    result: number,
    o?: OpOptions,
  ): boolean {
    if (!(userData instanceof SQEContext)) {
      throw new TypeError("msgRing: userData must be an SQEContext");
    }
    checkInt32("msgRing result", result);
    const i = this.#claimFor("msgRing", ctx, o);
    if (i < 0) return false;
    P.prepMsgRing(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      result >>> 0,
      userData.lo,
      userData.hi,
      0,
    );
    this.#finish(i, IORING_OP.MSG_RING, ctx, o, undefined, undefined);
    return true;
  }

  /**
   * IORING_OP_MSG_RING (SEND_FD): installs our fixed file `srcIndex` into
   * the target ring's slot `dstIndex` (or ALLOC); `skipCQE` posts nothing
   * on the target.
   */
  msgRingFD(
    ctx: SQEContext,
    srcIndex: number,
    dstIndex: number,
    userData: SQEContext,
    skipCQE = false,
    o?: OpOptions,
  ): boolean {
    checkU32("msgRingFD srcIndex", srcIndex);
    checkU32("msgRingFD dstIndex", dstIndex);
    const i = this.#claimFor("msgRingFD", ctx, o);
    if (i < 0) return false;
    P.prepMsgRingFd(
      this.#sqe,
      i,
      this.#fdOf(ctx),
      srcIndex,
      dstIndex,
      userData.lo,
      userData.hi,
      skipCQE ? P.IORING_MSG.RING_CQE_SKIP : 0,
    );
    this.#finish(i, IORING_OP.MSG_RING, ctx, o, undefined, undefined);
    return true;
  }

  /** IORING_OP_FIXED_FD_INSTALL: registered slot `fixedIndex` into a normal fd (res). */
  fixedFdInstall(
    ctx: SQEContext,
    fixedIndex: number,
    flags = 0,
    o?: OpOptions,
  ): boolean {
    checkU32("fixedFdInstall index", fixedIndex);
    checkU32("fixedFdInstall flags", flags);
    const i = this.#claimFor("fixedFdInstall", ctx, o);
    if (i < 0) return false;
    P.prepFixedFdInstall(this.#sqe, i, fixedIndex, flags);
    this.#finish(i, IORING_OP.FIXED_FD_INSTALL, ctx, o, undefined, undefined);
    return true;
  }

  /**
   * IORING_OP_FILES_UPDATE: replaces registered slots from `offset` with
   * `fds` (-1 clears; IORING_FILE_INDEX_ALLOC offset allocates and writes
   * the chosen slots back into `fds`).
   */
  filesUpdate(
    ctx: SQEContext,
    fds: Int32Array,
    offset: number,
    o?: OpOptions,
  ): boolean {
    if (!(fds instanceof Int32Array) || fds.length === 0) {
      throw new TypeError("filesUpdate: fds must be a non-empty Int32Array");
    }
    checkU32("filesUpdate offset", offset >>> 0);
    const i = this.#claimFor("filesUpdate", ctx, o);
    if (i < 0) return false;
    P.prepFilesUpdate(
      this.#sqe,
      i,
      unsafeAddressOf(fds),
      fds.length,
      offset >>> 0,
    );
    this.#finish(i, IORING_OP.FILES_UPDATE, ctx, o, fds, undefined);
    return true;
  }

  // Commands

  /**
   * IORING_OP_URING_CMD with `cmdOp` on ctx's fd; up to 16 bytes of
   * `cmdData` are copied inline into the SQE command area.
   */
  uringCmd(
    ctx: SQEContext,
    cmdOp: number,
    cmdData?: Uint8Array,
    o?: OpOptions,
  ): boolean {
    return this.#cmd("uringCmd", false, ctx, cmdOp, cmdData, o);
  }

  /** IORING_OP_URING_CMD128 (sqe128 rings): up to 80 inline command bytes. */
  uringCmd128(
    ctx: SQEContext,
    cmdOp: number,
    cmdData?: Uint8Array,
    o?: OpOptions,
  ): boolean {
    this.#need128("uringCmd128");
    return this.#cmd("uringCmd128", true, ctx, cmdOp, cmdData, o);
  }

  #cmd(
    where: string,
    big: boolean,
    ctx: SQEContext,
    cmdOp: number,
    data: Uint8Array | undefined,
    o?: OpOptions,
  ): boolean {
    checkU32(`${where} cmdOp`, cmdOp);
    const room = big || this.#stride === 32 ? 80 : 16;
    if (
      data !== undefined &&
      (!(data instanceof Uint8Array) || data.byteLength > room)
    ) {
      throw new RangeError(
        `${where}: cmdData must be a Uint8Array of at most ${room} bytes`,
      );
    }
    const i = this.#claimFor(where, ctx, o);
    if (i < 0) return false;
    if (big) P.prepUringCmd128(this.#sqe, i, cmdOp, this.#fdOf(ctx));
    else P.prepUringCmd(this.#sqe, i, cmdOp, this.#fdOf(ctx));
    if (data !== undefined && data.byteLength > 0) {
      new Uint8Array(this.#sqe.buffer, (i + 12) * 4, data.byteLength).set(data);
    }
    this.#finish(
      i,
      big ? IORING_OP.URING_CMD128 : IORING_OP.URING_CMD,
      ctx,
      o,
      undefined,
      undefined,
    );
    return true;
  }
}

const ONE = new Uint8Array(new BigUint64Array([1n]).buffer);

/**
 * Creates an unstarted ring (same as `new Uring(options)`).
 *
 * @example
 * ```ts
 * import { newUring } from "@kernio/kernio/uring";
 * const ring = newUring({ entries: 32 });
 * ring.start();
 * ring.stop();
 * ```
 */
export function newUring(options?: Partial<Options>): Uring {
  return new Uring(options);
}
