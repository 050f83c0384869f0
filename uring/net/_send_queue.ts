/**
 * A connection's send queue: byte ranges to send in order, each with an
 * optional callback, kept as parallel arrays used as a ring so queueing a
 * send allocates nothing once the arrays have grown. Ranges inside the
 * engine's receive buffers (an echo sent from the buffer it arrived in)
 * carry their group index, so the buffer is recycled once sent.
 *
 * @example
 * ```ts
 * import { SendQueue } from "./_send_queue.ts";
 * const q = new SendQueue();
 * q.push(new Uint8Array(8), 0, 8, null, -1);
 * q.bytes; // 8
 * ```
 *
 * @module
 */

import type { BufferGroups } from "./_buffer_groups.ts";

/**
 * Called for each queued send once its bytes are all sent (`errno` 0) or
 * when it failed or was dropped (`-errno`; -ECANCELED after close()).
 */
export type SendCallback = (errno: number) => void;

/** The queue. See the module doc. */
export class SendQueue {
  /** The bytes of each entry (a full buffer view for group entries). */
  bufs: (Uint8Array | null)[] = [];
  /** Next byte to send, per entry. */
  starts: number[] = [];
  /** End of the range, per entry. */
  ends: number[] = [];
  /** Callback per entry. */
  cbs: (SendCallback | null)[] = [];
  /** Receive-buffer group per entry, or -1. */
  groups: number[] = [];
  /** Index of the oldest entry. */
  head = 0;
  /** Entries queued. */
  length = 0;
  /** Bytes queued and not yet sent. */
  bytes = 0;

  /**
   * Appends `buf[start..end)`.
   *
   * @param buf the bytes (for a group entry: the buffer's full view)
   * @param start first byte
   * @param end end of the range
   * @param cb called when sent or dropped
   * @param gi the receive-buffer group holding `buf`, or -1
   */
  push(
    buf: Uint8Array,
    start: number,
    end: number,
    cb: SendCallback | null,
    gi: number,
  ): void {
    if (this.length === this.bufs.length) this.#grow();
    const k = (this.head + this.length) % this.bufs.length;
    this.bufs[k] = buf;
    this.starts[k] = start;
    this.ends[k] = end;
    this.cbs[k] = cb;
    this.groups[k] = gi;
    this.length++;
    this.bytes += end - start;
  }

  /**
   * Removes the oldest entry (sent, or dropped after `discard`) and
   * releases its receive buffer.
   *
   * @param groups the engine's receive buffers
   * @returns its callback
   */
  shift(groups: BufferGroups): SendCallback | null {
    const k = this.head;
    const gi = this.groups[k];
    if (gi >= 0) groups.unholdView(gi, this.bufs[k]!);
    const cb = this.cbs[k];
    this.bufs[k] = null;
    this.cbs[k] = null;
    this.head = k + 1 === this.bufs.length ? 0 : k + 1;
    this.length--;
    return cb;
  }

  /**
   * Drops the newest entry unsent and releases its receive buffer.
   *
   * @param groups the engine's receive buffers
   * @returns its callback
   */
  pop(groups: BufferGroups): SendCallback | null {
    const k = (this.head + this.length - 1) % this.bufs.length;
    this.bytes -= this.ends[k] - this.starts[k];
    const gi = this.groups[k];
    if (gi >= 0) groups.unholdView(gi, this.bufs[k]!);
    const cb = this.cbs[k];
    this.bufs[k] = null;
    this.cbs[k] = null;
    this.length--;
    return cb;
  }

  /**
   * Drops the oldest entry unsent.
   *
   * @param groups the engine's receive buffers
   * @returns its callback
   */
  discardHead(groups: BufferGroups): SendCallback | null {
    const k = this.head;
    this.bytes -= this.ends[k] - this.starts[k];
    return this.shift(groups);
  }

  #grow(): void {
    const n = this.bufs.length;
    const m = n === 0 ? 4 : n * 2;
    const bufs: (Uint8Array | null)[] = new Array(m).fill(null);
    const starts: number[] = new Array(m).fill(0);
    const ends: number[] = new Array(m).fill(0);
    const cbs: (SendCallback | null)[] = new Array(m).fill(null);
    const groups: number[] = new Array(m).fill(-1);
    for (let j = 0; j < this.length; j++) {
      const k = (this.head + j) % n;
      bufs[j] = this.bufs[k];
      starts[j] = this.starts[k];
      ends[j] = this.ends[k];
      cbs[j] = this.cbs[k];
      groups[j] = this.groups[k];
    }
    this.bufs = bufs;
    this.starts = starts;
    this.ends = ends;
    this.cbs = cbs;
    this.groups = groups;
    this.head = 0;
  }
}
