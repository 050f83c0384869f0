// Argument checks and private copies shared by the raw syscall wrappers
// (zcall/syscalls/*.ts). Every wrapper returns the kernel's result, -errno
// on failure, and never throws: these helpers turn what JavaScript passes
// into exactly what the kernel may touch.

import { bytesOf, viewBytes } from "./_views.ts";
import { Errno } from "./errno.ts";

export const EFAULT = -Errno.EFAULT;
export const EINVAL = -Errno.EINVAL;
export const MAX_IO = 0x7fffffff;
// User-space addresses stay below 2^47 (x86_64) / 2^48 (aarch64); anything
// larger cannot be a valid pointer and would not round-trip a double.
export const MAX_ADDR = 2 ** 48;
export const TWO32 = 0x1_0000_0000;
// struct epoll_event is packed on x86_64 only.
export const EPOLL_EVENT_SIZE = Deno.build.arch === "x86_64" ? 12 : 16;

// Raw semantics: a wrapper never throws. Every argument is checked before
// the call, so what remains is Deno's FFI refusing a value the checks let
// through (a BigInt where a Number belongs): -EINVAL, or -EFAULT when the
// message is about a buffer.
export function rawError(e: unknown): number {
  const msg = e instanceof Error ? e.message : "";
  return /buffer|Cannot read properties|byteLength|is not a function|not iterable/
      .test(msg)
    ? EFAULT
    : EINVAL;
}

// Integer checks, identical on every JIT tier (Deno's fast FFI path would
// truncate 1.5 where its slow path throws; -0 passes these checks and is
// then passed as `x | 0`, i.e. 0).
export function notI32(x: number): boolean {
  return (x | 0) !== x;
}
export function notU32(x: number): boolean {
  return (x >>> 0) !== x;
}
// Not an integral Number (1.5, NaN, "3"); infinities count as integers
// here and fail the range checks that follow.
export function notInt(x: number): boolean {
  return Math.trunc(x) !== x;
}

// The *Async wrappers run the syscall on another thread while JavaScript
// goes on: the caller could transfer or shrink its buffer meanwhile, and the
// kernel would write into freed memory. They hand the kernel a private copy
// nobody else can reach, and copy the kernel's answer back when it is done.
// Off the V8 heap (`new ArrayBuffer`): a small `new Uint8Array(n)` lives on
// the heap, where the GC may move it while the other thread's syscall is
// still writing to its old address.
export function offHeap(bytes: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(bytes));
}
export function privateCopy(view: unknown, bytes: number): Uint8Array {
  const own = offHeap(bytes);
  own.set(bytesOf(view).subarray(0, bytes));
  return own;
}
export function copyBack(
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
export const lenCell = new Uint32Array(new ArrayBuffer(4));

// Length to pass for a buffer: its true byte length (clamped so results fit
// in an int32) or an explicit length; BAD_VIEW when `buf` is not a typed
// array or DataView or the length overruns it, BAD_INT when the length is
// not an integer in [0, 2^32).
export const BAD_VIEW = -1;
export const BAD_INT = -2;
export function ioLength(buf: unknown, length: number | undefined): number {
  const n = viewBytes(buf);
  if (n < 0) return BAD_VIEW;
  if (length === undefined) return n > MAX_IO ? MAX_IO : n;
  if (notInt(length)) return BAD_INT;
  if (!(length >= 0 && length <= n)) return BAD_VIEW;
  return length > MAX_IO ? MAX_IO : length >>> 0;
}
export function lengthError(n: number): number {
  return n === BAD_INT ? EINVAL : EFAULT;
}
// The number of `size`-byte records `view` holds, -1 when it is no view.
export function records(view: unknown, size: number): number {
  const n = viewBytes(view);
  return n < 0 ? -1 : Math.floor(n / size);
}

export function badOffset(offset: number): boolean {
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
