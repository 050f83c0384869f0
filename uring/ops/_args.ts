// Argument checks shared by several operation methods (the ones used by a
// single method stay in it): each throws a clear error naming the method
// before a slot is claimed, and returns what the prep needs.

import { unsafeAddressOf, viewByteLength } from "../../zcall/memory.ts";
import { Iovecs } from "../../zcall/structs.ts";
import {
  isSharedBuffer,
  isU32Cell,
  isUnstableView,
  taBuffer,
} from "../../zcall/_views.ts";
import { addrOf } from "../_addr.ts";
import { checkBuf, checkInt32, checkMs, checkU32 } from "../_validate.ts";
import type { SocketCmdFields, TimeoutOptions } from "./options.ts";

/**
 * The peer address buffers of an accept: `peer` and its length cell, set
 * here to the engine's size of `peer`. Returns the address of `peer` (0:
 * none); the cell's address comes from {@linkcode peerLenAddress}.
 */
export function peerAddress(
  where: string,
  peer?: Uint8Array,
  peerLen?: Uint32Array,
): number {
  if (peer === undefined) return 0;
  // The kernel reads the length cell when the accept completes: a real
  // Uint32Array (4 bytes, whatever its prototype claims) in memory no
  // other thread can write.
  if (
    !(peer instanceof Uint8Array) || !isU32Cell(peerLen) ||
    isSharedBuffer(taBuffer(peerLen)) || isUnstableView(peerLen)
  ) {
    throw new TypeError(
      `${where}: peer needs a Uint8Array and a Uint32Array(1) length ` +
        "(not in shared memory)",
    );
  }
  checkBuf(where, peer);
  peerLen[0] = viewByteLength(peer);
  return addrOf(peer);
}

/** The address of an accept's length cell (0 without a peer buffer). */
export function peerLenAddress(
  peer?: Uint8Array,
  peerLen?: Uint32Array,
): number {
  return peer === undefined || peerLen === undefined
    ? 0
    : unsafeAddressOf(peerLen);
}

/**
 * The duration of a timeout-class operation: the argument, else
 * o.duration (both given: they must agree).
 */
export function durationOf(
  where: string,
  ms: number | undefined,
  o: TimeoutOptions | undefined,
): number {
  const d = o?.duration;
  if (ms !== undefined && d !== undefined && d !== ms) {
    throw new RangeError(
      `${where}: duration ${ms} and options.duration ${d} disagree`,
    );
  }
  const v = ms ?? d;
  if (v === undefined) {
    throw new RangeError(
      `${where}: a duration is required (argument or options.duration)`,
    );
  }
  checkMs(where, v);
  return v;
}

/** The address of futex word `word[index]`. */
export function futexAddress(
  where: string,
  word: Uint32Array | Int32Array,
  index: number,
): number {
  if (!(word instanceof Uint32Array || word instanceof Int32Array)) {
    throw new TypeError(
      `${where}: futex must be a Uint32Array or Int32Array`,
    );
  }
  if (!(Number.isInteger(index) && index >= 0 && index < word.length)) {
    throw new RangeError(`${where}: index ${index} out of range`);
  }
  return unsafeAddressOf(word) + index * 4;
}

/** Checks that every iovec of `iovs` lies inside registered buffer `b`. */
export function checkIovecsInside(
  where: string,
  iovs: Iovecs,
  b: Uint8Array,
  bufIndex: number,
): void {
  if (!(iovs instanceof Iovecs)) {
    throw new TypeError(`${where}: expected an Iovecs`);
  }
  const lo = unsafeAddressOf(b);
  const hi = lo + viewByteLength(b);
  for (let k = 0; k < iovs.count; k++) {
    const a = iovs.address(k);
    if (a < lo || a + iovs.length(k) > hi) {
      throw new RangeError(
        `${where}: iovec ${k} is not inside registered buffer ${bufIndex}`,
      );
    }
  }
}

/** Checks socket command fields; returns optlen. */
export function socketCmdLength(
  where: string,
  cmdOp: number,
  f: SocketCmdFields,
): number {
  checkU32(`${where} cmdOp`, cmdOp);
  if (f === null || typeof f !== "object") {
    throw new TypeError(
      `${where}: expected command bytes or { level, optname, optval }`,
    );
  }
  checkInt32(`${where} level`, f.level);
  checkInt32(`${where} optname`, f.optname);
  if (!(f.optval instanceof Uint8Array)) {
    throw new TypeError(`${where}: optval must be a Uint8Array`);
  }
  const len = f.optlen ?? f.optval.byteLength;
  if (!(Number.isInteger(len) && len >= 0 && len <= f.optval.byteLength)) {
    throw new RangeError(
      `${where}: optlen ${len} outside 0..${f.optval.byteLength}`,
    );
  }
  return len;
}

/** Checks inline command bytes against the `room` the SQE has. */
export function checkCmdData(
  where: string,
  cmdOp: number,
  data: Uint8Array | undefined,
  room: number,
): void {
  checkU32(`${where} cmdOp`, cmdOp);
  if (
    data !== undefined &&
    (!(data instanceof Uint8Array) || viewByteLength(data) > room)
  ) {
    throw new RangeError(
      `${where}: cmdData must be a Uint8Array of at most ${room} bytes`,
    );
  }
}

/** Checks a byte offset: a safe integer >= 0. */
export function checkOffset(where: string, offset: number): void {
  if (!(Number.isSafeInteger(offset) && offset >= 0)) {
    throw new RangeError(`${where}: bad offset ${offset}`);
  }
}
