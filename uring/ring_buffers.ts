/**
 * The buffers a ring's options describe, allocated and registered by
 * `Uring.start()`:
 *
 * - read buffers (`readBufferNum` × `readBufferSize`): one provided-buffer
 *   ring in group `readBufferGidOffset`, for buffer-selected receives;
 * - multi-size buffer groups (`multiSizeBuffer` > 0): one provided-buffer
 *   ring per enabled tier of `bufferGroups` (counts × `multiSizeBuffer`,
 *   at most 32768 buffers per tier, the kernel's ring limit), in groups
 *   `readBufferGidOffset + 1 + tier` (tier 0 = 32 B … 11 = 128 MiB);
 * - write buffers (`writeBufferNum` × `writeBufferSize`): registered
 *   (fixed) buffers after the `lockedBufferMem` pieces, handed out by a
 *   {@linkcode WriteBufferPool} for writeFixed / sendZC with a fixed buffer.
 *
 * Buffer memory is anonymous mmap: it is only backed by pages once touched.
 *
 * @example
 * ```ts
 * import { CQEView, forFD, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 16, readBufferNum: 16, readBufferSize: 1024 });
 * ring.start();
 * const group = ring.buffers.read!.groupId; // 0: readBufferGidOffset
 * declare const fd: number;
 * ring.receive(forFD(fd).withBufGroup(group), null);
 * const cqes = [new CQEView()];
 * if (ring.waitBlocking(cqes, 1, 100) === 1 && cqes[0].res > 0) {
 *   const data = ring.buffers.data(cqes[0]); // view into the chosen buffer
 *   console.log(data.length);
 *   ring.buffers.recycle(cqes[0]);
 * }
 * ```
 *
 * @module
 */

import { Errno, Mapping } from "../zcall/mod.ts";
import { BufferGroups, BufferRing } from "./buffer_ring.ts";
import { UringError } from "./errors.ts";
import type { Options } from "./options.ts";

const F_BUFFER = 1;

/**
 * Registered write buffers from `writeBufferNum` × `writeBufferSize`:
 * `acquire()` hands out a registered-buffer index (no allocation), `view()`
 * gives its bytes, `release()` returns it. Use the index with
 * `ring.writeFixed` or a fixed-buffer zero-copy send.
 *
 * @example
 * ```ts
 * import { Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8, writeBufferNum: 4, writeBufferSize: 4096 });
 * ring.start();
 * const pool = ring.buffers.write!;
 * const idx = pool.acquire(); // a registered buffer index, -1 when none is free
 * pool.view(idx).set([1, 2, 3]);
 * pool.release(idx);
 * ```
 */
export class WriteBufferPool {
  /** First registered-buffer index of the pool. */
  readonly firstIndex: number;
  /** Number of buffers. */
  readonly count: number;
  /** Bytes per buffer. */
  readonly bufferSize: number;
  #views: Uint8Array[];
  #free: Int32Array; // stack of free offsets (index - firstIndex)
  #top: number;
  #busy: Uint8Array;

  /** @internal */
  constructor(firstIndex: number, views: Uint8Array[], bufferSize: number) {
    this.firstIndex = firstIndex;
    this.count = views.length;
    this.bufferSize = bufferSize;
    this.#views = views;
    this.#free = new Int32Array(views.length);
    for (let k = 0; k < views.length; k++) {
      this.#free[k] = views.length - 1 - k;
    }
    this.#top = views.length;
    this.#busy = new Uint8Array(views.length);
  }

  /** Free buffers. */
  available(): number {
    return this.#top;
  }

  /** A free buffer's registered index, or -1 when every buffer is out. */
  acquire(): number {
    if (this.#top === 0) return -1;
    const k = this.#free[--this.#top];
    this.#busy[k] = 1;
    return this.firstIndex + k;
  }

  /** The bytes of registered buffer `index` (one of this pool's). */
  view(index: number): Uint8Array {
    return this.#views[this.#offset(index, "view")];
  }

  /** Returns buffer `index`; releasing a free buffer throws. */
  release(index: number): void {
    const k = this.#offset(index, "release");
    if (this.#busy[k] === 0) {
      throw new UringError(
        "WriteBufferPool.release",
        -Errno.EINVAL,
        `uring: WriteBufferPool.release: buffer ${index} is not acquired`,
      );
    }
    this.#busy[k] = 0;
    this.#free[this.#top++] = k;
  }

  #offset(index: number, op: string): number {
    const k = index - this.firstIndex;
    if (!(Number.isInteger(index) && k >= 0 && k < this.count)) {
      throw new RangeError(
        `WriteBufferPool.${op}: index must be ${this.firstIndex}..${
          this.firstIndex + this.count - 1
        }, got ${index}`,
      );
    }
    if (this.#views[k].byteLength === 0) {
      throw new UringError(
        `WriteBufferPool.${op}`,
        -Errno.EBADF,
        `uring: WriteBufferPool.${op}: the ring was stopped`,
      );
    }
    return k;
  }

  /** @internal */
  _close(): void {
    this.#views = this.#views.map(() => EMPTY);
    this.#top = 0;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * The provided and registered buffers a started ring owns (see the module
 * doc for the group ids). Every member is null when its options are 0.
 *
 * @example
 * ```ts
 * import { Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8, multiSizeBuffer: 1, bufferGroups: {
 *   picoNum: 64, nanoNum: 0, microNum: 0, smallNum: 16, mediumNum: 0, bigNum: 0,
 *   largeNum: 0, greatNum: 0, hugeNum: 0, vastNum: 0, giantNum: 0, titanNum: 0,
 * } });
 * ring.start();
 * ring.buffers.groups!.forSize(1000).bufferSize; // 2048
 * ```
 */
export class RingBuffers {
  /** The read-buffer group (readBufferNum > 0), or null. */
  readonly read: BufferRing | null;
  /** The multi-size tiers (multiSizeBuffer > 0), or null. */
  readonly groups: BufferGroups | null;
  /** The registered write buffers (writeBufferNum > 0), or null. */
  readonly write: WriteBufferPool | null;
  #writeMap: Mapping | null;
  #byGroup = new Map<number, BufferRing>();

  /** @internal */
  constructor(
    read: BufferRing | null,
    groups: BufferGroups | null,
    write: WriteBufferPool | null,
    writeMap: Mapping | null,
  ) {
    this.read = read;
    this.groups = groups;
    this.write = write;
    this.#writeMap = writeMap;
    if (read) this.#byGroup.set(read.groupId, read);
    for (const r of groups?.rings ?? []) this.#byGroup.set(r.groupId, r);
  }

  /** The provided-buffer ring of `groupId`, or undefined. */
  group(groupId: number): BufferRing | undefined {
    return this.#byGroup.get(groupId);
  }

  /**
   * The received bytes of a buffer-selected completion: a view into the
   * buffer the kernel chose from the completion's group (valid until
   * recycled). Throws when the CQE carries no buffer of these groups.
   */
  data(cqe: { res: number; flags: number; bufGroup(): number }): Uint8Array {
    const br = this.#ringOf(cqe, "data");
    return br.view(cqe.flags >>> 16).subarray(0, cqe.res > 0 ? cqe.res : 0);
  }

  /** Hands the completion's buffer back to its group. */
  recycle(cqe: { res: number; flags: number; bufGroup(): number }): void {
    this.#ringOf(cqe, "recycle").recycle(cqe.flags >>> 16);
  }

  #ringOf(
    cqe: { flags: number; bufGroup(): number },
    op: string,
  ): BufferRing {
    if ((cqe.flags & F_BUFFER) === 0) {
      throw new TypeError(`RingBuffers.${op}: the completion has no buffer`);
    }
    const g = cqe.bufGroup();
    const br = this.#byGroup.get(g);
    if (br === undefined) {
      throw new RangeError(`RingBuffers.${op}: no ring-owned group ${g}`);
    }
    return br;
  }

  /** @internal Unregisters and unmaps everything (ring stop). */
  _close(): void {
    try {
      this.read?.close();
      this.groups?.close();
    } finally {
      this.write?._close();
      this.#writeMap?.close();
      this.#writeMap = null;
    }
  }
}

/** No ring-owned buffers (options all 0). */
export const NO_RING_BUFFERS: RingBuffers = new RingBuffers(
  null,
  null,
  null,
  null,
);

/**
 * @internal Allocates the provided-buffer groups the options describe and
 * maps the write buffers (registered by the caller together with the
 * lockedBufferMem pieces, from index `firstWriteIndex`).
 */
export function allocateRingBuffers(
  ringFd: number,
  o: Readonly<Options>,
  firstWriteIndex: number,
): { buffers: RingBuffers; writeViews: Uint8Array[] } {
  let read: BufferRing | null = null;
  let groups: BufferGroups | null = null;
  let writeMap: Mapping | null = null;
  try {
    if (o.readBufferNum > 0) {
      read = BufferRing.register(ringFd, {
        groupId: o.readBufferGidOffset,
        entries: o.readBufferNum,
        count: o.readBufferNum,
        bufferSize: o.readBufferSize,
      });
    }
    if (o.multiSizeBuffer > 0 && hasTier(o)) {
      const off = o.readBufferGidOffset + 1;
      if (off + 12 > 0x10000) {
        throw new RangeError(
          "Uring options: readBufferGidOffset leaves no room for the 12 buffer-group ids",
        );
      }
      groups = BufferGroups.register(ringFd, {
        config: o.bufferGroups,
        scale: o.multiSizeBuffer,
        groupIdOffset: off,
      });
    }
    const writeViews: Uint8Array[] = [];
    let write: WriteBufferPool | null = null;
    if (o.writeBufferNum > 0) {
      // Page-aligned pieces: fixed-buffer I/O and O_DIRECT prefer them.
      const piece = Math.ceil(o.writeBufferSize / 4096) * 4096;
      writeMap = Mapping.anonymous(piece * o.writeBufferNum);
      for (let k = 0; k < o.writeBufferNum; k++) {
        writeViews.push(
          new Uint8Array(writeMap.buffer, k * piece, o.writeBufferSize),
        );
      }
      write = new WriteBufferPool(
        firstWriteIndex,
        writeViews,
        o.writeBufferSize,
      );
    }
    return {
      buffers: new RingBuffers(read, groups, write, writeMap),
      writeViews,
    };
  } catch (e) {
    read?.close();
    groups?.close();
    writeMap?.close();
    throw e;
  }
}

function hasTier(o: Readonly<Options>): boolean {
  for (const v of Object.values(o.bufferGroups)) if (v > 0) return true;
  return false;
}
