/**
 * Zero-copy receive (ZCRX, IORING_REGISTER_ZCRX_IFQ) and NAPI busy polling
 * (IORING_REGISTER_NAPI) registration.
 *
 * ZCRX binds a NIC hardware RX queue to the ring: payloads land in a
 * user-mapped area and are handed back through a refill ring. It needs a
 * ring created with 32-byte CQEs and DEFER_TASKRUN, and a NIC with header
 * split and flow steering; loopback and veth cannot do it, and there the
 * registration throws {@linkcode NotSupportedError}.
 *
 * NAPI busy polling is a ring setting; adding a socket's NAPI id needs a
 * socket received through a real NIC queue (loopback and veth sockets have
 * none, which {@linkcode napiAddSocket} reports as NotSupportedError).
 *
 * @example
 * ```ts
 * import { NotSupportedError, registerZcrxIfq, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * try {
 *   registerZcrxIfq(ring, { ifName: "lo", rxQueue: 0 });
 * } catch (e) {
 *   if (!(e instanceof NotSupportedError)) throw e;
 * }
 * ```
 *
 * @module
 */

import {
  Errno,
  errnoName,
  getsockopt,
  IORING_REGISTER,
  ioUringRegister,
  Mapping,
  unsafeAddressOf,
} from "../zcall/mod.ts";
import { NotSupportedError, UringError, uringError } from "./errors.ts";
import type { RingFdSource } from "./buffer_ring.ts";

const TWO32 = 4294967296;
const PAGE = 4096;

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
} as const;

/**
 * Configuration of {@linkcode registerZcrxIfq}.
 *
 * @example
 * ```ts
 * import type { ZcrxConfig } from "@kernio/kernio/uring";
 * declare const cfg: ZcrxConfig;
 * cfg.ifName; // e.g. "eth0"
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
  /** Chunk size hint (0: page size). */
  chunkSize?: number;
}

/**
 * A registered ZCRX interface queue: the receive area, the refill ring and
 * the instance id to pass to RECV_ZC SQEs (sqe->zcrx_ifq_idx).
 *
 * @example
 * ```ts
 * import { registerZcrxIfq, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * // On a ZCRX-capable NIC:
 * // using ifq = registerZcrxIfq(ring, { ifName: "eth0", rxQueue: 1 });
 * // ifq.id, ifq.area
 * ```
 */
export class ZcrxIfq {
  /** The ZCRX instance id. */
  readonly id: number;
  /** Refill-ring offsets reported by the kernel: head, tail, rqes. */
  readonly offsets: { head: number; tail: number; rqes: number };
  /** Refill queue entries. */
  readonly rqEntries: number;
  #area: Mapping | null;
  #rq: Mapping | null;

  /** @internal */
  constructor(
    id: number,
    offsets: { head: number; tail: number; rqes: number },
    rqEntries: number,
    area: Mapping,
    rq: Mapping,
  ) {
    this.id = id;
    this.offsets = offsets;
    this.rqEntries = rqEntries;
    this.#area = area;
    this.#rq = rq;
  }

  /** The receive area (payload bytes of ZCRX completions live here). */
  get area(): ArrayBuffer {
    if (!this.#area) {
      throw new UringError("zcrx area", -Errno.EBADF, "uring: ZcrxIfq closed");
    }
    return this.#area.buffer;
  }

  /**
   * Releases the mappings. The kernel keeps the ifq registered until the
   * ring itself is closed, so call this after closing the ring.
   */
  close(): void {
    this.#area?.close();
    this.#rq?.close();
    this.#area = this.#rq = null;
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
  try {
    return Number(
      Deno.readTextFileSync(`/sys/class/net/${cfg.ifName}/ifindex`).trim(),
    );
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UringError(
        "register zcrx ifq",
        -Errno.ENODEV,
        `uring: register zcrx ifq: no interface ${cfg.ifName}`,
      );
    }
    throw e;
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
 * using ring = new Uring({ entries: 8 });
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
  if (!Number.isInteger(chunk) || chunk < 0 || (chunk && chunk % PAGE)) {
    throw new RangeError("registerZcrxIfq: chunkSize must be a page multiple");
  }
  const ifIndex = ifIndexOf(config);
  // Refill ring: a header page then rqEntries 16-byte entries.
  const rqBytes = PAGE + Math.ceil((rqEntries * 16) / PAGE) * PAGE;
  const area = Mapping.anonymous(areaSize);
  let rq: Mapping | null = null;
  try {
    rq = Mapping.anonymous(rqBytes);
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
            "ZCRX-capable NIC and a CQE32 + DEFER_TASKRUN ring)",
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
    return new ZcrxIfq(d.getUint32(64, true), offsets, rqEntries, area, rq);
  } catch (e) {
    rq?.close();
    area.close();
    throw e;
  }
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
const SOL_SOCKET = 1;
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
