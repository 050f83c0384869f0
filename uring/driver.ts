/**
 * The Deno event-loop driver: owns a ring inside Deno's event loop. While
 * completions flow it submits and reaps synchronously (yielding to the event
 * loop every half millisecond); when nothing is ready it parks on the ring's
 * registered eventfd (a `nonblocking` poll(2) on Deno's blocking pool), so
 * it never spins and never blocks the event loop.
 *
 * The eventfd fires when completions are posted. On a DEFER_TASKRUN ring
 * (the default) completions wait for the next enter, and the kernel's
 * signal for queued work can come late (on Linux 6.18 it is deferred to an
 * RCU callback: 1-15 ms). Sockets passed to {@linkcode UringDriver.watchFd}
 * wake the park at once (an edge-triggered epoll set beside the eventfd),
 * so such a ring serves them without interrupting this thread for every
 * completion; rings created with `signalTaskrun: true` post completions
 * while this thread sleeps, so every operation wakes the park at once.
 * When nothing is outstanding the loop ends: no op stays pending, and the
 * process can exit.
 *
 * On top: Promise conveniences (await one operation, with deadlines and
 * AbortSignal cancelling through IORING_OP_ASYNC_CANCEL), async iteration
 * over multishot streams, and a clean `close()` that cancels and drains
 * in-flight operations. The raw ring stays available (`driver.ring`): submit
 * with its methods, call {@linkcode UringDriver.kick}, and receive CQEs
 * that are not the driver's in the `onCQE` callback. Direct contexts with
 * buffer group 0xffff and fd -1 are reserved for the driver's own cancels
 * and linked timeouts.
 *
 * Permissions: `--allow-ffi=<path of libkernio.so>` on Linux 6.5+ (rings in
 * JavaScript memory); older kernels need the unscoped `--allow-ffi`.
 *
 * @example
 * ```ts
 * import { UringDriver } from "@kernio/kernio/uring";
 * await using d = new UringDriver({ entries: 64 });
 * const res = await d.nop();
 * await d.sleep(5);
 * ```
 *
 * @module
 */

import { EFD, EPOLL, IORING_OP, IOSQE } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";
import { EpollEvents, PollFds } from "../zcall/structs.ts";
import {
  close as closeFd,
  epollCreate1,
  epollCtl,
  epollWait,
  eventfd2,
  read as readFd,
  write as writeFd,
} from "../zcall/syscalls.ts";
import { packDirect, type SQEContext } from "./context.ts";
import { CQEView, IORING_CQE_F } from "./cqe.ts";
import {
  CQOverflowError,
  RingClosedError,
  UringError,
  uringError,
} from "./errors.ts";
import {
  acceptMultishot,
  dispatchCQE,
  type MultishotHandler,
  type MultishotSubscription,
  receiveMultishot,
} from "./multishot.ts";
import type { BufferRing } from "./buffer_ring.ts";
import { type OpOptions, Uring } from "./ring.ts";
import type { Options } from "./options.ts";
import { forFD } from "./context.ts";
import { setImmediate } from "node:timers";
import { pollAsyncOwned } from "../zcall/_owned_async.ts";
import { RUNTIME_IO_TAG, RuntimeIoWatch } from "./driver/_runtime_io.ts";

const ENOBUFS = -Errno.ENOBUFS;
const F_MORE = IORING_CQE_F.MORE;
const BATCH = 256;
const ONE = new Uint8Array(new BigUint64Array([1n]).buffer);
// While completions keep flowing, give the event loop a turn this often.
const YIELD_MS = 0.5;
// Before parking, keep looking (each look a bounded sleep in the kernel,
// then an event-loop turn) for a window that adapts between LOOK_MIN_MS and
// pollBeforeParkMs (default LOOK_MAX_MS): it doubles after a look that
// found completions and halves after one that ended in a park. A park and its wake cost three thread
// hops; a peer answering within the window (a ping-pong connection) is
// served without them, while a driver that keeps finding nothing soon looks
// only briefly again.
const LOOK_MIN_MS = 0.02;
const LOOK_MAX_MS = 0.1;
// A look sleeps in the kernel (a bounded io_uring_enter wait, which wakes
// on the first completion) at most this long per event-loop turn: the
// answer wakes this thread directly (no thread hop, no busy turns), and
// timers and other I/O wait at most this long.
const SYNC_WAIT_MS = 0.05;
// After the looks slept this long in the kernel without a park, the next
// turn lets Deno's runtime poll its own I/O (see #yield); when the
// runtime's readiness is watched (RuntimeIoWatch), only after the longer
// fallback.
const IO_TURN_MS = 0.25;
const IO_TURN_FALLBACK_MS = 2;
const WATCHED = EPOLL.IN | EPOLL.OUT | EPOLL.RDHUP | EPOLL.ET;
const WATCH_EVENT = new EpollEvents(1);
const HARVEST = new EpollEvents(64);

/**
 * Options of {@linkcode UringDriver}.
 *
 * @example
 * ```ts
 * import type { DriverOptions } from "@kernio/kernio/uring";
 * const opts: DriverOptions = { entries: 256 };
 * ```
 */
export interface DriverOptions extends Partial<Options> {
  /** Drive an existing, started ring (not stopped by close()). */
  ring?: Uring;
  /** Receives every CQE the driver does not own (raw submissions). */
  onCQE?: (cqe: CQEView) => void;
  /**
   * Before parking, keep looking for completions at most this many
   * milliseconds (default 0.1; 0 parks at once): each look is a bounded
   * sleep in io_uring_enter (at most 0.05 ms, woken by the first
   * completion), then an event-loop turn. The window adapts: it doubles
   * (up to this bound) after a look that found completions and halves
   * (down to 0.02 ms) after one that ended in a park. Bounded, so an idle driver still sleeps; it trades a
   * little CPU for the park's thread hops (helps latency-bound loads, e.g.
   * a connection answered within tens of microseconds).
   */
  pollBeforeParkMs?: number;
}

import { type Completion, PendingOp } from "./driver/_pending.ts";
import { type DriverOpOptions, DriverOps } from "./driver_ops.ts";
import { MultishotStream } from "./driver/_stream.ts";
import { checkFd, macrotask, reportLater, sleepMs } from "./driver/_util.ts";

export type { Completion } from "./driver/_pending.ts";
export { type DriverOpOptions, DriverOps } from "./driver_ops.ts";
export { composeDeadline, linkTimeout } from "./driver/deadline.ts";

/**
 * A ring driven by Deno's event loop. See the module doc.
 *
 * @example
 * ```ts
 * import { UringDriver } from "@kernio/kernio/uring";
 * const d = new UringDriver({ entries: 64 });
 * const c = await d.nop();
 * await d.close();
 * ```
 */
export class UringDriver extends DriverOps {
  /** The driven ring (submit raw SQEs with it, then call kick()). */
  readonly ring: Uring;
  readonly #ownRing: boolean;
  readonly #onCQE: ((cqe: CQEView) => void) | undefined;
  readonly #cqes: CQEView[];
  // Park: our eventfd registered with the ring, plus one to wake the poll.
  #efd = -1;
  #wakeFd = -1;
  #epfd = -1; // watched fds (watchFd), -1: none
  #pfds: PollFds | null = null;
  #runtimeIo: RuntimeIoWatch | null = null; // see #yield
  #efdBuf = new Uint8Array(8);
  #tracked = 0; // driver-owned operations awaiting their final CQE
  #slotWaiters: (() => void)[] = [];
  #holds = 0; // raw users' "keep waiting" references
  #running: Promise<void> | null = null; // the wait loop, while it runs
  #runResolve: (() => void) | null = null;
  #runReject: ((e: unknown) => void) | null = null;
  #spinUntil = -1; // end of the look before parking (-1: not idle)
  #lookHit = false; // the last look found completions (see #turn)
  #chainStart = -1; // first restart in this macrotask (see #ensureRunning)
  #waited = 0; // ms the looks slept in the kernel since the last park
  #lookMs: number; // the current look window (adapts, see LOOK_MIN_MS)
  #park: AbortController | null = null;
  #flushQueued = false;
  #closing = false;
  #closed = false;
  #error: unknown = undefined;
  #ignoreCtx: SQEContext;
  #deferTaskrun: boolean;
  #spinMs: number;
  #overflows = 0;

  /**
   * Creates (and starts) a ring, or drives `options.ring` (started).
   */
  constructor(options: DriverOptions = {}) {
    super();
    if (options === null || typeof options !== "object") {
      throw new TypeError("UringDriver: options must be an object");
    }
    const { ring, onCQE, pollBeforeParkMs, ...ringOptions } = options;
    if (onCQE !== undefined && typeof onCQE !== "function") {
      throw new TypeError("UringDriver: onCQE must be a function");
    }
    if (
      pollBeforeParkMs !== undefined &&
      !(typeof pollBeforeParkMs === "number" && pollBeforeParkMs >= 0 &&
        pollBeforeParkMs <= 1000)
    ) {
      throw new RangeError(
        "UringDriver: pollBeforeParkMs must be a number in [0, 1000]",
      );
    }
    this.#spinMs = pollBeforeParkMs ?? LOOK_MAX_MS;
    this.#lookMs = Math.min(LOOK_MIN_MS, this.#spinMs);
    if (ring !== undefined) {
      if (!(ring instanceof Uring)) {
        throw new TypeError("UringDriver: ring must be a Uring");
      }
      if (!ring.started || ring.closed) {
        throw new TypeError("UringDriver: ring must be started and open");
      }
      this.ring = ring;
      this.#ownRing = false;
    } else {
      this.ring = new Uring(ringOptions);
      try {
        this.ring.start();
      } catch (e) {
        this.ring.stop();
        throw e;
      }
      this.#ownRing = true;
    }
    this.#onCQE = onCQE;
    this.#deferTaskrun = !this.ring.options.multiIssuers &&
      !this.ring.options.signalTaskrun;
    this.#setupPark();
    if (this.#ownRing && this.#pfds !== null) {
      this.#runtimeIo = new RuntimeIoWatch();
    }
    this.#cqes = Array.from({ length: BATCH }, () => new CQEView());
    // Cancels and linked timeouts the driver issues: their own CQEs are
    // dropped (CQE_SKIP_SUCCESS hides successful ones).
    // Reserved for the driver: buffer group 0xffff with fd -1 (and 0xfffe
    // with the fd of the runtime's epoll: RuntimeIoWatch's polls).
    this.#ignoreCtx = packDirect(IORING_OP.NOP, 0, 0xffff, -1);
  }

  #setupPark(): void {
    const efd = eventfd2(0, EFD.NONBLOCK | EFD.CLOEXEC);
    const wfd = eventfd2(0, EFD.NONBLOCK | EFD.CLOEXEC);
    if (efd < 0 || wfd < 0) {
      if (efd >= 0) closeFd(efd);
      if (wfd >= 0) closeFd(wfd);
      return; // fall back to Uring.waitAsync
    }
    try {
      this.ring.registerEventfd(efd);
    } catch {
      // The ring already has an eventfd: park through Uring.waitAsync.
      closeFd(efd);
      closeFd(wfd);
      return;
    }
    this.#efd = efd;
    this.#wakeFd = wfd;
    // The third entry is the watched-fd epoll set (-1 until watchFd()).
    this.#pfds = new PollFds(3).set(0, efd, 0x1).set(1, wfd, 0x1)
      .set(2, -1, 0x1);
  }

  #closePark(): void {
    if (this.#efd < 0) return;
    try {
      if (!this.ring.closed) this.ring.unregisterEventfd();
    } catch { /* the ring is going away */ }
    closeFd(this.#efd);
    closeFd(this.#wakeFd);
    if (this.#epfd >= 0) closeFd(this.#epfd);
    this.#efd = this.#wakeFd = this.#epfd = -1;
  }

  /**
   * Also wakes the parked driver when `fd` becomes readable or writable
   * (edge-triggered epoll, not an io_uring operation). On a ring with
   * deferred task work (the default, SINGLE_ISSUER | DEFER_TASKRUN) the
   * kernel's eventfd signal for new work can come milliseconds late; a
   * socket whose operations run on the ring, watched here, wakes the park
   * at once, so such a ring serves it without interrupting this thread
   * per completion. Watch before arming the socket's operations. Closing
   * the fd drops it from the set.
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 64 });
   * declare const sock: number;
   * d.watchFd(sock);
   * ```
   */
  watchFd(fd: number): void {
    this.#check("watchFd");
    checkFd("watchFd", fd);
    if (this.#pfds === null) return; // parks through Uring.waitAsync
    if (this.#epfd < 0) {
      const ep = epollCreate1(EPOLL.CLOEXEC);
      if (ep < 0) throw uringError("epoll_create1", ep);
      this.#epfd = ep;
      this.#pfds.set(2, ep, 0x1);
    }
    WATCH_EVENT.set(0, WATCHED, fd);
    const r = epollCtl(this.#epfd, EPOLL.CTL_ADD, fd, WATCH_EVENT.bytes);
    if (r < 0 && r !== -Errno.EEXIST) throw uringError("epoll_ctl", r);
  }

  /** Stops waking the park for `fd` (see {@linkcode UringDriver.watchFd}). */
  unwatchFd(fd: number): void {
    checkFd("unwatchFd", fd);
    if (this.#epfd >= 0) epollCtl(this.#epfd, EPOLL.CTL_DEL, fd, null);
  }

  // Takes the watched fds' edges seen so far: the drain that follows
  // serves them, and only newer ones should wake the park.
  #harvest(): void {
    if (this.#epfd < 0) return;
    while (
      epollWait(this.#epfd, HARVEST.bytes, HARVEST.count, 0) === HARVEST.count
    );
  }

  /** Driver-owned operations not yet completed. */
  get inflight(): number {
    return this.#tracked;
  }

  /** True once close() has finished. */
  get closed(): boolean {
    return this.#closed;
  }

  #check(op: string): void {
    if (this.#closing || this.#closed) throw new RingClosedError(op);
  }

  /**
   * Keeps the driver waiting for completions of raw submissions (e.g. a
   * multishot accept that never ends by itself). Balance with release().
   */
  hold(): void {
    this.#check("hold");
    this.#holds++;
    this.kick();
  }

  /** Drops one hold(); with nothing outstanding the wait loop ends. */
  release(): void {
    if (this.#holds > 0) this.#holds--;
    this.#wake();
  }

  /**
   * Submits queued SQEs (batched: once per microtask turn) and makes sure
   * the loop is running. Call after submitting with the raw ring.
   */
  kick(): void {
    if (this.#closed) return;
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#flush);
    }
  }

  #flush = (): void => {
    this.#flushQueued = false;
    if (this.#closed || this.ring.closed) return;
    try {
      if (this.ring.pending > 0) this.ring.submit();
    } catch (e) {
      this.#fail(e);
      return;
    }
    this.#ensureRunning();
  };

  // The loop starts at once (no event-loop turn of latency), but operations
  // that complete inside the submitting io_uring_enter can end and restart
  // it from promise continuations alone, a microtask chain that would never
  // let timers or Deno's I/O run: after YIELD_MS of such restarts within one
  // macrotask, the next one waits for an Immediate.
  #ensureRunning(): void {
    if (this.#running !== null || !this.#busy()) return;
    this.#running = new Promise<void>((resolve, reject) => {
      this.#runResolve = resolve;
      this.#runReject = reject;
    });
    const now = performance.now();
    if (this.#chainStart < 0) {
      this.#chainStart = now;
      setImmediate(this.#chainEnd);
    } else if (now - this.#chainStart >= YIELD_MS) {
      return void setImmediate(this.#turn);
    }
    this.#turn();
  }

  #chainEnd = (): void => {
    this.#chainStart = -1;
  };

  #busy(): boolean {
    return this.#tracked > 0 || this.#holds > 0;
  }

  #wake(): void {
    if (this.#wakeFd >= 0) writeFd(this.#wakeFd, ONE);
    this.#park?.abort();
  }

  #fail(e: unknown): void {
    this.#error ??= e;
    this.#wake();
  }

  /** Reaps and dispatches one batch; returns how many CQEs it handled. */
  #drain(): number {
    const cqes = this.#cqes;
    const ring = this.ring;
    // On single-issuer rings the submitting enter carries GETEVENTS and has
    // just run the deferred task work: when it posted nothing, skip wait()'s
    // second enter (one io_uring_enter per turn, not two).
    if (this.#deferTaskrun && ring.pending > 0) {
      ring.submit();
      if (ring.cqPending() === 0) return 0;
    }
    let n: number;
    try {
      n = ring.wait(cqes);
      // Deferred work left queued (the kernel runs a bounded batch per
      // enter): run it now, or the park would miss it (no new signal).
      if (n === 0 && this.#deferTaskrun && ring.taskrunPending()) {
        n = ring.wait(cqes);
      }
    } catch (e) {
      // The kernel kept the overflowed completions (NODROP) and wait()
      // flushed them back into the CQ: reap on, nothing is lost.
      if (!(e instanceof CQOverflowError)) throw e;
      this.#overflows++;
      n = ring.wait(cqes);
    }
    for (let k = 0; k < n; k++) this.#dispatch(cqes[k]);
    return n;
  }

  /** Times the completion queue overflowed and was recovered from. */
  get cqOverflows(): number {
    return this.#overflows;
  }

  /**
   * Submits what is queued and dispatches the completions already there,
   * without waiting; returns how many were handled. For owners that keep
   * the driver unheld (so the process may exit) yet want it served while
   * the process lives, e.g. from an unref'd timer.
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * d.poll(); // 0: nothing pending
   * ```
   */
  poll(): number {
    if (this.#closed || this.ring.closed) return 0;
    try {
      let total = 0;
      for (let n = this.#drain(); n > 0; n = this.#drain()) total += n;
      return total;
    } catch (e) {
      this.#fail(e);
      return 0;
    }
  }

  #dispatch(cqe: CQEView): void {
    try {
      if (dispatchCQE(cqe)) return;
      const tag = cqe.userDataLo >>> 16;
      if (tag === 0xffff && cqe.userDataHi === this.#ignoreCtx.hi) return;
      if (tag === RUNTIME_IO_TAG && this.#runtimeIo?.take(cqe)) return;
      this.#onCQE?.(cqe);
    } catch (e) {
      reportLater(e);
    }
  }

  // One event-loop turn of the wait loop: reap and dispatch while
  // completions flow (for at most YIELD_MS, then the next turn comes from
  // setImmediate), then look a few more turns (pollBeforeParkMs), then park
  // on the eventfd. Callbacks rather than an async function: a busy turn
  // allocates nothing, a yield one Immediate, a park one promise.
  #turn = (): void => {
    const ring = this.ring;
    let since = -1;
    if (this.#lookHit) {
      // The last turn's look found completions: a request-response peer
      // answers within the look window, so look first (one io_uring_enter
      // submits, runs task work and waits) rather than drain, then look.
      this.#lookHit = false;
      if (ring.closed || this.#error !== undefined) return this.#end();
      if (this.#busy()) {
        const t0 = performance.now();
        let got: number;
        try {
          got = this.#waitBriefly(Math.min(this.#lookMs, SYNC_WAIT_MS));
        } catch (e) {
          return this.#end(e);
        }
        if (got > 0) {
          if (!this.#lookFound()) return this.#yield();
          since = t0;
        } else this.#spinUntil = t0 + this.#lookMs;
      }
    }
    for (;;) {
      if (ring.closed || this.#error !== undefined) return this.#end();
      let n: number;
      try {
        n = this.#drain();
      } catch (e) {
        return this.#end(e);
      }
      if (n > 0) {
        // Completions flow: keep reaping, but let the event loop breathe.
        if (this.#spinUntil >= 0) {
          // A look found them: look longer next time.
          this.#lookMs = Math.min(this.#spinMs, this.#lookMs * 2);
          this.#spinUntil = -1;
        }
        const now = performance.now();
        if (since < 0) since = now;
        else if (now - since >= YIELD_MS) return this.#yield();
        continue;
      }
      if (!this.#busy()) return this.#end();
      if (this.#efd < 0) return this.#parkWaitAsync();
      const now = performance.now();
      if (this.#spinUntil < 0) this.#spinUntil = now + this.#lookMs;
      if (this.#spinMs > 0 && now < this.#spinUntil) {
        // Completions dispatched this turn may have resolved promises whose
        // continuations submit the next request: let them run first.
        if (since >= 0) return this.#yield();
        // Look: sleep in the kernel for the rest of the window, at most
        // SYNC_WAIT_MS, then give the event loop a turn.
        let got: number;
        try {
          got = this.#waitBriefly(
            Math.min(this.#spinUntil - now, SYNC_WAIT_MS),
          );
        } catch (e) {
          return this.#end(e);
        }
        if (got === 0 || !this.#lookFound()) return this.#yield();
        since = now;
        continue;
      }
      // Park: reset the eventfd and the watched edges, then look once more
      // (runs deferred task work); anything posted from here on signals
      // the poll. Sleep in poll(2) on Deno's blocking pool until the ring,
      // a watched fd or a wake signals; look less next time.
      this.#spinUntil = -1;
      this.#lookMs = Math.max(
        Math.min(LOOK_MIN_MS, this.#spinMs),
        this.#lookMs / 2,
      );
      readFd(this.#efd, this.#efdBuf);
      this.#harvest();
      try {
        n = this.#drain();
      } catch (e) {
        return this.#end(e);
      }
      if (n > 0) return this.#yield();
      this.#runtimeIo?.beforeHop(ring);
      pollAsyncOwned(this.#pfds!.bytes, 3, -1).then(this.#woken, this.#end);
      return;
    }
  };

  // A look found completions: look longer next time, and start the next
  // turn with a look. Returns whether to reap on in this turn: only when
  // more work shows without a system call (submissions the dispatch queued,
  // completions, deferred task work); else the turn ends, so continuations
  // run (they usually submit the next request) without a drain first.
  #lookFound(): boolean {
    this.#lookMs = Math.min(this.#spinMs, this.#lookMs * 2);
    this.#spinUntil = -1;
    this.#lookHit = true;
    const ring = this.ring;
    return ring.pending > 0 || ring.cqPending() > 0 ||
      (this.#deferTaskrun && ring.taskrunPending());
  }

  // A bounded sleep in io_uring_enter (GETEVENTS, min_complete 1, a
  // timeout of `ms`) that wakes as soon as a completion is posted, then
  // dispatches what came. Blocks the event loop for at most `ms`.
  #waitBriefly(ms: number): number {
    let n: number;
    const t0 = performance.now();
    try {
      n = this.ring.waitBlocking(this.#cqes, 1, ms);
    } catch (e) {
      if (!(e instanceof CQOverflowError)) throw e;
      this.#overflows++;
      n = this.ring.wait(this.#cqes);
    }
    this.#waited += performance.now() - t0;
    for (let k = 0; k < n; k++) this.#dispatch(this.#cqes[k]);
    return n;
  }

  // The next turn: an Immediate, or a poll with no timeout on the blocking
  // pool, which lets Deno's runtime poll its own I/O (it does when nothing
  // of its is ready, else only every few dozen turns): when the runtime
  // has I/O ready (RuntimeIoWatch), or, unwatched, once the looks since the
  // last park slept IO_TURN_MS in the kernel. Else the looks' sleeps add up
  // to milliseconds of delay for a Deno.serve in this process.
  #yield(): void {
    const watch = this.#runtimeIo;
    if (
      this.#pfds !== null &&
      (watch !== null && watch.active
        ? watch.signalled || this.#waited >= IO_TURN_FALLBACK_MS
        : this.#waited >= IO_TURN_MS)
    ) {
      this.#waited = 0;
      watch?.beforeHop(this.ring);
      pollAsyncOwned(this.#pfds.bytes, 3, 0).then(this.#woken, this.#end);
      return;
    }
    if (watch !== null && watch.active) watch.arm(this.ring);
    setImmediate(this.#turn);
  }

  #woken = (r: number): void => {
    this.#waited = 0;
    if (this.#pfds!.revents(1) !== 0) readFd(this.#wakeFd, this.#efdBuf);
    if (r < 0 && r !== -Errno.EINTR) this.#error ??= uringError("poll", r);
    if (this.#runtimeIo !== null) this.#runtimeIo.afterHop(this.#turn);
    else this.#turn();
  };

  // No eventfd of ours (the ring already had one): Uring.waitAsync.
  #parkWaitAsync(): void {
    if (this.#park === null || this.#park.signal.aborted) {
      this.#park = new AbortController();
    }
    const park = this.#park;
    this.ring.waitAsync(this.#cqes, { signal: park.signal }).then(
      (got) => {
        for (let k = 0; k < got; k++) this.#dispatch(this.#cqes[k]);
        this.#turn();
      },
      (e) => {
        if (this.ring.closed) return this.#end();
        if (park.signal.aborted) return this.#turn(); // woken on purpose
        this.#error ??= e;
        this.#end();
      },
    );
  }

  // The wait loop ends: nothing outstanding, the ring closed, or an error
  // (stored for close(); a thrown one rejects the loop's promise as the
  // process's unhandled rejection unless close() awaits it).
  #end = (thrown?: unknown): void => {
    this.#spinUntil = -1;
    const resolve = this.#runResolve;
    const reject = this.#runReject;
    this.#running = this.#runResolve = this.#runReject = null;
    if (thrown !== undefined) reject?.(thrown);
    else resolve?.();
    // Work queued meanwhile keeps it going.
    if (
      this.#error === undefined && !this.#closed && !this.ring.closed &&
      thrown === undefined
    ) this.#ensureRunning();
  };

  /** @internal Whether the runtime's epoll was found and is watched. */
  get _runtimeIoWatched(): boolean {
    return this.#runtimeIo?.calibrated ?? false;
  }

  /** @internal */
  _retire(op: PendingOp): void {
    this.#tracked--;
    if (op.onAbort) op.signal!.removeEventListener("abort", op.onAbort);
    op.ext.refs[0] = undefined;
    try {
      if (!this.ring.closed) this.ring.putExtSQE(op.ext);
    } catch { /* ring gone */ }
    this.#slotWaiters.shift()?.();
  }

  /**
   * Submits one operation and resolves with its completion. `prep` writes
   * the SQE through a ring method with the given (extended) context and
   * returns its boolean. Rejects with a typed UringError on a negative
   * result, with `signal.reason` when aborted, and with an "ETIME"
   * UringError at the deadline.
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * const c = await d.submit("nop", (ring, ctx) => ring.nop(ctx));
   * ```
   */
  submit(
    op: string,
    prep: (ring: Uring, ctx: SQEContext, o: OpOptions | undefined) => boolean,
    options: DriverOpOptions = {},
  ): Promise<Completion> {
    try {
      this.#check(op);
      if (typeof prep !== "function") {
        throw new TypeError(`${op}: prep must be a function`);
      }
      const { signal, timeoutMs } = options;
      if (
        timeoutMs !== undefined &&
        !(typeof timeoutMs === "number" && timeoutMs >= 0 &&
          isFinite(timeoutMs))
      ) {
        throw new RangeError(`${op}: timeoutMs must be a finite number >= 0`);
      }
      signal?.throwIfAborted();
      const ring = this.ring;
      const ext = ring.extSQE();
      if (ext === null) {
        // Every context is in flight: wait for one to retire (backpressure).
        return new Promise<void>((r) => this.#slotWaiters.push(r))
          .then(() => this.submit(op, prep, options));
      }
      const p = new PendingOp(this, ext, op, options.raw === true);
      ext.refs[0] = p;
      const linked = timeoutMs !== undefined;
      // Make room for the pair so the link is never split across a flush.
      if (linked && ring.sqAvailable() < 2) ring.submit();
      let ok = false;
      try {
        ok = prep(
          ring,
          ext.context,
          linked ? { flags: IOSQE.IO_LINK } : undefined,
        );
        if (ok && linked) {
          p.timeoutMs = timeoutMs;
          ok = ring.linkTimeout(this.#ignoreCtx, timeoutMs);
        }
      } catch (e) {
        ext.refs[0] = undefined;
        ring.putExtSQE(ext);
        throw e;
      }
      if (!ok) {
        ext.refs[0] = undefined;
        ring.putExtSQE(ext);
        throw new UringError(
          op,
          -Errno.EBUSY,
          `uring: ${op}: submission queue full`,
        );
      }
      this.#tracked++;
      if (signal) {
        p.signal = signal;
        p.onAbort = () => this.#cancelCtx(ext.context);
        signal.addEventListener("abort", p.onAbort, { once: true });
      }
      this.kick();
      return p.promise;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #cancelCtx(target: SQEContext): void {
    if (this.ring.closed) return;
    try {
      this.ring.asyncCancel(this.#ignoreCtx, target, {
        flags: IOSQE.CQE_SKIP_SUCCESS,
      });
      this.kick();
    } catch { /* the op completes anyway */ }
  }

  /**
   * Subscribes `handler` to a multishot operation submitted by `start`
   * (acceptMultishot / receiveMultishot / receiveBundleMultishot) and keeps
   * the driver waiting until its final CQE.
   *
   * @example
   * ```ts
   * import { acceptMultishot, forFD, NoopMultishotHandler, UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const lfd: number;
   * const sub = d.subscribe((ring, h) => acceptMultishot(ring, forFD(lfd), h), new NoopMultishotHandler());
   * sub.cancel();
   * ```
   */
  subscribe(
    start: (ring: Uring, handler: MultishotHandler) => MultishotSubscription,
    handler: MultishotHandler,
  ): MultishotSubscription {
    this.#check("subscribe");
    const sub = start(this.ring, handler);
    this.#tracked++;
    // The hook runs at retirement even when callbacks are muted.
    sub._onRetire = () => {
      this.#tracked--;
    };
    sub._kick = () => this.kick();
    this.kick();
    return sub;
  }

  /**
   * Async iteration over a multishot stream: yields each step's `{res,
   * flags}` until the final CQE (a negative final result throws, except
   * -ECANCELED after `signal` aborts, which ends the iteration).
   *
   * @example
   * ```ts
   * import { acceptMultishot, forFD, UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const lfd: number;
   * const ac = new AbortController();
   * for await (const { res: fd } of d.multishot((ring, h) => acceptMultishot(ring, forFD(lfd), h), { signal: ac.signal })) {
   *   console.log("accepted", fd);
   *   ac.abort();
   * }
   * ```
   */
  multishot(
    start: (ring: Uring, handler: MultishotHandler) => MultishotSubscription,
    options: { signal?: AbortSignal } = {},
  ): AsyncIterableIterator<Completion> {
    return new MultishotStream(this, start, options.signal, false);
  }

  /**
   * Accepted connection fds as an async iterable (multishot accept).
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const lfd: number;
   * for await (const fd of d.acceptStream(lfd)) { console.log(fd); break; }
   * ```
   */
  async *acceptStream(
    listenerFd: number,
    options: { signal?: AbortSignal } = {},
  ): AsyncIterableIterator<number> {
    checkFd("acceptStream", listenerFd);
    let backoff = 0;
    for (;;) {
      const stream = new MultishotStream(
        this,
        (ring, h) => acceptMultishot(ring, forFD(listenerFd), h),
        options.signal,
        false,
        (c) => {
          if (c.res >= 0) closeFd(c.res); // accepted but never handed out
        },
      );
      try {
        for await (const c of stream) {
          backoff = 0;
          yield c.res;
        }
        return;
      } catch (e) {
        // Out of descriptors: back off (10 ms doubling to 1 s), no spin.
        const code = (e as { code?: string }).code;
        if (code !== "EMFILE" && code !== "ENFILE") throw e;
        backoff = Math.min(1000, backoff === 0 ? 10 : backoff * 2);
        await sleepMs(backoff);
        options.signal?.throwIfAborted();
      }
    }
  }

  /**
   * Received chunks as an async iterable (multishot receive with buffer
   * selection from `buffers`). Each yielded view is valid until the next
   * iteration step, when its buffer is recycled. A group that runs dry
   * (ENOBUFS) is refilled and the receive resubmitted without losing data.
   * Ends at end of stream.
   *
   * @example
   * ```ts
   * import { BufferRing, UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const fd: number;
   * using br = BufferRing.register(d.ring, { groupId: 1, entries: 64, bufferSize: 4096 });
   * for await (const chunk of d.recvStream(fd, br)) console.log(chunk.length);
   * ```
   */
  async *recvStream(
    fd: number,
    buffers: BufferRing,
    options: { signal?: AbortSignal } = {},
  ): AsyncIterableIterator<Uint8Array> {
    checkFd("recvStream", fd);
    let held = -1;
    let waitMs = 0;
    try {
      for (;;) {
        let again = false;
        const stream = new MultishotStream(
          this,
          (ring, h) =>
            receiveMultishot(ring, forFD(fd).withBufGroup(buffers.groupId), h),
          options.signal,
          true,
          (c) => {
            // Received but never handed out: back to the group.
            if (c.res > 0 && buffers.registered) {
              buffers.recycle(c.flags >>> 16);
            }
          },
        );
        for await (const c of stream) {
          if (held >= 0) {
            buffers.recycle(held);
            held = -1;
          }
          if (c.res === ENOBUFS) {
            again = true;
            break;
          }
          if (c.res === 0) return;
          // The kernel may end the receive (no F_MORE) with data still
          // unread: that is not the end of the stream, receive again.
          again = (c.flags & F_MORE) === 0;
          waitMs = 0;
          held = c.flags >>> 16;
          yield buffers.view(held).subarray(0, c.res);
        }
        if (held >= 0) {
          buffers.recycle(held);
          held = -1;
        }
        if (!again) return;
        // Out of buffers (another consumer holds them): wait for some to
        // come back, backing off, instead of resubmitting in a loop.
        while (buffers.registered && buffers.available() === 0) {
          waitMs = Math.min(50, waitMs === 0 ? 1 : waitMs * 2);
          await sleepMs(waitMs);
          options.signal?.throwIfAborted();
        }
      }
    } finally {
      if (held >= 0 && buffers.registered) buffers.recycle(held);
    }
  }

  /**
   * Cancels every driver-owned operation (IORING_OP_ASYNC_CANCEL, ANY|ALL),
   * waits (at most `timeoutMs`, default 5000) for their final completions,
   * ends the wait loop and, if the driver created the ring, stops it.
   * Idempotent.
   */
  async close(
    options: { timeoutMs?: number; cancel?: boolean } = {},
  ): Promise<void> {
    if (this.#closed) return;
    if (this.#closing) {
      while (!this.#closed) await macrotask();
      return;
    }
    this.#closing = true;
    const deadline = performance.now() + (options.timeoutMs ?? 5000);
    try {
      if (!this.ring.closed && this.#tracked > 0 && options.cancel !== false) {
        this.ring.asyncCancelAll(this.#ignoreCtx, {
          flags: IOSQE.CQE_SKIP_SUCCESS,
        });
        this.kick();
      }
      this.#holds = 0;
      while (
        this.#tracked > 0 && !this.ring.closed && performance.now() < deadline
      ) {
        this.#ensureRunning();
        await Promise.race([this.#running ?? Promise.resolve(), sleepMs(5)]);
      }
      this.#wake();
      if (this.#running) await this.#running;
    } finally {
      this.#closed = true;
      this.#closePark();
      if (this.#ownRing) this.ring.stop();
    }
    if (this.#error !== undefined) {
      const e = this.#error;
      this.#error = undefined;
      throw e;
    }
  }

  /** Same as {@linkcode UringDriver.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
