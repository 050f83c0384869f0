// io_uring_register(2) helpers over a ring fd: the register structs laid
// out once, typed errors on failure. Uring's methods delegate here; these
// are also usable directly on any ring fd (e.g. by the buffer-ring and zero-copy modules).

import { IORING_REGISTER } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";
import { unsafeAddressOf, viewByteLength } from "../zcall/memory.ts";
import { ioUringRegister, syscall6 } from "../zcall/syscalls.ts";
import { SYS } from "../zcall/sysnum.ts";
import { UringError, uringError } from "./errors.ts";
import { MemRegionReg } from "./structs.ts";
import { TWO32 } from "./_constants.ts";

/**
 * IORING_RSRC_REGISTER_SPARSE.
 *
 * @example
 * ```ts
 * import { IORING_RSRC_REGISTER_SPARSE } from "@kernio/kernio/uring";
 * IORING_RSRC_REGISTER_SPARSE; // 1
 * ```
 */
export const IORING_RSRC_REGISTER_SPARSE = 1;
/**
 * Clone-buffers flags: IORING_REGISTER_SRC_REGISTERED / DST_REPLACE.
 *
 * @example
 * ```ts
 * import { IORING_REGISTER_CLONE } from "@kernio/kernio/uring";
 * IORING_REGISTER_CLONE.DST_REPLACE; // 2
 * ```
 */
export const IORING_REGISTER_CLONE = {
  SRC_REGISTERED: 1 << 0,
  DST_REPLACE: 1 << 1,
} as const;

function setU64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v >>> 0, true);
  dv.setUint32(off + 4, Math.floor(v / TWO32) >>> 0, true);
}

function check(op: string, r: number): number {
  if (r < 0) throw uringError(op, r);
  return r;
}

function checkFds(
  where: string,
  fds: Int32Array | readonly number[],
): Int32Array {
  if (!(fds instanceof Int32Array) && !Array.isArray(fds)) {
    throw new TypeError(`${where}: expected an Int32Array or an array of fds`);
  }
  if (Array.isArray(fds)) {
    for (const v of fds) {
      if (!(Number.isInteger(v) && v >= -2 && v <= 0x7fffffff)) {
        throw new RangeError(`${where}: bad fd ${v}`);
      }
    }
  }
  const a = fds instanceof Int32Array ? fds : Int32Array.from(fds as number[]);
  for (let k = 0; k < a.length; k++) {
    if (a[k] < -2) throw new RangeError(`${where}: bad fd ${a[k]}`); // -2: skip
  }
  if (a.length === 0 || a.length > 1 << 20) {
    throw new RangeError(`${where}: expected 1..2^20 fds, got ${a.length}`);
  }
  return a;
}

/**
 * Raw io_uring_register passthrough with a typed error; returns the
 * kernel's non-negative result.
 *
 * @example
 * ```ts
 * import { register } from "@kernio/kernio/uring";
 * import { IORING_REGISTER } from "@kernio/kernio/zcall";
 * declare const ringFd: number;
 * register(ringFd, IORING_REGISTER.ENABLE_RINGS, null, 0);
 * ```
 */
export function register(
  fd: number,
  opcode: number,
  arg: Uint8Array | null,
  nrArgs: number,
): number {
  if (!Number.isInteger(opcode) || opcode < 0) {
    throw new RangeError(`register: bad opcode ${opcode}`);
  }
  if (!(Number.isInteger(nrArgs) && nrArgs >= 0 && nrArgs <= 0xffffffff)) {
    throw new RangeError(`register: bad nr_args ${nrArgs}`);
  }
  return check(
    `register opcode ${opcode}`,
    ioUringRegister(fd, opcode, arg, nrArgs),
  );
}

/**
 * IORING_REGISTER_FILES: a table of fds (-1 for empty slots).
 *
 * @example
 * ```ts
 * import { registerFiles } from "@kernio/kernio/uring";
 * declare const ringFd: number;
 * registerFiles(ringFd, [0, 1, -1]);
 * ```
 */
export function registerFiles(
  fd: number,
  fds: Int32Array | readonly number[],
): void {
  const a = checkFds("registerFiles", fds);
  check(
    "register files",
    ioUringRegister(
      fd,
      IORING_REGISTER.FILES,
      new Uint8Array(a.buffer, a.byteOffset, viewByteLength(a)),
      a.length,
    ),
  );
}

/**
 * IORING_REGISTER_FILES2 with IORING_RSRC_REGISTER_SPARSE: `count` empty slots.
 *
 * @example
 * ```ts
 * import { registerFilesSparse } from "@kernio/kernio/uring";
 * declare const ringFd: number;
 * registerFilesSparse(ringFd, 64);
 * ```
 */
export function registerFilesSparse(fd: number, count: number): void {
  if (!(Number.isInteger(count) && count >= 1 && count <= 1 << 20)) {
    throw new RangeError(
      `registerFilesSparse: count must be in 1..2^20, got ${count}`,
    );
  }
  const reg = new Uint8Array(32); // struct io_uring_rsrc_register
  const dv = new DataView(reg.buffer);
  dv.setUint32(0, count, true);
  dv.setUint32(4, IORING_RSRC_REGISTER_SPARSE, true);
  check(
    "register sparse files",
    ioUringRegister(fd, IORING_REGISTER.FILES2, reg, 32),
  );
}

/**
 * IORING_REGISTER_FILES_UPDATE: replaces slots from `offset` (-1 clears).
 * Returns the number of slots updated.
 *
 * @example
 * ```ts
 * import { registerFilesUpdate } from "@kernio/kernio/uring";
 * declare const ringFd: number;
 * registerFilesUpdate(ringFd, 0, [-1]);
 * ```
 */
export function registerFilesUpdate(
  fd: number,
  offset: number,
  fds: Int32Array | readonly number[],
): number {
  if (!(Number.isInteger(offset) && offset >= 0 && offset <= 0xffffffff)) {
    throw new RangeError(`registerFilesUpdate: bad offset ${offset}`);
  }
  const a = checkFds("registerFilesUpdate", fds);
  const upd = new Uint8Array(16); // struct io_uring_files_update
  const dv = new DataView(upd.buffer);
  dv.setUint32(0, offset, true);
  setU64(dv, 8, unsafeAddressOf(a));
  const r = ioUringRegister(fd, IORING_REGISTER.FILES_UPDATE, upd, a.length);
  void a; // keeps `a` alive across the call
  return check("update files", r);
}

/**
 * IORING_UNREGISTER_FILES.
 *
 * @example
 * ```ts
 * import { unregisterFiles } from "@kernio/kernio/uring";
 * declare const ringFd: number;
 * unregisterFiles(ringFd);
 * ```
 */
export function unregisterFiles(fd: number): void {
  check(
    "unregister files",
    ioUringRegister(fd, IORING_REGISTER.UNREGISTER_FILES, null, 0),
  );
}

/**
 * IORING_REGISTER_BUFFERS from a struct iovec array (`iovecs` bytes, `nr`
 * entries). The caller keeps the buffers alive while registered.
 *
 * @example
 * ```ts
 * import { registerBuffers } from "@kernio/kernio/uring";
 * import { Iovecs } from "@kernio/kernio/zcall";
 * declare const ringFd: number;
 * const iov = new Iovecs(1).set(0, new Uint8Array(4096));
 * registerBuffers(ringFd, iov.bytes, 1);
 * ```
 */
export function registerBuffers(
  fd: number,
  iovecs: Uint8Array,
  nr: number,
): void {
  if (
    !(Number.isInteger(nr) && nr >= 1 && nr <= 16384 &&
      viewByteLength(iovecs) >= nr * 16)
  ) {
    throw new RangeError(`registerBuffers: need 1..16384 iovecs, got ${nr}`);
  }
  const r = ioUringRegister(fd, IORING_REGISTER.BUFFERS, iovecs, nr);
  if (r === -Errno.ENOMEM) throw memlockError(iovecs, nr, r);
  check("register buffers", r);
}

// RLIMIT_MEMLOCK's resource number (asm-generic/resource.h, every Linux
// architecture kernio supports).
const RLIMIT_MEMLOCK = 8;

/** The soft RLIMIT_MEMLOCK in bytes (Infinity when unlimited), or NaN. */
function memlockLimit(): number {
  const rl = new Uint8Array(16);
  const r = syscall6(
    SYS.PRLIMIT64,
    0,
    RLIMIT_MEMLOCK,
    0,
    unsafeAddressOf(rl),
    0,
    0,
  );
  if (r < 0) return NaN;
  const dv = new DataView(rl.buffer);
  const hi = dv.getUint32(4, true), lo = dv.getUint32(0, true);
  return hi === 0xffffffff && lo === 0xffffffff ? Infinity : hi * 2 ** 32 + lo;
}

// ENOMEM from registering buffers is almost always the locked-memory limit:
// pinned pages count against RLIMIT_MEMLOCK unless the process has
// CAP_IPC_LOCK. Say so, with the size asked for and the limit.
function memlockError(iovecs: Uint8Array, nr: number, raw: number): UringError {
  const dv = new DataView(iovecs.buffer, iovecs.byteOffset, nr * 16);
  let bytes = 0;
  for (let k = 0; k < nr; k++) {
    bytes += dv.getUint32(k * 16 + 8, true) +
      dv.getUint32(k * 16 + 12, true) * 2 ** 32;
  }
  const limit = memlockLimit();
  const shown = Number.isNaN(limit)
    ? "unknown"
    : limit === Infinity
    ? "unlimited"
    : `${limit} bytes`;
  return new UringError(
    "register buffers",
    raw,
    `uring: register buffers: ENOMEM: pinning ${bytes} bytes in ${nr} ` +
      `buffers exceeds the locked-memory limit RLIMIT_MEMLOCK (${shown}; ` +
      "this process's other pinned memory counts too). Raise it (`ulimit -l`, " +
      "systemd LimitMEMLOCK=, docker --ulimit memlock=), grant CAP_IPC_LOCK, " +
      "or register less (the lockedBufferMem and writeBufferNum options).",
  );
}

/**
 * IORING_UNREGISTER_BUFFERS.
 *
 * @example
 * ```ts
 * import { unregisterBuffers } from "@kernio/kernio/uring";
 * declare const ringFd: number;
 * unregisterBuffers(ringFd);
 * ```
 */
export function unregisterBuffers(fd: number): void {
  check(
    "unregister buffers",
    ioUringRegister(fd, IORING_REGISTER.UNREGISTER_BUFFERS, null, 0),
  );
}

/**
 * IORING_REGISTER_EVENTFD (or EVENTFD_ASYNC): the ring signals `efd` when
 * it posts completions (and, with DEFER_TASKRUN, when task work is queued).
 *
 * @example
 * ```ts
 * import { registerEventfd } from "@kernio/kernio/uring";
 * declare const ringFd: number, efd: number;
 * registerEventfd(ringFd, efd);
 * ```
 */
export function registerEventfd(
  fd: number,
  efd: number,
  asyncOnly = false,
): void {
  if (!(Number.isInteger(efd) && efd >= 0)) {
    throw new RangeError(`registerEventfd: bad eventfd ${efd}`);
  }
  const arg = new Uint8Array(new Int32Array([efd]).buffer);
  check(
    "register eventfd",
    ioUringRegister(
      fd,
      asyncOnly ? IORING_REGISTER.EVENTFD_ASYNC : IORING_REGISTER.EVENTFD,
      arg,
      1,
    ),
  );
}

/**
 * IORING_UNREGISTER_EVENTFD.
 *
 * @example
 * ```ts
 * import { unregisterEventfd } from "@kernio/kernio/uring";
 * declare const ringFd: number;
 * unregisterEventfd(ringFd);
 * ```
 */
export function unregisterEventfd(fd: number): void {
  check(
    "unregister eventfd",
    ioUringRegister(fd, IORING_REGISTER.UNREGISTER_EVENTFD, null, 0),
  );
}

/**
 * IORING_REGISTER_ENABLE_RINGS: starts a ring created with R_DISABLED.
 *
 * @example
 * ```ts
 * import { enableRings } from "@kernio/kernio/uring";
 * declare const ringFd: number;
 * enableRings(ringFd);
 * ```
 */
export function enableRings(fd: number): void {
  check(
    "enable rings",
    ioUringRegister(fd, IORING_REGISTER.ENABLE_RINGS, null, 0),
  );
}

/**
 * IORING_REGISTER_CLONE_BUFFERS: copies `count` registered buffers from
 * ring `srcFd` (a registered ring index with SRC_REGISTERED).
 *
 * @example
 * ```ts
 * import { cloneBuffers } from "@kernio/kernio/uring";
 * declare const ringFd: number, srcRingFd: number;
 * cloneBuffers(ringFd, srcRingFd, 0, 0, 1, 0);
 * ```
 */
export function cloneBuffers(
  fd: number,
  srcFd: number,
  srcOff: number,
  dstOff: number,
  count: number,
  flags: number,
): void {
  for (
    const [n, v] of [["srcFd", srcFd], ["srcOff", srcOff], ["dstOff", dstOff], [
      "count",
      count,
    ], ["flags", flags]] as const
  ) {
    if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
      throw new RangeError(`cloneBuffers: bad ${n} ${v}`);
    }
  }
  const arg = new Uint8Array(32); // struct io_uring_clone_buffers
  const dv = new DataView(arg.buffer);
  dv.setUint32(0, srcFd, true);
  dv.setUint32(4, flags, true);
  dv.setUint32(8, srcOff, true);
  dv.setUint32(12, dstOff, true);
  dv.setUint32(16, count, true);
  check(
    "clone buffers",
    ioUringRegister(fd, IORING_REGISTER.CLONE_BUFFERS, arg, 1),
  );
}

/**
 * IORING_REGISTER_RING_FDS: registers ring `ringFd` in this thread's
 * registered-ring table (the kernel picks the slot) and returns the index.
 * Registered indexes name the ring without an fd lookup (e.g. the source
 * of {@linkcode cloneBuffersFromRegistered}). Up to 16 per thread.
 *
 * @example
 * ```ts
 * import { Uring } from "@kernio/kernio/uring";
 * import { registerRingFd, unregisterRingFd } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * const idx = registerRingFd(ring.fd);
 * unregisterRingFd(ring.fd, idx);
 * ```
 */
export function registerRingFd(ringFd: number): number {
  if (!(Number.isInteger(ringFd) && ringFd >= 0)) {
    throw new RangeError(`registerRingFd: bad fd ${ringFd}`);
  }
  const upd = new Uint8Array(16); // struct io_uring_rsrc_update
  const dv = new DataView(upd.buffer);
  dv.setUint32(0, 0xffffffff, true); // offset -1: any free slot
  setU64(dv, 8, ringFd);
  check(
    "register ring fd",
    ioUringRegister(ringFd, IORING_REGISTER.RING_FDS, upd, 1),
  );
  return dv.getUint32(0, true);
}

/**
 * IORING_REGISTER_UNREGISTER_RING_FDS: frees registered-ring slot `index`
 * (registered through `ringFd`, or any ring of this thread).
 *
 * @example
 * ```ts
 * import { Uring } from "@kernio/kernio/uring";
 * import { registerRingFd, unregisterRingFd } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * unregisterRingFd(ring.fd, registerRingFd(ring.fd));
 * ```
 */
export function unregisterRingFd(ringFd: number, index: number): void {
  if (!(Number.isInteger(index) && index >= 0 && index < 16)) {
    throw new RangeError(`unregisterRingFd: bad index ${index}`);
  }
  const upd = new Uint8Array(16);
  new DataView(upd.buffer).setUint32(0, index, true);
  check(
    "unregister ring fd",
    ioUringRegister(ringFd, IORING_REGISTER.UNREGISTER_RING_FDS, upd, 1),
  );
}

/**
 * Clones registered buffers from the ring at registered-ring index
 * `srcIndex` (see {@linkcode registerRingFd}) into ring `ringFd`
 * (IORING_REGISTER_CLONE_BUFFERS with IORING_REGISTER_SRC_REGISTERED).
 * `count` 0 clones all from `srcOff`; `replace` overwrites existing ones.
 *
 * @example
 * ```ts
 * import { Uring } from "@kernio/kernio/uring";
 * import { cloneBuffersFromRegistered, registerRingFd } from "@kernio/kernio/uring";
 * using src = new Uring({ entries: 8, lockedBufferMem: 8192 });
 * src.start();
 * using dst = new Uring({ entries: 8 });
 * cloneBuffersFromRegistered(dst.fd, registerRingFd(src.fd));
 * ```
 */
export function cloneBuffersFromRegistered(
  ringFd: number,
  srcIndex: number,
  srcOff = 0,
  dstOff = 0,
  count = 0,
  replace = false,
): void {
  cloneBuffers(
    ringFd,
    srcIndex,
    srcOff,
    dstOff,
    count,
    IORING_REGISTER_CLONE.SRC_REGISTERED |
      (replace ? IORING_REGISTER_CLONE.DST_REPLACE : 0),
  );
}

/**
 * IORING_REGISTER_MEM_REGION: registers the memory region `reg` points at
 * (a {@linkcode MemRegionReg} over a {@linkcode RegionDesc}). With
 * MemRegionReg.REG_WAIT_ARG the region holds {@linkcode RegWait} entries
 * for IORING_ENTER_EXT_ARG_REG waits, and the ring must not be started
 * yet (kernio rings are created disabled: register before `start()`).
 * For a kernel-allocated region the kernel fills in `region.mmapOffset`.
 *
 * @example
 * ```ts
 * import { MemRegionReg, RegionDesc, Uring } from "@kernio/kernio/uring";
 * import { registerMemRegion } from "@kernio/kernio/uring";
 * import { Mapping } from "@kernio/kernio/zcall";
 * using ring = new Uring({ entries: 8 });
 * using mem = Mapping.anonymous(4096);
 * const rd = new RegionDesc({ userAddr: mem.address, size: 4096, flags: RegionDesc.TYPE_USER });
 * registerMemRegion(ring.fd, new MemRegionReg(rd, MemRegionReg.REG_WAIT_ARG));
 * ring.start();
 * ```
 */
export function registerMemRegion(ringFd: number, reg: MemRegionReg): void {
  if (!(reg instanceof MemRegionReg)) {
    throw new TypeError("registerMemRegion: expected a MemRegionReg");
  }
  const r = ioUringRegister(ringFd, IORING_REGISTER.MEM_REGION, reg.bytes, 1);
  if (r === -22 && (reg.flags & MemRegionReg.REG_WAIT_ARG) !== 0) {
    throw new UringError(
      "register mem region",
      r,
      "uring: register mem region: EINVAL (a wait-argument region needs a ring that is not started yet, and a page-aligned user region)",
    );
  }
  check("register mem region", r);
}
