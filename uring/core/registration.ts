// Registration, probing and resizing on a ring.

import {
  IORING_ENTER,
  IORING_REGISTER,
  IORING_SETUP,
} from "../../zcall/constants.ts";
import { unsafeAddressOf, viewByteLength } from "../../zcall/memory.ts";
import { Iovecs } from "../../zcall/structs.ts";
import { ioUringEnter, ioUringRegister } from "../../zcall/syscalls.ts";
import type { ContextPools, ExtSQE, IndirectSQE } from "../context.ts";
import { NotSupportedError, UringError, uringError } from "../errors.ts";
import {
  type Probe,
  probeOpcodes,
  type QueryOpcode,
  queryOpcodes,
  type QuerySCQ,
  querySCQ,
} from "../probe.ts";
import * as reg from "../register.ts";
import { MAX_REG_BUFFERS, TWO32 } from "../_constants.ts";
import {
  allocateUserRings,
  type Features,
  REGISTERED_RINGS,
} from "./memory.ts";
import type { MemRegionReg } from "../structs.ts";
import { RingCompletion } from "./completion.ts";

// IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_ANY: every request.
const CANCEL_ALL = 1 << 0;
const CANCEL_ANY = 1 << 2;
/** How long stop() waits for the kernel to let go of pinned memory. */
export const STOP_DRAIN_MS = 1000;

/**
 * Registration (files, buffers, eventfd aside), probing, ring resizing,
 * buffer cloning and the context pools: the complete ring core that
 * `Uring` wraps.
 */
export class RingCore extends RingCompletion {
  /**
   * Tears the ring down (see RingMemory.stop), after letting the kernel
   * finish with the JS memory in-flight operations still pin: everything
   * in flight is cancelled and reaped for at most STOP_DRAIN_MS (a
   * zero-copy send's notification waits for the peer's ACK); what is still
   * pinned after that is retired (kept alive for the life of the process),
   * never released to be reused while the kernel may write into it or
   * transmit from it.
   */
  override stop(): void {
    if (!this._closed && this._started && this._pins.keys !== 0) {
      try {
        this._drainPins();
      } catch {
        // Whatever is left is retired by the teardown.
      }
    }
    super.stop();
  }

  _drainPins(): void {
    this.cancelPending(); // never published: their pins go now
    if (this._tail !== this._head) this.submit();
    const cancel = new Uint8Array(64); // struct io_uring_sync_cancel_reg
    const dv = new DataView(cancel.buffer);
    dv.setInt32(8, -1, true);
    dv.setUint32(12, CANCEL_ALL | CANCEL_ANY, true);
    dv.setUint32(24, 100_000_000, true); // timeout: 100 ms
    ioUringRegister(this._fd, IORING_REGISTER.SYNC_CANCEL, cancel, 1);
    const deadline = performance.now() + STOP_DRAIN_MS;
    const ts = this._waitTsU32;
    for (;;) {
      this._reapPinsOnly();
      if (this._pins.keys === 0 || performance.now() >= deadline) return;
      ts[0] = ts[1] = ts[3] = 0;
      ts[2] = 10_000_000; // wait at most 10 ms for more completions
      ioUringEnter(
        this._fd,
        0,
        1,
        IORING_ENTER.GETEVENTS | IORING_ENTER.EXT_ARG,
        this._getArg,
        24,
      );
    }
  }

  // Consumes every ready CQE, ending pins (stop: nobody reads them).
  _reapPinsOnly(): void {
    const u32 = this._u32;
    const tail = Atomics.load(u32, this._cqTailW);
    let head = this._cqHead;
    const mask = this._cqMask, base = this._cqesW, shift = this._cqeShift;
    while (head !== tail) {
      const w = base + ((head & mask) << shift);
      if ((u32[w + 3] & 2) === 0) this._pins.complete(u32[w], u32[w + 1]);
      head = (head + 1) >>> 0;
    }
    this._advanceCq(head, 0);
  }

  /** Raw io_uring_register passthrough on this ring (typed error on failure). */
  register(opcode: number, arg: Uint8Array | null, nrArgs: number): number {
    this._check("register");
    return reg.register(this._fd, opcode, arg, nrArgs);
  }

  /** Registers a file table (use the indexes with IOSQE_FIXED_FILE). */
  registerFiles(fds: Int32Array | readonly number[]): void {
    this._check("registerFiles");
    reg.registerFiles(this._fd, fds);
    this._regFiles = fds.length;
  }

  /** Registers `count` empty file slots. */
  registerFilesSparse(count: number): void {
    this._check("registerFilesSparse");
    reg.registerFilesSparse(this._fd, count);
    this._regFiles = count;
  }

  /** Replaces registered file slots from `offset` (-1 clears). */
  registerFilesUpdate(
    offset: number,
    fds: Int32Array | readonly number[],
  ): number {
    this._check("registerFilesUpdate");
    return reg.registerFilesUpdate(this._fd, offset, fds);
  }

  /** Drops the registered file table. */
  unregisterFiles(): void {
    this._check("unregisterFiles");
    reg.unregisterFiles(this._fd);
    this._regFiles = 0;
  }

  /** Size of the registered file table (0 if none). */
  registeredFileCount(): number {
    this._check("registeredFileCount");
    return this._regFiles;
  }

  _registerBufferList(bufs: Uint8Array[]): void {
    if (bufs.length === 0 || bufs.length > MAX_REG_BUFFERS) {
      throw new RangeError(
        `registerBuffers: 1..${MAX_REG_BUFFERS} buffers, got ${bufs.length}`,
      );
    }
    const iov = new Iovecs(Math.min(bufs.length, 1024));
    if (bufs.length <= 1024) {
      bufs.forEach((b, k) => iov.set(k, b));
      reg.registerBuffers(this._fd, iov.bytes, bufs.length);
      this._regBufIovecs = iov;
    } else {
      // Iovecs caps at IOV_MAX; build the larger array by hand.
      const raw = new Uint8Array(bufs.length * 16);
      const dv = new DataView(raw.buffer);
      bufs.forEach((b, k) => {
        const a = unsafeAddressOf(b);
        dv.setUint32(k * 16, a >>> 0, true);
        dv.setUint32(k * 16 + 4, Math.floor(a / TWO32), true);
        dv.setUint32(k * 16 + 8, viewByteLength(b), true);
      });
      reg.registerBuffers(this._fd, raw, bufs.length);
    }
    this._regBufs = bufs;
  }

  /**
   * Registers caller buffers for readFixed/writeFixed (kept alive by the
   * ring until unregisterBuffers or stop).
   */
  registerBuffers(bufs: readonly Uint8Array[]): void {
    this._check("registerBuffers");
    if (!Array.isArray(bufs)) {
      throw new TypeError("registerBuffers: expected an array of Uint8Array");
    }
    for (const b of bufs) {
      if (!(b instanceof Uint8Array) || viewByteLength(b) === 0) {
        throw new TypeError(
          "registerBuffers: every buffer must be a non-empty Uint8Array",
        );
      }
    }
    if (this._regBufs.length !== 0) {
      throw new UringError(
        "registerBuffers",
        -16,
        "uring: registerBuffers: buffers already registered",
      );
    }
    this._registerBufferList([...bufs]);
  }

  /** Unregisters the registered buffers (and unmaps ring-owned ones). */
  unregisterBuffers(): void {
    this._check("unregisterBuffers");
    reg.unregisterBuffers(this._fd);
    this._regBufs = [];
    this._regBufIovecs = null;
    this._regBufMap?.close();
    this._regBufMap = null;
  }

  /** Registered buffer `index` (shares memory with the kernel), or null. */
  registeredBuffer(index: number): Uint8Array | null {
    this._check("registeredBuffer");
    return this._regBufs[index] ?? null;
  }

  /** Number of registered buffers. */
  registeredBufferCount(): number {
    this._check("registeredBufferCount");
    return this._regBufs.length;
  }

  /** Opcode support via IORING_REGISTER_PROBE. */
  probe(): Probe {
    this._check("probe");
    return probeOpcodes(this._fd);
  }

  /** IORING_REGISTER_QUERY opcodes (NotSupportedError on kernels without it). */
  queryOpcodes(): QueryOpcode {
    this._check("queryOpcodes");
    return queryOpcodes(this._fd);
  }

  /** IORING_REGISTER_QUERY SQ/CQ facts (NotSupportedError without it). */
  querySCQ(): QuerySCQ {
    this._check("querySCQ");
    return querySCQ(this._fd);
  }

  /**
   * Resizes the SQ and CQ (IORING_REGISTER_RESIZE_RINGS; single-issuer
   * rings only). 0 keeps the SQ size; cq 0 means twice the SQ. Pending
   * SQEs are submitted first. Re-read `sqeWords` afterwards: the old views
   * are detached.
   */
  resizeRings(sqEntries: number, cqEntries = 0): void {
    this._check("resizeRings");
    if (!this._deferTaskrun) {
      throw new NotSupportedError(
        "resizeRings",
        "needs a single-issuer (DEFER_TASKRUN) ring",
        -22,
      );
    }
    const sq = sqEntries === 0 ? this._sqEntries : sqEntries;
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
    if (this._tail !== this._head) this.submit();
    if (this._tail !== this._head) {
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
    // A NO_MMAP ring is resized into fresh JS-owned memory.
    const fresh = this._userRings
      ? allocateUserRings(dv, sq, cqEntries, this._setupFlags)
      : null;
    const r = ioUringRegister(this._fd, IORING_REGISTER.RESIZE_RINGS, p, 1);
    if (r < 0) {
      fresh?.rings.close();
      fresh?.sqes.close();
      throw uringError("resize rings", r);
    }
    // The kernel copied pending entries into the new rings and wrote the new
    // sizes and offsets back into p: remap with them.
    const keep = new DataView(this._params.buffer);
    for (let off = 0; off < 120; off += 4) {
      if (off === 8 || off === 20) continue; // setup flags and features stay
      keep.setUint32(off, dv.getUint32(off, true), true);
    }
    this._unmap();
    this._userRings = fresh;
    this._map();
    this._dropped?.maps.push(...this._ringMemory());
    (this.features as Features).sqEntries = this._sqEntries;
    (this.features as Features).cqEntries = this._cqEntries;
  }

  /**
   * Clones registered buffers from another ring (IORING_REGISTER_CLONE_BUFFERS).
   */
  cloneBuffers(
    src: RingCore | number,
    srcOff = 0,
    dstOff = 0,
    count = 0,
    replace = false,
  ): void {
    this._check("cloneBuffers");
    const srcFd = typeof src === "number" ? src : src.fd;
    reg.cloneBuffers(
      this._fd,
      srcFd,
      srcOff,
      dstOff,
      count,
      replace ? reg.IORING_REGISTER_CLONE.DST_REPLACE : 0,
    );
    if (typeof src !== "number") {
      const from = src._regBufs;
      const n = count === 0 ? from.length - srcOff : count;
      const next = this._regBufs.slice();
      for (let k = 0; k < n; k++) next[dstOff + k] = from[srcOff + k];
      this._regBufs = next;
    }
  }

  /**
   * Registers this ring in the thread's registered-ring table (once) and
   * returns its slot.
   */
  registerRingFd(): number {
    this._check("registerRingFd");
    if (this._ringIndex < 0) {
      this._ringIndex = reg.registerRingFd(this._fd);
      REGISTERED_RINGS[this._ringIndex] = this;
    }
    return this._ringIndex;
  }

  /** Drops this ring's registered-ring slot (no-op when none). */
  unregisterRingFd(): void {
    this._check("unregisterRingFd");
    if (this._ringIndex < 0) return;
    reg.unregisterRingFd(this._fd, this._ringIndex);
    REGISTERED_RINGS[this._ringIndex] = undefined;
    this._ringIndex = -1;
  }

  /** Clones registered buffers from the ring in registered slot `srcIndex`. */
  cloneBuffersFromRegistered(
    srcIndex: number,
    srcOff = 0,
    dstOff = 0,
    count = 0,
    replace = false,
  ): void {
    this._check("cloneBuffersFromRegistered");
    reg.cloneBuffersFromRegistered(
      this._fd,
      srcIndex,
      srcOff,
      dstOff,
      count,
      replace,
    );
    const src = REGISTERED_RINGS[srcIndex];
    if (src !== undefined) {
      const from = src._regBufs;
      const n = count === 0 ? from.length - srcOff : count;
      const next = this._regBufs.slice();
      for (let k = 0; k < n; k++) next[dstOff + k] = from[srcOff + k];
      this._regBufs = next;
    }
  }

  /** Registers a memory region (see registerMemRegion in uring/raw). */
  registerMemRegion(region: MemRegionReg): void {
    this._check("registerMemRegion");
    reg.registerMemRegion(this._fd, region);
  }

  /** The ring's own context pools (closed by stop). */
  get pools(): ContextPools {
    this._check("pools");
    return this._pools;
  }

  /** Borrows an ExtSQE from the ring's pool (null when exhausted). */
  extSQE(): ExtSQE | null {
    this._check("extSQE");
    return this._pools.extended();
  }

  /** Returns an ExtSQE to the ring's pool. */
  putExtSQE(ext: ExtSQE): void {
    this._check("putExtSQE");
    this._pools.putExtended(ext);
  }

  /** Borrows an IndirectSQE from the ring's pool (null when exhausted). */
  indirectSQE(): IndirectSQE | null {
    this._check("indirectSQE");
    return this._pools.indirect();
  }

  /** Returns an IndirectSQE to the ring's pool. */
  putIndirectSQE(s: IndirectSQE): void {
    this._check("putIndirectSQE");
    this._pools.putIndirect(s);
  }

  _regBuf(where: string, bufIndex: number): Uint8Array {
    const b = this._regBufs[bufIndex];
    if (!Number.isInteger(bufIndex) || b === undefined) {
      throw new RangeError(`${where}: no registered buffer ${bufIndex}`);
    }
    return b;
  }
}
