/**
 * A listening socket served by the engine ({@linkcode EngineListener}):
 * one multishot accept, re-armed when the kernel ends it, paused and
 * resumed on request, and backing off (10 ms doubling to 1 s, reset by the
 * next success) when accepting fails for want of descriptors or memory
 * (EMFILE, ENFILE, ENOBUFS, ENOMEM) instead of spinning.
 *
 * @example
 * ```ts
 * import type { EngineAcceptHandler } from "./_engine_listener.ts";
 * const h: EngineAcceptHandler = {
 *   onAccept(fd) {
 *     console.log("accepted", fd);
 *   },
 * };
 * ```
 *
 * @module
 */

import { IORING_OP, SOCK } from "../../zcall/constants.ts";
import { Errno } from "../../zcall/errno.ts";
import { close as closeFd } from "../../zcall/syscalls.ts";
import { IORING_CQE_F } from "../cqe.ts";
import { IORING_ACCEPT, prepAccept } from "../sqe.ts";
import type { Engine } from "./_engine.ts";

const OP_ACCEPT = IORING_OP.ACCEPT;
const F_MORE = IORING_CQE_F.MORE;
const ECANCELED = -Errno.ECANCELED;
const FD_MASK = 0x3fffffff;
const ACCEPT_FLAGS = SOCK.NONBLOCK | SOCK.CLOEXEC;
const BACKOFF_MIN_MS = 10;
const BACKOFF_MAX_MS = 1000;

type Timer = ReturnType<typeof setTimeout>;

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
    if (this._paused || this._closing) return;
    this._paused = true;
    if (this._armed) this.#cancel();
  }

  /** Resumes accepting. */
  resume(): void {
    if (!this._paused || this._closing) return;
    this._paused = false;
    this._arm();
  }

  /** Stops accepting for good; onClose runs once nothing is in flight. */
  close(): void {
    if (this._closing) return;
    this._closing = true;
    this._engine.driver.unwatchFd(this.fd); // its owner closes the fd
    if (this._timer !== undefined) {
      clearTimeout(this._timer);
      this._timer = undefined;
    }
    if (this._armed) {
      this._busy = true;
      this._engine._busyChange(1);
      this.#cancel();
    }
    this._engine._endpointClosing(this);
    this.#maybeFinish();
  }

  /**
   * Lets this listener keep the event loop alive again (the default), as
   * its keepAlive mode says.
   */
  ref(): void {
    this.#setRef(true);
  }

  /** Lets the process exit while this listener is open. */
  unref(): void {
    this.#setRef(false);
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

  #setRef(ref: boolean): void {
    if (this._ref === ref) return;
    this._ref = ref;
    this._engine._refresh(this);
    if (this._timer !== undefined) {
      if (ref) Deno.refTimer(this._timer);
      else Deno.unrefTimer(this._timer);
    }
  }

  // The accept's user_data matches even after the owner closed the fd.
  #cancel(): void {
    this._engine._cancel(this.fd, false, OP_ACCEPT | (this._tag << 16));
  }

  /** @internal Submits the multishot accept unless armed or stopped. */
  _arm(): void {
    if (this._armed || this._closing || this._paused) return;
    if (this._timer !== undefined) return;
    const i = this._engine._sqe();
    if (i < 0) {
      this._timer = setTimeout(this.#retry, 1);
      if (!this._ref) Deno.unrefTimer(this._timer);
      return;
    }
    const w = this._engine._words;
    prepAccept(w, i, this.fd, 0, 0, ACCEPT_FLAGS);
    w[i] |= IORING_ACCEPT.MULTISHOT << 16;
    w[i + 8] = OP_ACCEPT | (this._tag << 16);
    w[i + 9] = this.fd & FD_MASK;
    this._armed = true;
    this._engine.driver.kick();
  }

  #retry = (): void => {
    this._timer = undefined;
    this._arm();
  };

  /** @internal An accept completion. */
  _onCQE(res: number, flags: number): void {
    const more = (flags & F_MORE) !== 0;
    if (!more) this._armed = false;
    if (res >= 0) {
      this._backoff = 0;
      if (this._closing) closeFd(res);
      else {
        try {
          this._handler.onAccept(res);
        } catch (e) {
          this._engine._report(e);
        }
      }
      if (!more && !this._closing) this._arm();
      else if (!more) this.#maybeFinish();
      return;
    }
    if (this._closing || res === ECANCELED) {
      if (!this._closing) this._arm();
      return this.#maybeFinish();
    }
    const temporary = res === -Errno.EMFILE || res === -Errno.ENFILE ||
      res === -Errno.ENOBUFS || res === -Errno.ENOMEM ||
      res === -Errno.ECONNABORTED || res === -Errno.EINTR;
    try {
      this._handler.onError?.(res, temporary);
    } catch (e) {
      this._engine._report(e);
    }
    if (!temporary) return this.close();
    // The final CQE (if this one had F_MORE) finds the timer and waits.
    if (more) this.#cancel();
    this._engine.stats.acceptBackoffs++;
    const delay = res === -Errno.ECONNABORTED || res === -Errno.EINTR
      ? 0
      : (this._backoff = Math.min(
        BACKOFF_MAX_MS,
        this._backoff === 0 ? BACKOFF_MIN_MS : this._backoff * 2,
      ));
    this._timer = setTimeout(this.#retry, delay);
    if (!this._ref) Deno.unrefTimer(this._timer);
  }

  #maybeFinish(): void {
    if (!this._closing || this._armed || this._closed) return;
    this._closed = true;
    this._engine._forgetListener(this);
    if (this._busy) {
      this._busy = false;
      this._engine._busyChange(-1);
    }
    try {
      this._handler.onClose?.();
    } catch (e) {
      this._engine._report(e);
    }
  }
}
