// One prep per control opcode: NOP, timeouts, cancellation, poll, epoll,
// futex, waitid, ring messages, fixed-fd install, file-table updates and
// passthrough commands.

import { IORING_OP, IOSQE } from "../../zcall/constants.ts";
import {
  IORING_ASYNC_CANCEL,
  IORING_MSG,
  IORING_TIMEOUT,
  prepRw,
  setSqeTargetFixedFile,
  SQE_WORD,
} from "./layout.ts";

// SQE word indices as module consts (V8 folds them).
const HEAD = SQE_WORD.HEAD;
const OFF_LO = SQE_WORD.OFF_LO;
const OFF_HI = SQE_WORD.OFF_HI;
const CMD_OP = SQE_WORD.CMD_OP;
const ADDR_LO = SQE_WORD.ADDR_LO;
const ADDR_HI = SQE_WORD.ADDR_HI;
const OP_FLAGS = SQE_WORD.OP_FLAGS;
const FILE_INDEX = SQE_WORD.FILE_INDEX;
const ADDR3_LO = SQE_WORD.ADDR3_LO;
const ADDR3_HI = SQE_WORD.ADDR3_HI;

/**
 * IORING_OP_NOP.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 *
 * @example
 * ```ts
 * import { prepNop } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepNop(w, 0);
 * ```
 */
export function prepNop(w: Uint32Array, i: number): void {
  prepRw(w, i, IORING_OP.NOP, -1, 0, 0, 0);
}

/**
 * IORING_OP_NOP128 (128-byte SQE: the second half is zeroed too).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 *
 * @example
 * ```ts
 * import { prepNop128 } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(32);
 * prepNop128(w, 0);
 * ```
 */
export function prepNop128(w: Uint32Array, i: number): void {
  prepRw(w, i, IORING_OP.NOP128, -1, 0, 0, 0);
  w.fill(0, i + 16, i + 32);
}

/**
 * IORING_OP_TIMEOUT (ts: address of a __kernel_timespec).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param ts Address of a struct __kernel_timespec.
 * @param count Completions after which the timeout fires (0: time only).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepTimeout } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepTimeout(w, 0, 0x1000, 0, 0);
 * ```
 */
export function prepTimeout(
  w: Uint32Array,
  i: number,
  ts: number,
  count: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.TIMEOUT, -1, ts, 1, count);
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_TIMEOUT_REMOVE of the timeout with user_data (lo, hi).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param udLo Low 32 bits of the target request's user_data.
 * @param udHi High 32 bits of the target request's user_data.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepTimeoutRemove } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepTimeoutRemove(w, 0, 0, 0, 0);
 * ```
 */
export function prepTimeoutRemove(
  w: Uint32Array,
  i: number,
  udLo: number,
  udHi: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.TIMEOUT_REMOVE, -1, 0, 0, 0);
  w[i + ADDR_LO] = udLo;
  w[i + ADDR_HI] = udHi;
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_TIMEOUT_REMOVE with IORING_TIMEOUT_UPDATE: new time in off.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param ts Address of a struct __kernel_timespec.
 * @param udLo Low 32 bits of the target request's user_data.
 * @param udHi High 32 bits of the target request's user_data.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepTimeoutUpdate } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepTimeoutUpdate(w, 0, 0x1000, 0, 0, 0);
 * ```
 */
export function prepTimeoutUpdate(
  w: Uint32Array,
  i: number,
  ts: number,
  udLo: number,
  udHi: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.TIMEOUT_REMOVE, -1, 0, 0, ts);
  w[i + ADDR_LO] = udLo;
  w[i + ADDR_HI] = udHi;
  w[i + OP_FLAGS] = flags | IORING_TIMEOUT.UPDATE;
}

/**
 * IORING_OP_LINK_TIMEOUT.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param ts Address of a struct __kernel_timespec.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepLinkTimeout } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepLinkTimeout(w, 0, 0x1000, 0);
 * ```
 */
export function prepLinkTimeout(
  w: Uint32Array,
  i: number,
  ts: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.LINK_TIMEOUT, -1, ts, 1, 0);
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_ASYNC_CANCEL matching user_data (lo, hi).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param udLo Low 32 bits of the target request's user_data.
 * @param udHi High 32 bits of the target request's user_data.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepCancel } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepCancel(w, 0, 0, 0, 0);
 * ```
 */
export function prepCancel(
  w: Uint32Array,
  i: number,
  udLo: number,
  udHi: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.ASYNC_CANCEL, -1, 0, 0, 0);
  w[i + ADDR_LO] = udLo;
  w[i + ADDR_HI] = udHi;
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_ASYNC_CANCEL matching a file descriptor.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepCancelFd } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepCancelFd(w, 0, 3, 0);
 * ```
 */
export function prepCancelFd(
  w: Uint32Array,
  i: number,
  fd: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.ASYNC_CANCEL, fd, 0, 0, 0);
  w[i + OP_FLAGS] = flags | IORING_ASYNC_CANCEL.FD;
}

/**
 * IORING_OP_ASYNC_CANCEL matching an opcode (in len).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param opcode IORING_OP_* of the requests to cancel.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepCancelOp } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepCancelOp(w, 0, 0, 0);
 * ```
 */
export function prepCancelOp(
  w: Uint32Array,
  i: number,
  opcode: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.ASYNC_CANCEL, -1, 0, opcode, 0);
  w[i + OP_FLAGS] = flags | IORING_ASYNC_CANCEL.OP;
}

/**
 * IORING_OP_POLL_ADD (pollFlags: IORING_POLL.ADD_MULTI / ADD_LEVEL in len).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param events Poll event mask (POLLIN, ...).
 * @param pollFlags IORING_POLL_* flags.
 *
 * @example
 * ```ts
 * import { prepPollAdd } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepPollAdd(w, 0, 3, 0x1000, 0);
 * ```
 */
export function prepPollAdd(
  w: Uint32Array,
  i: number,
  fd: number,
  events: number,
  pollFlags: number,
): void {
  prepRw(w, i, IORING_OP.POLL_ADD, fd, 0, pollFlags, 0);
  w[i + OP_FLAGS] = events;
}

/**
 * IORING_OP_POLL_REMOVE of the poll with user_data (lo, hi).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param udLo Low 32 bits of the target request's user_data.
 * @param udHi High 32 bits of the target request's user_data.
 *
 * @example
 * ```ts
 * import { prepPollRemove } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepPollRemove(w, 0, 0, 0);
 * ```
 */
export function prepPollRemove(
  w: Uint32Array,
  i: number,
  udLo: number,
  udHi: number,
): void {
  prepRw(w, i, IORING_OP.POLL_REMOVE, -1, 0, 0, 0);
  w[i + ADDR_LO] = udLo;
  w[i + ADDR_HI] = udHi;
}

/**
 * IORING_OP_POLL_REMOVE as an update: new user_data in off, flags in len.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param oldLo Low 32 bits of the target's user_data.
 * @param oldHi High 32 bits of the target's user_data.
 * @param newLo Low 32 bits of the new user_data.
 * @param newHi High 32 bits of the new user_data.
 * @param events Poll event mask (POLLIN, ...).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepPollUpdate } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepPollUpdate(w, 0, 0, 0, 0, 0, 0x1000, 0);
 * ```
 */
export function prepPollUpdate(
  w: Uint32Array,
  i: number,
  oldLo: number,
  oldHi: number,
  newLo: number,
  newHi: number,
  events: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.POLL_REMOVE, -1, 0, flags, 0);
  w[i + OFF_LO] = newLo;
  w[i + OFF_HI] = newHi;
  w[i + ADDR_LO] = oldLo;
  w[i + ADDR_HI] = oldHi;
  w[i + OP_FLAGS] = events;
}

/**
 * IORING_OP_EPOLL_WAIT into an epoll_event array.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param epfd The epoll fd.
 * @param events Poll event mask (POLLIN, ...).
 * @param maxEvents Capacity of the epoll_event array.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepEpollWait } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepEpollWait(w, 0, 3, 0x1000, 64, 0);
 * ```
 */
export function prepEpollWait(
  w: Uint32Array,
  i: number,
  epfd: number,
  events: number,
  maxEvents: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.EPOLL_WAIT, epfd, events, maxEvents, 0);
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_FUTEX_WAIT: futex2 flags in fd, value in off, mask in addr3
 * (each 64-bit as lo/hi halves).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param futex Address of the futex word.
 * @param valLo Low 32 bits of the expected value.
 * @param valHi High 32 bits of the expected value.
 * @param maskLo Low 32 bits of the wake mask.
 * @param maskHi High 32 bits of the wake mask.
 * @param futexFlags FUTEX2_* flags (size, PRIVATE).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepFutexWait } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepFutexWait(w, 0, 0x1000, 0, 0, 0, 0, 0, 0);
 * ```
 */
export function prepFutexWait(
  w: Uint32Array,
  i: number,
  futex: number,
  valLo: number,
  valHi: number,
  maskLo: number,
  maskHi: number,
  futexFlags: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.FUTEX_WAIT, futexFlags, futex, 0, 0);
  w[i + OFF_LO] = valLo;
  w[i + OFF_HI] = valHi;
  w[i + OP_FLAGS] = flags;
  w[i + ADDR3_LO] = maskLo;
  w[i + ADDR3_HI] = maskHi;
}

/**
 * IORING_OP_FUTEX_WAKE: wakes up to `val` waiters.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param futex Address of the futex word.
 * @param valLo Low 32 bits of the expected value.
 * @param valHi High 32 bits of the expected value.
 * @param maskLo Low 32 bits of the wake mask.
 * @param maskHi High 32 bits of the wake mask.
 * @param futexFlags FUTEX2_* flags (size, PRIVATE).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepFutexWake } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepFutexWake(w, 0, 0x1000, 0, 0, 0, 0, 0, 0);
 * ```
 */
export function prepFutexWake(
  w: Uint32Array,
  i: number,
  futex: number,
  valLo: number,
  valHi: number,
  maskLo: number,
  maskHi: number,
  futexFlags: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.FUTEX_WAKE, futexFlags, futex, 0, 0);
  w[i + OFF_LO] = valLo;
  w[i + OFF_HI] = valHi;
  w[i + OP_FLAGS] = flags;
  w[i + ADDR3_LO] = maskLo;
  w[i + ADDR3_HI] = maskHi;
}

/**
 * IORING_OP_FUTEX_WAITV over a struct futex_waitv array.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param waitv Address of the struct futex_waitv array.
 * @param nr Number of iovec entries.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepFutexWaitv } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepFutexWaitv(w, 0, 0x1000, 64, 0);
 * ```
 */
export function prepFutexWaitv(
  w: Uint32Array,
  i: number,
  waitv: number,
  nr: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.FUTEX_WAITV, 0, waitv, nr, 0);
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_WAITID: id in fd, idtype in len, infop in off, options in splice_fd_in.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param idtype P_PID, P_PGID or P_ALL.
 * @param id Process or group id.
 * @param infop Address of a 128-byte siginfo_t.
 * @param options WEXITED and friends.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepWaitid } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepWaitid(w, 0, 0, 0, 0x1000, 0, 0);
 * ```
 */
export function prepWaitid(
  w: Uint32Array,
  i: number,
  idtype: number,
  id: number,
  infop: number,
  options: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.WAITID, id, 0, idtype, infop);
  w[i + OP_FLAGS] = flags;
  w[i + FILE_INDEX] = options;
}

/**
 * IORING_OP_MSG_RING (IORING_MSG_DATA): posts (res=len, user_data=data) on ring `fd`.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param len Byte count.
 * @param dataLo Low 32 bits of the value to post.
 * @param dataHi High 32 bits of the value to post.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepMsgRing } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepMsgRing(w, 0, 3, 64, 0, 0, 0);
 * ```
 */
export function prepMsgRing(
  w: Uint32Array,
  i: number,
  fd: number,
  len: number,
  dataLo: number,
  dataHi: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.MSG_RING, fd, IORING_MSG.DATA, len, 0);
  w[i + OFF_LO] = dataLo;
  w[i + OFF_HI] = dataHi;
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_MSG_RING with CQE flags passed through (IORING_MSG_RING_FLAGS_PASS).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param len Byte count.
 * @param dataLo Low 32 bits of the value to post.
 * @param dataHi High 32 bits of the value to post.
 * @param flags The operation's flags word.
 * @param cqeFlags CQE flags to post on the target ring.
 *
 * @example
 * ```ts
 * import { prepMsgRingCqeFlags } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepMsgRingCqeFlags(w, 0, 3, 64, 0, 0, 0, 0);
 * ```
 */
export function prepMsgRingCqeFlags(
  w: Uint32Array,
  i: number,
  fd: number,
  len: number,
  dataLo: number,
  dataHi: number,
  flags: number,
  cqeFlags: number,
): void {
  prepMsgRing(
    w,
    i,
    fd,
    len,
    dataLo,
    dataHi,
    flags | IORING_MSG.RING_FLAGS_PASS,
  );
  w[i + FILE_INDEX] = cqeFlags;
}

/**
 * IORING_OP_MSG_RING (IORING_MSG_SEND_FD): installs our fixed file `srcIndex` in ring `fd`'s slot `dstIndex`.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param srcIndex Our fixed-file index to send.
 * @param dstIndex Slot on the target ring (IORING_FILE_INDEX_ALLOC: its choice).
 * @param dataLo Low 32 bits of the value to post.
 * @param dataHi High 32 bits of the value to post.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepMsgRingFd } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepMsgRingFd(w, 0, 3, 0, 0, 0, 0, 0);
 * ```
 */
export function prepMsgRingFd(
  w: Uint32Array,
  i: number,
  fd: number,
  srcIndex: number,
  dstIndex: number,
  dataLo: number,
  dataHi: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.MSG_RING, fd, IORING_MSG.SEND_FD, 0, 0);
  w[i + OFF_LO] = dataLo;
  w[i + OFF_HI] = dataHi;
  w[i + OP_FLAGS] = flags;
  w[i + ADDR3_LO] = srcIndex;
  setSqeTargetFixedFile(w, i, dstIndex);
}

/**
 * IORING_OP_FIXED_FD_INSTALL: fixed file `fileIndex` into the normal table.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fileIndex Direct descriptor slot (IORING_FILE_INDEX_ALLOC: the kernel picks).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepFixedFdInstall } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepFixedFdInstall(w, 0, 2, 0);
 * ```
 */
export function prepFixedFdInstall(
  w: Uint32Array,
  i: number,
  fileIndex: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.FIXED_FD_INSTALL, fileIndex, 0, 0, 0);
  w[i + HEAD] |= IOSQE.FIXED_FILE << 8;
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_FILES_UPDATE: `nr` s32 fds at `fds` into slots from `offset`.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fds Address of the int array.
 * @param nr Number of iovec entries.
 * @param offset Offset.
 *
 * @example
 * ```ts
 * import { prepFilesUpdate } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepFilesUpdate(w, 0, 0x1000, 64, 0);
 * ```
 */
export function prepFilesUpdate(
  w: Uint32Array,
  i: number,
  fds: number,
  nr: number,
  offset: number,
): void {
  prepRw(w, i, IORING_OP.FILES_UPDATE, -1, fds, nr, offset);
}

/**
 * IORING_OP_URING_CMD (cmd_op in the off word; command bytes follow at 48).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param cmdOp The command opcode (cmd_op).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 *
 * @example
 * ```ts
 * import { prepUringCmd } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepUringCmd(w, 0, 0, 3);
 * ```
 */
export function prepUringCmd(
  w: Uint32Array,
  i: number,
  cmdOp: number,
  fd: number,
): void {
  prepRw(w, i, IORING_OP.URING_CMD, fd, 0, 0, 0);
  w[i + CMD_OP] = cmdOp;
}

/**
 * A socket command (IORING_OP_URING_CMD on a socket, `cmdOp` one of
 * SOCKET_URING_OP) with its option fields: level and optname (where addr
 * lives), optlen (the file-index word) and optval's address (addr3).
 * GETSOCKOPT completes with the option length; SETSOCKOPT with 0.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param cmdOp The command opcode (cmd_op).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param level SOL_* level.
 * @param optname Option name.
 * @param optval Address of the option value.
 * @param optlen Length of the option value.
 *
 * @example
 * ```ts
 * import { prepSocketCmd, SOCKET_URING_OP } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepSocketCmd(w, 0, SOCKET_URING_OP.GETSOCKOPT, 5, 1, 8, 0x1000, 4);
 * ```
 */
export function prepSocketCmd(
  w: Uint32Array,
  i: number,
  cmdOp: number,
  fd: number,
  level: number,
  optname: number,
  optval: number,
  optlen: number,
): void {
  prepUringCmd(w, i, cmdOp, fd);
  w[i + ADDR_LO] = level; // sqe->level
  w[i + ADDR_HI] = optname; // sqe->optname
  w[i + FILE_INDEX] = optlen; // sqe->optlen
  w[i + ADDR3_LO] = optval >>> 0; // sqe->optval
  w[i + ADDR3_HI] = Math.floor(optval / 4294967296) >>> 0;
}

/**
 * IORING_OP_URING_CMD128 (128-byte SQE: 80 command bytes from byte 48).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param cmdOp The command opcode (cmd_op).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 *
 * @example
 * ```ts
 * import { prepUringCmd128 } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(32);
 * prepUringCmd128(w, 0, 0, 3);
 * ```
 */
export function prepUringCmd128(
  w: Uint32Array,
  i: number,
  cmdOp: number,
  fd: number,
): void {
  prepRw(w, i, IORING_OP.URING_CMD128, fd, 0, 0, 0);
  w[i + CMD_OP] = cmdOp;
  w.fill(0, i + 16, i + 32);
}
