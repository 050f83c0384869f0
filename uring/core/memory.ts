// The ring: setup (disabled), start, SQ/CQ over shared memory, submission
// and reaping, plus one method per operation.
//
// Ring memory: by default the SQ/CQ rings and the SQE array live in
// page-aligned memory JavaScript owns (IORING_SETUP_NO_MMAP, Linux 6.5+;
// the kernel pins it), so every view is a plain typed array and the ring
// works under `--allow-ffi=<library path>`. Kernels that refuse NO_MMAP get
// the mmap'd rings, whose views need Deno.UnsafePointer and so the unscoped
// `--allow-ffi` (a MissingPermissionError names it).
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

import { IORING_ENTER, IORING_SETUP } from "../../zcall/constants.ts";
import { Errno } from "../../zcall/errno.ts";
import { Mapping, unsafeAddressOf } from "../../zcall/memory.ts";
import { PageMemory, type ReleaseFence } from "../../zcall/page_memory.ts";
import { MissingPermissionError } from "../../zcall/permission.ts";
import type { Iovecs, PollFds } from "../../zcall/structs.ts";
import {
  close as closeFd,
  ioUringSetup,
  write as writeFd,
} from "../../zcall/syscalls.ts";
import { PinTable, retirePins } from "../_pins.ts";
import { RingTeardown, setTeardown } from "../_teardown.ts";
import { ContextPools } from "../context.ts";
import {
  NotSupportedError,
  RingClosedError,
  UringError,
  uringError,
} from "../errors.ts";
import { type Options, REGISTER_BUFFER_SIZE } from "../options.ts";
import { resolveOptions } from "../_options.ts";
import * as reg from "../register.ts";
import {
  allocateRingBuffers,
  NO_RING_BUFFERS,
  type RingBuffers,
} from "../ring_buffers.ts";
import {
  IORING_OFF_SQ_RING,
  IORING_OFF_SQES,
  MAP_SHARED_POPULATE,
  MAX_REG_BUFFERS,
  ONE,
  PROT_RW,
  TWO32,
} from "../_constants.ts";

// Safety net for a ring dropped without stop(): the finalizer closes the
// ring's own eventfds and its fd and releases the SQ/CQ rings and the
// registered-buffer memory, as stop() does. JS memory that in-flight
// operations pinned is retired, never released, and memory they may write
// through its address (provided buffers) waits for the ring's teardown
// fence. The held record references no ring object, only what must be
// released.
interface DroppedRing {
  fd: number;
  maps: { close(fence?: ReleaseFence): void }[];
  pins: PinTable;
  teardown: RingTeardown;
  eventfd: number; // created by the ring (-1: none or the caller's)
  cancelFd: number; // waitAsync's wake-up eventfd (-1: none)
}
const dropped = new FinalizationRegistry<DroppedRing>((h) => {
  const fence = h.teardown.finish(h.fd, h.pins.keys !== 0) ?? undefined;
  if (h.eventfd >= 0) closeFd(h.eventfd);
  if (h.cancelFd >= 0) closeFd(h.cancelFd);
  closeFd(h.fd);
  for (const m of h.maps) {
    try {
      m.close(fence);
    } catch {
      // Already unmapped.
    }
  }
  if (h.pins.keys !== 0) retirePins(h.pins);
});

/**
 * Rings registered with IORING_REGISTER_RING_FDS, by slot (this thread's
 * table), so a clone from a registered index finds the source's buffers.
 */
export const REGISTERED_RINGS: (RingMemory | undefined)[] = [];

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
  /** Width of a CQE in bytes (16, or 32 with the cqe32 option). */
  cqeBytes: number;
  /** Byte order of user_data words. */
  userDataByteOrder: "little";
  /** IORING_SETUP_* flags the ring was created with. */
  setupFlags: number;
  /** IORING_FEAT_* bits reported by the kernel. */
  kernelFeatures: number;
  /**
   * Where the SQ/CQ rings and SQE array live: "user", page-aligned memory
   * JavaScript owns (IORING_SETUP_NO_MMAP; needs only
   * `--allow-ffi=<library path>`), or "kernel", mmap'd kernel memory
   * (kernels before 6.5; needs the unscoped `--allow-ffi`).
   */
  ringMemory: "user" | "kernel";
}

/** JS-owned memory of a NO_MMAP ring: the rings region and the SQE array. */
export interface UserRingMemory {
  rings: PageMemory;
  sqes: PageMemory;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

// Room for struct io_rings ahead of the CQEs (its head and tail sit on
// their own cache lines: a few hundred bytes, generously rounded). Small
// rings then fit in one page, which kernels 6.5 to 6.9 need (they take a
// multi-page region only when it is one huge page; later ones map any).
const RINGS_HEADER_BYTES = 1024;

/**
 * Allocates the memory of a NO_MMAP ring for `entries` SQ and `cqEntries`
 * CQ entries (0: twice the SQ), sized like the kernel's rings_size() plus
 * headroom for struct io_rings, and writes its addresses into
 * sq_off.user_addr and cq_off.user_addr of `params`.
 */
export function allocateUserRings(
  params: DataView,
  entries: number,
  cqEntries: number,
  flags: number,
): UserRingMemory {
  const sq = Math.min(nextPow2(entries), 32768);
  const cq = cqEntries ? Math.min(nextPow2(cqEntries), 65536) : 2 * sq;
  const cqeBytes = (flags & IORING_SETUP.CQE32) !== 0 ? 32 : 16;
  const sqeBytes = (flags & IORING_SETUP.SQE128) !== 0 ? 128 : 64;
  const sqArray = (flags & IORING_SETUP.NO_SQARRAY) !== 0 ? 0 : 64 + sq * 4;
  const rings = new PageMemory(RINGS_HEADER_BYTES + cq * cqeBytes + sqArray);
  let sqes: PageMemory;
  try {
    sqes = new PageMemory(sq * sqeBytes);
  } catch (e) {
    rings.close();
    throw e;
  }
  setU64(params, 72, sqes.address); // sq_off.user_addr
  setU64(params, 112, rings.address); // cq_off.user_addr
  return { rings, sqes };
}

function setU64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v >>> 0, true);
  dv.setUint32(off + 4, Math.floor(v / TWO32), true);
}

/**
 * Ring state, setup and teardown: io_uring_setup (disabled), the mmap'd
 * SQ/CQ rings and SQE array, start() and stop(). The layers above add
 * submission, completion and registration.
 */
export abstract class RingMemory {
  /** The resolved options. */
  readonly options: Readonly<Options>;
  /** Ring sizing reported by the kernel. */
  readonly features: Readonly<Features>;

  _fd: number;
  _params = new Uint8Array(120);
  _setupFlags: number;
  _started = false;
  _closed = false;
  _deferTaskrun: boolean;
  _atomic: boolean; // multi-issuer: Atomics for CQ/SQ indices
  _enterGetevents: number;
  _stripSkip: boolean;

  _ringMap: Mapping | null = null;
  _sqeMap: Mapping | null = null;
  _userRings: UserRingMemory | null = null; // NO_MMAP rings
  _u32: Uint32Array = new Uint32Array(0);
  _i32: Int32Array = new Int32Array(0);
  _sqe: Uint32Array = new Uint32Array(0);
  _sqe64: Float64Array = new Float64Array(0); // 8-byte zeroing of SQE words
  _stride = 16;
  _strideShift = 4;
  _cap = 0; // SQ entries while open, 0 once stopped
  // (#head + #cap) >>> 0: the SQ is full when #tail reaches it; equal to
  // #tail once stopped, so the NOP fast path needs one compare.
  _sqLimit = 0;
  _sqHeadW = 0;
  _sqTailW = 0;
  _sqFlagsW = 0;
  _sqMask = 0;
  _sqEntries = 0;
  _cqHeadW = 0;
  _cqTailW = 0;
  _cqOverflowW = 0;
  _cqesW = 0;
  _cqMask = 0;
  _cqEntries = 0;
  _cqeShift = 2; // words per CQE = 1 << shift (4, or 8 with CQE32)
  // Slot of this ring in the thread's registered-ring table (-1: none).
  _ringIndex = -1;

  _tail = 0; // next SQE to fill (local)
  _head = 0; // SQEs consumed by the kernel
  _published = 0; // tail value last stored to the kernel
  _cqHead = 0;

  _pins: PinTable;
  _pinnedSlots = new Int32Array(64); // SQEs with pins, not yet published
  _pinnedN = 0;
  // Per SQ slot: 0x100 | flags when the slot holds a NOP template, else 0.
  _slotKind: Uint16Array = new Uint16Array(0);
  // NOP flags every SQ slot holds a template for (-1: not known), set once
  // #nopRun consecutive template claims with #nopRunFlags cover the SQ: the
  // NOP fast path then skips the per-slot #slotKind lookup.
  _nopAll = -1;
  _nopRun = 0;
  _nopRunFlags = -1;
  _scratch: Uint8Array = new Uint8Array(0); // 16 B per SQ slot (timespecs)
  _scratchU32: Uint32Array = new Uint32Array(0);
  _scratchAddr = 0;
  _getArg = new Uint8Array(24); // struct io_uring_getevents_arg
  _waitTs = new Uint8Array(16);
  _waitTsU32 = new Uint32Array(this._waitTs.buffer);
  _pools: ContextPools;

  _eventfd = -1;
  _ownEventfd = false;
  _cancelFd = -1;
  _pollFds: PollFds | null = null;
  _asyncWaiting = false;
  _efdBuf = new Uint8Array(8);

  _regBufMap: PageMemory | null = null;
  _dropped: DroppedRing | null = null; // the finalizer's record
  // What is released only once the kernel tore the ring down.
  _teardown: RingTeardown = new RingTeardown();
  _regBufs: Uint8Array[] = [];
  _regBufIovecs: Iovecs | null = null;
  _regFiles = 0;
  _buffers: RingBuffers = NO_RING_BUFFERS;

  /** Creates a disabled ring (call start() before submitting). */
  constructor(options?: Partial<Options>) {
    const o = resolveOptions(options);
    this.options = Object.freeze({
      ...o,
      bufferGroups: Object.freeze({ ...o.bufferGroups }),
    });
    let flags = IORING_SETUP.R_DISABLED | IORING_SETUP.SUBMIT_ALL |
      IORING_SETUP.CLAMP;
    if (o.signalTaskrun) {
      // Plain task work: signals the submitter wherever it sleeps.
    } else if (o.multiIssuers) {
      flags |= IORING_SETUP.COOP_TASKRUN | IORING_SETUP.TASKRUN_FLAG;
    } else {
      // TASKRUN_FLAG: tells an event loop that deferred work is queued
      // (the kernel signals the eventfd only for the first item).
      flags |= IORING_SETUP.SINGLE_ISSUER | IORING_SETUP.DEFER_TASKRUN |
        IORING_SETUP.TASKRUN_FLAG;
    }
    if (!o.indirectSubmissionQueue) flags |= IORING_SETUP.NO_SQARRAY;
    if (o.sqe128) flags |= IORING_SETUP.SQE128;
    if (o.cqe32) flags |= IORING_SETUP.CQE32;
    if (o.hybridPolling) {
      flags |= IORING_SETUP.IOPOLL | IORING_SETUP.HYBRID_IOPOLL;
    }
    if (o.cqEntries !== 0) flags |= IORING_SETUP.CQSIZE;
    const dv = new DataView(this._params.buffer);
    let fd = -Errno.EINVAL;
    if (o.ringMemory !== "kernel") {
      // JS-owned ring memory first; a kernel before 6.5 answers EINVAL.
      const user = allocateUserRings(dv, o.entries, o.cqEntries, flags);
      dv.setUint32(4, o.cqEntries, true);
      dv.setUint32(8, flags | IORING_SETUP.NO_MMAP, true);
      fd = ioUringSetup(o.entries, this._params);
      if (fd >= 0) {
        flags |= IORING_SETUP.NO_MMAP;
        this._userRings = user;
      } else {
        user.rings.close();
        user.sqes.close();
        this._params.fill(0);
        if (o.ringMemory === "user" && fd === -Errno.EINVAL) {
          throw new NotSupportedError(
            "io_uring_setup",
            'ringMemory "user" needs IORING_SETUP_NO_MMAP (Linux 6.5+)',
            fd,
          );
        }
        if (fd !== -Errno.EINVAL && fd !== -Errno.EFAULT) {
          throw setupError(fd);
        }
      }
    }
    if (fd < 0) {
      dv.setUint32(4, o.cqEntries, true);
      dv.setUint32(8, flags, true);
      fd = ioUringSetup(o.entries, this._params);
      if (fd < 0) throw setupError(fd);
    }
    this._fd = fd;
    this._setupFlags = flags;
    this._deferTaskrun = !o.multiIssuers && !o.signalTaskrun;
    this._atomic = o.multiIssuers || o.signalTaskrun;
    this._enterGetevents = this._deferTaskrun ? IORING_ENTER.GETEVENTS : 0;
    this._stripSkip = o.notifySucceed;
    try {
      this._map();
    } catch (e) {
      closeFd(fd);
      this._unmap();
      if (e instanceof Deno.errors.NotCapable) {
        // Views over mmap'd rings come from Deno.UnsafePointer, which checks
        // the whole FFI permission, not a library path.
        throw new MissingPermissionError(
          'uring: a ring in mmap\'d kernel memory (ringMemory "kernel", or ' +
            "a kernel before 6.5 without IORING_SETUP_NO_MMAP)",
          "--allow-ffi",
          "Deno.UnsafePointer checks the whole FFI permission; on Linux " +
            "6.5+ rings live in JavaScript memory and --allow-ffi=<library " +
            "path> is enough",
          { cause: e instanceof MissingPermissionError ? e.cause : e },
        );
      }
      throw e;
    }
    this.features = {
      sqEntries: this._sqEntries,
      cqEntries: this._cqEntries,
      sqeBytes: o.sqe128 ? 128 : 64,
      cqeBytes: o.cqe32 ? 32 : 16,
      userDataByteOrder: "little",
      setupFlags: flags,
      kernelFeatures: dv.getUint32(20, true),
      ringMemory: this._userRings ? "user" : "kernel",
    };
    this._pins = new PinTable(this._cqEntries * 2);
    this._dropped = {
      fd,
      maps: this._ringMemory(),
      pins: this._pins,
      teardown: this._teardown,
      eventfd: -1,
      cancelFd: -1,
    };
    dropped.register(this, this._dropped, this);
    setTeardown(this, this._teardown);
    this._pools = new ContextPools(Math.min(this._sqEntries, 4096));
    const ga = new DataView(this._getArg.buffer);
    const tsAddr = unsafeAddressOf(this._waitTs);
    ga.setUint32(8, 8, true); // sigmask_sz (ignored with a null sigmask)
    ga.setUint32(16, tsAddr >>> 0, true);
    ga.setUint32(20, Math.floor(tsAddr / TWO32), true);
  }

  // Maps the SQ/CQ rings (one mapping: IORING_FEAT_SINGLE_MMAP) and the SQE
  // array, and derives word indices. Also used after resizeRings.
  _map(): void {
    const dv = new DataView(this._params.buffer);
    const sqEntries = dv.getUint32(0, true);
    const cqEntries = dv.getUint32(4, true);
    const cqe32 = (this._setupFlags & IORING_SETUP.CQE32) !== 0;
    const cqeBytes = cqe32 ? 32 : 16;
    const noArray = (this._setupFlags & IORING_SETUP.NO_SQARRAY) !== 0;
    const sqArrayOff = dv.getUint32(64, true);
    const cqesOff = dv.getUint32(100, true);
    const sqSize = noArray ? 0 : sqArrayOff + sqEntries * 4;
    const cqSize = cqesOff + cqEntries * cqeBytes;
    const ringSize = Math.max(sqSize, cqSize);
    const sqeBytes = (this._setupFlags & IORING_SETUP.SQE128) !== 0 ? 128 : 64;
    const user = this._userRings;
    if (user) {
      if (
        ringSize > user.rings.length || sqEntries * sqeBytes > user.sqes.length
      ) {
        throw new UringError(
          "io_uring_setup",
          -Errno.EFAULT,
          `uring: the kernel's ring layout (${ringSize} bytes) exceeds the ` +
            `memory allocated for it (${user.rings.length} bytes)`,
        );
      }
      const r = user.rings, q = user.sqes;
      this._u32 = new Uint32Array(r.buffer, r.byteOffset, r.length / 4);
      this._i32 = new Int32Array(r.buffer, r.byteOffset, r.length / 4);
      const sqeLen = sqEntries * sqeBytes;
      this._sqe = new Uint32Array(q.buffer, q.byteOffset, sqeLen / 4);
      this._sqe64 = new Float64Array(q.buffer, q.byteOffset, sqeLen / 8);
    } else {
      this._ringMap = new Mapping(
        ringSize,
        PROT_RW,
        MAP_SHARED_POPULATE,
        this._fd,
        IORING_OFF_SQ_RING,
      );
      this._sqeMap = new Mapping(
        sqEntries * sqeBytes,
        PROT_RW,
        MAP_SHARED_POPULATE,
        this._fd,
        IORING_OFF_SQES,
      );
      this._u32 = new Uint32Array(this._ringMap.buffer);
      this._i32 = new Int32Array(this._ringMap.buffer);
      this._sqe = new Uint32Array(this._sqeMap.buffer);
      this._sqe64 = new Float64Array(this._sqeMap.buffer);
    }
    this._stride = sqeBytes / 4;
    this._strideShift = sqeBytes === 128 ? 5 : 4;
    this._sqHeadW = dv.getUint32(40, true) / 4;
    this._sqTailW = dv.getUint32(44, true) / 4;
    this._sqMask = this._u32[dv.getUint32(48, true) / 4];
    this._sqEntries = sqEntries;
    this._cap = sqEntries;
    this._sqFlagsW = dv.getUint32(56, true) / 4;
    this._cqHeadW = dv.getUint32(80, true) / 4;
    this._cqTailW = dv.getUint32(84, true) / 4;
    this._cqMask = this._u32[dv.getUint32(88, true) / 4];
    this._cqEntries = cqEntries;
    this._cqOverflowW = dv.getUint32(96, true) / 4;
    this._cqesW = cqesOff / 4;
    this._cqeShift = cqe32 ? 3 : 2;
    if (!noArray) {
      // Identity SQ array: slot k is always SQE k, so it is filled once.
      const a = sqArrayOff / 4;
      for (let k = 0; k < sqEntries; k++) this._u32[a + k] = k;
    }
    this._tail = this._head = this._published = Atomics.load(
      this._u32,
      this._sqTailW,
    );
    this._sqLimit = (this._head + this._cap) >>> 0;
    this._cqHead = Atomics.load(this._u32, this._cqHeadW);
    this._scratch = new Uint8Array(sqEntries * 16);
    this._slotKind = new Uint16Array(sqEntries);
    this._nopAll = -1;
    this._nopRun = 0;
    this._scratchU32 = new Uint32Array(this._scratch.buffer);
    this._scratchAddr = unsafeAddressOf(this._scratch);
  }

  // The ring memory objects now in use (for the finalizer's record).
  _ringMemory(): { close(): void }[] {
    const u = this._userRings;
    const all = [this._ringMap, this._sqeMap, u?.rings, u?.sqes];
    return all.filter((m) => m != null) as { close(): void }[];
  }

  // Releases the ring memory: unmaps mmap'd rings; detaches the views over
  // JS-owned rings (the kernel unpins them when the ring is freed).
  _unmap(): void {
    this._sqeMap?.close();
    this._ringMap?.close();
    this._sqeMap = null;
    this._ringMap = null;
    this._userRings?.rings.close();
    this._userRings?.sqes.close();
    this._userRings = null;
  }

  _check(op: string): void {
    if (this._closed) throw new RingClosedError(op);
  }

  /** The ring file descriptor (for MSG_RING targets and register calls). */
  get fd(): number {
    this._check("fd");
    return this._fd;
  }

  /**
   * The buffers the options describe, registered by start(): the
   * read-buffer group, the multi-size groups and the write-buffer pool
   * (each null when its options are 0).
   */
  get buffers(): RingBuffers {
    this._check("buffers");
    return this._buffers;
  }

  /** Whether start() succeeded. */
  get started(): boolean {
    return this._started;
  }

  /** Whether stop() was called. */
  get closed(): boolean {
    return this._closed;
  }

  /**
   * Registers the configured resources (registered buffers from
   * lockedBufferMem and writeBufferNum, provided-buffer groups from
   * readBufferNum and multiSizeBuffer; see {@linkcode Uring.buffers}) and
   * enables the ring. The JS thread becomes the
   * ring's single issuer.
   */
  start(): void {
    this._check("start");
    if (this._started) {
      throw new UringError("start", 0, "uring: start: ring already started");
    }
    const mem = this.options.lockedBufferMem;
    const bufs: Uint8Array[] = [];
    let map: PageMemory | null = null;
    if (mem > 0) {
      let piece = REGISTER_BUFFER_SIZE;
      // The kernel registers at most 16384 buffers: larger budgets get
      // larger (still page-multiple) pieces.
      while (Math.floor(mem / piece) > MAX_REG_BUFFERS) piece *= 2;
      const count = Math.floor(mem / piece);
      if (count > 0) {
        // JS-owned memory: registering pins it; no pointer permission.
        map = new PageMemory(count * piece);
        for (let k = 0; k < count; k++) bufs.push(map.view(k * piece, piece));
      }
    }
    let owned: RingBuffers | null = null;
    try {
      // Provided-buffer groups and write buffers from the options.
      const a = allocateRingBuffers(this, this.options, bufs.length);
      owned = a.buffers;
      bufs.push(...a.writeViews);
      if (bufs.length > 0) this._registerBufferList(bufs);
    } catch (e) {
      owned?._close();
      map?.close();
      throw e;
    }
    this._regBufMap = map;
    if (map !== null) this._dropped?.maps.push(map);
    this._buffers = owned;
    reg.enableRings(this._fd);
    this._started = true;
  }

  /**
   * Tears the ring down: closes its eventfds and fd, unmaps the rings and
   * registered buffers (detaching every view), releases pins and the
   * ring's context pools. Idempotent. Drain in-flight operations first:
   * the kernel cancels what is left.
   */
  stop(): void {
    if (this._closed) return;
    this._closed = true;
    dropped.unregister(this);
    this._dropped = null;
    this._cap = 0;
    this._sqLimit = this._tail;
    if (this._asyncWaiting && this._cancelFd >= 0) {
      // A parked waitAsync owns the eventfds until its poll returns; wake it.
      writeFd(this._cancelFd, ONE);
    } else {
      this._closeEventfds();
    }
    // Unregistered while the fd still names this ring (a closed fd number
    // can be reused at once). A registered ring fd holds the ring open
    // until the thread exits: drop it too.
    if (this._ringIndex >= 0) {
      try {
        reg.unregisterRingFd(this._fd, this._ringIndex);
      } catch {
        // Nothing more to do: the slot dies with the thread.
      }
      REGISTERED_RINGS[this._ringIndex] = undefined;
      this._ringIndex = -1;
    }
    // Requests still in flight (pins left after RingCore's drain) and
    // provided-buffer memory keep what they may write into until the
    // kernel's teardown of the ring finished, not merely until close(2).
    const fence = this._teardown.finish(this._fd, this._pins.keys !== 0) ??
      undefined;
    const buffers = this._buffers;
    this._buffers = NO_RING_BUFFERS;
    try {
      buffers._close(fence);
    } catch {
      // The kernel drops the groups with the ring fd anyway.
    }
    closeFd(this._fd);
    this._unmap();
    this._regBufMap?.close(fence);
    this._regBufMap = null;
    this._regBufs = [];
    this._regBufIovecs = null;
    this._u32 = new Uint32Array(0);
    this._i32 = new Int32Array(0);
    this._sqe = new Uint32Array(0);
    this._sqe64 = new Float64Array(0);
    if (this._pins.keys !== 0) {
      // The kernel may still use this memory (see RingCore.stop).
      retirePins(this._pins);
      this._pins = new PinTable(16);
    } else {
      this._pins.clear();
    }
    this._pools.close();
  }

  _closeEventfds(): void {
    if (this._ownEventfd && this._eventfd >= 0) closeFd(this._eventfd);
    if (this._cancelFd >= 0) closeFd(this._cancelFd);
    this._eventfd = -1;
    this._cancelFd = -1;
    this._ownEventfd = false;
    this._syncDropped();
  }

  // Keeps the finalizer's record of the ring's own eventfds current.
  _syncDropped(): void {
    const h = this._dropped;
    if (h === null) return;
    h.eventfd = this._ownEventfd ? this._eventfd : -1;
    h.cancelFd = this._cancelFd;
  }

  /** Registers `bufs` as the ring's fixed buffers (registration layer). */
  abstract _registerBufferList(bufs: Uint8Array[]): void;
}

/**
 * The error for a failed io_uring_setup, with the two classic refusals
 * explained: EPERM (io_uring disabled by sysctl, or a seccomp filter) and
 * ENOSYS.
 */
export function setupError(raw: number): UringError {
  if (raw === -Errno.EPERM) {
    return new UringError(
      "io_uring_setup",
      raw,
      "uring: io_uring_setup: EPERM: the kernel refused to create a ring. " +
        "Either the sysctl kernel.io_uring_disabled forbids it (2: for " +
        "everyone; 1: unless in kernel.io_uring_group or CAP_SYS_ADMIN; " +
        "check `sysctl kernel.io_uring_disabled`), or a seccomp filter blocks " +
        "io_uring_setup (container runtimes' default profiles do: allow " +
        "io_uring_setup, io_uring_enter and io_uring_register). zcall and " +
        "sock keep working without io_uring.",
    );
  }
  return uringError("io_uring_setup", raw);
}
