/**
 * Tells the driver when Deno's runtime has I/O of its own waiting.
 *
 * While the driver keeps this thread busy (reaping, or sleeping briefly in
 * io_uring_enter before it parks), Deno's runtime polls its own sockets
 * only every few dozen event-loop turns, so a `Deno.serve` or `Deno.connect`
 * in the same thread waits. The runtime's I/O readiness lives in its epoll
 * instance: a one-shot IORING_OP_POLL_ADD on that epoll fd, armed in the
 * driver's own ring, completes as soon as the runtime has something ready
 * (and wakes a look at once), so the driver hands the runtime a turn then,
 * not on a fixed period.
 *
 * Which epoll is this thread's runtime is learnt, not assumed: every epoll
 * instance open when the first driver starts is a candidate, and the first
 * hop through Deno's blocking pool (which wakes this thread's runtime
 * through its own eventfd, registered in its epoll) shows which candidate
 * belongs to it. No candidate, or none that fires: the driver falls back to
 * a periodic turn.
 *
 * @module
 */

import { IORING_OP, POLL } from "../../zcall/constants.ts";
import { Errno } from "../../zcall/errno.ts";
import { runtimeEpollCandidates } from "../../zcall/_runtime_epoll.ts";
import { packDirect, type SQEContext } from "../context.ts";
import type { CQEView } from "../cqe.ts";
import type { Uring } from "../ring.ts";

/** Buffer group reserved for these polls (0xffff: the driver's ignores). */
export const RUNTIME_IO_TAG = 0xfffe;

/** Finds that Deno's runtime has I/O ready; see the module doc. */
export class RuntimeIoWatch {
  #fds: number[];
  #ctx: SQEContext[];
  #armed: boolean[];
  #fired: boolean[];
  #ours: boolean[]; // after calibration: the runtime of this thread
  #calibrated = false;
  #afterHop = false;
  #lo: number;
  /** The runtime had I/O ready since the last turn handed to it. */
  signalled = false;

  constructor() {
    this.#fds = runtimeEpollCandidates().slice();
    this.#ctx = this.#fds.map((fd) =>
      packDirect(IORING_OP.POLL_ADD, 0, RUNTIME_IO_TAG, fd)
    );
    this.#lo = this.#ctx.length > 0 ? this.#ctx[0].lo : -1;
    this.#armed = this.#fds.map(() => false);
    this.#fired = this.#fds.map(() => false);
    this.#ours = this.#fds.map(() => true);
  }

  /** Whether the runtime's epoll was found and is watched. */
  get calibrated(): boolean {
    return this.#calibrated && this.active;
  }

  /** Whether readiness is watched (else the driver turns periodically). */
  get active(): boolean {
    return this.#ours.includes(true);
  }

  /** Arms the polls not armed (submitted with the ring's next enter). */
  arm(ring: Uring): void {
    for (let i = 0; i < this.#fds.length; i++) {
      if (this.#armed[i] || !this.#ours[i]) continue;
      if (!ring.pollAdd(this.#ctx[i], POLL.IN)) return; // SQ full: later
      this.#armed[i] = true;
    }
  }

  /**
   * Consumes `cqe` when it is one of these polls' completions (returns
   * true); anything else is left to the caller.
   */
  take(cqe: CQEView): boolean {
    if (cqe.userDataLo !== this.#lo) return false;
    const i = this.#ctx.findIndex((c) => c.hi === cqe.userDataHi);
    if (i < 0) return false;
    this.#armed[i] = false;
    if (cqe.res < 0) {
      // Cancelled at teardown, or the fd cannot be polled: stop using it.
      if (cqe.res !== -Errno.ECANCELED) this.#ours[i] = false;
      return true;
    }
    if (this.#afterHop) this.#fired[i] = true;
    else if (this.#ours[i]) this.signalled = true;
    return true;
  }

  /**
   * Before a hop through Deno's blocking pool: the first one calibrates,
   * so every candidate is armed and submitted now.
   */
  beforeHop(ring: Uring): void {
    if (this.#calibrated || this.#fds.length === 0) return;
    this.arm(ring);
    ring.submit();
  }

  /**
   * Runs the turn that follows a hop. The runtime has just polled its
   * I/O, and the hop's own completion woke it through its eventfd: a poll
   * completing now says nothing new (but tells which epoll is the
   * runtime's, the first time).
   */
  afterHop(turn: () => void): void {
    this.#afterHop = true;
    this.#fired.fill(false);
    try {
      turn();
    } finally {
      this.#afterHop = false;
      this.signalled = false;
      if (!this.#calibrated && this.#fds.length > 0) {
        this.#calibrated = true;
        for (let i = 0; i < this.#fds.length; i++) {
          this.#ours[i] = this.#fired[i];
        }
      }
    }
  }
}
