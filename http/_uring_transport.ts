/**
 * An io_uring {@linkcode Transport}: one ring driven inside Deno's event
 * loop, multishot accept per listener, multishot receive per connection
 * from one provided-buffer ring (buffers recycled as soon as the data
 * callback returns), and one SEND in flight per connection (ordered; a
 * short send continues where it stopped). Every submission carries a
 * direct user_data (opcode, fd): no per-operation object.
 *
 * @module
 */

import {
  close as closeFd,
  Errno,
  IORING_OP,
  MSG,
  SHUT,
  shutdown as shutdownFd,
  unsafeAddressOf,
} from "../zcall/mod.ts";
import {
  BufferRing,
  type CQEView,
  IORING_CQE_F,
  prepSend,
  SQEContext,
  submitAcceptMultishot,
  submitReceiveMultishot,
  UringDriver,
} from "../uring/mod.ts";
import type {
  SendCallback,
  Transport,
  TransportAcceptHandler,
  TransportConn,
  TransportConnHandler,
  TransportListener,
} from "./_transport.ts";

const OP_RECV = IORING_OP.RECV;
const OP_SEND = IORING_OP.SEND;
const OP_ACCEPT = IORING_OP.ACCEPT;
const OP_CANCEL = IORING_OP.ASYNC_CANCEL;
const F_MORE = IORING_CQE_F.MORE;
const ENOBUFS = -Errno.ENOBUFS;
const ECANCELED = -Errno.ECANCELED;
const FD_MASK = 0x3fffffff;
const GROUP = 0;
const TEMPORARY = new Set([
  -Errno.EMFILE,
  -Errno.ENFILE,
  -Errno.ENOBUFS,
  -Errno.ENOMEM,
]);

/** Options of {@linkcode UringTransport}. */
export interface UringTransportOptions {
  /** Receive buffers (a power of two, default 1024). */
  buffers?: number;
  /** Size of each receive buffer (default 16384). */
  bufferSize?: number;
  /** Queued bytes at which send() returns false (default 256 KiB). */
  highWaterMark?: number;
}

class UConn implements TransportConn {
  readonly fd: number;
  handler: TransportConnHandler;
  readonly t: UringTransport;
  qBuf: Uint8Array[] = [];
  qStart: number[] = [];
  qEnd: number[] = [];
  qCb: (SendCallback | null)[] = [];
  qHead = 0;
  queued = 0;
  sendInflight = false;
  recvArmed = false;
  paused = false;
  eof = false;
  ending = false;
  closeAfterEnd = false;
  shutdownDone = false;
  closing = false;
  closed = false;
  needDrain = false;

  constructor(t: UringTransport, fd: number, handler: TransportConnHandler) {
    this.t = t;
    this.fd = fd;
    this.handler = handler;
  }
  get queuedBytes(): number {
    return this.queued;
  }
  send(
    buf: Uint8Array,
    start = 0,
    end: number = buf.length,
    cb: SendCallback | null = null,
  ): boolean {
    if (this.closing || this.ending) {
      cb?.(ECANCELED);
      return false;
    }
    if (end > start) {
      this.qBuf.push(buf);
      this.qStart.push(start);
      this.qEnd.push(end);
      this.qCb.push(cb);
      this.queued += end - start;
      this.t._pump(this);
    } else if (cb !== null) {
      // Nothing to send: complete in order with what is queued.
      if (this.qBuf.length === this.qHead) cb(0);
      else {
        this.qBuf.push(buf);
        this.qStart.push(start);
        this.qEnd.push(start);
        this.qCb.push(cb);
      }
    }
    if (this.queued >= this.t.highWaterMark) {
      this.needDrain = true;
      return false;
    }
    return true;
  }
  pause(): void {
    if (this.paused || this.closing) return;
    this.paused = true;
    if (this.recvArmed) this.t._cancelRecv(this);
  }
  resume(): void {
    if (!this.paused || this.closing) return;
    this.paused = false;
    if (!this.recvArmed && !this.eof) this.t._armRecv(this);
  }
  end(close = false): void {
    if (this.closing) return;
    if (this.ending && !close) return;
    this.ending = true;
    if (close) this.closeAfterEnd = true;
    this.t._pump(this);
  }
  close(): void {
    this.t._close(this);
  }
}

class UListener implements TransportListener {
  readonly fd: number;
  readonly handler: TransportAcceptHandler;
  readonly t: UringTransport;
  armed = false;
  closing = false;
  done = false;
  backoff = 0;
  timer: ReturnType<typeof setTimeout> | undefined;

  constructor(t: UringTransport, fd: number, handler: TransportAcceptHandler) {
    this.t = t;
    this.fd = fd;
    this.handler = handler;
  }
  close(): void {
    this.t._closeListener(this);
  }
  ref(): void {}
  unref(): void {}
}

/** See the module doc. */
export class UringTransport implements Transport {
  readonly driver: UringDriver;
  readonly highWaterMark: number;
  readonly #br: BufferRing;
  readonly #conns: (UConn | undefined)[] = [];
  readonly #listeners = new Map<number, UListener>();
  readonly #ctx = new SQEContext();
  readonly #target = new SQEContext();
  #recvLo = 0; // the user_data low word the kernel reports for receives
  #closed = false;

  constructor(options: UringTransportOptions = {}) {
    this.highWaterMark = options.highWaterMark ?? 256 * 1024;
    this.driver = new UringDriver({
      entries: 1024,
      cqEntries: 8192,
      onCQE: (cqe) => this.#onCQE(cqe),
      pollBeforeParkMs: 0,
    });
    try {
      this.#br = BufferRing.register(this.driver.ring, {
        groupId: GROUP,
        entries: options.buffers ?? 1024,
        bufferSize: options.bufferSize ?? 16384,
      });
    } catch (e) {
      void this.driver.close();
      throw e;
    }
    this.driver.hold();
  }

  listen(fd: number, handler: TransportAcceptHandler): TransportListener {
    const l = new UListener(this, fd, handler);
    this.#listeners.set(fd, l);
    this.#armAccept(l);
    return l;
  }

  attach(fd: number, handler: TransportConnHandler): TransportConn {
    const c = new UConn(this, fd, handler);
    this.#conns[fd] = c;
    this._armRecv(c);
    return c;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const l of this.#listeners.values()) this._closeListener(l);
    for (const c of this.#conns) if (c) this._close(c);
    this.driver.release();
    await this.driver.close();
    for (const c of this.#conns) {
      if (c && !c.closed) {
        c.closed = true;
        closeFd(c.fd);
      }
    }
    this.#br.close();
  }

  #armAccept(l: UListener): void {
    const ring = this.driver.ring;
    this.#ctx.assignRaw(OP_ACCEPT, l.fd & FD_MASK);
    if (!submitAcceptMultishot(ring, this.#ctx)) {
      ring.submit();
      submitAcceptMultishot(ring, this.#ctx);
    }
    l.armed = true;
    this.driver.kick();
  }

  /** @internal */
  _closeListener(l: UListener): void {
    if (l.closing) return;
    l.closing = true;
    if (l.timer !== undefined) clearTimeout(l.timer);
    if (l.armed) this.#cancelFd(l.fd);
    else this.#listenerDone(l);
  }

  #listenerDone(l: UListener): void {
    if (l.done) return;
    l.done = true;
    this.#listeners.delete(l.fd);
    l.handler.onClose?.();
  }

  /** @internal */
  _armRecv(c: UConn): void {
    const ring = this.driver.ring;
    this.#ctx.assignRaw(OP_RECV | (GROUP << 16), c.fd & FD_MASK);
    if (!submitReceiveMultishot(ring, this.#ctx, null)) {
      ring.submit();
      submitReceiveMultishot(ring, this.#ctx, null);
    }
    c.recvArmed = true;
    this.driver.kick();
  }

  /** @internal */
  _cancelRecv(c: UConn): void {
    if (this.#recvLo === 0) {
      this.#cancelFd(c.fd);
      return;
    }
    const ring = this.driver.ring;
    this.#ctx.assignRaw(OP_CANCEL, c.fd & FD_MASK);
    this.#target.assignRaw(this.#recvLo, c.fd & FD_MASK);
    if (!ring.asyncCancel(this.#ctx, this.#target)) {
      ring.submit();
      ring.asyncCancel(this.#ctx, this.#target);
    }
    this.driver.kick();
  }

  #cancelFd(fd: number): void {
    const ring = this.driver.ring;
    this.#ctx.assignRaw(OP_CANCEL, fd & FD_MASK);
    if (!ring.asyncCancelFD(this.#ctx, true)) {
      ring.submit();
      ring.asyncCancelFD(this.#ctx, true);
    }
    this.driver.kick();
  }

  /** @internal Starts the next send, or finishes an end(). */
  _pump(c: UConn): void {
    if (c.sendInflight || c.closing) return;
    if (c.qHead === c.qBuf.length) {
      if (c.qHead !== 0) {
        c.qBuf.length =
          c.qStart.length =
          c.qEnd.length =
          c.qCb.length =
            0;
        c.qHead = 0;
      }
      if (c.ending) {
        if (!c.shutdownDone) {
          c.shutdownDone = true;
          shutdownFd(c.fd, SHUT.WR);
        }
        if (c.closeAfterEnd) this._close(c);
      }
      return;
    }
    const h = c.qHead;
    const start = c.qStart[h];
    const end = c.qEnd[h];
    if (start === end) { // a completion marker
      c.qHead++;
      c.qCb[h]?.(0);
      this._pump(c);
      return;
    }
    const ring = this.driver.ring;
    let i = ring.getSqe();
    if (i < 0) {
      ring.submit();
      i = ring.getSqe();
      if (i < 0) throw new Error("http: submission queue full");
    }
    prepSend(
      ring.sqeWords,
      i,
      c.fd,
      unsafeAddressOf(c.qBuf[h]) + start,
      end - start,
      MSG.NOSIGNAL,
    );
    this.#ctx.assignRaw(OP_SEND, c.fd & FD_MASK);
    ring.finishSqe(i, OP_SEND, this.#ctx, undefined);
    c.sendInflight = true;
    this.driver.kick();
  }

  /** @internal */
  _close(c: UConn): void {
    if (c.closing) return;
    c.closing = true;
    // Unsent bytes are dropped (the one in flight stays referenced).
    const first = c.sendInflight ? c.qHead + 1 : c.qHead;
    for (let k = first; k < c.qBuf.length; k++) c.qCb[k]?.(ECANCELED);
    c.qBuf.length =
      c.qStart.length =
      c.qEnd.length =
      c.qCb.length =
        first;
    if (c.recvArmed || c.sendInflight) this.#cancelFd(c.fd);
    this.#maybeFinish(c);
  }

  #maybeFinish(c: UConn): void {
    if (!c.closing || c.recvArmed || c.sendInflight || c.closed) return;
    c.closed = true;
    if (this.#conns[c.fd] === c) this.#conns[c.fd] = undefined;
    closeFd(c.fd);
    try {
      c.handler.onClose?.(c);
    } catch (e) {
      reportAsync(e);
    }
  }

  #onCQE(cqe: CQEView): void {
    const lo = cqe.userDataLo;
    const op = lo & 0xff;
    const fd = (cqe.userDataHi << 2) >> 2;
    const res = cqe.res;
    const flags = cqe.flags;
    if (op === OP_RECV) {
      const c = this.#conns[fd];
      if (res > 0) {
        const bid = flags >>> 16;
        if (c !== undefined && !c.closing) {
          this.#recvLo = lo;
          try {
            c.handler.onData(c, this.#br.view(bid), res);
          } catch (e) {
            reportAsync(e);
            this._close(c);
          }
        }
        this.#br.recycle(bid);
      }
      if (c === undefined || (flags & F_MORE) !== 0) return;
      c.recvArmed = false;
      if (res === 0) {
        c.eof = true;
        if (!c.closing) c.handler.onEnd?.(c);
      } else if (res > 0 || res === ENOBUFS || res === ECANCELED) {
        if (!c.closing && !c.paused && !c.eof) this._armRecv(c);
      } else if (!c.closing) {
        c.handler.onError?.(c, res, "read");
        this._close(c);
      }
      this.#maybeFinish(c);
    } else if (op === OP_SEND) {
      const c = this.#conns[fd];
      if (c === undefined) return;
      c.sendInflight = false;
      const h = c.qHead;
      if (res < 0) {
        if (c.closing) {
          c.qHead++;
          c.qCb[h]?.(res);
        } else {
          c.handler.onError?.(c, res, "write");
          c.qCb[h]?.(res);
          c.qHead++;
          this._close(c);
        }
        this.#maybeFinish(c);
        return;
      }
      c.qStart[h] += res;
      c.queued -= res;
      if (c.qStart[h] >= c.qEnd[h]) {
        const cb = c.qCb[h];
        c.qBuf[h] = undefined as unknown as Uint8Array;
        c.qHead++;
        cb?.(0);
      }
      if (c.closing) {
        if (c.qHead < c.qBuf.length) {
          for (let k = c.qHead; k < c.qBuf.length; k++) {
            c.qCb[k]?.(ECANCELED);
          }
          c.qHead = c.qBuf.length;
        }
        this.#maybeFinish(c);
        return;
      }
      this._pump(c);
      if (c.needDrain && c.queued === 0) {
        c.needDrain = false;
        c.handler.onDrain?.(c);
      }
    } else if (op === OP_ACCEPT) {
      const l = this.#listeners.get(fd);
      if (l === undefined) {
        if (res >= 0) closeFd(res);
        return;
      }
      if (res >= 0) {
        if (l.closing) closeFd(res);
        else {
          l.backoff = 0;
          try {
            l.handler.onAccept(res);
          } catch (e) {
            reportAsync(e);
          }
        }
      }
      if ((flags & F_MORE) !== 0) return;
      l.armed = false;
      if (l.closing) {
        this.#listenerDone(l);
      } else if (res >= 0) {
        this.#armAccept(l);
      } else if (TEMPORARY.has(res)) {
        // Out of fds or memory: retry after a back-off, never spin.
        l.handler.onError?.(res, true);
        l.backoff = Math.min(1000, l.backoff === 0 ? 10 : l.backoff * 2);
        l.timer = setTimeout(() => {
          l.timer = undefined;
          if (!l.closing) this.#armAccept(l);
        }, l.backoff);
      } else {
        l.handler.onError?.(res, false);
        l.closing = true;
        this.#listenerDone(l);
      }
    }
    // ASYNC_CANCEL completions need nothing.
  }
}

function reportAsync(e: unknown): void {
  queueMicrotask(() => {
    throw e;
  });
}
