// Values the uring modules share, each an alias of an exported table (or of
// the kernel ABI where no table has it). Modules on hot paths copy what they
// use into module consts: V8 folds those, where an imported binding is
// loaded and hole-checked on every use.

import { IOSQE, MAP, PROT } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";
import { FUTEX2 } from "./sqe/layout.ts";

/** 2^32: splits and joins the u32 halves of 64-bit fields. */
export const TWO32 = 2 ** 32;

/** Negated errno values as the raw calls return them. */
export const EINTR = -Errno.EINTR;
/** See EINTR. */
export const EAGAIN = -Errno.EAGAIN;
/** See EINTR. */
export const EBUSY = -Errno.EBUSY;
/** See EINTR. */
export const ETIME = -Errno.ETIME;

/** IOSQE_* flags the core merges and strips. */
export const IOSQE_BUFFER_SELECT = IOSQE.BUFFER_SELECT;
/** See IOSQE_BUFFER_SELECT. */
export const IOSQE_CQE_SKIP_SUCCESS = IOSQE.CQE_SKIP_SUCCESS;

/** mmap arguments of the kernel-allocated rings. */
export const PROT_RW = PROT.READ | PROT.WRITE;
/** See PROT_RW. */
export const MAP_SHARED_POPULATE = MAP.SHARED | MAP.POPULATE;
/** IORING_OFF_SQ_RING / IORING_OFF_SQES: mmap offsets of the rings (io_uring.h). */
export const IORING_OFF_SQ_RING = 0;
/** See IORING_OFF_SQ_RING. */
export const IORING_OFF_SQES = 0x10000000;
/** sq_flags bits (io_uring.h): IORING_SQ_CQ_OVERFLOW, IORING_SQ_TASKRUN. */
export const IORING_SQ_CQ_OVERFLOW = 1 << 1;
/** See IORING_SQ_CQ_OVERFLOW. */
export const IORING_SQ_TASKRUN = 1 << 2;
/** The kernel registers at most this many fixed buffers. */
export const MAX_REG_BUFFERS = 16384;

/** futex2 flags of a 32-bit process-private futex (the futex ops' default). */
export const FUTEX2_U32_PRIVATE = FUTEX2.SIZE_U32 | FUTEX2.PRIVATE;

/** An eventfd increment of 1 (8 bytes). */
export const ONE = new Uint8Array(new BigUint64Array([1n]).buffer);
