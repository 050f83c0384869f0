// Thread-pool waits on poll/epoll arrays the library allocates off the V8
// heap and never hands out (a ring's and the driver's PollFds, the sock
// reactor's EpollEvents): nobody can transfer or shrink them while the
// kernel fills them, so they skip the private copy the public pollAsync and
// epollWaitAsync make of a caller's buffer. Internal: not exported by
// zcall/mod.ts.

import { sym } from "./_ffi.ts";

/** pollAsync over a library-owned pollfd array (no copy, no checks). */
export function pollAsyncOwned(
  fds: Uint8Array,
  nfds: number,
  timeoutMs: number,
): Promise<number> {
  return sym.kio_poll_async(fds, nfds, timeoutMs);
}

/** epollWaitAsync into a library-owned event array (no copy, no checks). */
export function epollWaitAsyncOwned(
  epfd: number,
  events: Uint8Array,
  maxEvents: number,
  timeoutMs: number,
): Promise<number> {
  return sym.kio_epoll_wait_async(epfd, events, maxEvents, timeoutMs);
}
