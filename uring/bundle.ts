/**
 * Bundle receives (IORING_RECVSEND_BUNDLE): one CQE covers several
 * consecutive buffers of a provided buffer ring, starting at the buffer id
 * in the CQE flags. {@linkcode BundleIterator} walks them: count, total
 * bytes, buffer(i) (the last one may be partial), ring slot ids with
 * wrap-around, the buffer id held in each slot (ids and slots drift apart
 * when a ring has fewer buffers than entries), copyTo, iteration, and
 * recycle (hands every consumed buffer back in consumption order).
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
 * it.bufferId(1); // 0
 * ```
 */
export class BundleIterator implements Iterable<Uint8Array> {
  readonly #ring: BufferRing;
  readonly #slot: number; // ring slot of the first buffer
  readonly #count: number;
  readonly #lastLen: number;
  readonly #total: number;
  #recycled = false;

  private constructor(
    ring: BufferRing,
    slot: number,
    count: number,
    lastLen: number,
    total: number,
  ) {
    this.#ring = ring;
    this.#slot = slot;
    this.#count = count;
    this.#lastLen = lastLen;
    this.#total = total;
  }

  /**
   * The iterator for a bundle CQE (`{res, flags}`) over `ring`, or null when
   * the CQE carries no data (res <= 0 or no buffer flag). The bundle starts
   * at the ring slot the CQE's buffer id was provided into and covers the
   * following slots, each holding as many bytes as was provided there.
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
    const bid = cqe.flags >>> 16;
    if (bid >= ring.count) {
      throw new RangeError(
        `BundleIterator.from: buffer id ${bid} is not in the ring (count ${ring.count})`,
      );
    }
    const slot = ring.slotOf(bid);
    if (slot < 0) {
      throw new RangeError(
        `BundleIterator.from: buffer ${bid} was never provided`,
      );
    }
    // Walk the consumed slots: at most one ring's worth of buffers.
    let left = cqe.res;
    let count = 0;
    let len = 0;
    while (left > 0) {
      if (count === ring.entries) {
        throw new RangeError(
          "BundleIterator.from: result larger than the ring holds",
        );
      }
      len = ring.lengthAt(slot + count);
      if (len > left) len = left;
      left -= len;
      count++;
    }
    return new BundleIterator(ring, slot, count, len, cqe.res);
  }

  /** Buffers consumed. */
  count(): number {
    return this.#count;
  }

  /** Bytes received. */
  totalBytes(): number {
    return this.#total;
  }

  /** The ring slot (masked) buffer `i` was taken from. */
  slotId(i: number): number {
    this.#checkIndex(i, "slotId");
    return (this.#slot + i) & this.#ring.mask;
  }

  /** The buffer id of buffer `i` (what to recycle). */
  bufferId(i: number): number {
    this.#checkIndex(i, "bufferId");
    return this.#ring.bufferIdAt(this.#slot + i);
  }

  /** Buffer `i`'s data (the last one may be partial). */
  buffer(i: number): Uint8Array {
    this.#checkIndex(i, "buffer");
    const ring = this.#ring;
    const slot = this.#slot + i;
    const len = i === this.#count - 1 ? this.#lastLen : ring.lengthAt(slot);
    return ring.view(ring.bufferIdAt(slot)).subarray(0, len);
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
    const ring = this.#ring;
    for (let i = 0; i < this.#count; i++) {
      ring.provide(ring.bufferIdAt(this.#slot + i));
    }
    this.#recycled = true;
    ring.advance();
  }
}
