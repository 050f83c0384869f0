/**
 * Provided buffer rings (IORING_REGISTER_PBUF_RING): the kernel picks a
 * buffer from a group when a receive with IOSQE_BUFFER_SELECT completes, and
 * reports its id in the CQE flags. {@linkcode BufferRing} owns one group:
 * registration (plain: user memory; kernel-mapped: IOU_PBUF_RING_MMAP;
 * incremental: IOU_PBUF_RING_INC), provide/advance/recycle without
 * allocating, and the buffer memory itself. {@linkcode BufferGroups} builds
 * the multi-size tiers (32 B … 128 MiB, powers of four).
 *
 * @example
 * ```ts
 * import { BufferRing, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 64 });
 * using br = BufferRing.register(ring, { groupId: 1, entries: 256, bufferSize: 2048 });
 * // ... a multishot receive with bufferGroup 1 completes with bid = cqe.bufferId
 * // br.view(bid).subarray(0, cqe.res) is the data; then:
 * br.recycle(0);
 * ```
 *
 * @module
 */

import { IORING_REGISTER } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";
import { Mapping } from "../zcall/memory.ts";
import { NEVER_RELEASED, PageMemory, pageSize } from "../zcall/page_memory.ts";
import { teardownOf } from "./_teardown.ts";
import { ioUringRegister } from "../zcall/syscalls.ts";
import type { ExtSQE, SQEContext } from "./context.ts";
import { type CQEView, IORING_CQE_F } from "./cqe.ts";
import type { OpOptions, Uring } from "./ring.ts";
import { UringError, uringError } from "./errors.ts";
import { prepRecvSelect } from "./sqe/net.ts";
import {
  type BufferGroupsConfig,
  BufferSize,
  defaultBufferGroupsConfig,
} from "./options.ts";
import { TWO32 } from "./_constants.ts";
import { ringFdOf } from "./_ring_fd.ts";

/**
 * Buffer ring registration flags (struct io_uring_buf_reg.flags).
 *
 * @example
 * ```ts
 * import { IOU_PBUF_RING } from "@kernio/kernio/uring";
 * IOU_PBUF_RING.MMAP | IOU_PBUF_RING.INC; // 3
 * ```
 */
export const IOU_PBUF_RING = {
  /** The kernel allocates the ring; userspace mmaps it. */
  MMAP: 1,
  /** Incremental consumption: a buffer may serve several completions. */
  INC: 2,
} as const;

/** mmap offset of a kernel-allocated buffer ring: OFF_PBUF_RING | bgid << 16. */
const IORING_OFF_PBUF_RING = 0x80000000;
const IORING_OFF_PBUF_SHIFT = 16;

/**
 * Anything that exposes the ring's file descriptor.
 *
 * @example
 * ```ts
 * import type { RingFdSource } from "@kernio/kernio/uring";
 * const src: RingFdSource = { fd: 3 };
 * ```
 */
export interface RingFdSource {
  /** The io_uring file descriptor. */
  readonly fd: number;
}

/**
 * Options of {@linkcode BufferRing.register}.
 *
 * @example
 * ```ts
 * import type { BufferRingOptions } from "@kernio/kernio/uring";
 * declare const opts: BufferRingOptions;
 * opts.groupId; // buffer group id used in SQEs
 * ```
 */
export interface BufferRingOptions {
  /** Buffer group id (0..65535) used in SQEs' buf_group. */
  groupId: number;
  /** Ring entries: 1..32768, rounded up to a power of two. */
  entries: number;
  /** Size of each buffer in bytes (1..2^31). */
  bufferSize: number;
  /** Number of buffers (default: `entries`; at most `entries`). */
  count?: number;
  /** Let the kernel allocate the ring memory (IOU_PBUF_RING_MMAP). */
  kernelMapped?: boolean;
  /** Incremental consumption (IOU_PBUF_RING_INC). */
  incremental?: boolean;
  /** Provide every buffer right after registration (default true). */
  provideAll?: boolean;
}

function roundPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * One registered provided-buffer ring and its buffers. Buffer `bid` lives at
 * `addressOf(bid)`; {@linkcode BufferRing.view} returns a cached full-size
 * view over it (no allocation per completion). After a completion the
 * application hands the buffer back with {@linkcode BufferRing.recycle} (or
 * `provide` several, then one `advance`).
 *
 * Buffer ids and ring slots are separate: with fewer buffers than entries
 * (or buffers recycled out of order) a slot holds whichever id was
 * provided into it; {@linkcode BufferRing.slotOf} and
 * {@linkcode BufferRing.bufferIdAt} map between them (see BundleIterator).
 *
 * @example
 * ```ts
 * import { BufferRing, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * const br = BufferRing.register(ring, { groupId: 7, entries: 8, bufferSize: 64, kernelMapped: true });
 * br.available(); // 8
 * br.close();
 * ```
 */
export class BufferRing {
  /** Buffer group id. */
  readonly groupId: number;
  /** Ring entries (a power of two). */
  readonly entries: number;
  /** entries - 1. */
  readonly mask: number;
  /** Size of each buffer. */
  readonly bufferSize: number;
  /** Number of buffers. */
  readonly count: number;
  /** IOU_PBUF_RING_MMAP was used. */
  readonly kernelMapped: boolean;
  /** IOU_PBUF_RING_INC was used. */
  readonly incremental: boolean;

  #ringFd: number;
  // The ring object when one was given: the handle follows it, not the fd
  // number (a stopped ring's number can name a new ring at once).
  #ring: RingFdSource | null;
  // Plain mode: JS-owned memory (no pointer permission needed); mmap mode
  // (IOU_PBUF_RING_MMAP): the kernel's, which needs the unscoped --allow-ffi.
  #ringMap: PageMemory | Mapping | null;
  #bufMap: PageMemory | null;
  #u32: Uint32Array; // ring entries as u32: addr lo, addr hi, len, bid|resv
  #u16: Uint16Array; // for bid fields and the tail (u16 index 7)
  #addrLo: Uint32Array; // per-bid precomputed address halves
  #addrHi: Uint32Array;
  #views: Uint8Array[];
  // What this side wrote into each ring slot (the kernel may rewrite the
  // shared entries), and the slot each buffer id was last provided into:
  // buffer ids and slots drift apart once count != entries.
  #slotBid: Uint16Array;
  #slotLen: Uint32Array;
  #bidSlot: Int32Array;
  #tail = 0; // published tail
  #pending = 0; // provided but not yet published
  #bufBase: number;
  #status = new Uint8Array(40);

  private constructor(
    ring: RingFdSource | null,
    ringFd: number,
    o: Required<Omit<BufferRingOptions, "provideAll">>,
    ringMap: PageMemory | Mapping,
    bufMap: PageMemory,
  ) {
    this.#ringFd = ringFd;
    this.#ring = ring;
    this.groupId = o.groupId;
    this.entries = o.entries;
    this.mask = o.entries - 1;
    this.bufferSize = o.bufferSize;
    this.count = o.count;
    this.kernelMapped = o.kernelMapped;
    this.incremental = o.incremental;
    this.#ringMap = ringMap;
    this.#bufMap = bufMap;
    const ringOff = ringMap instanceof PageMemory ? ringMap.byteOffset : 0;
    this.#u32 = new Uint32Array(ringMap.buffer, ringOff, o.entries * 4);
    this.#u16 = new Uint16Array(ringMap.buffer, ringOff, o.entries * 8);
    this.#bufBase = bufMap.address;
    this.#addrLo = new Uint32Array(o.count);
    this.#addrHi = new Uint32Array(o.count);
    this.#views = new Array(o.count);
    this.#slotBid = new Uint16Array(o.entries);
    this.#slotLen = new Uint32Array(o.entries);
    this.#bidSlot = new Int32Array(o.count).fill(-1);
    for (let i = 0; i < o.count; i++) {
      const a = this.#bufBase + i * o.bufferSize;
      this.#addrLo[i] = a >>> 0;
      this.#addrHi[i] = Math.floor(a / TWO32);
      this.#views[i] = bufMap.view(i * o.bufferSize, o.bufferSize);
    }
  }

  /**
   * Registers a buffer ring for `groupId` on `ring` and (by default)
   * provides all its buffers. Throws a {@linkcode UringError} on kernel
   * failure (EEXIST: the group id is taken).
   *
   * @example
   * ```ts
   * import { BufferRing, Uring } from "@kernio/kernio/uring";
   * using ring = new Uring({ entries: 8 });
   * using br = BufferRing.register(ring, { groupId: 1, entries: 16, bufferSize: 512, incremental: true });
   * ```
   */
  static register(
    ring: RingFdSource | number,
    options: BufferRingOptions,
  ): BufferRing {
    const ringFd = ringFdOf(ring, "BufferRing");
    if (options === null || typeof options !== "object") {
      throw new TypeError("BufferRing.register: options must be an object");
    }
    const { groupId, bufferSize } = options;
    if (!Number.isInteger(groupId) || groupId < 0 || groupId > 0xffff) {
      throw new RangeError(
        `BufferRing: groupId must be 0..65535, got ${groupId}`,
      );
    }
    if (
      !Number.isInteger(options.entries) || options.entries < 1 ||
      options.entries > 32768
    ) {
      throw new RangeError(
        `BufferRing: entries must be 1..32768, got ${options.entries}`,
      );
    }
    if (
      !Number.isInteger(bufferSize) || bufferSize < 1 || bufferSize > 2 ** 31
    ) {
      throw new RangeError(
        `BufferRing: bufferSize must be 1..2^31, got ${bufferSize}`,
      );
    }
    const entries = roundPow2(options.entries);
    const count = options.count ?? entries;
    if (!Number.isInteger(count) || count < 1 || count > entries) {
      throw new RangeError(
        `BufferRing: count must be 1..entries (${entries}), got ${count}`,
      );
    }
    const kernelMapped = options.kernelMapped === true;
    const incremental = options.incremental === true;
    const page = pageSize();
    const ringBytes = Math.ceil((entries * 16) / page) * page;

    // struct io_uring_buf_reg { u64 ring_addr; u32 ring_entries; u16 bgid;
    // u16 flags; u64 resv[3]; }
    const reg = new Uint8Array(40);
    const dv = new DataView(reg.buffer);
    let ringMap: PageMemory | Mapping | null = null;
    const bufMap = new PageMemory(Math.max(count * bufferSize, 1));
    try {
      if (!kernelMapped) {
        ringMap = new PageMemory(ringBytes);
        const a = ringMap.address;
        dv.setUint32(0, a >>> 0, true);
        dv.setUint32(4, Math.floor(a / TWO32), true);
      }
      dv.setUint32(8, entries, true);
      dv.setUint16(12, groupId, true);
      dv.setUint16(
        14,
        (kernelMapped ? IOU_PBUF_RING.MMAP : 0) |
          (incremental ? IOU_PBUF_RING.INC : 0),
        true,
      );
      const r = ioUringRegister(ringFd, IORING_REGISTER.PBUF_RING, reg, 1);
      if (r < 0) throw uringError("register buffer ring", r);
      if (kernelMapped) {
        try {
          ringMap = new Mapping(
            ringBytes,
            0x3,
            0x1 | 0x8000, // MAP_SHARED | MAP_POPULATE
            ringFd,
            IORING_OFF_PBUF_RING + groupId * 2 ** IORING_OFF_PBUF_SHIFT,
          );
        } catch (e) {
          unregister(ringFd, groupId);
          throw e;
        }
      }
    } catch (e) {
      ringMap?.close();
      bufMap.close();
      throw e;
    }
    // Its memory lives until the ring's teardown (an operation in flight
    // may have picked a buffer and write into it late), and goes with it
    // even if this handle is dropped without close().
    const td = teardownOf(ring);
    td?.attach(ringMap!);
    td?.attach(bufMap);
    const br = new BufferRing(
      typeof ring === "number" ? null : ring,
      ringFd,
      {
        groupId,
        entries,
        bufferSize,
        count,
        kernelMapped,
        incremental,
      },
      ringMap!,
      bufMap,
    );
    if (options.provideAll !== false) {
      for (let i = 0; i < count; i++) br.provide(i);
      br.advance();
    }
    return br;
  }

  // Whether the ring this group was registered on is still the one behind
  // #ringFd. A ring object that stopped (its fd getter throws, or `closed`
  // says so) took the group with it: this handle is then inert.
  #ringAlive(): boolean {
    const r = this.#ring;
    if (r === null) return true;
    try {
      if ((r as { closed?: unknown }).closed === true) return false;
      return r.fd === this.#ringFd;
    } catch {
      return false;
    }
  }

  #check(op: string): void {
    if (this.#bufMap === null) {
      throw new UringError(
        op,
        -Errno.EBADF,
        `uring: BufferRing.${op}: buffer ring closed`,
      );
    }
  }

  /** Whether the ring is still registered. */
  get registered(): boolean {
    return this.#bufMap !== null;
  }

  /** Base address of the buffer memory (buffer i at base + i*bufferSize). */
  get baseAddress(): number {
    this.#check("baseAddress");
    return this.#bufBase;
  }

  /**
   * Address of buffer `bid` (for SQEs that send straight from it).
   *
   * @example
   * ```ts
   * import { BufferRing, Uring } from "@kernio/kernio/uring";
   * using ring = new Uring({ entries: 8 });
   * using br = BufferRing.register(ring, { groupId: 2, entries: 4, bufferSize: 64 });
   * br.addressOf(1) - br.addressOf(0); // 64
   * ```
   */
  addressOf(bid: number): number {
    this.#checkBid(bid, "addressOf");
    return this.#bufBase + bid * this.bufferSize;
  }

  /** Low 32 bits of buffer `bid`'s address (for SQE words; no allocation). */
  addressLo(bid: number): number {
    this.#checkBid(bid, "addressLo");
    return this.#addrLo[bid];
  }

  /** High 32 bits of buffer `bid`'s address (for SQE words; no allocation). */
  addressHi(bid: number): number {
    this.#checkBid(bid, "addressHi");
    return this.#addrHi[bid];
  }

  /**
   * The cached full-size view over buffer `bid` (no allocation). The kernel
   * owns the buffer while it is provided: read it only between its
   * completion and its recycle.
   *
   * @example
   * ```ts
   * import { BufferRing, Uring } from "@kernio/kernio/uring";
   * using ring = new Uring({ entries: 8 });
   * using br = BufferRing.register(ring, { groupId: 3, entries: 4, bufferSize: 64 });
   * br.view(0).length; // 64
   * ```
   */
  view(bid: number): Uint8Array {
    this.#checkBid(bid, "view");
    return this.#views[bid];
  }

  #checkBid(bid: number, op: string): void {
    this.#check(op);
    if (!(bid >= 0 && bid < this.count && Number.isInteger(bid))) {
      throw new RangeError(
        `BufferRing.${op}: buffer id must be 0..${this.count - 1}, got ${bid}`,
      );
    }
  }

  /**
   * Writes buffer `bid` (length `len`, default the full size) into the next
   * free ring slot without publishing it; {@linkcode BufferRing.advance}
   * publishes. Allocation-free.
   *
   * @example
   * ```ts
   * import { BufferRing, Uring } from "@kernio/kernio/uring";
   * using ring = new Uring({ entries: 8 });
   * using br = BufferRing.register(ring, { groupId: 4, entries: 4, bufferSize: 64, provideAll: false });
   * br.provide(0);
   * br.provide(1);
   * br.advance(); // both visible to the kernel
   * ```
   */
  provide(bid: number, len: number = this.bufferSize): void {
    this.#checkBid(bid, "provide");
    if (!(len > 0 && len <= this.bufferSize)) {
      throw new RangeError(
        `BufferRing.provide: len must be 1..${this.bufferSize}, got ${len}`,
      );
    }
    if (this.#pending >= this.entries) {
      throw new RangeError(
        "BufferRing.provide: more buffers than ring entries",
      );
    }
    const slot = (this.#tail + this.#pending) & this.mask;
    const u32 = this.#u32;
    const i = slot * 4;
    u32[i] = this.#addrLo[bid];
    u32[i + 1] = this.#addrHi[bid];
    u32[i + 2] = len;
    // bid is the u16 at byte 12; slot 0's resv (byte 14) is the shared tail.
    this.#u16[slot * 8 + 6] = bid;
    this.#slotBid[slot] = bid;
    this.#slotLen[slot] = len;
    this.#bidSlot[bid] = slot;
    this.#pending++;
  }

  /**
   * Publishes the provided-but-unpublished buffers (a release store of the
   * ring tail). Returns how many were published.
   */
  advance(): number {
    this.#check("advance");
    const n = this.#pending;
    if (n === 0) return 0;
    this.#tail = (this.#tail + n) & 0xffff;
    this.#pending = 0;
    Atomics.store(this.#u16, 7, this.#tail);
    return n;
  }

  /**
   * Hands buffer `bid` back to the kernel at once (provide + advance).
   *
   * @example
   * ```ts
   * import { BufferRing, Uring } from "@kernio/kernio/uring";
   * using ring = new Uring({ entries: 8 });
   * using br = BufferRing.register(ring, { groupId: 5, entries: 4, bufferSize: 64, provideAll: false });
   * br.recycle(2);
   * ```
   */
  recycle(bid: number): void {
    this.provide(bid);
    this.advance();
  }

  /**
   * The ring slot buffer `bid` was last provided into (-1: never). Bundle
   * receives consume consecutive slots starting at the slot of the CQE's
   * buffer id, whatever ids those slots hold.
   *
   * @example
   * ```ts
   * import { BufferRing, Uring } from "@kernio/kernio/uring";
   * using ring = new Uring({ entries: 8 });
   * using br = BufferRing.register(ring, { groupId: 8, entries: 4, bufferSize: 64, count: 3 });
   * br.slotOf(2); // 2
   * ```
   */
  slotOf(bid: number): number {
    this.#checkBid(bid, "slotOf");
    return this.#bidSlot[bid];
  }

  /** The buffer id this side last wrote into ring slot `slot` (masked). */
  bufferIdAt(slot: number): number {
    this.#check("bufferIdAt");
    return this.#slotBid[slot & this.mask];
  }

  /** The length this side last provided in ring slot `slot` (masked). */
  lengthAt(slot: number): number {
    this.#check("lengthAt");
    return this.#slotLen[slot & this.mask];
  }

  /** The published tail (the kernel consumes from head up to it). */
  get tail(): number {
    return this.#tail;
  }

  /**
   * The kernel's consumption head, read with IORING_REGISTER_PBUF_STATUS.
   *
   * @example
   * ```ts
   * import { BufferRing, Uring } from "@kernio/kernio/uring";
   * using ring = new Uring({ entries: 8 });
   * using br = BufferRing.register(ring, { groupId: 6, entries: 4, bufferSize: 64 });
   * br.head(); // 0: nothing consumed
   * ```
   */
  head(): number {
    this.#check("head");
    if (!this.#ringAlive()) {
      throw new UringError(
        "head",
        -Errno.EBADF,
        "uring: BufferRing.head: its ring was stopped",
      );
    }
    const s = this.#status;
    s.fill(0);
    new DataView(s.buffer).setUint32(0, this.groupId, true);
    const r = ioUringRegister(this.#ringFd, IORING_REGISTER.PBUF_STATUS, s, 1);
    if (r < 0) throw uringError("buffer ring status", r);
    return new DataView(s.buffer).getUint32(4, true) & 0xffff;
  }

  /** Buffers published and not yet consumed by the kernel. */
  available(): number {
    return (this.#tail - this.head()) & 0xffff;
  }

  /**
   * Unregisters the ring and releases its memory; every view over the
   * buffers becomes empty at once. Idempotent. The kernel may still write
   * into a buffer an operation picked before the group went away, so the
   * memory itself is handed back to the allocator only once the ring
   * (given as an object to `register`) is torn down completely; with a bare
   * ring fd the library cannot see that, and the memory is kept for the
   * life of the process (its pages are freed, the addresses are not).
   */
  close(): void {
    if (this.#bufMap === null) return;
    const bufMap = this.#bufMap;
    this.#bufMap = null;
    // Only on the ring it was registered on: after that ring stopped, the
    // fd number may belong to another ring, whose group must not be touched.
    const r = this.#ringAlive() ? unregister(this.#ringFd, this.groupId) : 0;
    for (let i = 0; i < this.#views.length; i++) {
      this.#views[i] = EMPTY;
    }
    const ringMap = this.#ringMap!;
    this.#ringMap = null;
    const td = teardownOf(this.#ring);
    if (td !== undefined) {
      td.release(ringMap);
      td.release(bufMap);
    } else {
      // The ring of entries is pinned by the kernel (or is its own
      // mapping): fresh pages at its addresses are enough.
      ringMap.close();
      bufMap.close(NEVER_RELEASED);
    }
    // EBADF/ENXIO: the ring is already gone, and the kernel dropped the group
    // with it.
    if (r < 0 && r !== -Errno.EBADF && r !== -Errno.ENXIO) {
      throw uringError("unregister buffer ring", r);
    }
  }

  /** Same as {@linkcode BufferRing.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

const EMPTY = new Uint8Array(0);

function unregister(ringFd: number, groupId: number): number {
  const reg = new Uint8Array(40);
  new DataView(reg.buffer).setUint16(12, groupId, true);
  return ioUringRegister(ringFd, IORING_REGISTER.UNREGISTER_PBUF_RING, reg, 1);
}

// ---------------------------------------------------------------------------
// Multi-size buffer groups (tiers and configs are defined in options.ts)

const TIERS: [keyof BufferGroupsConfig, number][] = [
  ["picoNum", BufferSize.PICO],
  ["nanoNum", BufferSize.NANO],
  ["microNum", BufferSize.MICRO],
  ["smallNum", BufferSize.SMALL],
  ["mediumNum", BufferSize.MEDIUM],
  ["bigNum", BufferSize.BIG],
  ["largeNum", BufferSize.LARGE],
  ["greatNum", BufferSize.GREAT],
  ["hugeNum", BufferSize.HUGE],
  ["vastNum", BufferSize.VAST],
  ["giantNum", BufferSize.GIANT],
  ["titanNum", BufferSize.TITAN],
];

/**
 * Options of {@linkcode BufferGroups.register}.
 *
 * @example
 * ```ts
 * import type { BufferGroupsOptions } from "@kernio/kernio/uring";
 * const opts: BufferGroupsOptions = { config: { smallNum: 64 } };
 * ```
 */
export interface BufferGroupsOptions {
  /** Counts per tier (default: defaultBufferGroupsConfig(); missing tiers are off). */
  config?: Partial<BufferGroupsConfig>;
  /** Multiplier for every count (default 1). */
  scale?: number;
  /** First group id; tier i gets groupIdOffset + i (default 0). */
  groupIdOffset?: number;
  /** Use kernel-mapped rings (IOU_PBUF_RING_MMAP). */
  kernelMapped?: boolean;
}

/**
 * Multi-size buffer groups: one {@linkcode BufferRing} per enabled tier,
 * group id = offset + tier index, so a receive can pick the group whose
 * buffer size fits the expected message.
 *
 * @example
 * ```ts
 * import { BufferGroups, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * using groups = BufferGroups.register(ring, { config: { picoNum: 64, smallNum: 16 }, groupIdOffset: 100 });
 * groups.forSize(100).bufferSize; // 2048 (the smallest enabled tier that fits)
 * ```
 */
export class BufferGroups {
  /** The registered rings, smallest buffers first. */
  readonly rings: readonly BufferRing[];
  #byGroup = new Map<number, BufferRing>();

  private constructor(rings: BufferRing[]) {
    this.rings = rings;
    for (const r of rings) this.#byGroup.set(r.groupId, r);
  }

  /**
   * Registers every enabled tier; on failure the ones already registered
   * are released again.
   */
  static register(
    ring: RingFdSource | number,
    options: BufferGroupsOptions = {},
  ): BufferGroups {
    const cfg = options.config ?? defaultBufferGroupsConfig();
    const scale = options.scale ?? 1;
    const off = options.groupIdOffset ?? 0;
    if (!Number.isInteger(scale) || scale < 1) {
      throw new RangeError(`BufferGroups: scale must be >= 1, got ${scale}`);
    }
    if (!Number.isInteger(off) || off < 0 || off + TIERS.length > 0x10000) {
      throw new RangeError(`BufferGroups: bad groupIdOffset ${off}`);
    }
    const rings: BufferRing[] = [];
    try {
      TIERS.forEach(([key, size], i) => {
        const n = (cfg[key] ?? 0) * scale;
        if (!(n > 0)) return;
        // A ring holds at most 32768 entries.
        const count = Math.min(n, 32768);
        rings.push(BufferRing.register(ring, {
          groupId: off + i,
          entries: count,
          count,
          bufferSize: size,
          kernelMapped: options.kernelMapped,
        }));
      });
    } catch (e) {
      for (const r of rings) r.close();
      throw e;
    }
    if (rings.length === 0) {
      throw new RangeError("BufferGroups: every tier is disabled");
    }
    return new BufferGroups(rings);
  }

  /** The ring of group `groupId`, or undefined. */
  group(groupId: number): BufferRing | undefined {
    return this.#byGroup.get(groupId);
  }

  /** The smallest enabled tier whose buffers hold `size` bytes (or the largest). */
  forSize(size: number): BufferRing {
    for (const r of this.rings) if (r.bufferSize >= size) return r;
    return this.rings[this.rings.length - 1];
  }

  /** Unregisters and unmaps every tier. Idempotent. */
  close(): void {
    let err: unknown;
    for (const r of this.rings) {
      try {
        r.close();
      } catch (e) {
        err ??= e;
      }
    }
    if (err) throw err;
  }

  /** Same as {@linkcode BufferGroups.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

// ---------------------------------------------------------------------------
// Incremental consumption (IOU_PBUF_RING_INC)

/**
 * Receives the fragments of an incremental buffer ring.
 *
 * @example
 * ```ts
 * import type { IncrementalHandler } from "@kernio/kernio/uring";
 * const h: IncrementalHandler = {
 *   onData: (buf, hasMore) => console.log(buf.length, hasMore),
 *   onComplete: () => {},
 *   onError: (err) => console.error(err),
 * };
 * ```
 */
export interface IncrementalHandler {
  /**
   * A new fragment (valid during the call). `hasMore`: the buffer still has
   * room and the kernel will append the next data to it.
   */
  onData(buf: Uint8Array, hasMore: boolean): void;
  /** The stream ended (EOF, or the final CQE of a multishot receive). */
  onComplete(): void;
  /** A negative result. */
  onError(err: UringError): void;
}

/**
 * Default IncrementalHandler to extend (no-ops).
 *
 * @example
 * ```ts
 * import { NoopIncrementalHandler } from "@kernio/kernio/uring";
 * class Count extends NoopIncrementalHandler {
 *   bytes = 0;
 *   override onData(b: Uint8Array) { this.bytes += b.length; }
 * }
 * ```
 */
export class NoopIncrementalHandler implements IncrementalHandler {
  /** No-op. */
  onData(_buf: Uint8Array, _hasMore: boolean): void {}
  /** No-op. */
  onComplete(): void {}
  /** No-op. */
  onError(_err: UringError): void {}
}

/**
 * An {@linkcode IncrementalHandler} built from functions (unset ones are
 * no-ops).
 *
 * @example
 * ```ts
 * import { IncrementalSubscriber } from "@kernio/kernio/uring";
 * const chunks: Uint8Array[] = [];
 * const h = new IncrementalSubscriber()
 *   .onData((buf) => chunks.push(buf.slice()))
 *   .onComplete(() => console.log("done", chunks.length))
 *   .onError((err) => console.error(err.code));
 * ```
 */
export class IncrementalSubscriber implements IncrementalHandler {
  #data: ((buf: Uint8Array, hasMore: boolean) => void) | null = null;
  #complete: (() => void) | null = null;
  #error: ((err: UringError) => void) | null = null;

  /** Sets the data function (`buf` is valid during the call only). */
  onData(fn: (buf: Uint8Array, hasMore: boolean) => void): this;
  /** @internal IncrementalHandler.onData. */
  onData(buf: Uint8Array, hasMore: boolean): void;
  onData(
    a: ((buf: Uint8Array, hasMore: boolean) => void) | Uint8Array,
    hasMore?: boolean,
  ): this | void {
    if (typeof a === "function") {
      this.#data = a;
      return this;
    }
    if (!(a instanceof Uint8Array)) {
      throw new TypeError("IncrementalSubscriber.onData: expected a function");
    }
    this.#data?.(a, hasMore === true);
  }

  /** Sets the completion function. */
  onComplete(fn: () => void): this;
  /** @internal IncrementalHandler.onComplete. */
  onComplete(): void;
  onComplete(fn?: () => void): this | void {
    if (fn === undefined) {
      this.#complete?.();
      return;
    }
    if (typeof fn !== "function") {
      throw new TypeError(
        "IncrementalSubscriber.onComplete: expected a function",
      );
    }
    this.#complete = fn;
    return this;
  }

  /** Sets the error function. */
  onError(fn: (err: UringError) => void): this;
  /** @internal IncrementalHandler.onError. */
  onError(err: UringError): void;
  onError(a: ((err: UringError) => void) | UringError): this | void {
    if (typeof a === "function") {
      this.#error = a;
      return this;
    }
    if (!(a instanceof UringError)) {
      throw new TypeError("IncrementalSubscriber.onError: expected a function");
    }
    this.#error?.(a);
  }

  /** This object, as an {@linkcode IncrementalHandler}. */
  handler(): IncrementalHandler {
    return this;
  }
}

const F_MORE_I = IORING_CQE_F.MORE;
const F_BUF_MORE = IORING_CQE_F.BUF_MORE;
const OP_RECV = 27; // IORING_OP_RECV
const OP_RECVMSG = 10; // IORING_OP_RECVMSG
const SQE_BUFFER_SELECT = 1 << 5;
const RECV_MULTISHOT = 1 << 1; // IORING_RECV_MULTISHOT (sqe->ioprio)

/**
 * Tracks per-buffer offsets of an incremental ring: with IOU_PBUF_RING_INC
 * the kernel fills one buffer across several completions, each CQE
 * reporting the same buffer id and IORING_CQE_F_BUF_MORE while the buffer
 * still has room. A fragment starts where the previous one of that buffer
 * ended; the buffer is recycled once the kernel is done with it.
 *
 * {@linkcode IncrementalReceiver.recv} submits a multishot receive on the
 * ring's group with its own handler; its completions reach
 * {@linkcode IncrementalReceiver.handleCQE} through `dispatchCQE` (or the
 * driver). `handleCQE` only takes completions that are buffer-selected
 * receives from this ring's group (any context mode); anything else,
 * including another receiver's receives, is left alone (false).
 *
 * @example
 * ```ts
 * import { BufferRing, CQEView, dispatchCQE, IncrementalReceiver, IncrementalSubscriber, Uring } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * using br = BufferRing.register(ring, { groupId: 1, entries: 4, bufferSize: 4096, incremental: true });
 * const rx = new IncrementalReceiver(br);
 * rx.recv(ring, fd, new IncrementalSubscriber().onData((b) => console.log(b.length)));
 * const cqes = CQEView.array(8);
 * const n = ring.wait(cqes);
 * for (let k = 0; k < n; k++) dispatchCQE(cqes[k]); // routes to rx
 * ```
 */
export class IncrementalReceiver {
  readonly #ring: BufferRing;
  readonly #handler: IncrementalHandler | null;
  readonly #offsets: Uint32Array;
  // The CQETarget stored in the slots of this receiver's own receives.
  readonly #target = { _onCQE: (cqe: CQEView) => this.handleCQE(cqe) };

  /**
   * Creates a receiver over an incremental ring. `handler` serves
   * completions of receives submitted by other means than
   * {@linkcode IncrementalReceiver.recv} (which takes its own handler).
   */
  constructor(ring: BufferRing, handler?: IncrementalHandler) {
    if (!(ring instanceof BufferRing)) {
      throw new TypeError("IncrementalReceiver: expected a BufferRing");
    }
    if (!ring.incremental) {
      throw new TypeError(
        "IncrementalReceiver: the ring was not registered with incremental: true",
      );
    }
    if (handler !== undefined) checkHandler("IncrementalReceiver", handler);
    this.#ring = ring;
    this.#handler = handler ?? null;
    this.#offsets = new Uint32Array(ring.count);
  }

  /** The buffer group this receiver serves. */
  get groupId(): number {
    return this.#ring.groupId;
  }

  /** Where the next fragment of buffer `bid` starts. */
  offset(bid: number): number {
    return this.#offsets[bid] ?? 0;
  }

  /**
   * Submits a multishot receive on `fd` selecting buffers from this ring's
   * group; its completions go to `handler` (default: the constructor's):
   * onData per fragment, onError for a failure, onComplete once at the end
   * of the stream (EOF, error or cancellation). Returns the submission's
   * context (cancel it with `ring.asyncCancel(ctx, returned)`), or null when
   * the SQ is full or the ring's extended-context pool is exhausted
   * (would-block as a value).
   *
   * @example
   * ```ts
   * import { BufferRing, IncrementalReceiver, NoopIncrementalHandler, Uring } from "@kernio/kernio/uring";
   * declare const fd: number;
   * using ring = new Uring({ entries: 8 });
   * ring.start();
   * using br = BufferRing.register(ring, { groupId: 2, entries: 4, bufferSize: 1024, incremental: true });
   * const ctx = new IncrementalReceiver(br).recv(ring, fd, new NoopIncrementalHandler());
   * ```
   */
  recv(
    ring: Uring,
    fd: number,
    handler: IncrementalHandler | undefined = this.#handler ?? undefined,
    o?: OpOptions,
  ): SQEContext | null {
    if (handler === undefined) {
      throw new TypeError("IncrementalReceiver.recv: a handler is required");
    }
    checkHandler("IncrementalReceiver.recv", handler);
    if (!(Number.isInteger(fd) && fd >= 0 && fd <= 0x3fffffff)) {
      throw new RangeError(`IncrementalReceiver.recv: bad fd ${fd}`);
    }
    this.#ring.baseAddress; // throws once the buffer ring is closed
    const ext = ring.extSQE();
    if (ext === null) return null;
    const i = ring.getSqe();
    if (i < 0) {
      ring.putExtSQE(ext);
      return null;
    }
    ext.refs[0] = this.#target;
    ext.refs[1] = handler;
    ext.refs[2] = this;
    ext.refs[3] = ring;
    prepRecvSelect(
      ring.sqeWords,
      i,
      fd,
      o?.msgFlags ?? 0,
      this.#ring.groupId,
      RECV_MULTISHOT,
    );
    ring.finishSqe(i, ext.context, o);
    return ext.context;
  }

  /**
   * Handles a completion of a buffer-selected receive from this ring's
   * group: delivers the fragment (or the error / end) and recycles a
   * buffer the kernel is done with. Returns false, touching nothing, for
   * any other completion (another op or group, another receiver's
   * receive, a pooled-slot receive without buffer selection).
   */
  handleCQE(cqe: CQEView): boolean {
    if (
      cqe === null || typeof cqe !== "object" || typeof cqe.op !== "function"
    ) {
      throw new TypeError("IncrementalReceiver.handleCQE: expected a CQEView");
    }
    const op = cqe.op();
    if (
      (op !== OP_RECV && op !== OP_RECVMSG) ||
      cqe.bufGroup() !== this.#ring.groupId ||
      // A pooled slot holds the submitted SQE, flags included (a direct
      // context's user_data carries only the caller's own flags).
      (cqe.userDataHi >>> 30 !== 0 &&
        (cqe.sqeFlags() & SQE_BUFFER_SELECT) === 0)
    ) {
      return false;
    }
    let handler = this.#handler;
    let own: ExtSQE | null = null;
    if (cqe.userDataHi >>> 30 === 2) {
      const ext = cqe.extSQE();
      const owner = ext.refs[2];
      if (owner instanceof IncrementalReceiver) {
        if (owner !== this) return false;
        own = ext;
        handler = ext.refs[1] as IncrementalHandler;
      }
    }
    if (handler === null) {
      throw new TypeError(
        "IncrementalReceiver.handleCQE: no handler (pass one to the constructor or recv)",
      );
    }
    const res = cqe.res;
    const flags = cqe.flags;
    const final = (flags & F_MORE_I) === 0;
    let took = false;
    if (res < 0) {
      handler.onError(uringError("incremental receive", res));
    } else if ((flags & 1) !== 0) {
      const bid = flags >>> 16;
      if (bid >= this.#ring.count) {
        throw new RangeError(
          `IncrementalReceiver: buffer id ${bid} out of range`,
        );
      }
      const off = this.#offsets[bid];
      const more = (flags & F_BUF_MORE) !== 0;
      handler.onData(this.#ring.view(bid).subarray(off, off + res), more);
      if (more) {
        this.#offsets[bid] = off + res;
      } else {
        // The kernel is done with this buffer: hand it back whole.
        this.#offsets[bid] = 0;
        this.#ring.recycle(bid);
      }
      took = true;
    }
    if (final) {
      if (own !== null) this.#retire(own);
      handler.onComplete();
    }
    return took;
  }

  #retire(ext: ExtSQE): void {
    const ring = ext.refs[3] as Uring;
    ext.refs[0] =
      ext.refs[1] =
      ext.refs[2] =
      ext.refs[3] =
        undefined;
    ring.putExtSQE(ext);
  }
}

function checkHandler(where: string, h: IncrementalHandler): void {
  if (
    h === null || typeof h !== "object" ||
    typeof h.onData !== "function" ||
    typeof h.onComplete !== "function" ||
    typeof h.onError !== "function"
  ) {
    throw new TypeError(`${where}: handler must implement IncrementalHandler`);
  }
}
