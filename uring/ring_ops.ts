// The operation methods of a ring: one per io_uring opcode (and the socket
// shorthands), each validating its arguments and writing one SQE through
// the ring core (uring/ops/ holds their bodies). Uring extends this class
// with the ring's lifecycle, submission, completion and registration.

// The public ring: `Uring` wraps the ring core (uring/core/: memory and
// lifecycle, submission and pins, completion and waits, registration) and
// exposes one method per operation (uring/ops/: sockets, files, control).

import type { Iovecs, Msghdr } from "../zcall/structs.ts";
import type { SQEContext } from "./context.ts";
import type { Options } from "./options.ts";
import type { OpenHow, Statx } from "./structs.ts";
import { IORING_FILE_INDEX_ALLOC, SOCKET_URING_OP } from "./sqe/layout.ts";
import { RingCore } from "./core/registration.ts";
import * as net from "./ops/net.ts";
import * as file from "./ops/file.ts";
import * as control from "./ops/control.ts";
import type { SockaddrInput } from "./_sockaddr.ts";
import type {
  FileOpOptions,
  ListenOptions,
  MessageOptions,
  ReadWriteOptions,
  SocketCmdFields,
  SocketOpOptions,
  SpliceOptions,
  SQEOptions,
  SyncOptions,
  TimeoutOptions,
} from "./ops/options.ts";
import { FUTEX2_U32_PRIVATE } from "./_constants.ts";

let coreOf: (ring: UringOps) => RingCore;

/** The ring core behind a Uring (internal). */
export function ringCore(ring: UringOps): RingCore {
  return coreOf(ring);
}

/**
 * The operation methods every {@linkcode Uring} has: one per io_uring
 * opcode, each writing one SQE straight into the submission queue and
 * returning false when the queue is full even after a flush (would-block
 * as a value). Nothing reaches the kernel until `submit()` or a wait.
 *
 * @example
 * ```ts
 * import { CQEView, forFD, Uring, type UringOps } from "@kernio/kernio/uring";
 * const ring: UringOps = new Uring({ entries: 8 });
 * ring.nop(forFD(0)); // true
 * (ring as Uring).stop();
 * ```
 */
export abstract class UringOps {
  #r: RingCore;

  /** Creates the ring core (see {@linkcode Uring}). */
  constructor(options?: Partial<Options>) {
    this.#r = new RingCore(options);
  }

  static {
    coreOf = (ring) => ring.#r;
  }

  /** IORING_OP_NOP. */
  nop(ctx: SQEContext, o?: SQEOptions): boolean {
    return this.#r.nop(ctx, o);
  }

  /**
   * IORING_OP_NOP128 (needs a ring with sqe128 and a kernel with the
   * opcode: NotSupportedError otherwise, probed before anything is queued).
   */
  nop128(ctx: SQEContext, o?: SQEOptions): boolean {
    return control.nop128(this.#r, ctx, o);
  }

  /**
   * IORING_OP_SOCKET with explicit domain/type/protocol (o.msgFlags: socket flags).
   *
   * @param ctx The submission context (its fd is ignored).
   * @param domain AF_* address family.
   * @param type SOCK_* type, with SOCK_NONBLOCK/SOCK_CLOEXEC.
   * @param protocol IPPROTO_* protocol (0: the default).
   * @param o SQE flags, ioprio and personality; also msgFlags: socket flags.
   * @returns false when the submission queue is full even after a flush.
   */
  socketRaw(
    ctx: SQEContext,
    domain: number,
    type: number,
    protocol: number,
    o?: SocketOpOptions,
  ): boolean {
    return net.socketRaw(this.#r, ctx, domain, type, protocol, o);
  }

  /**
   * IORING_OP_SOCKET into a direct slot (fileIndex; default IORING_FILE_INDEX_ALLOC).
   *
   * @param ctx The submission context (its fd is ignored).
   * @param domain AF_* address family.
   * @param type SOCK_* type (no SOCK_CLOEXEC).
   * @param protocol IPPROTO_* protocol (0: the default).
   * @param fileIndex Direct descriptor slot (default: the kernel picks).
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  socketDirect(
    ctx: SQEContext,
    domain: number,
    type: number,
    protocol: number,
    fileIndex: number = IORING_FILE_INDEX_ALLOC,
    o?: SocketOpOptions,
  ): boolean {
    return net.socketDirect(this.#r, ctx, domain, type, protocol, fileIndex, o);
  }

  /** TCP over IPv4 (SOCK_STREAM | SOCK_CLOEXEC). */
  tcp4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.tcp4Socket(this.#r, ctx, o);
  }

  /** TCP over IPv6. */
  tcp6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.tcp6Socket(this.#r, ctx, o);
  }

  /** UDP over IPv4. */
  udp4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udp4Socket(this.#r, ctx, o);
  }

  /** UDP over IPv6. */
  udp6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udp6Socket(this.#r, ctx, o);
  }

  /** UDP-Lite over IPv4. */
  udplite4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udplite4Socket(this.#r, ctx, o);
  }

  /** UDP-Lite over IPv6. */
  udplite6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udplite6Socket(this.#r, ctx, o);
  }

  /** SCTP over IPv4 (one-to-one style; EPROTONOSUPPORT without SCTP). */
  sctp4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.sctp4Socket(this.#r, ctx, o);
  }

  /** SCTP over IPv6. */
  sctp6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.sctp6Socket(this.#r, ctx, o);
  }

  /** Unix stream socket. */
  unixSocket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.unixSocket(this.#r, ctx, o);
  }

  /** TCP/IPv4 into a direct slot (o.fileIndex, default ALLOC). */
  tcp4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.tcp4SocketDirect(this.#r, ctx, o);
  }

  /** TCP/IPv6 into a direct slot. */
  tcp6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.tcp6SocketDirect(this.#r, ctx, o);
  }

  /** UDP/IPv4 into a direct slot. */
  udp4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udp4SocketDirect(this.#r, ctx, o);
  }

  /** UDP/IPv6 into a direct slot. */
  udp6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udp6SocketDirect(this.#r, ctx, o);
  }

  /** UDP-Lite/IPv4 into a direct slot. */
  udplite4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udplite4SocketDirect(this.#r, ctx, o);
  }

  /** UDP-Lite/IPv6 into a direct slot. */
  udplite6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udplite6SocketDirect(this.#r, ctx, o);
  }

  /** SCTP/IPv4 into a direct slot. */
  sctp4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.sctp4SocketDirect(this.#r, ctx, o);
  }

  /** SCTP/IPv6 into a direct slot. */
  sctp6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.sctp6SocketDirect(this.#r, ctx, o);
  }

  /** Unix stream socket into a direct slot. */
  unixSocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.unixSocketDirect(this.#r, ctx, o);
  }

  /**
   * IORING_OP_BIND of ctx's socket to `addr`: raw sockaddr bytes, a sock
   * address object (SockaddrInet4/6/Unix), or a Deno address shape
   * (Deno.NetAddr, `{ hostname, port }`, `{ path }`; IP literals and
   * "localhost", no DNS).
   */
  bind(ctx: SQEContext, addr: SockaddrInput, o?: SQEOptions): boolean {
    return net.bind(this.#r, ctx, addr, o);
  }

  /** IORING_OP_LISTEN (o.backlog, default 511). */
  listen(ctx: SQEContext, o?: ListenOptions): boolean {
    return net.listen(this.#r, ctx, o);
  }

  /**
   * IORING_OP_ACCEPT on ctx's listener (res: the new fd; o.msgFlags:
   * accept4 flags, default SOCK_CLOEXEC). With `peer` and `peerLen`
   * (a Uint32Array(1)), the kernel writes the peer sockaddr and its length.
   */
  accept(
    ctx: SQEContext,
    o?: SocketOpOptions,
    peer?: Uint8Array,
    peerLen?: Uint32Array,
  ): boolean {
    return net.accept(this.#r, ctx, o, peer, peerLen);
  }

  /** IORING_OP_ACCEPT into a direct slot (fileIndex or ALLOC). */
  acceptDirect(
    ctx: SQEContext,
    fileIndex: number = IORING_FILE_INDEX_ALLOC,
    o?: SocketOpOptions,
    peer?: Uint8Array,
    peerLen?: Uint32Array,
  ): boolean {
    return net.acceptDirect(this.#r, ctx, fileIndex, o, peer, peerLen);
  }

  /** IORING_OP_CONNECT of ctx's socket to `addr` (the shapes bind takes). */
  connect(ctx: SQEContext, addr: SockaddrInput, o?: SQEOptions): boolean {
    return net.connect(this.#r, ctx, addr, o);
  }

  /** IORING_OP_SHUTDOWN (how: SHUT_RD/WR/RDWR). */
  shutdown(ctx: SQEContext, how: number, o?: SQEOptions): boolean {
    return net.shutdown(this.#r, ctx, how, o);
  }

  /** IORING_OP_SEND of `buf` (o.n bytes, o.msgFlags). */
  send(ctx: SQEContext, buf: ArrayBufferView, o?: MessageOptions): boolean {
    return net.send(this.#r, ctx, buf, o);
  }

  /**
   * IORING_OP_RECV into `buf`: on a stream socket it completes once `buf`
   * (o.n bytes) is full, at end of stream or on an error (MSG_WAITALL);
   * pass `msgFlags` (e.g. 0) for whatever is there. With `buf` null, a
   * buffer-selected receive of what is there from ctx's buffer group
   * (IOSQE_BUFFER_SELECT, o.readBufferSize bytes at most; for extended
   * and indirect contexts, the group set with withBufGroup).
   */
  receive(
    ctx: SQEContext,
    buf: ArrayBufferView | null,
    o?: MessageOptions,
  ): boolean {
    return net.receive(this.#r, ctx, buf, o);
  }

  /**
   * IORING_OP_RECV_ZC: a multishot zero-copy receive on ctx's socket
   * through ZCRX instance `ifqId` (see registerZcrxIfq / ZCRXReceiver),
   * up to `n` bytes in total (0: unlimited). Each CQE: `res` bytes at the
   * area offset in `extra1Lo`/`extra1Hi` (a cqe32 ring).
   */
  receiveZeroCopy(
    ctx: SQEContext,
    n: number,
    ifqId: number,
    o?: MessageOptions,
  ): boolean {
    return net.receiveZeroCopy(this.#r, ctx, n, ifqId, o);
  }

  /**
   * IORING_OP_SENDMSG of a zcall Msghdr (kept alive with its buffers). With
   * `to` (the shapes bind takes), the message goes there: it becomes the
   * Msghdr's name.
   */
  sendMsg(
    ctx: SQEContext,
    msg: Msghdr,
    o?: MessageOptions,
    to?: SockaddrInput,
  ): boolean {
    return net.sendMsg(this.#r, ctx, msg, o, to);
  }

  /** IORING_OP_RECVMSG into a zcall Msghdr. */
  recvMsg(ctx: SQEContext, msg: Msghdr, o?: MessageOptions): boolean {
    return net.recvMsg(this.#r, ctx, msg, o);
  }

  /** IORING_OP_READ into `buf` at o.offset (default -1: current position). */
  read(ctx: SQEContext, buf: ArrayBufferView, o?: ReadWriteOptions): boolean {
    return file.read(this.#r, ctx, buf, o);
  }

  /** IORING_OP_WRITE from `buf`. */
  write(ctx: SQEContext, buf: ArrayBufferView, o?: ReadWriteOptions): boolean {
    return file.write(this.#r, ctx, buf, o);
  }

  /** IORING_OP_READV over a zcall Iovecs (all entries). */
  readV(ctx: SQEContext, iovs: Iovecs, o?: ReadWriteOptions): boolean {
    return file.readV(this.#r, ctx, iovs, o);
  }

  /** IORING_OP_WRITEV. */
  writeV(ctx: SQEContext, iovs: Iovecs, o?: ReadWriteOptions): boolean {
    return file.writeV(this.#r, ctx, iovs, o);
  }

  /** IORING_OP_READ_FIXED into registered buffer `bufIndex` (o.n bytes). */
  readFixed(ctx: SQEContext, bufIndex: number, o?: ReadWriteOptions): boolean {
    return file.readFixed(this.#r, ctx, bufIndex, o);
  }

  /** IORING_OP_WRITE_FIXED from registered buffer `bufIndex` (first n bytes). */
  writeFixed(
    ctx: SQEContext,
    bufIndex: number,
    n: number,
    o?: ReadWriteOptions,
  ): boolean {
    return file.writeFixed(this.#r, ctx, bufIndex, n, o);
  }

  /**
   * IORING_OP_READV_FIXED: scatter into ranges of registered buffer
   * `bufIndex` (the kernel resolves every iovec inside that one buffer), at
   * o.offset (default -1: current position).
   */
  readvFixed(
    ctx: SQEContext,
    bufIndex: number,
    iovs: Iovecs,
    o?: ReadWriteOptions,
  ): boolean {
    return file.readvFixed(this.#r, ctx, bufIndex, iovs, o);
  }

  /** IORING_OP_WRITEV_FIXED: gather from ranges of registered buffer `bufIndex`. */
  writevFixed(
    ctx: SQEContext,
    bufIndex: number,
    iovs: Iovecs,
    o?: ReadWriteOptions,
  ): boolean {
    return file.writevFixed(this.#r, ctx, bufIndex, iovs, o);
  }

  /** IORING_OP_OPENAT relative to ctx's fd (AT_FDCWD via forFD(AT.FDCWD)). */
  openAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    flags: number,
    mode = 0,
    o?: FileOpOptions,
  ): boolean {
    return file.openAt(this.#r, ctx, path, flags, mode, o);
  }

  /**
   * IORING_OP_OPENAT2 relative to ctx's fd: openat2(2) with an
   * {@linkcode OpenHow} (flags, mode, RESOLVE_* restrictions). The result
   * is the new fd (or the direct slot with o.fileIndex).
   */
  openAt2(
    ctx: SQEContext,
    path: string | Uint8Array,
    how: OpenHow,
    o?: FileOpOptions,
  ): boolean {
    return file.openAt2(this.#r, ctx, path, how, o);
  }

  /** IORING_OP_CLOSE of ctx's fd (o.fileIndex closes a direct slot instead). */
  close(ctx: SQEContext, o?: FileOpOptions): boolean {
    return file.close(this.#r, ctx, o);
  }

  /** IORING_OP_FSYNC (o.fsyncFlags: IORING_FSYNC_DATASYNC). */
  sync(ctx: SQEContext, o?: SyncOptions): boolean {
    return file.sync(this.#r, ctx, o);
  }

  /**
   * IORING_OP_FALLOCATE.
   *
   * @param ctx The submission context: its fd is the target, and it comes back as the CQE's user_data.
   * @param mode FALLOC_FL_* mode (0: allocate).
   * @param offset Start of the range in bytes.
   * @param length Length of the range in bytes.
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  fallocate(
    ctx: SQEContext,
    mode: number,
    offset: number,
    length: number,
    o?: SQEOptions,
  ): boolean {
    return file.fallocate(this.#r, ctx, mode, offset, length, o);
  }

  /** IORING_OP_FTRUNCATE. */
  ftruncate(ctx: SQEContext, length: number, o?: SQEOptions): boolean {
    return file.ftruncate(this.#r, ctx, length, o);
  }

  /** IORING_OP_STATX into a {@linkcode Statx} (or 256+ bytes of one). */
  statx(
    ctx: SQEContext,
    path: string | Uint8Array,
    flags: number,
    mask: number,
    statxbuf: Uint8Array | Statx,
    o?: SQEOptions,
  ): boolean {
    return file.statx(this.#r, ctx, path, flags, mask, statxbuf, o);
  }

  /** IORING_OP_RENAMEAT (both paths relative to ctx's fd). */
  renameAt(
    ctx: SQEContext,
    oldPath: string | Uint8Array,
    newPath: string | Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.renameAt(this.#r, ctx, oldPath, newPath, flags, o);
  }

  /** IORING_OP_UNLINKAT (flags: AT_REMOVEDIR). */
  unlinkAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.unlinkAt(this.#r, ctx, path, flags, o);
  }

  /** IORING_OP_MKDIRAT. */
  mkdirAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    mode = 0o777,
    o?: FileOpOptions,
  ): boolean {
    return file.mkdirAt(this.#r, ctx, path, mode, o);
  }

  /** IORING_OP_SYMLINKAT: creates `linkPath` (relative to ctx's fd) -> `target`. */
  symlinkAt(
    ctx: SQEContext,
    target: string | Uint8Array,
    linkPath: string | Uint8Array,
    o?: SQEOptions,
  ): boolean {
    return file.symlinkAt(this.#r, ctx, target, linkPath, o);
  }

  /** IORING_OP_LINKAT: hard link `newPath` (relative to ctx's fd) to `oldPath` (relative to oldDirfd). */
  linkAt(
    ctx: SQEContext,
    oldDirfd: number,
    oldPath: string | Uint8Array,
    newPath: string | Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.linkAt(this.#r, ctx, oldDirfd, oldPath, newPath, flags, o);
  }

  /** IORING_OP_FGETXATTR of ctx's fd into `value` (res: attribute length). */
  fgetXattr(
    ctx: SQEContext,
    name: string,
    value: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    return file.fgetXattr(this.#r, ctx, name, value, o);
  }

  /** IORING_OP_FSETXATTR (flags: XATTR_CREATE 1 / XATTR_REPLACE 2). */
  fsetXattr(
    ctx: SQEContext,
    name: string,
    value: Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.fsetXattr(this.#r, ctx, name, value, flags, o);
  }

  /** IORING_OP_GETXATTR of a path. */
  getXattr(
    ctx: SQEContext,
    path: string,
    name: string,
    value: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    return file.getXattr(this.#r, ctx, path, name, value, o);
  }

  /** IORING_OP_SETXATTR of a path. */
  setXattr(
    ctx: SQEContext,
    path: string,
    name: string,
    value: Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.setXattr(this.#r, ctx, path, name, value, flags, o);
  }

  /**
   * IORING_OP_SPLICE from `fdIn` into ctx's fd, `n` bytes. Offsets come
   * from o.offset (output) and `offIn` (input), -1 for none.
   *
   * @param ctx Context whose fd is the destination.
   * @param fdIn The source fd.
   * @param n Bytes to move.
   * @param o SQE flags, ioprio and personality; also offset (in the destination) and spliceFlags.
   * @param offIn Offset in the source (-1: none, for pipes).
   * @returns false when the submission queue is full even after a flush.
   */
  splice(
    ctx: SQEContext,
    fdIn: number,
    n: number,
    o?: SpliceOptions,
    offIn = -1,
  ): boolean {
    return file.splice(this.#r, ctx, fdIn, n, o, offIn);
  }

  /**
   * IORING_OP_TEE from pipe `fdIn` into ctx's pipe.
   *
   * @param ctx Context whose fd is the destination pipe.
   * @param fdIn The source pipe.
   * @param length Bytes to duplicate.
   * @param o SQE flags, ioprio and personality; also spliceFlags.
   * @returns false when the submission queue is full even after a flush.
   */
  tee(
    ctx: SQEContext,
    fdIn: number,
    length: number,
    o?: SpliceOptions,
  ): boolean {
    return file.tee(this.#r, ctx, fdIn, length, o);
  }

  /** IORING_OP_PIPE: the kernel writes [read end, write end] into `fds`. */
  pipe(
    ctx: SQEContext,
    fds: Int32Array,
    pipeFlags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.pipe(this.#r, ctx, fds, pipeFlags, o);
  }

  /**
   * IORING_OP_SYNC_FILE_RANGE.
   *
   * @param ctx The submission context: its fd is the target, and it comes back as the CQE's user_data.
   * @param offset Start of the range in bytes.
   * @param length Length of the range in bytes (0: to the end).
   * @param syncFlags SYNC_FILE_RANGE_* flags.
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  syncFileRange(
    ctx: SQEContext,
    offset: number,
    length: number,
    syncFlags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.syncFileRange(this.#r, ctx, offset, length, syncFlags, o);
  }

  /**
   * IORING_OP_FADVISE.
   *
   * @param ctx The submission context: its fd is the target, and it comes back as the CQE's user_data.
   * @param offset Start of the range in bytes.
   * @param length Length of the range in bytes (0: to the end).
   * @param advice POSIX_FADV_* advice.
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  fileAdvise(
    ctx: SQEContext,
    offset: number,
    length: number,
    advice: number,
    o?: SQEOptions,
  ): boolean {
    return file.fileAdvise(this.#r, ctx, offset, length, advice, o);
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
    return control.timeout(this.#r, ctx, ms, o);
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
    return control.timeoutRemove(this.#r, ctx, target, o);
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
    return control.timeoutUpdate(this.#r, ctx, target, ms, absolute, o);
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
    return control.linkTimeout(this.#r, ctx, ms, o);
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
    return control.asyncCancel(this.#r, ctx, target, o, cancelAll);
  }

  /** Cancels requests on ctx's fd (all of them if `cancelAll`; res = count). */
  asyncCancelFD(ctx: SQEContext, cancelAll = false, o?: SQEOptions): boolean {
    return control.asyncCancelFD(this.#r, ctx, cancelAll, o);
  }

  /** Cancels requests with opcode `opcode` (all if `cancelAll`). */
  asyncCancelOpcode(
    ctx: SQEContext,
    opcode: number,
    cancelAll = false,
    o?: SQEOptions,
  ): boolean {
    return control.asyncCancelOpcode(this.#r, ctx, opcode, cancelAll, o);
  }

  /**
   * Cancels pending requests matching anything (IORING_ASYNC_CANCEL_ANY).
   * The kernel treats ANY like ALL: res is the number cancelled, or
   * -ENOENT when nothing was pending.
   */
  asyncCancelAny(ctx: SQEContext, o?: SQEOptions): boolean {
    return control.asyncCancelAny(this.#r, ctx, o);
  }

  /** Cancels every pending request (res = count). */
  asyncCancelAll(ctx: SQEContext, o?: SQEOptions): boolean {
    return control.asyncCancelAll(this.#r, ctx, o);
  }

  /** IORING_OP_POLL_ADD (one shot) on ctx's fd. */
  pollAdd(ctx: SQEContext, events: number, o?: SQEOptions): boolean {
    return control.pollAdd(this.#r, ctx, events, o);
  }

  /**
   * Level-triggered one-shot poll. A one-shot poll already reports a
   * condition that holds when it is armed (level semantics), and Linux
   * (6.18 included) rejects IORING_POLL_ADD_LEVEL on POLL_ADD with EINVAL,
   * so this submits a plain one-shot poll.
   */
  pollAddLevel(ctx: SQEContext, events: number, o?: SQEOptions): boolean {
    return control.pollAddLevel(this.#r, ctx, events, o);
  }

  /** Multishot poll: one CQE per event with IORING_CQE_F_MORE until cancelled. */
  pollAddMultishot(ctx: SQEContext, events: number, o?: SQEOptions): boolean {
    return control.pollAddMultishot(this.#r, ctx, events, o);
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
    return control.pollAddMultishotLevel(this.#r, ctx, events, o);
  }

  /** IORING_OP_POLL_REMOVE of the poll submitted with `target`. */
  pollRemove(ctx: SQEContext, target: SQEContext, o?: SQEOptions): boolean {
    return control.pollRemove(this.#r, ctx, target, o);
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
    return control.pollUpdate(
      this.#r,
      ctx,
      target,
      newUserData,
      newEvents,
      updateFlags,
      o,
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
    return control.epollWait(this.#r, ctx, events, maxEvents, timeout, o);
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
    return control.futexWait(
      this.#r,
      ctx,
      word,
      index,
      val,
      mask,
      futexFlags,
      o,
    );
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
    return control.futexWake(
      this.#r,
      ctx,
      word,
      index,
      count,
      mask,
      futexFlags,
      o,
    );
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
    return control.futexWaitV(this.#r, ctx, waitv, count, keep, o);
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
    return control.waitid(this.#r, ctx, idtype, id, infop, options, o);
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
    return control.msgRing(this.#r, ctx, userData, result, o);
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
    return control.msgRingFD(
      this.#r,
      ctx,
      srcIndex,
      dstIndex,
      userData,
      skipCQE,
      o,
    );
  }

  /** IORING_OP_FIXED_FD_INSTALL: registered slot `fixedIndex` into a normal fd (res). */
  fixedFdInstall(
    ctx: SQEContext,
    fixedIndex: number,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return control.fixedFdInstall(this.#r, ctx, fixedIndex, flags, o);
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
    return control.filesUpdate(this.#r, ctx, fds, offset, o);
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
    return control.uringCmd(this.#r, ctx, cmdOp, cmdData, o);
  }

  /**
   * getsockopt through io_uring (SOCKET_URING_OP.GETSOCKOPT): the kernel
   * writes the value into `optval`; the CQE result is its length. The
   * kernel serves level SOL_SOCKET only (others: -EOPNOTSUPP).
   */
  socketGetsockopt(
    ctx: SQEContext,
    level: number,
    optname: number,
    optval: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    return control.socketCmd(
      this.#r,
      "socketGetsockopt",
      ctx,
      SOCKET_URING_OP.GETSOCKOPT,
      { level, optname, optval },
      o,
    );
  }

  /** setsockopt through io_uring (SOCKET_URING_OP.SETSOCKOPT; any level). */
  socketSetsockopt(
    ctx: SQEContext,
    level: number,
    optname: number,
    optval: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    return control.socketCmd(
      this.#r,
      "socketSetsockopt",
      ctx,
      SOCKET_URING_OP.SETSOCKOPT,
      { level, optname, optval },
      o,
    );
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
    return control.uringCmd128(this.#r, ctx, cmdOp, cmdData, o);
  }
}
