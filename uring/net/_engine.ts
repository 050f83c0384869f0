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
 * - ref/unref: a ref'd endpoint keeps Deno's event loop alive while it is
 *   open (`keepAlive: "open"`, the default) or only while its owner waits
 *   on it (`keepAlive: "waiting"` with {@linkcode EngineConn.setWaiting},
 *   what `Deno.Conn` does); the others are still served (by a short
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

import { IORING_OP, IOSQE, MSG, SHUT } from "../../zcall/constants.ts";
import { Errno } from "../../zcall/errno.ts";
import { unsafeAddressOf } from "../../zcall/memory.ts";
import { close as closeFd } from "../../zcall/syscalls.ts";
import { type CQEView, IORING_CQE_BUFFER_SHIFT, IORING_CQE_F } from "../cqe.ts";
import { UringDriver } from "../driver.ts";
import { RingClosedError } from "../errors.ts";
import type { Uring } from "../ring.ts";
import {
  IORING_ASYNC_CANCEL,
  IORING_RECVSEND,
  prepCancel,
  prepCancelFd,
  prepRecv,
  prepSend,
  prepShutdown,
} from "../sqe.ts";
import { checkFd } from "../_validate.ts";
import { BufferGroups, type Group } from "./_buffer_groups.ts";
import {
  checkHandler,
  EngineConn,
  type EngineConnHandler,
  type KeepAlive,
  type SendCallback,
} from "./_engine_conn.ts";
import {
  type EngineAcceptHandler,
  EngineListener,
} from "./_engine_listener.ts";

export {
  EngineConn,
  type EngineConnHandler,
  type KeepAlive,
  type SendCallback,
} from "./_engine_conn.ts";
export {
  type EngineAcceptHandler,
  EngineListener,
} from "./_engine_listener.ts";

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
  readonly #hwm: number;
  readonly #buffers: BufferGroups;
  #conns: (EngineConn | undefined)[] = [];
  // Listeners by their tag (in the accept's user_data): the owner may close
  // a listening fd, and the number be reused, while its accept is ending.
  #listeners: (EngineListener | undefined)[] = [];
  #nextTag = 1;
  #retry: EngineConn[] = [];
  #retryTimer: Timer | undefined = undefined;
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
    const bufferSize = intOpt(
      "bufferSize",
      options.bufferSize,
      16384,
      64,
      1 << 24,
    );
    const groupBuffers = intOpt(
      "groupBuffers",
      options.groupBuffers,
      512,
      1,
      32768,
    );
    const maxBuffers = intOpt(
      "maxBuffers",
      options.maxBuffers,
      16384,
      groupBuffers,
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
      // The default SINGLE_ISSUER|DEFER_TASKRUN ring: completions run when
      // the driver reaps, never by interrupting this thread. Every socket
      // is watched (watchFd) so its readiness wakes the park at once; the
      // ring's own eventfd signal covers the rest (timers), later.
      entries,
      cqEntries,
      onCQE: (cqe) => this.#onCQE(cqe),
    });
    this.#ring = this.driver.ring;
    this.#w = this.#ring.sqeWords;
    this.#buffers = new BufferGroups(
      this.#ring,
      { bufferSize, groupBuffers, maxBuffers },
      (c) => this.#armRecv(c as EngineConn),
    );
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
    return this.#buffers.count;
  }

  /** Receive buffers currently held by JS (delivered, not yet recycled). */
  get buffersHeld(): number {
    return this.#buffers.held;
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
    this.driver.watchFd(fd);
    this.#listeners[tag] = l;
    this.#live++;
    l._arm();
    this._refresh(l);
    this.#updateHold(); // the live count changed
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
    this.driver.watchFd(fd);
    const c = new EngineConn(this, fd, handler);
    c._keepOpen = keep;
    this.#conns[fd] = c;
    this.#live++;
    this.#connCount++;
    if (options.paused === true) c._paused = true;
    else this.#armRecv(c);
    this._refresh(c);
    this.#updateHold(); // the live count changed
    return c;
  }

  /** Gives back a buffer kept with {@linkcode EngineConn.retain}. */
  releaseBuffer(token: number): void {
    this.#buffers.release(token);
  }

  /**
   * Closes every endpoint, waits for the kernel to let go, then closes
   * the ring and the buffer groups. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const l of this.#listeners) if (l) l.close();
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
    if (settled) this.#buffers.close();
    await this.driver.close();
    if (!settled) {
      console.warn(
        `Engine.close: ${
          this.#live + this.#busy
        } endpoints still had kernel operations after 5 s; their receive buffers stay mapped`,
      );
    }
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

  /** @internal The SQE words of the ring (valid after _sqe()). */
  get _words(): Uint32Array {
    return this.#w;
  }

  /** @internal Claims an SQE; -1 when the kernel pushes back. */
  _sqe(): number {
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
    const g = this.#buffers.pick();
    if (g === null) return this.#buffers.wait(c);
    const i = this._sqe();
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

  #submitSend(c: EngineConn): void {
    const q = c._q;
    if (c._sendInflight || q.length === 0) return;
    const i = this._sqe();
    if (i < 0) return this.#later(c);
    const k = q.head;
    const buf = q.bufs[k]!;
    const start = q.starts[k];
    const gi = q.groups[k];
    let addr: number;
    if (gi >= 0) {
      const g = this.#buffers.list[gi];
      addr = g.base + buf.byteOffset - g.origin + start;
    } else addr = unsafeAddressOf(buf) + start;
    const w = this.#w;
    prepSend(w, i, c.fd, addr, q.ends[k] - start, SEND_FLAGS);
    w[i + 8] = OP_SEND;
    w[i + 9] = c.fd & FD_MASK;
    c._sendInflight = true;
    c._ops++;
    this.driver.kick();
  }

  #submitShutdown(c: EngineConn): void {
    const i = this._sqe();
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
  /** @internal See above. */
  _cancel(fd: number, all: boolean, udLo: number): boolean {
    const i = this._sqe();
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
      if (c._ops > 0 && !this._cancel(c.fd, true, 0)) this.#later(c);
      return;
    }
    this.#armRecv(c);
    this.#submitSend(c);
    if (
      c._writeEnding && !c._shutdownSent && c._q.length === 0 &&
      !c._sendInflight
    ) this.#submitShutdown(c);
  }

  // ---- buffers ---------------------------------------------------------------

  /** @internal */
  _retain(c: EngineConn): number {
    const g = this.#curGroup;
    if (g === null || this.#curConn !== c) {
      throw new TypeError("EngineConn.retain: only valid inside onData");
    }
    return this.#buffers.retain(g, this.#curBid);
  }

  // ---- completions -----------------------------------------------------------

  #onCQE(cqe: CQEView): void {
    const lo = cqe.userDataLo;
    const op = lo & 0xff;
    const fd = (cqe.userDataHi << 2) >> 2;
    if (op === OP_RECV) {
      const c = this.#conns[fd];
      if (c !== undefined) this.#onRecv(c, cqe.res, cqe.flags, lo >>> 16);
      else this.#buffers.drop(cqe.res, cqe.flags, lo >>> 16);
    } else if (op === OP_SEND) {
      const c = this.#conns[fd];
      if (c !== undefined) this.#onSend(c, cqe.res);
    } else if (op === OP_ACCEPT) {
      const l = this.#listeners[lo >>> 16];
      if (l !== undefined) l._onCQE(cqe.res, cqe.flags);
      else if (cqe.res >= 0) closeFd(cqe.res);
    } else if (op === OP_SHUTDOWN) {
      const c = this.#conns[fd];
      if (c !== undefined) {
        c._ops--;
        c._shutdownDone = true;
        try {
          c._handler.onShutdown?.(c, cqe.res);
        } catch (e) {
          this._report(e);
        }
        if (c._closeAfterEnd) this._close(c);
        else this.#maybeFinish(c);
      }
    }
    // OP_CANCEL: only failures post (nothing left to cancel): ignore.
  }

  #onRecv(c: EngineConn, res: number, flags: number, gi: number): void {
    if (res > 0) {
      const g = this.#buffers.list[gi];
      const bid = flags >>> IORING_CQE_BUFFER_SHIFT;
      this.#buffers.take(g, bid);
      if (!c._closing) {
        this.#curGroup = g;
        this.#curBid = bid;
        this.#curConn = c;
        try {
          c._handler.onData(c, g.views[bid], res);
        } catch (e) {
          this._report(e);
          this._close(c);
        }
        this.#curGroup = null;
        this.#curConn = null;
      }
      this.#buffers.unhold(g, bid);
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
        this._report(e);
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
    const q = c._q;
    const k = q.head;
    q.starts[k] += res;
    q.bytes -= res;
    if (q.starts[k] >= q.ends[k]) {
      const cb = q.shift(this.#buffers);
      if (cb !== null) {
        try {
          cb(0);
        } catch (e) {
          this._report(e);
        }
      }
    }
    if (c._closing) {
      this.#dropQueue(c, ECANCELED);
      return this.#maybeFinish(c);
    }
    if (q.length > 0) {
      this.#submitSend(c);
      return;
    }
    if (c._needDrain) {
      c._needDrain = false;
      try {
        c._handler.onDrain?.(c);
      } catch (e) {
        this._report(e);
      }
    }
    if (c._writeEnding && !c._shutdownSent && q.length === 0) {
      this.#submitShutdown(c);
    }
  }

  #dropQueue(c: EngineConn, errno: number): void {
    const q = c._q;
    // The head entry may be in flight: leave it for its CQE, drop from the
    // tail.
    while (q.length > (c._sendInflight ? 1 : 0)) {
      const cb = c._sendInflight
        ? q.pop(this.#buffers)
        : q.discardHead(this.#buffers);
      if (cb !== null) {
        try {
          cb(errno);
        } catch (e) {
          this._report(e);
        }
      }
    }
  }

  #fail(c: EngineConn, res: number, op: "read" | "write"): void {
    try {
      c._handler.onError?.(c, res, op);
    } catch (e) {
      this._report(e);
    }
    this.#dropQueue(c, res);
    this._close(c);
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
    const q = c._q;
    if (start === end) {
      if (cb !== null) cb(0);
      return q.bytes < this.#hwm;
    }
    const gi = this.#buffers.holdIfOurs(buf, start);
    if (gi >= 0) {
      // A receive buffer: queue its full view, offsets relative to it.
      const g = this.#buffers.list[gi];
      const view = g.views[g.bidOf(buf, start)];
      const off = buf.byteOffset - view.byteOffset;
      q.push(view, start + off, end + off, cb, gi);
    } else q.push(buf, start, end, cb, -1);
    if (!c._sendInflight) this.#submitSend(c);
    if (q.bytes >= this.#hwm) {
      c._needDrain = true;
      return false;
    }
    return true;
  }

  /** @internal */
  _pause(c: EngineConn): void {
    if (c._paused || c._closing) return;
    c._paused = true;
    this.#buffers.unwait(c);
    if (c._recvArmed) {
      // Matches the receive's user_data: any group (try each armed tag).
      for (let g = 0; g < this.#buffers.list.length; g++) {
        this._cancel(c.fd, false, OP_RECV | (g << 16));
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
    if (c._q.length === 0 && !c._sendInflight) this.#submitShutdown(c);
  }

  /** @internal */
  _close(c: EngineConn): void {
    if (c._closing) return;
    c._closing = true;
    this.#buffers.unwait(c);
    this.#dropQueue(c, ECANCELED);
    if (c._ops > 0) {
      c._busy = true;
      this.#busy++;
      if (!this._cancel(c.fd, true, 0)) this.#later(c);
    }
    this.#live--;
    this._refresh(c);
    this.#updateHold(); // the live count changed
    this.#maybeFinish(c);
  }

  #maybeFinish(c: EngineConn): void {
    if (!c._closing || c._ops > 0 || c._closed) return;
    c._closed = true;
    if (!c._sendInflight && c._q.length > 0) this.#dropQueue(c, ECANCELED);
    if (this.#conns[c.fd] === c) this.#conns[c.fd] = undefined;
    this.driver.unwatchFd(c.fd);
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
      this._report(e);
    }
  }

  /** @internal A listener began closing (see _refresh). */
  _endpointClosing(l: EngineListener): void {
    this.#live--;
    this._refresh(l);
    this.#updateHold(); // the live count changed
  }

  /** @internal A listener finished: its tag is free again. */
  _forgetListener(l: EngineListener): void {
    if (this.#listeners[l._tag] === l) this.#listeners[l._tag] = undefined;
  }

  /** @internal Closing endpoints with operations in flight. */
  _busyChange(n: number): void {
    this.#busy += n;
    this.#updateHold();
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
    } else if (this.#holding && this.#live === 0) {
      // Nothing open: let go at once, so the driver does not park (a wait
      // on the thread pool) while the isolate may be ending.
      this.#releaseIdle();
    } else if (this.#holding) {
      if (this.#releaseTimer === undefined) {
        this.#releaseTimer = setTimeout(this.#releaseIdle, RELEASE_DELAY_MS);
        Deno.unrefTimer(this.#releaseTimer);
      }
    } else if (this.#live > 0) this.#startPoll();
    else this.#stopPoll();
  }

  #releaseIdle = (): void => {
    if (this.#releaseTimer !== undefined) {
      clearTimeout(this.#releaseTimer);
      this.#releaseTimer = undefined;
    }
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

  /** @internal Reports a handler's exception asynchronously. */
  _report(e: unknown): void {
    queueMicrotask(() => {
      throw e;
    });
  }
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
