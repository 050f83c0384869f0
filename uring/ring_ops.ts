// The operation methods of a ring. UringOps adds the control operations
// (no-ops, timeouts, cancellation, poll, epoll, futex, waitid, ring
// messages, file-table updates, passthrough commands) to the file and
// socket operations it inherits (uring/ops/file.ts, uring/ops/socket.ts).
// Every method checks its arguments, then submits through the one generic
// path with its declaration (uring/ops/table.ts: name, opcode, prep).
// Uring extends this class with the ring's lifecycle, submission,
// completion and registration.

import { IORING_OP, IOSQE } from "../zcall/constants.ts";
import { unsafeAddressOf, viewByteLength } from "../zcall/memory.ts";
import { SQEContext } from "./context.ts";
import {
  IORING_ASYNC_CANCEL,
  IORING_MSG,
  IORING_POLL,
  IORING_TIMEOUT,
} from "./sqe/layout.ts";
import type { RingCore } from "./core/registration.ts";
import { OPS } from "./ops/table.ts";
import { checkCmdData, durationOf, futexAddress } from "./ops/_args.ts";
import { checkInt32, checkU32, checkWord32 } from "./_validate.ts";
import type {
  SocketCmdFields,
  SQEOptions,
  TimeoutOptions,
} from "./ops/options.ts";
import { FUTEX2_U32_PRIVATE } from "./_constants.ts";
import { FileOps } from "./ops/file.ts";
import { ringCore, submitSocketCmd } from "./ops/socket.ts";

export { ringCore } from "./ops/socket.ts";

// No object to keep alive.
const NONE = undefined;

/**
 * The operation methods every {@linkcode Uring} has: one per io_uring
 * operation (declared once in the operation table), each writing one SQE
 * straight into the submission queue and returning false when the queue is
 * full even after a flush (would-block as a value). Nothing reaches the
 * kernel until `submit()` or a wait. UringOps holds the control
 * operations and inherits the file ({@linkcode FileOps}) and socket
 * ({@linkcode SocketOps}) operations.
 *
 * @example
 * ```ts
 * import { CQEView, forFD, Uring, type UringOps } from "@kernio/kernio/uring";
 * const ring: UringOps = new Uring({ entries: 8 });
 * ring.nop(forFD(0)); // true
 * (ring as Uring).stop();
 * ```
 */
export abstract class UringOps extends FileOps {
  /** IORING_OP_NOP. */
  nop(ctx: SQEContext, o?: SQEOptions): boolean {
    const r = ringCore(this);
    return r.nop(ctx, o);
  }

  /**
   * IORING_OP_NOP128 (needs a ring with sqe128 and a kernel with the
   * opcode: NotSupportedError otherwise, probed before anything is queued).
   */
  nop128(ctx: SQEContext, o?: SQEOptions): boolean {
    const r = ringCore(this);
    r._need128("nop128", IORING_OP.NOP128);
    return r._submit(OPS.nop128, ctx, o, NONE, NONE);
  }

  /**
   * IORING_OP_TIMEOUT after `ms` milliseconds (or at absolute time `ms` with
   * o.timeoutFlags IORING_TIMEOUT.ABS), or after o.count completions.
   * `ms` undefined: o.duration. Completes with -ETIME when it fires.
   */
  timeout(
    ctx: SQEContext,
    ms: number | undefined,
    o?: TimeoutOptions,
  ): boolean {
    const r = ringCore(this);
    const dur = durationOf("timeout", ms, o);
    const count = o?.count ?? 0;
    checkU32("timeout count", count);
    const flags = o?.timeoutFlags ?? 0;
    return r._submit(OPS.timeout, ctx, o, NONE, NONE, dur, count, flags);
  }

  /**
   * IORING_OP_TIMEOUT_REMOVE of the timeout submitted with `target` (the
   * context it was submitted with; option flags do not matter).
   */
  timeoutRemove(
    ctx: SQEContext,
    target: SQEContext,
    o?: TimeoutOptions,
  ): boolean {
    const r = ringCore(this);
    const t = r._targetUserData(target, IORING_OP.TIMEOUT);
    const flags = o?.timeoutFlags ?? 0;
    const d = OPS.timeoutRemove;
    return r._submit(d, ctx, o, NONE, NONE, t, target.hi, flags);
  }

  /**
   * Re-arms the timeout submitted with `target` to `ms` (absolute if
   * `absolute`; undefined: o.duration).
   *
   * @param ctx The submission context: its fd is the target, and it comes back as the CQE's user_data.
   * @param target The context the timeout was submitted with.
   * @param ms The new timeout in milliseconds.
   * @param absolute `ms` is an absolute CLOCK_MONOTONIC time.
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  timeoutUpdate(
    ctx: SQEContext,
    target: SQEContext,
    ms: number | undefined,
    absolute = false,
    o?: TimeoutOptions,
  ): boolean {
    const r = ringCore(this);
    const dur = durationOf("timeoutUpdate", ms, o);
    const t = r._targetUserData(target, IORING_OP.TIMEOUT);
    const flags = (o?.timeoutFlags ?? 0) | (absolute ? IORING_TIMEOUT.ABS : 0);
    const d = OPS.timeoutUpdate;
    return r._submit(d, ctx, o, NONE, NONE, dur, t, target.hi, flags);
  }

  /**
   * IORING_OP_LINK_TIMEOUT: a deadline for the previous SQE, which must
   * carry IOSQE_IO_LINK. Exactly one of the two completes normally. `ms`
   * undefined: o.duration.
   */
  linkTimeout(
    ctx: SQEContext,
    ms: number | undefined,
    o?: TimeoutOptions,
  ): boolean {
    const r = ringCore(this);
    const dur = durationOf("linkTimeout", ms, o);
    const flags = o?.timeoutFlags ?? 0;
    return r._submit(OPS.linkTimeout, ctx, o, NONE, NONE, dur, flags);
  }

  /**
   * IORING_OP_ASYNC_CANCEL of the request submitted with context `target`
   * (whatever option flags it was submitted with). A bare fd context (op
   * never set, like `forFD(fd)`) names the requests on that fd: the first
   * one, or all with `cancelAll`.
   */
  asyncCancel(
    ctx: SQEContext,
    target: SQEContext,
    o?: SQEOptions,
    cancelAll = false,
  ): boolean {
    if (!(target instanceof SQEContext)) {
      throw new TypeError("asyncCancel: target must be an SQEContext");
    }
    const r = ringCore(this);
    const all = cancelAll ? IORING_ASYNC_CANCEL.ALL : 0;
    if (target.hi >>> 30 === 0 && (target.lo & 0xff) === 0) {
      // A bare fd context (op never set) names the fd's requests: the
      // submitted user_data carries an op the context does not know.
      const fixed = ((target.lo >>> 8) & IOSQE.FIXED_FILE) !== 0;
      const flags = all | (fixed ? IORING_ASYNC_CANCEL.FD_FIXED : 0);
      const d = OPS.asyncCancelTargetFD;
      return r._submit(d, ctx, o, NONE, NONE, r._fdOf(target), flags);
    }
    // Otherwise the submitted user_data is the context itself (see
    // RingSubmission._finish).
    const d = OPS.asyncCancel;
    return r._submit(d, ctx, o, NONE, NONE, target.lo, target.hi, all);
  }

  /** Cancels requests on ctx's fd (all of them if `cancelAll`; res = count). */
  asyncCancelFD(ctx: SQEContext, cancelAll = false, o?: SQEOptions): boolean {
    const r = ringCore(this);
    const fd = r._fdFor("asyncCancelFD", ctx);
    let flags = cancelAll ? IORING_ASYNC_CANCEL.ALL : 0;
    // FIXED_FILE travels in the cancel flags: the declaration keeps it off
    // the SQE.
    if (((ctx.hi >>> 30 === 0 ? ctx.lo >>> 8 : 0) | (o?.flags ?? 0)) & 1) {
      flags |= IORING_ASYNC_CANCEL.FD_FIXED;
    }
    const d = OPS.asyncCancelFD;
    return r._submit(d, ctx, o, NONE, NONE, fd, flags);
  }

  /** Cancels requests with opcode `opcode` (all if `cancelAll`). */
  asyncCancelOpcode(
    ctx: SQEContext,
    opcode: number,
    cancelAll = false,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    if (!(Number.isInteger(opcode) && opcode >= 0 && opcode <= 255)) {
      throw new RangeError(`asyncCancelOpcode: bad opcode ${opcode}`);
    }
    const flags = cancelAll ? IORING_ASYNC_CANCEL.ALL : 0;
    const d = OPS.asyncCancelOpcode;
    return r._submit(d, ctx, o, NONE, NONE, opcode, flags);
  }

  /**
   * Cancels pending requests matching anything (IORING_ASYNC_CANCEL_ANY).
   * The kernel treats ANY like ALL: res is the number cancelled, or
   * -ENOENT when nothing was pending.
   */
  asyncCancelAny(ctx: SQEContext, o?: SQEOptions): boolean {
    const r = ringCore(this);
    const flags = IORING_ASYNC_CANCEL.ANY;
    const d = OPS.asyncCancelAny;
    return r._submit(d, ctx, o, NONE, NONE, 0, 0, flags);
  }

  /** Cancels every pending request (res = count). */
  asyncCancelAll(ctx: SQEContext, o?: SQEOptions): boolean {
    const r = ringCore(this);
    const flags = IORING_ASYNC_CANCEL.ANY | IORING_ASYNC_CANCEL.ALL;
    const d = OPS.asyncCancelAll;
    return r._submit(d, ctx, o, NONE, NONE, 0, 0, flags);
  }

  /** IORING_OP_POLL_ADD (one shot) on ctx's fd. */
  pollAdd(ctx: SQEContext, events: number, o?: SQEOptions): boolean {
    return pollAdd(ringCore(this), OPS.pollAdd, ctx, events, 0, o);
  }

  /**
   * Level-triggered one-shot poll. A one-shot poll already reports a
   * condition that holds when it is armed (level semantics), and Linux
   * (6.18 included) rejects IORING_POLL_ADD_LEVEL on POLL_ADD with EINVAL,
   * so this submits a plain one-shot poll.
   */
  pollAddLevel(ctx: SQEContext, events: number, o?: SQEOptions): boolean {
    return pollAdd(ringCore(this), OPS.pollAddLevel, ctx, events, 0, o);
  }

  /** Multishot poll: one CQE per event with IORING_CQE_F_MORE until cancelled. */
  pollAddMultishot(ctx: SQEContext, events: number, o?: SQEOptions): boolean {
    return pollAdd(
      ringCore(this),
      OPS.pollAddMultishot,
      ctx,
      events,
      IORING_POLL.ADD_MULTI,
      o,
    );
  }

  /**
   * Multishot level-triggered poll (ADD_MULTI | ADD_LEVEL). Kernels that do
   * not accept IORING_POLL_ADD_LEVEL complete it with -EINVAL.
   */
  pollAddMultishotLevel(
    ctx: SQEContext,
    events: number,
    o?: SQEOptions,
  ): boolean {
    return pollAdd(
      ringCore(this),
      OPS.pollAddMultishotLevel,
      ctx,
      events,
      POLL_MULTI_LEVEL,
      o,
    );
  }

  /** IORING_OP_POLL_REMOVE of the poll submitted with `target`. */
  pollRemove(ctx: SQEContext, target: SQEContext, o?: SQEOptions): boolean {
    const r = ringCore(this);
    const t = r._targetUserData(target, IORING_OP.POLL_ADD);
    const d = OPS.pollRemove;
    return r._submit(d, ctx, o, NONE, NONE, t, target.hi);
  }

  /**
   * Updates the poll submitted with `target`: new events and/or user_data
   * (updateFlags: IORING_POLL.UPDATE_EVENTS | UPDATE_USER_DATA | ADD_MULTI).
   *
   * @param ctx The submission context: its fd is the target, and it comes back as the CQE's user_data.
   * @param target The context the poll was submitted with.
   * @param newUserData Its new user_data (with IORING_POLL.UPDATE_USER_DATA).
   * @param newEvents Its new event mask (with IORING_POLL.UPDATE_EVENTS).
   * @param updateFlags IORING_POLL.UPDATE_EVENTS | UPDATE_USER_DATA | ADD_MULTI.
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  pollUpdate(
    ctx: SQEContext,
    target: SQEContext,
    newUserData: SQEContext,
    newEvents: number,
    updateFlags: number,
    o?: SQEOptions,
  ): boolean {
    checkU32("pollUpdate events", newEvents);
    checkU32("pollUpdate flags", updateFlags);
    const r = ringCore(this);
    const t = r._targetUserData(target, IORING_OP.POLL_ADD);
    // The kernel rejects a new user_data unless it is being updated, and
    // likewise new events (EINVAL otherwise).
    const newUd = (updateFlags & IORING_POLL.UPDATE_USER_DATA) !== 0;
    const lo = newUd ? r._targetUserData(newUserData, IORING_OP.POLL_ADD) : 0;
    const hi = newUd ? newUserData.hi : 0;
    const ev = (updateFlags & IORING_POLL.UPDATE_EVENTS) !== 0 ? newEvents : 0;
    const d = OPS.pollUpdate;
    return r._submit(
      d,
      ctx,
      o,
      NONE,
      NONE,
      t,
      target.hi,
      lo,
      hi,
      ev,
      updateFlags,
    );
  }

  /**
   * IORING_OP_EPOLL_WAIT on the epoll fd in ctx into a zcall EpollEvents
   * buffer (`events.bytes`, `maxEvents`). Timeout must stay 0: use
   * linkTimeout for a deadline.
   *
   * @param ctx Context whose fd is the epoll fd.
   * @param events Receives up to maxEvents 12-byte epoll_event entries.
   * @param maxEvents Capacity of `events` in entries.
   * @param timeout Must be 0 (use linkTimeout for a deadline).
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  epollWait(
    ctx: SQEContext,
    events: Uint8Array,
    maxEvents: number,
    timeout = 0,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
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
    const fd = r._fdFor("epollWait", ctx);
    const a = unsafeAddressOf(events);
    const d = OPS.epollWait;
    return r._submit(d, ctx, o, events, NONE, fd, a, maxEvents, 0);
  }

  /**
   * IORING_OP_FUTEX_WAIT on `word[index]` while it equals `val` (32-bit
   * futex2 by default: futexFlags FUTEX2.SIZE_U32 | PRIVATE). The array may
   * be over a SharedArrayBuffer or a Mapping.
   *
   * @param ctx The submission context: its fd is the target, and it comes back as the CQE's user_data.
   * @param word The array holding the futex word.
   * @param index Index of the futex word in `word`.
   * @param val Sleep only while the word equals this (int32 or u32).
   * @param mask Wake bitmask (default: any waker).
   * @param futexFlags FUTEX2_* flags (default: 32-bit, process-private).
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  futexWait(
    ctx: SQEContext,
    word: Uint32Array | Int32Array,
    index: number,
    val: number,
    mask = 0xffffffff,
    futexFlags: number = FUTEX2_U32_PRIVATE,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    const a = futexAddress("futexWait", word, index);
    checkWord32("futexWait val", val);
    checkWord32("futexWait mask", mask);
    checkU32("futexWait futexFlags", futexFlags);
    const v = val >>> 0;
    const m = mask >>> 0;
    const d = OPS.futexWait;
    return r._submit(d, ctx, o, word, NONE, a, v, 0, m, 0, futexFlags, 0);
  }

  /**
   * IORING_OP_FUTEX_WAKE: wakes up to `count` waiters of `word[index]` (res = woken).
   *
   * @param ctx The submission context: its fd is the target, and it comes back as the CQE's user_data.
   * @param word The array holding the futex word.
   * @param index Index of the futex word in `word`.
   * @param count Most waiters to wake.
   * @param mask Wake bitmask (default: any waiter).
   * @param futexFlags FUTEX2_* flags (default: 32-bit, process-private).
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  futexWake(
    ctx: SQEContext,
    word: Uint32Array | Int32Array,
    index: number,
    count: number,
    mask = 0xffffffff,
    futexFlags: number = FUTEX2_U32_PRIVATE,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    const a = futexAddress("futexWake", word, index);
    checkU32("futexWake count", count);
    checkWord32("futexWake mask", mask);
    checkU32("futexWake futexFlags", futexFlags);
    const m = mask >>> 0;
    const d = OPS.futexWake;
    return r._submit(d, ctx, o, word, NONE, a, count, 0, m, 0, futexFlags, 0);
  }

  /**
   * IORING_OP_FUTEX_WAITV over a struct futex_waitv array (`waitv`, 24
   * bytes per entry: u64 val, u64 uaddr, u32 flags, u32 reserved). res =
   * index of the woken futex. `keep` holds the futex words alive.
   */
  futexWaitV(
    ctx: SQEContext,
    waitv: Uint8Array,
    count: number,
    keep?: unknown,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    if (
      !(waitv instanceof Uint8Array) ||
      !(Number.isInteger(count) && count >= 1 && count <= 128 &&
        count * 24 <= viewByteLength(waitv))
    ) {
      throw new RangeError(
        "futexWaitV: waitv must hold 1..128 24-byte entries",
      );
    }
    const a = unsafeAddressOf(waitv);
    return r._submit(OPS.futexWaitV, ctx, o, waitv, keep, a, count, 0);
  }

  /**
   * IORING_OP_WAITID (idtype P_PID 1 / P_PGID 2 / P_ALL 0) into a 128-byte siginfo.
   *
   * @param ctx The submission context: its fd is the target, and it comes back as the CQE's user_data.
   * @param idtype P_PID (1), P_PGID (2) or P_ALL (0).
   * @param id The process or group id (ignored for P_ALL).
   * @param infop At least 128 bytes; receives the siginfo_t.
   * @param options WEXITED and friends.
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  waitid(
    ctx: SQEContext,
    idtype: number,
    id: number,
    infop: Uint8Array,
    options: number,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    checkInt32("waitid idtype", idtype);
    checkInt32("waitid id", id);
    checkInt32("waitid options", options);
    if (!(infop instanceof Uint8Array) || viewByteLength(infop) < 128) {
      throw new RangeError(
        "waitid: infop must be a Uint8Array of at least 128 bytes",
      );
    }
    const a = unsafeAddressOf(infop);
    const d = OPS.waitid;
    return r._submit(d, ctx, o, infop, NONE, idtype, id, a, options, 0);
  }

  /**
   * IORING_OP_MSG_RING: posts a CQE with res=`result` and user_data =
   * `userData` on the ring whose fd is in ctx.
   *
   * @param ctx Context whose fd is the target ring's fd.
   * @param userData The user_data of the CQE posted on the target ring.
   * @param result The res of that CQE.
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  msgRing(
    ctx: SQEContext,
    userData: SQEContext,
    result: number,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    if (!(userData instanceof SQEContext)) {
      throw new TypeError("msgRing: userData must be an SQEContext");
    }
    checkInt32("msgRing result", result);
    const fd = r._fdFor("msgRing", ctx);
    const { lo, hi } = userData;
    const d = OPS.msgRing;
    return r._submit(d, ctx, o, NONE, NONE, fd, result >>> 0, lo, hi, 0);
  }

  /**
   * IORING_OP_MSG_RING (SEND_FD): installs our fixed file `srcIndex` into
   * the target ring's slot `dstIndex` (or ALLOC); `skipCQE` posts nothing
   * on the target.
   *
   * @param ctx Context whose fd is the target ring's fd.
   * @param srcIndex Our registered file slot to send.
   * @param dstIndex Slot on the target ring (IORING_FILE_INDEX_ALLOC: its choice).
   * @param userData The user_data of the CQE posted on the target ring.
   * @param skipCQE Post nothing on the target ring.
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  msgRingFD(
    ctx: SQEContext,
    srcIndex: number,
    dstIndex: number,
    userData: SQEContext,
    skipCQE = false,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    checkU32("msgRingFD srcIndex", srcIndex);
    checkU32("msgRingFD dstIndex", dstIndex);
    if (!(userData instanceof SQEContext)) {
      throw new TypeError("msgRingFD: userData must be an SQEContext");
    }
    const fd = r._fdFor("msgRingFD", ctx);
    const { lo, hi } = userData;
    const flags = skipCQE ? IORING_MSG.RING_CQE_SKIP : 0;
    const d = OPS.msgRingFD;
    return r._submit(
      d,
      ctx,
      o,
      NONE,
      NONE,
      fd,
      srcIndex,
      dstIndex,
      lo,
      hi,
      flags,
    );
  }

  /** IORING_OP_FIXED_FD_INSTALL: registered slot `fixedIndex` into a normal fd (res). */
  fixedFdInstall(
    ctx: SQEContext,
    fixedIndex: number,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    checkU32("fixedFdInstall index", fixedIndex);
    checkU32("fixedFdInstall flags", flags);
    const d = OPS.fixedFdInstall;
    return r._submit(d, ctx, o, NONE, NONE, fixedIndex, flags);
  }

  /**
   * IORING_OP_FILES_UPDATE: replaces registered slots from `offset` with
   * `fds` (-1 clears; IORING_FILE_INDEX_ALLOC offset allocates and writes
   * the chosen slots back into `fds`).
   */
  filesUpdate(
    ctx: SQEContext,
    fds: Int32Array,
    offset: number,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    if (!(fds instanceof Int32Array) || fds.length === 0) {
      throw new TypeError("filesUpdate: fds must be a non-empty Int32Array");
    }
    checkWord32("filesUpdate offset", offset);
    const a = unsafeAddressOf(fds);
    const off = offset >>> 0;
    const d = OPS.filesUpdate;
    return r._submit(d, ctx, o, fds, NONE, a, fds.length, off);
  }

  /**
   * IORING_OP_URING_CMD with `cmdOp` on ctx's fd: up to 16 bytes of
   * `cmdData` copied inline into the SQE command area (80 on sqe128
   * rings), or, for the socket commands (SOCKET_URING_OP.GETSOCKOPT /
   * SETSOCKOPT), the option fields `{ level, optname, optval, optlen? }`.
   */
  uringCmd(
    ctx: SQEContext,
    cmdOp: number,
    cmdData?: Uint8Array | SocketCmdFields,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    if (cmdData !== undefined && !(cmdData instanceof Uint8Array)) {
      return submitSocketCmd(r, OPS.uringCmdSocket, ctx, cmdOp, cmdData, o);
    }
    checkCmdData("uringCmd", cmdOp, cmdData, r._stride === 32 ? 80 : 16);
    const fd = r._fdFor("uringCmd", ctx);
    return r._submit(OPS.uringCmd, ctx, o, NONE, NONE, cmdOp, fd, cmdData);
  }

  /**
   * IORING_OP_URING_CMD128 (sqe128 rings): up to 80 inline command bytes.
   * Throws NotSupportedError when the kernel lacks the opcode (probed).
   */
  uringCmd128(
    ctx: SQEContext,
    cmdOp: number,
    cmdData?: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    r._need128("uringCmd128", IORING_OP.URING_CMD128);
    checkCmdData("uringCmd128", cmdOp, cmdData, 80);
    const fd = r._fdFor("uringCmd128", ctx);
    const d = OPS.uringCmd128;
    return r._submit(d, ctx, o, NONE, NONE, cmdOp, fd, cmdData);
  }
}

const POLL_MULTI_LEVEL = IORING_POLL.ADD_MULTI | IORING_POLL.ADD_LEVEL;

// The four one-shot/multishot poll forms: one prep, their poll flags.
function pollAdd(
  r: RingCore,
  d: typeof OPS.pollAdd,
  ctx: SQEContext,
  events: number,
  pollFlags: number,
  o: SQEOptions | undefined,
): boolean {
  checkU32(`${d.name} events`, events);
  const fd = r._fdFor(d.name, ctx);
  return r._submit(d, ctx, o, NONE, NONE, fd, events, pollFlags);
}
