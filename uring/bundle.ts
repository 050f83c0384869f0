/**
 * Bundle receives (IORING_RECVSEND_BUNDLE): one CQE covers several
 * consecutive buffers of a provided buffer ring, starting at the buffer id
 * in the CQE flags. {@linkcode BundleIterator} walks them: count, total
 * bytes, buffer(i) (the last one may be partial), ring slot ids with
 * wrap-around, copyTo, iteration, and recycle (hands every consumed buffer
 * back in consumption order, which keeps buffer id == ring slot).
 *
 * @example
 * ```ts
 * import { BufferRing, BundleIterator, CQEView, forFD, receiveBundle, Uring } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * using br = BufferRing.register(ring, { groupId: 1, entries: 16, bufferSize: 512 });
 * receiveBundle(ring, forFD(fd).withBufGroup(1));
 * const cqes = [new CQEView()];
 * if (ring.waitBlocking(cqes, 1, 1000) === 1) {
 *   const it = BundleIterator.from(cqes[0], br);
 *   if (it) {
 *     for (const chunk of it) console.log(chunk.length);
 *     it.recycle();
 *   }
 * }
 * ```
 *
 * @module
 */

import type { BufferRing } from "./buffer_ring.ts";

const F_BUFFER = 1;

/**
 * The first buffer id of a bundle CQE (valid with IORING_CQE_F_BUFFER).
 *
 * @example
 * ```ts
 * import { bundleStartId } from "@kernio/kernio/uring";
 * bundleStartId(5 << 16 | 1); // 5
 * ```
 */
export function bundleStartId(flags: number): number {
  return flags >>> 16;
}

/**
 * How many buffers of `bufferSize` a bundle result of `res` bytes used.
 *
 * @example
 * ```ts
 * import { bundleCount } from "@kernio/kernio/uring";
 * bundleCount(1100, 512); // 3
 * ```
 */
export function bundleCount(res: number, bufferSize: number): number {
  if (!(bufferSize > 0)) {
    throw new RangeError("bundleCount: bufferSize must be > 0");
  }
  return res > 0 ? Math.ceil(res / bufferSize) : 0;
}

/**
 * The buffers one bundle CQE consumed. Views are borrowed from the ring:
 * use them before {@linkcode BundleIterator.recycle}.
 *
 * @example
 * ```ts
 * import { BufferRing, BundleIterator, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * using br = BufferRing.register(ring, { groupId: 1, entries: 4, bufferSize: 8 });
 * // A CQE that took 20 bytes starting at buffer 3 (wraps to 0 and 1):
 * const it = BundleIterator.from({ res: 20, flags: (3 << 16) | 1 }, br)!;
 * it.count(); // 3
 * it.slotId(1); // 0
 * ```
 */
export class BundleIterator implements Iterable<Uint8Array> {
  readonly #ring: BufferRing;
  readonly #start: number;
  readonly #count: number;
  readonly #total: number;
  #recycled = false;

  private constructor(ring: BufferRing, start: number, total: number) {
    this.#ring = ring;
    this.#start = start;
    this.#total = total;
    this.#count = Math.ceil(total / ring.bufferSize);
  }

  /**
   * The iterator for a bundle CQE (`{res, flags}`) over `ring`, or null when
   * the CQE carries no data (res <= 0 or no buffer flag).
   */
  static from(
    cqe: { res: number; flags: number },
    ring: BufferRing,
  ): BundleIterator | null {
    if (cqe === null || typeof cqe !== "object") {
      throw new TypeError("BundleIterator.from: expected a CQE");
    }
    if (ring === null || typeof ring !== "object" || !("bufferSize" in ring)) {
      throw new TypeError("BundleIterator.from: expected a BufferRing");
    }
    if (cqe.res <= 0 || (cqe.flags & F_BUFFER) === 0) return null;
    if (cqe.res > ring.bufferSize * ring.count) {
      throw new RangeError("BundleIterator.from: result larger than the ring");
    }
    return new BundleIterator(ring, cqe.flags >>> 16, cqe.res);
  }

  /** Buffers consumed. */
  count(): number {
    return this.#count;
  }

  /** Bytes received. */
  totalBytes(): number {
    return this.#total;
  }

  /** The ring slot (== buffer id) of buffer `i`, wrapping with the mask. */
  slotId(i: number): number {
    this.#checkIndex(i, "slotId");
    return (this.#start + i) & this.#ring.mask;
  }

  /** Buffer `i`'s data (the last one may be partial). */
  buffer(i: number): Uint8Array {
    this.#checkIndex(i, "buffer");
    const size = this.#ring.bufferSize;
    const len = i === this.#count - 1 ? this.#total - i * size : size;
    return this.#ring.view((this.#start + i) & this.#ring.mask).subarray(
      0,
      len,
    );
  }

  #checkIndex(i: number, op: string): void {
    if (this.#recycled) {
      throw new TypeError(`BundleIterator.${op}: buffers already recycled`);
    }
    if (!(Number.isInteger(i) && i >= 0 && i < this.#count)) {
      throw new RangeError(
        `BundleIterator.${op}: index must be 0..${this.#count - 1}, got ${i}`,
      );
    }
  }

  /** Copies all bundle data into `dst`; returns the bytes copied. */
  copyTo(dst: Uint8Array): number {
    if (!(dst instanceof Uint8Array)) {
      throw new TypeError("BundleIterator.copyTo: dst must be a Uint8Array");
    }
    let off = 0;
    for (let i = 0; i < this.#count && off < dst.byteLength; i++) {
      const b = this.buffer(i);
      const n = Math.min(b.byteLength, dst.byteLength - off);
      dst.set(n === b.byteLength ? b : b.subarray(0, n), off);
      off += n;
    }
    return off;
  }

  /** Every buffer's data, in order. */
  *[Symbol.iterator](): IterableIterator<Uint8Array> {
    for (let i = 0; i < this.#count; i++) yield this.buffer(i);
  }

  /** `[slotId, data]` pairs, in order. */
  *entries(): IterableIterator<[number, Uint8Array]> {
    for (let i = 0; i < this.#count; i++) {
      yield [this.slotId(i), this.buffer(i)];
    }
  }

  /** All buffers as an array. */
  collect(): Uint8Array[] {
    return [...this];
  }

  /**
   * Hands every consumed buffer back (provide in order, one advance). Call
   * once, after the data has been processed. Idempotent.
   */
  recycle(): void {
    if (this.#recycled) return;
    this.#recycled = true;
    const mask = this.#ring.mask;
    for (let i = 0; i < this.#count; i++) {
      this.#ring.provide((this.#start + i) & mask);
    }
    this.#ring.advance();
  }
}
