/**
 * A connection served by the engine ({@linkcode EngineConn}): what its
 * owner calls (send, pause, end, close, ref) and what it is told
 * ({@linkcode EngineConnHandler}). The work is the engine's; this module
 * holds the per-connection state it keeps.
 *
 * @example
 * ```ts
 * import type { EngineConnHandler } from "./_engine_conn.ts";
 * const echo: EngineConnHandler = {
 *   onData(conn, buf, length) {
 *     conn.send(buf, 0, length);
 *   },
 * };
 * ```
 *
 * @module
 */

import { MSG } from "../../zcall/constants.ts";
import { Errno } from "../../zcall/errno.ts";
import { sendto } from "../../zcall/syscalls.ts";
import type { Engine } from "./_engine.ts";
import { type SendCallback, SendQueue } from "./_send_queue.ts";

export type { SendCallback } from "./_send_queue.ts";

const TRY_SEND_FLAGS = MSG.NOSIGNAL | MSG.DONTWAIT;

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
  /** @internal */ readonly _q: SendQueue = new SendQueue();

  /** @internal Use Engine.attach. */
  constructor(engine: Engine, fd: number, handler: EngineConnHandler) {
    this._engine = engine;
    this.fd = fd;
    this._handler = handler;
  }

  /** Bytes queued and not yet sent. */
  get queuedBytes(): number {
    return this._q.bytes;
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
    if (this._q.length > 0 || this._sendInflight || this._writeEnding) {
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

  /**
   * Lets this connection keep the event loop alive again (the default),
   * as its {@linkcode KeepAlive} mode says.
   */
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
 * Throws unless `h` is a handler with an onData function.
 *
 * @param h the handler to check
 */
export function checkHandler(h: EngineConnHandler): void {
  if (h === null || typeof h !== "object" || typeof h.onData !== "function") {
    throw new TypeError("Engine: handler needs an onData function");
  }
}
