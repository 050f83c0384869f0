/**
 * The engine's receive buffers: provided-buffer groups registered on its
 * ring, each buffer counted while JavaScript holds it (delivered to a
 * handler, retained, or queued for sending) and given back to the kernel
 * when the count falls to zero. Groups are added on demand up to a bound;
 * connections that find every buffer held wait here, without spinning,
 * until one comes back.
 *
 * @example
 * ```ts
 * import { BufferGroups } from "./_buffer_groups.ts";
 * import { Uring } from "../ring.ts";
 * const ring = new Uring({ entries: 8 });
 * ring.start();
 * const groups = new BufferGroups(ring, {
 *   bufferSize: 4096,
 *   groupBuffers: 64,
 *   maxBuffers: 256,
 * }, () => {});
 * groups.pick(); // the first group, 64 free buffers
 * groups.close();
 * ring.stop();
 * ```
 *
 * @module
 */

import { BufferRing } from "../buffer_ring.ts";
import { IORING_CQE_BUFFER_SHIFT, IORING_CQE_F } from "../cqe.ts";
import type { Uring } from "../ring.ts";

/** One group: a registered buffer ring plus per-buffer hold counts. */
export class Group {
  /** The registered buffer ring. */
  readonly ring: BufferRing;
  /** Index among the engine's groups (carried in receive user_data). */
  readonly index: number;
  /** Bytes per buffer. */
  readonly size: number;
  /** The memory holding every buffer of the group. */
  readonly mem: ArrayBufferLike;
  /** Address of buffer 0. */
  readonly base: number;
  /**
   * Byte offset of buffer 0 in `mem` (the group's memory is page-aligned
   * JavaScript memory, not at offset 0 of its ArrayBuffer).
   */
  readonly origin: number;
  /** A full view per buffer, made once. */
  readonly views: Uint8Array[];
  /** Holds per buffer (0: owned by the kernel). */
  readonly holds: Int32Array;
  /** Buffers with holds. */
  held = 0;

  /**
   * @param ring the registered ring
   * @param index its index among the groups
   */
  constructor(ring: BufferRing, index: number) {
    this.ring = ring;
    this.index = index;
    this.size = ring.bufferSize;
    this.views = [];
    for (let b = 0; b < ring.count; b++) this.views.push(ring.view(b));
    this.mem = this.views[0].buffer;
    this.origin = this.views[0].byteOffset;
    this.base = ring.baseAddress;
    this.holds = new Int32Array(ring.count);
  }

  /**
   * The buffer id holding byte `start` of `buf` (a view into this group).
   *
   * @param buf a view into the group's memory
   * @param start an offset in `buf`
   * @returns the buffer id
   */
  bidOf(buf: Uint8Array, start: number): number {
    return ((buf.byteOffset - this.origin + start) / this.size) | 0;
  }
}

/** Sizes of {@linkcode BufferGroups}. */
export interface BufferGroupSizes {
  /** Bytes per buffer. */
  bufferSize: number;
  /** Buffers per group. */
  groupBuffers: number;
  /** Upper bound on buffers over all groups. */
  maxBuffers: number;
}

/**
 * Something that waits for a receive buffer (a connection):
 * `_recvWaiting` is its flag, kept by the groups.
 */
export interface BufferWaiter {
  /** Whether it is in the wait list. */
  _recvWaiting: boolean;
}

/**
 * The receive buffer groups of one ring. See the module doc.
 */
export class BufferGroups {
  /** The groups, by index. */
  list: Group[] = [];
  readonly #ring: Uring;
  readonly #sizes: BufferGroupSizes;
  readonly #rearm: (w: BufferWaiter) => void;
  #waiters: BufferWaiter[] = [];
  #rearmQueued = false;

  /**
   * Registers the first group on `ring`.
   *
   * @param ring the ring the groups are registered with
   * @param sizes buffer size, group size and the bound on buffers
   * @param rearm called (from a microtask) for a waiter once a buffer is
   *   free again
   */
  constructor(
    ring: Uring,
    sizes: BufferGroupSizes,
    rearm: (w: BufferWaiter) => void,
  ) {
    this.#ring = ring;
    this.#sizes = sizes;
    this.#rearm = rearm;
    this.add();
  }

  /** Buffers over all groups. */
  get count(): number {
    let n = 0;
    for (const g of this.list) n += g.ring.count;
    return n;
  }

  /** Buffers held by JavaScript (delivered, not yet recycled). */
  get held(): number {
    let n = 0;
    for (const g of this.list) n += g.held;
    return n;
  }

  /**
   * Registers one more group, unless that would pass `maxBuffers`.
   *
   * @returns the new group, or null
   */
  add(): Group | null {
    const { bufferSize, groupBuffers, maxBuffers } = this.#sizes;
    if (this.count + groupBuffers > maxBuffers) return null;
    const index = this.list.length;
    let ring: BufferRing | null = null;
    // Group ids: the ring may carry other users' groups; find a free one.
    for (let id = 0x4b00 + index; id < 0xffff && ring === null; id += 64) {
      try {
        ring = BufferRing.register(this.#ring, {
          groupId: id,
          entries: groupBuffers,
          bufferSize,
        });
      } catch (e) {
        if ((e as { code?: string }).code !== "EEXIST") throw e;
      }
    }
    if (ring === null) return null;
    const g = new Group(ring, index);
    this.list.push(g);
    return g;
  }

  /**
   * The group with the most free buffers, growing when all are in use.
   *
   * @returns a group, or null at `maxBuffers` with every buffer held
   */
  pick(): Group | null {
    const gs = this.list;
    let best: Group | null = null;
    let bestFree = 0;
    for (let k = 0; k < gs.length; k++) {
      const free = gs[k].ring.count - gs[k].held;
      if (free > bestFree) {
        best = gs[k];
        bestFree = free;
      }
    }
    if (best !== null) return best;
    return this.add();
  }

  /**
   * Counts buffer `bid` of `g` as delivered (its first hold).
   *
   * @param g the group
   * @param bid the buffer id
   */
  take(g: Group, bid: number): void {
    g.holds[bid] = 1;
    g.held++;
  }

  /**
   * Drops one hold on buffer `bid` of `g`; the last gives it back to the
   * kernel and wakes a waiter.
   *
   * @param g the group
   * @param bid the buffer id
   */
  unhold(g: Group, bid: number): void {
    if (--g.holds[bid] > 0) return;
    g.held--;
    g.ring.recycle(bid);
    if (this.#waiters.length > 0 && !this.#rearmQueued) {
      this.#rearmQueued = true;
      queueMicrotask(this.#rearmWaiters);
    }
  }

  /**
   * Gives back the buffer of a receive completion nobody will read (its
   * connection is gone).
   *
   * @param res the completion's result
   * @param flags the completion's flags
   * @param gi the group index from its user_data
   */
  drop(res: number, flags: number, gi: number): void {
    if (res > 0 && (flags & IORING_CQE_F.BUFFER) !== 0) {
      const g = this.list[gi];
      const bid = flags >>> IORING_CQE_BUFFER_SHIFT;
      this.take(g, bid);
      this.unhold(g, bid);
    }
  }

  /**
   * The index of the group whose memory holds `buf`, with a hold added on
   * the buffer holding `buf[start]`; -1 when `buf` is not ours.
   *
   * @param buf any bytes
   * @param start an offset in `buf`
   * @returns the group index or -1
   */
  holdIfOurs(buf: Uint8Array, start: number): number {
    const mem = buf.buffer;
    const gs = this.list;
    for (let k = 0; k < gs.length; k++) {
      if (gs[k].mem === mem) {
        gs[k].holds[gs[k].bidOf(buf, start)]++;
        return k;
      }
    }
    return -1;
  }

  /**
   * Drops a hold taken by {@linkcode BufferGroups.holdIfOurs}, given the
   * buffer's full view.
   *
   * @param gi the group index
   * @param view the buffer's full view (from `Group.views`)
   */
  unholdView(gi: number, view: Uint8Array): void {
    const g = this.list[gi];
    this.unhold(g, g.bidOf(view, 0));
  }

  /**
   * A token for one more hold on buffer `bid` of `g` (see release).
   *
   * @param g the group
   * @param bid the buffer id
   * @returns the token
   */
  retain(g: Group, bid: number): number {
    g.holds[bid]++;
    return (g.index << 16) | bid;
  }

  /**
   * Drops the hold of a {@linkcode BufferGroups.retain} token.
   *
   * @param token from retain()
   */
  release(token: number): void {
    const g = this.list[token >>> 16];
    const bid = token & 0xffff;
    if (g === undefined || bid >= g.holds.length || g.holds[bid] <= 0) {
      throw new RangeError(`Engine.releaseBuffer: bad token ${token}`);
    }
    this.unhold(g, bid);
  }

  /**
   * Queues `w` until a buffer is free (once).
   *
   * @param w the waiter
   */
  wait(w: BufferWaiter): void {
    if (w._recvWaiting) return;
    w._recvWaiting = true;
    this.#waiters.push(w);
  }

  /**
   * Takes `w` off the wait list.
   *
   * @param w the waiter
   */
  unwait(w: BufferWaiter): void {
    if (!w._recvWaiting) return;
    w._recvWaiting = false;
    const k = this.#waiters.indexOf(w);
    if (k >= 0) this.#waiters.splice(k, 1);
  }

  #rearmWaiters = (): void => {
    this.#rearmQueued = false;
    const list = this.#waiters;
    let k = 0;
    while (k < list.length) {
      if (this.pick() === null) break;
      const w = list[k++];
      w._recvWaiting = false;
      this.#rearm(w);
    }
    list.splice(0, k);
  };

  /** Unregisters and unmaps every group (once the kernel let go). */
  close(): void {
    for (const g of this.list) g.ring.close();
    this.list = [];
    this.#waiters = [];
  }
}
