/**
 * Zero-copy receive (ZCRX) end to end, and NAPI busy polling.
 *
 * ZCRX binds a NIC hardware RX queue to the ring: payloads land in a
 * user-mapped area and completions of the RECV_ZC operation (32-byte CQEs)
 * say where; the application hands each piece back through a refill ring
 * the kernel reads. It needs a ring created with `cqe32: true` and the
 * default single issuer (DEFER_TASKRUN), CAP_NET_ADMIN, and a NIC with
 * header split and flow steering; loopback and veth cannot do it, and
 * there registration throws {@linkcode NotSupportedError}.
 *
 * - {@linkcode registerZcrxIfq}: the registration (area, refill ring),
 * - {@linkcode ZCRXReceiver}: the lifecycle Idle → Active → Stopping →
 *   Retiring → Stopped over one multishot RECV_ZC, delivering
 *   {@linkcode ZCRXBuffer}s to a {@linkcode ZCRXHandler},
 * - {@linkcode ZcrxRefillQueue}: the refill ring (single producer),
 * - `Uring.recvZc`: the raw RECV_ZC submission,
 * - {@linkcode queryZCRX}, {@linkcode zcrxExport},
 *   {@linkcode zcrxFlushRefillQueue}: capabilities and control.
 *
 * NAPI busy polling is a ring setting; adding a socket's NAPI id needs a
 * socket received through a real NIC queue (loopback and veth sockets have
 * none, which {@linkcode napiAddSocket} reports as NotSupportedError).
 *
 * @example
 * ```ts
 * import { NotSupportedError, Uring, ZCRXReceiver } from "@kernio/kernio/uring";
 * declare const connFd: number;
 * using ring = new Uring({ entries: 64, cqe32: true });
 * ring.start();
 * try {
 *   const rx = new ZCRXReceiver(ring, { ifName: "eth0", rxQueue: 1 });
 *   rx.start(connFd, {
 *     onData: (buf) => { console.log(buf.len); buf.release(); return true; },
 *     onError: () => false,
 *     onStopped: () => console.log("stopped"),
 *   });
 * } catch (e) {
 *   if (!(e instanceof NotSupportedError)) throw e; // no ZCRX-capable NIC
 * }
 * ```
 *
 * @module
 */

import {
  IORING_OP,
  IORING_REGISTER,
  IORING_SETUP,
  IOSQE,
} from "../zcall/constants.ts";
import { Errno, errnoName } from "../zcall/errno.ts";
import { Mapping, unsafeAddressOf } from "../zcall/memory.ts";
import { PageMemory, pageSize } from "../zcall/page_memory.ts";
import { getsockopt, ioUringRegister } from "../zcall/syscalls.ts";
import { type ExtSQE, packDirect, type SQEContext } from "./context.ts";
import { type CQEView, IORING_CQE_F } from "./cqe.ts";
import { NotSupportedError, UringError, uringError } from "./errors.ts";
import type { RingFdSource } from "./buffer_ring.ts";
import type { OpOptions, Uring } from "./ring.ts";
import { QueryHdr } from "./structs.ts";
import { linkByName } from "../sock/link.ts";
import { TWO32 } from "./_constants.ts";
import { SOL } from "../zcall/constants.ts";

const PAGE = pageSize();
const F_MORE = IORING_CQE_F.MORE;
const ECANCELED = -Errno.ECANCELED;
const CANCEL_CTX = packDirect(
  IORING_OP.ASYNC_CANCEL,
  IOSQE.CQE_SKIP_SUCCESS,
  0,
  0,
);

function set64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v >>> 0, true);
  dv.setUint32(off + 4, Math.floor(v / TWO32), true);
}

function ringFdOf(ring: RingFdSource | number, op: string): number {
  const fd = typeof ring === "number" ? ring : ring?.fd;
  if (!Number.isInteger(fd) || fd < 0) {
    throw new TypeError(`${op}: expected a ring (or its fd)`);
  }
  return fd;
}

/**
 * ZCRX constants (uapi io_uring.h).
 *
 * @example
 * ```ts
 * import { ZCRX } from "@kernio/kernio/uring";
 * ZCRX.AREA_SHIFT; // 48
 * ```
 */
export const ZCRX = {
  /** IORING_ZCRX_AREA_DMABUF: the area is a dma-buf. */
  AREA_DMABUF: 1,
  /** ZCRX_REG_IMPORT: import an exported ifq. */
  REG_IMPORT: 1,
  /** Offsets in CQEs carry the area id above this bit. */
  AREA_SHIFT: 48,
  /** ZCRX_CTRL_FLUSH_RQ. */
  CTRL_FLUSH_RQ: 0,
  /** ZCRX_CTRL_EXPORT. */
  CTRL_EXPORT: 1,
  /** IORING_MEM_REGION_TYPE_USER: the region is user memory. */
  MEM_REGION_TYPE_USER: 1,
  /** Bytes of one refill-queue entry (struct io_uring_zcrx_rqe). */
  RQE_SIZE: 16,
} as const;

/**
 * Configuration of a ZCRX interface queue ({@linkcode registerZcrxIfq},
 * {@linkcode ZCRXReceiver}).
 *
 * @example
 * ```ts
 * import type { ZcrxConfig } from "@kernio/kernio/uring";
 * const cfg: ZcrxConfig = { ifName: "eth0", rxQueue: 1, rqEntries: 4096 };
 * ```
 */
export interface ZcrxConfig {
  /** Network interface name (e.g. "eth0"); or give `ifIndex`. */
  ifName?: string;
  /** Interface index (skips the /sys lookup). */
  ifIndex?: number;
  /** NIC RX queue index. */
  rxQueue: number;
  /** Receive area size in bytes (default 4 MiB, page multiple). */
  areaSize?: number;
  /** Refill queue entries, a power of two (default 4096). */
  rqEntries?: number;
  /** Receive chunk size: a power-of-two multiple of the page size (0: page size). */
  chunkSize?: number;
  /** Back the area with huge pages (MAP_HUGETLB; needs reserved huge pages). */
  useHugePages?: boolean;
}

/**
 * Same as {@linkcode ZcrxConfig}.
 *
 * @example
 * ```ts
 * import type { ZCRXConfig } from "@kernio/kernio/uring";
 * const cfg: ZCRXConfig = { ifName: "eth1", rxQueue: 0 };
 * ```
 */
export type ZCRXConfig = ZcrxConfig;

/**
 * The offset within its area of a zero-copy receive completion's data:
 * the low 48 bits of the CQE's big_cqe[0] (`extra1Lo`, `extra1Hi`).
 *
 * @example
 * ```ts
 * import { zcrxAreaOffset } from "@kernio/kernio/uring";
 * zcrxAreaOffset(0x2000, 1 << 16); // 8192 (area id 1 above bit 48)
 * ```
 */
export function zcrxAreaOffset(offLo: number, offHi: number): number {
  return (offHi & 0xffff) * TWO32 + (offLo >>> 0);
}

/**
 * The area id of a zero-copy receive completion (bits 48.. of big_cqe[0]).
 *
 * @example
 * ```ts
 * import { zcrxAreaId } from "@kernio/kernio/uring";
 * zcrxAreaId(3 << 16); // 3
 * ```
 */
export function zcrxAreaId(offHi: number): number {
  return offHi >>> 16;
}

/**
 * The refill ring of a ZCRX interface queue (single producer: the
 * application; the kernel consumes). Each entry hands a received piece
 * (area offset | area token, length) back to the NIC. `push` writes one
 * entry and publishes the tail with a release store; it returns false when
 * the ring is full (would-block as a value: retry after the kernel
 * consumed some).
 *
 * @example
 * ```ts
 * import { ZcrxRefillQueue } from "@kernio/kernio/uring";
 * // A stand-alone ring over plain memory: head at 0, tail at 64, entries at 128.
 * const q = new ZcrxRefillQueue(new ArrayBuffer(128 + 4 * 16), { head: 0, tail: 64, rqes: 128 }, 4);
 * q.push(0x1000, 0, 1500); // true
 * q.pending(); // 1
 * ```
 */
export class ZcrxRefillQueue {
  /** Entries (a power of two). */
  readonly entries: number;
  readonly #mask: number;
  readonly #u32: Uint32Array;
  readonly #u16: Uint16Array;
  readonly #headW: number;
  readonly #tailW: number;
  readonly #rqesW: number;
  #tail: number;

  /**
   * A refill ring over `memory` (an ArrayBuffer, or bytes within one) at the
   * kernel-reported offsets.
   */
  constructor(
    memory: ArrayBufferLike | Uint8Array,
    offsets: { head: number; tail: number; rqes: number },
    entries: number,
  ) {
    const bytes = memory instanceof Uint8Array
      ? memory
      : new Uint8Array(memory);
    if (!(entries > 0 && (entries & (entries - 1)) === 0)) {
      throw new RangeError(
        `ZcrxRefillQueue: entries must be a power of two, got ${entries}`,
      );
    }
    const { head, tail, rqes } = offsets ?? {};
    const named: [string, number][] = [["head", head], ["tail", tail], [
      "rqes",
      rqes,
    ]];
    for (const [n, v] of named) {
      if (!(Number.isInteger(v) && v % 4 === 0 && v >= 0)) {
        throw new RangeError(`ZcrxRefillQueue: bad ${n} offset ${v}`);
      }
    }
    if (
      rqes % 8 !== 0 || rqes + entries * ZCRX.RQE_SIZE > bytes.byteLength ||
      head + 4 > bytes.byteLength || tail + 4 > bytes.byteLength
    ) {
      throw new RangeError("ZcrxRefillQueue: offsets outside the ring memory");
    }
    this.entries = entries;
    this.#mask = entries - 1;
    this.#u32 = new Uint32Array(
      bytes.buffer,
      bytes.byteOffset,
      bytes.byteLength >>> 2,
    );
    this.#u16 = new Uint16Array(
      bytes.buffer,
      bytes.byteOffset,
      bytes.byteLength >>> 1,
    );
    this.#headW = head / 4;
    this.#tailW = tail / 4;
    this.#rqesW = rqes / 4;
    this.#tail = Atomics.load(this.#u32, this.#tailW);
  }

  /** The kernel's consumption head (acquire load). */
  get head(): number {
    return Atomics.load(this.#u32, this.#headW);
  }

  /** The published tail. */
  get tail(): number {
    return this.#tail;
  }

  /** Entries published and not yet consumed by the kernel. */
  pending(): number {
    return (this.#tail - this.head) >>> 0;
  }

  /** Free entries. */
  free(): number {
    return this.entries - this.pending();
  }

  /**
   * Publishes one entry: the 64-bit area offset (with the area token) as
   * u32 halves and the length. False when the ring is full.
   */
  push(offLo: number, offHi: number, len: number): boolean {
    const tail = this.#tail;
    if (((tail - Atomics.load(this.#u32, this.#headW)) >>> 0) >= this.entries) {
      return false;
    }
    const w = this.#rqesW + ((tail & this.#mask) << 2);
    const u32 = this.#u32;
    u32[w] = offLo;
    u32[w + 1] = offHi;
    u32[w + 2] = len;
    this.#u16[(w + 3) << 1] = 0; // __pad
    this.#tail = (tail + 1) >>> 0;
    // Release: the entry is visible before the new tail (the kernel reads
    // the ring from the NIC's NAPI context, on any CPU).
    Atomics.store(u32, this.#tailW, this.#tail);
    return true;
  }

  /** Entry `index` (mod entries) as written: [offLo, offHi, len]. */
  entry(index: number): [number, number, number] {
    const w = this.#rqesW + ((index & this.#mask) << 2);
    return [this.#u32[w], this.#u32[w + 1], this.#u32[w + 2]];
  }
}

/**
 * A registered ZCRX interface queue: the receive area, the refill ring and
 * the instance id to pass to RECV_ZC SQEs (sqe->zcrx_ifq_idx).
 *
 * @example
 * ```ts
 * import { registerZcrxIfq, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8, cqe32: true });
 * // On a ZCRX-capable NIC:
 * // using ifq = registerZcrxIfq(ring, { ifName: "eth0", rxQueue: 1 });
 * // ifq.id, ifq.area, ifq.refillQueue
 * ```
 */
export class ZcrxIfq {
  /** The ZCRX instance id. */
  readonly id: number;
  /** Refill-ring offsets reported by the kernel: head, tail, rqes. */
  readonly offsets: { head: number; tail: number; rqes: number };
  /** Refill queue entries (as the kernel sized them). */
  readonly rqEntries: number;
  /** Low half of the area token refill entries carry (rq_area_token). */
  readonly areaTokenLo: number;
  /** High half of the area token (the area id above bit 48). */
  readonly areaTokenHi: number;
  // JS-owned memory (PageMemory: the kernel pins it, no pointer
  // permission needed), or a Mapping for huge pages.
  #area: PageMemory | Mapping | null;
  #areaBytes: Uint8Array;
  #rq: PageMemory | Mapping | null;
  #queue: ZcrxRefillQueue | null = null;

  /** @internal */
  constructor(
    id: number,
    offsets: { head: number; tail: number; rqes: number },
    rqEntries: number,
    area: PageMemory | Mapping,
    rq: PageMemory | Mapping,
    areaToken: [number, number] = [0, 0],
  ) {
    this.id = id;
    this.offsets = offsets;
    this.rqEntries = rqEntries;
    this.areaTokenLo = areaToken[0];
    this.areaTokenHi = areaToken[1];
    this.#area = area;
    this.#areaBytes = bytesOf(area);
    this.#rq = rq;
  }

  #closed(): never {
    throw new UringError("zcrx ifq", -Errno.EBADF, "uring: ZcrxIfq closed");
  }

  /**
   * The receive area: a ZCRX completion's payload is at the offset it
   * reports within these bytes.
   */
  get area(): Uint8Array {
    if (!this.#area) this.#closed();
    return this.#areaBytes;
  }

  /** The refill ring over the registered region. */
  get refillQueue(): ZcrxRefillQueue {
    if (!this.#rq) this.#closed();
    this.#queue ??= new ZcrxRefillQueue(
      bytesOf(this.#rq),
      this.offsets,
      this.rqEntries,
    );
    return this.#queue;
  }

  /** Whether the mappings are still there. */
  get mapped(): boolean {
    return this.#area !== null;
  }

  /**
   * Releases the mappings. The kernel keeps the ifq registered until the
   * ring itself is closed, so call this after closing the ring.
   */
  close(): void {
    this.#area?.close();
    this.#rq?.close();
    this.#area = this.#rq = null;
    this.#areaBytes = new Uint8Array(0);
  }

  /** Same as {@linkcode ZcrxIfq.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function ifIndexOf(cfg: ZcrxConfig): number {
  if (cfg.ifIndex !== undefined) {
    if (!Number.isInteger(cfg.ifIndex) || cfg.ifIndex <= 0) {
      throw new RangeError(`registerZcrxIfq: bad ifIndex ${cfg.ifIndex}`);
    }
    return cfg.ifIndex;
  }
  if (typeof cfg.ifName !== "string" || !/^[\w.-]{1,15}$/.test(cfg.ifName)) {
    throw new TypeError("registerZcrxIfq: ifName (or ifIndex) is required");
  }
  // rtnetlink (sock/link.ts): no --allow-read needed, and it answers for
  // this thread's network namespace.
  try {
    return linkByName(cfg.ifName).index;
  } catch (e) {
    if (e instanceof Error && (e as { code?: string }).code === "ENODEV") {
      throw new UringError(
        "register zcrx ifq",
        -Errno.ENODEV,
        `uring: register zcrx ifq: no interface ${cfg.ifName}`,
      );
    }
    throw e;
  }
}

const MAP_PRIVATE_ANON_HUGETLB = 0x02 | 0x20 | 0x40000;
const HUGE_PAGE = 2 << 20;

function hugeArea(size: number): Mapping {
  if (size % HUGE_PAGE !== 0) {
    throw new RangeError(
      "registerZcrxIfq: with useHugePages, areaSize must be a multiple of 2 MiB",
    );
  }
  try {
    return new Mapping(size, 0x3, MAP_PRIVATE_ANON_HUGETLB, -1, 0);
  } catch (e) {
    const errno = (e as { errno?: number }).errno ?? 0;
    if (errno !== Errno.ENOMEM) throw e;
    throw new UringError(
      "register zcrx ifq",
      -Errno.ENOMEM,
      `uring: register zcrx ifq: no huge pages for a ${size}-byte area ` +
        `(${(e as Error).message}; reserve some with vm.nr_hugepages)`,
    );
  }
}

/**
 * Registers a ZCRX interface queue on `ring` (which must have 32-byte CQEs
 * and DEFER_TASKRUN). Throws {@linkcode NotSupportedError} when the kernel,
 * the ring or the interface cannot do zero-copy receive (EOPNOTSUPP,
 * EINVAL for the ring setup, loopback/veth), and a UringError otherwise.
 *
 * @example
 * ```ts
 * import { NotSupportedError, registerZcrxIfq, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8, cqe32: true });
 * try {
 *   using ifq = registerZcrxIfq(ring, { ifName: "lo", rxQueue: 0 });
 * } catch (e) {
 *   console.log(e instanceof NotSupportedError); // true on loopback
 * }
 * ```
 */
export function registerZcrxIfq(
  ring: RingFdSource | number,
  config: ZcrxConfig,
): ZcrxIfq {
  const fd = ringFdOf(ring, "registerZcrxIfq");
  if (config === null || typeof config !== "object") {
    throw new TypeError("registerZcrxIfq: config must be an object");
  }
  if (!Number.isInteger(config.rxQueue) || config.rxQueue < 0) {
    throw new RangeError(`registerZcrxIfq: bad rxQueue ${config.rxQueue}`);
  }
  const areaSize = config.areaSize ?? 4 << 20;
  if (!(areaSize > 0 && areaSize % PAGE === 0 && areaSize <= 2 ** 40)) {
    throw new RangeError("registerZcrxIfq: areaSize must be a page multiple");
  }
  const rqEntries = config.rqEntries ?? 4096;
  if (
    !(rqEntries > 0 && (rqEntries & (rqEntries - 1)) === 0) || rqEntries > 32768
  ) {
    throw new RangeError("registerZcrxIfq: rqEntries must be a power of two");
  }
  const chunk = config.chunkSize ?? 0;
  if (
    !Number.isInteger(chunk) || chunk < 0 ||
    (chunk && (chunk % PAGE || ((chunk / PAGE) & (chunk / PAGE - 1))))
  ) {
    throw new RangeError(
      "registerZcrxIfq: chunkSize must be a power-of-two multiple of the page size",
    );
  }
  const ifIndex = ifIndexOf(config);
  // Refill ring: a header page then rqEntries 16-byte entries.
  const rqBytes = PAGE + Math.ceil((rqEntries * ZCRX.RQE_SIZE) / PAGE) * PAGE;
  // Huge pages come only from mmap (and so need the unscoped --allow-ffi);
  // otherwise the area and refill ring are JS-owned page-aligned memory.
  const area = config.useHugePages === true
    ? hugeArea(areaSize)
    : new PageMemory(areaSize);
  let rq: PageMemory | null = null;
  try {
    rq = new PageMemory(rqBytes);
    // struct io_uring_zcrx_area_reg (48 bytes)
    const areaReg = new Uint8Array(48);
    const da = new DataView(areaReg.buffer);
    set64(da, 0, area.address);
    set64(da, 8, areaSize);
    // struct io_uring_region_desc (64 bytes)
    const region = new Uint8Array(64);
    const dr = new DataView(region.buffer);
    set64(dr, 0, rq.address);
    set64(dr, 8, rqBytes);
    dr.setUint32(16, ZCRX.MEM_REGION_TYPE_USER, true);
    // struct io_uring_zcrx_ifq_reg (96 bytes)
    const reg = new Uint8Array(96);
    const d = new DataView(reg.buffer);
    d.setUint32(0, ifIndex, true);
    d.setUint32(4, config.rxQueue, true);
    d.setUint32(8, rqEntries, true);
    set64(d, 16, unsafeAddressOf(areaReg));
    set64(d, 24, unsafeAddressOf(region));
    d.setUint32(68, chunk, true); // rx_buf_len
    const r = ioUringRegister(fd, IORING_REGISTER.ZCRX_IFQ, reg, 1);
    if (r < 0) {
      if (
        r === -Errno.EOPNOTSUPP || r === -Errno.EINVAL ||
        r === -Errno.ENODEV || r === -Errno.ENOSYS
      ) {
        throw new NotSupportedError(
          "register zcrx ifq",
          `interface ${config.ifName ?? ifIndex} queue ${config.rxQueue} ` +
            `cannot do zero-copy receive (${errnoName(r)}; needs a ` +
            "ZCRX-capable NIC and a cqe32 single-issuer ring)",
          r,
        );
      }
      throw uringError("register zcrx ifq", r);
    }
    const offsets = {
      head: d.getUint32(32, true),
      tail: d.getUint32(36, true),
      rqes: d.getUint32(40, true),
    };
    return new ZcrxIfq(
      d.getUint32(64, true),
      offsets,
      d.getUint32(8, true) || rqEntries,
      area,
      rq,
      [da.getUint32(16, true), da.getUint32(20, true)],
    );
  } catch (e) {
    rq?.close();
    area.close();
    throw e;
  }
}

/**
 * IORING_OP_RECV_ZC: a multishot zero-copy receive on ctx's socket through
 * ZCRX instance `ifqId` (up to `n` bytes in total, 0: unlimited). Each CQE
 * gives the length in `res` and the area offset in big_cqe[0]
 * (`extra1Lo`/`extra1Hi`; see {@linkcode zcrxAreaOffset}). Returns false
 * when the SQ is full. {@linkcode ZCRXReceiver} drives it for you.
 *
 * @deprecated Use the ring method `ring.recvZc(ctx, n, ifqId, o)` (the
 * same operation under the name every layer uses).
 *
 * @example
 * ```ts
 * import { forFD, receiveZeroCopy, Uring } from "@kernio/kernio/uring";
 * declare const fd: number, ifqId: number;
 * using ring = new Uring({ entries: 8, cqe32: true });
 * ring.start();
 * receiveZeroCopy(ring, forFD(fd), 0, ifqId);
 * ```
 */
export function receiveZeroCopy(
  ring: Uring,
  ctx: SQEContext,
  n: number,
  ifqId: number,
  o?: OpOptions,
): boolean {
  return ring.recvZc(ctx, n, ifqId, o);
}

/**
 * Lifecycle of a {@linkcode ZCRXReceiver}.
 *
 * @example
 * ```ts
 * import { ZCRXState } from "@kernio/kernio/uring";
 * ZCRXState.Active; // 1
 * ```
 */
export const ZCRXState = {
  /** Created, not started. */
  Idle: 0,
  /** The receive is live. */
  Active: 1,
  /** A cancel was queued; completions still arrive. */
  Stopping: 2,
  /** The final completion arrived; onStopped is running. */
  Retiring: 3,
  /** Terminal: close() may release the memory once the ring is stopped. */
  Stopped: 4,
} as const;
/** A {@linkcode ZCRXState} value. */
export type ZCRXState = typeof ZCRXState[keyof typeof ZCRXState];

/**
 * Receives a {@linkcode ZCRXReceiver}'s events, serially on the completion
 * path.
 *
 * @example
 * ```ts
 * import type { ZCRXHandler } from "@kernio/kernio/uring";
 * const h: ZCRXHandler = {
 *   onData: (buf) => { buf.release(); return true; },
 *   onError: (err) => err.code !== "ENOBUFS",
 *   onStopped: () => {},
 * };
 * ```
 */
export interface ZCRXHandler {
  /**
   * Received data (a zero-length buffer marks EOF and carries nothing to
   * release). Release it when done; return false for a best-effort stop.
   */
  onData(buf: ZCRXBuffer): boolean;
  /** A failed completion; return false for a best-effort stop. */
  onError(err: UringError): boolean;
  /** Runs once at retirement, before the state becomes Stopped. */
  onStopped(): void;
}

/**
 * Default {@linkcode ZCRXHandler} to extend: data is released at once,
 * errors stop.
 *
 * @example
 * ```ts
 * import { NoopZCRXHandler, type ZCRXBuffer } from "@kernio/kernio/uring";
 * class Count extends NoopZCRXHandler {
 *   bytes = 0;
 *   override onData(buf: ZCRXBuffer) { this.bytes += buf.len; return super.onData(buf); }
 * }
 * ```
 */
export class NoopZCRXHandler implements ZCRXHandler {
  /** Releases the buffer and continues. */
  onData(buf: ZCRXBuffer): boolean {
    buf.release();
    return true;
  }
  /** Stops. */
  onError(_err: UringError): boolean {
    return false;
  }
  /** No-op. */
  onStopped(): void {}
}

/**
 * A delivered zero-copy receive: `len` bytes at `offset` in the receiver's
 * area, kernel memory until {@linkcode ZCRXBuffer.release} hands it back
 * through the refill ring. Objects are pooled by their receiver: do not use
 * one after releasing it.
 *
 * @example
 * ```ts
 * import type { ZCRXBuffer } from "@kernio/kernio/uring";
 * declare const buf: ZCRXBuffer;
 * const copy = buf.bytes().slice();
 * buf.release();
 * ```
 */
export class ZCRXBuffer {
  #rx: ZCRXReceiver | null = null;
  #offLo = 0;
  #offHi = 0;
  #len = 0;
  #offset = 0;

  /** @internal */
  _init(rx: ZCRXReceiver, offLo: number, offHi: number, len: number): this {
    this.#rx = rx;
    this.#offLo = offLo;
    this.#offHi = offHi;
    this.#len = len;
    this.#offset = len === 0 ? 0 : zcrxAreaOffset(offLo, offHi);
    return this;
  }

  #live(op: string): ZCRXReceiver {
    if (this.#rx === null) {
      throw new UringError(
        `ZCRXBuffer.${op}`,
        -Errno.EINVAL,
        `uring: ZCRXBuffer.${op}: buffer already released`,
      );
    }
    return this.#rx;
  }

  /** Received length (0: end of stream). */
  get len(): number {
    this.#live("len");
    return this.#len;
  }

  /** Offset of the data in the receiver's area. */
  get offset(): number {
    this.#live("offset");
    return this.#offset;
  }

  /** The data: a view into the area (allocates the view). */
  bytes(): Uint8Array {
    const rx = this.#live("bytes");
    const area = rx._area();
    return new Uint8Array(
      area.buffer,
      area.byteOffset + this.#offset,
      this.#len,
    );
  }

  /**
   * Hands the piece back to the kernel through the refill ring. Returns
   * false when the refill ring is full (the buffer stays yours: retry
   * later); true once handed back, after which the object must not be used.
   */
  release(): boolean {
    const rx = this.#live("release");
    if (this.#len !== 0 && !rx._refill(this.#offLo, this.#offHi, this.#len)) {
      return false;
    }
    this.#rx = null;
    rx._recycle(this);
    return true;
  }
}

/**
 * Zero-copy receive over one NIC RX queue, driven by one multishot RECV_ZC:
 * `start(fd, handler)` → Active; CQEs routed by `dispatchCQE` (or the
 * driver) reach the handler; `stop()` queues a cancel → Stopping; the final
 * completion → Retiring (onStopped runs) → Stopped. Once Stopped and the
 * ring stopped, `close()` releases the area and refill ring.
 *
 * The ring needs 32-byte CQEs (`new Uring({ cqe32: true })`) and the
 * default single issuer; otherwise the constructor throws
 * {@linkcode NotSupportedError}, as it does when the interface cannot do
 * zero-copy receive.
 *
 * @example
 * ```ts
 * import { CQEView, dispatchCQE, NoopZCRXHandler, Uring, ZCRXReceiver } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 64, cqe32: true });
 * ring.start();
 * const rx = new ZCRXReceiver(ring, { ifName: "eth0", rxQueue: 1 });
 * rx.start(fd, new NoopZCRXHandler());
 * const cqes = CQEView.array(64);
 * while (!rx.stopped()) {
 *   const n = ring.waitBlocking(cqes, 1, 100);
 *   for (let k = 0; k < n; k++) dispatchCQE(cqes[k]);
 * }
 * ring.stop();
 * rx.close();
 * ```
 */
export class ZCRXReceiver {
  readonly #ring: Uring;
  readonly #ifq: ZcrxIfq;
  #state: ZCRXState = ZCRXState.Idle;
  #handler: ZCRXHandler | null = null;
  #ext: ExtSQE | null = null;
  #free: ZCRXBuffer[] = [];
  readonly #target = { _onCQE: (cqe: CQEView) => this._onCQE(cqe) };

  /**
   * Registers a ZCRX interface queue for `config` on `ring` (or adopts an
   * already registered `ifq`).
   */
  constructor(ring: Uring, config: ZcrxConfig | ZcrxIfq) {
    if (ring === null || typeof ring !== "object" || !("features" in ring)) {
      throw new TypeError("ZCRXReceiver: expected a Uring");
    }
    const flags = ring.features.setupFlags;
    if (
      (flags & IORING_SETUP.CQE32) === 0 ||
      (flags & IORING_SETUP.DEFER_TASKRUN) === 0
    ) {
      throw new NotSupportedError(
        "ZCRXReceiver",
        "the ring needs 32-byte CQEs and a single issuer " +
          "(new Uring({ cqe32: true }), multiIssuers false)",
        -Errno.EINVAL,
      );
    }
    this.#ring = ring;
    this.#ifq = config instanceof ZcrxIfq
      ? config
      : registerZcrxIfq(ring, config);
  }

  /** The interface queue (area, refill ring, instance id). */
  get ifq(): ZcrxIfq {
    return this.#ifq;
  }

  /** The lifecycle state. */
  get state(): ZCRXState {
    return this.#state;
  }

  /** Whether the receive is live (Active). */
  active(): boolean {
    return this.#state === ZCRXState.Active;
  }

  /** Whether retirement is complete (Stopped). */
  stopped(): boolean {
    return this.#state === ZCRXState.Stopped;
  }

  /**
   * Submits the multishot zero-copy receive on `fd` (call once). Returns
   * false, staying Idle, when the SQ is full or the ring's extended-context
   * pool is exhausted.
   */
  start(fd: number, handler: ZCRXHandler, o?: OpOptions): boolean {
    if (this.#state !== ZCRXState.Idle) {
      throw new UringError(
        "ZCRXReceiver.start",
        -Errno.EALREADY,
        "uring: ZCRXReceiver.start: already started",
      );
    }
    if (
      handler === null || typeof handler !== "object" ||
      typeof handler.onData !== "function" ||
      typeof handler.onError !== "function" ||
      typeof handler.onStopped !== "function"
    ) {
      throw new TypeError(
        "ZCRXReceiver.start: handler must implement ZCRXHandler",
      );
    }
    if (!(Number.isInteger(fd) && fd >= 0 && fd <= 0x3fffffff)) {
      throw new RangeError(`ZCRXReceiver.start: bad fd ${fd}`);
    }
    this.#ifq.area; // throws once closed
    const ext = this.#ring.extSQE();
    if (ext === null) return false;
    ext.refs[0] = this.#target;
    ext.fd = fd;
    if (!this.#ring.recvZc(ext.context, 0, this.#ifq.id, o)) {
      ext.refs[0] = undefined;
      this.#ring.putExtSQE(ext);
      return false;
    }
    this.#ext = ext;
    this.#handler = handler;
    this.#state = ZCRXState.Active;
    return true;
  }

  /**
   * Requests cancellation (Active → Stopping). Returns false, staying
   * Active, when the cancel cannot be queued (SQ full); true once queued or
   * when already stopping or stopped. Idle receivers go straight to
   * Stopped.
   */
  stop(): boolean {
    if (this.#state === ZCRXState.Idle) {
      this.#state = ZCRXState.Stopped;
      return true;
    }
    if (this.#state !== ZCRXState.Active) return true;
    // The cancel's own completion is skipped on success; a failure (the
    // receive already ended) posts an unrouted ASYNC_CANCEL CQE.
    if (!this.#ring.asyncCancel(CANCEL_CTX, this.#ext!.context)) return false;
    this.#state = ZCRXState.Stopping;
    return true;
  }

  /**
   * Handles one completion of this receiver's receive (dispatchCQE calls
   * it). Data goes to onData as a pooled ZCRXBuffer, errors to onError; a
   * false return stops; the final completion retires the receiver.
   */
  _onCQE(cqe: CQEView): void {
    const st = this.#state;
    if (st !== ZCRXState.Active && st !== ZCRXState.Stopping) return;
    const h = this.#handler!;
    const res = cqe.res;
    const more = (cqe.flags & F_MORE) !== 0;
    let keep = true;
    if (res < 0) {
      if (!(res === ECANCELED && st === ZCRXState.Stopping)) {
        keep = h.onError(uringError("zero-copy receive", res));
      }
    } else {
      if (res > 0) {
        const off = zcrxAreaOffset(cqe.extra1Lo, cqe.extra1Hi);
        if (off + res > this.#ifq.area.byteLength) {
          throw new RangeError(
            `ZCRXReceiver: completion outside the area (offset ${off}, ${res} bytes)`,
          );
        }
      }
      const buf = (this.#free.pop() ?? new ZCRXBuffer())._init(
        this,
        cqe.extra1Lo,
        cqe.extra1Hi,
        res,
      );
      keep = h.onData(buf);
    }
    if (!more) {
      this.#retire();
    } else if (!keep) {
      this.stop();
    }
  }

  #retire(): void {
    this.#state = ZCRXState.Retiring;
    const ext = this.#ext;
    this.#ext = null;
    try {
      this.#handler!.onStopped();
    } finally {
      this.#state = ZCRXState.Stopped;
      if (ext !== null && !this.#ring.closed) {
        ext.refs[0] = undefined;
        this.#ring.putExtSQE(ext);
      }
    }
  }

  /** @internal The area for ZCRXBuffer views. */
  _area(): Uint8Array {
    return this.#ifq.area;
  }

  /** @internal Pushes a refill entry (offset within the area + token). */
  _refill(offLo: number, offHi: number, len: number): boolean {
    return this.#ifq.refillQueue.push(
      (offLo | this.#ifq.areaTokenLo) >>> 0,
      ((offHi & 0xffff) | this.#ifq.areaTokenHi) >>> 0,
      len,
    );
  }

  /** @internal Returns a released buffer object to the pool. */
  _recycle(buf: ZCRXBuffer): void {
    if (this.#free.length < 1024) this.#free.push(buf);
  }

  /**
   * Exports the ZCRX instance for another ring or process (an fd).
   * Needs kernel support for ZCRX control (Linux 6.19+): otherwise
   * {@linkcode NotSupportedError}.
   */
  export(): number {
    return zcrxExport(this.#ring, this.#ifq.id);
  }

  /** Asks the kernel to process the refill ring now (Linux 6.19+). */
  flushRefillQueue(): void {
    zcrxFlushRefillQueue(this.#ring, this.#ifq.id);
  }

  /**
   * Releases the area and refill ring. Returns false while that is not yet
   * safe (not Stopped, or the ring still running: the kernel owns the
   * registration until the ring is closed); true once done. Idempotent.
   */
  close(): boolean {
    if (!this.#ifq.mapped) return true;
    if (
      this.#state !== ZCRXState.Stopped && this.#state !== ZCRXState.Idle
    ) {
      return false;
    }
    if (!this.#ring.closed) return false;
    this.#ifq.close();
    this.#state = ZCRXState.Stopped;
    return true;
  }
}

// ---------------------------------------------------------------------------
// Capabilities and control

/**
 * ZCRX capabilities (IO_URING_QUERY_ZCRX).
 *
 * @example
 * ```ts
 * import type { QueryZCRX } from "@kernio/kernio/uring";
 * declare const q: QueryZCRX;
 * q.nrCtrlOpcodes; // 0 before ZCRX control existed
 * ```
 */
export interface QueryZCRX {
  /** Supported ZCRX_REG_* flags. */
  registerFlags: number;
  /** Supported IORING_ZCRX_AREA_* flags. */
  areaFlags: number;
  /** Number of ZCRX_CTRL_* opcodes (0: no zcrx control). */
  nrCtrlOpcodes: number;
  /** Refill ring header size. */
  rqHdrSize: number;
  /** Refill ring header alignment. */
  rqHdrAlignment: number;
}

/**
 * Queries the kernel's ZCRX capabilities (IORING_REGISTER_QUERY,
 * IO_URING_QUERY_ZCRX). Throws {@linkcode NotSupportedError} when the
 * kernel has no such query.
 *
 * @example
 * ```ts
 * import { NotSupportedError, queryZCRX } from "@kernio/kernio/uring";
 * try {
 *   console.log(queryZCRX().rqHdrSize);
 * } catch (e) {
 *   if (!(e instanceof NotSupportedError)) throw e;
 * }
 * ```
 */
export function queryZCRX(): QueryZCRX {
  const data = new Uint8Array(40); // struct io_uring_query_zcrx
  const h = new QueryHdr();
  h.queryOp = QueryHdr.OP_ZCRX;
  h.queryData = unsafeAddressOf(data);
  h.size = data.byteLength;
  const r = ioUringRegister(-1, IORING_REGISTER.QUERY, h.bytes, 0);
  if (r < 0 || h.result < 0) {
    const raw = r < 0 ? r : h.result;
    if (
      raw === -Errno.EINVAL || raw === -Errno.EOPNOTSUPP ||
      raw === -Errno.ENOSYS || raw === -Errno.EBADF
    ) {
      throw new NotSupportedError(
        "query zcrx",
        `this kernel cannot report ZCRX capabilities (${errnoName(raw)})`,
        raw,
      );
    }
    throw uringError("query zcrx", raw);
  }
  const dv = new DataView(data.buffer);
  const u64 = (o: number) =>
    dv.getUint32(o + 4, true) * TWO32 + dv.getUint32(o, true);
  return {
    registerFlags: u64(0),
    areaFlags: u64(8),
    nrCtrlOpcodes: dv.getUint32(16, true),
    rqHdrSize: dv.getUint32(24, true),
    rqHdrAlignment: dv.getUint32(28, true),
  };
}

function zcrxCtrl(
  ring: RingFdSource | number,
  id: number,
  op: number,
  name: string,
): number {
  const fd = ringFdOf(ring, name);
  if (!(Number.isInteger(id) && id >= 0 && id <= 0xffffffff)) {
    throw new RangeError(`${name}: bad zcrx id ${id}`);
  }
  let nrCtrl = 0;
  try {
    nrCtrl = queryZCRX().nrCtrlOpcodes;
  } catch (e) {
    if (!(e instanceof NotSupportedError)) throw e;
  }
  if (nrCtrl <= op) {
    throw new NotSupportedError(
      name,
      "this kernel has no ZCRX control operations (IORING_REGISTER_ZCRX_CTRL, Linux 6.19+)",
    );
  }
  // struct zcrx_ctrl { u32 zcrx_id; u32 op; u64 resv[2]; union (48 B) }
  const ctrl = new Uint8Array(72);
  const dv = new DataView(ctrl.buffer);
  dv.setUint32(0, id, true);
  dv.setUint32(4, op, true);
  const r = ioUringRegister(fd, IORING_REGISTER.ZCRX_CTRL, ctrl, 0);
  if (r < 0) throw uringError(name, r);
  return op === ZCRX.CTRL_EXPORT ? dv.getUint32(24, true) : r;
}

/**
 * Exports ZCRX instance `id` of `ring` (ZCRX_CTRL_EXPORT): an fd another
 * ring can import with ZCRX_REG_IMPORT. Linux 6.19+; otherwise
 * {@linkcode NotSupportedError}.
 *
 * @example
 * ```ts
 * import { NotSupportedError, Uring, zcrxExport } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8, cqe32: true });
 * try {
 *   zcrxExport(ring, 0);
 * } catch (e) {
 *   if (!(e instanceof NotSupportedError)) throw e;
 * }
 * ```
 */
export function zcrxExport(ring: RingFdSource | number, id: number): number {
  return zcrxCtrl(ring, id, ZCRX.CTRL_EXPORT, "zcrx export");
}

/**
 * Asks the kernel to process ZCRX instance `id`'s refill ring now
 * (ZCRX_CTRL_FLUSH_RQ). Linux 6.19+; otherwise {@linkcode NotSupportedError}.
 *
 * @example
 * ```ts
 * import { NotSupportedError, Uring, zcrxFlushRefillQueue } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8, cqe32: true });
 * try {
 *   zcrxFlushRefillQueue(ring, 0);
 * } catch (e) {
 *   if (!(e instanceof NotSupportedError)) throw e;
 * }
 * ```
 */
export function zcrxFlushRefillQueue(
  ring: RingFdSource | number,
  id: number,
): void {
  zcrxCtrl(ring, id, ZCRX.CTRL_FLUSH_RQ, "zcrx flush refill queue");
}

// ---------------------------------------------------------------------------
// NAPI

/**
 * NAPI registration constants (struct io_uring_napi).
 *
 * @example
 * ```ts
 * import { NAPI } from "@kernio/kernio/uring";
 * NAPI.TRACKING_STATIC; // 1
 * ```
 */
export const NAPI = {
  REGISTER_OP: 0,
  STATIC_ADD_ID: 1,
  STATIC_DEL_ID: 2,
  TRACKING_DYNAMIC: 0,
  TRACKING_STATIC: 1,
  TRACKING_INACTIVE: 255,
} as const;

const SO_INCOMING_NAPI_ID = 56;
const SOL_SOCKET = SOL.SOCKET;
/** NAPI ids below this are sender_cpu values, not real NAPI instances. */
const MIN_NAPI_ID = 8193;

function napiCall(
  fd: number,
  op: string,
  opcode: number,
  busyPollUs: number,
  prefer: boolean,
  param: number,
): void {
  // struct io_uring_napi { u32 busy_poll_to; u8 prefer_busy_poll;
  // u8 opcode; u8 pad[2]; u32 op_param; u32 resv; }
  const b = new Uint8Array(16);
  const d = new DataView(b.buffer);
  d.setUint32(0, busyPollUs, true);
  d.setUint8(4, prefer ? 1 : 0);
  d.setUint8(5, opcode);
  d.setUint32(8, param, true);
  const r = ioUringRegister(fd, IORING_REGISTER.NAPI, b, 1);
  if (r < 0) {
    if (r === -Errno.EOPNOTSUPP || r === -Errno.ENOSYS) {
      throw new NotSupportedError(op, "kernel without NAPI busy polling", r);
    }
    throw uringError(op, r);
  }
}

/**
 * Options of {@linkcode registerNapi}.
 *
 * @example
 * ```ts
 * import type { NapiOptions } from "@kernio/kernio/uring";
 * const opts: NapiOptions = { busyPollTimeoutUs: 50 };
 * ```
 */
export interface NapiOptions {
  /** Busy-poll timeout in microseconds (default 50). */
  busyPollTimeoutUs?: number;
  /** Prefer busy polling over sleeping (default false). */
  preferBusyPoll?: boolean;
  /** NAPI.TRACKING_DYNAMIC (default) or NAPI.TRACKING_STATIC. */
  tracking?: number;
}

/**
 * Enables NAPI busy polling on the ring (IORING_REGISTER_NAPI).
 *
 * @example
 * ```ts
 * import { registerNapi, unregisterNapi, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * registerNapi(ring, { busyPollTimeoutUs: 50 });
 * unregisterNapi(ring);
 * ```
 */
export function registerNapi(
  ring: RingFdSource | number,
  options: NapiOptions = {},
): void {
  const fd = ringFdOf(ring, "registerNapi");
  const to = options.busyPollTimeoutUs ?? 50;
  if (!Number.isInteger(to) || to < 0 || to > 0xffffffff) {
    throw new RangeError(`registerNapi: bad busyPollTimeoutUs ${to}`);
  }
  const tracking = options.tracking ?? NAPI.TRACKING_DYNAMIC;
  if (
    tracking !== NAPI.TRACKING_DYNAMIC && tracking !== NAPI.TRACKING_STATIC &&
    tracking !== NAPI.TRACKING_INACTIVE
  ) {
    throw new RangeError(`registerNapi: bad tracking ${tracking}`);
  }
  napiCall(
    fd,
    "register napi",
    NAPI.REGISTER_OP,
    to,
    options.preferBusyPoll === true,
    tracking,
  );
}

/**
 * Disables NAPI busy polling on the ring.
 *
 * @example
 * ```ts
 * import { unregisterNapi, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * unregisterNapi(ring);
 * ```
 */
export function unregisterNapi(ring: RingFdSource | number): void {
  const fd = ringFdOf(ring, "unregisterNapi");
  const r = ioUringRegister(
    fd,
    IORING_REGISTER.UNREGISTER_NAPI,
    new Uint8Array(16),
    1,
  );
  if (r < 0) throw uringError("unregister napi", r);
}

/**
 * Adds a NAPI id for static tracking (ring registered with
 * NAPI.TRACKING_STATIC).
 *
 * @example
 * ```ts
 * import { napiAddStaticId, NAPI, registerNapi, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * registerNapi(ring, { tracking: NAPI.TRACKING_STATIC });
 * // napiAddStaticId(ring, idOfANicQueue);
 * ```
 */
export function napiAddStaticId(
  ring: RingFdSource | number,
  napiId: number,
): void {
  const fd = ringFdOf(ring, "napiAddStaticId");
  if (
    !Number.isInteger(napiId) || napiId < MIN_NAPI_ID || napiId > 0xffffffff
  ) {
    throw new RangeError(
      `napiAddStaticId: ${napiId} is not a NAPI id (ids start at ${MIN_NAPI_ID})`,
    );
  }
  napiCall(fd, "napi add static id", NAPI.STATIC_ADD_ID, 0, false, napiId);
}

/**
 * Removes a statically tracked NAPI id.
 *
 * @example
 * ```ts
 * import { napiDelStaticId, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * // napiDelStaticId(ring, id);
 * ```
 */
export function napiDelStaticId(
  ring: RingFdSource | number,
  napiId: number,
): void {
  const fd = ringFdOf(ring, "napiDelStaticId");
  if (
    !Number.isInteger(napiId) || napiId < MIN_NAPI_ID || napiId > 0xffffffff
  ) {
    throw new RangeError(`napiDelStaticId: ${napiId} is not a NAPI id`);
  }
  napiCall(fd, "napi del static id", NAPI.STATIC_DEL_ID, 0, false, napiId);
}

/**
 * The NAPI id a socket's packets arrive on (SO_INCOMING_NAPI_ID), or 0.
 *
 * @example
 * ```ts
 * import { socketNapiId } from "@kernio/kernio/uring";
 * declare const fd: number;
 * socketNapiId(fd); // 0 on loopback
 * ```
 */
export function socketNapiId(sockFd: number): number {
  if (!Number.isInteger(sockFd) || sockFd < 0) {
    throw new TypeError(`socketNapiId: bad fd ${sockFd}`);
  }
  const v = new Uint8Array(4);
  const l = new Uint32Array([4]);
  const r = getsockopt(sockFd, SOL_SOCKET, SO_INCOMING_NAPI_ID, v, l);
  if (r < 0) throw uringError("getsockopt SO_INCOMING_NAPI_ID", r);
  return new DataView(v.buffer).getUint32(0, true);
}

/**
 * Adds the NAPI instance a connected socket receives on to the ring's static
 * tracking list. Sockets on loopback or veth have no NAPI instance: that
 * throws {@linkcode NotSupportedError}.
 *
 * @example
 * ```ts
 * import { napiAddSocket, NotSupportedError, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * declare const loopbackFd: number;
 * try {
 *   napiAddSocket(ring, loopbackFd);
 * } catch (e) {
 *   console.log(e instanceof NotSupportedError);
 * }
 * ```
 */
export function napiAddSocket(
  ring: RingFdSource | number,
  sockFd: number,
): number {
  const id = socketNapiId(sockFd);
  if (id < MIN_NAPI_ID) {
    throw new NotSupportedError(
      "napi add socket",
      "the socket has no NAPI instance (loopback, veth or no traffic yet)",
      -Errno.EOPNOTSUPP,
    );
  }
  napiAddStaticId(ring, id);
  return id;
}

/** The bytes of JS-owned memory or of a mapping. */
function bytesOf(m: PageMemory | Mapping): Uint8Array {
  return m instanceof PageMemory ? m.bytes : new Uint8Array(m.buffer);
}
