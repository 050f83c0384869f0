// Raw syscalls: the generic entry points, read/write and their vectored and
// positioned forms, close.
// Each returns the kernel's result (-errno on failure) and never throws;
// see zcall/syscalls.ts for the rules every wrapper follows.

import { sym } from "../_ffi.ts";
import { staleStruct } from "../_pinned.ts";
import {
  badOffset,
  EFAULT,
  EINVAL,
  ioLength,
  lengthError,
  MAX_ADDR,
  MAX_IO,
  notI32,
  notInt,
  notU32,
  rawError,
  records,
  TWO32,
} from "../_syscall_args.ts";

/**
 * Generic 6-argument syscall with every argument a Number (exact below 2^53;
 * stays on Deno's fast call path). Pointers can be passed as addresses from
 * {@linkcode unsafeAddressOf}.
 *
 * @example
 * ```ts
 * import { SYS, syscall6 } from "@kernio/kernio/zcall";
 * syscall6(SYS.GETPID, 0, 0, 0, 0, 0, 0) === Deno.pid; // true
 * ```
 */
export function syscall6(
  nr: number,
  a1: number,
  a2: number,
  a3: number,
  a4: number,
  a5: number,
  a6: number,
): number {
  try {
    return sym.kio_syscall6f(nr, a1, a2, a3, a4, a5, a6);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * Generic 4-argument syscall (see {@linkcode syscall6}).
 *
 * @example
 * ```ts
 * import { SYS, syscall4 } from "@kernio/kernio/zcall";
 * syscall4(SYS.CLOSE, -1, 0, 0, 0); // -9 (EBADF)
 * ```
 */
export function syscall4(
  nr: number,
  a1: number,
  a2: number,
  a3: number,
  a4: number,
): number {
  try {
    return sym.kio_syscall6f(nr, a1, a2, a3, a4, 0, 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * Generic 6-argument syscall with full 64-bit BigInt arguments, for values
 * that do not fit a double exactly (masks with the top bits set). Slower than
 * {@linkcode syscall6}: BigInt arguments are converted on every call.
 *
 * @example
 * ```ts
 * import { SYS, syscall6Big } from "@kernio/kernio/zcall";
 * syscall6Big(BigInt(SYS.GETPID), 0n, 0n, 0n, 0n, 0n, 0n);
 * ```
 */
export function syscall6Big(
  nr: bigint,
  a1: bigint,
  a2: bigint,
  a3: bigint,
  a4: bigint,
  a5: bigint,
  a6: bigint,
): bigint {
  try {
    return BigInt(sym.kio_syscall6(nr, a1, a2, a3, a4, a5, a6));
  } catch (e) {
    return BigInt(rawError(e));
  }
}

/**
 * read(2) into `buf` (up to `length` bytes, default its byteLength).
 *
 * @example
 * ```ts
 * import { read } from "@kernio/kernio/zcall";
 * const n = read(0, new Uint8Array(64)); // bytes read, 0 at EOF, or -errno
 * ```
 */
export function read(fd: number, buf: Uint8Array, length?: number): number {
  try {
    if (notI32(fd)) return EINVAL;
    const n = ioLength(buf, length);
    return n < 0 ? lengthError(n) : sym.kio_read(fd | 0, buf, n);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * write(2) from `buf` (up to `length` bytes, default its byteLength).
 *
 * @example
 * ```ts
 * import { write } from "@kernio/kernio/zcall";
 * write(1, new TextEncoder().encode("hello\n"));
 * ```
 */
export function write(fd: number, buf: Uint8Array, length?: number): number {
  try {
    if (notI32(fd)) return EINVAL;
    const n = ioLength(buf, length);
    return n < 0 ? lengthError(n) : sym.kio_write(fd | 0, buf, n);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * read(2) into raw memory at `address` (a Number from
 * {@linkcode unsafeAddressOf}, a {@linkcode Mapping}, or an SQE buffer).
 * Cheaper per call than {@linkcode read}, whose typed-array argument Deno
 * unwraps on every call; meant for hot loops that compute the address once.
 * Unsafe: the kernel writes `length` bytes there, so the memory must be
 * live, writable and at least that long. Non-positive or non-integer
 * addresses give -EFAULT.
 *
 * @example
 * ```ts
 * import { unsafeAddressOf, unsafeRead } from "@kernio/kernio/zcall";
 * const buf = new Uint8Array(64);
 * const addr = unsafeAddressOf(buf); // once, outside the loop
 * unsafeRead(0, addr, buf.byteLength);
 * ```
 */
export function unsafeRead(
  fd: number,
  address: number,
  length: number,
): number {
  try {
    if (!(address > 0 && address <= MAX_ADDR)) return EFAULT;
    if (Math.trunc(address) !== address) return EFAULT;
    if (notI32(fd) || notU32(length) || length > MAX_IO) return EINVAL;
    return sym.kio_read_addr(fd | 0, address, length >>> 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * write(2) from raw memory at `address` (see {@linkcode unsafeRead}).
 *
 * @example
 * ```ts
 * import { unsafeAddressOf, unsafeWrite } from "@kernio/kernio/zcall";
 * const msg = new TextEncoder().encode("hi\n");
 * unsafeWrite(1, unsafeAddressOf(msg), msg.byteLength);
 * ```
 */
export function unsafeWrite(
  fd: number,
  address: number,
  length: number,
): number {
  try {
    if (!(address > 0 && address <= MAX_ADDR)) return EFAULT;
    if (Math.trunc(address) !== address) return EFAULT;
    if (notI32(fd) || notU32(length) || length > MAX_IO) return EINVAL;
    return sym.kio_write_addr(fd | 0, address, length >>> 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * readv(2) over an iovec array (see {@linkcode Iovecs}).
 *
 * @example
 * ```ts
 * import { Iovecs, readv } from "@kernio/kernio/zcall";
 * const iov = new Iovecs(2);
 * iov.set(0, new Uint8Array(4)).set(1, new Uint8Array(4));
 * readv(0, iov.bytes, iov.count);
 * ```
 */
export function readv(fd: number, iov: Uint8Array, iovcnt: number): number {
  try {
    if (staleStruct(iov)) return EFAULT;
    if (notI32(fd) || notInt(iovcnt)) return EINVAL;
    return !(iovcnt >= 0 && iovcnt <= records(iov, 16))
      ? EFAULT
      : sym.kio_readv(fd | 0, iov, iovcnt | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * writev(2) over an iovec array.
 *
 * @example
 * ```ts
 * import { Iovecs, writev } from "@kernio/kernio/zcall";
 * const iov = new Iovecs(1).set(0, new TextEncoder().encode("hi\n"));
 * writev(1, iov.bytes, iov.count);
 * ```
 */
export function writev(fd: number, iov: Uint8Array, iovcnt: number): number {
  try {
    if (staleStruct(iov)) return EFAULT;
    if (notI32(fd) || notInt(iovcnt)) return EINVAL;
    return !(iovcnt >= 0 && iovcnt <= records(iov, 16))
      ? EFAULT
      : sym.kio_writev(fd | 0, iov, iovcnt | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * preadv(2): readv at a file offset (a Number up to 2^53).
 *
 * @example
 * ```ts
 * import { Iovecs, preadv } from "@kernio/kernio/zcall";
 * const iov = new Iovecs(1).set(0, new Uint8Array(16));
 * preadv(3, iov.bytes, 1, 4096);
 * ```
 */
export function preadv(
  fd: number,
  iov: Uint8Array,
  iovcnt: number,
  offset: number,
): number {
  try {
    if (staleStruct(iov)) return EFAULT;
    if (notI32(fd) || notInt(iovcnt)) return EINVAL;
    if (!(iovcnt >= 0 && iovcnt <= records(iov, 16))) return EFAULT;
    if (badOffset(offset) || offset < 0) return EINVAL;
    return sym.kio_preadv(
      fd | 0,
      iov,
      iovcnt | 0,
      offset % TWO32,
      Math.floor(offset / TWO32),
    );
  } catch (e) {
    return rawError(e);
  }
}

/**
 * pwritev(2): writev at a file offset.
 *
 * @example
 * ```ts
 * import { Iovecs, pwritev } from "@kernio/kernio/zcall";
 * const iov = new Iovecs(1).set(0, new Uint8Array(16));
 * pwritev(3, iov.bytes, 1, 0);
 * ```
 */
export function pwritev(
  fd: number,
  iov: Uint8Array,
  iovcnt: number,
  offset: number,
): number {
  try {
    if (staleStruct(iov)) return EFAULT;
    if (notI32(fd) || notInt(iovcnt)) return EINVAL;
    if (!(iovcnt >= 0 && iovcnt <= records(iov, 16))) return EFAULT;
    if (badOffset(offset) || offset < 0) return EINVAL;
    return sym.kio_pwritev(
      fd | 0,
      iov,
      iovcnt | 0,
      offset % TWO32,
      Math.floor(offset / TWO32),
    );
  } catch (e) {
    return rawError(e);
  }
}

// -1 means "current file position" for preadv2/pwritev2. The halves are
// computed inline (no [lo, hi] tuple) so these calls allocate nothing.
function offsetLo(offset: number): number {
  return offset === -1 ? 0xffffffff : offset % TWO32;
}
function offsetHi(offset: number): number {
  return offset === -1 ? 0xffffffff : Math.floor(offset / TWO32);
}

/**
 * preadv2(2): preadv with RWF flags; offset -1 reads at the file position.
 *
 * @example
 * ```ts
 * import { Iovecs, preadv2, RWF } from "@kernio/kernio/zcall";
 * const iov = new Iovecs(1).set(0, new Uint8Array(16));
 * preadv2(3, iov.bytes, 1, 0, RWF.NOWAIT);
 * ```
 */
export function preadv2(
  fd: number,
  iov: Uint8Array,
  iovcnt: number,
  offset: number,
  flags: number,
): number {
  try {
    if (staleStruct(iov)) return EFAULT;
    if (notI32(fd) || notInt(iovcnt) || notI32(flags)) return EINVAL;
    if (!(iovcnt >= 0 && iovcnt <= records(iov, 16))) return EFAULT;
    if (badOffset(offset)) return EINVAL;
    return sym.kio_preadv2(
      fd | 0,
      iov,
      iovcnt | 0,
      offsetLo(offset),
      offsetHi(offset),
      flags | 0,
    );
  } catch (e) {
    return rawError(e);
  }
}

/**
 * pwritev2(2): pwritev with RWF flags; offset -1 writes at the file position.
 *
 * @example
 * ```ts
 * import { Iovecs, pwritev2, RWF } from "@kernio/kernio/zcall";
 * const iov = new Iovecs(1).set(0, new Uint8Array(16));
 * pwritev2(3, iov.bytes, 1, -1, RWF.APPEND);
 * ```
 */
export function pwritev2(
  fd: number,
  iov: Uint8Array,
  iovcnt: number,
  offset: number,
  flags: number,
): number {
  try {
    if (staleStruct(iov)) return EFAULT;
    if (notI32(fd) || notInt(iovcnt) || notI32(flags)) return EINVAL;
    if (!(iovcnt >= 0 && iovcnt <= records(iov, 16))) return EFAULT;
    if (badOffset(offset)) return EINVAL;
    return sym.kio_pwritev2(
      fd | 0,
      iov,
      iovcnt | 0,
      offsetLo(offset),
      offsetHi(offset),
      flags | 0,
    );
  } catch (e) {
    return rawError(e);
  }
}

/**
 * close(2).
 *
 * @example
 * ```ts
 * import { close } from "@kernio/kernio/zcall";
 * close(-1); // -9 (EBADF)
 * ```
 */
export function close(fd: number): number {
  try {
    return notI32(fd) ? EINVAL : sym.kio_close(fd | 0);
  } catch (e) {
    return rawError(e);
  }
}
