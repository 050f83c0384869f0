// Raw syscall entry points. Every function returns the kernel's result: a
// non-negative value on success, -errno on failure. None of them throws.
//
// Buffers are typed arrays or DataViews: the pointer passed is the view's
// start, the length its true byte length (the engine's, never a property a
// caller can redefine) unless a smaller length is given. Lengths beyond the
// view are refused with -EFAULT before the kernel could touch memory past it.
// In/out cells are checked in bytes; length cells the kernel reads (addrlen,
// optlen) travel as a private copy, so a SharedArrayBuffer cell changed by
// another thread cannot widen what the kernel writes. Integer arguments are
// checked explicitly and passed normalized (`x | 0`, `x >>> 0`): 1.5, "3"
// and NaN give -EINVAL and -0 counts as 0 however warm the JIT is.

import { sym } from "./_ffi.ts";
import { Errno } from "./errno.ts";
import { bytesOf, isU32Cell, viewBuffer, viewBytes } from "./_views.ts";
import { staleStruct } from "./_pinned.ts";
import { SYS } from "./sysnum.ts";

const EFAULT = -Errno.EFAULT;
const EINVAL = -Errno.EINVAL;
const MAX_IO = 0x7fffffff;
// User-space addresses stay below 2^47 (x86_64) / 2^48 (aarch64); anything
// larger cannot be a valid pointer and would not round-trip a double.
const MAX_ADDR = 2 ** 48;
const TWO32 = 0x1_0000_0000;
// struct epoll_event is packed on x86_64 only.
const EPOLL_EVENT_SIZE = Deno.build.arch === "x86_64" ? 12 : 16;

// Raw semantics: a wrapper never throws. Every argument is checked before
// the call, so what remains is Deno's FFI refusing a value the checks let
// through (a BigInt where a Number belongs): -EINVAL, or -EFAULT when the
// message is about a buffer.
function rawError(e: unknown): number {
  const msg = e instanceof Error ? e.message : "";
  return /buffer|Cannot read properties|byteLength|is not a function|not iterable/
      .test(msg)
    ? EFAULT
    : EINVAL;
}

// Integer checks, identical on every JIT tier (Deno's fast FFI path would
// truncate 1.5 where its slow path throws; -0 passes these checks and is
// then passed as `x | 0`, i.e. 0).
function notI32(x: number): boolean {
  return (x | 0) !== x;
}
function notU32(x: number): boolean {
  return (x >>> 0) !== x;
}
// Not an integral Number (1.5, NaN, "3"); infinities count as integers
// here and fail the range checks that follow.
function notInt(x: number): boolean {
  return Math.trunc(x) !== x;
}

// The *Async wrappers run the syscall on another thread while JavaScript
// goes on: the caller could transfer or shrink its buffer meanwhile, and the
// kernel would write into freed memory. They hand the kernel a private copy
// nobody else can reach, and copy the kernel's answer back when it is done.
// Off the V8 heap (`new ArrayBuffer`): a small `new Uint8Array(n)` lives on
// the heap, where the GC may move it while the other thread's syscall is
// still writing to its old address.
function offHeap(bytes: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(bytes));
}
function privateCopy(view: unknown, bytes: number): Uint8Array {
  const own = offHeap(bytes);
  own.set(bytesOf(view).subarray(0, bytes));
  return own;
}
function copyBack(
  r: number,
  own: Uint8Array,
  bytes: number,
  view: unknown,
): number {
  // The caller's view may have been detached or shrunk in between.
  const room = viewBytes(view);
  const n = room < bytes ? room : bytes;
  if (n > 0) bytesOf(view).set(own.subarray(0, n));
  return r;
}

// The private length cell the kernel reads and writes for addrlen/optlen:
// the caller's cell is read once, checked, copied here, and the kernel's
// answer copied back. A cell in shared memory cannot change between the
// check and the kernel's read.
const lenCell = new Uint32Array(new ArrayBuffer(4));

// Length to pass for a buffer: its true byte length (clamped so results fit
// in an int32) or an explicit length; BAD_VIEW when `buf` is not a typed
// array or DataView or the length overruns it, BAD_INT when the length is
// not an integer in [0, 2^32).
const BAD_VIEW = -1;
const BAD_INT = -2;
function ioLength(buf: unknown, length: number | undefined): number {
  const n = viewBytes(buf);
  if (n < 0) return BAD_VIEW;
  if (length === undefined) return n > MAX_IO ? MAX_IO : n;
  if (notInt(length)) return BAD_INT;
  if (!(length >= 0 && length <= n)) return BAD_VIEW;
  return length > MAX_IO ? MAX_IO : length >>> 0;
}
function lengthError(n: number): number {
  return n === BAD_INT ? EINVAL : EFAULT;
}
// The number of `size`-byte records `view` holds, -1 when it is no view.
function records(view: unknown, size: number): number {
  const n = viewBytes(view);
  return n < 0 ? -1 : Math.floor(n / size);
}

function badOffset(offset: number): boolean {
  return !(offset >= -1 && offset <= Number.MAX_SAFE_INTEGER) ||
    Math.floor(offset) !== offset;
}

// The iovec, pollfd, epoll_event and (m)msghdr arrays these wrappers take
// are raw kernel structs: their sizes are checked in bytes here, but the
// addresses inside them are the caller's word, as with unsafeRead. Build
// them with the struct classes (Iovecs, Msghdr, Mmsghdrs), which record
// addresses of buffers they keep alive and refuse buffers that can shrink;
// given such a struct's `bytes`, a wrapper returns -EFAULT when a recorded
// buffer was detached since (staleStruct): its address is stale.

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

/**
 * socket(2).
 *
 * @example
 * ```ts
 * import { AF, SOCK, socket } from "@kernio/kernio/zcall";
 * const fd = socket(AF.INET, SOCK.STREAM | SOCK.NONBLOCK | SOCK.CLOEXEC, 0);
 * ```
 */
export function socket(domain: number, type: number, protocol: number): number {
  try {
    if (notI32(domain) || notI32(type) || notI32(protocol)) return EINVAL;
    return sym.kio_socket(domain | 0, type | 0, protocol | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * socketpair(2); the two descriptors are written to `fds`.
 *
 * @example
 * ```ts
 * import { AF, SOCK, socketpair } from "@kernio/kernio/zcall";
 * const fds = new Int32Array(2);
 * socketpair(AF.UNIX, SOCK.STREAM, 0, fds);
 * ```
 */
export function socketpair(
  domain: number,
  type: number,
  protocol: number,
  fds: Int32Array,
): number {
  try {
    if (notI32(domain) || notI32(type) || notI32(protocol)) return EINVAL;
    // The kernel writes two ints: 8 bytes, whatever the view's element type.
    return viewBytes(fds) < 8
      ? EFAULT
      : sym.kio_socketpair(domain | 0, type | 0, protocol | 0, fds);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * bind(2) to the sockaddr in `addr` (`addrlen` bytes, default its length).
 *
 * @example
 * ```ts
 * import { bind } from "@kernio/kernio/zcall";
 * declare const fd: number, sa: Uint8Array;
 * bind(fd, sa, 16);
 * ```
 */
export function bind(fd: number, addr: Uint8Array, addrlen?: number): number {
  try {
    if (notI32(fd)) return EINVAL;
    const n = ioLength(addr, addrlen);
    return n < 0 ? lengthError(n) : sym.kio_bind(fd | 0, addr, n);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * connect(2) to the sockaddr in `addr`.
 *
 * @example
 * ```ts
 * import { connect } from "@kernio/kernio/zcall";
 * declare const fd: number, sa: Uint8Array;
 * connect(fd, sa, 16); // 0, -EINPROGRESS on a non-blocking socket, or -errno
 * ```
 */
export function connect(
  fd: number,
  addr: Uint8Array,
  addrlen?: number,
): number {
  try {
    if (notI32(fd)) return EINVAL;
    const n = ioLength(addr, addrlen);
    return n < 0 ? lengthError(n) : sym.kio_connect(fd | 0, addr, n);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * listen(2).
 *
 * @example
 * ```ts
 * import { listen } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * listen(fd, 128);
 * ```
 */
export function listen(fd: number, backlog: number): number {
  try {
    if (notI32(fd) || notI32(backlog)) return EINVAL;
    return sym.kio_listen(fd | 0, backlog | 0);
  } catch (e) {
    return rawError(e);
  }
}

// The peer address buffer and its in/out length cell must agree: the cell
// is a Uint32Array (4 bytes at least) whose value fits the buffer; the value
// is copied to the private lenCell the kernel then reads and writes.
function addrPair(
  addr: Uint8Array | null,
  addrlen: Uint32Array | null,
): boolean {
  if (addr === null) return addrlen === null;
  if (!isU32Cell(addrlen)) return false;
  const want = addrlen[0];
  if (!(want <= viewBytes(addr))) return false;
  lenCell[0] = want;
  return true;
}
// Copies the kernel's answer back to the caller's cell.
function addrBack(r: number, addrlen: Uint32Array | null): number {
  if (addrlen !== null) addrlen[0] = lenCell[0];
  return r;
}

/**
 * accept(2). `addr`/`addrlen` receive the peer address; pass null for both
 * to skip it. `addrlen[0]` must hold the buffer size on entry.
 *
 * @example
 * ```ts
 * import { accept } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * const nfd = accept(fd, null, null);
 * ```
 */
export function accept(
  fd: number,
  addr: Uint8Array | null,
  addrlen: Uint32Array | null,
): number {
  try {
    if (notI32(fd)) return EINVAL;
    if (!addrPair(addr, addrlen)) return EFAULT;
    return addr === null
      ? sym.kio_accept(fd | 0, null, null)
      : addrBack(sym.kio_accept(fd | 0, addr, lenCell), addrlen);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * accept4(2) with SOCK_NONBLOCK / SOCK_CLOEXEC flags.
 *
 * @example
 * ```ts
 * import { accept4, SOCK } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * const nfd = accept4(fd, null, null, SOCK.NONBLOCK | SOCK.CLOEXEC);
 * ```
 */
export function accept4(
  fd: number,
  addr: Uint8Array | null,
  addrlen: Uint32Array | null,
  flags: number,
): number {
  try {
    if (notI32(fd) || notI32(flags)) return EINVAL;
    if (!addrPair(addr, addrlen)) return EFAULT;
    return addr === null
      ? sym.kio_accept4(fd | 0, null, null, flags | 0)
      : addrBack(sym.kio_accept4(fd | 0, addr, lenCell, flags | 0), addrlen);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * shutdown(2).
 *
 * @example
 * ```ts
 * import { SHUT, shutdown } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * shutdown(fd, SHUT.WR);
 * ```
 */
export function shutdown(fd: number, how: number): number {
  try {
    if (notI32(fd) || notI32(how)) return EINVAL;
    return sym.kio_shutdown(fd | 0, how | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * getsockname(2). `addrlen[0]` holds the buffer size on entry and the
 * address length on return.
 *
 * @example
 * ```ts
 * import { getsockname } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * const sa = new Uint8Array(128), len = new Uint32Array([128]);
 * getsockname(fd, sa, len);
 * ```
 */
export function getsockname(
  fd: number,
  addr: Uint8Array,
  addrlen: Uint32Array,
): number {
  try {
    if (notI32(fd)) return EINVAL;
    if (addr === null || !addrPair(addr, addrlen)) return EFAULT;
    return addrBack(sym.kio_getsockname(fd | 0, addr, lenCell), addrlen);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * getpeername(2).
 *
 * @example
 * ```ts
 * import { getpeername } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * const sa = new Uint8Array(128), len = new Uint32Array([128]);
 * getpeername(fd, sa, len);
 * ```
 */
export function getpeername(
  fd: number,
  addr: Uint8Array,
  addrlen: Uint32Array,
): number {
  try {
    if (notI32(fd)) return EINVAL;
    if (addr === null || !addrPair(addr, addrlen)) return EFAULT;
    return addrBack(sym.kio_getpeername(fd | 0, addr, lenCell), addrlen);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * getsockopt(2). `optlen[0]` holds the buffer size on entry, the option
 * length on return.
 *
 * @example
 * ```ts
 * import { getsockopt, SO, SOL } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * const v = new Int32Array(1), len = new Uint32Array([4]);
 * getsockopt(fd, SOL.SOCKET, SO.TYPE, new Uint8Array(v.buffer), len);
 * ```
 */
export function getsockopt(
  fd: number,
  level: number,
  optname: number,
  optval: Uint8Array,
  optlen: Uint32Array,
): number {
  try {
    if (notI32(fd) || notI32(level) || notI32(optname)) return EINVAL;
    // Same discipline as addrlen: a Uint32Array cell whose value fits the
    // buffer, handed to the kernel as a private copy.
    if (optval === null || !addrPair(optval, optlen)) return EFAULT;
    return addrBack(
      sym.kio_getsockopt(fd | 0, level | 0, optname | 0, optval, lenCell),
      optlen,
    );
  } catch (e) {
    return rawError(e);
  }
}

/**
 * setsockopt(2) with `optval` (`optlen` bytes, default its length).
 *
 * @example
 * ```ts
 * import { setsockopt, SO, SOL } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * setsockopt(fd, SOL.SOCKET, SO.REUSEADDR, new Uint8Array(new Int32Array([1]).buffer));
 * ```
 */
export function setsockopt(
  fd: number,
  level: number,
  optname: number,
  optval: Uint8Array,
  optlen?: number,
): number {
  try {
    if (notI32(fd) || notI32(level) || notI32(optname)) return EINVAL;
    const n = ioLength(optval, optlen);
    return n < 0
      ? lengthError(n)
      : sym.kio_setsockopt(fd | 0, level | 0, optname | 0, optval, n);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * recvfrom(2) into `buf`; the sender's address goes to `addr` when given.
 *
 * @example
 * ```ts
 * import { MSG, recvfrom } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * recvfrom(fd, new Uint8Array(1500), MSG.DONTWAIT, null, null);
 * ```
 */
export function recvfrom(
  fd: number,
  buf: Uint8Array,
  flags: number,
  addr: Uint8Array | null,
  addrlen: Uint32Array | null,
  length?: number,
): number {
  try {
    if (notI32(fd) || notI32(flags)) return EINVAL;
    const n = ioLength(buf, length);
    if (n < 0) return lengthError(n);
    if (!addrPair(addr, addrlen)) return EFAULT;
    return addr === null
      ? sym.kio_recvfrom(fd | 0, buf, n, flags | 0, null, null)
      : addrBack(
        sym.kio_recvfrom(fd | 0, buf, n, flags | 0, addr, lenCell),
        addrlen,
      );
  } catch (e) {
    return rawError(e);
  }
}

/**
 * sendto(2) from `buf` to the sockaddr `addr` (null on connected sockets).
 *
 * @example
 * ```ts
 * import { sendto } from "@kernio/kernio/zcall";
 * declare const fd: number, sa: Uint8Array;
 * sendto(fd, new Uint8Array(64), 0, sa, 16);
 * ```
 */
export function sendto(
  fd: number,
  buf: Uint8Array,
  flags: number,
  addr: Uint8Array | null,
  addrlen: number,
  length?: number,
): number {
  try {
    if (notI32(fd) || notI32(flags) || notInt(addrlen)) return EINVAL;
    const n = ioLength(buf, length);
    if (n < 0) return lengthError(n);
    if (
      addr === null
        ? addrlen !== 0
        : !(addrlen >= 0 && addrlen <= viewBytes(addr))
    ) {
      return EFAULT;
    }
    return sym.kio_sendto(fd | 0, buf, n, flags | 0, addr, addrlen >>> 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * recvmsg(2) with a struct msghdr (see {@linkcode Msghdr}).
 *
 * @example
 * ```ts
 * import { Msghdr, recvmsg } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * const msg = new Msghdr().setBuffers([new Uint8Array(64)]);
 * recvmsg(fd, msg.bytes, 0);
 * ```
 */
export function recvmsg(fd: number, msg: Uint8Array, flags: number): number {
  try {
    if (staleStruct(msg)) return EFAULT;
    if (notI32(fd) || notI32(flags)) return EINVAL;
    return viewBytes(msg) < 56
      ? EFAULT
      : sym.kio_recvmsg(fd | 0, msg, flags | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * sendmsg(2) with a struct msghdr.
 *
 * @example
 * ```ts
 * import { Msghdr, sendmsg } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * const msg = new Msghdr().setBuffers([new Uint8Array(64)]);
 * sendmsg(fd, msg.bytes, 0);
 * ```
 */
export function sendmsg(fd: number, msg: Uint8Array, flags: number): number {
  try {
    if (staleStruct(msg)) return EFAULT;
    if (notI32(fd) || notI32(flags)) return EINVAL;
    return viewBytes(msg) < 56
      ? EFAULT
      : sym.kio_sendmsg(fd | 0, msg, flags | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * recvmmsg(2) over `vlen` struct mmsghdr (see {@linkcode Mmsghdrs});
 * `timeout` is a struct timespec or null.
 *
 * @example
 * ```ts
 * import { Mmsghdrs, MSG, recvmmsg } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * const v = new Mmsghdrs(8, 1500);
 * const n = recvmmsg(fd, v.bytes, v.count, MSG.DONTWAIT, null);
 * ```
 */
export function recvmmsg(
  fd: number,
  msgvec: Uint8Array,
  vlen: number,
  flags: number,
  timeout: Uint8Array | null,
): number {
  try {
    if (staleStruct(msgvec)) return EFAULT;
    if (notI32(fd) || notInt(vlen) || notI32(flags)) return EINVAL;
    if (!(vlen >= 0 && vlen <= records(msgvec, 64))) return EFAULT;
    if (timeout !== null && viewBytes(timeout) < 16) return EFAULT;
    return sym.kio_recvmmsg(fd | 0, msgvec, vlen >>> 0, flags | 0, timeout);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * sendmmsg(2) over `vlen` struct mmsghdr.
 *
 * @example
 * ```ts
 * import { Mmsghdrs, sendmmsg } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * const v = new Mmsghdrs(8, 64);
 * sendmmsg(fd, v.bytes, v.count, 0);
 * ```
 */
export function sendmmsg(
  fd: number,
  msgvec: Uint8Array,
  vlen: number,
  flags: number,
): number {
  try {
    if (staleStruct(msgvec)) return EFAULT;
    if (notI32(fd) || notInt(vlen) || notI32(flags)) return EINVAL;
    if (!(vlen >= 0 && vlen <= records(msgvec, 64))) return EFAULT;
    return sym.kio_sendmmsg(fd | 0, msgvec, vlen >>> 0, flags | 0);
  } catch (e) {
    return rawError(e);
  }
}

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

/**
 * mmap(2). Addresses and lengths are Numbers; the result is the mapped
 * address or -errno. Use {@linkcode Mapping} for a safe owner of the region.
 *
 * @example
 * ```ts
 * import { MAP, mmap, munmap, PROT } from "@kernio/kernio/zcall";
 * const addr = mmap(0, 4096, PROT.READ | PROT.WRITE, MAP.PRIVATE | MAP.ANONYMOUS, -1, 0);
 * if (addr >= 0) munmap(addr, 4096);
 * ```
 */
export function mmap(
  addr: number,
  length: number,
  prot: number,
  flags: number,
  fd: number,
  offset: number,
): number {
  try {
    if (
      !(length > 0 && length <= Number.MAX_SAFE_INTEGER) ||
      !(addr >= 0 && addr <= Number.MAX_SAFE_INTEGER) || // NaN/Infinity: C cast UB
      Math.trunc(length) !== length || Math.trunc(addr) !== addr
    ) {
      return EINVAL;
    }
    if (badOffset(offset) || offset < 0) return EINVAL;
    if (notI32(prot) || notI32(flags) || notI32(fd)) return EINVAL;
    return sym.kio_mmap(addr, length, prot | 0, flags | 0, fd | 0, offset);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * munmap(2).
 *
 * @example
 * ```ts
 * import { munmap } from "@kernio/kernio/zcall";
 * declare const addr: number;
 * munmap(addr, 4096);
 * ```
 */
export function munmap(addr: number, length: number): number {
  try {
    // Finite bounds too: C's cast of Infinity/NaN to an address is undefined.
    if (
      !(length > 0 && length <= Number.MAX_SAFE_INTEGER) ||
      !(addr >= 0 && addr <= Number.MAX_SAFE_INTEGER) ||
      Math.trunc(length) !== length || Math.trunc(addr) !== addr
    ) return EINVAL;
    return sym.kio_munmap(addr, length);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * eventfd2(2).
 *
 * @example
 * ```ts
 * import { EFD, eventfd2 } from "@kernio/kernio/zcall";
 * const efd = eventfd2(0, EFD.NONBLOCK | EFD.CLOEXEC);
 * ```
 */
export function eventfd2(initval: number, flags: number): number {
  try {
    if (notU32(initval) || notI32(flags)) return EINVAL;
    return sym.kio_eventfd2(initval >>> 0, flags | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * pipe2(2); the read and write ends are written to `fds`.
 *
 * @example
 * ```ts
 * import { O, pipe2 } from "@kernio/kernio/zcall";
 * const fds = new Int32Array(2);
 * pipe2(fds, O.CLOEXEC);
 * ```
 */
export function pipe2(fds: Int32Array, flags: number): number {
  try {
    if (notI32(flags)) return EINVAL;
    // The kernel writes two ints: 8 bytes, whatever the view's element type.
    return viewBytes(fds) < 8 ? EFAULT : sym.kio_pipe2(fds, flags | 0);
  } catch (e) {
    return rawError(e);
  }
}

const encoder = new TextEncoder();

function cString(s: string | Uint8Array): Uint8Array | null {
  if (typeof s !== "string") {
    // The kernel reads up to the first NUL: it must lie inside the view.
    // A private copy, so a shared buffer cannot lose its NUL in between.
    const n = viewBytes(s);
    if (n < 0) return null;
    const copy = offHeap(n);
    copy.set(bytesOf(s));
    return copy.includes(0) ? copy : null;
  }
  if (s.includes("\0")) return null;
  return encoder.encode(s + "\0");
}

/**
 * memfd_create(2). `name` is a string or a NUL-terminated byte string.
 *
 * @example
 * ```ts
 * import { MFD, memfdCreate } from "@kernio/kernio/zcall";
 * const fd = memfdCreate("scratch", MFD.CLOEXEC);
 * ```
 */
export function memfdCreate(name: string | Uint8Array, flags: number): number {
  try {
    if (notU32(flags)) return EINVAL;
    const c = cString(name);
    return c === null ? EINVAL : sym.kio_memfd_create(c, flags >>> 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * signalfd4(2): `mask` is an 8-byte sigset_t; fd -1 creates a new signalfd.
 *
 * @example
 * ```ts
 * import { SFD, signalfd4, SIG, sigsetOf } from "@kernio/kernio/zcall";
 * const sfd = signalfd4(-1, sigsetOf(SIG.USR1), 8, SFD.CLOEXEC | SFD.NONBLOCK);
 * ```
 */
export function signalfd4(
  fd: number,
  mask: Uint8Array,
  maskSize: number,
  flags: number,
): number {
  try {
    if (notI32(fd) || notI32(flags)) return EINVAL;
    const n = ioLength(mask, maskSize);
    return n < 0
      ? lengthError(n)
      : sym.kio_signalfd4(fd | 0, mask, n, flags | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * timerfd_create(2).
 *
 * @example
 * ```ts
 * import { CLOCK, TFD, timerfdCreate } from "@kernio/kernio/zcall";
 * const tfd = timerfdCreate(CLOCK.MONOTONIC, TFD.CLOEXEC);
 * ```
 */
export function timerfdCreate(clockid: number, flags: number): number {
  try {
    if (notI32(clockid) || notI32(flags)) return EINVAL;
    return sym.kio_timerfd_create(clockid | 0, flags | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * timerfd_settime(2) with struct itimerspec buffers (see
 * {@linkcode Itimerspec}); `oldValue` may be null.
 *
 * @example
 * ```ts
 * import { Itimerspec, timerfdSettime } from "@kernio/kernio/zcall";
 * declare const tfd: number;
 * const spec = new Itimerspec().setValue(0, 1_000_000);
 * timerfdSettime(tfd, 0, spec.bytes, null);
 * ```
 */
export function timerfdSettime(
  fd: number,
  flags: number,
  newValue: Uint8Array,
  oldValue: Uint8Array | null,
): number {
  try {
    if (notI32(fd) || notI32(flags)) return EINVAL;
    if (
      viewBytes(newValue) < 32 ||
      (oldValue !== null && viewBytes(oldValue) < 32)
    ) {
      return EFAULT;
    }
    return sym.kio_timerfd_settime(fd | 0, flags | 0, newValue, oldValue);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * timerfd_gettime(2) into a struct itimerspec buffer.
 *
 * @example
 * ```ts
 * import { Itimerspec, timerfdGettime } from "@kernio/kernio/zcall";
 * declare const tfd: number;
 * const cur = new Itimerspec();
 * timerfdGettime(tfd, cur.bytes);
 * ```
 */
export function timerfdGettime(fd: number, currValue: Uint8Array): number {
  try {
    if (notI32(fd)) return EINVAL;
    return viewBytes(currValue) < 32
      ? EFAULT
      : sym.kio_timerfd_gettime(fd | 0, currValue);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * pidfd_open(2).
 *
 * @example
 * ```ts
 * import { pidfdOpen } from "@kernio/kernio/zcall";
 * const pidfd = pidfdOpen(Deno.pid, 0);
 * ```
 */
export function pidfdOpen(pid: number, flags: number): number {
  try {
    if (notI32(pid) || notU32(flags)) return EINVAL;
    return sym.kio_pidfd_open(pid | 0, flags >>> 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * pidfd_getfd(2): duplicates `targetfd` of the process behind `pidfd`.
 *
 * @example
 * ```ts
 * import { pidfdGetfd, pidfdOpen } from "@kernio/kernio/zcall";
 * const fd = pidfdGetfd(pidfdOpen(Deno.pid, 0), 1, 0);
 * ```
 */
export function pidfdGetfd(
  pidfd: number,
  targetfd: number,
  flags: number,
): number {
  try {
    if (notI32(pidfd) || notI32(targetfd) || notU32(flags)) return EINVAL;
    return sym.kio_pidfd_getfd(pidfd | 0, targetfd | 0, flags >>> 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * pidfd_send_signal(2); `info` is a 128-byte siginfo_t or null.
 *
 * @example
 * ```ts
 * import { pidfdSendSignal } from "@kernio/kernio/zcall";
 * declare const pidfd: number;
 * pidfdSendSignal(pidfd, 0, null, 0); // 0 when the process is alive
 * ```
 */
export function pidfdSendSignal(
  pidfd: number,
  sig: number,
  info: Uint8Array | null,
  flags: number,
): number {
  try {
    if (notI32(pidfd) || notI32(sig) || notU32(flags)) return EINVAL;
    if (info !== null && viewBytes(info) < 128) return EFAULT;
    return sym.kio_pidfd_send_signal(pidfd | 0, sig | 0, info, flags >>> 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * splice(2). Offsets are 8-byte loff_t cells (BigInt64Array) or null for
 * pipes and the current position.
 *
 * @example
 * ```ts
 * import { splice, SPLICE_F } from "@kernio/kernio/zcall";
 * declare const pipeRead: number, fileFd: number;
 * splice(pipeRead, null, fileFd, new BigInt64Array([0n]), 65536, SPLICE_F.MOVE);
 * ```
 */
export function splice(
  fdIn: number,
  offIn: BigInt64Array | null,
  fdOut: number,
  offOut: BigInt64Array | null,
  length: number,
  flags: number,
): number {
  try {
    if (notI32(fdIn) || notI32(fdOut) || notU32(flags)) return EINVAL;
    if (!(length >= 0) || Math.trunc(length) !== length) return EINVAL;
    // loff_t cells are read and written by the kernel: 8 bytes each.
    if (
      (offIn !== null && viewBytes(offIn) < 8) ||
      (offOut !== null && viewBytes(offOut) < 8)
    ) {
      return EFAULT;
    }
    return sym.kio_splice(
      fdIn | 0,
      offIn,
      fdOut | 0,
      offOut,
      length > MAX_IO ? MAX_IO : length >>> 0,
      flags >>> 0,
    );
  } catch (e) {
    return rawError(e);
  }
}

/**
 * tee(2): duplicates up to `length` bytes from one pipe to another.
 *
 * @example
 * ```ts
 * import { tee } from "@kernio/kernio/zcall";
 * declare const pipeA: number, pipeB: number;
 * tee(pipeA, pipeB, 65536, 0);
 * ```
 */
export function tee(
  fdIn: number,
  fdOut: number,
  length: number,
  flags: number,
): number {
  try {
    if (notI32(fdIn) || notI32(fdOut) || notU32(flags)) return EINVAL;
    if (!(length >= 0) || Math.trunc(length) !== length) return EINVAL;
    return sym.kio_tee(
      fdIn | 0,
      fdOut | 0,
      length > MAX_IO ? MAX_IO : length >>> 0,
      flags >>> 0,
    );
  } catch (e) {
    return rawError(e);
  }
}

/**
 * vmsplice(2): maps user buffers (an iovec array) into a pipe.
 *
 * @example
 * ```ts
 * import { Iovecs, vmsplice } from "@kernio/kernio/zcall";
 * declare const pipeWrite: number;
 * const iov = new Iovecs(1).set(0, new Uint8Array(64));
 * vmsplice(pipeWrite, iov.bytes, 1, 0);
 * ```
 */
export function vmsplice(
  fd: number,
  iov: Uint8Array,
  nrSegs: number,
  flags: number,
): number {
  try {
    if (staleStruct(iov)) return EFAULT;
    if (notI32(fd) || notInt(nrSegs) || notU32(flags)) return EINVAL;
    return !(nrSegs >= 0 && nrSegs <= records(iov, 16))
      ? EFAULT
      : sym.kio_vmsplice(fd | 0, iov, nrSegs >>> 0, flags >>> 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * getpid(2), straight through the syscall instruction.
 *
 * @example
 * ```ts
 * import { getpid } from "@kernio/kernio/zcall";
 * getpid() === Deno.pid; // true
 * ```
 */
export function getpid(): number {
  try {
    return sym.kio_getpid();
  } catch (e) {
    return rawError(e);
  }
}

/**
 * gettid(2): the id of the calling thread.
 *
 * @example
 * ```ts
 * import { gettid } from "@kernio/kernio/zcall";
 * gettid();
 * ```
 */
export function gettid(): number {
  try {
    return sym.kio_gettid();
  } catch (e) {
    return rawError(e);
  }
}

/**
 * poll(2) over struct pollfd entries (8 bytes each). Blocks the calling
 * thread for up to `timeoutMs`; use {@linkcode pollAsync} from async code.
 *
 * @example
 * ```ts
 * import { POLL, poll, PollFds } from "@kernio/kernio/zcall";
 * const fds = new PollFds(1).set(0, 0, POLL.IN);
 * poll(fds.bytes, 1, 0);
 * ```
 */
export function poll(fds: Uint8Array, nfds: number, timeoutMs: number): number {
  try {
    if (notInt(nfds) || notI32(timeoutMs)) return EINVAL;
    return !(nfds >= 0 && nfds <= records(fds, 8))
      ? EFAULT
      : sym.kio_poll(fds, nfds >>> 0, timeoutMs | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * poll(2) on Deno's blocking thread pool: the event loop keeps running while
 * it waits. The kernel works on a private copy of `fds`; the results are
 * copied back when the promise settles.
 *
 * @example
 * ```ts
 * import { POLL, pollAsync, PollFds } from "@kernio/kernio/zcall";
 * const fds = new PollFds(1).set(0, 0, POLL.IN);
 * await pollAsync(fds.bytes, 1, 100);
 * ```
 */
export function pollAsync(
  fds: Uint8Array,
  nfds: number,
  timeoutMs: number,
): Promise<number> {
  try {
    if (notInt(nfds) || notI32(timeoutMs)) return Promise.resolve(EINVAL);
    if (!(nfds >= 0 && nfds <= records(fds, 8))) return Promise.resolve(EFAULT);
    const own = privateCopy(fds, nfds * 8);
    return sym.kio_poll_async(own, nfds >>> 0, timeoutMs | 0).then((r) =>
      copyBack(r, own, own.length, fds)
    );
  } catch (e) {
    return Promise.resolve(rawError(e));
  }
}

/**
 * epoll_create1(2).
 *
 * @example
 * ```ts
 * import { EPOLL, epollCreate1 } from "@kernio/kernio/zcall";
 * const epfd = epollCreate1(EPOLL.CLOEXEC);
 * ```
 */
export function epollCreate1(flags: number): number {
  try {
    return notI32(flags) ? EINVAL : sym.kio_epoll_create1(flags | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * epoll_ctl(2); `event` is a 12-byte packed struct epoll_event (or null for
 * CTL_DEL; 16 bytes on aarch64), see {@linkcode EpollEvents}.
 *
 * @example
 * ```ts
 * import { EPOLL, epollCtl, EpollEvents } from "@kernio/kernio/zcall";
 * declare const epfd: number, fd: number;
 * const ev = new EpollEvents(1).set(0, EPOLL.IN, fd);
 * epollCtl(epfd, EPOLL.CTL_ADD, fd, ev.bytes);
 * ```
 */
export function epollCtl(
  epfd: number,
  op: number,
  fd: number,
  event: Uint8Array | null,
): number {
  try {
    if (notI32(epfd) || notI32(op) || notI32(fd)) return EINVAL;
    if (event !== null && viewBytes(event) < EPOLL_EVENT_SIZE) return EFAULT;
    return sym.kio_epoll_ctl(epfd | 0, op | 0, fd | 0, event);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * epoll_wait(2) into `maxEvents` 12-byte entries. Blocks the calling thread;
 * use {@linkcode epollWaitAsync} from async code.
 *
 * @example
 * ```ts
 * import { epollWait, EpollEvents } from "@kernio/kernio/zcall";
 * declare const epfd: number;
 * const evs = new EpollEvents(16);
 * const n = epollWait(epfd, evs.bytes, 16, 0);
 * ```
 */
export function epollWait(
  epfd: number,
  events: Uint8Array,
  maxEvents: number,
  timeoutMs: number,
): number {
  try {
    if (notI32(epfd) || notInt(maxEvents) || notI32(timeoutMs)) return EINVAL;
    if (!(maxEvents > 0 && maxEvents <= records(events, EPOLL_EVENT_SIZE))) {
      return EFAULT;
    }
    return sym.kio_epoll_wait(epfd | 0, events, maxEvents | 0, timeoutMs | 0);
  } catch (e) {
    return rawError(e);
  }
}

/**
 * epoll_wait(2) on Deno's blocking thread pool. The kernel fills a private
 * buffer; the ready entries are copied into `events` when the promise
 * settles.
 *
 * @example
 * ```ts
 * import { epollWaitAsync, EpollEvents } from "@kernio/kernio/zcall";
 * declare const epfd: number;
 * const evs = new EpollEvents(16);
 * const n = await epollWaitAsync(epfd, evs.bytes, 16, 1000);
 * ```
 */
export function epollWaitAsync(
  epfd: number,
  events: Uint8Array,
  maxEvents: number,
  timeoutMs: number,
): Promise<number> {
  try {
    if (notI32(epfd) || notInt(maxEvents) || notI32(timeoutMs)) {
      return Promise.resolve(EINVAL);
    }
    if (!(maxEvents > 0 && maxEvents <= records(events, EPOLL_EVENT_SIZE))) {
      return Promise.resolve(EFAULT);
    }
    const own = offHeap(maxEvents * EPOLL_EVENT_SIZE);
    return sym.kio_epoll_wait_async(epfd | 0, own, maxEvents | 0, timeoutMs | 0)
      .then((r) => copyBack(r, own, r > 0 ? r * EPOLL_EVENT_SIZE : 0, events));
  } catch (e) {
    return Promise.resolve(rawError(e));
  }
}

// ---- pselect6 ---------------------------------------------------------------

// Bytes of an fd_set the kernel reads for `nfds` descriptors (whole longs).
function fdSetBytes(nfds: number): number {
  return ((nfds + 63) >> 6) * 8;
}

function fdSetAddress(set: Uint8Array | null, need: number): number {
  if (set === null) return 0;
  if (viewBytes(set) < need) return -1;
  void viewBuffer(set); // externalizes a small on-heap buffer first
  return sym.kio_address(set);
}

/**
 * pselect6(2): waits until a descriptor in `readfds` is readable, in
 * `writefds` writable or in `exceptfds` has an exceptional condition, or
 * `timeout` (a 16-byte struct timespec, see {@linkcode Timespec}; null
 * waits forever) passes. The sets (see {@linkcode FdSet}) are rewritten to
 * the ready descriptors. Returns the number of ready descriptors, 0 on
 * timeout, or -errno. No signal mask is passed. Blocks the calling thread:
 * use a zero timeout, or {@linkcode pselect6Async}, from async code.
 *
 * @param nfds highest descriptor in any set plus one (0..1024)
 * @param readfds bytes of an fd_set, or null
 * @param writefds bytes of an fd_set, or null
 * @param exceptfds bytes of an fd_set, or null
 * @param timeout bytes of a struct timespec, or null for no limit
 * @returns ready count, 0 on timeout, or -errno
 *
 * @example
 * ```ts
 * import { FdSet, pselect6, Timespec } from "@kernio/kernio/zcall";
 * const w = new FdSet().set(1); // stdout
 * pselect6(2, null, w.bytes, null, new Timespec(0, 0).bytes); // 1: writable
 * ```
 */
export function pselect6(
  nfds: number,
  readfds: Uint8Array | null,
  writefds: Uint8Array | null,
  exceptfds: Uint8Array | null,
  timeout: Uint8Array | null,
): number {
  try {
    if (notI32(nfds) || nfds < 0 || nfds > 1024) return EINVAL;
    const need = fdSetBytes(nfds);
    const r = fdSetAddress(readfds, need);
    const w = fdSetAddress(writefds, need);
    const e = fdSetAddress(exceptfds, need);
    const t = fdSetAddress(timeout, 16);
    if (r < 0 || w < 0 || e < 0 || t < 0) return EFAULT;
    return sym.kio_syscall6f(SYS.PSELECT6, nfds, r, w, e, t, 0);
  } catch (err) {
    return rawError(err);
  }
}

/**
 * {@linkcode pselect6} on Deno's blocking thread pool: the event loop keeps
 * running while it waits. The sets and timeout are copied into private
 * memory for the call (so nothing the caller does meanwhile can touch what
 * the kernel writes) and the results copied back before it resolves.
 *
 * @example
 * ```ts
 * import { FdSet, pselect6Async, Timespec } from "@kernio/kernio/zcall";
 * const w = new FdSet().set(1);
 * await pselect6Async(2, null, w.bytes, null, Timespec.fromMillis(100).bytes);
 * ```
 */
export async function pselect6Async(
  nfds: number,
  readfds: Uint8Array | null,
  writefds: Uint8Array | null,
  exceptfds: Uint8Array | null,
  timeout: Uint8Array | null,
): Promise<number> {
  if (notI32(nfds) || nfds < 0 || nfds > 1024) return EINVAL;
  const need = fdSetBytes(nfds);
  const sets = [readfds, writefds, exceptfds];
  for (const v of sets) if (v !== null && viewBytes(v) < need) return EFAULT;
  if (timeout !== null && viewBytes(timeout) < 16) return EFAULT;
  // Private copy: [read | write | except] fd_sets of 128 bytes, timespec.
  const mem = new Uint8Array(new ArrayBuffer(3 * 128 + 16));
  const parts = [0, 1, 2].map((i) => mem.subarray(i * 128, i * 128 + need));
  sets.forEach((v, i) => {
    if (v !== null) parts[i].set(bytesOf(v).subarray(0, need));
  });
  const ts = mem.subarray(384, 400);
  if (timeout !== null) ts.set(bytesOf(timeout).subarray(0, 16));
  const base = sym.kio_address(mem);
  let r: number;
  try {
    r = await sym.kio_syscall6f_async(
      SYS.PSELECT6,
      nfds,
      readfds === null ? 0 : base,
      writefds === null ? 0 : base + 128,
      exceptfds === null ? 0 : base + 256,
      timeout === null ? 0 : base + 384,
      0,
    );
  } catch (err) {
    return rawError(err);
  }
  if (r >= 0) {
    sets.forEach((v, i) => {
      if (v !== null && viewBytes(v) >= need) bytesOf(v).set(parts[i]);
    });
  }
  return r;
}
