// The sock reactor: one epoll instance per process, waited on through
// zcall's epollWaitAsync (a `nonblocking` FFI call that runs on Deno's
// blocking thread pool) only while someone waits. An eventfd registered in
// the same epoll set wakes the wait when the last waiter goes away (deadline
// or abort), so once idle no op is pending and the process can exit.
//
// Two kinds of registration:
// - sockets of this layer (NetSocket) are registered once, edge-triggered
//   for both directions, and stay registered until their close() calls
//   cancelFd: a wait after would-block costs no epoll_ctl. An edge seen
//   while nobody waits is remembered, so the next wait returns at once.
// - any other pollable fd (eventfds, pipes, raw numbers) is registered
//   level-triggered while it has waiters and removed after, since nothing
//   tells the reactor when such an fd is closed.
//
// Fairness: after the blocking wait returns, the loop keeps polling without
// blocking while events keep coming (a ping-pong between two tasks of this
// process then never pays the thread-pool round trip), but hands the event
// loop back within a small time budget so timers and Deno's own I/O run.
// Before parking it looks: a bounded sleep on this thread (see
// _runtime_poll.ts) that a peer's answer ends without a thread hop and that
// Deno's own I/O ends too, so a Deno.serve beside a busy connection is not
// kept waiting.
//
// Internal API: waitReadable / waitWritable (level semantics, any fd),
// waitReady (sockets, after a would-block), cancelFd, updateDeadline.

import { EFD, EPOLL, POLL } from "../zcall/constants.ts";
import { EpollEvents, PollFds } from "../zcall/structs.ts";
import {
  close,
  epollCreate1,
  epollCtl,
  epollWait,
  eventfd2,
  poll,
  read,
  write,
} from "../zcall/syscalls.ts";
import {
  AbortedError,
  ClosedError,
  errorFromErrno,
  TimedOutError,
} from "./errors.ts";
import { Errno } from "../zcall/errno.ts";
import { checkFd } from "../zcall/_validate.ts";
import { epollWaitAsyncOwned } from "../zcall/_owned_async.ts";
import {
  BoundedWait,
  findRuntimeEpoll,
  scanRuntimeEpolls,
} from "./_runtime_poll.ts";

const READ_MASK = EPOLL.IN | EPOLL.ERR | EPOLL.HUP | EPOLL.RDHUP;
const WRITE_MASK = EPOLL.OUT | EPOLL.ERR | EPOLL.HUP;
const EDGE_MASK = EPOLL.IN | EPOLL.OUT | EPOLL.RDHUP | EPOLL.ET;
const MAX_EVENTS = 64;
// setTimeout takes at most a signed 32-bit delay; longer ones are re-armed.
const MAX_TIMER_MS = 0x7fffffff;

interface Waiter {
  readonly entry: Entry;
  readonly write: boolean;
  readonly op: string;
  resolve: (events: number) => void;
  reject: (e: unknown) => void;
  deadline: number;
  // Follows the socket's deadline: updateDeadline re-arms it.
  readonly follows: boolean;
  ref: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

interface Entry {
  readonly fd: number;
  readers: Waiter[];
  writers: Waiter[];
  mask: number; // interest registered with epoll (0: none)
  // Edge-triggered, registered until cancelFd.
  readonly owned: boolean;
  // Edges seen while nobody waited (owned entries only).
  rready: boolean;
  wready: boolean;
}

let epfd = -1;
let efd = -1;
let events: EpollEvents | null = null;
let ctlEvent: EpollEvents | null = null;
let pollOne: PollFds | null = null;
const entries = new Map<number, Entry>();
let waiting = 0;
let refWaiting = 0;
let looping = false;
let inKernel = false;
const eightBytes = new Uint8Array(8);
const one = new Uint8Array(new BigUint64Array([1n]).buffer);

function init(): void {
  if (epfd >= 0) return;
  scanRuntimeEpolls();
  const ep = epollCreate1(EPOLL.CLOEXEC);
  if (ep < 0) throw errorFromErrno(ep, "epoll_create1");
  const ev = eventfd2(0, EFD.CLOEXEC | EFD.NONBLOCK);
  if (ev < 0) {
    close(ep);
    throw errorFromErrno(ev, "eventfd2");
  }
  events = new EpollEvents(MAX_EVENTS);
  ctlEvent = new EpollEvents(1);
  pollOne = new PollFds(1);
  ctlEvent.set(0, EPOLL.IN, ev);
  const r = epollCtl(ep, EPOLL.CTL_ADD, ev, ctlEvent.bytes);
  if (r < 0) {
    close(ep);
    close(ev);
    throw errorFromErrno(r, "epoll_ctl");
  }
  epfd = ep;
  efd = ev;
  tryLook();
}

// The look (see the loop): Deno's runtime epoll fd (-1: not found, no
// looks), whether it is in our set now, and the bounded wait. A probe that
// finds nothing (the runtime may not wake on a timer at that moment) is
// retried at a later loop start.
let rtfd = -1;
let rtIn = false;
let bounded: BoundedWait | null = null;
let lookTries = 0;
const LOOK_TRIES = 3;

function tryLook(): void {
  if (bounded !== null || lookTries >= LOOK_TRIES) return;
  lookTries++;
  const fd = findRuntimeEpoll(epfd);
  if (fd < 0) return;
  const bw = new BoundedWait(epfd, events!);
  if (bw.wait(0) < 0) {
    lookTries = LOOK_TRIES; // no epoll_pwait2
    return;
  }
  rtfd = fd;
  bounded = bw;
}

// Deno's epoll is in our set only while looking: a park on the blocking
// pool must not wake for Deno's I/O. Edge-triggered: a new event, not one
// Deno has already seen, ends a look.
function lookMode(on: boolean): void {
  if (rtIn === on) return;
  if (on) {
    ctlEvent!.set(0, EPOLL.IN | EPOLL.ET, rtfd);
    if (epollCtl(epfd, EPOLL.CTL_ADD, rtfd, ctlEvent!.bytes) < 0) {
      bounded = null; // closed behind our back: stop looking
      lookTries = LOOK_TRIES;
      return;
    }
  } else {
    epollCtl(epfd, EPOLL.CTL_DEL, rtfd, null);
  }
  rtIn = on;
}

/**
 * The reactor's own descriptors (epoll and eventfd), created on first use;
 * `ensure` creates them now. For leak checks that snapshot /proc/self/fd.
 */
export function reactorFds(ensure = false): number[] {
  if (ensure) init();
  return epfd < 0 ? [] : [epfd, efd];
}

/**
 * The epoll fd of Deno's runtime the reactor's looks watch, -1 when it does
 * not look (for tests).
 */
export function runtimeEpollFd(): number {
  init();
  return bounded === null ? -1 : rtfd;
}

/** Number of pending waiters (for tests). */
export function pendingWaiters(): number {
  return waiting;
}

/** Number of fds registered with the reactor (for tests). */
export function registeredFds(): number {
  return entries.size;
}

function wake(): void {
  if (inKernel) write(efd, one);
}

function ctl(op: number, fd: number, mask: number): number {
  ctlEvent!.set(0, mask, fd);
  return epollCtl(epfd, op, fd, ctlEvent!.bytes);
}

function failEntry(e: Entry, r: number): void {
  // Not pollable (EPERM for regular files) or a bad fd: fail the waiters.
  const err = errorFromErrno(r, "epoll_ctl");
  e.mask = 0;
  entries.delete(e.fd);
  for (const w of [...e.readers, ...e.writers]) finish(w, err, 0);
}

// Brings the epoll registration of a level-triggered entry in line with
// its waiters; owned entries are registered once, for both directions.
function sync(e: Entry): void {
  if (e.owned) {
    if (e.mask !== 0) return;
    let r = ctl(EPOLL.CTL_ADD, e.fd, EDGE_MASK);
    if (r === -Errno.EEXIST) r = ctl(EPOLL.CTL_MOD, e.fd, EDGE_MASK);
    if (r < 0) return failEntry(e, r);
    e.mask = EDGE_MASK;
    return;
  }
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
  let r = ctl(e.mask === 0 ? EPOLL.CTL_ADD : EPOLL.CTL_MOD, e.fd, want);
  // The fd may have been closed and reused behind our back (epoll drops
  // closed files on its own): retry the other way.
  if (r === -Errno.ENOENT) r = ctl(EPOLL.CTL_ADD, e.fd, want);
  else if (r === -Errno.EEXIST) r = ctl(EPOLL.CTL_MOD, e.fd, want);
  if (r < 0) return failEntry(e, r);
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
  if (w.ref) refWaiting--;
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

function dispatch(evs: EpollEvents, n: number): void {
  for (let i = 0; i < n; i++) {
    const fd = evs.data(i);
    const mask = evs.events(i);
    if (fd === rtfd) {
      turnDue = true; // Deno has new work: give it a turn soon
      continue;
    }
    if (fd === efd) {
      read(efd, eightBytes);
      continue;
    }
    const e = entries.get(fd);
    if (e === undefined) continue;
    if (mask & READ_MASK) {
      if (e.readers.length === 0) e.rready = e.owned;
      else if (e.readers.length === 1) finish(e.readers[0], null, mask);
      else for (const w of e.readers.slice()) finish(w, null, mask);
    }
    if (mask & WRITE_MASK) {
      if (e.writers.length === 0) e.wready = e.owned;
      else if (e.writers.length === 1) finish(e.writers[0], null, mask);
      else for (const w of e.writers.slice()) finish(w, null, mask);
    }
    if (!e.owned) sync(e);
  }
}

function failAll(n: number): void {
  const err = errorFromErrno(n, "epoll_wait");
  for (const e of [...entries.values()]) {
    for (const w of [...e.readers, ...e.writers]) finish(w, err, 0);
    if (!e.owned) sync(e);
  }
}

// After dispatching, resolved waiters run a few microtask hops and then
// usually park again on a peer that is already ready (ping-pong between two
// tasks, or a busy server). Letting those hops run and then polling with a
// zero timeout on this thread saves a round trip through the blocking pool.
// While events keep coming the loop stays on this thread, but every
// SYNC_BUDGET_MS it yields one turn of Deno's event loop (a MessageChannel
// message: a task, without setTimeout's 4 ms clamp) so timers and Deno's
// own I/O run. After IDLE_POLLS empty polls it parks in the blocking wait.
const MICROTASK_HOPS = 8;
const IDLE_POLLS = 3;
const SYNC_BUDGET_MS = 0.5;
// A look sleeps at most this long; the bound adapts between the two
// (doubles after a look that found events, halves after one that did not).
// Deno's I/O ends a look at once, so the bound only delays timers and
// immediates; short bounds cost every look a kernel timer reprogramming,
// which showed up in the round trip.
const LOOK_MIN_US = 250;
const LOOK_MAX_US = 1000;
let lookUs = LOOK_MAX_US;
// While looking, the event loop gets a turn every SYNC_BUDGET_MS (timers,
// immediates). When Deno's runtime reported new work, that turn is a
// zero-timeout wait on the blocking pool instead: while it runs the event
// loop is idle, so Deno polls its I/O at once (it does so only every few
// dozen ready turns otherwise). The same every IO_TURN_MS, for anything of
// Deno's that no epoll event announces; more often costs a busy server
// throughput (a pool round trip each).
const IO_TURN_MS = 5;
let turnDue = false;
let lastIdle = 0;

// One look: sleeps at most lookUs until events come (ours or Deno's) and
// returns their count (0: none).
function lookOnce(bw: BoundedWait): number {
  let n = bw.wait(lookUs);
  if (n < 0) n = 0; // the blocking wait reports errors
  lookUs = n > 0
    ? Math.min(LOOK_MAX_US, lookUs * 2)
    : Math.max(LOOK_MIN_US, lookUs / 2);
  return n;
}

// Only unref'd waiters left: wait in slices, so the process can exit
// between two slices when nothing else keeps it alive.
const UNREF_SLICE_MS = 50;

function unrefPause(): Promise<void> {
  return new Promise((resolve) => {
    const id = setTimeout(resolve, 0);
    Deno.unrefTimer(id);
  });
}

// The yield channel exists only while the loop is busy: an open port keeps
// the process alive.
let channel: MessageChannel | null = null;
let onYield: (() => void) | null = null;

function yieldTurn(): Promise<void> {
  if (channel === null) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const r = onYield!;
      onYield = null;
      r();
    };
  }
  const ch = channel;
  return new Promise<void>((resolve) => {
    onYield = resolve;
    ch.port2.postMessage(null);
  });
}

function closeChannel(): void {
  if (channel === null) return;
  channel.port1.close();
  channel.port2.close();
  channel = null;
  onYield = null;
}

async function loop(): Promise<void> {
  looping = true;
  const evs = events!;
  let lastYield = performance.now();
  try {
    while (waiting > 0) {
      if (refWaiting === 0) {
        closeChannel();
        await unrefPause();
        if (waiting === 0) break;
      }
      tryLook();
      const bw = refWaiting > 0 ? bounded : null;
      let n = 0;
      if (bw !== null) {
        // Let this turn's continuations run and register their waiters.
        for (let h = 0; h < MICROTASK_HOPS; h++) await null;
        if (waiting === 0) break;
        const now = performance.now();
        if (now - lastIdle >= IO_TURN_MS) turnDue = true;
        else if (!turnDue && now - lastYield >= SYNC_BUDGET_MS) {
          await yieldTurn();
          lastYield = performance.now();
          if (waiting === 0) break;
        }
        if (!turnDue) {
          lookMode(true);
          n = lookOnce(bw);
        }
      }
      if (n === 0) {
        // Park on the blocking pool, or only let Deno poll (zero timeout).
        const timeout = turnDue ? 0 : refWaiting > 0 ? -1 : UNREF_SLICE_MS;
        turnDue = false;
        lookMode(false);
        closeChannel();
        inKernel = true;
        n = await epollWaitAsyncOwned(epfd, evs.bytes, MAX_EVENTS, timeout);
        inKernel = false;
        lastIdle = lastYield = performance.now();
        flushDeferred();
        if (n === -Errno.EINTR || n === 0) continue;
        if (n < 0) {
          failAll(n);
          break;
        }
      }
      dispatch(evs, n);
      // Looking: the next look polls and sleeps in one call.
      if (bw !== null) continue;
      let start = performance.now();
      let idle = 0;
      while (waiting > 0) {
        for (let h = 0; h < MICROTASK_HOPS; h++) await null;
        if (waiting === 0) break;
        n = epollWait(epfd, evs.bytes, MAX_EVENTS, 0);
        if (n > 0) {
          dispatch(evs, n);
          idle = 0;
        } else if (n < 0 || ++idle > IDLE_POLLS) {
          break;
        }
        if (performance.now() - start >= SYNC_BUDGET_MS) {
          if (refWaiting === 0) break;
          await yieldTurn();
          start = performance.now();
        }
      }
    }
  } finally {
    inKernel = false;
    looping = false;
    closeChannel();
    flushDeferred();
  }
}

function badArgs(
  fd: number,
  deadline: number,
  signal: AbortSignal | undefined,
  op: string,
): Error | null {
  try {
    checkFd(`sock: ${op}`, fd);
  } catch (e) {
    return e as RangeError;
  }
  // Checked before any state is touched: a bad signal must not leave a
  // waiter behind (close() would then fail and leak the fd).
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    return new TypeError(`sock: ${op}: signal must be an AbortSignal`);
  }
  if (typeof deadline !== "number" || Number.isNaN(deadline)) {
    return new TypeError(
      `sock: ${op}: deadline must be a number, got ${deadline}`,
    );
  }
  if (signal?.aborted) return new AbortedError(op, signal.reason);
  if (deadline > 0 && Date.now() >= deadline) return timedOut(op);
  return null;
}

function timedOut(op: string): TimedOutError {
  return new TimedOutError(
    Errno.ETIMEDOUT,
    op,
    `sock: ${op}: deadline exceeded`,
  );
}

function armTimer(w: Waiter): void {
  if (w.timer !== undefined) {
    clearTimeout(w.timer);
    w.timer = undefined;
  }
  const deadline = w.deadline;
  if (!(deadline > 0 && Number.isFinite(deadline))) return;
  const fire = () => {
    w.timer = undefined;
    // Timers may run a little early against the wall clock, and long
    // delays are clamped: re-arm until the deadline has passed.
    const left = deadline - Date.now();
    if (left > 0) {
      const id = setTimeout(fire, Math.min(left, MAX_TIMER_MS));
      if (!w.ref) Deno.unrefTimer(id);
      w.timer = id;
      return;
    }
    cancel(w, timedOut(w.op));
  };
  const id = setTimeout(fire, Math.min(deadline - Date.now(), MAX_TIMER_MS));
  if (!w.ref) Deno.unrefTimer(id);
  w.timer = id;
}

function entryFor(fd: number, owned: boolean): Entry {
  let e = entries.get(fd);
  if (e === undefined) {
    e = {
      fd,
      readers: [],
      writers: [],
      mask: 0,
      owned,
      rready: false,
      wready: false,
    };
    entries.set(fd, e);
  }
  return e;
}

function park(
  entry: Entry,
  isWrite: boolean,
  deadline: number,
  follows: boolean,
  ref: boolean,
  signal: AbortSignal | undefined,
  op: string,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const w: Waiter = {
      entry,
      write: isWrite,
      op,
      resolve,
      reject,
      deadline,
      follows,
      ref,
      timer: undefined,
      signal,
      onAbort: undefined,
      done: false,
    };
    (isWrite ? entry.writers : entry.readers).push(w);
    waiting++;
    if (ref) refWaiting++;
    if (deadline > 0) armTimer(w);
    if (signal) {
      w.onAbort = () => cancel(w, new AbortedError(op, signal.reason));
      signal.addEventListener("abort", w.onAbort, { once: true });
    }
    sync(entry);
    if (w.done) return;
    if (!looping) loop();
    // A new ref'd waiter while the loop sits in an unref'd slice: restart
    // the wait so the process stays alive for it.
    else if (ref && refWaiting === 1) wake();
  });
}

// Level check of an owned (edge-triggered) fd: is it ready right now?
function readyNow(fd: number, isWrite: boolean): number {
  const p = pollOne!;
  p.set(0, fd, isWrite ? POLL.OUT : POLL.IN | POLL.RDHUP);
  const r = poll(p.bytes, 1, 0);
  return r > 0 ? p.revents(0) : 0;
}

/**
 * Level semantics for any fd: resolves once `fd` is ready in the direction
 * (at once if it already is). `follows` and `ref` as for
 * {@linkcode waitReady}.
 */
export function waitLevel(
  fd: number,
  isWrite: boolean,
  deadline: number,
  signal: AbortSignal | undefined,
  op: string,
  follows = false,
  ref = true,
): Promise<number> {
  const bad = badArgs(fd, deadline, signal, op);
  if (bad !== null) return Promise.reject(bad);
  init();
  const entry = entryFor(fd, false);
  if (entry.owned && entry.mask !== 0) {
    // Edge-triggered: an edge may have been consumed already, so look at
    // the level first.
    const ev = readyNow(fd, isWrite);
    if (ev !== 0) return Promise.resolve(ev);
    if (isWrite) entry.wready = false;
    else entry.rready = false;
  }
  return park(entry, isWrite, deadline, follows, ref, signal, op);
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
  return waitLevel(fd, false, deadline, signal, op);
}

/** Like {@linkcode waitReadable}, for writability (and connect completion). */
export function waitWritable(
  fd: number,
  deadline = 0,
  signal?: AbortSignal,
  op = "write",
): Promise<number> {
  return waitLevel(fd, true, deadline, signal, op);
}

/**
 * For a socket of this layer, after an operation returned would-block:
 * resolves once the kernel reports the direction ready again. The fd stays
 * registered (edge-triggered) until {@linkcode cancelFd}, which the socket's
 * close() must call. `follows`: the deadline is the socket's own and
 * {@linkcode updateDeadline} moves it; `ref` false lets the process exit
 * while this is the only thing waiting.
 */
export function waitReady(
  fd: number,
  isWrite: boolean,
  deadline: number,
  signal: AbortSignal | undefined,
  op: string,
  ref = true,
): Promise<number> {
  const bad = badArgs(fd, deadline, signal, op);
  if (bad !== null) return Promise.reject(bad);
  init();
  let entry = entries.get(fd);
  if (entry === undefined || (!entry.owned && entry.mask === 0)) {
    entries.delete(fd);
    entry = entryFor(fd, true);
  }
  if (entry.owned) {
    if (isWrite ? entry.wready : entry.rready) {
      // An edge arrived while nobody waited: retry the operation now.
      if (isWrite) entry.wready = false;
      else entry.rready = false;
      return Promise.resolve(isWrite ? EPOLL.OUT : EPOLL.IN);
    }
  }
  return park(entry, isWrite, deadline, true, ref, signal, op);
}

/**
 * Moves the deadline of the pending waits on `fd` in one direction that
 * follow the socket's deadline (Go semantics: a deadline set while an
 * operation is pending applies to it). 0 clears; a past time times them out
 * now.
 */
export function updateDeadline(
  fd: number,
  isWrite: boolean,
  deadline: number,
): void {
  const e = entries.get(fd);
  if (e === undefined) return;
  const list = isWrite ? e.writers : e.readers;
  if (list.length === 0) return;
  const past = deadline > 0 && Date.now() >= deadline;
  for (const w of list.slice()) {
    if (!w.follows || w.done) continue;
    w.deadline = deadline;
    if (past) cancel(w, timedOut(w.op));
    else armTimer(w);
  }
}

/**
 * Whether the pending waits on `fd` keep the process alive: Deno.Conn's
 * ref()/unref() for the waits already parked (new waits take the flag from
 * their caller).
 */
export function setRef(fd: number, ref: boolean): void {
  const e = entries.get(fd);
  if (e === undefined) return;
  for (const w of [...e.readers, ...e.writers]) {
    if (w.ref === ref || w.done) continue;
    w.ref = ref;
    refWaiting += ref ? 1 : -1;
    if (w.timer !== undefined) {
      if (ref) Deno.refTimer(w.timer);
      else Deno.unrefTimer(w.timer);
    }
  }
  // Switch the loop between blocking and sliced waits.
  wake();
}

function cancel(w: Waiter, err: unknown): void {
  if (w.done) return;
  const e = w.entry;
  finish(w, err, 0);
  if (!e.owned) sync(e);
  // Nobody left: make the pending epoll_wait return so no op stays pending
  // (finish deferred the rejection until it has).
  if (waiting === 0 || refWaiting === 0) wake();
}

/**
 * A new owner has `fd`: drop what the reactor still remembers about an
 * earlier file with that number (closed without {@linkcode cancelFd}), so
 * its registration cannot hide the new file from epoll.
 */
export function adoptFd(fd: number): void {
  const e = entries.get(fd);
  if (e === undefined || !e.owned) return;
  cancelFd(fd, "close");
}

/**
 * Fails every waiter on `fd` with a ClosedError and drops its registration.
 * Call before closing a descriptor that may have waiters or that was
 * waited on with {@linkcode waitReady}.
 */
export function cancelFd(fd: number, op = "close"): void {
  const e = entries.get(fd);
  if (e === undefined) return;
  const err = new ClosedError(Errno.EBADF, op);
  for (const w of [...e.readers, ...e.writers]) finish(w, err, 0);
  if (e.owned) {
    if (e.mask !== 0) epollCtl(epfd, EPOLL.CTL_DEL, fd, null);
    entries.delete(fd);
  } else {
    sync(e);
  }
  if (waiting === 0 || refWaiting === 0) wake();
}
