// NAPI busy polling of a ring: registration (static or dynamic tracking),
// static ids, and a socket's NAPI id. Adding a socket's id needs a socket
// received through a real NIC queue (loopback and veth sockets have none,
// which napiAddSocket reports as NotSupportedError).

import { IORING_REGISTER } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";
import { getsockopt, ioUringRegister } from "../zcall/syscalls.ts";
import { NotSupportedError, uringError } from "./errors.ts";
import type { RingFdSource } from "./buffer_ring.ts";
import { SOL } from "../zcall/constants.ts";

import { ringFdOf } from "./_ring_fd.ts";
import { checkFd } from "./_validate.ts";

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
  checkFd("socketNapiId", sockFd);
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
