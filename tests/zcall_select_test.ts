// select/pselect6 with FdSet, fcntl F_* constants, SIZEOF_MSGHDR, SCM
// SECURITY/PIDFD and errnoIs, on the real kernel.
import assert from "node:assert/strict";
import {
  AF,
  Errno,
  errnoIs,
  F,
  FD_CLOEXEC,
  FD_SETSIZE,
  fdClr,
  fdIsSet,
  FdSet,
  fdSet,
  fdZero,
  Msghdr,
  pselect6,
  pselect6Async,
  SCM,
  setsockopt,
  SIZEOF_MSGHDR,
  SO,
  SOCK,
  SOL,
  SYS,
  syscall4,
  Timespec,
} from "../zcall/mod.ts";
import {
  ClosedError,
  ConnectionRefusedError,
  NetSocket,
  parseControlMessages,
  recvMsg,
  select,
  selectAsync,
  unixConnPair,
} from "../sock/mod.ts";

Deno.test("zcall: FdSet and the FD_* helpers", () => {
  const s = new FdSet();
  assert.equal(s.bytes.byteLength, 128);
  assert.equal(FD_SETSIZE, 1024);
  fdSet(0, s);
  fdSet(63, s);
  fdSet(64, s);
  fdSet(1023, s);
  assert.deepEqual(s.fds(), [0, 63, 64, 1023]);
  assert.ok(fdIsSet(64, s));
  fdClr(64, s);
  assert.ok(!fdIsSet(64, s));
  // Kernel layout: bit fd%64 of 64-bit word fd/64, little-endian.
  assert.equal(s.bytes[7], 0x80);
  assert.equal(s.bytes[127], 0x80);
  fdZero(s);
  assert.deepEqual(s.fds(), []);
  for (const bad of [-1, 1024, 1.5, NaN]) {
    assert.throws(() => s.set(bad), RangeError);
    assert.throws(() => s.isSet(bad), RangeError);
  }
  assert.deepEqual(new FdSet().copyFrom(new FdSet().set(9)).fds(), [9]);
});

Deno.test("zcall: pselect6 reports readiness, times out, rejects bad input", async (t) => {
  const [a, b] = unixConnPair("unix");
  try {
    await t.step("nothing readable: timeout 0 returns 0", () => {
      const r = new FdSet().set(b.fd);
      assert.equal(
        pselect6(b.fd + 1, r.bytes, null, null, new Timespec(0, 0).bytes),
        0,
      );
      assert.ok(!r.isSet(b.fd));
    });
    await t.step("readable and writable", () => {
      a.tryWrite(new Uint8Array([1]));
      const r = new FdSet().set(b.fd);
      const w = new FdSet().set(a.fd);
      const n = pselect6(
        Math.max(a.fd, b.fd) + 1,
        r.bytes,
        w.bytes,
        null,
        new Timespec(1, 0).bytes,
      );
      assert.equal(n, 2);
      assert.ok(r.isSet(b.fd) && w.isSet(a.fd));
      assert.equal(b.tryRead(new Uint8Array(4)), 1);
    });
    await t.step(
      "async: resolves when data arrives, loop keeps running",
      async () => {
        const r = new FdSet().set(b.fd);
        let ticks = 0;
        const iv = setInterval(() => ticks++, 5);
        setTimeout(() => a.tryWrite(new Uint8Array([2])), 60);
        const n = await pselect6Async(
          b.fd + 1,
          r.bytes,
          null,
          null,
          Timespec.fromMillis(5000).bytes,
        );
        clearInterval(iv);
        assert.equal(n, 1);
        assert.ok(r.isSet(b.fd));
        assert.ok(ticks >= 3, `event loop ran ${ticks} ticks`);
        assert.equal(b.tryRead(new Uint8Array(4)), 1);
      },
    );
    await t.step("bad arguments are -errno, never a throw", () => {
      const r = new FdSet();
      assert.equal(pselect6(1025, r.bytes, null, null, null), -Errno.EINVAL);
      assert.equal(pselect6(-1, r.bytes, null, null, null), -Errno.EINVAL);
      assert.equal(
        pselect6(1024, new Uint8Array(8), null, null, null),
        -Errno.EFAULT,
      );
      assert.equal(
        pselect6(1, r.bytes, null, null, new Uint8Array(8)),
        -Errno.EFAULT,
      );
    });
    await t.step("sock select: typed errors and timeout", async () => {
      const r = new FdSet().set(b.fd);
      assert.equal(select(b.fd + 1, r, null, null, 0), 0);
      a.tryWrite(new Uint8Array([3]));
      r.set(b.fd);
      assert.equal(await selectAsync(b.fd + 1, r, null, null, 1000), 1);
      b.tryRead(new Uint8Array(4));
      // A closed descriptor in the set: EBADF, a ClosedError.
      const s = NetSocket.create(AF.INET, SOCK.STREAM);
      const fd = s.fd;
      s.close();
      assert.throws(
        () => select(fd + 1, new FdSet().set(fd), null, null, 0),
        ClosedError,
      );
      assert.throws(() => select(2000, null, null, null, 0), RangeError);
      assert.throws(() => select(1, null, null, null, -1), RangeError);
    });
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("zcall: fcntl F_* constants, SIZEOF_MSGHDR", () => {
  assert.deepEqual(
    [F.DUPFD, F.GETFD, F.SETFD, F.GETFL, F.SETFL, FD_CLOEXEC],
    [0, 1, 2, 3, 4, 1],
  );
  assert.equal(F.DUPFD_CLOEXEC, 1030);
  const [a, b] = unixConnPair("unix");
  try {
    assert.equal(syscall4(SYS.FCNTL, a.fd, F.GETFD, 0, 0) & FD_CLOEXEC, 1);
    assert.equal(syscall4(SYS.FCNTL, a.fd, F.SETFD, 0, 0), 0);
    assert.equal(syscall4(SYS.FCNTL, a.fd, F.GETFD, 0, 0) & FD_CLOEXEC, 0);
    const dup = syscall4(SYS.FCNTL, a.fd, F.DUPFD_CLOEXEC, 100, 0);
    assert.ok(dup >= 100);
    assert.equal(syscall4(SYS.FCNTL, dup, F.GETFD, 0, 0), FD_CLOEXEC);
    assert.equal(syscall4(SYS.CLOSE, dup, 0, 0, 0), 0);
  } finally {
    a.close();
    b.close();
  }
  assert.equal(SIZEOF_MSGHDR, 56);
  assert.equal(new Msghdr().bytes.byteLength, SIZEOF_MSGHDR);
});

Deno.test("zcall: SCM_PIDFD and SCM_SECURITY", async (t) => {
  assert.equal(SCM.SECURITY, 3);
  assert.equal(SCM.PIDFD, 4);
  const on = new Uint8Array(new Int32Array([1]).buffer);
  await t.step("SCM_PIDFD: a pidfd of the sender", () => {
    const [a, b] = unixConnPair("unixgram");
    try {
      const r = setsockopt(b.fd, SOL.SOCKET, SO.PASSPIDFD, on);
      if (r < 0) {
        console.log(
          `SCM_PIDFD skipped: SO_PASSPIDFD refused (${r}), kernel before 6.5`,
        );
        return;
      }
      a.tryWrite(new Uint8Array([1]));
      const msg = new Msghdr().setBuffers([new Uint8Array(8)]).setControl(
        new Uint8Array(64),
      );
      assert.equal(recvMsg(b, msg), 1);
      const cms = parseControlMessages(msg.parts.control!, msg.controlLength);
      const pid = cms.find((m) =>
        m.level === SOL.SOCKET && m.type === SCM.PIDFD
      );
      assert.ok(pid, "no SCM_PIDFD control message");
      const fd = new DataView(pid.data.buffer, pid.data.byteOffset).getInt32(
        0,
        true,
      );
      const info = Deno.readTextFileSync(`/proc/self/fdinfo/${fd}`);
      assert.match(info, new RegExp(`^Pid:\\s+${Deno.pid}$`, "m"));
      syscall4(SYS.CLOSE, fd, 0, 0, 0);
    } finally {
      a.close();
      b.close();
    }
  });
  await t.step(
    "SCM_SECURITY: the peer's label, when an LSM labels sockets",
    () => {
      const [a, b] = unixConnPair("unixgram");
      try {
        assert.equal(setsockopt(b.fd, SOL.SOCKET, SO.PASSSEC, on), 0);
        a.tryWrite(new Uint8Array([1]));
        const msg = new Msghdr().setBuffers([new Uint8Array(8)]).setControl(
          new Uint8Array(256),
        );
        assert.equal(recvMsg(b, msg), 1);
        const cms = parseControlMessages(msg.parts.control!, msg.controlLength);
        const sec = cms.find((m) =>
          m.level === SOL.SOCKET && m.type === SCM.SECURITY
        );
        if (sec === undefined) {
          console.log(
            "SCM_SECURITY: no label sent (no SELinux/Smack on this kernel); the option was accepted",
          );
          return;
        }
        assert.ok(sec.data.byteLength > 0);
      } finally {
        a.close();
        b.close();
      }
    },
  );
});

Deno.test("zcall: errnoIs matches raw results, typed errors and Deno errors", () => {
  assert.ok(errnoIs(-Errno.ECONNREFUSED, Errno.ECONNREFUSED));
  assert.ok(errnoIs(Errno.ECONNREFUSED, "ECONNREFUSED"));
  assert.ok(errnoIs(-Errno.EAGAIN, "EWOULDBLOCK"));
  assert.ok(
    errnoIs(new ConnectionRefusedError(111, "connect"), Errno.ECONNREFUSED),
  );
  assert.ok(
    !errnoIs(new ConnectionRefusedError(111, "connect"), Errno.ECONNRESET),
  );
  const denoErr = Object.assign(new Deno.errors.ConnectionRefused("x"), {
    code: "ECONNREFUSED",
  });
  assert.ok(errnoIs(denoErr, Errno.ECONNREFUSED));
  assert.ok(!errnoIs(new Error("x"), Errno.ECONNREFUSED));
  assert.ok(!errnoIs(null, Errno.ECONNREFUSED));
  assert.ok(!errnoIs(-111, "ENOPE" as "EPERM"));
  assert.ok(!errnoIs(0, 0));
});
