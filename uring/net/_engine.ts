/**
 * The connection engine: stream sockets served by one io_uring, with
 * callbacks instead of per-read promises. It is what `listen`/`connect`
 * build their Deno-shaped objects on, and what an HTTP server uses
 * directly.
 *
 * Model:
 * - One {@linkcode Engine} owns a ring driven by a {@linkcode UringDriver}
 *   inside Deno's event loop, plus a set of provided-buffer groups. Every
 *   submission carries a direct user_data (opcode, a small tag, the fd),
 *   so there is no per-operation object and no context pool to exhaust:
 *   the number of connections is bounded only by fds and memory.
 * - {@linkcode Engine.listen} starts a multishot accept on a listening
 *   fd and calls `onAccept(fd)` for each accepted socket (non-blocking,
 *   close-on-exec). Accept errors that mean "out of fds or memory"
 *   (EMFILE, ENFILE, ENOBUFS, ENOMEM) back off (10 ms doubling to 1 s,
 *   reset by the next success) instead of spinning; `onError` is told.
 * - {@linkcode Engine.attach} adopts a connected socket and starts a
 *   multishot receive into the shared buffer groups. `onData(conn, buf,
 *   length)` sees bytes `buf[0..length)`: a view into a provided buffer,
 *   recycled when the callback returns unless the handler called
 *   {@linkcode EngineConn.retain} (then {@linkcode Engine.releaseBuffer}
 *   gives it back) or passed the same view to {@linkcode EngineConn.send}
 *   (then it is recycled once sent: echo without a copy).
 * - A multishot receive the kernel ends while the socket is open is
 *   re-armed; when every buffer is in use (ENOBUFS) the engine adds a
 *   buffer group (up to `maxBuffers`), else the connection waits, without
 *   spinning, until buffers come back.
 * - {@linkcode EngineConn.send} queues bytes; sends are submitted one at a
 *   time per connection, so they are ordered, and a short send continues
 *   where it stopped. Nothing ever blocks the event loop. `send` returns
 *   false once `queuedBytes` reaches the high-water mark; `onDrain` runs
 *   when the queue empties again. A peer that never reads therefore costs
 *   its own queue only; pause reading from it ({@linkcode EngineConn.pause})
 *   to bound an echo.
 * - {@linkcode EngineConn.end} shuts down the write side after the queued
 *   bytes; {@linkcode EngineConn.close} cancels everything in flight,
 *   drops unsent bytes (their callbacks get -ECANCELED), and closes the fd
 *   once the kernel has let go of every buffer; `onClose` runs last.
 * - CQ overflow is survived: the kernel keeps the overflowed completions
 *   and the driver reaps them on the next turn.
 * - ref/unref: while any ref'd endpoint is open the driver keeps Deno's
 *   event loop alive; unref'd endpoints are still served (by a short
 *   unref'd poll timer) but do not keep the process running.
 *
 * Callbacks run inside the driver's reaping loop: they must not throw
 * (an exception is reported asynchronously and the connection closed) and
 * should return quickly; the driver yields to the event loop every few
 * milliseconds.
 *
 * @example
 * ```ts
 * import { Engine } from "./_engine.ts";
 * const engine = Engine.default();
 * declare const listenFd: number;
 * engine.listen(listenFd, {
 *   onAccept(fd) {
 *     engine.attach(fd, {
 *       onData(conn, buf, length) {
 *         conn.send(buf, 0, length); // echo from the receive buffer
 *       },
 *       onEnd(conn) {
 *         conn.end();
 *       },
 *     });
 *   },
 * });
 * ```
 *
 * @module
 */

import { IORING_OP, IOSQE, MSG, SHUT, SOCK } from "../../zcall/constants.ts";
import { Errno } from "../../zcall/errno.ts";
import { unsafeAddressOf } from "../../zcall/memory.ts";
import { close as closeFd, sendto } from "../../zcall/syscalls.ts";
import { BufferRing } from "../buffer_ring.ts";
import { type CQEView, IORING_CQE_BUFFER_SHIFT, IORING_CQE_F } from "../cqe.ts";
import { UringDriver } from "../driver.ts";
import { RingClosedError } from "../errors.ts";
import type { Uring } from "../ring.ts";
import {
  IORING_ACCEPT,
  IORING_ASYNC_CANCEL,
  IORING_RECVSEND,
  prepAccept,
  prepCancel,
  prepCancelFd,
  prepRecv,
  prepSend,
  prepShutdown,
} from "../sqe.ts";
import { checkFd } from "../_validate.ts";

const F_MORE = IORING_CQE_F.MORE;
const ENOBUFS = -Errno.ENOBUFS;
const ECANCELED = -Errno.ECANCELED;
const OP_RECV = IORING_OP.RECV;
const OP_SEND = IORING_OP.SEND;
const OP_ACCEPT = IORING_OP.ACCEPT;
const OP_SHUTDOWN = IORING_OP.SHUTDOWN;
const OP_CANCEL = IORING_OP.ASYNC_CANCEL;
const FD_MASK = 0x3fffffff;
const SEND_FLAGS = MSG.NOSIGNAL | MSG.WAITALL;
const TRY_SEND_FLAGS = MSG.NOSIGNAL | MSG.DONTWAIT;
const ACCEPT_FLAGS = SOCK.NONBLOCK | SOCK.CLOEXEC;
const BACKOFF_MIN_MS = 10;
const BACKOFF_MAX_MS = 1000;
// How often unref'd endpoints are served when nothing keeps the loop alive.
const UNREF_POLL_MS = 10;
// How long the loop stays held after the last reason to hold it went.
const RELEASE_DELAY_MS = 2;

/**
 * Options of {@linkcode Engine}.
 */
export interface EngineOptions {
  /** SQ entries (default 1024). */
  entries?: number;
  /** CQ entries (default 8 x entries; overflow is survived anyway). */
  cqEntries?: number;
  /** Size of each receive buffer in bytes (default 16384). */
  bufferSize?: number;
  /** Buffers per group (a power of two, default 512). */
  groupBuffers?: number;
  /**
   * Upper bound on receive buffers over all groups (default 16384): when
   * every buffer is in use a new group is added until this many exist.
   */
  maxBuffers?: number;
  /** Per-connection queued-bytes mark where send() returns false (default 1 MiB). */
  highWaterMark?: number;
}

/** Counters of {@linkcode Engine.stats}. */
export interface EngineStats {
  /** Multishot receives ended by the kernel with data, then re-armed. */
  rearms: number;
  /** Receives that found every buffer in use (ENOBUFS). */
  noBuffers: number;
  /** Accepts that failed temporarily (EMFILE...) and backed off. */
  acceptBackoffs: number;
}

/**
 * What a connection tells its owner. Only `onData` is required.
 */
export interface EngineConnHandler {
  /**
   * Bytes `buf[0..length)` arrived. The view is valid until the callback
   * returns, unless retained or passed to send().
   */
  onData(conn: EngineConn, buf: Uint8Array, length: number): void;
  /**
   * The peer closed its write side (end of stream); receiving stops.
   * Without this callback the engine calls `end(true)` (flush, shut down,
   * close).
   */
  onEnd?(conn: EngineConn): void;
  /**
   * A receive or send failed with `-errno` (`op` "read" or "write"); the
   * engine closes the connection after this callback.
   */
  onError?(conn: EngineConn, errno: number, op: "read" | "write"): void;
  /** The send queue, once at or above the high-water mark, emptied. */
  onDrain?(conn: EngineConn): void;
  /** The write side was shut down after end() (`errno` 0, or -errno). */
  onShutdown?(conn: EngineConn, errno: number): void;
  /** The fd is closed and every resource released (the last call). */
  onClose?(conn: EngineConn): void;
}

/**
 * When a ref'd endpoint keeps the event loop (and so the process) alive:
 * `"open"` (the default) for as long as it is open; `"waiting"` only while
 * its owner waits on it (see {@linkcode EngineConn.setWaiting}), as a
 * `Deno.Conn` or `Deno.Listener` does with a pending read, write or accept.
 * Endpoints that keep nothing alive are still served while the process
 * runs.
 */
export type KeepAlive = "open" | "waiting";

/**
 * Called for each queued send once its bytes are all sent (`errno` 0) or
 * when it failed or was dropped (`-errno`; -ECANCELED after close()).
 */
export type SendCallback = (errno: number) => void;

/**
 * What a listener tells its owner. Only `onAccept` is required.
 */
export interface EngineAcceptHandler {
  /** A connection was accepted (non-blocking, close-on-exec fd). */
  onAccept(fd: number): void;
  /**
   * An accept failed with `-errno`. Temporary failures (EMFILE, ENFILE,
   * ENOBUFS, ENOMEM) are retried after a back-off; others stop the
   * listener (then onClose follows once it is idle).
   */
  onError?(errno: number, temporary: boolean): void;
  /** Accepting stopped for good and nothing is in flight. */
  onClose?(): void;
}

// One buffer group: a registered buffer ring plus per-buffer holds.
class Group {
  readonly ring: BufferRing;
  readonly index: number;
  readonly size: number;
  readonly mem: ArrayBufferLike;
  readonly base: number;
  // Byte offset of buffer 0 in `mem` (the group's memory is page-aligned
  // JavaScript memory, not at offset 0 of its ArrayBuffer).
  readonly origin: number;
  readonly views: Uint8Array[];
  readonly holds: Int32Array;
  held = 0;

  constructor(ring: BufferRing, index: number) {
    this.ring = ring;
    this.index = index;
    this.size = ring.bufferSize;
    this.views = [];
    for (let b = 0; b < ring.count; b++) this.views.push(ring.view(b));
    this.mem = this.views[0].buffer;
    this.origin = this.views[0].byteOffset;
    this.base = ring.baseAddress;
    this.holds = new Int32Array(ring.count);
  }
}

/**
 * A connection served by an {@linkcode Engine}. See the module doc.
 */
export class EngineConn {
  /** The socket fd (owned by the engine until onClose). */
  readonly fd: number;
  /** Free slot for the owner's per-connection state. */
  data: unknown = undefined;
  /** @internal */ _handler: EngineConnHandler;
  /** @internal */ _engine: Engine;
  // Operations submitted and not yet finished (final CQE).
  /** @internal */ _ops = 0;
  /** @internal */ _recvArmed = false;
  /** @internal */ _recvWaiting = false; // parked on buffers
  /** @internal */ _paused = false;
  /** @internal */ _eof = false;
  /** @internal */ _closing = false;
  /** @internal */ _closed = false;
  /** @internal */ _ref = true;
  /** @internal */ _keepOpen = true; // keepAlive "open" (else "waiting")
  /** @internal */ _waiting = false; // the owner awaits this connection
  /** @internal */ _alive = false; // counted in the engine's refs
  /** @internal */ _busy = false; // counted in the engine's closing work
  /** @internal */ _writeEnding = false; // end() called
  /** @internal */ _shutdownSent = false;
  /** @internal */ _closeAfterEnd = false;
  /** @internal */ _shutdownDone = false;
  /** @internal */ _sendInflight = false;
  /** @internal */ _needDrain = false;
  // The send queue as parallel arrays used as a ring (no per-send object).
  /** @internal */ _qBuf: (Uint8Array | null)[] = [];
  /** @internal */ _qStart: number[] = [];
  /** @internal */ _qEnd: number[] = [];
  /** @internal */ _qCb: (SendCallback | null)[] = [];
  /** @internal */ _qGroup: number[] = [];
  /** @internal */ _qHead = 0;
  /** @internal */ _qLen = 0;
  /** @internal */ _queued = 0;

  /** @internal Use Engine.attach. */
  constructor(engine: Engine, fd: number, handler: EngineConnHandler) {
    this._engine = engine;
    this.fd = fd;
    this._handler = handler;
  }

  /** Bytes queued and not yet sent. */
  get queuedBytes(): number {
    return this._queued;
  }

  /** Whether close() was called (or the engine closed it). */
  get closed(): boolean {
    return this._closing;
  }

  /** Whether the peer ended its write side. */
  get ended(): boolean {
    return this._eof;
  }

  /** Replaces the handler (e.g. when a protocol upgrade takes over). */
  setHandler(handler: EngineConnHandler): void {
    checkHandler(handler);
    this._handler = handler;
  }

  /**
   * Queues `buf[start..end)` for sending, after everything queued before.
   * The bytes must stay unchanged until `cb` runs (a view from onData may
   * be passed as is: its buffer is then recycled once sent). Returns false
   * when the queue has reached the high-water mark (keep going if you
   * must; wait for onDrain to be polite). Throws once the write side is
   * closed.
   */
  send(
    buf: Uint8Array,
    start = 0,
    end: number = buf.length,
    cb: SendCallback | null = null,
  ): boolean {
    return this._engine._send(this, buf, start, end, cb);
  }

  /**
   * Sends `buf[start..end)` right now with a non-blocking send(2), when
   * nothing is queued: returns the bytes the kernel took (possibly fewer),
   * -EAGAIN when it took none or sends are queued (then use send()), or
   * another -errno. Saves the ring round trip for a latency-bound writer;
   * never blocks.
   */
  trySend(buf: Uint8Array, start = 0, end: number = buf.length): number {
    if (this._qLen > 0 || this._sendInflight || this._writeEnding) {
      return -Errno.EAGAIN;
    }
    if (this._closing) return -Errno.EBADF;
    if (!(start >= 0 && start < end && end <= buf.length)) {
      return start === end ? 0 : -Errno.EINVAL;
    }
    return sendto(
      this.fd,
      start === 0 ? buf : buf.subarray(start, end),
      TRY_SEND_FLAGS,
      null,
      0,
      end - start,
    );
  }

  /**
   * Keeps the buffer of the view being delivered to onData beyond the
   * callback; returns a token for {@linkcode Engine.releaseBuffer}. Only
   * valid inside onData.
   */
  retain(): number {
    return this._engine._retain(this);
  }

  /** Stops receiving (data already on its way is still delivered). */
  pause(): void {
    this._engine._pause(this);
  }

  /** Resumes receiving after pause(). */
  resume(): void {
    this._engine._resume(this);
  }

  /**
   * Shuts down the write side once the queued bytes are sent; with
   * `close` true, then closes the connection (a graceful close).
   */
  end(close = false): void {
    this._engine._end(this, close);
  }

  /**
   * Cancels everything in flight, drops unsent bytes and closes the fd
   * once the kernel let go (onClose then runs). Idempotent.
   */
  close(): void {
    this._engine._close(this);
  }

  /** Keeps the event loop alive while open (the default). */
  ref(): void {
    this._engine._setRef(this, true);
  }

  /** Lets the process exit while this connection is open. */
  unref(): void {
    this._engine._setRef(this, false);
  }

  /**
   * Tells the engine whether the owner is waiting on this connection (a
   * read or write it has promised to settle). With `keepAlive: "waiting"`
   * a ref'd connection keeps the event loop alive only while waiting.
   */
  setWaiting(waiting: boolean): void {
    if (this._waiting === waiting) return;
    this._waiting = waiting;
    this._engine._refresh(this);
  }
}

/**
 * A listening socket served by an {@linkcode Engine}.
 */
export class EngineListener {
  /** The listening fd (the owner closes it after onClose). */
  readonly fd: number;
  /** @internal */ _handler: EngineAcceptHandler;
  /** @internal */ _engine: Engine;
  /** @internal */ _armed = false;
  /** @internal */ _paused = false;
  /** @internal */ _closing = false;
  /** @internal */ _closed = false;
  /** @internal */ _ref = true;
  /** @internal */ _keepOpen = true;
  /** @internal */ _waiting = false;
  /** @internal */ _alive = false;
  /** @internal */ _busy = false;
  /** @internal */ _tag = 0;
  /** @internal */ _backoff = 0;
  /** @internal */ _timer: Timer | undefined = undefined;

  /** @internal Use Engine.listen. */
  constructor(engine: Engine, fd: number, handler: EngineAcceptHandler) {
    this._engine = engine;
    this.fd = fd;
    this._handler = handler;
  }

  /** Stops accepting (the kernel's backlog keeps new connections). */
  pause(): void {
    this._engine._pauseAccept(this);
  }

  /** Resumes accepting. */
  resume(): void {
    this._engine._resumeAccept(this);
  }

  /** Stops accepting for good; onClose runs once nothing is in flight. */
  close(): void {
    this._engine._closeListener(this);
  }

  /** Keeps the event loop alive while open (the default). */
  ref(): void {
    this._engine._setListenerRef(this, true);
  }

  /** Lets the process exit while this listener is open. */
  unref(): void {
    this._engine._setListenerRef(this, false);
  }

  /**
   * Tells the engine whether the owner is waiting for a connection (a
   * pending accept). With `keepAlive: "waiting"` a ref'd listener keeps the
   * event loop alive only while waiting.
   */
  setWaiting(waiting: boolean): void {
    if (this._waiting === waiting) return;
    this._waiting = waiting;
    this._engine._refresh(this);
  }
}

type Timer = ReturnType<typeof setTimeout>;

let defaultEngine: Engine | null = null;

/**
 * Owns a ring, its driver and the receive buffer groups; serves listeners
 * and connections. See the module doc.
 */
export class Engine {
  /** The driver (its ring is shared: raw users may submit on it too). */
  readonly driver: UringDriver;
  /**
   * Counters: multishot receives the kernel ended with data and that were
   * re-armed, receives that found no buffer (ENOBUFS), accept back-offs.
   */
  readonly stats: EngineStats = { rearms: 0, noBuffers: 0, acceptBackoffs: 0 };
  readonly #ring: Uring;
  #w: Uint32Array;
  readonly #bufferSize: number;
  readonly #groupBuffers: number;
  readonly #maxBuffers: number;
  readonly #hwm: number;
  #groups: Group[] = [];
  #conns: (EngineConn | undefined)[] = [];
  // Listeners by their tag (in the accept's user_data): the owner may close
  // a listening fd, and the number be reused, while its accept is ending.
  #listeners: (EngineListener | undefined)[] = [];
  #nextTag = 1;
  #bufWaiters: EngineConn[] = [];
  #retry: EngineConn[] = [];
  #retryTimer: Timer | undefined = undefined;
  #rearmQueued = false;
  // The view being delivered (for retain() and zero-copy send()).
  #curGroup: Group | null = null;
  #curBid = -1;
  #curConn: EngineConn | null = null;
  #refs = 0; // endpoints keeping the loop alive (see _refresh)
  #live = 0; // open endpoints (ref'd or not)
  #busy = 0; // closing endpoints with operations in flight
  #holding = false;
  #releaseTimer: Timer | undefined = undefined;
  #pollTimer: Timer | undefined = undefined;
  #closed = false;
  #connCount = 0;

  /** Creates an engine with its own ring. */
  constructor(options: EngineOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Engine: options must be an object");
    }
    const entries = intOpt("entries", options.entries, 1024, 1, 32768);
    const cqEntries = intOpt(
      "cqEntries",
      options.cqEntries,
      entries * 8,
      entries,
      1 << 20,
    );
    this.#bufferSize = intOpt(
      "bufferSize",
      options.bufferSize,
      16384,
      64,
      1 << 24,
    );
    this.#groupBuffers = intOpt(
      "groupBuffers",
      options.groupBuffers,
      512,
      1,
      32768,
    );
    this.#maxBuffers = intOpt(
      "maxBuffers",
      options.maxBuffers,
      16384,
      this.#groupBuffers,
      1 << 22,
    );
    this.#hwm = intOpt(
      "highWaterMark",
      options.highWaterMark,
      1 << 20,
      1,
      2 ** 31,
    );
    this.driver = new UringDriver({
      // Completions are posted while this thread sleeps in Deno's event
      // loop (the eventfd then wakes the driver); with DEFER_TASKRUN they
      // would wait for the next enter, and the eventfd would not fire.
      signalTaskrun: true,
      entries,
      cqEntries,
      onCQE: (cqe) => this.#onCQE(cqe),
    });
    this.#ring = this.driver.ring;
    this.#w = this.#ring.sqeWords;
    this.#addGroup();
  }

  /**
   * The engine shared by this isolate's `listen`/`connect` (created on
   * first use; each Worker has its own).
   */
  static default(): Engine {
    if (defaultEngine === null || defaultEngine.#closed) {
      defaultEngine = new Engine();
    }
    return defaultEngine;
  }

  /** Open connections. */
  get connections(): number {
    return this.#connCount;
  }

  /** Receive buffers over all groups. */
  get bufferCount(): number {
    let n = 0;
    for (const g of this.#groups) n += g.ring.count;
    return n;
  }

  /** Receive buffers currently held by JS (delivered, not yet recycled). */
  get buffersHeld(): number {
    let n = 0;
    for (const g of this.#groups) n += g.held;
    return n;
  }

  /** Whether close() ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Serves the listening socket `fd`: calls `handler.onAccept` per
   * connection. `options.keepAlive`: see {@linkcode KeepAlive}.
   */
  listen(
    fd: number,
    handler: EngineAcceptHandler,
    options: { keepAlive?: KeepAlive } = {},
  ): EngineListener {
    this.#check("listen");
    checkFdArg("listen", fd);
    if (
      handler === null || typeof handler !== "object" ||
      typeof handler.onAccept !== "function"
    ) {
      throw new TypeError("Engine.listen: handler needs an onAccept function");
    }
    for (const o of this.#listeners) {
      if (o !== undefined && o.fd === fd && !o._closing) {
        throw new TypeError(`Engine.listen: fd ${fd} is already served`);
      }
    }
    const l = new EngineListener(this, fd, handler);
    let tag = this.#nextTag;
    while (this.#listeners[tag] !== undefined) tag = (tag % 0xfffe) + 1;
    this.#nextTag = (tag % 0xfffe) + 1;
    l._tag = tag;
    l._keepOpen = keepOpen("listen", options);
    this.#listeners[tag] = l;
    this.#live++;
    this.#armAccept(l);
    this._refresh(l);
    return l;
  }

  /**
   * Adopts the connected socket `fd` (the engine closes it at the end) and
   * starts receiving, unless `options.paused`. `options.keepAlive`: see
   * {@linkcode KeepAlive}.
   */
  attach(
    fd: number,
    handler: EngineConnHandler,
    options: { paused?: boolean; keepAlive?: KeepAlive } = {},
  ): EngineConn {
    this.#check("attach");
    checkFdArg("attach", fd);
    checkHandler(handler);
    if (this.#conns[fd] !== undefined) {
      throw new TypeError(`Engine.attach: fd ${fd} is already attached`);
    }
    const keep = keepOpen("attach", options);
    const c = new EngineConn(this, fd, handler);
    c._keepOpen = keep;
    this.#conns[fd] = c;
    this.#live++;
    this.#connCount++;
    if (options.paused === true) c._paused = true;
    else this.#armRecv(c);
    this._refresh(c);
    return c;
  }

  /** Gives back a buffer kept with {@linkcode EngineConn.retain}. */
  releaseBuffer(token: number): void {
    const g = this.#groups[token >>> 16];
    const bid = token & 0xffff;
    if (g === undefined || bid >= g.holds.length || g.holds[bid] <= 0) {
      throw new RangeError(`Engine.releaseBuffer: bad token ${token}`);
    }
    this.#unhold(g, bid);
  }

  /**
   * Closes every endpoint, waits for the kernel to let go, then closes
   * the ring and the buffer groups. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const l of this.#listeners) if (l) this._closeListener(l);
    for (const c of this.#conns) if (c) this._close(c);
    const deadline = performance.now() + 5000;
    while (
      (this.#live > 0 || this.#busy > 0) && performance.now() < deadline
    ) {
      this.#updateHold();
      this.driver.kick();
      await new Promise((r) => setTimeout(r, 2));
    }
    const settled = this.#live === 0 && this.#busy === 0;
    this.#stopPoll();
    if (this.#releaseTimer !== undefined) clearTimeout(this.#releaseTimer);
    this.#releaseTimer = undefined;
    if (this.#holding) {
      this.#holding = false;
      this.driver.release();
    }
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    // Unregister and unmap the groups while the ring is open, and only
    // when the kernel let go of every operation: a receive still in flight
    // (even in the ring's asynchronous teardown) could write into memory
    // reused by then. Otherwise the mappings are left to the process (a
    // bounded leak, said aloud).
    if (settled) { for (const g of this.#groups) g.ring.close(); }
    await this.driver.close();
    if (!settled) {
      console.warn(
        `Engine.close: ${
          this.#live + this.#busy
        } endpoints still had kernel operations after 5 s; their receive buffers stay mapped`,
      );
    }
    this.#groups = [];
    if (defaultEngine === this) defaultEngine = null;
  }

  /** Same as {@linkcode Engine.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #check(op: string): void {
    if (this.#closed) throw new RingClosedError(`Engine.${op}`);
  }

  // ---- submissions ----------------------------------------------------------

  // Claims an SQE (flushing when full); -1 when the kernel pushes back.
  #sqe(): number {
    const i = this.#ring.getSqe();
    if (i >= 0) {
      // The words array is replaced when the ring is resized.
      if (this.#w.length === 0) this.#w = this.#ring.sqeWords;
      return i;
    }
    return -1;
  }

  #armRecv(c: EngineConn): void {
    if (c._recvArmed || c._closing || c._eof || c._paused) return;
    const g = this.#pickGroup();
    if (g === null) {
      if (!c._recvWaiting) {
        c._recvWaiting = true;
        this.#bufWaiters.push(c);
      }
      return;
    }
    const i = this.#sqe();
    if (i < 0) return this.#later(c);
    const w = this.#w;
    prepRecv(w, i, c.fd, 0, 0, 0);
    w[i] |= (IOSQE.BUFFER_SELECT << 8) |
      (IORING_RECVSEND.RECV_MULTISHOT << 16);
    w[i + 10] = g.ring.groupId;
    w[i + 8] = OP_RECV | (g.index << 16);
    w[i + 9] = c.fd & FD_MASK;
    c._recvArmed = true;
    c._ops++;
    this.driver.kick();
  }

  #armAccept(l: EngineListener): void {
    if (l._armed || l._closing || l._paused || l._timer !== undefined) return;
    const i = this.#sqe();
    if (i < 0) {
      l._timer = setTimeout(() => {
        l._timer = undefined;
        this.#armAccept(l);
      }, 1);
      return;
    }
    const w = this.#w;
    prepAccept(w, i, l.fd, 0, 0, ACCEPT_FLAGS);
    w[i] |= IORING_ACCEPT.MULTISHOT << 16;
    w[i + 8] = OP_ACCEPT | (l._tag << 16);
    w[i + 9] = l.fd & FD_MASK;
    l._armed = true;
    this.driver.kick();
  }

  #submitSend(c: EngineConn): void {
    if (c._sendInflight || c._qLen === 0) return;
    const i = this.#sqe();
    if (i < 0) return this.#later(c);
    const k = c._qHead;
    const buf = c._qBuf[k]!;
    const start = c._qStart[k];
    const gi = c._qGroup[k];
    const addr = gi >= 0
      ? this.#groups[gi].base + buf.byteOffset - this.#groups[gi].origin +
        start
      : unsafeAddressOf(buf) + start;
    const w = this.#w;
    prepSend(w, i, c.fd, addr, c._qEnd[k] - start, SEND_FLAGS);
    w[i + 8] = OP_SEND;
    w[i + 9] = c.fd & FD_MASK;
    c._sendInflight = true;
    c._ops++;
    this.driver.kick();
  }

  #submitShutdown(c: EngineConn): void {
    const i = this.#sqe();
    if (i < 0) return this.#later(c);
    const w = this.#w;
    prepShutdown(w, i, c.fd, SHUT.WR);
    w[i + 8] = OP_SHUTDOWN;
    w[i + 9] = c.fd & FD_MASK;
    c._shutdownSent = true;
    c._ops++;
    this.driver.kick();
  }

  // Cancels everything on the fd (`all`: a connection being closed, whose
  // fd stays open until its operations end) or the operations whose
  // user_data low word is `udLo` on that fd (a paused receive, an accept:
  // these match even if the owner already closed the fd).
  #cancel(fd: number, all: boolean, udLo: number): boolean {
    const i = this.#sqe();
    if (i < 0) return false;
    const w = this.#w;
    if (all) {
      prepCancelFd(w, i, fd, IORING_ASYNC_CANCEL.ALL);
    } else {
      prepCancel(w, i, udLo, fd & FD_MASK, IORING_ASYNC_CANCEL.ALL);
    }
    w[i] |= IOSQE.CQE_SKIP_SUCCESS << 8;
    w[i + 8] = OP_CANCEL;
    w[i + 9] = fd & FD_MASK;
    this.driver.kick();
    return true;
  }

  // The SQ is full and the kernel pushes back: retry shortly.
  #later(c: EngineConn): void {
    this.#retry.push(c);
    if (this.#retryTimer === undefined) {
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        const list = this.#retry;
        this.#retry = [];
        for (const c of list) this.#resumeWork(c);
      }, 1);
    }
  }

  // Re-issues whatever a connection is missing.
  #resumeWork(c: EngineConn): void {
    if (c._closed) return;
    if (c._closing) {
      if (c._ops > 0 && !this.#cancel(c.fd, true, 0)) this.#later(c);
      return;
    }
    this.#armRecv(c);
    this.#submitSend(c);
    if (
      c._writeEnding && !c._shutdownSent && c._qLen === 0 &&
      !c._sendInflight
    ) this.#submitShutdown(c);
  }

  // ---- buffers ---------------------------------------------------------------

  #addGroup(): Group | null {
    if (this.bufferCount + this.#groupBuffers > this.#maxBuffers) return null;
    const index = this.#groups.length;
    let ring: BufferRing | null = null;
    // Group ids: the ring may carry other users' groups; find a free one.
    for (let id = 0x4b00 + index; id < 0xffff && ring === null; id += 64) {
      try {
        ring = BufferRing.register(this.#ring, {
          groupId: id,
          entries: this.#groupBuffers,
          bufferSize: this.#bufferSize,
        });
      } catch (e) {
        if ((e as { code?: string }).code !== "EEXIST") throw e;
      }
    }
    if (ring === null) return null;
    const g = new Group(ring, index);
    this.#groups.push(g);
    return g;
  }

  // The group with a free buffer (most free first), growing if all are
  // in use; null when at maxBuffers with every buffer held.
  #pickGroup(): Group | null {
    const gs = this.#groups;
    let best: Group | null = null;
    let bestFree = 0;
    for (let k = 0; k < gs.length; k++) {
      const free = gs[k].ring.count - gs[k].held;
      if (free > bestFree) {
        best = gs[k];
        bestFree = free;
      }
    }
    if (best !== null) return best;
    return this.#addGroup();
  }

  #unhold(g: Group, bid: number): void {
    if (--g.holds[bid] > 0) return;
    g.held--;
    g.ring.recycle(bid);
    if (this.#bufWaiters.length > 0 && !this.#rearmQueued) {
      this.#rearmQueued = true;
      queueMicrotask(this.#rearmWaiters);
    }
  }

  #rearmWaiters = (): void => {
    this.#rearmQueued = false;
    const list = this.#bufWaiters;
    let k = 0;
    while (k < list.length) {
      const g = this.#pickGroup();
      if (g === null) break;
      const c = list[k++];
      c._recvWaiting = false;
      this.#armRecv(c);
    }
    list.splice(0, k);
  };

  /** @internal */
  _retain(c: EngineConn): number {
    const g = this.#curGroup;
    if (g === null || this.#curConn !== c) {
      throw new TypeError("EngineConn.retain: only valid inside onData");
    }
    g.holds[this.#curBid]++;
    return (g.index << 16) | this.#curBid;
  }

  // ---- completions -----------------------------------------------------------

  #onCQE(cqe: CQEView): void {
    const lo = cqe.userDataLo;
    const op = lo & 0xff;
    const fd = (cqe.userDataHi << 2) >> 2;
    if (op === OP_RECV) {
      const c = this.#conns[fd];
      if (c !== undefined) this.#onRecv(c, cqe.res, cqe.flags, lo >>> 16);
      else this.#dropBuffer(cqe.res, cqe.flags, lo >>> 16);
    } else if (op === OP_SEND) {
      const c = this.#conns[fd];
      if (c !== undefined) this.#onSend(c, cqe.res);
    } else if (op === OP_ACCEPT) {
      const l = this.#listeners[lo >>> 16];
      if (l !== undefined) this.#onAccept(l, cqe.res, cqe.flags);
      else if (cqe.res >= 0) closeFd(cqe.res);
    } else if (op === OP_SHUTDOWN) {
      const c = this.#conns[fd];
      if (c !== undefined) {
        c._ops--;
        c._shutdownDone = true;
        try {
          c._handler.onShutdown?.(c, cqe.res);
        } catch (e) {
          this.#report(e);
        }
        if (c._closeAfterEnd) this._close(c);
        else this.#maybeFinish(c);
      }
    }
    // OP_CANCEL: only failures post (nothing left to cancel): ignore.
  }

  #dropBuffer(res: number, flags: number, gi: number): void {
    if (res > 0 && (flags & IORING_CQE_F.BUFFER) !== 0) {
      const g = this.#groups[gi];
      g.holds[flags >>> IORING_CQE_BUFFER_SHIFT] = 1;
      g.held++;
      this.#unhold(g, flags >>> IORING_CQE_BUFFER_SHIFT);
    }
  }

  #onRecv(c: EngineConn, res: number, flags: number, gi: number): void {
    if (res > 0) {
      const g = this.#groups[gi];
      const bid = flags >>> IORING_CQE_BUFFER_SHIFT;
      g.holds[bid] = 1;
      g.held++;
      if (!c._closing) {
        this.#curGroup = g;
        this.#curBid = bid;
        this.#curConn = c;
        try {
          c._handler.onData(c, g.views[bid], res);
        } catch (e) {
          this.#report(e);
          this._close(c);
        }
        this.#curGroup = null;
        this.#curConn = null;
      }
      this.#unhold(g, bid);
      if ((flags & F_MORE) !== 0) return;
      // Ended with data still possibly unread: re-arm (not an EOF).
      this.stats.rearms++;
      c._recvArmed = false;
      c._ops--;
      if (!c._closing) this.#armRecv(c);
      else this.#maybeFinish(c);
      return;
    }
    if ((flags & F_MORE) !== 0) return; // not expected for res <= 0
    c._recvArmed = false;
    c._ops--;
    if (c._closing) return this.#maybeFinish(c);
    if (res === 0) {
      c._eof = true;
      try {
        // Without an onEnd the connection ends gracefully by itself.
        if (c._handler.onEnd) c._handler.onEnd(c);
        else this._end(c, true);
      } catch (e) {
        this.#report(e);
        this._close(c);
      }
    } else if (res === ENOBUFS) {
      this.stats.noBuffers++;
      this.#armRecv(c); // grows a group or waits for buffers
    } else if (res === ECANCELED) {
      this.#armRecv(c); // paused (no-op) or resumed since
    } else {
      this.#fail(c, res, "read");
    }
    this.#maybeFinish(c);
  }

  #onSend(c: EngineConn, res: number): void {
    c._sendInflight = false;
    c._ops--;
    if (res < 0) {
      if (!c._closing) this.#fail(c, res, "write");
      else this.#dropQueue(c, res);
      return this.#maybeFinish(c);
    }
    let k = c._qHead;
    c._qStart[k] += res;
    c._queued -= res;
    if (c._qStart[k] >= c._qEnd[k]) {
      const cb = c._qCb[k];
      this.#popSend(c);
      if (cb !== null) {
        try {
          cb(0);
        } catch (e) {
          this.#report(e);
        }
      }
      k = c._qHead;
    }
    if (c._closing) {
      this.#dropQueue(c, ECANCELED);
      return this.#maybeFinish(c);
    }
    if (c._qLen > 0) {
      this.#submitSend(c);
      return;
    }
    if (c._needDrain) {
      c._needDrain = false;
      try {
        c._handler.onDrain?.(c);
      } catch (e) {
        this.#report(e);
      }
    }
    if (c._writeEnding && !c._shutdownSent && c._qLen === 0) {
      this.#submitShutdown(c);
    }
  }

  #popSend(c: EngineConn): void {
    const k = c._qHead;
    const gi = c._qGroup[k];
    if (gi >= 0) {
      const g = this.#groups[gi];
      const buf = c._qBuf[k]!;
      this.#unhold(g, ((buf.byteOffset - g.origin) / g.size) | 0);
    }
    c._qBuf[k] = null;
    c._qCb[k] = null;
    c._qHead = k + 1 === c._qBuf.length ? 0 : k + 1;
    c._qLen--;
  }

  #dropQueue(c: EngineConn, errno: number): void {
    // The head entry may be in flight: leave it for its CQE.
    while (c._qLen > (c._sendInflight ? 1 : 0)) {
      const k = c._sendInflight
        ? (c._qHead + c._qLen - 1) % c._qBuf.length
        : c._qHead;
      const cb = c._qCb[k];
      c._queued -= c._qEnd[k] - c._qStart[k];
      if (c._sendInflight) {
        // Drop from the tail.
        const gi = c._qGroup[k];
        if (gi >= 0) {
          const g = this.#groups[gi];
          this.#unhold(g, ((c._qBuf[k]!.byteOffset - g.origin) / g.size) | 0);
        }
        c._qBuf[k] = null;
        c._qCb[k] = null;
        c._qLen--;
      } else {
        this.#popSend(c);
      }
      if (cb !== null) {
        try {
          cb(errno);
        } catch (e) {
          this.#report(e);
        }
      }
    }
  }

  #fail(c: EngineConn, res: number, op: "read" | "write"): void {
    try {
      c._handler.onError?.(c, res, op);
    } catch (e) {
      this.#report(e);
    }
    this.#dropQueue(c, res);
    this._close(c);
  }

  #onAccept(l: EngineListener, res: number, flags: number): void {
    const more = (flags & F_MORE) !== 0;
    if (!more) l._armed = false;
    if (res >= 0) {
      l._backoff = 0;
      if (l._closing) closeFd(res);
      else {
        try {
          l._handler.onAccept(res);
        } catch (e) {
          this.#report(e);
        }
      }
      if (!more && !l._closing) this.#armAccept(l);
      else if (!more) this.#maybeFinishListener(l);
      return;
    }
    if (l._closing || res === ECANCELED) {
      if (!l._closing) this.#armAccept(l);
      return this.#maybeFinishListener(l);
    }
    const temporary = res === -Errno.EMFILE || res === -Errno.ENFILE ||
      res === -Errno.ENOBUFS || res === -Errno.ENOMEM ||
      res === -Errno.ECONNABORTED || res === -Errno.EINTR;
    try {
      l._handler.onError?.(res, temporary);
    } catch (e) {
      this.#report(e);
    }
    if (!temporary) return this._closeListener(l);
    // The final CQE (if this one had F_MORE) finds the timer and waits.
    if (more) this.#cancel(l.fd, false, OP_ACCEPT | (l._tag << 16));
    this.stats.acceptBackoffs++;
    const delay = res === -Errno.ECONNABORTED || res === -Errno.EINTR
      ? 0
      : (l._backoff = Math.min(
        BACKOFF_MAX_MS,
        l._backoff === 0 ? BACKOFF_MIN_MS : l._backoff * 2,
      ));
    l._timer = setTimeout(() => {
      l._timer = undefined;
      this.#armAccept(l);
    }, delay);
    if (!l._ref) Deno.unrefTimer(l._timer!);
  }

  // ---- state changes ------------------------------------------------------------

  /** @internal */
  _send(
    c: EngineConn,
    buf: Uint8Array,
    start: number,
    end: number,
    cb: SendCallback | null,
  ): boolean {
    if (!(buf instanceof Uint8Array)) {
      throw new TypeError("EngineConn.send: buf must be a Uint8Array");
    }
    const len = buf.length;
    if (!(start >= 0 && start <= end && end <= len && (start | 0) === start)) {
      throw new RangeError(
        `EngineConn.send: bad range [${start}, ${end}) of ${len} bytes`,
      );
    }
    if (c._closing) throw new RingClosedError("EngineConn.send");
    if (c._writeEnding) {
      throw new TypeError("EngineConn.send: the write side is closed");
    }
    if (start === end) {
      if (cb !== null) cb(0);
      return c._queued < this.#hwm;
    }
    let gi = -1;
    const mem = buf.buffer;
    const gs = this.#groups;
    for (let k = 0; k < gs.length; k++) {
      if (gs[k].mem === mem) {
        gi = k;
        gs[k]
          .holds[((buf.byteOffset - gs[k].origin + start) / gs[k].size) | 0]++;
        break;
      }
    }
    if (c._qLen === c._qBuf.length) growQueue(c);
    const k = (c._qHead + c._qLen) % c._qBuf.length;
    c._qBuf[k] = gi >= 0
      ? gs[gi].views[
        ((buf.byteOffset - gs[gi].origin + start) / gs[gi].size) | 0
      ]
      : buf;
    if (gi >= 0) {
      // Store offsets relative to the buffer's full view.
      const off = buf.byteOffset - c._qBuf[k]!.byteOffset;
      c._qStart[k] = start + off;
      c._qEnd[k] = end + off;
    } else {
      c._qStart[k] = start;
      c._qEnd[k] = end;
    }
    c._qCb[k] = cb;
    c._qGroup[k] = gi;
    c._qLen++;
    c._queued += end - start;
    if (!c._sendInflight) this.#submitSend(c);
    if (c._queued >= this.#hwm) {
      c._needDrain = true;
      return false;
    }
    return true;
  }

  /** @internal */
  _pause(c: EngineConn): void {
    if (c._paused || c._closing) return;
    c._paused = true;
    if (c._recvWaiting) {
      c._recvWaiting = false;
      const k = this.#bufWaiters.indexOf(c);
      if (k >= 0) this.#bufWaiters.splice(k, 1);
    }
    if (c._recvArmed) {
      // Matches the receive's user_data: any group (try each armed tag).
      for (let g = 0; g < this.#groups.length; g++) {
        this.#cancel(c.fd, false, OP_RECV | (g << 16));
      }
      // At once: every completion before the cancel lands in the queue.
      this.#ring.submit();
    }
  }

  /** @internal */
  _resume(c: EngineConn): void {
    if (!c._paused || c._closing) return;
    c._paused = false;
    this.#armRecv(c);
  }

  /** @internal */
  _end(c: EngineConn, close: boolean): void {
    if (close) c._closeAfterEnd = true;
    if (c._writeEnding || c._closing) {
      if (close && c._shutdownDone) this._close(c);
      return;
    }
    c._writeEnding = true;
    if (c._qLen === 0 && !c._sendInflight) this.#submitShutdown(c);
  }

  /** @internal */
  _close(c: EngineConn): void {
    if (c._closing) return;
    c._closing = true;
    if (c._recvWaiting) {
      c._recvWaiting = false;
      const k = this.#bufWaiters.indexOf(c);
      if (k >= 0) this.#bufWaiters.splice(k, 1);
    }
    this.#dropQueue(c, ECANCELED);
    if (c._ops > 0) {
      c._busy = true;
      this.#busy++;
      if (!this.#cancel(c.fd, true, 0)) this.#later(c);
    }
    this.#live--;
    this._refresh(c);
    this.#maybeFinish(c);
  }

  #maybeFinish(c: EngineConn): void {
    if (!c._closing || c._ops > 0 || c._closed) return;
    c._closed = true;
    if (c._sendInflight === false && c._qLen > 0) this.#dropQueue(c, ECANCELED);
    if (this.#conns[c.fd] === c) this.#conns[c.fd] = undefined;
    closeFd(c.fd);
    this.#connCount--;
    // #busy counted this connection if it had work when close() ran.
    if (c._busy) {
      c._busy = false;
      this.#busy--;
    }
    this.#updateHold();
    try {
      c._handler.onClose?.(c);
    } catch (e) {
      this.#report(e);
    }
  }

  /** @internal */
  _pauseAccept(l: EngineListener): void {
    if (l._paused || l._closing) return;
    l._paused = true;
    if (l._armed) this.#cancel(l.fd, false, OP_ACCEPT | (l._tag << 16));
  }

  /** @internal */
  _resumeAccept(l: EngineListener): void {
    if (!l._paused || l._closing) return;
    l._paused = false;
    this.#armAccept(l);
  }

  /** @internal */
  _closeListener(l: EngineListener): void {
    if (l._closing) return;
    l._closing = true;
    if (l._timer !== undefined) {
      clearTimeout(l._timer);
      l._timer = undefined;
    }
    if (l._armed) {
      l._busy = true;
      this.#busy++;
      this.#cancel(l.fd, false, OP_ACCEPT | (l._tag << 16));
    }
    this.#live--;
    this._refresh(l);
    this.#maybeFinishListener(l);
  }

  #maybeFinishListener(l: EngineListener): void {
    if (!l._closing || l._armed || l._closed) return;
    l._closed = true;
    if (this.#listeners[l._tag] === l) this.#listeners[l._tag] = undefined;
    if (l._busy) {
      l._busy = false;
      this.#busy--;
    }
    this.#updateHold();
    try {
      l._handler.onClose?.();
    } catch (e) {
      this.#report(e);
    }
  }

  /**
   * @internal Recounts whether the endpoint keeps the loop alive: open,
   * ref'd, and with keepAlive "open" or its owner waiting on it.
   */
  _refresh(e: EngineConn | EngineListener): void {
    const alive = !e._closing && e._ref && (e._keepOpen || e._waiting);
    if (alive === e._alive) return;
    e._alive = alive;
    this.#refs += alive ? 1 : -1;
    this.#updateHold();
  }

  /** @internal */
  _setRef(c: EngineConn, ref: boolean): void {
    if (c._ref === ref) return;
    c._ref = ref;
    this._refresh(c);
  }

  /** @internal */
  _setListenerRef(l: EngineListener, ref: boolean): void {
    if (l._ref === ref) return;
    l._ref = ref;
    this._refresh(l);
    if (l._timer !== undefined) {
      if (ref) Deno.refTimer(l._timer);
      else Deno.unrefTimer(l._timer);
    }
    this.#updateHold();
  }

  // Keeps the driver's loop (and so the process) alive while an endpoint
  // is alive (see _refresh) or a closing one waits for the kernel; serves
  // the others from an unref'd timer. Letting go waits a moment: a
  // connection between two awaited operations (a read settled, the write
  // not yet issued) would otherwise stop and restart the loop each time.
  #updateHold(): void {
    if (this.#refs > 0 || this.#busy > 0) {
      if (!this.#holding && !this.driver.closed) {
        this.#holding = true;
        this.driver.hold();
      }
      this.#stopPoll();
    } else if (this.#holding) {
      if (this.#releaseTimer === undefined) {
        this.#releaseTimer = setTimeout(this.#releaseIdle, RELEASE_DELAY_MS);
        Deno.unrefTimer(this.#releaseTimer);
      }
    } else if (this.#live > 0) this.#startPoll();
    else this.#stopPoll();
  }

  #releaseIdle = (): void => {
    this.#releaseTimer = undefined;
    if (this.#refs > 0 || this.#busy > 0 || !this.#holding) return;
    this.#holding = false;
    if (!this.driver.closed) this.driver.release();
    this.#updateHold();
  };

  #startPoll(): void {
    if (this.#pollTimer !== undefined) return;
    this.#pollTimer = setInterval(() => {
      if (!this.driver.closed) this.driver.poll();
    }, UNREF_POLL_MS);
    Deno.unrefTimer(this.#pollTimer!);
  }

  #stopPoll(): void {
    if (this.#pollTimer === undefined) return;
    clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  #report(e: unknown): void {
    queueMicrotask(() => {
      throw e;
    });
  }
}

function growQueue(c: EngineConn): void {
  const n = c._qBuf.length;
  const m = n === 0 ? 4 : n * 2;
  const buf: (Uint8Array | null)[] = new Array(m).fill(null);
  const start: number[] = new Array(m).fill(0);
  const end: number[] = new Array(m).fill(0);
  const cb: (SendCallback | null)[] = new Array(m).fill(null);
  const group: number[] = new Array(m).fill(-1);
  for (let j = 0; j < c._qLen; j++) {
    const k = (c._qHead + j) % n;
    buf[j] = c._qBuf[k];
    start[j] = c._qStart[k];
    end[j] = c._qEnd[k];
    cb[j] = c._qCb[k];
    group[j] = c._qGroup[k];
  }
  c._qBuf = buf;
  c._qStart = start;
  c._qEnd = end;
  c._qCb = cb;
  c._qGroup = group;
  c._qHead = 0;
}

function keepOpen(
  op: string,
  options: { keepAlive?: KeepAlive } | null,
): boolean {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Engine.${op}: options must be an object`);
  }
  const k = options.keepAlive;
  if (k !== undefined && k !== "open" && k !== "waiting") {
    throw new TypeError(
      `Engine.${op}: keepAlive must be "open" or "waiting", got ${String(k)}`,
    );
  }
  return k !== "waiting";
}

function checkHandler(h: EngineConnHandler): void {
  if (h === null || typeof h !== "object" || typeof h.onData !== "function") {
    throw new TypeError("Engine: handler needs an onData function");
  }
}

function checkFdArg(op: string, fd: number): void {
  checkFd(`Engine.${op}`, fd, 30);
}

function intOpt(
  name: string,
  v: number | undefined,
  dflt: number,
  min: number,
  max: number,
): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(
      `Engine: ${name} must be an integer in ${min}..${max}, got ${v}`,
    );
  }
  return v;
}
