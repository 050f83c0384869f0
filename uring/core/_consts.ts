// Kernel constants the ring core uses (values from the io_uring and errno
// headers).

export const IORING_OFF_SQ_RING = 0;
export const IORING_OFF_SQES = 0x10000000;
export const IORING_SQ_CQ_OVERFLOW = 1 << 1;
export const IORING_SQ_TASKRUN = 1 << 2;
export const IOSQE_BUFFER_SELECT = 1 << 5;
export const IOSQE_CQE_SKIP_SUCCESS = 1 << 6;
export const PROT_RW = 0x3;
export const MAP_SHARED_POPULATE = 0x1 | 0x8000;
export const MAX_REG_BUFFERS = 16384;
export const ETIME = -62;
export const EINTR = -4;
export const EAGAIN = -11;
export const EBUSY = -16;
export const TWO32 = 4294967296;
export const ONE = new Uint8Array(new BigUint64Array([1n]).buffer);
