// struct io_uring_sqe, defined once, and one tiny prep function per opcode
// (liburing's io_uring_prep_* family). Prep functions write straight into a
// Uint32Array over the mmap'd SQE array: `w` is the array, `i` the word index
// of the SQE's first word. Every prep writes all 16 words of the 64-byte
// entry (the kernel reads every field, and a reused slot holds the previous
// op), so no field leaks from one submission to the next.
//
// 64-bit fields are written as two little-endian u32 halves: Numbers up to
// 2^53 (addresses, offsets, lengths) are split with >>> 0 and a floor
// division, so no BigInt is created. Negative offsets (-1: "current file
// position") come out as two's complement.

import { IORING_OP, IOSQE } from "../zcall/mod.ts";

/**
 * Byte offsets of struct io_uring_sqe (linux/io_uring.h), the single source
 * of the layout. Unions share an offset: OFF = ADDR2 = CMD_OP,
 * ADDR = SPLICE_OFF_IN, OP_FLAGS = RW_FLAGS = MSG_FLAGS = ..., BUF_INDEX =
 * BUF_GROUP, SPLICE_FD_IN = FILE_INDEX = ADDR_LEN, ADDR3 = CMD.
 *
 * @example
 * ```ts
 * import { SQE_LAYOUT } from "@kernio/kernio/uring";
 * SQE_LAYOUT.USER_DATA; // 32
 * ```
 */
export const SQE_LAYOUT = {
  OPCODE: 0, // u8
  FLAGS: 1, // u8 IOSQE_*
  IOPRIO: 2, // u16
  FD: 4, // s32
  OFF: 8, // u64 off / addr2 / cmd_op(u32)+pad1
  ADDR: 16, // u64 addr / splice_off_in / level+optname
  LEN: 24, // u32
  OP_FLAGS: 28, // u32 rw_flags / msg_flags / poll32_events / timeout_flags / ...
  USER_DATA: 32, // u64
  BUF_INDEX: 40, // u16 buf_index / buf_group
  PERSONALITY: 42, // u16
  SPLICE_FD_IN: 44, // s32 splice_fd_in / file_index / optlen / addr_len
  ADDR3: 48, // u64 addr3 / cmd[0..]
  PAD2: 56, // u64 __pad2[0]
  SIZE: 64,
  SIZE128: 128,
} as const;

/**
 * Word (u32) indices of the same fields, for Uint32Array access. 64-bit
 * fields have a LO and a HI word.
 *
 * @example
 * ```ts
 * import { SQE_WORD } from "@kernio/kernio/uring";
 * SQE_WORD.USER_DATA_LO; // 8
 * ```
 */
export const SQE_WORD = {
  /** opcode | flags << 8 | ioprio << 16 */
  HEAD: 0,
  FD: 1,
  OFF_LO: 2,
  OFF_HI: 3,
  ADDR_LO: 4,
  ADDR_HI: 5,
  LEN: 6,
  OP_FLAGS: 7,
  USER_DATA_LO: 8,
  USER_DATA_HI: 9,
  /** buf_index | personality << 16 */
  BUF_PERSONALITY: 10,
  SPLICE_FD_IN: 11,
  ADDR3_LO: 12,
  ADDR3_HI: 13,
  PAD2_LO: 14,
  PAD2_HI: 15,
  /** Words per 64-byte entry. */
  COUNT: 16,
} as const;

const TWO32 = 4294967296;

/**
 * IORING_FILE_INDEX_ALLOC: let the kernel pick a free direct descriptor slot.
 *
 * @example
 * ```ts
 * import { IORING_FILE_INDEX_ALLOC } from "@kernio/kernio/uring";
 * console.log(IORING_FILE_INDEX_ALLOC);
 * ```
 */
export const IORING_FILE_INDEX_ALLOC = 0xffffffff;
/**
 * IORING_FIXED_FD_NO_CLOEXEC for fixedFdInstall.
 *
 * @example
 * ```ts
 * import { IORING_FIXED_FD_NO_CLOEXEC } from "@kernio/kernio/uring";
 * console.log(IORING_FIXED_FD_NO_CLOEXEC);
 * ```
 */
export const IORING_FIXED_FD_NO_CLOEXEC = 1;
/**
 * IORING_FSYNC_DATASYNC for fsync.
 *
 * @example
 * ```ts
 * import { IORING_FSYNC_DATASYNC } from "@kernio/kernio/uring";
 * console.log(IORING_FSYNC_DATASYNC);
 * ```
 */
export const IORING_FSYNC_DATASYNC = 1;

/**
 * Timeout flags (sqe->timeout_flags).
 *
 * @example
 * ```ts
 * import { IORING_TIMEOUT } from "@kernio/kernio/uring";
 * IORING_TIMEOUT.ABS;
 * ```
 */
export const IORING_TIMEOUT = {
  ABS: 1 << 0,
  UPDATE: 1 << 1,
  BOOTTIME: 1 << 2,
  REALTIME: 1 << 3,
  LINK_UPDATE: 1 << 4,
  ETIME_SUCCESS: 1 << 5,
  MULTISHOT: 1 << 6,
} as const;

/**
 * Poll command flags (sqe->len of POLL_ADD / POLL_REMOVE).
 *
 * @example
 * ```ts
 * import { IORING_POLL } from "@kernio/kernio/uring";
 * IORING_POLL.ADD_MULTI;
 * ```
 */
export const IORING_POLL = {
  ADD_MULTI: 1 << 0,
  UPDATE_EVENTS: 1 << 1,
  UPDATE_USER_DATA: 1 << 2,
  ADD_LEVEL: 1 << 3,
} as const;

/**
 * Async cancel flags (sqe->cancel_flags).
 *
 * @example
 * ```ts
 * import { IORING_ASYNC_CANCEL } from "@kernio/kernio/uring";
 * IORING_ASYNC_CANCEL.ALL | IORING_ASYNC_CANCEL.FD;
 * ```
 */
export const IORING_ASYNC_CANCEL = {
  ALL: 1 << 0,
  FD: 1 << 1,
  ANY: 1 << 2,
  FD_FIXED: 1 << 3,
  USERDATA: 1 << 4,
  OP: 1 << 5,
} as const;

/**
 * Accept flags carried in sqe->ioprio.
 *
 * @example
 * ```ts
 * import { IORING_ACCEPT } from "@kernio/kernio/uring";
 * IORING_ACCEPT.MULTISHOT;
 * ```
 */
export const IORING_ACCEPT = {
  MULTISHOT: 1 << 0,
  DONTWAIT: 1 << 1,
  POLL_FIRST: 1 << 2,
} as const;

/**
 * Send/receive flags carried in sqe->ioprio.
 *
 * @example
 * ```ts
 * import { IORING_RECVSEND } from "@kernio/kernio/uring";
 * IORING_RECVSEND.POLL_FIRST;
 * ```
 */
export const IORING_RECVSEND = {
  POLL_FIRST: 1 << 0,
  RECV_MULTISHOT: 1 << 1,
  FIXED_BUF: 1 << 2,
  SEND_ZC_REPORT_USAGE: 1 << 3,
  BUNDLE: 1 << 4,
  SEND_VECTORIZED: 1 << 5,
} as const;

/**
 * MSG_RING commands (sqe->addr) and flags (sqe->msg_ring_flags).
 *
 * @example
 * ```ts
 * import { IORING_MSG } from "@kernio/kernio/uring";
 * IORING_MSG.DATA; // 0
 * ```
 */
export const IORING_MSG = {
  DATA: 0,
  SEND_FD: 1,
  RING_CQE_SKIP: 1 << 0,
  RING_FLAGS_PASS: 1 << 1,
} as const;

/**
 * NOP flags (sqe->nop_flags).
 *
 * @example
 * ```ts
 * import { IORING_NOP } from "@kernio/kernio/uring";
 * IORING_NOP.INJECT_RESULT;
 * ```
 */
export const IORING_NOP = {
  INJECT_RESULT: 1 << 0,
  FILE: 1 << 1,
  FIXED_FILE: 1 << 2,
  FIXED_BUFFER: 1 << 3,
  TW: 1 << 4,
  CQE32: 1 << 5,
} as const;

/**
 * futex2 flags for futexWait / futexWake / futexWaitv.
 *
 * @example
 * ```ts
 * import { FUTEX2 } from "@kernio/kernio/uring";
 * FUTEX2.SIZE_U32 | FUTEX2.PRIVATE;
 * ```
 */
export const FUTEX2 = {
  SIZE_U8: 0x00,
  SIZE_U16: 0x01,
  SIZE_U32: 0x02,
  SIZE_U64: 0x03,
  NUMA: 0x04,
  PRIVATE: 128,
} as const;

/**
 * Mask matching any waker (FUTEX_BITSET_MATCH_ANY), low half only.
 *
 * @example
 * ```ts
 * import { FUTEX_BITSET_MATCH_ANY } from "@kernio/kernio/uring";
 * console.log(FUTEX_BITSET_MATCH_ANY);
 * ```
 */
export const FUTEX_BITSET_MATCH_ANY = 0xffffffff;

/**
 * Socket uring_cmd operations (cmd_op of URING_CMD on a socket).
 *
 * @example
 * ```ts
 * import { SOCKET_URING_OP } from "@kernio/kernio/uring";
 * SOCKET_URING_OP.SIOCINQ; // 0
 * ```
 */
export const SOCKET_URING_OP = {
  SIOCINQ: 0,
  SIOCOUTQ: 1,
  GETSOCKOPT: 2,
  SETSOCKOPT: 3,
  TX_TIMESTAMP: 4,
  GETSOCKNAME: 5,
} as const;

/**
 * The common body of every prep (liburing's io_uring_prep_rw): opcode, fd,
 * addr, len and off, with every other word of the 64-byte entry zeroed.
 * Flags, ioprio, user_data and personality are filled in by the caller
 * afterwards.
 *
 * @example
 * ```ts
 * import { IORING_OP } from "@kernio/kernio/zcall";
 * import { prepRw } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepRw(w, 0, IORING_OP.READ, 3, 0x1000, 64, 0);
 * ```
 */
export function prepRw(
  w: Uint32Array,
  i: number,
  op: number,
  fd: number,
  addr: number,
  len: number,
  off: number,
): void {
  w[i] = op;
  w[i + 1] = fd;
  w[i + 2] = off >>> 0;
  w[i + 3] = Math.floor(off / TWO32) >>> 0;
  w[i + 4] = addr >>> 0;
  w[i + 5] = Math.floor(addr / TWO32) >>> 0;
  w[i + 6] = len;
  w[i + 7] = 0;
  w[i + 8] = 0;
  w[i + 9] = 0;
  w[i + 10] = 0;
  w[i + 11] = 0;
  w[i + 12] = 0;
  w[i + 13] = 0;
  w[i + 14] = 0;
  w[i + 15] = 0;
}

/**
 * Writes a 64-bit Number (< 2^53, or negative for two's complement) into
 * the word pair at `i + word`.
 *
 * @example
 * ```ts
 * import { setSqeU64, SQE_WORD } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * setSqeU64(w, 0, SQE_WORD.ADDR3_LO, 2 ** 40);
 * ```
 */
export function setSqeU64(
  w: Uint32Array,
  i: number,
  word: number,
  v: number,
): void {
  w[i + word] = v >>> 0;
  w[i + word + 1] = Math.floor(v / TWO32) >>> 0;
}

/**
 * Sets sqe->flags (IOSQE_*), keeping opcode and ioprio.
 *
 * @example
 * ```ts
 * import { setSqeFlags } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * setSqeFlags(w, 0, 0);
 * ```
 */
export function setSqeFlags(w: Uint32Array, i: number, flags: number): void {
  w[i] = (w[i] & 0xffff00ff) | ((flags & 0xff) << 8);
}

/**
 * Sets sqe->ioprio, keeping opcode and flags.
 *
 * @example
 * ```ts
 * import { setSqeIoprio } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * setSqeIoprio(w, 0, 0);
 * ```
 */
export function setSqeIoprio(w: Uint32Array, i: number, ioprio: number): void {
  w[i] = (w[i] & 0xffff) | ((ioprio & 0xffff) << 16);
}

/**
 * Sets sqe->user_data from two u32 halves.
 *
 * @example
 * ```ts
 * import { setSqeUserData } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * setSqeUserData(w, 0, 0, 0);
 * ```
 */
export function setSqeUserData(
  w: Uint32Array,
  i: number,
  lo: number,
  hi: number,
): void {
  w[i + 8] = lo;
  w[i + 9] = hi;
}

/**
 * Sets sqe->buf_index / buf_group (low 16 bits of word 10).
 *
 * @example
 * ```ts
 * import { setSqeBufIndex } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * setSqeBufIndex(w, 0, 0);
 * ```
 */
export function setSqeBufIndex(w: Uint32Array, i: number, idx: number): void {
  w[i + 10] = (w[i + 10] & 0xffff0000) | (idx & 0xffff);
}

/**
 * Sets sqe->personality (high 16 bits of word 10).
 *
 * @example
 * ```ts
 * import { setSqePersonality } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * setSqePersonality(w, 0, 0);
 * ```
 */
export function setSqePersonality(
  w: Uint32Array,
  i: number,
  id: number,
): void {
  w[i + 10] = (w[i + 10] & 0xffff) | ((id & 0xffff) << 16);
}

/**
 * Sets sqe->file_index (encoded as index + 1; ALLOC passes through).
 *
 * @example
 * ```ts
 * import { setSqeTargetFixedFile } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * setSqeTargetFixedFile(w, 0, 2);
 * ```
 */
export function setSqeTargetFixedFile(
  w: Uint32Array,
  i: number,
  index: number,
): void {
  w[i + 11] = index === IORING_FILE_INDEX_ALLOC ? index : (index + 1) >>> 0;
}

// ---- one prep per opcode ---------------------------------------------------

/**
 * IORING_OP_NOP.
 *
 * @example
 * ```ts
 * import { prepNop } from "@kernio/kernio/uring";
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
 * @example
 * ```ts
 * import { prepNop128 } from "@kernio/kernio/uring";
 * const w = new Uint32Array(32);
 * prepNop128(w, 0);
 * ```
 */
export function prepNop128(w: Uint32Array, i: number): void {
  prepRw(w, i, IORING_OP.NOP128, -1, 0, 0, 0);
  w.fill(0, i + 16, i + 32);
}

/**
 * IORING_OP_READ at `off` (-1: current position).
 *
 * @example
 * ```ts
 * import { prepRead } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepRead(w, 0, 3, 0x1000, 64, -1);
 * ```
 */
export function prepRead(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  len: number,
  off: number,
): void {
  prepRw(w, i, IORING_OP.READ, fd, addr, len, off);
}

/**
 * IORING_OP_WRITE at `off` (-1: current position).
 *
 * @example
 * ```ts
 * import { prepWrite } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepWrite(w, 0, 3, 0x1000, 64, -1);
 * ```
 */
export function prepWrite(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  len: number,
  off: number,
): void {
  prepRw(w, i, IORING_OP.WRITE, fd, addr, len, off);
}

/**
 * IORING_OP_READV over an iovec array at `iov` with `nr` entries.
 *
 * @example
 * ```ts
 * import { prepReadv } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepReadv(w, 0, 3, 0x1000, 64, -1, 0);
 * ```
 */
export function prepReadv(
  w: Uint32Array,
  i: number,
  fd: number,
  iov: number,
  nr: number,
  off: number,
  rwFlags: number,
): void {
  prepRw(w, i, IORING_OP.READV, fd, iov, nr, off);
  w[i + 7] = rwFlags;
}

/**
 * IORING_OP_WRITEV.
 *
 * @example
 * ```ts
 * import { prepWritev } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepWritev(w, 0, 3, 0x1000, 64, -1, 0);
 * ```
 */
export function prepWritev(
  w: Uint32Array,
  i: number,
  fd: number,
  iov: number,
  nr: number,
  off: number,
  rwFlags: number,
): void {
  prepRw(w, i, IORING_OP.WRITEV, fd, iov, nr, off);
  w[i + 7] = rwFlags;
}

/**
 * IORING_OP_READ_FIXED into registered buffer `bufIndex`.
 *
 * @example
 * ```ts
 * import { prepReadFixed } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepReadFixed(w, 0, 3, 0x1000, 64, -1, 0);
 * ```
 */
export function prepReadFixed(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  len: number,
  off: number,
  bufIndex: number,
): void {
  prepRw(w, i, IORING_OP.READ_FIXED, fd, addr, len, off);
  w[i + 10] = bufIndex & 0xffff;
}

/**
 * IORING_OP_WRITE_FIXED from registered buffer `bufIndex`.
 *
 * @example
 * ```ts
 * import { prepWriteFixed } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepWriteFixed(w, 0, 3, 0x1000, 64, -1, 0);
 * ```
 */
export function prepWriteFixed(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  len: number,
  off: number,
  bufIndex: number,
): void {
  prepRw(w, i, IORING_OP.WRITE_FIXED, fd, addr, len, off);
  w[i + 10] = bufIndex & 0xffff;
}

/**
 * IORING_OP_READV_FIXED: iovecs pointing into registered buffer `bufIndex`.
 *
 * @example
 * ```ts
 * import { prepReadvFixed } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepReadvFixed(w, 0, 3, 0x1000, 64, -1, 0, 0);
 * ```
 */
export function prepReadvFixed(
  w: Uint32Array,
  i: number,
  fd: number,
  iov: number,
  nr: number,
  off: number,
  rwFlags: number,
  bufIndex: number,
): void {
  prepRw(w, i, IORING_OP.READV_FIXED, fd, iov, nr, off);
  w[i + 7] = rwFlags;
  w[i + 10] = bufIndex & 0xffff;
}

/**
 * IORING_OP_WRITEV_FIXED.
 *
 * @example
 * ```ts
 * import { prepWritevFixed } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepWritevFixed(w, 0, 3, 0x1000, 64, -1, 0, 0);
 * ```
 */
export function prepWritevFixed(
  w: Uint32Array,
  i: number,
  fd: number,
  iov: number,
  nr: number,
  off: number,
  rwFlags: number,
  bufIndex: number,
): void {
  prepRw(w, i, IORING_OP.WRITEV_FIXED, fd, iov, nr, off);
  w[i + 7] = rwFlags;
  w[i + 10] = bufIndex & 0xffff;
}

/**
 * IORING_OP_FSYNC (fsyncFlags: IORING_FSYNC_DATASYNC).
 *
 * @example
 * ```ts
 * import { prepFsync } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepFsync(w, 0, 3, 0);
 * ```
 */
export function prepFsync(
  w: Uint32Array,
  i: number,
  fd: number,
  fsyncFlags: number,
): void {
  prepRw(w, i, IORING_OP.FSYNC, fd, 0, 0, 0);
  w[i + 7] = fsyncFlags;
}

/**
 * IORING_OP_FALLOCATE: mode in len, length in addr.
 *
 * @example
 * ```ts
 * import { prepFallocate } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepFallocate(w, 0, 3, 0, -1, 64);
 * ```
 */
export function prepFallocate(
  w: Uint32Array,
  i: number,
  fd: number,
  mode: number,
  off: number,
  len: number,
): void {
  prepRw(w, i, IORING_OP.FALLOCATE, fd, len, mode, off);
}

/**
 * IORING_OP_FTRUNCATE: the length travels in off.
 *
 * @example
 * ```ts
 * import { prepFtruncate } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepFtruncate(w, 0, 3, 64);
 * ```
 */
export function prepFtruncate(
  w: Uint32Array,
  i: number,
  fd: number,
  len: number,
): void {
  prepRw(w, i, IORING_OP.FTRUNCATE, fd, 0, 0, len);
}

/**
 * IORING_OP_OPENAT (path: address of a NUL-terminated string).
 *
 * @example
 * ```ts
 * import { prepOpenat } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepOpenat(w, 0, 3, 0x1000, 0, 0);
 * ```
 */
export function prepOpenat(
  w: Uint32Array,
  i: number,
  dfd: number,
  path: number,
  flags: number,
  mode: number,
): void {
  prepRw(w, i, IORING_OP.OPENAT, dfd, path, mode, 0);
  w[i + 7] = flags;
}

/**
 * IORING_OP_CLOSE of a normal descriptor.
 *
 * @example
 * ```ts
 * import { prepClose } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepClose(w, 0, 3);
 * ```
 */
export function prepClose(w: Uint32Array, i: number, fd: number): void {
  prepRw(w, i, IORING_OP.CLOSE, fd, 0, 0, 0);
}

/**
 * IORING_OP_CLOSE of a direct (registered) descriptor slot.
 *
 * @example
 * ```ts
 * import { prepCloseDirect } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepCloseDirect(w, 0, 2);
 * ```
 */
export function prepCloseDirect(
  w: Uint32Array,
  i: number,
  fileIndex: number,
): void {
  prepRw(w, i, IORING_OP.CLOSE, 0, 0, 0, 0);
  setSqeTargetFixedFile(w, i, fileIndex);
}

/**
 * IORING_OP_STATX: mask in len, statx buffer in off.
 *
 * @example
 * ```ts
 * import { prepStatx } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepStatx(w, 0, 3, 0x1000, 0, 0, 0x1000);
 * ```
 */
export function prepStatx(
  w: Uint32Array,
  i: number,
  dfd: number,
  path: number,
  flags: number,
  mask: number,
  statxbuf: number,
): void {
  prepRw(w, i, IORING_OP.STATX, dfd, path, mask, statxbuf);
  w[i + 7] = flags;
}

/**
 * IORING_OP_RENAMEAT: new dirfd in len, new path in off.
 *
 * @example
 * ```ts
 * import { prepRenameat } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepRenameat(w, 0, 0, 0x1000, 0, 0x1000, 0);
 * ```
 */
export function prepRenameat(
  w: Uint32Array,
  i: number,
  oldDfd: number,
  oldPath: number,
  newDfd: number,
  newPath: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.RENAMEAT, oldDfd, oldPath, newDfd, newPath);
  w[i + 7] = flags;
}

/**
 * IORING_OP_UNLINKAT (flags: AT_REMOVEDIR).
 *
 * @example
 * ```ts
 * import { prepUnlinkat } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepUnlinkat(w, 0, 3, 0x1000, 0);
 * ```
 */
export function prepUnlinkat(
  w: Uint32Array,
  i: number,
  dfd: number,
  path: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.UNLINKAT, dfd, path, 0, 0);
  w[i + 7] = flags;
}

/**
 * IORING_OP_MKDIRAT: mode in len.
 *
 * @example
 * ```ts
 * import { prepMkdirat } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepMkdirat(w, 0, 3, 0x1000, 0);
 * ```
 */
export function prepMkdirat(
  w: Uint32Array,
  i: number,
  dfd: number,
  path: number,
  mode: number,
): void {
  prepRw(w, i, IORING_OP.MKDIRAT, dfd, path, mode, 0);
}

/**
 * IORING_OP_SYMLINKAT: target in addr, link path in off.
 *
 * @example
 * ```ts
 * import { prepSymlinkat } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepSymlinkat(w, 0, 0x1000, 0, 0x1000);
 * ```
 */
export function prepSymlinkat(
  w: Uint32Array,
  i: number,
  target: number,
  newDfd: number,
  linkPath: number,
): void {
  prepRw(w, i, IORING_OP.SYMLINKAT, newDfd, target, 0, linkPath);
}

/**
 * IORING_OP_LINKAT: new dirfd in len, new path in off.
 *
 * @example
 * ```ts
 * import { prepLinkat } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepLinkat(w, 0, 0, 0x1000, 0, 0x1000, 0);
 * ```
 */
export function prepLinkat(
  w: Uint32Array,
  i: number,
  oldDfd: number,
  oldPath: number,
  newDfd: number,
  newPath: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.LINKAT, oldDfd, oldPath, newDfd, newPath);
  w[i + 7] = flags;
}

/**
 * IORING_OP_FGETXATTR: name in addr, value in off, size in len.
 *
 * @example
 * ```ts
 * import { prepFgetxattr } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepFgetxattr(w, 0, 3, 0x1000, 0x1000, 64);
 * ```
 */
export function prepFgetxattr(
  w: Uint32Array,
  i: number,
  fd: number,
  name: number,
  value: number,
  len: number,
): void {
  prepRw(w, i, IORING_OP.FGETXATTR, fd, name, len, value);
}

/**
 * IORING_OP_FSETXATTR.
 *
 * @example
 * ```ts
 * import { prepFsetxattr } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepFsetxattr(w, 0, 3, 0x1000, 0x1000, 0, 64);
 * ```
 */
export function prepFsetxattr(
  w: Uint32Array,
  i: number,
  fd: number,
  name: number,
  value: number,
  flags: number,
  len: number,
): void {
  prepRw(w, i, IORING_OP.FSETXATTR, fd, name, len, value);
  w[i + 7] = flags;
}

/**
 * IORING_OP_GETXATTR: the path travels in addr3.
 *
 * @example
 * ```ts
 * import { prepGetxattr } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepGetxattr(w, 0, 0x1000, 0x1000, 0x1000, 64);
 * ```
 */
export function prepGetxattr(
  w: Uint32Array,
  i: number,
  name: number,
  value: number,
  path: number,
  len: number,
): void {
  prepRw(w, i, IORING_OP.GETXATTR, 0, name, len, value);
  setSqeU64(w, i, 12, path);
}

/**
 * IORING_OP_SETXATTR.
 *
 * @example
 * ```ts
 * import { prepSetxattr } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepSetxattr(w, 0, 0x1000, 0x1000, 0x1000, 0, 64);
 * ```
 */
export function prepSetxattr(
  w: Uint32Array,
  i: number,
  name: number,
  value: number,
  path: number,
  flags: number,
  len: number,
): void {
  prepRw(w, i, IORING_OP.SETXATTR, 0, name, len, value);
  w[i + 7] = flags;
  setSqeU64(w, i, 12, path);
}

/**
 * IORING_OP_SPLICE (offsets -1: none).
 *
 * @example
 * ```ts
 * import { prepSplice } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepSplice(w, 0, 0, -1, 0, -1, 64, 0);
 * ```
 */
export function prepSplice(
  w: Uint32Array,
  i: number,
  fdIn: number,
  offIn: number,
  fdOut: number,
  offOut: number,
  nbytes: number,
  spliceFlags: number,
): void {
  prepRw(w, i, IORING_OP.SPLICE, fdOut, 0, nbytes, offOut);
  setSqeU64(w, i, 4, offIn);
  w[i + 7] = spliceFlags;
  w[i + 11] = fdIn;
}

/**
 * IORING_OP_TEE.
 *
 * @example
 * ```ts
 * import { prepTee } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepTee(w, 0, 0, 0, 64, 0);
 * ```
 */
export function prepTee(
  w: Uint32Array,
  i: number,
  fdIn: number,
  fdOut: number,
  nbytes: number,
  spliceFlags: number,
): void {
  prepRw(w, i, IORING_OP.TEE, fdOut, 0, nbytes, 0);
  w[i + 7] = spliceFlags;
  w[i + 11] = fdIn;
}

/**
 * IORING_OP_PIPE: the kernel writes two s32 fds at `fds`.
 *
 * @example
 * ```ts
 * import { prepPipe } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepPipe(w, 0, 0x1000, 0);
 * ```
 */
export function prepPipe(
  w: Uint32Array,
  i: number,
  fds: number,
  pipeFlags: number,
): void {
  prepRw(w, i, IORING_OP.PIPE, 0, fds, 0, 0);
  w[i + 7] = pipeFlags;
}

/**
 * IORING_OP_SYNC_FILE_RANGE.
 *
 * @example
 * ```ts
 * import { prepSyncFileRange } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepSyncFileRange(w, 0, 3, 64, -1, 0);
 * ```
 */
export function prepSyncFileRange(
  w: Uint32Array,
  i: number,
  fd: number,
  len: number,
  off: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.SYNC_FILE_RANGE, fd, 0, len, off);
  w[i + 7] = flags;
}

/**
 * IORING_OP_FADVISE.
 *
 * @example
 * ```ts
 * import { prepFadvise } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepFadvise(w, 0, 3, -1, 64, 0);
 * ```
 */
export function prepFadvise(
  w: Uint32Array,
  i: number,
  fd: number,
  off: number,
  len: number,
  advice: number,
): void {
  prepRw(w, i, IORING_OP.FADVISE, fd, 0, len, off);
  w[i + 7] = advice;
}

/**
 * IORING_OP_TIMEOUT (ts: address of a __kernel_timespec).
 *
 * @example
 * ```ts
 * import { prepTimeout } from "@kernio/kernio/uring";
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
  w[i + 7] = flags;
}

/**
 * IORING_OP_TIMEOUT_REMOVE of the timeout with user_data (lo, hi).
 *
 * @example
 * ```ts
 * import { prepTimeoutRemove } from "@kernio/kernio/uring";
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
  w[i + 4] = udLo;
  w[i + 5] = udHi;
  w[i + 7] = flags;
}

/**
 * IORING_OP_TIMEOUT_REMOVE with IORING_TIMEOUT_UPDATE: new time in off.
 *
 * @example
 * ```ts
 * import { prepTimeoutUpdate } from "@kernio/kernio/uring";
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
  w[i + 4] = udLo;
  w[i + 5] = udHi;
  w[i + 7] = flags | IORING_TIMEOUT.UPDATE;
}

/**
 * IORING_OP_LINK_TIMEOUT.
 *
 * @example
 * ```ts
 * import { prepLinkTimeout } from "@kernio/kernio/uring";
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
  w[i + 7] = flags;
}

/**
 * IORING_OP_ASYNC_CANCEL matching user_data (lo, hi).
 *
 * @example
 * ```ts
 * import { prepCancel } from "@kernio/kernio/uring";
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
  w[i + 4] = udLo;
  w[i + 5] = udHi;
  w[i + 7] = flags;
}

/**
 * IORING_OP_ASYNC_CANCEL matching a file descriptor.
 *
 * @example
 * ```ts
 * import { prepCancelFd } from "@kernio/kernio/uring";
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
  w[i + 7] = flags | IORING_ASYNC_CANCEL.FD;
}

/**
 * IORING_OP_ASYNC_CANCEL matching an opcode (in len).
 *
 * @example
 * ```ts
 * import { prepCancelOp } from "@kernio/kernio/uring";
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
  w[i + 7] = flags | IORING_ASYNC_CANCEL.OP;
}

/**
 * IORING_OP_POLL_ADD (pollFlags: IORING_POLL.ADD_MULTI / ADD_LEVEL in len).
 *
 * @example
 * ```ts
 * import { prepPollAdd } from "@kernio/kernio/uring";
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
  w[i + 7] = events;
}

/**
 * IORING_OP_POLL_REMOVE of the poll with user_data (lo, hi).
 *
 * @example
 * ```ts
 * import { prepPollRemove } from "@kernio/kernio/uring";
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
  w[i + 4] = udLo;
  w[i + 5] = udHi;
}

/**
 * IORING_OP_POLL_REMOVE as an update: new user_data in off, flags in len.
 *
 * @example
 * ```ts
 * import { prepPollUpdate } from "@kernio/kernio/uring";
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
  w[i + 2] = newLo;
  w[i + 3] = newHi;
  w[i + 4] = oldLo;
  w[i + 5] = oldHi;
  w[i + 7] = events;
}

/**
 * IORING_OP_EPOLL_WAIT into an epoll_event array.
 *
 * @example
 * ```ts
 * import { prepEpollWait } from "@kernio/kernio/uring";
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
  w[i + 7] = flags;
}

/**
 * IORING_OP_FUTEX_WAIT: futex2 flags in fd, value in off, mask in addr3
 * (each 64-bit as lo/hi halves).
 *
 * @example
 * ```ts
 * import { prepFutexWait } from "@kernio/kernio/uring";
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
  w[i + 2] = valLo;
  w[i + 3] = valHi;
  w[i + 7] = flags;
  w[i + 12] = maskLo;
  w[i + 13] = maskHi;
}

/**
 * IORING_OP_FUTEX_WAKE: wakes up to `val` waiters.
 *
 * @example
 * ```ts
 * import { prepFutexWake } from "@kernio/kernio/uring";
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
  w[i + 2] = valLo;
  w[i + 3] = valHi;
  w[i + 7] = flags;
  w[i + 12] = maskLo;
  w[i + 13] = maskHi;
}

/**
 * IORING_OP_FUTEX_WAITV over a struct futex_waitv array.
 *
 * @example
 * ```ts
 * import { prepFutexWaitv } from "@kernio/kernio/uring";
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
  w[i + 7] = flags;
}

/**
 * IORING_OP_WAITID: id in fd, idtype in len, infop in off, options in splice_fd_in.
 *
 * @example
 * ```ts
 * import { prepWaitid } from "@kernio/kernio/uring";
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
  w[i + 7] = flags;
  w[i + 11] = options;
}

/**
 * IORING_OP_MSG_RING (IORING_MSG_DATA): posts (res=len, user_data=data) on ring `fd`.
 *
 * @example
 * ```ts
 * import { prepMsgRing } from "@kernio/kernio/uring";
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
  w[i + 2] = dataLo;
  w[i + 3] = dataHi;
  w[i + 7] = flags;
}

/**
 * IORING_OP_MSG_RING with CQE flags passed through (IORING_MSG_RING_FLAGS_PASS).
 *
 * @example
 * ```ts
 * import { prepMsgRingCqeFlags } from "@kernio/kernio/uring";
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
  w[i + 11] = cqeFlags;
}

/**
 * IORING_OP_MSG_RING (IORING_MSG_SEND_FD): installs our fixed file `srcIndex` in ring `fd`'s slot `dstIndex`.
 *
 * @example
 * ```ts
 * import { prepMsgRingFd } from "@kernio/kernio/uring";
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
  w[i + 2] = dataLo;
  w[i + 3] = dataHi;
  w[i + 7] = flags;
  w[i + 12] = srcIndex;
  setSqeTargetFixedFile(w, i, dstIndex);
}

/**
 * IORING_OP_FIXED_FD_INSTALL: fixed file `fileIndex` into the normal table.
 *
 * @example
 * ```ts
 * import { prepFixedFdInstall } from "@kernio/kernio/uring";
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
  w[i] |= IOSQE.FIXED_FILE << 8;
  w[i + 7] = flags;
}

/**
 * IORING_OP_FILES_UPDATE: `nr` s32 fds at `fds` into slots from `offset`.
 *
 * @example
 * ```ts
 * import { prepFilesUpdate } from "@kernio/kernio/uring";
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
 * @example
 * ```ts
 * import { prepUringCmd } from "@kernio/kernio/uring";
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
  w[i + 2] = cmdOp;
}

/**
 * IORING_OP_URING_CMD128 (128-byte SQE: 80 command bytes from byte 48).
 *
 * @example
 * ```ts
 * import { prepUringCmd128 } from "@kernio/kernio/uring";
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
  w[i + 2] = cmdOp;
  w.fill(0, i + 16, i + 32);
}

/**
 * IORING_OP_SOCKET: domain in fd, type in off, protocol in len.
 *
 * @example
 * ```ts
 * import { prepSocket } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepSocket(w, 0, 0, 0, 0, 0);
 * ```
 */
export function prepSocket(
  w: Uint32Array,
  i: number,
  domain: number,
  type: number,
  protocol: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.SOCKET, domain, 0, protocol, type);
  w[i + 7] = flags;
}

/**
 * IORING_OP_SOCKET into a direct descriptor slot (or ALLOC).
 *
 * @example
 * ```ts
 * import { prepSocketDirect } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepSocketDirect(w, 0, 0, 0, 0, 2, 0);
 * ```
 */
export function prepSocketDirect(
  w: Uint32Array,
  i: number,
  domain: number,
  type: number,
  protocol: number,
  fileIndex: number,
  flags: number,
): void {
  prepSocket(w, i, domain, type, protocol, flags);
  setSqeTargetFixedFile(w, i, fileIndex);
}

/**
 * IORING_OP_BIND: address length in off.
 *
 * @example
 * ```ts
 * import { prepBind } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepBind(w, 0, 3, 0x1000, 0);
 * ```
 */
export function prepBind(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  addrLen: number,
): void {
  prepRw(w, i, IORING_OP.BIND, fd, addr, 0, addrLen);
}

/**
 * IORING_OP_LISTEN: backlog in len.
 *
 * @example
 * ```ts
 * import { prepListen } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepListen(w, 0, 3, 0);
 * ```
 */
export function prepListen(
  w: Uint32Array,
  i: number,
  fd: number,
  backlog: number,
): void {
  prepRw(w, i, IORING_OP.LISTEN, fd, 0, backlog, 0);
}

/**
 * IORING_OP_ACCEPT: peer address buffer in addr, socklen_t pointer in off.
 *
 * @example
 * ```ts
 * import { prepAccept } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepAccept(w, 0, 3, 0x1000, 0x1000, 0);
 * ```
 */
export function prepAccept(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  addrLenPtr: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.ACCEPT, fd, addr, 0, addrLenPtr);
  w[i + 7] = flags;
}

/**
 * IORING_OP_ACCEPT into a direct descriptor slot (or ALLOC).
 *
 * @example
 * ```ts
 * import { prepAcceptDirect } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepAcceptDirect(w, 0, 3, 0x1000, 0x1000, 0, 2);
 * ```
 */
export function prepAcceptDirect(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  addrLenPtr: number,
  flags: number,
  fileIndex: number,
): void {
  prepAccept(w, i, fd, addr, addrLenPtr, flags);
  setSqeTargetFixedFile(w, i, fileIndex);
}

/**
 * IORING_OP_CONNECT: address length in off.
 *
 * @example
 * ```ts
 * import { prepConnect } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepConnect(w, 0, 3, 0x1000, 0);
 * ```
 */
export function prepConnect(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  addrLen: number,
): void {
  prepRw(w, i, IORING_OP.CONNECT, fd, addr, 0, addrLen);
}

/**
 * IORING_OP_SHUTDOWN: how in len.
 *
 * @example
 * ```ts
 * import { prepShutdown } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepShutdown(w, 0, 3, 0);
 * ```
 */
export function prepShutdown(
  w: Uint32Array,
  i: number,
  fd: number,
  how: number,
): void {
  prepRw(w, i, IORING_OP.SHUTDOWN, fd, 0, how, 0);
}

/**
 * IORING_OP_SEND.
 *
 * @example
 * ```ts
 * import { prepSend } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepSend(w, 0, 3, 0x1000, 64, 0);
 * ```
 */
export function prepSend(
  w: Uint32Array,
  i: number,
  fd: number,
  buf: number,
  len: number,
  msgFlags: number,
): void {
  prepRw(w, i, IORING_OP.SEND, fd, buf, len, 0);
  w[i + 7] = msgFlags;
}

/**
 * IORING_OP_RECV.
 *
 * @example
 * ```ts
 * import { prepRecv } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepRecv(w, 0, 3, 0x1000, 64, 0);
 * ```
 */
export function prepRecv(
  w: Uint32Array,
  i: number,
  fd: number,
  buf: number,
  len: number,
  msgFlags: number,
): void {
  prepRw(w, i, IORING_OP.RECV, fd, buf, len, 0);
  w[i + 7] = msgFlags;
}

/**
 * IORING_OP_SENDMSG over a struct msghdr at `msg`.
 *
 * @example
 * ```ts
 * import { prepSendmsg } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepSendmsg(w, 0, 3, 0x1000, 0);
 * ```
 */
export function prepSendmsg(
  w: Uint32Array,
  i: number,
  fd: number,
  msg: number,
  msgFlags: number,
): void {
  prepRw(w, i, IORING_OP.SENDMSG, fd, msg, 1, 0);
  w[i + 7] = msgFlags;
}

/**
 * IORING_OP_RECVMSG.
 *
 * @example
 * ```ts
 * import { prepRecvmsg } from "@kernio/kernio/uring";
 * const w = new Uint32Array(16);
 * prepRecvmsg(w, 0, 3, 0x1000, 0);
 * ```
 */
export function prepRecvmsg(
  w: Uint32Array,
  i: number,
  fd: number,
  msg: number,
  msgFlags: number,
): void {
  prepRw(w, i, IORING_OP.RECVMSG, fd, msg, 1, 0);
  w[i + 7] = msgFlags;
}
