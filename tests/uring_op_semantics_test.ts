// Operation semantics against the real kernel: removes, updates and
// cancels find targets from the context the caller holds (whatever option
// flags the target was submitted with); 128-byte ops probe first; receive
// waits for the whole buffer (MSG_WAITALL) unless told otherwise; bind,
// connect and sendMsg take sock address objects and Deno address shapes;
// buffer selection works from extended and indirect contexts; socket
// commands (getsockopt/setsockopt, SIOCINQ) through uringCmd; the
// duration option of timeout-class operations.

import assert from "node:assert/strict";
import {
  CQEView,
  forFD,
  IORING_POLL,
  NotSupportedError,
  packDirect,
  SOCKET_URING_OP,
  type SQEContext,
  Uring,
} from "../uring/mod.ts";
import { SockaddrInet4 } from "../sock/mod.ts";
import { RawSockaddrInet4 } from "../uring/mod.ts";
import {
  AF,
  close,
  Errno,
  getsockopt,
  IORING_OP,
  IOSQE,
  IPPROTO,
  Msghdr,
  recvfrom,
  SO,
  SOCK,
  socket,
  SOL,
  TCP,
  write,
} from "../zcall/mod.ts";
import { localPort, noLeaks, tcpListener, tcpPair } from "./_util/uring.ts";

const cqes = CQEView.array(16);

/** Collects `want` completions as [op, res, userDataLo]. */
function collect(ring: Uring, want: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < 200 && out.length < want; i++) {
    const n = ring.waitBlocking(cqes, 1, 10);
    for (let k = 0; k < n; k++) {
      out.push([cqes[k].op(), cqes[k].res, cqes[k].userDataLo]);
    }
  }
  return out;
}

function resOf(got: [number, number, number][], op: number): number[] {
  return got.filter((g) => g[0] === op).map((g) => g[1]);
}

Deno.test("uring op semantics: remove/update/cancel find targets from the caller's context", async (t) => {
  await noLeaks(async () => {
    using ring = new Uring({ entries: 32 });
    ring.start();
    const RM = packDirect(IORING_OP.TIMEOUT_REMOVE, 0, 0, 0);
    const CANCEL = packDirect(IORING_OP.ASYNC_CANCEL, 0, 0, 0);
    const [c, s] = tcpPair();
    try {
      await t.step(
        "timeoutRemove of a timeout submitted with option flags",
        () => {
          const target = forFD(0).withBufGroup(7); // op left 0: filled in
          assert.ok(
            ring.timeout(target, 10_000, { flags: IOSQE.CQE_SKIP_SUCCESS }),
          );
          assert.ok(ring.timeoutRemove(RM, target));
          const got = collect(ring, 2);
          assert.deepEqual(resOf(got, IORING_OP.TIMEOUT_REMOVE), [0]);
          assert.deepEqual(resOf(got, IORING_OP.TIMEOUT), [-Errno.ECANCELED]);
        },
      );
      await t.step(
        "timeoutUpdate then remove, both from the same context",
        () => {
          const target = packDirect(IORING_OP.TIMEOUT, 0, 3, 0);
          assert.ok(
            ring.timeout(target, 10_000, {
              count: 100,
              flags: IOSQE.CQE_SKIP_SUCCESS,
            }),
          );
          assert.ok(ring.timeoutUpdate(RM, target, 10_000));
          assert.deepEqual(resOf(collect(ring, 1), IORING_OP.TIMEOUT_REMOVE), [
            0,
          ]);
          assert.ok(ring.timeoutRemove(RM, target));
          const got = collect(ring, 2);
          assert.deepEqual(resOf(got, IORING_OP.TIMEOUT_REMOVE), [0]);
          assert.deepEqual(resOf(got, IORING_OP.TIMEOUT), [-Errno.ECANCELED]);
        },
      );
      await t.step(
        "pollUpdate and pollRemove of a poll submitted with option flags",
        () => {
          const target = forFD(s).withBufGroup(1);
          const moved = forFD(s).withBufGroup(2);
          assert.ok(
            ring.pollAdd(target, 0x1, { flags: IOSQE.CQE_SKIP_SUCCESS }),
          );
          ring.submit();
          assert.ok(
            ring.pollUpdate(
              CANCEL.withOp(IORING_OP.POLL_REMOVE),
              target,
              moved,
              0x1,
              IORING_POLL.UPDATE_USER_DATA,
            ),
          );
          assert.deepEqual(resOf(collect(ring, 1), IORING_OP.POLL_REMOVE), [0]);
          // Now known by its new context.
          assert.ok(
            ring.pollRemove(CANCEL.withOp(IORING_OP.POLL_REMOVE), moved),
          );
          const got = collect(ring, 2);
          assert.deepEqual(resOf(got, IORING_OP.POLL_REMOVE), [0]);
          const polls = got.filter((g) => g[0] === IORING_OP.POLL_ADD);
          assert.deepEqual(polls.map((g) => g[1]), [-Errno.ECANCELED]);
          assert.equal(
            polls[0][2] >>> 16,
            2,
            "the poll carried the new context",
          );
        },
      );
      await t.step(
        "asyncCancel of a receive submitted with option flags",
        () => {
          const target = packDirect(IORING_OP.RECV, 0, 9, s);
          assert.ok(
            ring.receive(target, new Uint8Array(8), {
              flags: IOSQE.CQE_SKIP_SUCCESS,
            }),
          );
          assert.ok(ring.asyncCancel(CANCEL, target));
          const got = collect(ring, 2);
          assert.deepEqual(resOf(got, IORING_OP.ASYNC_CANCEL), [0]);
          assert.deepEqual(resOf(got, IORING_OP.RECV), [-Errno.ECANCELED]);
        },
      );
      await t.step("asyncCancel from a bare fd context (op never set)", () => {
        const target = forFD(s);
        assert.ok(ring.receive(target, new Uint8Array(8)));
        assert.ok(ring.asyncCancel(CANCEL, target));
        const got = collect(ring, 2);
        assert.deepEqual(resOf(got, IORING_OP.ASYNC_CANCEL), [0]);
        assert.deepEqual(resOf(got, IORING_OP.RECV), [-Errno.ECANCELED]);
      });
      await t.step("a context that names nothing pending: ENOENT", () => {
        assert.ok(ring.timeoutRemove(RM, forFD(0).withBufGroup(99)));
        assert.deepEqual(resOf(collect(ring, 1), IORING_OP.TIMEOUT_REMOVE), [
          -Errno.ENOENT,
        ]);
      });
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring op semantics: nop128 / uringCmd128 probe the kernel first", () => {
  using ring = new Uring({ entries: 8, sqe128: true });
  ring.start();
  const has = ring.probe().supports(IORING_OP.NOP128);
  if (!has) {
    console.log(
      `IORING_OP_NOP128 / URING_CMD128 not in this kernel (last op ${ring.probe().lastOp}): expecting NotSupportedError`,
    );
    assert.throws(() => ring.nop128(forFD(0)), NotSupportedError);
    assert.throws(
      () => ring.uringCmd128(forFD(0), 0),
      (e) => e instanceof NotSupportedError && /URING_CMD128/.test(e.message),
    );
    assert.equal(ring.pending, 0, "nothing was queued");
    return;
  }
  assert.ok(ring.nop128(forFD(0)));
  assert.equal(collect(ring, 1)[0][1], 0);
});

Deno.test("uring op semantics: receive waits for the whole buffer unless msgFlags says otherwise", async () => {
  await noLeaks(() => {
    using ring = new Uring({ entries: 8 });
    ring.start();
    const [c, s] = tcpPair();
    try {
      const buf = new Uint8Array(10);
      write(c, new Uint8Array([1, 2, 3, 4, 5]));
      assert.ok(ring.receive(forFD(s), buf));
      ring.submit();
      assert.equal(
        ring.waitBlocking(cqes, 1, 50),
        0,
        "half a buffer is not enough",
      );
      write(c, new Uint8Array([6, 7, 8, 9, 10]));
      assert.equal(ring.waitBlocking(cqes, 1, 2000), 1);
      assert.equal(cqes[0].res, 10);
      assert.deepEqual([...buf], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // msgFlags 0: whatever is there.
      write(c, new Uint8Array([1, 2, 3]));
      assert.ok(ring.receive(forFD(s), buf, { msgFlags: 0 }));
      assert.equal(ring.waitBlocking(cqes, 1, 2000), 1);
      assert.equal(cqes[0].res, 3);
      // End of stream ends a waiting receive with what arrived.
      write(c, new Uint8Array([4, 5]));
      assert.ok(ring.receive(forFD(s), buf));
      ring.submit();
      close(c);
      assert.equal(ring.waitBlocking(cqes, 1, 2000), 1);
      assert.equal(cqes[0].res, 2);
    } finally {
      close(s);
    }
  });
});

Deno.test("uring op semantics: bind, connect and sendMsg take sock addresses and Deno address shapes", async () => {
  await noLeaks(() => {
    using ring = new Uring({ entries: 8 });
    ring.start();
    const [lfd, port] = tcpListener();
    const fds: number[] = [lfd];
    try {
      // connect: a SockaddrInet4, a Deno.NetAddr, a { hostname, port }.
      const targets = [
        new SockaddrInet4([127, 0, 0, 1], port),
        { transport: "tcp", hostname: "127.0.0.1", port } as Deno.NetAddr,
        { hostname: "localhost", port },
        (() => {
          const r = new RawSockaddrInet4();
          r.port = port;
          r.addr.set([127, 0, 0, 1]);
          return r;
        })(),
      ];
      for (const to of targets) {
        const fd = socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0);
        fds.push(fd);
        assert.ok(ring.connect(forFD(fd), to));
        assert.equal(collect(ring, 1)[0][1], 0, JSON.stringify(to));
      }
      // bind: { hostname, port: 0 }, then the kernel picked a port.
      const u = socket(AF.INET, SOCK.DGRAM | SOCK.CLOEXEC, 0);
      fds.push(u);
      assert.ok(ring.bind(forFD(u), { hostname: "127.0.0.1", port: 0 }));
      assert.equal(collect(ring, 1)[0][1], 0);
      const uport = localPort(u);
      assert.ok(uport > 0);
      // sendMsg to a Deno.NetAddr.
      const tx = socket(AF.INET, SOCK.DGRAM | SOCK.CLOEXEC, 0);
      fds.push(tx);
      const msg = new Msghdr().setBuffers([new TextEncoder().encode("dgram")]);
      assert.ok(
        ring.sendMsg(forFD(tx), msg, undefined, {
          transport: "udp",
          hostname: "127.0.0.1",
          port: uport,
        }),
      );
      assert.equal(collect(ring, 1)[0][1], 5);
      const got = new Uint8Array(16);
      assert.equal(recvfrom(u, got, 0x40, null, null), 5);
      assert.equal(new TextDecoder().decode(got.subarray(0, 5)), "dgram");
      // Unix: { path }.
      const path = `/tmp/kio_uring_${Deno.pid}_${
        Math.random().toString(36).slice(2)
      }.sock`;
      const ux = socket(AF.UNIX, SOCK.STREAM | SOCK.CLOEXEC, 0);
      fds.push(ux);
      assert.ok(ring.bind(forFD(ux), { path }));
      assert.equal(collect(ring, 1)[0][1], 0);
      Deno.removeSync(path);
      // Bad input is a clear error before anything is queued.
      assert.throws(
        () => ring.connect(forFD(tx), { hostname: "example.com", port: 1 }),
        TypeError,
      );
      assert.throws(() => ring.bind(forFD(tx), 7 as never), TypeError);
      assert.throws(
        () => ring.connect(forFD(tx), { hostname: "::1", port: 70000 }),
        RangeError,
      );
      assert.equal(ring.pending, 0);
    } finally {
      for (const fd of fds) close(fd);
    }
  });
});

Deno.test("uring op semantics: buffer selection from extended and indirect contexts", async () => {
  await noLeaks(() => {
    using ring = new Uring({
      entries: 8,
      readBufferNum: 4,
      readBufferSize: 64,
      readBufferGidOffset: 5,
    });
    ring.start();
    const [c, s] = tcpPair();
    try {
      for (const mode of ["extended", "indirect"] as const) {
        const slot = mode === "extended" ? ring.extSQE()! : ring.indirectSQE()!;
        slot.fd = s;
        const ctx: SQEContext = slot.context.withBufGroup(5);
        assert.equal(ctx, slot.context, "same slot context");
        assert.equal(ctx.bufGroup(), 5);
        write(c, new TextEncoder().encode(mode));
        assert.ok(ring.receive(ctx, null, { msgFlags: 0 }));
        assert.equal(ring.waitBlocking(cqes, 1, 2000), 1);
        const cqe = cqes[0];
        assert.equal(
          cqe.res,
          mode.length,
          `res ${cqe.res} (ENOBUFS: wrong group)`,
        );
        assert.ok(cqe.hasBuffer());
        assert.equal(cqe.bufGroup(), 5);
        assert.equal(new TextDecoder().decode(ring.buffers.data(cqe)), mode);
        ring.buffers.recycle(cqe);
        if (mode === "extended") ring.putExtSQE(slot as never);
        else ring.putIndirectSQE(slot as never);
      }
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring op semantics: socket commands through uringCmd (getsockopt, setsockopt, SIOCINQ)", async () => {
  await noLeaks(() => {
    using ring = new Uring({ entries: 8 });
    ring.start();
    const [c, s] = tcpPair();
    try {
      // getsockopt(SOL_SOCKET, SO_RCVBUF) against the syscall's answer.
      const v = new Uint8Array(4);
      assert.ok(ring.socketGetsockopt(forFD(s), SOL.SOCKET, SO.RCVBUF, v));
      assert.equal(collect(ring, 1)[0][1], 4, "res is the option length");
      const ref = new Uint8Array(4);
      assert.equal(
        getsockopt(s, SOL.SOCKET, SO.RCVBUF, ref, new Uint32Array([4])),
        0,
      );
      assert.deepEqual(v, ref);
      // setsockopt at two levels, read back with the syscall.
      const one = new Uint8Array(new Int32Array([1]).buffer);
      assert.ok(ring.socketSetsockopt(forFD(s), SOL.SOCKET, SO.KEEPALIVE, one));
      assert.ok(ring.socketSetsockopt(forFD(s), IPPROTO.TCP, TCP.NODELAY, one));
      assert.deepEqual(collect(ring, 2).map((g) => g[1]), [0, 0]);
      for (
        const [lvl, opt] of [[SOL.SOCKET, SO.KEEPALIVE], [
          IPPROTO.TCP,
          TCP.NODELAY,
        ]]
      ) {
        const b = new Uint8Array(4);
        getsockopt(s, lvl, opt, b, new Uint32Array([4]));
        assert.equal(new DataView(b.buffer).getInt32(0, true), 1);
      }
      // The generic form with the fields spelled out.
      const v2 = new Uint8Array(4);
      assert.ok(
        ring.uringCmd(forFD(s), SOCKET_URING_OP.GETSOCKOPT, {
          level: SOL.SOCKET,
          optname: SO.KEEPALIVE,
          optval: v2,
        }),
      );
      assert.equal(collect(ring, 1)[0][1], 4);
      assert.equal(new DataView(v2.buffer).getInt32(0, true), 1);
      // The kernel serves getsockopt at SOL_SOCKET only.
      assert.ok(ring.socketGetsockopt(forFD(s), IPPROTO.TCP, TCP.NODELAY, v2));
      assert.equal(collect(ring, 1)[0][1], -Errno.EOPNOTSUPP);
      // SIOCINQ: bytes waiting in the receive queue.
      write(c, new Uint8Array(7));
      for (let i = 0; i < 50; i++) {
        assert.ok(ring.uringCmd(forFD(s), SOCKET_URING_OP.SIOCINQ));
        if (collect(ring, 1)[0][1] === 7) break;
      }
      assert.ok(ring.uringCmd(forFD(s), SOCKET_URING_OP.SIOCINQ));
      assert.equal(collect(ring, 1)[0][1], 7);
      assert.throws(
        () =>
          ring.socketGetsockopt(forFD(s), SOL.SOCKET, SO.RCVBUF, 5 as never),
        TypeError,
      );
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring op semantics: the duration option of timeout-class operations", () => {
  using ring = new Uring({ entries: 8 });
  ring.start();
  const TO = packDirect(IORING_OP.TIMEOUT, 0, 0, 0);
  assert.ok(ring.timeout(TO, undefined, { duration: 5 }));
  assert.deepEqual(resOf(collect(ring, 1), IORING_OP.TIMEOUT), [-Errno.ETIME]);
  assert.throws(() => ring.timeout(TO, undefined), RangeError);
  assert.throws(() => ring.timeout(TO, 5, { duration: 6 }), RangeError);
  assert.ok(
    ring.timeout(TO, 5, { duration: 5 }),
    "the same value twice is fine",
  );
  collect(ring, 1);
});
