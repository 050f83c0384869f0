// Raw syscalls: io_uring_setup, io_uring_enter and io_uring_register (argument
// sizes checked per opcode).
// Each returns the kernel's result (-errno on failure) and never throws;
// see zcall/syscalls.ts for the rules every wrapper follows.

import { sym } from "../_ffi.ts";
import { viewBytes } from "../_views.ts";
import {
  EFAULT,
  EINVAL,
  notI32,
  notU32,
  privateCopy,
  rawError,
} from "../_syscall_args.ts";

/**
 * io_uring_setup(2): `params` is a 120-byte struct io_uring_params.
 *
 * @example
 * ```ts
 * import { ioUringSetup } from "@kernio/kernio/zcall";
 * const params = new Uint8Array(120);
 * const ringFd = ioUringSetup(8, params);
 * ```
 */
export function ioUringSetup(entries: number, params: Uint8Array): number {
  try {
    if (notU32(entries)) return EINVAL;
    return viewBytes(params) < 120
      ? EFAULT
      : sym.kio_io_uring_setup(entries >>> 0, params);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * io_uring_enter(2). `arg` is a sigset (with `argsz` 8), a struct
 * io_uring_getevents_arg with IORING_ENTER.EXT_ARG, or null.
 *
 * @example
 * ```ts
 * import { IORING_ENTER, ioUringEnter } from "@kernio/kernio/zcall";
 * declare const ringFd: number;
 * ioUringEnter(ringFd, 1, 1, IORING_ENTER.GETEVENTS, null, 0);
 * ```
 */
export function ioUringEnter(
  fd: number,
  toSubmit: number,
  minComplete: number,
  flags: number,
  arg: Uint8Array | null,
  argsz: number,
): number {
  try {
    if (
      notI32(fd) || notU32(toSubmit) || notU32(minComplete) || notU32(flags) ||
      notU32(argsz)
    ) {
      return EINVAL;
    }
    if (arg === null ? argsz !== 0 : !(argsz <= viewBytes(arg))) return EFAULT;
    return sym.kio_io_uring_enter(
      fd | 0,
      toSubmit >>> 0,
      minComplete >>> 0,
      flags >>> 0,
      arg,
      argsz >>> 0,
    );
  } catch (e) {
    return rawError(e);
  }
}

/**
 * io_uring_enter(2) without an arg pointer (no sigmask, no EXT_ARG): the
 * per-batch submit call of a ring, cheaper than ioUringEnter with `null`
 * because there is no buffer argument for Deno to unwrap.
 *
 * @example
 * ```ts
 * import { IORING_ENTER, ioUringEnter4 } from "@kernio/kernio/zcall";
 * declare const ringFd: number;
 * ioUringEnter4(ringFd, 1, 0, IORING_ENTER.GETEVENTS);
 * ```
 */
export function ioUringEnter4(
  fd: number,
  toSubmit: number,
  minComplete: number,
  flags: number,
): number {
  try {
    if (
      notI32(fd) || notU32(toSubmit) || notU32(minComplete) || notU32(flags)
    ) {
      return EINVAL;
    }
    return sym.kio_io_uring_enter4(
      fd | 0,
      toSubmit >>> 0,
      minComplete >>> 0,
      flags >>> 0,
    );
  } catch (e) {
    return rawError(e);
  }
}

/**
 * io_uring_enter(2) run on Deno's blocking thread pool: waits for
 * completions without blocking the event loop.
 *
 * @example
 * ```ts
 * import { IORING_ENTER, ioUringEnterAsync } from "@kernio/kernio/zcall";
 * declare const ringFd: number;
 * await ioUringEnterAsync(ringFd, 0, 1, IORING_ENTER.GETEVENTS, null, 0);
 * ```
 */
export function ioUringEnterAsync(
  fd: number,
  toSubmit: number,
  minComplete: number,
  flags: number,
  arg: Uint8Array | null,
  argsz: number,
): Promise<number> {
  try {
    if (
      notI32(fd) || notU32(toSubmit) || notU32(minComplete) || notU32(flags) ||
      notU32(argsz)
    ) {
      return Promise.resolve(EINVAL);
    }
    if (arg === null ? argsz !== 0 : !(argsz <= viewBytes(arg))) {
      return Promise.resolve(EFAULT);
    }
    return sym.kio_io_uring_enter_async(
      fd | 0,
      toSubmit >>> 0,
      minComplete >>> 0,
      flags >>> 0,
      arg === null ? null : privateCopy(arg, argsz),
      argsz >>> 0,
    );
  } catch (e) {
    return Promise.resolve(rawError(e));
  }
}

// What io_uring_register(2) reads or writes at `arg`, per opcode: a fixed
// struct size, or a size per nr_args, or nothing (the kernel refuses a
// non-null arg). [fixed bytes, bytes per nr_arg]; null: no memory touched.
const NONE = null;
const REGISTER_ARG: ReadonlyArray<readonly [number, number] | null> = [
  /* 0 BUFFERS: struct iovec[nr] */ [0, 16],
  /* 1 UNREGISTER_BUFFERS */ NONE,
  /* 2 FILES: __s32[nr] */ [0, 4],
  /* 3 UNREGISTER_FILES */ NONE,
  /* 4 EVENTFD: __s32 */ [4, 0],
  /* 5 UNREGISTER_EVENTFD */ NONE,
  /* 6 FILES_UPDATE: struct io_uring_files_update */ [16, 0],
  /* 7 EVENTFD_ASYNC: __s32 */ [4, 0],
  /* 8 PROBE: struct io_uring_probe + io_uring_probe_op[nr] */ [16, 8],
  /* 9 PERSONALITY */ NONE,
  /* 10 UNREGISTER_PERSONALITY (nr is the id) */ NONE,
  /* 11 RESTRICTIONS: struct io_uring_restriction[nr] */ [0, 16],
  /* 12 ENABLE_RINGS */ NONE,
  /* 13 FILES2: struct io_uring_rsrc_register (nr = its size) */ [32, 1],
  /* 14 FILES_UPDATE2: struct io_uring_rsrc_update2 (nr = size) */ [32, 1],
  /* 15 BUFFERS2: struct io_uring_rsrc_register (nr = size) */ [32, 1],
  /* 16 BUFFERS_UPDATE: struct io_uring_rsrc_update2 (nr = size) */ [32, 1],
  /* 17 IOWQ_AFF: a cpu mask of nr bytes */ [0, 1],
  /* 18 UNREGISTER_IOWQ_AFF */ NONE,
  /* 19 IOWQ_MAX_WORKERS: __u32[2], read and written */ [8, 0],
  /* 20 RING_FDS: struct io_uring_rsrc_update[nr] */ [0, 16],
  /* 21 UNREGISTER_RING_FDS: struct io_uring_rsrc_update[nr] */ [0, 16],
  /* 22 PBUF_RING: struct io_uring_buf_reg */ [40, 0],
  /* 23 UNREGISTER_PBUF_RING: struct io_uring_buf_reg */ [40, 0],
  /* 24 SYNC_CANCEL: struct io_uring_sync_cancel_reg */ [64, 0],
  /* 25 FILE_ALLOC_RANGE: struct io_uring_file_index_range */ [16, 0],
  /* 26 PBUF_STATUS: struct io_uring_buf_status */ [40, 0],
  /* 27 NAPI: struct io_uring_napi */ [16, 0],
  /* 28 UNREGISTER_NAPI: struct io_uring_napi (or null) */ [16, 0],
  /* 29 CLOCK: struct io_uring_clock_register */ [16, 0],
  /* 30 CLONE_BUFFERS: struct io_uring_clone_buffers */ [32, 0],
  /* 31 SEND_MSG_RING: struct io_uring_sqe */ [64, 0],
  /* 32 ZCRX_IFQ: struct io_uring_zcrx_ifq_reg */ [96, 0],
  /* 33 RESIZE_RINGS: struct io_uring_params */ [120, 0],
  /* 34 MEM_REGION: struct io_uring_mem_region_reg */ [32, 0],
  /* 35 QUERY: struct io_uring_query_hdr (a chain) */ [40, 0],
];
const REGISTER_USE_REGISTERED_RING = 0x8000_0000;

/**
 * io_uring_register(2) with an argument in JS memory (or null), checked per
 * opcode: the argument must hold at least the bytes the kernel reads or
 * writes for that opcode and `nrArgs` (a struct io_uring_probe plus 8 bytes
 * per probed op for PROBE, 16 bytes per iovec for BUFFERS, 4 per fd for
 * FILES, the fixed struct for the others), else -EFAULT. Opcodes this
 * table does not know return -EINVAL: pass them through
 * {@linkcode ioUringRegisterUnchecked}. Addresses inside the argument
 * structs (iovecs, buffer rings, regions) are raw, as with
 * {@linkcode unsafeRead}: the caller vouches for them.
 *
 * @example
 * ```ts
 * import { IORING_REGISTER, ioUringRegister } from "@kernio/kernio/zcall";
 * declare const ringFd: number;
 * ioUringRegister(ringFd, IORING_REGISTER.ENABLE_RINGS, null, 0);
 * const probe = new Uint8Array(16 + 8 * 64);
 * ioUringRegister(ringFd, IORING_REGISTER.PROBE, probe, 64);
 * ```
 */
export function ioUringRegister(
  fd: number,
  opcode: number,
  arg: Uint8Array | null,
  nrArgs: number,
): number {
  try {
    if (notI32(fd) || notU32(opcode) || notU32(nrArgs)) return EINVAL;
    const op = (opcode & ~REGISTER_USE_REGISTERED_RING) >>> 0;
    if (op >= REGISTER_ARG.length) return EINVAL;
    const shape = REGISTER_ARG[op];
    if (arg !== null) {
      const have = viewBytes(arg);
      if (have < 0) return EFAULT;
      if (shape !== null) {
        const [fixed, per] = shape;
        // FILES2-style opcodes pass the struct size as nr_args: at least
        // the struct, and at least what nr_args says.
        const need = per === 1 ? Math.max(fixed, nrArgs) : fixed + per * nrArgs;
        if (need > have) return EFAULT;
      }
    } else if (shape !== null && op !== 28) {
      // The kernel would read or write memory at address 0: EFAULT anyway.
      return EFAULT;
    }
    return sym.kio_io_uring_register(fd | 0, opcode >>> 0, arg, nrArgs >>> 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * io_uring_register(2) with no argument check: the door for opcodes newer
 * than {@linkcode ioUringRegister}'s table. Unsafe: the kernel reads or
 * writes whatever the opcode says at `arg`; the caller must size it.
 * Integer arguments are still checked (-EINVAL).
 *
 * @example
 * ```ts
 * import { ioUringRegisterUnchecked } from "@kernio/kernio/zcall";
 * declare const ringFd: number;
 * const ZCRX_CTRL = 36;
 * ioUringRegisterUnchecked(ringFd, ZCRX_CTRL, new Uint8Array(64), 0);
 * ```
 */
export function ioUringRegisterUnchecked(
  fd: number,
  opcode: number,
  arg: Uint8Array | null,
  nrArgs: number,
): number {
  try {
    if (notI32(fd) || notU32(opcode) || notU32(nrArgs)) return EINVAL;
    if (arg !== null && viewBytes(arg) < 0) return EFAULT;
    return sym.kio_io_uring_register(fd | 0, opcode >>> 0, arg, nrArgs >>> 0);
  } catch (e) {
    return rawError(e);
  }
}
