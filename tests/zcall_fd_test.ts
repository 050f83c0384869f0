// zcall against the real kernel: pipes, eventfd, timerfd, memfd, socketpair,
// splice/tee/vmsplice, pidfd, signalfd, read/write/readv/writev, close.

import assert from "node:assert/strict";
import {
  AF,
  CLOCK,
  close,
  EFD,
  Errno,
  eventfd2,
  gettid,
  Iovecs,
  Itimerspec,
  Mapping,
  memfdCreate,
  MFD,
  O,
  pidfdGetfd,
  pidfdOpen,
  pidfdSendSignal,
  pipe2,
  POLL,
  pollAsync,
  PollFds,
  read,
  readv,
  SFD,
  SIG,
  signalfd4,
  sigsetOf,
  SOCK,
  socketpair,
  splice,
  SPLICE_F,
  SYS,
  syscall6,
  tee,
  TFD,
  timerfdCreate,
  timerfdGettime,
  timerfdSettime,
  unsafeAddressOf,
  unsafeRead,
  unsafeWrite,
  vmsplice,
  write,
  writev,
} from "../zcall/mod.ts";
import { dec, enc, isOpen, readU64, u64 } from "./_util/zcall.ts";

const E = Errno;

function pipe(flags = O.CLOEXEC | O.NONBLOCK): [number, number] {
  const fds = new Int32Array(2);
  assert.equal(pipe2(fds, flags), 0);
  return [fds[0], fds[1]];
}

Deno.test("zcall: pipe2, read, write, close", () => {
  const [r, w] = pipe();
  try {
    assert.equal(write(w, enc("hello")), 5);
    const buf = new Uint8Array(16);
    assert.equal(read(r, buf), 5);
    assert.equal(dec(buf.subarray(0, 5)), "hello");
    // Would-block is a value, not an exception.
    assert.equal(read(r, buf), -E.EAGAIN);
    // Explicit lengths.
    assert.equal(write(w, enc("abcdef"), 3), 3);
    assert.equal(read(r, buf, 2), 2);
    assert.equal(dec(buf.subarray(0, 2)), "ab");
    assert.equal(read(r, buf, 0), 0);
  } finally {
    assert.equal(close(w), 0);
  }
  // EOF after the writer closed.
  const buf = new Uint8Array(4);
  assert.equal(read(r, buf), 1); // "c"
  assert.equal(read(r, buf), 0);
  assert.equal(close(r), 0);
  assert.equal(isOpen(r), false);
});

Deno.test("zcall: read/write/pipe2/close error paths", () => {
  const buf = new Uint8Array(8);
  assert.equal(read(-1, buf), -E.EBADF);
  assert.equal(write(-1, buf), -E.EBADF);
  assert.equal(close(-1), -E.EBADF);
  // Lengths beyond the view never reach the kernel.
  assert.equal(read(0, buf, 9), -E.EFAULT);
  assert.equal(write(1, buf, 9), -E.EFAULT);
  assert.equal(read(0, buf, -1), -E.EFAULT);
  // Not an integer: EINVAL on every JIT tier.
  assert.equal(write(1, buf, NaN), -E.EINVAL);
  assert.equal(read(0, buf, 1.5), -E.EINVAL);
  // A subarray's length is its own, not its buffer's.
  assert.equal(write(1, buf.subarray(0, 2), 3), -E.EFAULT);
  assert.equal(pipe2(new Int32Array(1), 0), -E.EFAULT);
  assert.equal(pipe2(new Int32Array(2), 0x7fff0000), -E.EINVAL);
});

Deno.test("zcall: unsafeRead/unsafeWrite at raw addresses", () => {
  const [r, w] = pipe();
  try {
    const src = enc("by address");
    const dst = new Uint8Array(32);
    const dstAddr = unsafeAddressOf(dst);
    assert.equal(unsafeWrite(w, unsafeAddressOf(src), src.byteLength), 10);
    assert.equal(unsafeRead(r, dstAddr + 4, 28), 10);
    assert.equal(dec(dst.subarray(4, 14)), "by address");
    assert.equal(unsafeRead(r, dstAddr, 32), -E.EAGAIN);
    // Into native memory: an anonymous mapping.
    using m = Mapping.anonymous(4096);
    assert.equal(unsafeWrite(w, unsafeAddressOf(src), 2), 2);
    assert.equal(unsafeRead(r, m.address, 4096), 2);
    assert.equal(dec(new Uint8Array(m.buffer, 0, 2)), "by");
    // Addresses and lengths are checked before the kernel sees them.
    for (const bad of [0, -1, NaN, 2 ** 53, Infinity]) {
      assert.equal(unsafeRead(r, bad, 1), -E.EFAULT, `address ${bad}`);
      assert.equal(unsafeWrite(w, bad, 1), -E.EFAULT, `address ${bad}`);
    }
    assert.equal(unsafeRead(r, dstAddr, -1), -E.EINVAL);
    assert.equal(unsafeWrite(w, dstAddr, NaN), -E.EINVAL);
    assert.equal(unsafeWrite(w, dstAddr, 2 ** 31), -E.EINVAL);
    assert.equal(unsafeRead(-1, dstAddr, 1), -E.EBADF);
    assert.equal(unsafeWrite(-1, dstAddr, 1), -E.EBADF);
    // An unmapped (but plausible) address: the kernel says EFAULT.
    assert.equal(unsafeWrite(w, 4096, 1), -E.EFAULT);
  } finally {
    close(r);
    close(w);
  }
});

Deno.test("zcall: readv/writev", () => {
  const [r, w] = pipe();
  try {
    const out = new Iovecs(3)
      .set(0, enc("ab"))
      .set(1, enc("cde"))
      .set(2, enc("fghi"), 1);
    assert.equal(writev(w, out.bytes, out.count), 6);
    const a = new Uint8Array(4), b = new Uint8Array(4);
    const inn = new Iovecs(2).set(0, a).set(1, b);
    assert.equal(readv(r, inn.bytes, 2), 6);
    assert.equal(dec(a), "abcd");
    assert.equal(dec(b.subarray(0, 2)), "ef");
    assert.equal(readv(r, inn.bytes, 2), -E.EAGAIN);
    // iovcnt beyond the iovec array, bad fd, bad count.
    assert.equal(readv(r, inn.bytes, 3), -E.EFAULT);
    assert.equal(writev(w, out.bytes, 4), -E.EFAULT);
    assert.equal(readv(-1, inn.bytes, 1), -E.EBADF);
    assert.equal(writev(-1, out.bytes, 1), -E.EBADF);
    assert.equal(writev(w, out.bytes, -1), -E.EFAULT);
    assert.equal(writev(w, out.bytes, 1.5), -E.EINVAL);
  } finally {
    close(r);
    close(w);
  }
});

Deno.test("zcall: eventfd2", () => {
  const efd = eventfd2(3, EFD.CLOEXEC | EFD.NONBLOCK);
  assert.ok(efd >= 0, `eventfd2: ${efd}`);
  try {
    const got = new Uint8Array(8);
    assert.equal(read(efd, got), 8);
    assert.equal(readU64(got), 3);
    assert.equal(read(efd, got), -E.EAGAIN);
    assert.equal(write(efd, u64(1)), 8);
    assert.equal(write(efd, u64(41)), 8);
    assert.equal(read(efd, got), 8);
    assert.equal(readU64(got), 42);
    // The counter is 8 bytes: shorter reads and writes are invalid.
    assert.equal(write(efd, new Uint8Array(4)), -E.EINVAL);
    assert.equal(read(efd, new Uint8Array(4)), -E.EINVAL);
  } finally {
    assert.equal(close(efd), 0);
  }
  // Semaphore mode hands out 1 per read.
  const sem = eventfd2(2, EFD.SEMAPHORE | EFD.NONBLOCK | EFD.CLOEXEC);
  const got = new Uint8Array(8);
  assert.equal(read(sem, got), 8);
  assert.equal(readU64(got), 1);
  assert.equal(read(sem, got), 8);
  assert.equal(read(sem, got), -E.EAGAIN);
  close(sem);
  assert.equal(eventfd2(0, 0x7fff0000), -E.EINVAL);
});

Deno.test("zcall: timerfd create/settime/gettime", async () => {
  const tfd = timerfdCreate(CLOCK.MONOTONIC, TFD.CLOEXEC | TFD.NONBLOCK);
  assert.ok(tfd >= 0, `timerfd_create: ${tfd}`);
  try {
    const got = new Uint8Array(8);
    assert.equal(read(tfd, got), -E.EAGAIN); // disarmed
    const spec = new Itimerspec().setValue(0, 2_000_000);
    const old = new Itimerspec();
    assert.equal(timerfdSettime(tfd, 0, spec.bytes, old.bytes), 0);
    assert.equal(old.valueNs, 0);
    const cur = new Itimerspec();
    assert.equal(timerfdGettime(tfd, cur.bytes), 0);
    assert.ok(cur.valueNs > 0 && cur.valueNs <= 2_000_000, `${cur.valueNs}`);
    // Wait for the expiry without blocking the event loop.
    const pfd = new PollFds(1).set(0, tfd, POLL.IN);
    assert.equal(await pollAsync(pfd.bytes, 1, 2000), 1);
    assert.equal(read(tfd, got), 8);
    assert.ok(readU64(got) >= 1);
    // Error paths: bad nanoseconds, short structs, bad fd, bad clock.
    const bad = new Itimerspec();
    new DataView(bad.bytes.buffer).setUint32(24, 2_000_000_000, true);
    assert.equal(timerfdSettime(tfd, 0, bad.bytes, null), -E.EINVAL);
    assert.equal(timerfdSettime(tfd, 0, new Uint8Array(16), null), -E.EFAULT);
    assert.equal(
      timerfdSettime(tfd, 0, spec.bytes, new Uint8Array(8)),
      -E.EFAULT,
    );
    assert.equal(timerfdGettime(tfd, new Uint8Array(31)), -E.EFAULT);
    assert.equal(timerfdGettime(-1, cur.bytes), -E.EBADF);
    assert.equal(timerfdSettime(-1, 0, spec.bytes, null), -E.EBADF);
  } finally {
    close(tfd);
  }
  assert.equal(timerfdCreate(999, 0), -E.EINVAL);
  assert.equal(timerfdCreate(CLOCK.MONOTONIC, 0x7fff0000), -E.EINVAL);
});

Deno.test("zcall: memfd_create", () => {
  const fd = memfdCreate("kernio-test", MFD.CLOEXEC);
  assert.ok(fd >= 0, `memfd_create: ${fd}`);
  try {
    assert.match(Deno.readLinkSync(`/proc/self/fd/${fd}`), /memfd:kernio-test/);
    assert.equal(write(fd, enc("data")), 4);
  } finally {
    close(fd);
  }
  const fd2 = memfdCreate(enc("bytes-name\0"), MFD.CLOEXEC | MFD.ALLOW_SEALING);
  assert.ok(fd2 >= 0);
  close(fd2);
  // Names with an inner NUL or without a terminator are refused.
  assert.equal(memfdCreate("a\0b", 0), -E.EINVAL);
  assert.equal(memfdCreate(enc("no-terminator"), 0), -E.EINVAL);
  assert.equal(memfdCreate("x".repeat(300), 0), -E.EINVAL);
  assert.equal(memfdCreate("bad-flags", 0x7fff0000), -E.EINVAL);
});

Deno.test("zcall: socketpair", () => {
  const fds = new Int32Array(2);
  assert.equal(
    socketpair(AF.UNIX, SOCK.STREAM | SOCK.CLOEXEC | SOCK.NONBLOCK, 0, fds),
    0,
  );
  try {
    assert.equal(write(fds[0], enc("ping")), 4);
    const buf = new Uint8Array(8);
    assert.equal(read(fds[1], buf), 4);
    assert.equal(write(fds[1], enc("pong")), 4);
    assert.equal(read(fds[0], buf), 4);
    assert.equal(dec(buf.subarray(0, 4)), "pong");
    assert.equal(read(fds[0], buf), -E.EAGAIN);
  } finally {
    close(fds[0]);
    close(fds[1]);
  }
  assert.equal(
    socketpair(AF.UNIX, SOCK.STREAM, 0, new Int32Array(1)),
    -E.EFAULT,
  );
  assert.equal(socketpair(AF.INET, SOCK.STREAM, 0, fds), -E.EOPNOTSUPP);
  assert.equal(socketpair(9999, SOCK.STREAM, 0, fds), -E.EAFNOSUPPORT);
});

Deno.test("zcall: splice, tee, vmsplice", () => {
  const mfd = memfdCreate("splice-src", MFD.CLOEXEC);
  const [ar, aw] = pipe();
  const [br, bw] = pipe();
  try {
    assert.equal(write(mfd, enc("0123456789")), 10);
    // File → pipe from offset 2, the offset cell advances.
    const off = new BigInt64Array([2n]);
    assert.equal(splice(mfd, off, aw, null, 5, SPLICE_F.NONBLOCK), 5);
    assert.equal(off[0], 7n);
    // tee duplicates pipe a into pipe b without consuming a.
    assert.equal(tee(ar, bw, 100, SPLICE_F.NONBLOCK), 5);
    const buf = new Uint8Array(16);
    assert.equal(read(ar, buf), 5);
    assert.equal(dec(buf.subarray(0, 5)), "23456");
    assert.equal(read(br, buf), 5);
    assert.equal(dec(buf.subarray(0, 5)), "23456");
    // vmsplice maps user memory into the pipe.
    const src = enc("vmsplice!");
    const iov = new Iovecs(1).set(0, src);
    assert.equal(vmsplice(aw, iov.bytes, 1, 0), 9);
    assert.equal(read(ar, buf), 9);
    assert.equal(dec(buf.subarray(0, 9)), "vmsplice!");
    // Pipe → file at an explicit offset.
    assert.equal(write(aw, enc("XY")), 2);
    const outOff = new BigInt64Array([0n]);
    assert.equal(splice(ar, null, mfd, outOff, 2, 0), 2);
    assert.equal(outOff[0], 2n);
    // Error paths.
    assert.equal(splice(-1, null, aw, null, 1, 0), -E.EBADF);
    assert.equal(splice(mfd, off, mfd, outOff, 1, 0), -E.EINVAL); // no pipe
    assert.equal(
      splice(ar, new BigInt64Array([0n]), bw, null, 1, 0),
      -E.ESPIPE,
    );
    assert.equal(splice(mfd, new BigInt64Array(0), aw, null, 1, 0), -E.EFAULT);
    assert.equal(splice(mfd, off, aw, null, -1, 0), -E.EINVAL);
    assert.equal(tee(ar, bw, 1, SPLICE_F.NONBLOCK), -E.EAGAIN); // a is empty
    assert.equal(tee(mfd, bw, 1, 0), -E.EINVAL);
    assert.equal(tee(-1, bw, 1, 0), -E.EBADF);
    assert.equal(tee(ar, bw, -5, 0), -E.EINVAL);
    assert.equal(vmsplice(aw, iov.bytes, 2, 0), -E.EFAULT);
    assert.equal(vmsplice(-1, iov.bytes, 1, 0), -E.EBADF);
  } finally {
    for (const fd of [mfd, ar, aw, br, bw]) close(fd);
  }
});

Deno.test("zcall: pidfd_open, pidfd_getfd, pidfd_send_signal", async (t) => {
  await t.step("self: probe and duplicate a descriptor", () => {
    const pidfd = pidfdOpen(Deno.pid, 0);
    assert.ok(pidfd >= 0, `pidfd_open: ${pidfd}`);
    const efd = eventfd2(0, EFD.CLOEXEC | EFD.NONBLOCK);
    try {
      assert.equal(pidfdSendSignal(pidfd, 0, null, 0), 0);
      const dup = pidfdGetfd(pidfd, efd, 0);
      assert.ok(dup >= 0 && dup !== efd, `pidfd_getfd: ${dup}`);
      // The duplicate shares the counter.
      assert.equal(write(dup, u64(5)), 8);
      const got = new Uint8Array(8);
      assert.equal(read(efd, got), 8);
      assert.equal(readU64(got), 5);
      close(dup);
      assert.equal(pidfdGetfd(pidfd, -1, 0), -E.EBADF);
      assert.equal(pidfdGetfd(pidfd, efd, 1), -E.EINVAL);
      assert.equal(pidfdSendSignal(pidfd, 0, new Uint8Array(64), 0), -E.EFAULT);
      assert.equal(pidfdSendSignal(pidfd, 0, null, 0x7fff0000), -E.EINVAL);
    } finally {
      close(efd);
      close(pidfd);
    }
    assert.equal(pidfdOpen(-1, 0), -E.EINVAL);
    assert.equal(pidfdOpen(Deno.pid, 0x7fff0000), -E.EINVAL);
    assert.equal(pidfdSendSignal(-1, 0, null, 0), -E.EBADF);
    assert.equal(pidfdGetfd(-1, 0, 0), -E.EBADF);
  });

  await t.step("child: terminate it through its pidfd", async () => {
    const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
    const pidfd = pidfdOpen(child.pid, 0);
    assert.ok(pidfd >= 0);
    try {
      assert.equal(pidfdSendSignal(pidfd, SIG.TERM, null, 0), 0);
      const status = await child.status;
      assert.equal(status.signal, "SIGTERM");
      // Once reaped, signalling the pidfd reports ESRCH.
      assert.equal(pidfdSendSignal(pidfd, 0, null, 0), -E.ESRCH);
    } finally {
      close(pidfd);
    }
  });
});

Deno.test("zcall: signalfd4 with a thread-directed signal", () => {
  // Deno runs test files on worker threads of one process: block SIGUSR1 in
  // this thread only and direct the signal at this thread (tgkill), so no
  // other thread can take it.
  const SIG_BLOCK = 0, SIG_UNBLOCK = 1;
  const mask = sigsetOf(SIG.USR1);
  const maskAddr = unsafeAddressOf(mask);
  assert.equal(
    syscall6(SYS.RT_SIGPROCMASK, SIG_BLOCK, maskAddr, 0, 8, 0, 0),
    0,
  );
  const sfd = signalfd4(-1, mask, 8, SFD.CLOEXEC | SFD.NONBLOCK);
  try {
    assert.ok(sfd >= 0, `signalfd4: ${sfd}`);
    const info = new Uint8Array(128);
    assert.equal(read(sfd, info), -E.EAGAIN);
    assert.equal(
      syscall6(SYS.TGKILL, Deno.pid, gettid(), SIG.USR1, 0, 0, 0),
      0,
    );
    assert.equal(read(sfd, info), 128);
    const dv = new DataView(info.buffer);
    assert.equal(dv.getUint32(0, true), SIG.USR1); // ssi_signo
    assert.equal(dv.getUint32(12, true), Deno.pid); // ssi_pid
    assert.equal(read(sfd, info), -E.EAGAIN);
    // Modify the existing signalfd in place.
    assert.equal(signalfd4(sfd, sigsetOf(SIG.USR1, SIG.USR2), 8, 0), sfd);
    // Error paths.
    assert.equal(signalfd4(-1, mask, 4, 0), -E.EINVAL);
    assert.equal(signalfd4(-1, mask, 16, 0), -E.EFAULT);
    assert.equal(signalfd4(-1, mask, 8, 0x7fff0000), -E.EINVAL);
    const efd = eventfd2(0, EFD.CLOEXEC);
    assert.equal(signalfd4(efd, mask, 8, 0), -E.EINVAL); // not a signalfd
    close(efd);
    assert.equal(signalfd4(-2, mask, 8, 0), -E.EBADF);
  } finally {
    if (sfd >= 0) close(sfd);
    syscall6(SYS.RT_SIGPROCMASK, SIG_UNBLOCK, maskAddr, 0, 8, 0, 0);
  }
});
