// What the reactor's look needs: the epoll instance of Deno's own runtime,
// and a bounded sleep in epoll_pwait2.
//
// Deno's runtime waits for its own I/O (its sockets, results from the
// blocking pool, wakes from other threads) in an epoll instance of its own.
// An epoll fd is itself pollable: registered in the reactor's set while
// the reactor looks (a bounded sleep on the event-loop thread), it ends the
// look as soon as Deno has new work, so a look can wait for a peer's answer
// (woken directly, without the blocking pool's thread hops) without keeping
// a Deno.serve or a fetch in the same process waiting.
//
// Which candidate (zcall/_runtime_epoll.ts: the epoll instances open when
// the library started) is this thread's runtime: queueing a timer wakes the
// runtime at once (its waker writes an eventfd registered in its epoll).
// The candidates are watched edge-triggered, so the one that reports a new
// event right after the timer was queued is it (another Worker's runtime
// does not wake).

import { EPOLL } from "../zcall/constants.ts";
import { EpollEvents } from "../zcall/structs.ts";
import {
  close,
  epollCreate1,
  epollCtl,
  epollWait,
  syscall6,
} from "../zcall/syscalls.ts";
import { unsafeAddressOf } from "../zcall/memory.ts";
import {
  epollInstances,
  runtimeEpollCandidates,
} from "../zcall/_runtime_epoll.ts";

const EPOLL_PWAIT2 = 441; // the same number on x86_64 and aarch64

/**
 * Scans for the candidates now (once per thread): call before the reactor
 * makes its own epoll instance.
 */
export function scanRuntimeEpolls(): void {
  runtimeEpollCandidates();
}

// A Worker started late in a busy process may have its runtime's epoll
// above the candidates' range (the first 64 descriptors): scanned up to
// here as well.
const SCAN_MORE_TO = 1024;

/**
 * The epoll fd of the runtime running this thread, or -1 when none is
 * found; `exclude` (the reactor's own) is skipped.
 */
export function findRuntimeEpoll(exclude: number): number {
  // One probe over all: a second timer may not wake the runtime again.
  const all = [
    ...runtimeEpollCandidates(),
    ...epollInstances(64, SCAN_MORE_TO),
  ];
  return whichWakes(all, exclude);
}

// The candidate that reports a new edge right after a timer was queued.
function whichWakes(candidates: readonly number[], exclude: number): number {
  if (candidates.length === 0) return -1;
  const ep = epollCreate1(EPOLL.CLOEXEC);
  if (ep < 0) return -1;
  const ev = new EpollEvents(1);
  const evs = new EpollEvents(candidates.length);
  let count = 0;
  for (const fd of candidates) {
    if (fd === exclude) continue;
    ev.set(0, EPOLL.IN | EPOLL.ET, fd);
    if (epollCtl(ep, EPOLL.CTL_ADD, fd, ev.bytes) === 0) count++;
  }
  let found = -1;
  if (count > 0) {
    // Edges from before the probe, then the ones the timer causes.
    epollWait(ep, evs.bytes, evs.count, 0);
    const id = setTimeout(() => {}, 0);
    const n = epollWait(ep, evs.bytes, evs.count, 0);
    clearTimeout(id);
    // Two entries may be the same instance (a dup): any one will do.
    if (n > 0) found = evs.data(0);
  }
  close(ep);
  return found;
}

/**
 * epoll_pwait2 into a fixed event array with a microsecond timeout, without
 * allocating per call.
 */
export class BoundedWait {
  readonly #epfd: number;
  readonly #max: number;
  readonly #evsAddr: number;
  // struct timespec as four 32-bit words (no BigInt on the hot path).
  readonly #ts = new Uint32Array(4);
  readonly #tsAddr: number;

  /** Waits on `epfd` into `events` (kept alive by the caller). */
  constructor(epfd: number, events: EpollEvents) {
    this.#epfd = epfd;
    this.#max = events.count;
    this.#evsAddr = unsafeAddressOf(events.bytes);
    this.#tsAddr = unsafeAddressOf(this.#ts);
  }

  /**
   * Sleeps at most `us` microseconds (below 1 s; 0 only checks) until
   * events come: their count, 0 on timeout, -errno on failure (ENOSYS
   * before Linux 5.11).
   */
  wait(us: number): number {
    this.#ts[2] = Math.round(us * 1000); // tv_nsec
    return syscall6(
      EPOLL_PWAIT2,
      this.#epfd,
      this.#evsAddr,
      this.#max,
      this.#tsAddr,
      0,
      0,
    );
  }
}
