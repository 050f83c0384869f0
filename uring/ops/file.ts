// File operations of a ring: read and write (plain, vectored, fixed
// buffers), open and close, sync, metadata, extended attributes, splice,
// tee, pipe and advice.

import { O } from "../../zcall/constants.ts";
import { unsafeAddressOf, viewByteLength } from "../../zcall/memory.ts";
import { Iovecs } from "../../zcall/structs.ts";
import type { SQEContext } from "../context.ts";
import { OpenHow, Statx } from "../structs.ts";
import { OPS } from "./table.ts";
import { checkIovecsInside, checkOffset } from "./_args.ts";
import {
  checkBuf,
  checkInt32,
  checkLen,
  checkU32,
  cstring,
} from "../_validate.ts";
import { addrOf } from "../_addr.ts";
import type {
  FileOpOptions,
  ReadWriteOptions,
  SpliceOptions,
  SQEOptions,
  SyncOptions,
} from "./options.ts";
import { ringCore, SocketOps } from "./socket.ts";
import type { RingCore } from "../core/registration.ts";

// No object to keep alive.
const NONE = undefined;

/**
 * The file operations every {@linkcode Uring} has (with the socket
 * operations of {@linkcode SocketOps}): each checks its arguments, writes
 * one SQE and returns false when the submission queue is full even after
 * a flush.
 *
 * @example
 * ```ts
 * import { type FileOps, forFD, Uring } from "@kernio/kernio/uring";
 * const ring = new Uring({ entries: 8 });
 * const ops: FileOps = ring;
 * ops.read(forFD(0), new Uint8Array(64)); // true: queued
 * ring.stop();
 * ```
 */
export abstract class FileOps extends SocketOps {
  /** IORING_OP_READ into `buf` at o.offset (default -1: current position). */
  read(ctx: SQEContext, buf: ArrayBufferView, o?: ReadWriteOptions): boolean {
    return rw(ringCore(this), OPS.read, ctx, buf, o);
  }

  /** IORING_OP_WRITE from `buf`. */
  write(ctx: SQEContext, buf: ArrayBufferView, o?: ReadWriteOptions): boolean {
    return rw(ringCore(this), OPS.write, ctx, buf, o);
  }

  /** IORING_OP_READV over a zcall Iovecs (all entries). */
  readv(ctx: SQEContext, iovs: Iovecs, o?: ReadWriteOptions): boolean {
    return rwv(ringCore(this), OPS.readv, ctx, iovs, o);
  }

  /** IORING_OP_WRITEV. */
  writev(ctx: SQEContext, iovs: Iovecs, o?: ReadWriteOptions): boolean {
    return rwv(ringCore(this), OPS.writev, ctx, iovs, o);
  }

  /** IORING_OP_READ_FIXED into registered buffer `bufIndex` (o.n bytes). */
  readFixed(ctx: SQEContext, bufIndex: number, o?: ReadWriteOptions): boolean {
    // Pinned: unregisterBuffers() while this op is in flight must not free
    // the memory the kernel is still using.
    return rwFixed(ringCore(this), OPS.readFixed, ctx, bufIndex, o?.n, o);
  }

  /** IORING_OP_WRITE_FIXED from registered buffer `bufIndex` (first n bytes). */
  writeFixed(
    ctx: SQEContext,
    bufIndex: number,
    n: number,
    o?: ReadWriteOptions,
  ): boolean {
    return rwFixed(ringCore(this), OPS.writeFixed, ctx, bufIndex, n, o);
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
    return rwvFixed(ringCore(this), OPS.readvFixed, ctx, bufIndex, iovs, o);
  }

  /** IORING_OP_WRITEV_FIXED: gather from ranges of registered buffer `bufIndex`. */
  writevFixed(
    ctx: SQEContext,
    bufIndex: number,
    iovs: Iovecs,
    o?: ReadWriteOptions,
  ): boolean {
    return rwvFixed(ringCore(this), OPS.writevFixed, ctx, bufIndex, iovs, o);
  }

  /** IORING_OP_OPENAT relative to ctx's fd (AT_FDCWD via forFD(AT.FDCWD)). */
  openAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    flags: number,
    mode = 0,
    o?: FileOpOptions,
  ): boolean {
    const r = ringCore(this);
    const p = cstring("openAt", path);
    checkInt32("openAt flags", flags);
    checkU32("openAt mode", mode);
    const fd = r._fdFor("openAt", ctx);
    const f = flags | O.LARGEFILE;
    const m = o?.fileMode ?? mode;
    const a = unsafeAddressOf(p);
    const slot = o?.fileIndex;
    if (slot === undefined) {
      return r._submit(OPS.openAt, ctx, o, p, NONE, fd, a, f, m);
    }
    return r._submit(OPS.openAtDirect, ctx, o, p, NONE, fd, a, f, m, slot);
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
    const r = ringCore(this);
    const p = cstring("openAt2", path);
    if (!(how instanceof OpenHow)) {
      throw new TypeError("openAt2: how must be an OpenHow");
    }
    const fd = r._fdFor("openAt2", ctx);
    const a = unsafeAddressOf(p);
    const h = unsafeAddressOf(how.bytes);
    const slot = o?.fileIndex;
    if (slot === undefined) {
      return r._submit(OPS.openAt2, ctx, o, p, how, fd, a, h);
    }
    return r._submit(OPS.openAt2Direct, ctx, o, p, how, fd, a, h, slot);
  }

  /** IORING_OP_CLOSE of ctx's fd (o.fileIndex closes a direct slot instead). */
  close(ctx: SQEContext, o?: FileOpOptions): boolean {
    const r = ringCore(this);
    const slot = o?.fileIndex;
    if (slot === undefined) {
      return r._submit(OPS.close, ctx, o, NONE, NONE, r._fdFor("close", ctx));
    }
    checkU32("close fileIndex", slot);
    return r._submit(OPS.closeDirect, ctx, o, NONE, NONE, slot);
  }

  /** IORING_OP_FSYNC (o.fsyncFlags: IORING_FSYNC_DATASYNC). */
  fsync(ctx: SQEContext, o?: SyncOptions): boolean {
    const r = ringCore(this);
    const fd = r._fdFor("fsync", ctx);
    const flags = o?.fsyncFlags ?? 0;
    return r._submit(OPS.fsync, ctx, o, NONE, NONE, fd, flags);
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
    const r = ringCore(this);
    checkInt32("fallocate mode", mode);
    if (
      !(Number.isSafeInteger(offset) && offset >= 0 &&
        Number.isSafeInteger(length) && length > 0)
    ) {
      throw new RangeError(
        "fallocate: offset >= 0 and length > 0 must be safe integers",
      );
    }
    const fd = r._fdFor("fallocate", ctx);
    const d = OPS.fallocate;
    return r._submit(d, ctx, o, NONE, NONE, fd, mode, offset, length);
  }

  /** IORING_OP_FTRUNCATE. */
  ftruncate(ctx: SQEContext, length: number, o?: SQEOptions): boolean {
    const r = ringCore(this);
    if (!(Number.isSafeInteger(length) && length >= 0)) {
      throw new RangeError(`ftruncate: bad length ${length}`);
    }
    const fd = r._fdFor("ftruncate", ctx);
    return r._submit(OPS.ftruncate, ctx, o, NONE, NONE, fd, length);
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
    const r = ringCore(this);
    const buf = statxbuf instanceof Statx ? statxbuf.bytes : statxbuf;
    const p = cstring("statx", path);
    checkInt32("statx flags", flags);
    checkU32("statx mask", mask);
    if (!(buf instanceof Uint8Array) || viewByteLength(buf) < 256) {
      throw new RangeError(
        "statx: statxbuf must be a Uint8Array of at least 256 bytes",
      );
    }
    const fd = r._fdFor("statx", ctx);
    const a = unsafeAddressOf(p);
    const b = unsafeAddressOf(buf);
    return r._submit(OPS.statx, ctx, o, p, buf, fd, a, flags, mask, b);
  }

  /** IORING_OP_RENAMEAT (both paths relative to ctx's fd). */
  renameAt(
    ctx: SQEContext,
    oldPath: string | Uint8Array,
    newPath: string | Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    const a = cstring("renameAt", oldPath);
    const b = cstring("renameAt", newPath);
    checkU32("renameAt flags", flags);
    const fd = r._fdFor("renameAt", ctx);
    const pa = unsafeAddressOf(a);
    const pb = unsafeAddressOf(b);
    return r._submit(OPS.renameAt, ctx, o, a, b, fd, pa, fd, pb, flags);
  }

  /** IORING_OP_UNLINKAT (flags: AT_REMOVEDIR). */
  unlinkAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    const p = cstring("unlinkAt", path);
    checkU32("unlinkAt flags", flags);
    const fd = r._fdFor("unlinkAt", ctx);
    const a = unsafeAddressOf(p);
    return r._submit(OPS.unlinkAt, ctx, o, p, NONE, fd, a, flags);
  }

  /** IORING_OP_MKDIRAT. */
  mkdirAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    mode = 0o777,
    o?: FileOpOptions,
  ): boolean {
    const r = ringCore(this);
    const p = cstring("mkdirAt", path);
    checkU32("mkdirAt mode", mode);
    const fd = r._fdFor("mkdirAt", ctx);
    const a = unsafeAddressOf(p);
    const m = o?.fileMode ?? mode;
    return r._submit(OPS.mkdirAt, ctx, o, p, NONE, fd, a, m);
  }

  /** IORING_OP_SYMLINKAT: creates `linkPath` (relative to ctx's fd) -> `target`. */
  symlinkAt(
    ctx: SQEContext,
    target: string | Uint8Array,
    linkPath: string | Uint8Array,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    const t = cstring("symlinkAt", target);
    const l = cstring("symlinkAt", linkPath);
    const fd = r._fdFor("symlinkAt", ctx);
    const a = unsafeAddressOf(t);
    const b = unsafeAddressOf(l);
    return r._submit(OPS.symlinkAt, ctx, o, t, l, a, fd, b);
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
    const r = ringCore(this);
    checkInt32("linkAt oldDirfd", oldDirfd);
    const a = cstring("linkAt", oldPath);
    const b = cstring("linkAt", newPath);
    checkU32("linkAt flags", flags);
    const fd = r._fdFor("linkAt", ctx);
    const pa = unsafeAddressOf(a);
    const pb = unsafeAddressOf(b);
    return r._submit(OPS.linkAt, ctx, o, a, b, oldDirfd, pa, fd, pb, flags);
  }

  /** IORING_OP_FGETXATTR of ctx's fd into `value` (res: attribute length). */
  fgetXattr(
    ctx: SQEContext,
    name: string,
    value: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    const nm = cstring("fgetXattr", name);
    checkBuf("fgetXattr", value);
    const fd = r._fdFor("fgetXattr", ctx);
    const n = unsafeAddressOf(nm);
    const len = viewByteLength(value);
    const d = OPS.fgetXattr;
    return r._submit(d, ctx, o, nm, value, fd, n, addrOf(value), len);
  }

  /** IORING_OP_FSETXATTR (flags: XATTR_CREATE 1 / XATTR_REPLACE 2). */
  fsetXattr(
    ctx: SQEContext,
    name: string,
    value: Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    const nm = cstring("fsetXattr", name);
    checkBuf("fsetXattr", value);
    checkU32("fsetXattr flags", flags);
    const fd = r._fdFor("fsetXattr", ctx);
    const n = unsafeAddressOf(nm);
    const v = addrOf(value);
    const len = viewByteLength(value);
    return r._submit(OPS.fsetXattr, ctx, o, nm, value, fd, n, v, flags, len);
  }

  /** IORING_OP_GETXATTR of a path. */
  getXattr(
    ctx: SQEContext,
    path: string,
    name: string,
    value: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    const p = cstring("getXattr", path);
    const nm = cstring("getXattr", name);
    checkBuf("getXattr", value);
    const n = unsafeAddressOf(nm);
    const a = unsafeAddressOf(p);
    const len = viewByteLength(value);
    const keep = [p, nm];
    const d = OPS.getXattr;
    return r._submit(d, ctx, o, keep, value, n, addrOf(value), a, len);
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
    const r = ringCore(this);
    const p = cstring("setXattr", path);
    const nm = cstring("setXattr", name);
    checkBuf("setXattr", value);
    checkU32("setXattr flags", flags);
    const n = unsafeAddressOf(nm);
    const v = addrOf(value);
    const a = unsafeAddressOf(p);
    const len = viewByteLength(value);
    const keep = [p, nm];
    return r._submit(OPS.setXattr, ctx, o, keep, value, n, v, a, flags, len);
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
    const r = ringCore(this);
    checkInt32("splice fdIn", fdIn);
    checkU32("splice n", n);
    const fd = r._fdFor("splice", ctx);
    const off = o?.offset ?? -1;
    const flags = o?.spliceFlags ?? 0;
    const d = OPS.splice;
    return r._submit(d, ctx, o, NONE, NONE, fdIn, offIn, fd, off, n, flags);
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
    const r = ringCore(this);
    checkInt32("tee fdIn", fdIn);
    checkU32("tee length", length);
    const fd = r._fdFor("tee", ctx);
    const flags = o?.spliceFlags ?? 0;
    const d = OPS.tee;
    return r._submit(d, ctx, o, NONE, NONE, fdIn, fd, length, flags);
  }

  /** IORING_OP_PIPE: the kernel writes [read end, write end] into `fds`. */
  pipe(
    ctx: SQEContext,
    fds: Int32Array,
    pipeFlags = 0,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    if (!(fds instanceof Int32Array) || fds.length < 2) {
      throw new TypeError("pipe: fds must be an Int32Array(2)");
    }
    checkU32("pipe flags", pipeFlags);
    const a = unsafeAddressOf(fds);
    return r._submit(OPS.pipe, ctx, o, fds, NONE, a, pipeFlags);
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
    const r = ringCore(this);
    checkOffset("syncFileRange", offset);
    checkU32("syncFileRange length", length);
    checkU32("syncFileRange flags", syncFlags);
    const fd = r._fdFor("syncFileRange", ctx);
    const d = OPS.syncFileRange;
    return r._submit(d, ctx, o, NONE, NONE, fd, length, offset, syncFlags);
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
  fadvise(
    ctx: SQEContext,
    offset: number,
    length: number,
    advice: number,
    o?: SQEOptions,
  ): boolean {
    const r = ringCore(this);
    checkOffset("fadvise", offset);
    checkU32("fadvise length", length);
    checkU32("fadvise advice", advice);
    const fd = r._fdFor("fadvise", ctx);
    const d = OPS.fadvise;
    return r._submit(d, ctx, o, NONE, NONE, fd, offset, length, advice);
  }

  /**
   * The former name of {@linkcode UringOps.fsync}.
   *
   * @deprecated Use `fsync` (the same operation).
   */
  sync(ctx: SQEContext, o?: SyncOptions): boolean {
    return this.fsync(ctx, o);
  }

  /**
   * The former name of {@linkcode UringOps.readv}.
   *
   * @deprecated Use `readv` (the same operation).
   */
  readV(ctx: SQEContext, iovs: Iovecs, o?: ReadWriteOptions): boolean {
    return this.readv(ctx, iovs, o);
  }

  /**
   * The former name of {@linkcode UringOps.writev}.
   *
   * @deprecated Use `writev` (the same operation).
   */
  writeV(ctx: SQEContext, iovs: Iovecs, o?: ReadWriteOptions): boolean {
    return this.writev(ctx, iovs, o);
  }

  /**
   * The former name of {@linkcode FileOps.fadvise}.
   *
   * @deprecated Use `fadvise` (the same operation).
   */
  fileAdvise(
    ctx: SQEContext,
    offset: number,
    length: number,
    advice: number,
    o?: SQEOptions,
  ): boolean {
    return this.fadvise(ctx, offset, length, advice, o);
  }
}

// The read and write forms share their bodies: each pair differs only in
// its declaration (opcode, prep, name).

function rw(
  r: RingCore,
  d: typeof OPS.read,
  ctx: SQEContext,
  buf: ArrayBufferView,
  o: ReadWriteOptions | undefined,
): boolean {
  checkBuf(d.name, buf);
  const n = checkLen(d.name, buf, o?.n);
  const off = o?.offset ?? -1;
  const fd = r._fdFor(d.name, ctx);
  return r._submit(d, ctx, o, buf, NONE, fd, addrOf(buf), n, off);
}

function rwv(
  r: RingCore,
  d: typeof OPS.readv,
  ctx: SQEContext,
  iovs: Iovecs,
  o: ReadWriteOptions | undefined,
): boolean {
  if (!(iovs instanceof Iovecs)) {
    throw new TypeError(`${d.name}: expected an Iovecs`);
  }
  const fd = r._fdFor(d.name, ctx);
  const a = unsafeAddressOf(iovs.bytes);
  const off = o?.offset ?? -1;
  return r._submit(d, ctx, o, iovs, NONE, fd, a, iovs.count, off, 0);
}

// The registered buffer is pinned with the op.
function rwFixed(
  r: RingCore,
  d: typeof OPS.readFixed,
  ctx: SQEContext,
  bufIndex: number,
  n: number | undefined,
  o: ReadWriteOptions | undefined,
): boolean {
  const b = r._regBuf(d.name, bufIndex);
  const len = checkLen(d.name, b, n);
  const fd = r._fdFor(d.name, ctx);
  const off = o?.offset ?? -1;
  const a = unsafeAddressOf(b);
  return r._submit(d, ctx, o, b, NONE, fd, a, len, off, bufIndex);
}

function rwvFixed(
  r: RingCore,
  d: typeof OPS.readvFixed,
  ctx: SQEContext,
  bufIndex: number,
  iovs: Iovecs,
  o: ReadWriteOptions | undefined,
): boolean {
  const b = r._regBuf(d.name, bufIndex);
  checkIovecsInside(d.name, iovs, b, bufIndex);
  const fd = r._fdFor(d.name, ctx);
  const a = unsafeAddressOf(iovs.bytes);
  const off = o?.offset ?? -1;
  return r._submit(d, ctx, o, iovs, b, fd, a, iovs.count, off, 0, bufIndex);
}
