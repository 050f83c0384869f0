// Safety net for a socket object collected without close(): its descriptor
// is closed, but only if the number still names the very same socket.
//
// A descriptor is a number, and numbers are reused at once: a caller may
// have closed it behind the object's back (zcall close(s.fd)) and the
// number may now be a ring, an eventfd or another socket. So the socket's
// SO_COOKIE (a 64-bit id the kernel never gives twice) is taken when the
// object adopts the descriptor, and compared again at finalization; any
// other answer (another cookie, not a socket, closed) leaves the number
// alone. Caveats, documented on NetSocket: whoever keeps using the number
// without the object loses it when the object is collected, and extra
// cleanup a subclass does in close() (a Unix listener's socket file) does
// not run.

import { SO, SOL } from "../zcall/constants.ts";
import { close, getsockopt } from "../zcall/syscalls.ts";
import { cancelFd } from "./_reactor.ts";

interface Dropped {
  fd: number;
  lo: number; // SO_COOKIE, low and high 32 bits
  hi: number;
}

const cookie = new Uint8Array(new ArrayBuffer(8));
const cookieU32 = new Uint32Array(cookie.buffer);
const cookieLen = new Uint32Array(1);

// The socket's cookie into cookieU32; false when fd is no socket.
function readCookie(fd: number): boolean {
  cookieLen[0] = 8;
  return getsockopt(fd, SOL.SOCKET, SO.COOKIE, cookie, cookieLen) === 0 &&
    cookieLen[0] === 8;
}

let closedByFinalizer = 0;

const registry = new FinalizationRegistry<Dropped>((h) => {
  if (!readCookie(h.fd)) return;
  if (cookieU32[0] !== h.lo || cookieU32[1] !== h.hi) return;
  cancelFd(h.fd, "close");
  close(h.fd);
  closedByFinalizer++;
});

/**
 * Closes `fd` when `owner` is collected without close() (if the number
 * still names this socket then). No-op for descriptors that are no socket.
 */
export function watchSocket(owner: object, fd: number): void {
  if (!readCookie(fd)) return;
  registry.register(owner, { fd, lo: cookieU32[0], hi: cookieU32[1] }, owner);
}

/** The owner closed its descriptor itself: nothing left to watch. */
export function forgetSocket(owner: object): void {
  registry.unregister(owner);
}

/** Descriptors closed by the safety net so far (diagnostics and tests). */
export function socketsClosedByFinalizer(): number {
  return closedByFinalizer;
}
