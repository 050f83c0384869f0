// struct io_uring_sqe, defined once: its layout, the per-opcode flag tables,
// the common prep body (prepRw) and field setters. The one-prep-per-opcode
// functions (liburing's io_uring_prep_* family) live beside it in uring/sqe/ and are
// built on these. Prep functions write straight into a
// Uint32Array over the mmap'd SQE array: `w` is the array, `i` the word index
// of the SQE's first word. Every prep writes all 16 words of the 64-byte
// entry (the kernel reads every field, and a reused slot holds the previous
// op), so no field leaks from one submission to the next.
//
// 64-bit fields are written as two little-endian u32 halves: Numbers up to
// 2^53 (addresses, offsets, lengths) are split with >>> 0 and a floor
// division, so no BigInt is created. Negative offsets (-1: "current file
// position") come out as two's complement.

import { IOSQE } from "../../zcall/constants.ts";
import { viewBytes } from "../../zcall/_views.ts";

/**
 * Byte offsets of struct io_uring_sqe (linux/io_uring.h), the single source
 * of the layout. Unions share an offset: OFF = ADDR2 = CMD_OP,
 * ADDR = SPLICE_OFF_IN, OP_FLAGS = RW_FLAGS = MSG_FLAGS = ..., BUF_INDEX =
 * BUF_GROUP, SPLICE_FD_IN = FILE_INDEX = ADDR_LEN, ADDR3 = CMD.
 *
 * @example
 * ```ts
 * import { SQE_LAYOUT } from "@kernio/kernio/uring/raw";
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
 * import { SQE_WORD } from "@kernio/kernio/uring/raw";
 * SQE_WORD.USER_DATA_LO; // 8
 * ```
 */
export const SQE_WORD = {
  /** opcode | flags << 8 | ioprio << 16 */
  HEAD: 0,
  FD: 1,
  OFF_LO: 2,
  OFF_HI: 3,
  /** cmd_op of URING_CMD (shares the word with OFF_LO). */
  CMD_OP: 2,
  ADDR_LO: 4,
  ADDR_HI: 5,
  LEN: 6,
  OP_FLAGS: 7,
  USER_DATA_LO: 8,
  USER_DATA_HI: 9,
  /** buf_index | personality << 16 */
  BUF_PERSONALITY: 10,
  SPLICE_FD_IN: 11,
  /** file_index / addr_len / optlen (shares the word with SPLICE_FD_IN). */
  FILE_INDEX: 11,
  ADDR3_LO: 12,
  ADDR3_HI: 13,
  PAD2_LO: 14,
  PAD2_HI: 15,
  /** Words per 64-byte entry. */
  COUNT: 16,
} as const;

// Word indices as module consts (V8 folds them), named after SQE_WORD.
const HEAD = SQE_WORD.HEAD;
const FD = SQE_WORD.FD;
const OFF_LO = SQE_WORD.OFF_LO;
const OFF_HI = SQE_WORD.OFF_HI;
const ADDR_LO = SQE_WORD.ADDR_LO;
const ADDR_HI = SQE_WORD.ADDR_HI;
const LEN = SQE_WORD.LEN;
const OP_FLAGS = SQE_WORD.OP_FLAGS;
const USER_DATA_LO = SQE_WORD.USER_DATA_LO;
const USER_DATA_HI = SQE_WORD.USER_DATA_HI;
const BUF_PERSONALITY = SQE_WORD.BUF_PERSONALITY;
const SPLICE_FD_IN = SQE_WORD.SPLICE_FD_IN;
const FILE_INDEX = SQE_WORD.FILE_INDEX;
const ADDR3_LO = SQE_WORD.ADDR3_LO;
const ADDR3_HI = SQE_WORD.ADDR3_HI;
const PAD2_LO = SQE_WORD.PAD2_LO;
const PAD2_HI = SQE_WORD.PAD2_HI;

const WORDS = SQE_WORD.COUNT;
const TWO32 = 2 ** 32;

/**
 * IORING_FILE_INDEX_ALLOC: let the kernel pick a free direct descriptor slot.
 *
 * @example
 * ```ts
 * import { IORING_FILE_INDEX_ALLOC } from "@kernio/kernio/uring/raw";
 * console.log(IORING_FILE_INDEX_ALLOC);
 * ```
 */
export const IORING_FILE_INDEX_ALLOC = 0xffffffff;
/**
 * IORING_FIXED_FD_NO_CLOEXEC for fixedFdInstall.
 *
 * @example
 * ```ts
 * import { IORING_FIXED_FD_NO_CLOEXEC } from "@kernio/kernio/uring/raw";
 * console.log(IORING_FIXED_FD_NO_CLOEXEC);
 * ```
 */
export const IORING_FIXED_FD_NO_CLOEXEC = 1;
/**
 * IORING_FSYNC_DATASYNC for fsync.
 *
 * @example
 * ```ts
 * import { IORING_FSYNC_DATASYNC } from "@kernio/kernio/uring/raw";
 * console.log(IORING_FSYNC_DATASYNC);
 * ```
 */
export const IORING_FSYNC_DATASYNC = 1;

/**
 * Timeout flags (sqe->timeout_flags).
 *
 * @example
 * ```ts
 * import { IORING_TIMEOUT } from "@kernio/kernio/uring/raw";
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
 * import { IORING_POLL } from "@kernio/kernio/uring/raw";
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
 * import { IORING_ASYNC_CANCEL } from "@kernio/kernio/uring/raw";
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
 * import { IORING_ACCEPT } from "@kernio/kernio/uring/raw";
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
 * import { IORING_RECVSEND } from "@kernio/kernio/uring/raw";
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
 * import { IORING_MSG } from "@kernio/kernio/uring/raw";
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
 * import { IORING_NOP } from "@kernio/kernio/uring/raw";
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
 * import { FUTEX2 } from "@kernio/kernio/uring/raw";
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
 * import { FUTEX_BITSET_MATCH_ANY } from "@kernio/kernio/uring/raw";
 * console.log(FUTEX_BITSET_MATCH_ANY);
 * ```
 */
export const FUTEX_BITSET_MATCH_ANY = 0xffffffff;

/**
 * Socket uring_cmd operations (cmd_op of URING_CMD on a socket).
 *
 * @example
 * ```ts
 * import { SOCKET_URING_OP } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param op IORING_OP_* opcode.
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param len Byte count.
 * @param off File offset (-1: the current position).
 *
 * @example
 * ```ts
 * import { IORING_OP } from "@kernio/kernio/uring/raw";
 * import { prepRw } from "@kernio/kernio/uring/raw";
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
  w[i + HEAD] = op;
  w[i + FD] = fd;
  w[i + OFF_LO] = off >>> 0;
  w[i + OFF_HI] = Math.floor(off / TWO32) >>> 0;
  w[i + ADDR_LO] = addr >>> 0;
  w[i + ADDR_HI] = Math.floor(addr / TWO32) >>> 0;
  w[i + LEN] = len;
  w[i + OP_FLAGS] = 0;
  w[i + USER_DATA_LO] = 0;
  w[i + USER_DATA_HI] = 0;
  w[i + BUF_PERSONALITY] = 0;
  w[i + SPLICE_FD_IN] = 0;
  w[i + ADDR3_LO] = 0;
  w[i + ADDR3_HI] = 0;
  w[i + PAD2_LO] = 0;
  w[i + PAD2_HI] = 0;
}

/**
 * Writes a 64-bit Number (< 2^53, or negative for two's complement) into
 * the word pair at `i + word`.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param word Word index of the field within the SQE (SQE_WORD.*).
 * @param v The value (below 2^53, or negative).
 *
 * @example
 * ```ts
 * import { setSqeU64, SQE_WORD } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { setSqeFlags } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * setSqeFlags(w, 0, 0);
 * ```
 */
export function setSqeFlags(w: Uint32Array, i: number, flags: number): void {
  w[i + HEAD] = (w[i + HEAD] & 0xffff00ff) | ((flags & 0xff) << 8);
}

/**
 * Sets sqe->ioprio, keeping opcode and flags.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param ioprio The ioprio value.
 *
 * @example
 * ```ts
 * import { setSqeIoprio } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * setSqeIoprio(w, 0, 0);
 * ```
 */
export function setSqeIoprio(w: Uint32Array, i: number, ioprio: number): void {
  w[i + HEAD] = (w[i + HEAD] & 0xffff) | ((ioprio & 0xffff) << 16);
}

/**
 * Sets sqe->user_data from two u32 halves.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param lo Low 32 bits.
 * @param hi High 32 bits.
 *
 * @example
 * ```ts
 * import { setSqeUserData } from "@kernio/kernio/uring/raw";
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
  w[i + USER_DATA_LO] = lo;
  w[i + USER_DATA_HI] = hi;
}

/**
 * Sets sqe->buf_index / buf_group (low 16 bits of word 10).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param idx The buffer index or group.
 *
 * @example
 * ```ts
 * import { setSqeBufIndex } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * setSqeBufIndex(w, 0, 0);
 * ```
 */
export function setSqeBufIndex(w: Uint32Array, i: number, idx: number): void {
  w[i + BUF_PERSONALITY] = (w[i + BUF_PERSONALITY] & 0xffff0000) |
    (idx & 0xffff);
}

/**
 * Sets sqe->personality (high 16 bits of word 10).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param id Process or group id.
 *
 * @example
 * ```ts
 * import { setSqePersonality } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * setSqePersonality(w, 0, 0);
 * ```
 */
export function setSqePersonality(
  w: Uint32Array,
  i: number,
  id: number,
): void {
  w[i + BUF_PERSONALITY] = (w[i + BUF_PERSONALITY] & 0xffff) |
    ((id & 0xffff) << 16);
}

/**
 * Sets sqe->file_index (encoded as index + 1; ALLOC passes through).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param index The slot index.
 *
 * @example
 * ```ts
 * import { setSqeTargetFixedFile } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * setSqeTargetFixedFile(w, 0, 2);
 * ```
 */
export function setSqeTargetFixedFile(
  w: Uint32Array,
  i: number,
  index: number,
): void {
  w[i + FILE_INDEX] = index === IORING_FILE_INDEX_ALLOC
    ? index
    : (index + 1) >>> 0;
}

/**
 * Clears `flags` (IOSQE_*) from sqe->flags, keeping everything else.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { IOSQE } from "@kernio/kernio/uring/raw";
 * import { clearSqeFlags, setSqeFlags } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * setSqeFlags(w, 0, IOSQE.FIXED_FILE | IOSQE.IO_LINK);
 * clearSqeFlags(w, 0, IOSQE.FIXED_FILE); // IO_LINK stays
 * ```
 */
export function clearSqeFlags(w: Uint32Array, i: number, flags: number): void {
  w[i + HEAD] &= ~((flags & 0xff) << 8);
}

/**
 * Marks the SQE as buffer-selected (IOSQE_BUFFER_SELECT) from provided
 * buffer group `group` (sqe->buf_group).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param group Provided buffer group id.
 *
 * @example
 * ```ts
 * import { prepRecv, setSqeBufferSelect } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepRecv(w, 0, 3, 0, 0, 0);
 * setSqeBufferSelect(w, 0, 1);
 * ```
 */
export function setSqeBufferSelect(
  w: Uint32Array,
  i: number,
  group: number,
): void {
  w[i + HEAD] |= IOSQE.BUFFER_SELECT << 8;
  w[i + BUF_PERSONALITY] = (w[i + BUF_PERSONALITY] & 0xffff0000) |
    (group & 0xffff);
}

/**
 * Copies `data` into the command area of a URING_CMD SQE (from addr3: 16
 * bytes in a 64-byte SQE, 80 in a 128-byte one).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param data The command bytes.
 *
 * @example
 * ```ts
 * import { prepUringCmd, setSqeCmd } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepUringCmd(w, 0, 0, 3);
 * setSqeCmd(w, 0, new Uint8Array([1, 2, 3, 4]));
 * ```
 */
export function setSqeCmd(w: Uint32Array, i: number, data: Uint8Array): void {
  const n = viewBytes(data); // the engine's size, not data.byteLength
  if (n <= 0) return;
  new Uint8Array(w.buffer, w.byteOffset + (i + ADDR3_LO) * 4, n).set(data);
}

/**
 * Copies a whole 64-byte SQE (16 words of `src`) into slot `i` of `w`,
 * e.g. one prepared ahead in an extended context.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param src The 16 words to copy.
 *
 * @example
 * ```ts
 * import { copySqe, prepNop } from "@kernio/kernio/uring/raw";
 * const saved = new Uint32Array(16);
 * prepNop(saved, 0);
 * const w = new Uint32Array(16);
 * copySqe(w, 0, saved);
 * ```
 */
export function copySqe(w: Uint32Array, i: number, src: Uint32Array): void {
  for (let k = 0; k < WORDS; k++) w[i + k] = src[k];
}
