// Operation options: what every SQE takes, then one type per family of
// operations, and OpOptions with every field.

/**
 * What every operation accepts: SQE flags, I/O priority and personality.
 *
 * @example
 * ```ts
 * import type { SQEOptions } from "@kernio/kernio/uring";
 * import { IOSQE } from "@kernio/kernio/zcall";
 * const linked: SQEOptions = { flags: IOSQE.IO_LINK };
 * ```
 */
export interface SQEOptions {
  /** IOSQE_* flags, merged with the context's flags. */
  flags?: number;
  /** sqe->ioprio (I/O priority, or op flags such as IORING_ACCEPT_*). */
  ioprio?: number;
  /** Registered personality id (0: the caller's credentials). */
  personality?: number;
}

/**
 * Options of read, write and their vectored and fixed-buffer forms.
 *
 * @example
 * ```ts
 * import type { ReadWriteOptions } from "@kernio/kernio/uring";
 * const at4k: ReadWriteOptions = { offset: 4096, n: 512 };
 * ```
 */
export interface ReadWriteOptions extends SQEOptions {
  /** Byte count (default: the whole buffer). */
  n?: number;
  /** File offset (-1, the default: the current position). */
  offset?: number;
}

/**
 * Options of send, receive, sendMsg and recvMsg.
 *
 * @example
 * ```ts
 * import type { MessageOptions } from "@kernio/kernio/uring";
 * import { MSG } from "@kernio/kernio/zcall";
 * const o: MessageOptions = { msgFlags: MSG.NOSIGNAL };
 * ```
 */
export interface MessageOptions extends SQEOptions {
  /** Byte count (default: the whole buffer). */
  n?: number;
  /** MSG_* flags. */
  msgFlags?: number;
  /** Bytes to receive into a kernel-selected buffer (receive with a null buffer; default: the ring's readBufferSize). */
  readBufferSize?: number;
}

/**
 * Options of the socket and accept operations.
 *
 * @example
 * ```ts
 * import { IORING_FILE_INDEX_ALLOC, type SocketOpOptions } from "@kernio/kernio/uring";
 * const o: SocketOpOptions = { fileIndex: IORING_FILE_INDEX_ALLOC };
 * ```
 */
export interface SocketOpOptions extends SQEOptions {
  /** SOCK_* flags for socket, accept4 flags for accept (SOCK_CLOEXEC by default where allowed). */
  msgFlags?: number;
  /** Direct descriptor slot (IORING_FILE_INDEX_ALLOC lets the kernel pick). */
  fileIndex?: number;
}

/**
 * Options of listen.
 *
 * @example
 * ```ts
 * import type { ListenOptions } from "@kernio/kernio/uring";
 * const o: ListenOptions = { backlog: 128 };
 * ```
 */
export interface ListenOptions extends SQEOptions {
  /** Pending-connection queue length (default 511). */
  backlog?: number;
}

/**
 * Options of openAt, close and mkdirAt.
 *
 * @example
 * ```ts
 * import type { FileOpOptions } from "@kernio/kernio/uring";
 * const o: FileOpOptions = { fileMode: 0o644 };
 * ```
 */
export interface FileOpOptions extends SQEOptions {
  /** Direct descriptor slot: openAt opens into it, close closes it instead of the context's fd. */
  fileIndex?: number;
  /** Mode bits for a created file or directory. */
  fileMode?: number;
}

/**
 * Options of sync (fsync).
 *
 * @example
 * ```ts
 * import { IORING_FSYNC_DATASYNC, type SyncOptions } from "@kernio/kernio/uring";
 * const o: SyncOptions = { fsyncFlags: IORING_FSYNC_DATASYNC };
 * ```
 */
export interface SyncOptions extends SQEOptions {
  /** IORING_FSYNC_DATASYNC for fdatasync. */
  fsyncFlags?: number;
}

/**
 * Options of splice and tee.
 *
 * @example
 * ```ts
 * import type { SpliceOptions } from "@kernio/kernio/uring";
 * const o: SpliceOptions = { spliceFlags: 0 };
 * ```
 */
export interface SpliceOptions extends SQEOptions {
  /** Offset in the output file (-1, the default: none). */
  offset?: number;
  /** SPLICE_F_* flags. */
  spliceFlags?: number;
}

/**
 * Options of the timeout operations.
 *
 * @example
 * ```ts
 * import { IORING_TIMEOUT, type TimeoutOptions } from "@kernio/kernio/uring";
 * const o: TimeoutOptions = { timeoutFlags: IORING_TIMEOUT.BOOTTIME };
 * ```
 */
export interface TimeoutOptions extends SQEOptions {
  /**
   * The duration in milliseconds (fractions allowed), for a call that
   * leaves its duration argument undefined; when both are given they must
   * agree.
   */
  duration?: number;
  /** Completions after which the timeout fires (0: time only). */
  count?: number;
  /** IORING_TIMEOUT_* flags. */
  timeoutFlags?: number;
}

/**
 * The option fields of a socket command (SOCKET_URING_OP.GETSOCKOPT /
 * SETSOCKOPT): the kernel reads `level` and `optname`, and reads or writes
 * `optlen` bytes (default: all of `optval`) at `optval`.
 *
 * @example
 * ```ts
 * import type { SocketCmdFields } from "@kernio/kernio/uring";
 * const f: SocketCmdFields = { level: 1, optname: 8, optval: new Uint8Array(4) };
 * ```
 */
export interface SocketCmdFields {
  /** SOL_SOCKET, IPPROTO_TCP, … (getsockopt: SOL_SOCKET only). */
  level: number;
  /** The option name (SO_*, TCP_*, …). */
  optname: number;
  /** The value buffer (kept alive until the completion). */
  optval: Uint8Array;
  /** Bytes of optval to use (default: its length). */
  optlen?: number;
}

/**
 * Every option field any operation reads (each operation reads its own;
 * prefer the per-family types such as ReadWriteOptions).
 *
 * @example
 * ```ts
 * import type { OpOptions } from "@kernio/kernio/uring";
 * import { IOSQE } from "@kernio/kernio/zcall";
 * const linked: OpOptions = { flags: IOSQE.IO_LINK };
 * ```
 */
export interface OpOptions
  extends
    ReadWriteOptions,
    MessageOptions,
    SocketOpOptions,
    ListenOptions,
    FileOpOptions,
    SyncOptions,
    SpliceOptions,
    TimeoutOptions {}

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
