// zcall sockets against the kernel on loopback: UDP sendto/recvfrom,
// sendmsg/recvmsg, sendmmsg/recvmmsg; TCP socket/bind/listen/connect/
// accept/accept4, names, options and shutdown.

import assert from "node:assert/strict";
import {
  accept,
  accept4,
  AF,
  bind,
  close,
  connect,
  EFD,
  Errno,
  eventfd2,
  getpeername,
  getsockname,
  getsockopt,
  IPPROTO,
  listen,
  Mmsghdrs,
  MSG,
  Msghdr,
  POLL,
  pollAsync,
  PollFds,
  read,
  recvfrom,
  recvmmsg,
  recvmsg,
  sendmmsg,
  sendmsg,
  sendto,
  setsockopt,
  SHUT,
  shutdown,
  SO,
  SOCK,
  socket,
  SOL,
  TCP,
  Timespec,
  write,
} from "../zcall/mod.ts";
import { dec, enc, localPort, portOf, sockaddrIn } from "./_util/zcall.ts";

const E = Errno;
const FLAGS = SOCK.CLOEXEC | SOCK.NONBLOCK;

function udp(): number {
  const fd = socket(AF.INET, SOCK.DGRAM | FLAGS, 0);
  assert.ok(fd >= 0, `socket: ${fd}`);
  assert.equal(bind(fd, sockaddrIn(0)), 0);
  return fd;
}

async function readable(fd: number, timeoutMs = 2000): Promise<void> {
  const p = new PollFds(1).set(0, fd, POLL.IN);
  assert.equal(await pollAsync(p.bytes, 1, timeoutMs), 1, "poll timed out");
}

function int32(v: number): Uint8Array {
  return new Uint8Array(new Int32Array([v]).buffer);
}

Deno.test("zcall: UDP sendto/recvfrom", async () => {
  const a = udp(), b = udp();
  try {
    const bAddr = sockaddrIn(localPort(b));
    assert.equal(sendto(a, enc("datagram"), 0, bAddr, 16), 8);
    await readable(b);
    const buf = new Uint8Array(64);
    const from = new Uint8Array(32), fromLen = new Uint32Array([32]);
    assert.equal(recvfrom(b, buf, 0, from, fromLen), 8);
    assert.equal(dec(buf.subarray(0, 8)), "datagram");
    assert.equal(fromLen[0], 16);
    assert.equal(portOf(from), localPort(a));
    // Nothing left: would-block is a value.
    assert.equal(recvfrom(b, buf, 0, null, null), -E.EAGAIN);
    // Truncation with MSG_TRUNC reports the real size; a partial length.
    assert.equal(sendto(a, enc("0123456789"), 0, bAddr, 16, 4), 4);
    await readable(b);
    assert.equal(recvfrom(b, buf, MSG.TRUNC, null, null, 2), 4);
    // Error paths.
    assert.equal(sendto(-1, buf, 0, bAddr, 16), -E.EBADF);
    assert.equal(sendto(a, buf, 0, bAddr, 17), -E.EFAULT); // addrlen > buffer
    assert.equal(sendto(a, buf, 0, null, 16), -E.EFAULT);
    assert.equal(sendto(a, buf, 0, bAddr, 8), -E.EINVAL); // short sockaddr_in
    assert.equal(sendto(a, buf, 0, null, 0), -E.EDESTADDRREQ);
    assert.equal(sendto(a, buf, 0, bAddr, 16, 65), -E.EFAULT);
    assert.equal(recvfrom(b, buf, 0, from, null), -E.EFAULT);
    assert.equal(recvfrom(b, buf, 0, null, fromLen), -E.EFAULT);
    assert.equal(recvfrom(b, buf, 0, from, new Uint32Array([33])), -E.EFAULT);
    assert.equal(recvfrom(b, buf, 0, null, null, 65), -E.EFAULT);
    assert.equal(recvfrom(-1, buf, 0, null, null), -E.EBADF);
  } finally {
    close(a);
    close(b);
  }
});

Deno.test("zcall: UDP sendmsg/recvmsg", async () => {
  const a = udp(), b = udp();
  try {
    const out = new Msghdr()
      .setName(sockaddrIn(localPort(b)))
      .setBuffers([enc("scatter"), enc("-gather")]);
    assert.equal(sendmsg(a, out.bytes, 0), 14);
    await readable(b);
    const p1 = new Uint8Array(4), p2 = new Uint8Array(16);
    const name = new Uint8Array(16);
    const inn = new Msghdr().setName(name).setBuffers([p1, p2]);
    assert.equal(recvmsg(b, inn.bytes, 0), 14);
    assert.equal(dec(p1) + dec(p2.subarray(0, 10)), "scatter-gather");
    assert.equal(inn.nameLength, 16);
    assert.equal(portOf(name), localPort(a));
    assert.equal(inn.flags & MSG.TRUNC, 0);
    assert.equal(recvmsg(b, inn.bytes, 0), -E.EAGAIN);
    // Truncated datagram sets MSG_TRUNC in msg_flags.
    assert.equal(sendmsg(a, out.bytes, 0), 14);
    await readable(b);
    const small = new Msghdr().setBuffers([new Uint8Array(3)]);
    assert.equal(recvmsg(b, small.bytes, 0), 3);
    assert.equal(small.flags & MSG.TRUNC, MSG.TRUNC);
    // Error paths.
    assert.equal(sendmsg(a, new Uint8Array(55), 0), -E.EFAULT);
    assert.equal(recvmsg(b, new Uint8Array(8), 0), -E.EFAULT);
    assert.equal(sendmsg(-1, out.bytes, 0), -E.EBADF);
    assert.equal(recvmsg(-1, inn.bytes, 0), -E.EBADF);
    assert.equal(
      sendmsg(a, new Msghdr().setBuffers([enc("x")]).bytes, 0),
      -E.EDESTADDRREQ,
    );
  } finally {
    close(a);
    close(b);
  }
});

Deno.test("zcall: UDP sendmmsg/recvmmsg", async () => {
  const a = udp(), b = udp();
  try {
    const bAddr = sockaddrIn(localPort(b));
    const out = new Mmsghdrs(4, 64, 16);
    for (let i = 0; i < 4; i++) {
      const msg = enc(`message-${i}`.repeat(i + 1));
      out.payload(i).set(msg);
      out.setLength(i, msg.length);
      out.name(i)!.set(bAddr);
      out.setNameLength(i, 16);
    }
    assert.equal(sendmmsg(a, out.bytes, 4, 0), 4);
    for (let i = 0; i < 4; i++) assert.equal(out.received(i), 9 * (i + 1));

    const inn = new Mmsghdrs(8, 64, 16);
    let got = 0;
    // Bounded: the four datagrams are already queued on loopback.
    for (let tries = 0; got < 4 && tries < 20; tries++) {
      await readable(b);
      const timeout = Timespec.fromMillis(100);
      const n = recvmmsg(
        b,
        inn.bytes.subarray(got * 64),
        8 - got,
        MSG.DONTWAIT,
        timeout.bytes,
      );
      assert.ok(n > 0, `recvmmsg: ${n}`);
      got += n;
    }
    assert.equal(got, 4);
    for (let i = 0; i < 4; i++) {
      const len = inn.received(i);
      assert.equal(
        dec(inn.payload(i).subarray(0, len)),
        `message-${i}`.repeat(i + 1),
      );
      assert.equal(inn.nameLength(i), 16);
      assert.equal(portOf(inn.name(i)!), localPort(a));
    }
    assert.equal(recvmmsg(b, inn.bytes, 8, MSG.DONTWAIT, null), -E.EAGAIN);
    // Error paths: vlen beyond the array, short timeout, bad fd.
    assert.equal(sendmmsg(a, out.bytes, 5, 0), -E.EFAULT);
    assert.equal(sendmmsg(a, out.bytes, -1, 0), -E.EFAULT);
    assert.equal(recvmmsg(b, inn.bytes, 9, 0, null), -E.EFAULT);
    assert.equal(recvmmsg(b, inn.bytes, 1, 0, new Uint8Array(8)), -E.EFAULT);
    assert.equal(sendmmsg(-1, out.bytes, 1, 0), -E.EBADF);
    assert.equal(recvmmsg(-1, inn.bytes, 1, 0, null), -E.EBADF);
    const badTs = new Timespec();
    new DataView(badTs.bytes.buffer).setUint32(8, 2_000_000_000, true);
    assert.equal(recvmmsg(b, inn.bytes, 1, 0, badTs.bytes), -E.EINVAL);
  } finally {
    close(a);
    close(b);
  }
});

Deno.test("zcall: TCP bind/listen/connect/accept/accept4, names, options, shutdown", async (t) => {
  const l = socket(AF.INET, SOCK.STREAM | FLAGS, 0);
  assert.ok(l >= 0);
  const fds: number[] = [l];
  try {
    assert.equal(setsockopt(l, SOL.SOCKET, SO.REUSEADDR, int32(1)), 0);
    assert.equal(bind(l, sockaddrIn(0)), 0);
    assert.equal(listen(l, 16), 0);
    const port = localPort(l);
    assert.ok(port > 0);

    let client = -1, server = -1;
    await t.step("connect + accept4", async () => {
      client = socket(AF.INET, SOCK.STREAM | FLAGS, 0);
      fds.push(client);
      const r = connect(client, sockaddrIn(port));
      assert.ok(r === 0 || r === -E.EINPROGRESS, `connect: ${r}`);
      await readable(l);
      const peer = new Uint8Array(16), peerLen = new Uint32Array([16]);
      server = accept4(l, peer, peerLen, FLAGS);
      assert.ok(server >= 0, `accept4: ${server}`);
      fds.push(server);
      assert.equal(peerLen[0], 16);
      assert.equal(portOf(peer), localPort(client));
      // Peer and local names agree on both ends.
      const sa = new Uint8Array(16), len = new Uint32Array([16]);
      assert.equal(getpeername(client, sa, len), 0);
      assert.equal(portOf(sa), port);
      assert.equal(getsockname(server, sa, len), 0);
      assert.equal(portOf(sa), port);
      // Nothing else pending.
      assert.equal(accept4(l, null, null, FLAGS), -E.EAGAIN);
      assert.equal(accept(l, null, null), -E.EAGAIN);
    });

    await t.step("accept (no flags) with a second client", async () => {
      const c2 = socket(AF.INET, SOCK.STREAM | FLAGS, 0);
      fds.push(c2);
      connect(c2, sockaddrIn(port));
      await readable(l);
      const s2 = accept(l, null, null);
      assert.ok(s2 >= 0, `accept: ${s2}`);
      fds.push(s2);
    });

    await t.step("getsockopt/setsockopt", () => {
      const v = new Uint8Array(4), len = new Uint32Array([4]);
      const dv = new DataView(v.buffer);
      assert.equal(getsockopt(client, SOL.SOCKET, SO.TYPE, v, len), 0);
      assert.equal(dv.getInt32(0, true), SOCK.STREAM);
      assert.equal(getsockopt(client, SOL.SOCKET, SO.ERROR, v, len), 0);
      assert.equal(dv.getInt32(0, true), 0);
      assert.equal(setsockopt(client, IPPROTO.TCP, TCP.NODELAY, int32(1)), 0);
      assert.equal(getsockopt(client, SOL.TCP, TCP.NODELAY, v, len), 0);
      assert.equal(dv.getInt32(0, true), 1);
      assert.equal(getsockopt(l, SOL.SOCKET, SO.ACCEPTCONN, v, len), 0);
      assert.equal(dv.getInt32(0, true), 1);
      // Error paths.
      assert.equal(
        getsockopt(client, SOL.SOCKET, SO.TYPE, v, new Uint32Array([5])),
        -E.EFAULT,
      );
      assert.equal(
        getsockopt(client, SOL.SOCKET, SO.TYPE, v, new Uint32Array(0)),
        -E.EFAULT,
      );
      assert.equal(getsockopt(-1, SOL.SOCKET, SO.TYPE, v, len), -E.EBADF);
      assert.equal(
        getsockopt(client, SOL.SOCKET, 9999, v, len),
        -E.ENOPROTOOPT,
      );
      assert.equal(
        setsockopt(client, SOL.SOCKET, SO.REUSEADDR, int32(1), 5),
        -E.EFAULT,
      );
      assert.equal(
        setsockopt(client, SOL.SOCKET, SO.REUSEADDR, int32(1), 2),
        -E.EINVAL,
      );
      assert.equal(
        setsockopt(-1, SOL.SOCKET, SO.REUSEADDR, int32(1)),
        -E.EBADF,
      );
    });

    await t.step("data both ways, then shutdown", async () => {
      assert.equal(write(client, enc("over tcp")), 8);
      await readable(server);
      const buf = new Uint8Array(16);
      assert.equal(read(server, buf), 8);
      assert.equal(shutdown(client, SHUT.WR), 0);
      await readable(server);
      assert.equal(read(server, buf), 0); // EOF
      // Writing after SHUT_WR: EPIPE (MSG_NOSIGNAL: no SIGPIPE).
      assert.equal(sendto(client, enc("x"), MSG.NOSIGNAL, null, 0), -E.EPIPE);
      assert.equal(shutdown(client, 99), -E.EINVAL);
      assert.equal(shutdown(-1, SHUT.RD), -E.EBADF);
    });

    await t.step("error paths", () => {
      const sa = new Uint8Array(16), len = new Uint32Array([16]);
      // Address buffers and their lengths must agree.
      assert.equal(bind(l, sa, 17), -E.EFAULT);
      assert.equal(connect(l, sa, -1), -E.EFAULT);
      assert.equal(accept(l, sa, null), -E.EFAULT);
      assert.equal(accept4(l, null, len, 0), -E.EFAULT);
      assert.equal(getsockname(l, sa, new Uint32Array([17])), -E.EFAULT);
      assert.equal(getpeername(l, sa, new Uint32Array(0)), -E.EFAULT);
      // Kernel errors.
      assert.equal(bind(l, sockaddrIn(0)), -E.EINVAL); // already bound
      assert.equal(getpeername(l, sa, len), -E.ENOTCONN);
      assert.equal(listen(-1, 1), -E.EBADF);
      assert.equal(accept4(l, null, null, 0x7fff0000), -E.EINVAL);
      assert.equal(accept(client, null, null), -E.EINVAL); // not listening
      const efdLike = socket(AF.INET, SOCK.DGRAM | FLAGS, 0);
      assert.equal(listen(efdLike, 1), -E.EOPNOTSUPP);
      close(efdLike);
      assert.equal(
        socket(AF.INET, SOCK.STREAM, IPPROTO.SCTP),
        -E.EPROTONOSUPPORT,
      );
      assert.equal(socket(9999, SOCK.STREAM, 0), -E.EAFNOSUPPORT);
      const notSock = eventfd2(0, EFD.CLOEXEC);
      assert.equal(shutdown(notSock, SHUT.RD), -E.ENOTSOCK);
      assert.equal(
        getsockopt(
          notSock,
          SOL.SOCKET,
          SO.TYPE,
          new Uint8Array(4),
          new Uint32Array([4]),
        ),
        -E.ENOTSOCK,
      );
      close(notSock);
    });

    await t.step("connect to a closed port: ECONNREFUSED", () => {
      const tmp = socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0);
      assert.equal(bind(tmp, sockaddrIn(0)), 0);
      const closedPort = localPort(tmp);
      close(tmp);
      const c = socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0);
      assert.equal(connect(c, sockaddrIn(closedPort)), -E.ECONNREFUSED);
      close(c);
    });
  } finally {
    for (const fd of fds) if (fd >= 0) close(fd);
  }
});
