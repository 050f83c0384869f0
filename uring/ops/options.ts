// Per-operation options.

/**
 * Per-operation options. Each operation reads the fields it uses.
 *
 * @example
 * ```ts
 * import type { OpOptions } from "@kernio/kernio/uring";
 * import { IOSQE } from "@kernio/kernio/zcall";
 * const linked: OpOptions = { flags: IOSQE.IO_LINK };
 * ```
 */
export interface OpOptions {
  /** IOSQE_* flags, merged with the context's flags. */
  flags?: number;
  /** sqe->ioprio (I/O priority, or op flags such as IORING_ACCEPT_*). */
  ioprio?: number;
  /** Registered personality id (0: the caller's credentials). */
  personality?: number;
  /** Direct descriptor slot (IORING_FILE_INDEX_ALLOC to let the kernel pick). */
  fileIndex?: number;
  /** File offset (-1: current position, the default for read/write). */
  offset?: number;
  /** Byte count limit (default: the whole buffer). */
  n?: number;
  /** Completion count for timeouts. */
  count?: number;
  /** IORING_TIMEOUT_* flags. */
  timeoutFlags?: number;
  /** SPLICE_F_* flags. */
  spliceFlags?: number;
  /** IORING_FSYNC_DATASYNC. */
  fsyncFlags?: number;
  /** Mode for openat / mkdirat. */
  fileMode?: number;
  /** POSIX_FADV_* advice. */
  fadvise?: number;
  /** listen backlog. */
  backlog?: number;
  /** MSG_* flags for send/recv/sendmsg/recvmsg, or accept/socket flags. */
  msgFlags?: number;
  /** Kernel-provided buffer size for buffer-selected receives. */
  readBufferSize?: number;
  /** Write buffer sizing hint. */
  writeBufferSize?: number;
}

/**
 * An I/O priority from class (1 RT, 2 BE, 3 IDLE) and level (0..7).
 *
 * @example
 * ```ts
 * import { ioprioClass } from "@kernio/kernio/uring";
 * ioprioClass(2, 4); // best effort, level 4
 * ```
 */
export function ioprioClass(cls: number, level: number): number {
  if (!(Number.isInteger(cls) && cls >= 0 && cls <= 3)) {
    throw new RangeError(`ioprioClass: class must be 0..3, got ${cls}`);
  }
  if (!(Number.isInteger(level) && level >= 0 && level <= 7)) {
    throw new RangeError(`ioprioClass: level must be 0..7, got ${level}`);
  }
  return (cls << 13) | level;
}
