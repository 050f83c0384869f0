// NetSocket: the base of every socket type. It owns one descriptor, created
// non-blocking and close-on-exec, and offers the raw socket operations with
// typed errors; would-block comes back as the WOULD_BLOCK value.

import { AF, MSG, SHUT, SOCK } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";
import { setImmediate } from "node:timers";
import {
  accept4,
  bind,
  close,
  connect,
  getpeername,
  getsockname,
  listen,
  read,
  recvfrom,
  sendto,
  shutdown,
  socket,
  socketpair,
} from "../zcall/syscalls.ts";
import {
  AbortedError,
  ClosedError,
  errorFromErrno,
  SockError,
  TimedOutError,
  WOULD_BLOCK,
} from "./errors.ts";
import {
  decodeSockaddr,
  type RawSockaddr,
  SIZEOF_SOCKADDR_ANY,
  type Sockaddr,
  SockaddrInet4,
  SockaddrInet6,
  SockaddrUnix,
} from "./sockaddr.ts";
import {
  adoptFd,
  cancelFd,
  setRef,
  updateDeadline,
  waitLevel,
  waitReady,
} from "./_reactor.ts";
import { forgetSocket, watchSocket } from "./_dropped.ts";
import { checkFd, intIn } from "../zcall/_validate.ts";

const EAGAIN = -Errno.EAGAIN;
// Out of descriptors or memory: accept backs off (see _acceptWith).
const EXHAUSTED = new Set<number>([
  Errno.EMFILE,
  Errno.ENFILE,
  Errno.ENOBUFS,
  Errno.ENOMEM,
]);
const EINTR = -Errno.EINTR;

// read()/write() settle at once when the kernel is ready, so a set of busy
// connections can chain through microtasks forever and starve timers and
// Deno's own I/O. After FAST_BUDGET_MS of such settles without a turn of the
// event loop, the next operation waits for one turn first.
const FAST_BUDGET_MS = 2;
let fastSince = -1;
function resetFast(): void {
  fastSince = -1;
}
function fastAllowed(): boolean {
  const now = performance.now();
  if (fastSince < 0) {
    fastSince = now;
    setImmediate(resetFast);
    return true;
  }
  return now - fastSince < FAST_BUDGET_MS;
}
function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
const EINPROGRESS = -Errno.EINPROGRESS;

/**
 * Address families of sockets.
 *
 * @example
 * ```ts
 * import { NetworkType } from "@kernio/kernio/sock";
 * NetworkType.IPV6; // 10
 * ```
 */
export const NetworkType = { UNIX: 1, IPV4: 2, IPV6: 10 } as const;

/**
 * Socket types (SOCK_* values).
 *
 * @example
 * ```ts
 * import { UnderlyingProtocol } from "@kernio/kernio/sock";
 * UnderlyingProtocol.SEQPACKET; // 5
 * ```
 */
export const UnderlyingProtocol = {
  STREAM: 1,
  DGRAM: 2,
  RAW: 3,
  SEQPACKET: 5,
} as const;

/**
 * Default listen(2) backlog.
 *
 * @example
 * ```ts
 * import { DEFAULT_BACKLOG } from "@kernio/kernio/sock";
 * DEFAULT_BACKLOG; // 511
 * ```
 */
export const DEFAULT_BACKLOG = 511;

/**
 * Anything that designates a socket descriptor: a raw fd number or an
 * object with an `fd` getter (every socket of this module).
 *
 * @example
 * ```ts
 * import type { FdLike } from "@kernio/kernio/sock";
 * const f: FdLike = 3;
 * ```
 */
export type FdLike = number | { readonly fd: number };

/**
 * Options of the awaitable I/O methods.
 *
 * @example
 * ```ts
 * import type { IoOptions } from "@kernio/kernio/sock";
 * const opts: IoOptions = { signal: AbortSignal.timeout(1000) };
 * ```
 */
export interface IoOptions {
  /** Cancels the wait; the promise rejects with an AbortedError. */
  signal?: AbortSignal;
}

/**
 * A deadline: a Date, an absolute time in milliseconds on the Date.now()
 * clock, or null / 0 for none.
 *
 * @example
 * ```ts
 * import type { Deadline } from "@kernio/kernio/sock";
 * const d: Deadline = Date.now() + 5000;
 * ```
 */
export type Deadline = Date | number | null | undefined;

function deadlineMs(t: Deadline, fn: string): number {
  if (t === null || t === undefined) return 0;
  const v = t instanceof Date ? t.getTime() : t;
  if (typeof v !== "number" || Number.isNaN(v) || v < 0) {
    throw new RangeError(
      `${fn}: expected a Date, a Date.now()-based time in ms, or null; got ${t}`,
    );
  }
  return v === Infinity ? 0 : v;
}

/**
 * The descriptor of an {@linkcode FdLike}, validated: a TypeError when `s`
 * is neither a number nor an object with an `fd`, a RangeError when the
 * descriptor is not an integer in 0..2^31-1 (a bad fd is a RangeError in
 * every layer).
 *
 * @example
 * ```ts
 * import { fdOf } from "@kernio/kernio/sock";
 * fdOf(3); // 3
 * ```
 */
export function fdOf(s: FdLike, fn = "sock"): number {
  const fd = typeof s === "number"
    ? s
    : typeof s === "object" && s !== null
    ? (s as { fd?: unknown }).fd
    : undefined;
  if (fd === undefined) {
    throw new TypeError(`${fn}: expected a socket or an fd, got ${s}`);
  }
  checkFd(fn, fd as number);
  return fd as number;
}

function checkBuffer(p: Uint8Array, fn: string): void {
  if (!(p instanceof Uint8Array)) {
    throw new TypeError(`${fn}: buffer must be a Uint8Array`);
  }
}

/**
 * Runs `setup` on a socket just opened; when it throws, closes the socket
 * (a failed dial or listen leaks no descriptor) and rethrows. Returns `s`.
 */
export function closeOnError<T extends { close(): void }>(
  s: T,
  setup: () => void,
): T {
  try {
    setup();
  } catch (e) {
    s.close();
    throw e;
  }
  return s;
}

/**
 * Throws the typed error for a raw result unless it is a success or
 * would-block; returns the result. For use by the socket classes.
 */
export function check(r: number, op: string): number {
  if (r >= 0 || r === EAGAIN) return r;
  throw errorFromErrno(r, op);
}

// Shared scratch for getsockname/getpeername/accept: single-threaded, and
// every use copies out before returning.
const scratch = new Uint8Array(new ArrayBuffer(SIZEOF_SOCKADDR_ANY));
const scratchLen = new Uint32Array(1);

/**
 * A socket descriptor with the raw operations: bind, connect, listen,
 * accept, read, write, shutdown. Created non-blocking and close-on-exec.
 * `close()` is idempotent; `using` closes it too. Every method of a closed
 * socket throws a {@linkcode ClosedError}. The object owns its descriptor:
 * one collected without `close()` has it closed by a finalizer, provided
 * the number still names the same socket (checked by its SO_COOKIE, so a
 * number closed behind the object's back and reused is never touched).
 * Keep the object, not just `fd`, while the descriptor is in use; a
 * finalized Unix listener leaves its socket file behind.
 *
 * @example
 * ```ts
 * import { NetSocket, NetworkType, UnderlyingProtocol } from "@kernio/kernio/sock";
 * using s = NetSocket.create(NetworkType.IPV4, UnderlyingProtocol.DGRAM, 0);
 * s.fd; // the descriptor
 * ```
 */
export class NetSocket {
  #fd: number;
  readonly #domain: number;
  readonly #type: number;
  #rd = 0;
  #wd = 0;
  #ref = true;

  /**
   * Wraps an existing descriptor (which this object then owns). Prefer
   * {@linkcode NetSocket.create}.
   */
  constructor(fd: number, domain: number, type: number) {
    checkFd("NetSocket", fd);
    this.#fd = fd;
    this.#domain = domain;
    this.#type = type & 0xf;
    adoptFd(fd);
    watchSocket(this, fd);
  }

  /**
   * socket(2) with SOCK_NONBLOCK | SOCK_CLOEXEC.
   *
   * @example
   * ```ts
   * import { NetSocket } from "@kernio/kernio/sock";
   * const s = NetSocket.create(2, 1, 0); // AF_INET, SOCK_STREAM
   * s.close();
   * ```
   */
  static create(domain: number, type: number, protocol = 0): NetSocket {
    return new NetSocket(openSocket(domain, type, protocol), domain, type);
  }

  /**
   * socketpair(2): two connected sockets.
   *
   * @example
   * ```ts
   * import { NetSocket } from "@kernio/kernio/sock";
   * const [a, b] = NetSocket.pair(1, 1, 0); // AF_UNIX, SOCK_STREAM
   * a.close();
   * b.close();
   * ```
   */
  static pair(
    domain: number,
    type: number,
    protocol = 0,
  ): [NetSocket, NetSocket] {
    const [a, b] = openPair(domain, type, protocol);
    return [new NetSocket(a, domain, type), new NetSocket(b, domain, type)];
  }

  /** The descriptor; throws ClosedError once closed. */
  get fd(): number {
    const fd = this.#fd;
    if (fd < 0) throw new ClosedError(Errno.EBADF, "fd");
    return fd;
  }

  /** Whether `close()` has run. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  /** The address family (see {@linkcode NetworkType}). */
  networkType(): number {
    return this.#domain;
  }

  /** The socket type (see {@linkcode UnderlyingProtocol}). */
  protocol(): number {
    return this.#type;
  }

  /** bind(2). */
  bind(addr: RawSockaddr): void {
    const fd = this.#use("bind");
    checkAddr(addr, "bind");
    const r = bind(fd, addr.bytes, addr.length);
    if (r < 0) throw errorFromErrno(r, "bind");
  }

  /**
   * connect(2), non-blocking: returns true when connected at once, false
   * when the handshake is in progress (EINPROGRESS, finish it by waiting
   * for writability then checking {@linkcode getSocketError}).
   */
  connect(addr: RawSockaddr): boolean {
    const fd = this.#use("connect");
    checkAddr(addr, "connect");
    let r = connect(fd, addr.bytes, addr.length);
    while (r === EINTR) r = connect(fd, addr.bytes, addr.length);
    if (r === 0) return true;
    if (r === EINPROGRESS || r === EAGAIN) return false;
    throw errorFromErrno(r, "connect");
  }

  /** listen(2) (backlog default {@linkcode DEFAULT_BACKLOG}). */
  listen(backlog: number = DEFAULT_BACKLOG): void {
    const fd = this.#use("listen");
    if (!(Number.isInteger(backlog) && backlog >= 0)) {
      throw new RangeError(
        `listen: backlog must be an integer >= 0, got ${backlog}`,
      );
    }
    const r = listen(fd, backlog);
    if (r < 0) throw errorFromErrno(r, "listen");
  }

  /**
   * accept4(2), non-blocking: the new descriptor (non-blocking,
   * close-on-exec), or WOULD_BLOCK. The peer address is written into
   * `peer` when given (same family).
   */
  tryAcceptFd(peer?: Sockaddr): number {
    const fd = this.#use("accept");
    let r: number;
    do {
      if (peer === undefined) {
        r = accept4(fd, null, null, SOCK.NONBLOCK | SOCK.CLOEXEC);
      } else {
        scratchLen[0] = SIZEOF_SOCKADDR_ANY;
        r = accept4(fd, scratch, scratchLen, SOCK.NONBLOCK | SOCK.CLOEXEC);
        if (r >= 0) decodeSockaddr(scratch, scratchLen[0], peer);
      }
    } while (r === EINTR || r === -Errno.ECONNABORTED);
    if (r >= 0) tracker?.(r);
    return check(r, "accept");
  }

  /**
   * accept4(2) wrapped as a NetSocket, or
   * null when no connection is pending.
   */
  tryAccept(): NetSocket | null {
    const r = this.tryAcceptFd();
    return r === WOULD_BLOCK
      ? null
      : new NetSocket(r, this.#domain, this.#type);
  }

  /**
   * read(2), non-blocking: bytes read (0 at end of stream, or an empty
   * datagram), or WOULD_BLOCK. Allocates nothing.
   */
  tryRead(p: Uint8Array): number {
    const fd = this.#fd;
    if (fd < 0) throw new ClosedError(Errno.EBADF, "read");
    if (!(p instanceof Uint8Array)) checkBuffer(p, "read");
    let r = read(fd, p);
    if (r >= 0 || r === EAGAIN) return r;
    while (r === EINTR) r = read(fd, p);
    return check(r, "read");
  }

  /**
   * write(2), non-blocking: bytes written (maybe fewer than asked), or
   * WOULD_BLOCK. Allocates nothing.
   */
  tryWrite(p: Uint8Array): number {
    const fd = this.#fd;
    if (fd < 0) throw new ClosedError(Errno.EBADF, "write");
    if (!(p instanceof Uint8Array)) checkBuffer(p, "write");
    // send(MSG_NOSIGNAL): a write to a reset peer must fail with EPIPE,
    // not raise SIGPIPE.
    let r = sendto(fd, p, MSG.NOSIGNAL, null, 0);
    if (r >= 0 || r === EAGAIN) return r;
    while (r === EINTR) r = sendto(fd, p, MSG.NOSIGNAL, null, 0);
    return check(r, "write");
  }

  /**
   * Sets the read and write deadlines of the awaitable methods (a Date or
   * a Date.now()-based time in ms; null or 0 clears). Past the deadline
   * they reject with a TimedOutError. As in Go, the new deadline applies
   * to operations already pending too: a time in the past times them out
   * at once, a later one extends them. The `try*` methods never wait and
   * ignore deadlines.
   */
  setDeadline(t: Deadline): void {
    const fd = this.#use("setDeadline");
    this.#rd = this.#wd = deadlineMs(t, "setDeadline");
    updateDeadline(fd, false, this.#rd);
    updateDeadline(fd, true, this.#wd);
  }

  /** Sets the deadline of awaitable reads and accepts (pending ones included). */
  setReadDeadline(t: Deadline): void {
    const fd = this.#use("setReadDeadline");
    this.#rd = deadlineMs(t, "setReadDeadline");
    updateDeadline(fd, false, this.#rd);
  }

  /**
   * Sets the deadline of awaitable writes and of waiting for a connect
   * (pending ones included).
   */
  setWriteDeadline(t: Deadline): void {
    const fd = this.#use("setWriteDeadline");
    this.#wd = deadlineMs(t, "setWriteDeadline");
    updateDeadline(fd, true, this.#wd);
  }

  /**
   * Lets pending and future awaits on this socket keep the process alive
   * (the default), as Deno.Conn.ref().
   */
  ref(): void {
    const fd = this.#use("ref");
    this.#ref = true;
    setRef(fd, true);
  }

  /**
   * Lets the process exit while awaits on this socket are pending, as
   * Deno.Conn.unref(). They still complete while something else keeps the
   * process alive; the reactor then waits in slices of at most 50 ms, so
   * an exit may come that much later.
   */
  unref(): void {
    const fd = this.#use("unref");
    this.#ref = false;
    setRef(fd, false);
  }

  /** The read deadline in ms (0: none). */
  get readDeadline(): number {
    return this.#rd;
  }

  /** The write deadline in ms (0: none). */
  get writeDeadline(): number {
    return this.#wd;
  }

  /**
   * Waits until the socket is readable (data, a pending connection, EOF or
   * an error), honouring the read deadline and `signal`.
   */
  waitReadable(options?: IoOptions): Promise<number> {
    const fd = this.#use("read");
    return waitLevel(
      fd,
      false,
      this.#rd,
      options?.signal,
      "read",
      true,
      this.#ref,
    );
  }

  /** Waits until the socket is writable, honouring the write deadline. */
  waitWritable(options?: IoOptions): Promise<number> {
    const fd = this.#use("write");
    return waitLevel(
      fd,
      true,
      this.#wd,
      options?.signal,
      "write",
      true,
      this.#ref,
    );
  }

  /**
   * @internal For the I/O loops of this layer, after an operation returned
   * WOULD_BLOCK: waits until the kernel reports the direction ready again
   * (edge-triggered, no epoll_ctl per wait), honouring the deadline of
   * that direction and `signal`.
   */
  _awaitReady(
    write: boolean,
    options: IoOptions | undefined,
    op: string,
  ): Promise<number> {
    const fd = this.#use(op);
    return waitReady(
      fd,
      write,
      write ? this.#wd : this.#rd,
      options?.signal,
      op,
      this.#ref,
    );
  }

  /**
   * Reads into `p`, waiting for data without blocking the event loop:
   * the byte count, or null at end of stream (Deno.Conn semantics).
   * Datagram sockets resolve 0 for an empty datagram.
   */
  read(p: Uint8Array, options?: IoOptions): Promise<number | null> {
    // Not async: when data is already there the result is settled without
    // an async frame (the common case of a busy connection).
    if (!fastAllowed()) return nextTurn().then(() => this.read(p, options));
    let n: number;
    try {
      checkBuffer(p, "read");
      n = this.tryRead(p);
    } catch (e) {
      return Promise.reject(e);
    }
    if (n === WOULD_BLOCK) return this.#readSlow(p, options);
    return Promise.resolve(this.#eof(n, p));
  }

  #eof(n: number, p: Uint8Array): number | null {
    return n === 0 && p.byteLength > 0 && this.#type !== SOCK.DGRAM ? null : n;
  }

  async #readSlow(
    p: Uint8Array,
    options: IoOptions | undefined,
  ): Promise<number | null> {
    for (;;) {
      await waitReady(
        this.#use("read"),
        false,
        this.#rd,
        options?.signal,
        "read",
        this.#ref,
      );
      const n = this.tryRead(p);
      if (n !== WOULD_BLOCK) return this.#eof(n, p);
    }
  }

  /**
   * Writes from `p` once the socket is writable: the number of bytes
   * written, which may be fewer than `p.byteLength` (Deno.Conn semantics).
   */
  write(p: Uint8Array, options?: IoOptions): Promise<number> {
    if (!fastAllowed()) return nextTurn().then(() => this.write(p, options));
    let n: number;
    try {
      checkBuffer(p, "write");
      n = this.tryWrite(p);
    } catch (e) {
      return Promise.reject(e);
    }
    if (n === WOULD_BLOCK) return this.#writeSlow(p, options);
    return Promise.resolve(n);
  }

  async #writeSlow(
    p: Uint8Array,
    options: IoOptions | undefined,
  ): Promise<number> {
    for (;;) {
      await waitReady(
        this.#use("write"),
        true,
        this.#wd,
        options?.signal,
        "write",
        this.#ref,
      );
      const n = this.tryWrite(p);
      if (n !== WOULD_BLOCK) return n;
    }
  }

  /**
   * @internal The accept loop of the listeners: `tryAccept` until it gives
   * a connection, waiting for readiness in between. When the process or
   * the system is out of descriptors or memory (EMFILE, ENFILE, ENOBUFS,
   * ENOMEM) the pending connection stays queued and readiness would report
   * it again at once: back off instead (5 ms doubling to 1 s, honouring the
   * read deadline and `signal`) and retry, so a full fd table costs no CPU.
   */
  async _acceptWith<T>(
    tryAccept: () => T | null,
    options?: IoOptions,
  ): Promise<T> {
    let backoff = 0;
    for (;;) {
      let c: T | null;
      try {
        c = tryAccept();
      } catch (e) {
        if (!(e instanceof SockError) || !EXHAUSTED.has(e.errno)) throw e;
        backoff = backoff === 0 ? 5 : Math.min(backoff * 2, 1000);
        await this.#sleep(backoff, options?.signal, "accept");
        continue;
      }
      backoff = 0;
      if (c !== null) return c;
      await this._awaitReady(false, options, "accept");
    }
  }

  #sleep(ms: number, signal: AbortSignal | undefined, op: string) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new AbortedError(op, signal.reason));
      const rd = this.#rd;
      const left = rd > 0 ? rd - Date.now() : Infinity;
      if (left <= 0) {
        return reject(
          new TimedOutError(
            Errno.ETIMEDOUT,
            op,
            `sock: ${op}: deadline exceeded`,
          ),
        );
      }
      const onAbort = () => {
        clearTimeout(id);
        reject(new AbortedError(op, signal!.reason));
      };
      const id = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        if (ms >= left) {
          reject(
            new TimedOutError(
              Errno.ETIMEDOUT,
              op,
              `sock: ${op}: deadline exceeded`,
            ),
          );
        } else resolve();
      }, Math.min(ms, left));
      if (!this.#ref) Deno.unrefTimer(id);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Writes all of `p`, waiting as needed. */
  async writeAll(p: Uint8Array, options?: IoOptions): Promise<void> {
    checkBuffer(p, "writeAll");
    let off = 0;
    while (off < p.byteLength) {
      off += await this.write(
        off === 0 ? p : p.subarray(off),
        options,
      );
    }
  }

  /** shutdown(2): SHUT.RD (0), SHUT.WR (1) or SHUT.RDWR (2). */
  shutdown(how: number): void {
    const fd = this.#use("shutdown");
    if (how !== SHUT.RD && how !== SHUT.WR && how !== SHUT.RDWR) {
      throw new RangeError(`shutdown: how must be 0, 1 or 2, got ${how}`);
    }
    const r = shutdown(fd, how);
    if (r < 0) throw errorFromErrno(r, "shutdown");
  }

  /**
   * The local address (getsockname), decoded into `into` when it has the
   * right family (no allocation), else into a new object.
   */
  getSockname(into?: Sockaddr): Sockaddr {
    return getSockname(this.#use("getsockname"), into);
  }

  /** The peer address (getpeername); throws NotConnectedError if none. */
  getPeername(into?: Sockaddr): Sockaddr {
    return getPeername(this.#use("getpeername"), into);
  }

  /** Closes the descriptor; pending awaits fail with ClosedError. Idempotent. */
  close(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    forgetSocket(this);
    cancelFd(fd);
    close(fd);
  }

  /** Same as {@linkcode NetSocket.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  #use(op: string): number {
    const fd = this.#fd;
    if (fd < 0) throw new ClosedError(Errno.EBADF, op);
    return fd;
  }
}

function checkAddr(addr: RawSockaddr, op: string): void {
  if (
    addr === null || typeof addr !== "object" ||
    !(addr.bytes instanceof Uint8Array) ||
    !(addr.length >= 2 && addr.length <= addr.bytes.byteLength)
  ) {
    throw new TypeError(
      `${op}: expected a socket address (SockaddrInet4, SockaddrInet6, SockaddrUnix)`,
    );
  }
}

/**
 * socket(2) with SOCK_NONBLOCK | SOCK_CLOEXEC, returning the raw fd or
 * throwing the typed error.
 */
export function openSocket(domain: number, type: number, protocol = 0): number {
  intIn(domain, 0, 0x7fffffff, "socket", "domain");
  intIn(type, 0, 0x7fffffff, "socket", "type");
  intIn(protocol, 0, 0x7fffffff, "socket", "protocol");
  const fd = socket(domain, type | SOCK.NONBLOCK | SOCK.CLOEXEC, protocol);
  if (fd < 0) throw errorFromErrno(fd, "socket");
  tracker?.(fd);
  return fd;
}

// Test hook: told of every descriptor this module instance creates, so a
// leak check can tell its own fds from those of other test workers that
// share the process.
let tracker: ((fd: number) => void) | null = null;

/** @internal Installs (or removes, with null) the fd-creation hook. */
export function _trackFds(hook: ((fd: number) => void) | null): void {
  tracker = hook;
}

/** socketpair(2) with SOCK_NONBLOCK | SOCK_CLOEXEC; the raw fds. */
export function openPair(
  domain: number,
  type: number,
  protocol = 0,
): [number, number] {
  const fds = new Int32Array(2);
  const r = socketpair(
    domain,
    type | SOCK.NONBLOCK | SOCK.CLOEXEC,
    protocol,
    fds,
  );
  if (r < 0) throw errorFromErrno(r, "socketpair");
  tracker?.(fds[0]);
  tracker?.(fds[1]);
  return [fds[0], fds[1]];
}

function emptyFor(family: number): Sockaddr {
  return family === AF.INET6
    ? new SockaddrInet6()
    : family === AF.UNIX
    ? new SockaddrUnix()
    : new SockaddrInet4();
}

function nameOf(
  fd: number,
  into: Sockaddr | undefined,
  peer: boolean,
): Sockaddr {
  scratchLen[0] = SIZEOF_SOCKADDR_ANY;
  const r = peer
    ? getpeername(fd, scratch, scratchLen)
    : getsockname(fd, scratch, scratchLen);
  const op = peer ? "getpeername" : "getsockname";
  if (r < 0) throw errorFromErrno(r, op);
  const n = scratchLen[0];
  if (n < 2) {
    // An unnamed Unix socket reports only its family (or nothing).
    const sa = into instanceof SockaddrUnix ? into : new SockaddrUnix();
    return sa.setPath("");
  }
  const family = scratch[0] | (scratch[1] << 8);
  return decodeSockaddr(scratch, n, into) ?? emptyFor(family);
}

/**
 * The local address of a socket.
 *
 * @example
 * ```ts
 * import { getSockname, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getSockname(ln.fd).toString(); // "127.0.0.1:<port>"
 * ```
 */
export function getSockname(fd: FdLike, into?: Sockaddr): Sockaddr {
  return nameOf(fdOf(fd, "getSockname"), into, false);
}

/**
 * The remote address of a connected socket.
 *
 * @example
 * ```ts
 * import { getPeername, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * getPeername(a).toString(); // "" (socket pairs are unnamed)
 * a.close();
 * b.close();
 * ```
 */
export function getPeername(fd: FdLike, into?: Sockaddr): Sockaddr {
  return nameOf(fdOf(fd, "getPeername"), into, true);
}

/**
 * Per-socket state for recvfrom/sendto without allocation: the length
 * cell the kernel updates. Used by UDPConn and UnixConn.
 */
export class DatagramIo {
  readonly #len = new Uint32Array(1);

  /**
   * recvfrom(2) into `p`, the sender written into `from` (which must match
   * the socket family; a Unix address adopts the reported length).
   */
  tryReadFrom(sock: NetSocket, p: Uint8Array, from: Sockaddr): number {
    const fd = sock.fd;
    if (!(p instanceof Uint8Array)) checkBuffer(p, "readFrom");
    const len = this.#len;
    len[0] = from.bytes.byteLength;
    let r = recvfrom(fd, p, 0, from.bytes, len);
    while (r === EINTR) {
      len[0] = from.bytes.byteLength;
      r = recvfrom(fd, p, 0, from.bytes, len);
    }
    if (r < 0) {
      if (r === EAGAIN) return r;
      throw errorFromErrno(r, "readFrom");
    }
    if (from instanceof SockaddrUnix) from.setLength(len[0]);
    return r;
  }

  /** sendto(2) from `p` to `to`. */
  tryWriteTo(sock: NetSocket, p: Uint8Array, to: RawSockaddr): number {
    const fd = sock.fd;
    if (!(p instanceof Uint8Array)) checkBuffer(p, "writeTo");
    if (to === null || typeof to !== "object") checkAddr(to, "writeTo");
    let r = sendto(fd, p, MSG.NOSIGNAL, to.bytes, to.length);
    while (r === EINTR) r = sendto(fd, p, MSG.NOSIGNAL, to.bytes, to.length);
    if (r >= 0 || r === EAGAIN) return r;
    checkAddr(to, "writeTo");
    throw errorFromErrno(r, "writeTo");
  }
}
