/**
 * Zero-copy receive (ZCRX): registration of an interface queue (area and
 * refill ring), its control operations and capabilities.
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

import { IORING_REGISTER } from "../zcall/constants.ts";
import { Errno, errnoName } from "../zcall/errno.ts";
import { Mapping, unsafeAddressOf } from "../zcall/memory.ts";
import { PageMemory, pageSize } from "../zcall/page_memory.ts";
import { ioUringRegister } from "../zcall/syscalls.ts";
import type { SQEContext } from "./context.ts";
import { NotSupportedError, UringError, uringError } from "./errors.ts";
import type { RingFdSource } from "./buffer_ring.ts";
import type { OpOptions, Uring } from "./ring.ts";
import { QueryHdr } from "./structs.ts";
import { linkByName } from "../sock/link.ts";
import { TWO32 } from "./_constants.ts";

import { ringFdOf } from "./_ring_fd.ts";

const PAGE = pageSize();

function set64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v >>> 0, true);
  dv.setUint32(off + 4, Math.floor(v / TWO32), true);
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

/** The bytes of JS-owned memory or of a mapping. */
function bytesOf(m: PageMemory | Mapping): Uint8Array {
  return m instanceof PageMemory ? m.bytes : new Uint8Array(m.buffer);
}
