// The completion side of the ring: reaping CQEs and waiting for them.

import { EFD, IORING_ENTER } from "../../zcall/constants.ts";
import { PollFds } from "../../zcall/structs.ts";
import {
  close as closeFd,
  eventfd2,
  ioUringEnter,
  ioUringEnter4,
  read as readFd,
  write as writeFd,
} from "../../zcall/syscalls.ts";
import { HIDDEN } from "../_pins.ts";
import { slotOf } from "../_registry.ts";
import type { ExtSQE } from "../context.ts";
import { CQEView, DirectCQE, ExtCQE } from "../cqe.ts";
import {
  CQOverflowError,
  RingClosedError,
  UringError,
  uringError,
} from "../errors.ts";
import * as reg from "../register.ts";
import { checkMs, checkViews } from "../_validate.ts";
import { RingSubmission } from "./submission.ts";
import * as K from "../_constants.ts";
import { pollAsyncOwned } from "../../zcall/_owned_async.ts";

// Module consts: V8 folds them, where an imported binding is loaded and
// hole-checked on every use.
const IORING_SQ_CQ_OVERFLOW = K.IORING_SQ_CQ_OVERFLOW;
const IORING_SQ_TASKRUN = K.IORING_SQ_TASKRUN;
const ETIME = K.ETIME;
const EINTR = K.EINTR;
const EAGAIN = K.EAGAIN;
const EBUSY = K.EBUSY;
const TWO32 = K.TWO32;
const ONE = K.ONE;

/**
 * Options of {@linkcode Uring.waitAsync}.
 *
 * @example
 * ```ts
 * import { CQEView, Uring, type WaitAsyncOptions } from "@kernio/kernio/uring";
 * const ring = new Uring({ entries: 8 });
 * ring.start();
 * const opts: WaitAsyncOptions = { timeoutMs: 10 };
 * await ring.waitAsync(CQEView.array(4), opts); // 0: nothing completed
 * ring.stop();
 * ```
 */
export interface WaitAsyncOptions {
  /** Give up after this many milliseconds (resolves 0). */
  timeoutMs?: number;
  /** Abort the wait (rejects with the signal's reason). */
  signal?: AbortSignal;
}

// The CQE classes the general reap loop decodes into.
const REAP_VIEW = 0;
const REAP_DIRECT = 1;
const REAP_EXT = 2;
type AnyCQE = CQEView | DirectCQE | ExtCQE;

/**
 * Completion: the reap loops over the CQ, non-blocking, blocking and
 * event-loop-friendly waits, and the ring's eventfd.
 */
export abstract class RingCompletion extends RingSubmission {
  /** CQEs waiting to be reaped. */
  cqPending(): number {
    this._check("cqPending");
    return (Atomics.load(this._u32, this._cqTailW) - this._cqHead) >>> 0;
  }

  /** Completions the kernel dropped (cq.overflow counter). */
  cqOverflowCount(): number {
    this._check("cqOverflowCount");
    return Atomics.load(this._u32, this._cqOverflowW);
  }

  /**
   * Whether completion work is queued in the kernel and not yet run
   * (IORING_SQ_TASKRUN): entering the ring will post more completions.
   */
  taskrunPending(): boolean {
    this._check("taskrunPending");
    return (Atomics.load(this._u32, this._sqFlagsW) & IORING_SQ_TASKRUN) !== 0;
  }

  // Runs deferred task work / flushes the overflow list.
  _getevents(): void {
    const r = ioUringEnter4(this._fd, 0, 0, IORING_ENTER.GETEVENTS);
    if (r < 0 && r !== EINTR && r !== EAGAIN && r !== EBUSY && r !== ETIME) {
      throw uringError("io_uring_enter", r);
    }
  }

  // Nothing visible: report an overflow, or run task work and look again.
  _idle(): boolean {
    const sqFlags = this._u32[this._sqFlagsW];
    if ((sqFlags & IORING_SQ_CQ_OVERFLOW) !== 0) {
      this._getevents();
      throw new CQOverflowError(this.cqPending());
    }
    if (this._deferTaskrun || (sqFlags & IORING_SQ_TASKRUN) !== 0) {
      this._getevents();
      return true;
    }
    return false;
  }

  /**
   * Flushes pending submissions, runs deferred task work, and copies up to
   * `cqes.length` completions into the given reusable views. Returns the
   * count; 0 means nothing is ready yet (a value, not an error). Throws
   * CQOverflowError when the CQ overflowed and nothing was claimable.
   * Never blocks.
   */
  wait(cqes: CQEView[]): number {
    if (this._closed) throw new RingClosedError("wait");
    checkViews("wait", cqes, CQEView);
    if (this._tail !== this._head) this.submit();
    const n = this._reap(cqes);
    if (n !== 0 || !this._idle()) return n;
    return this._reap(cqes);
  }

  _reap(cqes: CQEView[]): number {
    const u32 = this._u32;
    const head = this._cqHead;
    // Acquire: CQE contents are valid once the tail is seen.
    const tail = this._atomic
      ? Atomics.load(u32, this._cqTailW)
      : u32[this._cqTailW];
    let n = (tail - head) >>> 0;
    if (n === 0) return 0;
    if (n > cqes.length) n = cqes.length;
    const i32 = this._i32;
    const mask = this._cqMask;
    const base = this._cqesW;
    const shift = this._cqeShift;
    const pins = this._pins;
    if (pins.keys === 0) {
      // Nothing pinned (the NOP/benchmark case): a plain copy, walking the
      // CQE words with one wrap check instead of masking every index.
      const step = 1 << shift;
      const end = base + ((mask + 1) << shift);
      let w = base + ((head & mask) << shift);
      for (let k = 0; k < n; k++) {
        const v = cqes[k];
        v.userDataLo = u32[w];
        v.userDataHi = u32[w + 1];
        v.res = i32[w + 2];
        v.flags = u32[w + 3];
        w += step;
        if (w === end) w = base;
      }
    } else {
      return this._reapAs(cqes, REAP_VIEW);
    }
    if (shift === 3) this._reapExtra(cqes, head, n);
    const nh = (head + n) >>> 0;
    this._cqHead = nh;
    // Release: the slots are free for the kernel only after we read them.
    if (this._atomic) Atomics.store(u32, this._cqHeadW, nh);
    else u32[this._cqHeadW] = nh;
    return n;
  }

  // Frees n CQ slots after they were read.
  _advanceCq(head: number, n: number): void {
    const nh = (head + n) >>> 0;
    this._cqHead = nh;
    if (this._atomic) Atomics.store(this._u32, this._cqHeadW, nh);
    else this._u32[this._cqHeadW] = nh;
  }

  // 32-byte CQEs: big_cqe[0..1] (e.g. a zero-copy receive's area offset),
  // copied apart so the 16-byte loop above stays as it is.
  _reapExtra(cqes: CQEView[], head: number, n: number): void {
    const u32 = this._u32;
    const mask = this._cqMask;
    const base = this._cqesW;
    for (let k = 0; k < n; k++) {
      const w = base + (((head + k) & mask) << 3);
      const v = cqes[k];
      v.extra1Lo = u32[w + 4];
      v.extra1Hi = u32[w + 5];
      v.extra2Lo = u32[w + 6];
      v.extra2Hi = u32[w + 7];
    }
  }

  /**
   * wait() for rings that only use direct contexts: fields are decoded
   * straight into DirectCQE objects, without the mode dispatch.
   */
  waitDirect(cqes: DirectCQE[]): number {
    return this._waitAs("waitDirect", cqes, DirectCQE, REAP_DIRECT);
  }

  /**
   * wait() for rings that only use extended contexts: each ExtCQE gets its
   * ExtSQE resolved (null for a completion whose context is not extended).
   */
  waitExtended(cqes: ExtCQE[]): number {
    return this._waitAs("waitExtended", cqes, ExtCQE, REAP_EXT);
  }

  // wait() for the other CQE classes (wait() itself keeps its fast path).
  _waitAs(
    where: string,
    cqes: AnyCQE[],
    cls: typeof DirectCQE | typeof ExtCQE,
    kind: number,
  ): number {
    if (this._closed) throw new RingClosedError(where);
    checkViews(where, cqes, cls);
    if (this._tail !== this._head) this.submit();
    const n = this._reapAs(cqes, kind);
    if (n !== 0 || !this._idle()) return n;
    return this._reapAs(cqes, kind);
  }

  // The one general reap loop, decoding into the CQE class `kind` names.
  // Pins end with each final CQE; a pinned op that asked for no CQE on
  // success (HIDDEN) has its successful CQE dropped here.
  _reapAs(cqes: AnyCQE[], kind: number): number {
    const u32 = this._u32;
    const head = this._cqHead;
    // Acquire: CQE contents are valid once the tail is seen.
    const tail = this._atomic
      ? Atomics.load(u32, this._cqTailW)
      : u32[this._cqTailW];
    let n = (tail - head) >>> 0;
    if (n === 0) return 0;
    if (n > cqes.length) n = cqes.length;
    const i32 = this._i32;
    const mask = this._cqMask;
    const base = this._cqesW;
    const shift = this._cqeShift;
    const pins = this._pins;
    let out = 0;
    for (let k = 0; k < n; k++) {
      const w = base + (((head + k) & mask) << shift);
      const lo = u32[w];
      const hi = u32[w + 1];
      const res = i32[w + 2];
      const flags = u32[w + 3];
      if (
        pins.keys !== 0 && (flags & 2) === 0 &&
        pins.complete(lo, hi) === HIDDEN && res >= 0
      ) continue;
      const v = cqes[out++];
      v.res = res;
      v.flags = flags;
      if (kind === REAP_VIEW) {
        const c = v as CQEView;
        c.userDataLo = lo;
        c.userDataHi = hi;
        if (shift === 3) {
          c.extra1Lo = u32[w + 4];
          c.extra1Hi = u32[w + 5];
          c.extra2Lo = u32[w + 6];
          c.extra2Hi = u32[w + 7];
        }
      } else if (kind === REAP_DIRECT) {
        const d = v as DirectCQE;
        d.op = lo & 0xff;
        d.sqeFlags = (lo >>> 8) & 0xff;
        d.bufGroup = lo >>> 16;
        d.fd = (hi << 2) >> 2;
      } else {
        (v as ExtCQE).ext = hi >>> 30 === 2 ? (slotOf(lo, hi) as ExtSQE) : null;
      }
    }
    this._advanceCq(head, n);
    return out;
  }

  /**
   * Blocking wait: submits and sleeps in io_uring_enter until at least
   * `minComplete` completions are ready or `timeoutMs` passes, then reaps.
   * BLOCKS THE CALLING THREAD (and so Deno's event loop): use waitAsync in
   * async code.
   */
  waitBlocking(cqes: CQEView[], minComplete = 1, timeoutMs?: number): number {
    if (this._closed) throw new RingClosedError("waitBlocking");
    checkViews("waitBlocking", cqes, CQEView);
    if (!this._started) {
      throw new UringError(
        "waitBlocking",
        0,
        "uring: waitBlocking: ring not started",
      );
    }
    if (
      !(Number.isInteger(minComplete) && minComplete >= 0 &&
        minComplete <= this._cqEntries)
    ) {
      throw new RangeError(
        `waitBlocking: minComplete must be in 0..${this._cqEntries}`,
      );
    }
    if (timeoutMs !== undefined) checkMs("waitBlocking", timeoutMs);
    if (this._published !== this._tail) {
      if (this._atomic) Atomics.store(this._u32, this._sqTailW, this._tail);
      else this._u32[this._sqTailW] = this._tail;
      this._published = this._tail;
      this._pinnedN = 0;
    }
    const ready = this.cqPending();
    if (ready < minComplete || this._tail !== this._head) {
      const toSubmit = (this._tail - this._head) >>> 0;
      let flags = IORING_ENTER.GETEVENTS;
      let arg: Uint8Array | null = null;
      let argsz = 0;
      if (timeoutMs !== undefined) {
        const sec = Math.floor(timeoutMs / 1000);
        this._waitTsU32[0] = sec >>> 0;
        this._waitTsU32[1] = Math.floor(sec / TWO32);
        this._waitTsU32[2] = Math.round((timeoutMs - sec * 1000) * 1e6) % 1e9;
        this._waitTsU32[3] = 0;
        flags |= IORING_ENTER.EXT_ARG;
        arg = this._getArg;
        argsz = 24;
      }
      const want = ready >= minComplete ? 0 : minComplete;
      const r = ioUringEnter(this._fd, toSubmit, want, flags, arg, argsz);
      if (r >= 0) {
        this._head = (this._head + Math.min(r, toSubmit)) >>> 0;
      } else if (r !== ETIME && r !== EINTR && r !== EAGAIN && r !== EBUSY) {
        throw uringError("io_uring_enter", r);
      } else {
        this._head = Atomics.load(this._u32, this._sqHeadW);
      }
      this._sqLimit = (this._head + this._cap) >>> 0;
    }
    return this._reap(cqes);
  }

  /**
   * The eventfd the ring signals on completions (and, on single-issuer
   * rings, when deferred task work is queued). Created and registered on
   * first use; closed by stop().
   */
  eventfd(): number {
    this._check("eventfd");
    if (this._eventfd < 0) {
      const efd = eventfd2(0, EFD.NONBLOCK | EFD.CLOEXEC);
      if (efd < 0) throw uringError("eventfd", efd);
      try {
        reg.registerEventfd(this._fd, efd);
      } catch (e) {
        closeFd(efd);
        throw e;
      }
      this._eventfd = efd;
      this._ownEventfd = true;
      this._syncDropped();
    }
    return this._eventfd;
  }

  /** Registers a caller-owned eventfd (it stays open after stop). */
  registerEventfd(efd: number, asyncOnly = false): void {
    this._check("registerEventfd");
    if (this._eventfd >= 0) {
      throw new UringError(
        "registerEventfd",
        -16,
        "uring: registerEventfd: an eventfd is already registered",
      );
    }
    reg.registerEventfd(this._fd, efd, asyncOnly);
    this._eventfd = efd;
    this._ownEventfd = false;
  }

  /** Unregisters the eventfd (closing it if the ring created it). */
  unregisterEventfd(): void {
    this._check("unregisterEventfd");
    if (this._asyncWaiting) {
      throw new UringError(
        "unregisterEventfd",
        -16,
        "uring: unregisterEventfd: a waitAsync is parked on it",
      );
    }
    if (this._eventfd < 0) return;
    reg.unregisterEventfd(this._fd);
    if (this._ownEventfd) closeFd(this._eventfd);
    this._eventfd = -1;
    this._ownEventfd = false;
    this._syncDropped();
  }

  /**
   * Waits for completions without blocking the event loop: polls the
   * ring's eventfd on Deno's blocking thread pool, then reaps on the JS
   * thread. Resolves with the count (0 on timeout); rejects with the
   * signal's reason on abort. One waitAsync at a time per ring.
   */
  async waitAsync(
    cqes: CQEView[],
    options: WaitAsyncOptions = {},
  ): Promise<number> {
    this._check("waitAsync");
    if (this._asyncWaiting) {
      throw new UringError(
        "waitAsync",
        -16,
        "uring: waitAsync: another waitAsync is in progress",
      );
    }
    const { timeoutMs, signal } = options;
    if (timeoutMs !== undefined) checkMs("waitAsync", timeoutMs);
    signal?.throwIfAborted();
    let n = this.wait(cqes);
    if (n !== 0) return n;
    const efd = this.eventfd();
    if (this._cancelFd < 0) {
      const c = eventfd2(0, EFD.NONBLOCK | EFD.CLOEXEC);
      if (c < 0) throw uringError("eventfd", c);
      this._cancelFd = c;
      this._syncDropped();
    }
    if (this._pollFds === null) this._pollFds = new PollFds(2);
    const pfds = this._pollFds;
    pfds.set(0, efd, 0x1).set(1, this._cancelFd, 0x1);
    const deadline = timeoutMs === undefined
      ? Infinity
      : performance.now() + timeoutMs;
    const cancelFd = this._cancelFd;
    const onAbort = () => writeFd(cancelFd, ONE);
    signal?.addEventListener("abort", onAbort, { once: true });
    this._asyncWaiting = true;
    try {
      for (;;) {
        readFd(efd, this._efdBuf); // reset before checking: no lost wakeup
        n = this.wait(cqes);
        if (n !== 0) return n;
        const left = deadline - performance.now();
        if (left <= 0) return 0;
        const ms = left === Infinity
          ? -1
          : Math.min(Math.ceil(left), 0x7fffffff);
        const r = await pollAsyncOwned(pfds.bytes, 2, ms);
        if (this._closed) throw new RingClosedError("waitAsync");
        if (signal?.aborted) {
          readFd(cancelFd, this._efdBuf);
          throw signal.reason;
        }
        if (r < 0 && r !== EINTR) throw uringError("poll", r);
        if (pfds.revents(1) !== 0) readFd(cancelFd, this._efdBuf);
      }
    } finally {
      this._asyncWaiting = false;
      signal?.removeEventListener("abort", onAbort);
      if (this._closed) this._closeEventfds();
    }
  }
}
