// Raw syscalls: memory maps, event, pipe, memfd, signal, timer and pid
// descriptors, splice, poll and epoll.
// Each returns the kernel's result (-errno on failure) and never throws;
// see zcall/syscalls.ts for the rules every wrapper follows.

import { sym } from "../_ffi.ts";
import { staleStruct } from "../_pinned.ts";
import { bytesOf, viewBuffer, viewBytes } from "../_views.ts";
import { SYS } from "../sysnum.ts";
import {
  badOffset,
  copyBack,
  EFAULT,
  EINVAL,
  EPOLL_EVENT_SIZE,
  ioLength,
  lengthError,
  MAX_IO,
  notI32,
  notInt,
  notU32,
  offHeap,
  privateCopy,
  rawError,
  records,
} from "../_syscall_args.ts";

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
