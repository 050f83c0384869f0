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
 * ring.recv(forFD(fd).withBufGroup(group), null);
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

import { Errno } from "../zcall/errno.ts";
import {
  PageMemory,
  pageSize,
  type ReleaseFence,
} from "../zcall/page_memory.ts";
import { BufferGroups, BufferRing, type RingFdSource } from "./buffer_ring.ts";
import { BundleIterator } from "./bundle.ts";
import { UringError } from "./errors.ts";
import { type Options, REGISTER_BUFFER_SIZE } from "./options.ts";

const F_BUFFER = 1;

/**
 * A pool of registered (fixed) buffers: `fill()` makes `capacity` buffers
 * (page-aligned pieces of one mapping by default, or from a factory),
 * `ring.registerBufferPool(pool)` registers them as the ring's fixed
 * buffers, then `acquire()` hands out a registered-buffer index (no
 * allocation; -1 when all are out), `view()` gives its bytes and
 * `release()` returns it. Use the index with `ring.readFixed`,
 * `ring.writeFixed` or a fixed-buffer zero-copy send.
 *
 * @example
 * ```ts
 * import { RegisterBufferPool, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const pool = new RegisterBufferPool(16).fill();
 * ring.registerBufferPool(pool);
 * const idx = pool.acquire();
 * pool.view(idx).set([1, 2, 3]);
 * pool.release(idx);
 * ```
 */
export class RegisterBufferPool {
  /** Number of buffers the pool holds once filled. */
  readonly capacity: number;
  /** Bytes per buffer of the default fill (REGISTER_BUFFER_SIZE: 4096). */
  readonly bufferSize: number;
  #first = -1;
  #views: Uint8Array[] = [];
  #map: PageMemory | null = null;
  #free: Int32Array;
  #top = 0;
  #busy: Uint8Array;

  /** An empty pool of `capacity` buffers of `bufferSize` bytes. */
  constructor(capacity: number, bufferSize: number = REGISTER_BUFFER_SIZE) {
    if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 16384)) {
      throw new RangeError(
        `RegisterBufferPool: capacity must be 1..16384, got ${capacity}`,
      );
    }
    if (
      !(Number.isInteger(bufferSize) && bufferSize >= 1 &&
        bufferSize <= 1 << 30)
    ) {
      throw new RangeError(
        `RegisterBufferPool: bufferSize must be 1..2^30, got ${bufferSize}`,
      );
    }
    this.capacity = capacity;
    this.bufferSize = bufferSize;
    this.#free = new Int32Array(capacity);
    this.#busy = new Uint8Array(capacity);
  }

  /**
   * Fills the pool: with `factory`, `capacity` buffers it returns
   * (non-empty Uint8Arrays, kept alive by the pool); without, page-aligned
   * pieces of one JS-owned memory block the pool owns.
   */
  fill(factory?: () => Uint8Array): this {
    if (this.#views.length !== 0) {
      throw new UringError(
        "RegisterBufferPool.fill",
        -Errno.EBUSY,
        "uring: RegisterBufferPool.fill: already filled",
      );
    }
    const views: Uint8Array[] = [];
    if (factory === undefined) {
      // JS-owned page-aligned memory: registering pins it; views need no
      // pointer permission.
      const piece = Math.ceil(this.bufferSize / pageSize()) * pageSize();
      const map = new PageMemory(piece * this.capacity);
      for (let k = 0; k < this.capacity; k++) {
        views.push(map.view(k * piece, this.bufferSize));
      }
      this.#map = map;
    } else {
      if (typeof factory !== "function") {
        throw new TypeError(
          "RegisterBufferPool.fill: factory must be a function",
        );
      }
      for (let k = 0; k < this.capacity; k++) {
        const b = factory();
        if (!(b instanceof Uint8Array) || b.byteLength === 0) {
          throw new TypeError(
            "RegisterBufferPool.fill: the factory must return non-empty Uint8Arrays",
          );
        }
        views.push(b);
      }
    }
    this.#views = views;
    return this;
  }

  /** The buffers (registration order), for `registerBuffers`. */
  buffers(): readonly Uint8Array[] {
    if (this.#views.length === 0) {
      throw new TypeError("RegisterBufferPool: fill() the pool first");
    }
    return this.#views;
  }

  /** @internal Binds the pool to registered indexes from `first`. */
  _bind(first: number): void {
    if (this.#first >= 0) {
      throw new UringError(
        "registerBufferPool",
        -Errno.EBUSY,
        "uring: registerBufferPool: the pool is already registered",
      );
    }
    this.#first = first;
    const n = this.#views.length;
    for (let k = 0; k < n; k++) this.#free[k] = n - 1 - k;
    this.#top = n;
  }

  /** First registered index (-1 until registered). */
  get firstIndex(): number {
    return this.#first;
  }

  /** Number of buffers (0 until filled). */
  get count(): number {
    return this.#views.length;
  }

  /** Free buffers. */
  available(): number {
    return this.#top;
  }

  /** A free buffer's registered index, or -1 when every buffer is out (or not registered). */
  acquire(): number {
    if (this.#top === 0) return -1;
    const k = this.#free[--this.#top];
    this.#busy[k] = 1;
    return this.#first + k;
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
        "RegisterBufferPool.release",
        -Errno.EINVAL,
        `uring: RegisterBufferPool.release: buffer ${index} is not acquired`,
      );
    }
    this.#busy[k] = 0;
    this.#free[this.#top++] = k;
  }

  #offset(index: number, op: string): number {
    const k = index - this.#first;
    if (
      !(this.#first >= 0 && Number.isInteger(index) && k >= 0 &&
        k < this.#views.length)
    ) {
      throw new RangeError(
        `RegisterBufferPool.${op}: not a registered index of this pool: ${index}`,
      );
    }
    if (this.#views[k].byteLength === 0) {
      throw new UringError(
        `RegisterBufferPool.${op}`,
        -Errno.EBADF,
        `uring: RegisterBufferPool.${op}: the ring was stopped`,
      );
    }
    return k;
  }

  /**
   * @internal Detaches the views (ring stop) and releases owned memory
   * (after `fence` when operations may still use it).
   */
  _close(fence?: ReleaseFence): void {
    this.#views = this.#views.map(() => EMPTY);
    this.#top = 0;
    this.#map?.close(fence);
    this.#map = null;
  }
}

/**
 * The registered write buffers from `writeBufferNum` × `writeBufferSize`
 * (a {@linkcode RegisterBufferPool} the ring made and registered at start).
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
export class WriteBufferPool extends RegisterBufferPool {
  /** @internal */
  constructor(firstIndex: number, views: Uint8Array[], bufferSize: number) {
    super(views.length, bufferSize);
    this.fill(() => views.shift()!);
    this._bind(firstIndex);
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
  #writeMap: PageMemory | null;
  #byGroup = new Map<number, BufferRing>();

  /** @internal */
  constructor(
    read: BufferRing | null,
    groups: BufferGroups | null,
    write: WriteBufferPool | null,
    writeMap: PageMemory | null,
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

  /**
   * The buffers a bundle receive's completion consumed from its group
   * (see {@linkcode BundleIterator}), or null when it carries no data.
   */
  bundle(
    cqe: { res: number; flags: number; bufGroup(): number },
  ): BundleIterator | null {
    if (cqe.res <= 0 || (cqe.flags & F_BUFFER) === 0) return null;
    return BundleIterator.from(cqe, this.#ringOf(cqe, "bundle"));
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

  /**
   * @internal Unregisters and releases everything (ring stop; the write
   * buffers after `fence` when operations may still use them).
   */
  _close(fence?: ReleaseFence): void {
    try {
      this.read?.close();
      this.groups?.close();
    } finally {
      this.write?._close(fence);
      this.#writeMap?.close(fence);
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
  ring: RingFdSource,
  o: Readonly<Options>,
  firstWriteIndex: number,
): { buffers: RingBuffers; writeViews: Uint8Array[] } {
  let read: BufferRing | null = null;
  let groups: BufferGroups | null = null;
  let writeMap: PageMemory | null = null;
  try {
    if (o.readBufferNum > 0) {
      read = BufferRing.register(ring, {
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
      groups = BufferGroups.register(ring, {
        config: o.bufferGroups,
        scale: o.multiSizeBuffer,
        groupIdOffset: off,
      });
    }
    const writeViews: Uint8Array[] = [];
    let write: WriteBufferPool | null = null;
    if (o.writeBufferNum > 0) {
      // Page-aligned pieces: fixed-buffer I/O and O_DIRECT prefer them.
      const piece = Math.ceil(o.writeBufferSize / pageSize()) * pageSize();
      writeMap = new PageMemory(piece * o.writeBufferNum);
      for (let k = 0; k < o.writeBufferNum; k++) {
        writeViews.push(
          writeMap.view(k * piece, o.writeBufferSize),
        );
      }
      write = new WriteBufferPool(
        firstWriteIndex,
        [...writeViews],
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
