// Synchronous socket plumbing for listen()/connect(): creating, binding and
// listening (Deno.listen is synchronous too), socket options, and the
// addresses of a socket as Deno.NetAddr / Deno.UnixAddr. Failures are the
// shared typed errors, naming the operation and the address.

import { errorFromErrno } from "../../sock/errors.ts";
import {
  decodeSockaddr,
  type Sockaddr,
  SockaddrInet4,
  SockaddrInet6,
  SockaddrUnix,
} from "../../sock/sockaddr.ts";
import { AF, IPPROTO, SO, SOCK, SOL } from "../../zcall/constants.ts";
import {
  bind,
  close,
  getpeername,
  getsockname,
  listen,
  setsockopt,
  socket,
} from "../../zcall/syscalls.ts";

const ONE = new Uint8Array(new Int32Array([1]).buffer);
const ZERO = new Uint8Array(new Int32Array([0]).buffer);

/** Text of an address for messages ("127.0.0.1:80", "[::1]:80", a path). */
export function addrText(sa: Sockaddr): string {
  return sa.toString();
}

/** A new non-blocking, close-on-exec stream socket of `family`. */
export function streamSocket(where: string, family: number): number {
  const fd = socket(family, SOCK.STREAM | SOCK.NONBLOCK | SOCK.CLOEXEC, 0);
  if (fd < 0) throw errorFromErrno(fd, `${where}: socket`);
  return fd;
}

/**
 * socket + SO_REUSEADDR (+ SO_REUSEPORT) + bind + listen; returns the fd.
 */
export function openListener(
  sa: Sockaddr,
  backlog: number,
  reusePort: boolean,
): number {
  const fd = streamSocket("listen", familyOf(sa));
  try {
    if (!(sa instanceof SockaddrUnix)) {
      // As Deno does: a restarted server can bind while old connections
      // linger in TIME_WAIT.
      check(setsockopt(fd, SOL.SOCKET, SO.REUSEADDR, ONE), "setsockopt", sa);
      if (reusePort) {
        check(setsockopt(fd, SOL.SOCKET, SO.REUSEPORT, ONE), "setsockopt", sa);
      }
    }
    check(bind(fd, sa.bytes, sa.length), "bind", sa);
    check(listen(fd, backlog), "listen", sa);
    return fd;
  } catch (e) {
    close(fd);
    throw e;
  }
}

function check(r: number, op: string, sa: Sockaddr): void {
  if (r < 0) throw errorFromErrno(r, op, addrText(sa));
}

/** AF_* of a sockaddr. */
export function familyOf(sa: Sockaddr): number {
  return sa instanceof SockaddrInet4
    ? AF.INET
    : sa instanceof SockaddrInet6
    ? AF.INET6
    : AF.UNIX;
}

/** Sets an int socket option; throws the typed error. */
export function setIntOption(
  fd: number,
  level: number,
  name: number,
  on: boolean,
  op: string,
): void {
  const r = setsockopt(fd, level, name, on ? ONE : ZERO);
  if (r < 0) throw errorFromErrno(r, op);
}

/** TCP_NODELAY. */
export function setNoDelay(fd: number, on: boolean): void {
  setIntOption(fd, IPPROTO.TCP, 1, /* TCP_NODELAY */ on, "setNoDelay");
}

/** SO_KEEPALIVE. */
export function setKeepAlive(fd: number, on: boolean): void {
  setIntOption(fd, SOL.SOCKET, SO.KEEPALIVE, on, "setKeepAlive");
}

const storage = new Uint8Array(128);
const storageLen = new Uint32Array(1);

function sockaddrOf(fd: number, peer: boolean): Sockaddr | null {
  storageLen[0] = storage.length;
  const r = peer
    ? getpeername(fd, storage, storageLen)
    : getsockname(fd, storage, storageLen);
  if (r < 0) return null;
  return decodeSockaddr(storage, Math.min(storageLen[0], storage.length));
}

/**
 * The local (or peer) address of a TCP socket; `fallback` when the kernel
 * no longer knows it (a reset connection).
 */
export function netAddrOf(
  fd: number,
  peer: boolean,
  fallback: Deno.NetAddr,
): Deno.NetAddr {
  const sa = sockaddrOf(fd, peer);
  if (sa instanceof SockaddrInet4 || sa instanceof SockaddrInet6) {
    return { transport: "tcp", hostname: sa.host(), port: sa.port() };
  }
  return fallback;
}

/** The local (or peer) address of a Unix stream socket. */
export function unixAddrOf(fd: number, peer: boolean): Deno.UnixAddr {
  const sa = sockaddrOf(fd, peer);
  return {
    transport: "unix",
    path: sa instanceof SockaddrUnix ? sa.path() : "",
  };
}

/** "host:port" of a NetAddr for messages. */
export function netAddrText(a: Deno.NetAddr): string {
  return a.hostname.includes(":")
    ? `[${a.hostname}]:${a.port}`
    : `${a.hostname}:${a.port}`;
}
