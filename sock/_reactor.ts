// The sock reactor: one epoll instance per process, waited on through
// zcall's epollWaitAsync (a `nonblocking` FFI call that runs on Deno's
// blocking thread pool) only while someone waits. An eventfd registered in
// the same epoll set wakes the wait when the last waiter goes away (deadline
// or abort), so once idle no op is pending and the process can exit.
//
// Internal API, generic over any pollable fd (sockets, eventfds, pipes):
// waitReadable / waitWritable return a promise of the ready event mask.

import {
  close,
  EFD,
  EPOLL,
  epollCreate1,
  epollCtl,
  EpollEvents,
  epollWait,
  epollWaitAsync,
  eventfd2,
  read,
  write,
} from "../zcall/mod.ts";
import {
  AbortedError,
  ClosedError,
  errorFromErrno,
  TimedOutError,
} from "./errors.ts";
import { Errno } from "../zcall/mod.ts";

const READ_MASK = EPOLL.IN | EPOLL.ERR | EPOLL.HUP | EPOLL.RDHUP;
const WRITE_MASK = EPOLL.OUT | EPOLL.ERR | EPOLL.HUP;
const MAX_EVENTS = 64;

interface Waiter {
  readonly entry: Entry;
  readonly write: boolean;
  readonly op: string;
  resolve: (events: number) => void;
  reject: (e: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

interface Entry {
  readonly fd: number;
  readers: Waiter[];
  writers: Waiter[];
  mask: number; // interest currently registered with epoll (0: none)
}

let epfd = -1;
let efd = -1;
let events: EpollEvents | null = null;
let ctlEvent: EpollEvents | null = null;
const entries = new Map<number, Entry>();
let waiting = 0;
let looping = false;
let inKernel = false;
const eightBytes = new Uint8Array(8);
const one = new Uint8Array(new BigUint64Array([1n]).buffer);

function init(): void {
  if (epfd >= 0) return;
  const ep = epollCreate1(EPOLL.CLOEXEC);
  if (ep < 0) throw errorFromErrno(ep, "epoll_create1");
  const ev = eventfd2(0, EFD.CLOEXEC | EFD.NONBLOCK);
  if (ev < 0) {
    close(ep);
    throw errorFromErrno(ev, "eventfd2");
  }
  events = new EpollEvents(MAX_EVENTS);
  ctlEvent = new EpollEvents(1);
  ctlEvent.set(0, EPOLL.IN, ev);
  const r = epollCtl(ep, EPOLL.CTL_ADD, ev, ctlEvent.bytes);
  if (r < 0) {
    close(ep);
    close(ev);
    throw errorFromErrno(r, "epoll_ctl");
  }
  epfd = ep;
  efd = ev;
}

/**
 * The reactor's own descriptors (epoll and eventfd), created on first use;
 * `ensure` creates them now. For leak checks that snapshot /proc/self/fd.
 */
export function reactorFds(ensure = false): number[] {
  if (ensure) init();
  return epfd < 0 ? [] : [epfd, efd];
}

/** Number of pending waiters (for tests). */
export function pendingWaiters(): number {
  return waiting;
}

function wake(): void {
  if (inKernel) write(efd, one);
}

// Brings the epoll registration of `e` in line with its waiters.
function sync(e: Entry): void {
  let want = 0;
  if (e.readers.length > 0) want |= READ_MASK;
  if (e.writers.length > 0) want |= WRITE_MASK;
  if (want === e.mask) return;
  if (want === 0) {
    epollCtl(epfd, EPOLL.CTL_DEL, e.fd, null);
    e.mask = 0;
    entries.delete(e.fd);
    return;
  }
  ctlEvent!.set(0, want, e.fd);
  let r = epollCtl(
    epfd,
    e.mask === 0 ? EPOLL.CTL_ADD : EPOLL.CTL_MOD,
    e.fd,
    ctlEvent!.bytes,
  );
  // The fd may have been closed and reused behind our back (epoll drops
  // closed files on its own): retry the other way.
  if (r === -Errno.ENOENT) {
    r = epollCtl(epfd, EPOLL.CTL_ADD, e.fd, ctlEvent!.bytes);
  } else if (r === -Errno.EEXIST) {
    r = epollCtl(epfd, EPOLL.CTL_MOD, e.fd, ctlEvent!.bytes);
  }
  if (r < 0) {
    // Not pollable (EPERM for regular files) or a bad fd: fail the waiters.
    const err = errorFromErrno(r, "epoll_ctl");
    e.mask = 0;
    entries.delete(e.fd);
    for (const w of [...e.readers, ...e.writers]) finish(w, err, 0);
    return;
  }
  e.mask = want;
}

function detachWaiter(w: Waiter): void {
  const list = w.write ? w.entry.writers : w.entry.readers;
  const i = list.indexOf(w);
  if (i >= 0) list.splice(i, 1);
}

// Rejections held back until the in-flight epoll_wait has returned, so a
// caller that settles on them never sees the op still pending.
const deferred: { w: Waiter; err: unknown }[] = [];

function finish(w: Waiter, err: unknown, ev: number): void {
  if (w.done) return;
  w.done = true;
  waiting--;
  if (w.timer !== undefined) clearTimeout(w.timer);
  if (w.onAbort) w.signal!.removeEventListener("abort", w.onAbort);
  detachWaiter(w);
  if (err === null) w.resolve(ev);
  else if (waiting === 0 && inKernel) deferred.push({ w, err });
  else w.reject(err);
}

function flushDeferred(): void {
  while (deferred.length > 0) {
    const d = deferred.shift()!;
    d.w.reject(d.err);
  }
}

// After dispatching, resolved waiters usually run a few microtask hops and
// then park again on a peer that is already ready (ping-pong between two
// tasks). Letting those hops run and then polling with a zero timeout on
// this thread saves a round trip through the blocking pool. Bounded, so
// Deno's event loop (timers, its own I/O) still turns regularly.
const MICROTASK_HOPS = 16;
const MAX_SYNC_ROUNDS = 32;

function dispatch(evs: EpollEvents, n: number): void {
  for (let i = 0; i < n; i++) {
    const fd = evs.data(i);
    const mask = evs.events(i);
    if (fd === efd) {
      read(efd, eightBytes);
      continue;
    }
    const e = entries.get(fd);
    if (e === undefined) continue;
    if (mask & READ_MASK) {
      for (const w of e.readers.slice()) finish(w, null, mask);
    }
    if (mask & WRITE_MASK) {
      for (const w of e.writers.slice()) finish(w, null, mask);
    }
    sync(e);
  }
}

function failAll(n: number): void {
  const err = errorFromErrno(n, "epoll_wait");
  for (const e of [...entries.values()]) {
    for (const w of [...e.readers, ...e.writers]) finish(w, err, 0);
    sync(e);
  }
}

async function loop(): Promise<void> {
  looping = true;
  const evs = events!;
  try {
    while (waiting > 0) {
      inKernel = true;
      let n = await epollWaitAsync(epfd, evs.bytes, MAX_EVENTS, -1);
      inKernel = false;
      flushDeferred();
      if (n === -Errno.EINTR) continue;
      if (n < 0) {
        failAll(n);
        break;
      }
      dispatch(evs, n);
      for (let round = 0; round < MAX_SYNC_ROUNDS && waiting > 0; round++) {
        for (let h = 0; h < MICROTASK_HOPS; h++) await null;
        if (waiting === 0) break;
        n = epollWait(epfd, evs.bytes, MAX_EVENTS, 0);
        if (n <= 0) break;
        dispatch(evs, n);
      }
    }
  } finally {
    inKernel = false;
    looping = false;
    flushDeferred();
  }
}

function wait(
  fd: number,
  isWrite: boolean,
  deadline: number,
  signal: AbortSignal | undefined,
  op: string,
): Promise<number> {
  if (!(Number.isInteger(fd) && fd >= 0)) {
    return Promise.reject(
      new TypeError(
        `sock: ${op}: fd must be a non-negative integer, got ${fd}`,
      ),
    );
  }
  // Checked before any state is touched: a bad signal must not leave a
  // waiter behind (close() would then fail and leak the fd).
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    return Promise.reject(
      new TypeError(`sock: ${op}: signal must be an AbortSignal`),
    );
  }
  if (typeof deadline !== "number" || Number.isNaN(deadline)) {
    return Promise.reject(
      new TypeError(`sock: ${op}: deadline must be a number, got ${deadline}`),
    );
  }
  if (signal?.aborted) {
    return Promise.reject(new AbortedError(op, signal.reason));
  }
  if (deadline > 0 && Date.now() >= deadline) {
    return Promise.reject(
      new TimedOutError(Errno.ETIMEDOUT, op, `sock: ${op}: deadline exceeded`),
    );
  }
  init();
  let e = entries.get(fd);
  if (e === undefined) {
    e = { fd, readers: [], writers: [], mask: 0 };
    entries.set(fd, e);
  }
  const entry = e;
  return new Promise<number>((resolve, reject) => {
    const w: Waiter = {
      entry,
      write: isWrite,
      op,
      resolve,
      reject,
      timer: undefined,
      signal,
      onAbort: undefined,
      done: false,
    };
    (isWrite ? entry.writers : entry.readers).push(w);
    waiting++;
    if (deadline > 0 && Number.isFinite(deadline)) {
      const fire = () => {
        // Timers may run a little early against the wall clock: re-arm.
        const left = deadline - Date.now();
        if (left > 0) {
          w.timer = setTimeout(fire, left);
          return;
        }
        cancel(
          w,
          new TimedOutError(
            Errno.ETIMEDOUT,
            op,
            `sock: ${op}: deadline exceeded`,
          ),
        );
      };
      w.timer = setTimeout(fire, deadline - Date.now());
    }
    if (signal) {
      w.onAbort = () => cancel(w, new AbortedError(op, signal.reason));
      signal.addEventListener("abort", w.onAbort, { once: true });
    }
    sync(entry);
    if (!w.done && !looping) loop();
  });
}

function cancel(w: Waiter, err: unknown): void {
  if (w.done) return;
  const e = w.entry;
  finish(w, err, 0);
  sync(e);
  // Nobody left: make the pending epoll_wait return so no op stays pending
  // (finish deferred the rejection until it has).
  if (waiting === 0) wake();
}

/**
 * Resolves with the ready event mask once `fd` is readable (or has an
 * error/hangup). `deadline` is an absolute Date.now() time in ms (0 or
 * Infinity: none); rejects with TimedOutError at the deadline and
 * AbortedError when `signal` aborts.
 */
export function waitReadable(
  fd: number,
  deadline = 0,
  signal?: AbortSignal,
  op = "read",
): Promise<number> {
  return wait(fd, false, deadline, signal, op);
}

/** Like {@linkcode waitReadable}, for writability (and connect completion). */
export function waitWritable(
  fd: number,
  deadline = 0,
  signal?: AbortSignal,
  op = "write",
): Promise<number> {
  return wait(fd, true, deadline, signal, op);
}

/**
 * Fails every waiter on `fd` with a ClosedError and drops its registration.
 * Call before closing a descriptor that may have waiters.
 */
export function cancelFd(fd: number, op = "close"): void {
  const e = entries.get(fd);
  if (e === undefined) return;
  const err = new ClosedError(Errno.EBADF, op);
  for (const w of [...e.readers, ...e.writers]) finish(w, err, 0);
  sync(e);
  if (waiting === 0) wake();
}
