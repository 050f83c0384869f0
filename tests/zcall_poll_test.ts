// zcall readiness (poll, pollAsync, epoll create/ctl/wait/waitAsync) and the
// generic entries (syscall4, syscall6, syscall6Big).

import assert from "node:assert/strict";
import {
  close,
  EFD,
  EPOLL,
  epollCreate1,
  epollCtl,
  EpollEvents,
  epollWait,
  epollWaitAsync,
  Errno,
  eventfd2,
  getpid,
  gettid,
  O,
  pipe2,
  POLL,
  poll,
  pollAsync,
  PollFds,
  read,
  SYS,
  syscall4,
  syscall6,
  syscall6Big,
  unsafeAddressOf,
  write,
} from "../zcall/mod.ts";
import { enc, readU64, u64 } from "./_util/zcall.ts";

const E = Errno;

function pipe(): [number, number] {
  const fds = new Int32Array(2);
  assert.equal(pipe2(fds, O.CLOEXEC | O.NONBLOCK), 0);
  return [fds[0], fds[1]];
}

Deno.test("zcall: poll and pollAsync", async () => {
  const [r, w] = pipe();
  try {
    const fds = new PollFds(2).set(0, r, POLL.IN).set(1, w, POLL.OUT);
    assert.equal(poll(fds.bytes, 1, 0), 0); // nothing to read
    assert.equal(fds.revents(0), 0);
    assert.equal(poll(fds.bytes, 2, 0), 1); // the write end is writable
    assert.equal(fds.revents(1), POLL.OUT);
    assert.equal(write(w, enc("x")), 1);
    assert.equal(poll(fds.bytes, 1, 0), 1);
    assert.equal(fds.revents(0), POLL.IN);
    read(r, new Uint8Array(1));
    // The async form waits on Deno's blocking pool while timers still fire.
    const timer = setTimeout(() => write(w, enc("y")), 20);
    const t0 = performance.now();
    const n = await pollAsync(fds.bytes, 1, 5000);
    clearTimeout(timer);
    assert.equal(n, 1);
    assert.equal(fds.revents(0), POLL.IN);
    assert.ok(performance.now() - t0 < 4000);
    // Timeout: 0 ready.
    read(r, new Uint8Array(1));
    assert.equal(await pollAsync(fds.bytes, 1, 10), 0);
    // A closed descriptor reports POLLNVAL.
    const nv = new PollFds(1).set(0, 1_000_000, POLL.IN);
    assert.equal(poll(nv.bytes, 1, 0), 1);
    assert.equal(nv.revents(0), POLL.NVAL);
    // Error paths: nfds beyond the array.
    assert.equal(poll(fds.bytes, 3, 0), -E.EFAULT);
    assert.equal(await pollAsync(fds.bytes, 3, 0), -E.EFAULT);
  } finally {
    close(r);
    close(w);
  }
});

Deno.test("zcall: epoll create/ctl/wait/waitAsync", async () => {
  const ep = epollCreate1(EPOLL.CLOEXEC);
  assert.ok(ep >= 0, `epoll_create1: ${ep}`);
  const [r, w] = pipe();
  const efd = eventfd2(0, EFD.CLOEXEC | EFD.NONBLOCK);
  try {
    const ev = new EpollEvents(1).set(0, EPOLL.IN, r);
    assert.equal(epollCtl(ep, EPOLL.CTL_ADD, r, ev.bytes), 0);
    assert.equal(epollCtl(ep, EPOLL.CTL_ADD, r, ev.bytes), -E.EEXIST);
    ev.set(0, EPOLL.IN | EPOLL.ET, efd);
    assert.equal(epollCtl(ep, EPOLL.CTL_ADD, efd, ev.bytes), 0);
    const out = new EpollEvents(4);
    assert.equal(epollWait(ep, out.bytes, 4, 0), 0);
    write(w, enc("x"));
    assert.equal(epollWait(ep, out.bytes, 4, 0), 1);
    assert.equal(out.data(0), r);
    assert.equal(out.events(0), EPOLL.IN);
    // Level-triggered: still ready until drained.
    assert.equal(epollWait(ep, out.bytes, 4, 0), 1);
    read(r, new Uint8Array(1));
    assert.equal(epollWait(ep, out.bytes, 4, 0), 0);
    // Async: an eventfd signalled from a timer while the wait is parked.
    const timer = setTimeout(() => write(efd, u64(3)), 20);
    const n = await epollWaitAsync(ep, out.bytes, 4, 5000);
    clearTimeout(timer);
    assert.equal(n, 1);
    assert.equal(out.data(0), efd);
    const got = new Uint8Array(8);
    assert.equal(read(efd, got), 8);
    assert.equal(readU64(got), 3);
    assert.equal(await epollWaitAsync(ep, out.bytes, 4, 10), 0);
    // MOD and DEL (DEL takes a null event).
    ev.set(0, EPOLL.OUT, r);
    assert.equal(epollCtl(ep, EPOLL.CTL_MOD, r, ev.bytes), 0);
    assert.equal(epollCtl(ep, EPOLL.CTL_DEL, r, null), 0);
    assert.equal(epollCtl(ep, EPOLL.CTL_DEL, r, null), -E.ENOENT);
    // Error paths.
    assert.equal(epollCtl(ep, 99, w, ev.bytes), -E.EINVAL);
    assert.equal(epollCtl(ep, EPOLL.CTL_ADD, ep, ev.bytes), -E.EINVAL); // itself
    assert.equal(epollCtl(ep, EPOLL.CTL_ADD, w, new Uint8Array(4)), -E.EFAULT);
    assert.equal(epollCtl(-1, EPOLL.CTL_ADD, w, ev.bytes), -E.EBADF);
    assert.equal(epollWait(ep, out.bytes, 0, 0), -E.EFAULT);
    assert.equal(epollWait(ep, out.bytes, 5, 0), -E.EFAULT);
    assert.equal(await epollWaitAsync(ep, out.bytes, 5, 0), -E.EFAULT);
    assert.equal(epollWait(r, out.bytes, 1, 0), -E.EINVAL); // not an epoll fd
    assert.equal(epollWait(-1, out.bytes, 1, 0), -E.EBADF);
    assert.equal(epollCreate1(0x7fff0000), -E.EINVAL);
  } finally {
    for (const fd of [ep, r, w, efd]) close(fd);
  }
});

Deno.test("zcall: syscall4, syscall6, syscall6Big", () => {
  assert.equal(syscall6(SYS.GETPID, 0, 0, 0, 0, 0, 0), Deno.pid);
  assert.equal(syscall4(SYS.GETPID, 0, 0, 0, 0), getpid());
  assert.equal(syscall6(SYS.GETTID, 0, 0, 0, 0, 0, 0), gettid());
  assert.equal(syscall4(SYS.CLOSE, -1, 0, 0, 0), -E.EBADF);
  assert.equal(syscall6(99999, 0, 0, 0, 0, 0, 0), -E.ENOSYS);
  // Pointers as addresses: write(2) through the generic entry.
  const efd = eventfd2(0, EFD.CLOEXEC | EFD.NONBLOCK);
  const one = u64(7);
  assert.equal(syscall6(SYS.WRITE, efd, unsafeAddressOf(one), 8, 0, 0, 0), 8);
  const got = new Uint8Array(8);
  assert.equal(syscall4(SYS.READ, efd, unsafeAddressOf(got), 8, 0), 8);
  assert.equal(readU64(got), 7);
  // A null pointer is a kernel EFAULT.
  assert.equal(syscall6(SYS.WRITE, efd, 0, 8, 0, 0, 0), -E.EFAULT);
  close(efd);
  // BigInt entry: full 64-bit arguments and result.
  assert.equal(
    syscall6Big(BigInt(SYS.GETPID), 0n, 0n, 0n, 0n, 0n, 0n),
    BigInt(Deno.pid),
  );
  assert.equal(
    syscall6Big(BigInt(SYS.CLOSE), -1n, 0n, 0n, 0n, 0n, 0n),
    BigInt(-E.EBADF),
  );
  // fd 2^32 - 1 truncates to the int -1 in the kernel: EBADF, not a crash.
  assert.equal(
    syscall6Big(BigInt(SYS.CLOSE), 0xffffffffn, 0n, 0n, 0n, 0n, 0n),
    BigInt(-E.EBADF),
  );
});
