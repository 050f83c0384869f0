/**
 * The epoll instances Deno's runtime polls its own I/O with, as candidates.
 *
 * A driver or reactor that keeps this thread busy can watch them to learn
 * when the runtime has I/O waiting (see uring/driver/_runtime_io.ts).
 *
 * @module
 */

import { EPOLL } from "./constants.ts";
import { Errno } from "./errno.ts";
import { close as closeFd, epollCtl, eventfd2 } from "./syscalls.ts";

// The runtime makes its epoll while starting, before any user code runs:
// a low descriptor number.
const SCAN_FDS = 64;

let candidates: number[] | null = null;

/**
 * The epoll instances open in this process below descriptor 64, found
 * without /proc: epoll_ctl(fd, DEL, probe) fails with ENOENT only when fd
 * is an epoll instance (EBADF: not open, EINVAL: another kind of file).
 * Computed once per thread, on first use, which comes before this library
 * makes epolls of its own in that thread; callers find out which one is
 * their runtime's. Returns the same array on every call: do not modify it.
 */
export function runtimeEpollCandidates(): readonly number[] {
  if (candidates !== null) return candidates;
  candidates = epollInstances(0, SCAN_FDS);
  return candidates;
}

/**
 * The epoll instances open in this process among descriptors `from` to
 * `to - 1`, scanned now (see {@linkcode runtimeEpollCandidates}). A
 * Worker started late in a busy process may have its runtime's epoll above
 * the first 64 descriptors.
 */
export function epollInstances(from: number, to: number): number[] {
  const found: number[] = [];
  const probe = eventfd2(0, 0);
  if (probe >= 0) {
    for (let fd = from; fd < to; fd++) {
      if (fd === probe) continue;
      if (epollCtl(fd, EPOLL.CTL_DEL, probe, null) === -Errno.ENOENT) {
        found.push(fd);
      }
    }
    closeFd(probe);
  }
  return found;
}
