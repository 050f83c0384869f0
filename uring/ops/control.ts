// Control operations: timeouts, cancellation, poll, epoll, futex, waitid,
// ring messages, fixed-fd install, file updates and passthrough commands.

import { IOSQE } from "../../zcall/constants.ts";
import { IORING_OP } from "../../zcall/constants.ts";
import { unsafeAddressOf, viewByteLength } from "../../zcall/memory.ts";
import { SQEContext } from "../context.ts";
import {
  prepCancel,
  prepCancelFd,
  prepCancelOp,
  prepEpollWait,
  prepFilesUpdate,
  prepFixedFdInstall,
  prepFutexWait,
  prepFutexWaitv,
  prepFutexWake,
  prepLinkTimeout,
  prepMsgRing,
  prepMsgRingFd,
  prepNop128,
  prepPollAdd,
  prepPollRemove,
  prepPollUpdate,
  prepSocketCmd,
  prepTimeout,
  prepTimeoutRemove,
  prepTimeoutUpdate,
  prepUringCmd,
  prepUringCmd128,
  prepWaitid,
} from "../sqe/control.ts";
import {
  clearSqeFlags,
  IORING_ASYNC_CANCEL,
  IORING_MSG,
  IORING_POLL,
  IORING_TIMEOUT,
  setSqeCmd,
} from "../sqe/layout.ts";
import { checkInt32, checkMs, checkU32, checkWord32 } from "../_validate.ts";
import type { RingCore } from "../core/registration.ts";
import type { SocketCmdFields, SQEOptions, TimeoutOptions } from "./options.ts";
import { FUTEX2_U32_PRIVATE } from "../_constants.ts";

export function nop128(r: RingCore, ctx: SQEContext, o?: SQEOptions): boolean {
  r._need128("nop128", IORING_OP.NOP128);
  const i = r._claimFor("nop128", ctx, o);
  if (i < 0) return false;
  prepNop128(r._sqe, i);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

// The duration of a timeout-class op: the argument, else o.duration (both
// given: they must agree).
function durationOf(
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

export function timeout(
  r: RingCore,
  ctx: SQEContext,
  duration: number | undefined,
  o?: TimeoutOptions,
): boolean {
  const ms = durationOf("timeout", duration, o);
  const count = o?.count ?? 0;
  checkU32("timeout count", count);
  const i = r._claimFor("timeout", ctx, o);
  if (i < 0) return false;
  prepTimeout(r._sqe, i, r._ts(i, ms), count, o?.timeoutFlags ?? 0);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function timeoutRemove(
  r: RingCore,
  ctx: SQEContext,
  target: SQEContext,
  o?: TimeoutOptions,
): boolean {
  const i = r._claimFor("timeoutRemove", ctx, o);
  if (i < 0) return false;
  const t = r._targetUserData(target, IORING_OP.TIMEOUT);
  prepTimeoutRemove(r._sqe, i, t, target.hi, o?.timeoutFlags ?? 0);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function timeoutUpdate(
  r: RingCore,
  ctx: SQEContext,
  target: SQEContext,
  duration: number | undefined,
  absolute = false,
  o?: TimeoutOptions,
): boolean {
  const ms = durationOf("timeoutUpdate", duration, o);
  const i = r._claimFor("timeoutUpdate", ctx, o);
  if (i < 0) return false;
  const t = r._targetUserData(target, IORING_OP.TIMEOUT);
  const flags = (o?.timeoutFlags ?? 0) |
    (absolute ? IORING_TIMEOUT.ABS : 0);
  prepTimeoutUpdate(r._sqe, i, r._ts(i, ms), t, target.hi, flags);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function linkTimeout(
  r: RingCore,
  ctx: SQEContext,
  duration: number | undefined,
  o?: TimeoutOptions,
): boolean {
  const ms = durationOf("linkTimeout", duration, o);
  const i = r._claimFor("linkTimeout", ctx, o);
  if (i < 0) return false;
  prepLinkTimeout(r._sqe, i, r._ts(i, ms), o?.timeoutFlags ?? 0);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function asyncCancel(
  r: RingCore,
  ctx: SQEContext,
  target: SQEContext,
  o?: SQEOptions,
  cancelAll = false,
): boolean {
  if (!(target instanceof SQEContext)) {
    throw new TypeError("asyncCancel: target must be an SQEContext");
  }
  const i = r._claimFor("asyncCancel", ctx, o);
  if (i < 0) return false;
  const all = cancelAll ? IORING_ASYNC_CANCEL.ALL : 0;
  if (target.hi >>> 30 === 0 && (target.lo & 0xff) === 0) {
    // A bare fd context (op never set) names the fd's requests: the
    // submitted user_data carries an op the context does not know.
    const fixed = ((target.lo >>> 8) & IOSQE.FIXED_FILE) !== 0;
    prepCancelFd(
      r._sqe,
      i,
      r._fdOf(target),
      all | (fixed ? IORING_ASYNC_CANCEL.FD_FIXED : 0),
    );
    r._finish(i, ctx, o, undefined, undefined);
    clearSqeFlags(r._sqe, i, IOSQE.FIXED_FILE);
    return true;
  }
  // Otherwise the submitted user_data is the context itself (see
  // RingSubmission._finish).
  prepCancel(r._sqe, i, target.lo, target.hi, all);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function asyncCancelFD(
  r: RingCore,
  ctx: SQEContext,
  cancelAll = false,
  o?: SQEOptions,
): boolean {
  const i = r._claimFor("asyncCancelFD", ctx, o);
  if (i < 0) return false;
  let flags = cancelAll ? IORING_ASYNC_CANCEL.ALL : 0;
  if (((ctx.hi >>> 30 === 0 ? ctx.lo >>> 8 : 0) | (o?.flags ?? 0)) & 1) {
    flags |= IORING_ASYNC_CANCEL.FD_FIXED;
  }
  prepCancelFd(r._sqe, i, r._fdOf(ctx), flags);
  // FIXED_FILE travels in cancel_flags for cancel: keep it off the SQE.
  r._finish(i, ctx, o, undefined, undefined);
  clearSqeFlags(r._sqe, i, IOSQE.FIXED_FILE);
  return true;
}

export function asyncCancelOpcode(
  r: RingCore,
  ctx: SQEContext,
  opcode: number,
  cancelAll = false,
  o?: SQEOptions,
): boolean {
  if (!(Number.isInteger(opcode) && opcode >= 0 && opcode <= 255)) {
    throw new RangeError(`asyncCancelOpcode: bad opcode ${opcode}`);
  }
  const i = r._claimFor("asyncCancelOpcode", ctx, o);
  if (i < 0) return false;
  prepCancelOp(
    r._sqe,
    i,
    opcode,
    cancelAll ? IORING_ASYNC_CANCEL.ALL : 0,
  );
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function asyncCancelAny(
  r: RingCore,
  ctx: SQEContext,
  o?: SQEOptions,
): boolean {
  const i = r._claimFor("asyncCancelAny", ctx, o);
  if (i < 0) return false;
  prepCancel(r._sqe, i, 0, 0, IORING_ASYNC_CANCEL.ANY);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function asyncCancelAll(
  r: RingCore,
  ctx: SQEContext,
  o?: SQEOptions,
): boolean {
  const i = r._claimFor("asyncCancelAll", ctx, o);
  if (i < 0) return false;
  prepCancel(
    r._sqe,
    i,
    0,
    0,
    IORING_ASYNC_CANCEL.ANY | IORING_ASYNC_CANCEL.ALL,
  );
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function pollAdd(
  r: RingCore,
  ctx: SQEContext,
  events: number,
  o?: SQEOptions,
): boolean {
  return pollAddWith(r, "pollAdd", ctx, events, 0, o);
}

export function pollAddLevel(
  r: RingCore,
  ctx: SQEContext,
  events: number,
  o?: SQEOptions,
): boolean {
  return pollAddWith(r, "pollAddLevel", ctx, events, 0, o);
}

export function pollAddMultishot(
  r: RingCore,
  ctx: SQEContext,
  events: number,
  o?: SQEOptions,
): boolean {
  return pollAddWith(
    r,
    "pollAddMultishot",
    ctx,
    events,
    IORING_POLL.ADD_MULTI,
    o,
  );
}

export function pollAddMultishotLevel(
  r: RingCore,
  ctx: SQEContext,
  events: number,
  o?: SQEOptions,
): boolean {
  return pollAddWith(
    r,
    "pollAddMultishotLevel",
    ctx,
    events,
    IORING_POLL.ADD_MULTI | IORING_POLL.ADD_LEVEL,
    o,
  );
}

function pollAddWith(
  r: RingCore,
  where: string,
  ctx: SQEContext,
  events: number,
  pflags: number,
  o?: SQEOptions,
): boolean {
  checkU32(`${where} events`, events);
  const i = r._claimFor(where, ctx, o);
  if (i < 0) return false;
  prepPollAdd(r._sqe, i, r._fdOf(ctx), events, pflags);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function pollRemove(
  r: RingCore,
  ctx: SQEContext,
  target: SQEContext,
  o?: SQEOptions,
): boolean {
  const i = r._claimFor("pollRemove", ctx, o);
  if (i < 0) return false;
  prepPollRemove(
    r._sqe,
    i,
    r._targetUserData(target, IORING_OP.POLL_ADD),
    target.hi,
  );
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function pollUpdate(
  r: RingCore,
  ctx: SQEContext,
  target: SQEContext,
  newUserData: SQEContext,
  newEvents: number,
  updateFlags: number,
  o?: SQEOptions,
): boolean {
  checkU32("pollUpdate events", newEvents);
  checkU32("pollUpdate flags", updateFlags);
  const i = r._claimFor("pollUpdate", ctx, o);
  if (i < 0) return false;
  prepPollUpdate(
    r._sqe,
    i,
    r._targetUserData(target, IORING_OP.POLL_ADD),
    target.hi,
    // The kernel rejects a new user_data unless it is being updated.
    (updateFlags & IORING_POLL.UPDATE_USER_DATA) !== 0
      ? r._targetUserData(newUserData, IORING_OP.POLL_ADD)
      : 0,
    (updateFlags & IORING_POLL.UPDATE_USER_DATA) !== 0 ? newUserData.hi : 0,
    // Likewise new events (EINVAL otherwise).
    (updateFlags & IORING_POLL.UPDATE_EVENTS) !== 0 ? newEvents : 0,
    updateFlags,
  );
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function epollWait(
  r: RingCore,
  ctx: SQEContext,
  events: Uint8Array,
  maxEvents: number,
  timeout = 0,
  o?: SQEOptions,
): boolean {
  if (timeout !== 0) {
    throw new RangeError("epollWait: timeout must be 0 (use linkTimeout)");
  }
  if (
    !(events instanceof Uint8Array) ||
    !(Number.isInteger(maxEvents) && maxEvents >= 1 &&
      maxEvents * 12 <= viewByteLength(events))
  ) {
    throw new RangeError(
      "epollWait: events must hold maxEvents 12-byte epoll_event entries",
    );
  }
  const i = r._claimFor("epollWait", ctx, o);
  if (i < 0) return false;
  prepEpollWait(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(events),
    maxEvents,
    0,
  );
  r._finish(i, ctx, o, events, undefined);
  return true;
}

function futexWord(
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

export function futexWait(
  r: RingCore,
  ctx: SQEContext,
  word: Uint32Array | Int32Array,
  index: number,
  val: number,
  mask = 0xffffffff,
  futexFlags: number = FUTEX2_U32_PRIVATE,
  o?: SQEOptions,
): boolean {
  const a = futexWord("futexWait", word, index);
  checkWord32("futexWait val", val);
  checkWord32("futexWait mask", mask);
  checkU32("futexWait futexFlags", futexFlags);
  const i = r._claimFor("futexWait", ctx, o);
  if (i < 0) return false;
  prepFutexWait(
    r._sqe,
    i,
    a,
    val >>> 0,
    0,
    mask >>> 0,
    0,
    futexFlags,
    0,
  );
  r._finish(i, ctx, o, word, undefined);
  return true;
}

export function futexWake(
  r: RingCore,
  ctx: SQEContext,
  word: Uint32Array | Int32Array,
  index: number,
  count: number,
  mask = 0xffffffff,
  futexFlags: number = FUTEX2_U32_PRIVATE,
  o?: SQEOptions,
): boolean {
  const a = futexWord("futexWake", word, index);
  checkU32("futexWake count", count);
  checkWord32("futexWake mask", mask);
  checkU32("futexWake futexFlags", futexFlags);
  const i = r._claimFor("futexWake", ctx, o);
  if (i < 0) return false;
  prepFutexWake(r._sqe, i, a, count, 0, mask >>> 0, 0, futexFlags, 0);
  r._finish(i, ctx, o, word, undefined);
  return true;
}

export function futexWaitV(
  r: RingCore,
  ctx: SQEContext,
  waitv: Uint8Array,
  count: number,
  keep?: unknown,
  o?: SQEOptions,
): boolean {
  if (
    !(waitv instanceof Uint8Array) ||
    !(Number.isInteger(count) && count >= 1 && count <= 128 &&
      count * 24 <= viewByteLength(waitv))
  ) {
    throw new RangeError(
      "futexWaitV: waitv must hold 1..128 24-byte entries",
    );
  }
  const i = r._claimFor("futexWaitV", ctx, o);
  if (i < 0) return false;
  prepFutexWaitv(r._sqe, i, unsafeAddressOf(waitv), count, 0);
  r._finish(i, ctx, o, waitv, keep);
  return true;
}

export function waitid(
  r: RingCore,
  ctx: SQEContext,
  idtype: number,
  id: number,
  infop: Uint8Array,
  options: number,
  o?: SQEOptions,
): boolean {
  checkInt32("waitid idtype", idtype);
  checkInt32("waitid id", id);
  checkInt32("waitid options", options);
  if (!(infop instanceof Uint8Array) || viewByteLength(infop) < 128) {
    throw new RangeError(
      "waitid: infop must be a Uint8Array of at least 128 bytes",
    );
  }
  const i = r._claimFor("waitid", ctx, o);
  if (i < 0) return false;
  prepWaitid(r._sqe, i, idtype, id, unsafeAddressOf(infop), options, 0);
  r._finish(i, ctx, o, infop, undefined);
  return true;
}

export function msgRing(
  r: RingCore,
  ctx: SQEContext,
  userData: SQEContext,
  result: number,
  o?: SQEOptions,
): boolean {
  if (!(userData instanceof SQEContext)) {
    throw new TypeError("msgRing: userData must be an SQEContext");
  }
  checkInt32("msgRing result", result);
  const i = r._claimFor("msgRing", ctx, o);
  if (i < 0) return false;
  prepMsgRing(
    r._sqe,
    i,
    r._fdOf(ctx),
    result >>> 0,
    userData.lo,
    userData.hi,
    0,
  );
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function msgRingFD(
  r: RingCore,
  ctx: SQEContext,
  srcIndex: number,
  dstIndex: number,
  userData: SQEContext,
  skipCQE = false,
  o?: SQEOptions,
): boolean {
  checkU32("msgRingFD srcIndex", srcIndex);
  checkU32("msgRingFD dstIndex", dstIndex);
  const i = r._claimFor("msgRingFD", ctx, o);
  if (i < 0) return false;
  prepMsgRingFd(
    r._sqe,
    i,
    r._fdOf(ctx),
    srcIndex,
    dstIndex,
    userData.lo,
    userData.hi,
    skipCQE ? IORING_MSG.RING_CQE_SKIP : 0,
  );
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function fixedFdInstall(
  r: RingCore,
  ctx: SQEContext,
  fixedIndex: number,
  flags = 0,
  o?: SQEOptions,
): boolean {
  checkU32("fixedFdInstall index", fixedIndex);
  checkU32("fixedFdInstall flags", flags);
  const i = r._claimFor("fixedFdInstall", ctx, o);
  if (i < 0) return false;
  prepFixedFdInstall(r._sqe, i, fixedIndex, flags);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function filesUpdate(
  r: RingCore,
  ctx: SQEContext,
  fds: Int32Array,
  offset: number,
  o?: SQEOptions,
): boolean {
  if (!(fds instanceof Int32Array) || fds.length === 0) {
    throw new TypeError("filesUpdate: fds must be a non-empty Int32Array");
  }
  checkWord32("filesUpdate offset", offset);
  const i = r._claimFor("filesUpdate", ctx, o);
  if (i < 0) return false;
  prepFilesUpdate(
    r._sqe,
    i,
    unsafeAddressOf(fds),
    fds.length,
    offset >>> 0,
  );
  r._finish(i, ctx, o, fds, undefined);
  return true;
}

export function uringCmd(
  r: RingCore,
  ctx: SQEContext,
  cmdOp: number,
  cmdData?: Uint8Array | SocketCmdFields,
  o?: SQEOptions,
): boolean {
  if (
    cmdData !== undefined && !(cmdData instanceof Uint8Array)
  ) return socketCmd(r, "uringCmd", ctx, cmdOp, cmdData, o);
  return cmd(r, "uringCmd", false, ctx, cmdOp, cmdData, o);
}

export function socketCmd(
  r: RingCore,
  where: string,
  ctx: SQEContext,
  cmdOp: number,
  f: SocketCmdFields,
  o?: SQEOptions,
): boolean {
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
  const i = r._claimFor(where, ctx, o);
  if (i < 0) return false;
  prepSocketCmd(
    r._sqe,
    i,
    cmdOp,
    r._fdOf(ctx),
    f.level,
    f.optname,
    f.optval.byteLength === 0 ? 0 : unsafeAddressOf(f.optval),
    len,
  );
  r._finish(i, ctx, o, f.optval, undefined);
  return true;
}

export function uringCmd128(
  r: RingCore,
  ctx: SQEContext,
  cmdOp: number,
  cmdData?: Uint8Array,
  o?: SQEOptions,
): boolean {
  r._need128("uringCmd128", IORING_OP.URING_CMD128);
  return cmd(r, "uringCmd128", true, ctx, cmdOp, cmdData, o);
}

function cmd(
  r: RingCore,
  where: string,
  big: boolean,
  ctx: SQEContext,
  cmdOp: number,
  data: Uint8Array | undefined,
  o?: SQEOptions,
): boolean {
  checkU32(`${where} cmdOp`, cmdOp);
  const room = big || r._stride === 32 ? 80 : 16;
  if (
    data !== undefined &&
    (!(data instanceof Uint8Array) || viewByteLength(data) > room)
  ) {
    throw new RangeError(
      `${where}: cmdData must be a Uint8Array of at most ${room} bytes`,
    );
  }
  const i = r._claimFor(where, ctx, o);
  if (i < 0) return false;
  if (big) prepUringCmd128(r._sqe, i, cmdOp, r._fdOf(ctx));
  else prepUringCmd(r._sqe, i, cmdOp, r._fdOf(ctx));
  if (data !== undefined) setSqeCmd(r._sqe, i, data);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}
