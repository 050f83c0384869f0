// Raw syscalls: sockets (socket, bind, connect, listen, accept, options,
// addresses, send and receive).
// Each returns the kernel's result (-errno on failure) and never throws;
// see zcall/syscalls.ts for the rules every wrapper follows.

import { sym } from "../_ffi.ts";
import { staleStruct } from "../_pinned.ts";
import { isU32Cell, viewBytes } from "../_views.ts";
import {
  EFAULT,
  EINVAL,
  ioLength,
  lenCell,
  lengthError,
  notI32,
  notInt,
  rawError,
  records,
} from "../_syscall_args.ts";

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
