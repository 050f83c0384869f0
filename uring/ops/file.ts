// File operations: read/write (plain, vectored, fixed), open/close, sync,
// metadata, xattrs, splice/tee/pipe, advice.

import { IORING_OP } from "../../zcall/constants.ts";
import { unsafeAddressOf, viewByteLength } from "../../zcall/memory.ts";
import { Iovecs } from "../../zcall/structs.ts";
import type { SQEContext } from "../context.ts";
import { OpenHow, Statx } from "../structs.ts";
import {
  prepClose,
  prepCloseDirect,
  prepFadvise,
  prepFallocate,
  prepFgetxattr,
  prepFsetxattr,
  prepFsync,
  prepFtruncate,
  prepGetxattr,
  prepLinkat,
  prepMkdirat,
  prepOpenat,
  prepOpenat2,
  prepPipe,
  prepRead,
  prepReadFixed,
  prepReadv,
  prepReadvFixed,
  prepRenameat,
  prepSetxattr,
  prepSplice,
  prepStatx,
  prepSymlinkat,
  prepSyncFileRange,
  prepTee,
  prepUnlinkat,
  prepWrite,
  prepWriteFixed,
  prepWritev,
  prepWritevFixed,
} from "../sqe/file.ts";
import { setSqeTargetFixedFile } from "../sqe/layout.ts";
import {
  checkBuf,
  checkInt32,
  checkLen,
  checkU32,
  cstring,
} from "../_validate.ts";
import type { RingCore } from "../core/registration.ts";
import type {
  FileOpOptions,
  ReadWriteOptions,
  SpliceOptions,
  SQEOptions,
  SyncOptions,
} from "./options.ts";
import { addrOf } from "../_addr.ts";

export function read(
  r: RingCore,
  ctx: SQEContext,
  buf: ArrayBufferView,
  o?: ReadWriteOptions,
): boolean {
  checkBuf("read", buf);
  const n = checkLen("read", buf, o?.n);
  const i = r._claimFor("read", ctx, o);
  if (i < 0) return false;
  prepRead(r._sqe, i, r._fdOf(ctx), addrOf(buf), n, o?.offset ?? -1);
  r._finish(i, ctx, o, buf, undefined);
  return true;
}

export function write(
  r: RingCore,
  ctx: SQEContext,
  buf: ArrayBufferView,
  o?: ReadWriteOptions,
): boolean {
  checkBuf("write", buf);
  const n = checkLen("write", buf, o?.n);
  const i = r._claimFor("write", ctx, o);
  if (i < 0) return false;
  prepWrite(r._sqe, i, r._fdOf(ctx), addrOf(buf), n, o?.offset ?? -1);
  r._finish(i, ctx, o, buf, undefined);
  return true;
}

export function readV(
  r: RingCore,
  ctx: SQEContext,
  iovs: Iovecs,
  o?: ReadWriteOptions,
): boolean {
  if (!(iovs instanceof Iovecs)) {
    throw new TypeError("readV: expected an Iovecs");
  }
  const i = r._claimFor("readV", ctx, o);
  if (i < 0) return false;
  prepReadv(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(iovs.bytes),
    iovs.count,
    o?.offset ?? -1,
    0,
  );
  r._finish(i, ctx, o, iovs, undefined);
  return true;
}

export function writeV(
  r: RingCore,
  ctx: SQEContext,
  iovs: Iovecs,
  o?: ReadWriteOptions,
): boolean {
  if (!(iovs instanceof Iovecs)) {
    throw new TypeError("writeV: expected an Iovecs");
  }
  const i = r._claimFor("writeV", ctx, o);
  if (i < 0) return false;
  prepWritev(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(iovs.bytes),
    iovs.count,
    o?.offset ?? -1,
    0,
  );
  r._finish(i, ctx, o, iovs, undefined);
  return true;
}

export function readFixed(
  r: RingCore,
  ctx: SQEContext,
  bufIndex: number,
  o?: ReadWriteOptions,
): boolean {
  const b = r._regBuf("readFixed", bufIndex);
  const n = checkLen("readFixed", b, o?.n);
  const i = r._claimFor("readFixed", ctx, o);
  if (i < 0) return false;
  prepReadFixed(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(b),
    n,
    o?.offset ?? -1,
    bufIndex,
  );
  // Pinned: unregisterBuffers() while this op is in flight must not free
  // the memory the kernel is still using.
  r._finish(i, ctx, o, b, undefined);
  return true;
}

export function writeFixed(
  r: RingCore,
  ctx: SQEContext,
  bufIndex: number,
  n: number,
  o?: ReadWriteOptions,
): boolean {
  const b = r._regBuf("writeFixed", bufIndex);
  const len = checkLen("writeFixed", b, n);
  const i = r._claimFor("writeFixed", ctx, o);
  if (i < 0) return false;
  prepWriteFixed(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(b),
    len,
    o?.offset ?? -1,
    bufIndex,
  );
  // Pinned: unregisterBuffers() while this op is in flight must not free
  // the memory the kernel is still using.
  r._finish(i, ctx, o, b, undefined);
  return true;
}

export function readvFixed(
  r: RingCore,
  ctx: SQEContext,
  bufIndex: number,
  iovs: Iovecs,
  o?: ReadWriteOptions,
): boolean {
  return rwvFixed(
    r,
    "readvFixed",
    IORING_OP.READV_FIXED,
    ctx,
    bufIndex,
    iovs,
    o,
  );
}

export function writevFixed(
  r: RingCore,
  ctx: SQEContext,
  bufIndex: number,
  iovs: Iovecs,
  o?: ReadWriteOptions,
): boolean {
  return rwvFixed(
    r,
    "writevFixed",
    IORING_OP.WRITEV_FIXED,
    ctx,
    bufIndex,
    iovs,
    o,
  );
}

function rwvFixed(
  r: RingCore,
  where: string,
  op: number,
  ctx: SQEContext,
  bufIndex: number,
  iovs: Iovecs,
  o?: ReadWriteOptions,
): boolean {
  const b = r._regBuf(where, bufIndex);
  if (!(iovs instanceof Iovecs)) {
    throw new TypeError(`${where}: expected an Iovecs`);
  }
  const lo = unsafeAddressOf(b);
  const hi = lo + viewByteLength(b);
  for (let k = 0; k < iovs.count; k++) {
    const a = iovs.address(k);
    if (a < lo || a + iovs.length(k) > hi) {
      throw new RangeError(
        `${where}: iovec ${k} is not inside registered buffer ${bufIndex}`,
      );
    }
  }
  const i = r._claimFor(where, ctx, o);
  if (i < 0) return false;
  const fn = op === IORING_OP.READV_FIXED ? prepReadvFixed : prepWritevFixed;
  fn(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(iovs.bytes),
    iovs.count,
    o?.offset ?? -1,
    0,
    bufIndex,
  );
  r._finish(i, ctx, o, iovs, b);
  return true;
}

export function openAt(
  r: RingCore,
  ctx: SQEContext,
  path: string | Uint8Array,
  flags: number,
  mode = 0,
  o?: FileOpOptions,
): boolean {
  const p = cstring("openAt", path);
  checkInt32("openAt flags", flags);
  checkU32("openAt mode", mode);
  const i = r._claimFor("openAt", ctx, o);
  if (i < 0) return false;
  prepOpenat(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(p),
    flags | 0x8000, /* O_LARGEFILE */
    o?.fileMode ?? mode,
  );
  if (o?.fileIndex !== undefined) {
    setSqeTargetFixedFile(r._sqe, i, o.fileIndex);
  }
  r._finish(i, ctx, o, p, undefined);
  return true;
}

export function openAt2(
  r: RingCore,
  ctx: SQEContext,
  path: string | Uint8Array,
  how: OpenHow,
  o?: FileOpOptions,
): boolean {
  const p = cstring("openAt2", path);
  if (!(how instanceof OpenHow)) {
    throw new TypeError("openAt2: how must be an OpenHow");
  }
  const i = r._claimFor("openAt2", ctx, o);
  if (i < 0) return false;
  prepOpenat2(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(p),
    unsafeAddressOf(how.bytes),
  );
  if (o?.fileIndex !== undefined) {
    setSqeTargetFixedFile(r._sqe, i, o.fileIndex);
  }
  r._finish(i, ctx, o, p, how);
  return true;
}

export function close(
  r: RingCore,
  ctx: SQEContext,
  o?: FileOpOptions,
): boolean {
  const i = r._claimFor("close", ctx, o);
  if (i < 0) return false;
  if (o?.fileIndex !== undefined) {
    checkU32("close fileIndex", o.fileIndex);
    prepCloseDirect(r._sqe, i, o.fileIndex);
  } else {
    prepClose(r._sqe, i, r._fdOf(ctx));
  }
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function sync(r: RingCore, ctx: SQEContext, o?: SyncOptions): boolean {
  const i = r._claimFor("sync", ctx, o);
  if (i < 0) return false;
  prepFsync(r._sqe, i, r._fdOf(ctx), o?.fsyncFlags ?? 0);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function fallocate(
  r: RingCore,
  ctx: SQEContext,
  mode: number,
  offset: number,
  length: number,
  o?: SQEOptions,
): boolean {
  checkInt32("fallocate mode", mode);
  if (
    !(Number.isSafeInteger(offset) && offset >= 0 &&
      Number.isSafeInteger(length) && length > 0)
  ) {
    throw new RangeError(
      "fallocate: offset >= 0 and length > 0 must be safe integers",
    );
  }
  const i = r._claimFor("fallocate", ctx, o);
  if (i < 0) return false;
  prepFallocate(r._sqe, i, r._fdOf(ctx), mode, offset, length);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function ftruncate(
  r: RingCore,
  ctx: SQEContext,
  length: number,
  o?: SQEOptions,
): boolean {
  if (!(Number.isSafeInteger(length) && length >= 0)) {
    throw new RangeError(`ftruncate: bad length ${length}`);
  }
  const i = r._claimFor("ftruncate", ctx, o);
  if (i < 0) return false;
  prepFtruncate(r._sqe, i, r._fdOf(ctx), length);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function statx(
  r: RingCore,
  ctx: SQEContext,
  path: string | Uint8Array,
  flags: number,
  mask: number,
  result: Uint8Array | Statx,
  o?: SQEOptions,
): boolean {
  const statxbuf = result instanceof Statx ? result.bytes : result;
  const p = cstring("statx", path);
  checkInt32("statx flags", flags);
  checkU32("statx mask", mask);
  if (!(statxbuf instanceof Uint8Array) || viewByteLength(statxbuf) < 256) {
    throw new RangeError(
      "statx: statxbuf must be a Uint8Array of at least 256 bytes",
    );
  }
  const i = r._claimFor("statx", ctx, o);
  if (i < 0) return false;
  prepStatx(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(p),
    flags,
    mask,
    unsafeAddressOf(statxbuf),
  );
  r._finish(i, ctx, o, p, statxbuf);
  return true;
}

export function renameAt(
  r: RingCore,
  ctx: SQEContext,
  oldPath: string | Uint8Array,
  newPath: string | Uint8Array,
  flags = 0,
  o?: SQEOptions,
): boolean {
  const a = cstring("renameAt", oldPath);
  const b = cstring("renameAt", newPath);
  checkU32("renameAt flags", flags);
  const dfd = r._fdOf(ctx);
  const i = r._claimFor("renameAt", ctx, o);
  if (i < 0) return false;
  prepRenameat(
    r._sqe,
    i,
    dfd,
    unsafeAddressOf(a),
    dfd,
    unsafeAddressOf(b),
    flags,
  );
  r._finish(i, ctx, o, a, b);
  return true;
}

export function unlinkAt(
  r: RingCore,
  ctx: SQEContext,
  path: string | Uint8Array,
  flags = 0,
  o?: SQEOptions,
): boolean {
  const p = cstring("unlinkAt", path);
  checkU32("unlinkAt flags", flags);
  const i = r._claimFor("unlinkAt", ctx, o);
  if (i < 0) return false;
  prepUnlinkat(r._sqe, i, r._fdOf(ctx), unsafeAddressOf(p), flags);
  r._finish(i, ctx, o, p, undefined);
  return true;
}

export function mkdirAt(
  r: RingCore,
  ctx: SQEContext,
  path: string | Uint8Array,
  mode = 0o777,
  o?: FileOpOptions,
): boolean {
  const p = cstring("mkdirAt", path);
  checkU32("mkdirAt mode", mode);
  const i = r._claimFor("mkdirAt", ctx, o);
  if (i < 0) return false;
  prepMkdirat(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(p),
    o?.fileMode ?? mode,
  );
  r._finish(i, ctx, o, p, undefined);
  return true;
}

export function symlinkAt(
  r: RingCore,
  ctx: SQEContext,
  target: string | Uint8Array,
  linkPath: string | Uint8Array,
  o?: SQEOptions,
): boolean {
  const t = cstring("symlinkAt", target);
  const l = cstring("symlinkAt", linkPath);
  const i = r._claimFor("symlinkAt", ctx, o);
  if (i < 0) return false;
  prepSymlinkat(
    r._sqe,
    i,
    unsafeAddressOf(t),
    r._fdOf(ctx),
    unsafeAddressOf(l),
  );
  r._finish(i, ctx, o, t, l);
  return true;
}

export function linkAt(
  r: RingCore,
  ctx: SQEContext,
  oldDirfd: number,
  oldPath: string | Uint8Array,
  newPath: string | Uint8Array,
  flags = 0,
  o?: SQEOptions,
): boolean {
  checkInt32("linkAt oldDirfd", oldDirfd);
  const a = cstring("linkAt", oldPath);
  const b = cstring("linkAt", newPath);
  checkU32("linkAt flags", flags);
  const i = r._claimFor("linkAt", ctx, o);
  if (i < 0) return false;
  prepLinkat(
    r._sqe,
    i,
    oldDirfd,
    unsafeAddressOf(a),
    r._fdOf(ctx),
    unsafeAddressOf(b),
    flags,
  );
  r._finish(i, ctx, o, a, b);
  return true;
}

export function fgetXattr(
  r: RingCore,
  ctx: SQEContext,
  name: string,
  value: Uint8Array,
  o?: SQEOptions,
): boolean {
  const nm = cstring("fgetXattr", name);
  checkBuf("fgetXattr", value);
  const i = r._claimFor("fgetXattr", ctx, o);
  if (i < 0) return false;
  prepFgetxattr(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(nm),
    addrOf(value),
    viewByteLength(value),
  );
  r._finish(i, ctx, o, nm, value);
  return true;
}

export function fsetXattr(
  r: RingCore,
  ctx: SQEContext,
  name: string,
  value: Uint8Array,
  flags = 0,
  o?: SQEOptions,
): boolean {
  const nm = cstring("fsetXattr", name);
  checkBuf("fsetXattr", value);
  checkU32("fsetXattr flags", flags);
  const i = r._claimFor("fsetXattr", ctx, o);
  if (i < 0) return false;
  prepFsetxattr(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(nm),
    addrOf(value),
    flags,
    viewByteLength(value),
  );
  r._finish(i, ctx, o, nm, value);
  return true;
}

export function getXattr(
  r: RingCore,
  ctx: SQEContext,
  path: string,
  name: string,
  value: Uint8Array,
  o?: SQEOptions,
): boolean {
  const p = cstring("getXattr", path);
  const nm = cstring("getXattr", name);
  checkBuf("getXattr", value);
  const i = r._claimFor("getXattr", ctx, o);
  if (i < 0) return false;
  prepGetxattr(
    r._sqe,
    i,
    unsafeAddressOf(nm),
    addrOf(value),
    unsafeAddressOf(p),
    viewByteLength(value),
  );
  r._finish(i, ctx, o, [p, nm], value);
  return true;
}

export function setXattr(
  r: RingCore,
  ctx: SQEContext,
  path: string,
  name: string,
  value: Uint8Array,
  flags = 0,
  o?: SQEOptions,
): boolean {
  const p = cstring("setXattr", path);
  const nm = cstring("setXattr", name);
  checkBuf("setXattr", value);
  checkU32("setXattr flags", flags);
  const i = r._claimFor("setXattr", ctx, o);
  if (i < 0) return false;
  prepSetxattr(
    r._sqe,
    i,
    unsafeAddressOf(nm),
    addrOf(value),
    unsafeAddressOf(p),
    flags,
    viewByteLength(value),
  );
  r._finish(i, ctx, o, [p, nm], value);
  return true;
}

export function splice(
  r: RingCore,
  ctx: SQEContext,
  fdIn: number,
  n: number,
  o?: SpliceOptions,
  offIn = -1,
): boolean {
  checkInt32("splice fdIn", fdIn);
  checkU32("splice n", n);
  const i = r._claimFor("splice", ctx, o);
  if (i < 0) return false;
  prepSplice(
    r._sqe,
    i,
    fdIn,
    offIn,
    r._fdOf(ctx),
    o?.offset ?? -1,
    n,
    o?.spliceFlags ?? 0,
  );
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function tee(
  r: RingCore,
  ctx: SQEContext,
  fdIn: number,
  length: number,
  o?: SpliceOptions,
): boolean {
  checkInt32("tee fdIn", fdIn);
  checkU32("tee length", length);
  const i = r._claimFor("tee", ctx, o);
  if (i < 0) return false;
  prepTee(r._sqe, i, fdIn, r._fdOf(ctx), length, o?.spliceFlags ?? 0);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function pipe(
  r: RingCore,
  ctx: SQEContext,
  fds: Int32Array,
  pipeFlags = 0,
  o?: SQEOptions,
): boolean {
  if (!(fds instanceof Int32Array) || fds.length < 2) {
    throw new TypeError("pipe: fds must be an Int32Array(2)");
  }
  checkU32("pipe flags", pipeFlags);
  const i = r._claimFor("pipe", ctx, o);
  if (i < 0) return false;
  prepPipe(r._sqe, i, unsafeAddressOf(fds), pipeFlags);
  r._finish(i, ctx, o, fds, undefined);
  return true;
}

export function syncFileRange(
  r: RingCore,
  ctx: SQEContext,
  offset: number,
  length: number,
  syncFlags = 0,
  o?: SQEOptions,
): boolean {
  if (!(Number.isSafeInteger(offset) && offset >= 0)) {
    throw new RangeError(`syncFileRange: bad offset ${offset}`);
  }
  checkU32("syncFileRange length", length);
  checkU32("syncFileRange flags", syncFlags);
  const i = r._claimFor("syncFileRange", ctx, o);
  if (i < 0) return false;
  prepSyncFileRange(
    r._sqe,
    i,
    r._fdOf(ctx),
    length,
    offset,
    syncFlags,
  );
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function fileAdvise(
  r: RingCore,
  ctx: SQEContext,
  offset: number,
  length: number,
  advice: number,
  o?: SQEOptions,
): boolean {
  if (!(Number.isSafeInteger(offset) && offset >= 0)) {
    throw new RangeError(`fileAdvise: bad offset ${offset}`);
  }
  checkU32("fileAdvise length", length);
  checkU32("fileAdvise advice", advice);
  const i = r._claimFor("fileAdvise", ctx, o);
  if (i < 0) return false;
  prepFadvise(r._sqe, i, r._fdOf(ctx), offset, length, advice);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}
