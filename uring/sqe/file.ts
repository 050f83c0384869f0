// One prep per file opcode: read/write (plain, vectored, fixed), sync,
// fallocate/ftruncate, open/close, statx, the *at path operations, xattrs,
// splice/tee/pipe, sync_file_range and fadvise.

import { IORING_OP } from "../../zcall/constants.ts";
import {
  prepRw,
  setSqeTargetFixedFile,
  setSqeU64,
  SQE_WORD,
} from "./layout.ts";

// SQE word indices as module consts (V8 folds them).
const OP_FLAGS = SQE_WORD.OP_FLAGS;
const BUF_PERSONALITY = SQE_WORD.BUF_PERSONALITY;
const SPLICE_FD_IN = SQE_WORD.SPLICE_FD_IN;

/**
 * IORING_OP_READ at `off` (-1: current position).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param len Byte count.
 * @param off File offset (-1: the current position).
 *
 * @example
 * ```ts
 * import { prepRead } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param len Byte count.
 * @param off File offset (-1: the current position).
 *
 * @example
 * ```ts
 * import { prepWrite } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param iov Address of the iovec array.
 * @param nr Number of iovec entries.
 * @param off File offset (-1: the current position).
 * @param rwFlags RWF_* flags.
 *
 * @example
 * ```ts
 * import { prepReadv } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = rwFlags;
}

/**
 * IORING_OP_WRITEV.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param iov Address of the iovec array.
 * @param nr Number of iovec entries.
 * @param off File offset (-1: the current position).
 * @param rwFlags RWF_* flags.
 *
 * @example
 * ```ts
 * import { prepWritev } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = rwFlags;
}

/**
 * IORING_OP_READ_FIXED into registered buffer `bufIndex`.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param len Byte count.
 * @param off File offset (-1: the current position).
 * @param bufIndex Registered buffer index.
 *
 * @example
 * ```ts
 * import { prepReadFixed } from "@kernio/kernio/uring/raw";
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
  w[i + BUF_PERSONALITY] = bufIndex & 0xffff;
}

/**
 * IORING_OP_WRITE_FIXED from registered buffer `bufIndex`.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param len Byte count.
 * @param off File offset (-1: the current position).
 * @param bufIndex Registered buffer index.
 *
 * @example
 * ```ts
 * import { prepWriteFixed } from "@kernio/kernio/uring/raw";
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
  w[i + BUF_PERSONALITY] = bufIndex & 0xffff;
}

/**
 * IORING_OP_READV_FIXED: iovecs pointing into registered buffer `bufIndex`.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param iov Address of the iovec array.
 * @param nr Number of iovec entries.
 * @param off File offset (-1: the current position).
 * @param rwFlags RWF_* flags.
 * @param bufIndex Registered buffer index.
 *
 * @example
 * ```ts
 * import { prepReadvFixed } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = rwFlags;
  w[i + BUF_PERSONALITY] = bufIndex & 0xffff;
}

/**
 * IORING_OP_WRITEV_FIXED.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param iov Address of the iovec array.
 * @param nr Number of iovec entries.
 * @param off File offset (-1: the current position).
 * @param rwFlags RWF_* flags.
 * @param bufIndex Registered buffer index.
 *
 * @example
 * ```ts
 * import { prepWritevFixed } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = rwFlags;
  w[i + BUF_PERSONALITY] = bufIndex & 0xffff;
}

/**
 * IORING_OP_FSYNC (fsyncFlags: IORING_FSYNC_DATASYNC).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param fsyncFlags IORING_FSYNC_DATASYNC or 0.
 *
 * @example
 * ```ts
 * import { prepFsync } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = fsyncFlags;
}

/**
 * IORING_OP_FALLOCATE: mode in len, length in addr.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param mode Mode bits.
 * @param off File offset (-1: the current position).
 * @param len Byte count.
 *
 * @example
 * ```ts
 * import { prepFallocate } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param len Byte count.
 *
 * @example
 * ```ts
 * import { prepFtruncate } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param dfd Directory fd the path is relative to (AT_FDCWD: the working directory).
 * @param path Address of the NUL-terminated path.
 * @param flags The operation's flags word.
 * @param mode Mode bits.
 *
 * @example
 * ```ts
 * import { prepOpenat } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_OPENAT2: openat2(2) with a struct open_how (24 bytes) at `how`.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param dfd Directory fd the path is relative to (AT_FDCWD: the working directory).
 * @param path Address of the NUL-terminated path.
 * @param how Address of the struct open_how (24 bytes).
 *
 * @example
 * ```ts
 * import { prepOpenat2 } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepOpenat2(w, 0, -100, 0x1000, 0x2000);
 * ```
 */
export function prepOpenat2(
  w: Uint32Array,
  i: number,
  dfd: number,
  path: number,
  how: number,
): void {
  prepRw(w, i, IORING_OP.OPENAT2, dfd, path, 24, how);
}

/**
 * IORING_OP_OPENAT into a direct descriptor slot: prepOpenat with the
 * target slot (IORING_FILE_INDEX_ALLOC: the kernel picks one and returns it).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param dfd Directory fd the path is relative to (AT_FDCWD: the working directory).
 * @param path Address of the NUL-terminated path.
 * @param flags O_* open flags.
 * @param mode Mode bits.
 * @param fileIndex Direct descriptor slot (or IORING_FILE_INDEX_ALLOC).
 *
 * @example
 * ```ts
 * import { prepOpenatDirect } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepOpenatDirect(w, 0, -100, 0x1000, 0, 0, 4);
 * w[11]; // 5: the slot + 1 (file_index)
 * ```
 */
export function prepOpenatDirect(
  w: Uint32Array,
  i: number,
  dfd: number,
  path: number,
  flags: number,
  mode: number,
  fileIndex: number,
): void {
  prepOpenat(w, i, dfd, path, flags, mode);
  setSqeTargetFixedFile(w, i, fileIndex);
}

/**
 * IORING_OP_OPENAT2 into a direct descriptor slot: prepOpenat2 with the
 * target slot (IORING_FILE_INDEX_ALLOC: the kernel picks one).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param dfd Directory fd the path is relative to (AT_FDCWD: the working directory).
 * @param path Address of the NUL-terminated path.
 * @param how Address of the struct open_how (24 bytes).
 * @param fileIndex Direct descriptor slot (or IORING_FILE_INDEX_ALLOC).
 *
 * @example
 * ```ts
 * import { prepOpenat2Direct } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepOpenat2Direct(w, 0, -100, 0x1000, 0x2000, 0);
 * w[11]; // 1: slot 0
 * ```
 */
export function prepOpenat2Direct(
  w: Uint32Array,
  i: number,
  dfd: number,
  path: number,
  how: number,
  fileIndex: number,
): void {
  prepOpenat2(w, i, dfd, path, how);
  setSqeTargetFixedFile(w, i, fileIndex);
}

/**
 * IORING_OP_CLOSE of a normal descriptor.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 *
 * @example
 * ```ts
 * import { prepClose } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fileIndex Direct descriptor slot (IORING_FILE_INDEX_ALLOC: the kernel picks).
 *
 * @example
 * ```ts
 * import { prepCloseDirect } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param dfd Directory fd the path is relative to (AT_FDCWD: the working directory).
 * @param path Address of the NUL-terminated path.
 * @param flags The operation's flags word.
 * @param mask Wake mask.
 * @param statxbuf Address of a 256-byte struct statx.
 *
 * @example
 * ```ts
 * import { prepStatx } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_RENAMEAT: new dirfd in len, new path in off.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param oldDfd Directory fd of the old path.
 * @param oldPath Address of the NUL-terminated old path.
 * @param newDfd Directory fd of the new path.
 * @param newPath Address of the NUL-terminated new path.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepRenameat } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_UNLINKAT (flags: AT_REMOVEDIR).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param dfd Directory fd the path is relative to (AT_FDCWD: the working directory).
 * @param path Address of the NUL-terminated path.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepUnlinkat } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_MKDIRAT: mode in len.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param dfd Directory fd the path is relative to (AT_FDCWD: the working directory).
 * @param path Address of the NUL-terminated path.
 * @param mode Mode bits.
 *
 * @example
 * ```ts
 * import { prepMkdirat } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param target Address of the NUL-terminated link target.
 * @param newDfd Directory fd of the new path.
 * @param linkPath Address of the NUL-terminated path of the link to create.
 *
 * @example
 * ```ts
 * import { prepSymlinkat } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param oldDfd Directory fd of the old path.
 * @param oldPath Address of the NUL-terminated old path.
 * @param newDfd Directory fd of the new path.
 * @param newPath Address of the NUL-terminated new path.
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepLinkat } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_FGETXATTR: name in addr, value in off, size in len.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param name Address of the NUL-terminated attribute name.
 * @param value Address of the attribute value buffer.
 * @param len Byte count.
 *
 * @example
 * ```ts
 * import { prepFgetxattr } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param name Address of the NUL-terminated attribute name.
 * @param value Address of the attribute value buffer.
 * @param flags The operation's flags word.
 * @param len Byte count.
 *
 * @example
 * ```ts
 * import { prepFsetxattr } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_GETXATTR: the path travels in addr3.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param name Address of the NUL-terminated attribute name.
 * @param value Address of the attribute value buffer.
 * @param path Address of the NUL-terminated path.
 * @param len Byte count.
 *
 * @example
 * ```ts
 * import { prepGetxattr } from "@kernio/kernio/uring/raw";
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
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param name Address of the NUL-terminated attribute name.
 * @param value Address of the attribute value buffer.
 * @param path Address of the NUL-terminated path.
 * @param flags The operation's flags word.
 * @param len Byte count.
 *
 * @example
 * ```ts
 * import { prepSetxattr } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = flags;
  setSqeU64(w, i, 12, path);
}

/**
 * IORING_OP_SPLICE (offsets -1: none).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fdIn Source fd.
 * @param offIn Offset in fdIn (-1: none).
 * @param fdOut Destination fd.
 * @param offOut Offset in fdOut (-1: none).
 * @param nbytes Byte count.
 * @param spliceFlags SPLICE_F_* flags.
 *
 * @example
 * ```ts
 * import { prepSplice } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = spliceFlags;
  w[i + SPLICE_FD_IN] = fdIn;
}

/**
 * IORING_OP_TEE.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fdIn Source fd.
 * @param fdOut Destination fd.
 * @param nbytes Byte count.
 * @param spliceFlags SPLICE_F_* flags.
 *
 * @example
 * ```ts
 * import { prepTee } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = spliceFlags;
  w[i + SPLICE_FD_IN] = fdIn;
}

/**
 * IORING_OP_PIPE: the kernel writes two s32 fds at `fds`.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fds Address of the int array.
 * @param pipeFlags O_* flags of the pipe (O_CLOEXEC, O_NONBLOCK).
 *
 * @example
 * ```ts
 * import { prepPipe } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = pipeFlags;
}

/**
 * IORING_OP_SYNC_FILE_RANGE.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param len Byte count.
 * @param off File offset (-1: the current position).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepSyncFileRange } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_FADVISE.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param off File offset (-1: the current position).
 * @param len Byte count.
 * @param advice POSIX_FADV_* advice.
 *
 * @example
 * ```ts
 * import { prepFadvise } from "@kernio/kernio/uring/raw";
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
  w[i + OP_FLAGS] = advice;
}
