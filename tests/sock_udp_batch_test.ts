import assert from "node:assert/strict";
import { FdGuard, track } from "./_util/fd_guard.ts";
import {
  AF,
  bind,
  close,
  getsockname,
  IP,
  MSG,
  setsockopt,
  SOCK,
  socket,
  SOL,
  UDP,
} from "../zcall/mod.ts";
import {
  getUDPGRO,
  getUDPSegment,
  groSegmentSize,
  MsgResult,
  readMsgUDP,
  readMsgUDPAsync,
  recvMessages,
  recvMessagesAsync,
  sendMessages,
  sendMessagesAsync,
  setUDPGRO,
  setUDPSegment,
  UDPMessages,
  writeMsgUDP,
  writeMsgUDPAsync,
} from "../sock/udp_batch.ts";
import {
  cmsgSpace,
  parseControlMessages,
  putControlMessage,
} from "../sock/cmsg.ts";
import { SockaddrInet4, SockaddrInet6 } from "../sock/sockaddr.ts";
import { AbortedError, TimedOutError, WOULD_BLOCK } from "../sock/errors.ts";

function udp(v6 = false): { fd: number; addr: SockaddrInet4 | SockaddrInet6 } {
  const fd = track(socket(
    v6 ? AF.INET6 : AF.INET,
    SOCK.DGRAM | SOCK.NONBLOCK | SOCK.CLOEXEC,
    0,
  ));
  assert.ok(fd >= 0);
  const sa = v6 ? SockaddrInet6.parse("::1") : SockaddrInet4.parse("127.0.0.1");
  assert.equal(bind(fd, sa.bytes, sa.length), 0);
  const out = new Uint8Array(128), len = new Uint32Array([128]);
  assert.equal(getsockname(fd, out, len), 0);
  sa.bytes.set(out.subarray(0, sa.length));
  return { fd, addr: sa };
}

Deno.test("sock udp batch: sendMessages/recvMessages with addresses and scatter buffers", async (t) => {
  const guard = new FdGuard();
  const a = udp(), b = udp(), c = udp();
  try {
    await t.step("32 datagrams, two destinations, one syscall each way", () => {
      const out = new UDPMessages(32, { bufferSize: 64 });
      for (let i = 0; i < 32; i++) {
        out.buffer(i).fill(i);
        out.setLength(i, 10 + i).setAddress(i, i % 2 === 0 ? b.addr : c.addr);
      }
      assert.equal(sendMessages(a.fd, out), 32);
      for (let i = 0; i < 32; i++) assert.equal(out.received(i), 10 + i);

      const inb = new UDPMessages(32, { bufferSize: 64 });
      assert.equal(recvMessages(b.fd, inb), 16);
      assert.equal(recvMessages(c.fd, inb, 8), 8);
      assert.equal(recvMessages(c.fd, inb), 8);
      assert.equal(recvMessages(c.fd, inb), WOULD_BLOCK);
      // The last batch on c held datagrams 17, 19, ..., 31.
      for (let k = 0; k < 8; k++) {
        const i = 17 + 2 * k;
        assert.equal(inb.received(k), 10 + i);
        assert.equal(inb.buffer(k)[0], i);
        assert.equal(inb.address(k)?.toString(), a.addr.toString());
      }
      // address(i, into) reuses the object.
      const into = new SockaddrInet4();
      assert.equal(inb.address(0, into), into);
    });

    await t.step(
      "scatter buffers: header + body gathered and scattered",
      () => {
        const out = new UDPMessages(2, { buffers: 2, bufferSize: 0 });
        const hdr = new Uint8Array([0xaa, 0xbb]);
        out.setBuffer(0, 0, hdr).setBuffer(0, 1, new Uint8Array([1, 2, 3]));
        out.setBuffer(1, 0, hdr).setBuffer(1, 1, new Uint8Array([4]));
        out.setAddress(0, b.addr).setAddress(1, b.addr);
        assert.equal(sendMessages(a.fd, out), 2);
        const inb = new UDPMessages(4, { buffers: 2, bufferSize: 3 });
        assert.equal(recvMessages(b.fd, inb), 2);
        assert.equal(inb.received(0), 5);
        assert.deepEqual([...inb.buffer(0, 0)], [0xaa, 0xbb, 1]);
        assert.deepEqual([...inb.buffer(0, 1).subarray(0, 2)], [2, 3]);
        assert.equal(inb.received(1), 3);
        // MSG_TRUNC when the datagram is larger than every buffer together.
        out.setBuffer(0, 1, new Uint8Array(10));
        assert.equal(sendMessages(a.fd, out, 1), 1);
        assert.equal(recvMessages(b.fd, inb), 1);
        assert.ok((inb.flags(0) & MSG.TRUNC) !== 0);
      },
    );

    await t.step("IPv6 peers", () => {
      const x = udp(true), y = udp(true);
      try {
        const out = new UDPMessages(4, { bufferSize: 16 });
        for (let i = 0; i < 4; i++) out.setLength(i, 16).setAddress(i, y.addr);
        assert.equal(sendMessages(x.fd, out), 4);
        const inb = new UDPMessages(4, { bufferSize: 16 });
        assert.equal(recvMessages(y.fd, inb), 4);
        assert.equal(inb.address(3)?.toString(), x.addr.toString());
      } finally {
        close(x.fd);
        close(y.fd);
      }
    });

    await t.step("bad input", () => {
      assert.throws(() => new UDPMessages(0), RangeError);
      assert.throws(() => new UDPMessages(2000), RangeError);
      assert.throws(() => new UDPMessages(2, { buffers: 0 }), RangeError);
      const m = new UDPMessages(2, { bufferSize: 8 });
      assert.throws(() => m.setLength(0, 9), RangeError);
      assert.throws(() => m.setLength(2, 1), RangeError);
      // deno-lint-ignore no-explicit-any
      assert.throws(() => m.setAddress(0, {} as any), TypeError);
      assert.throws(() => sendMessages(a.fd, m, 3), RangeError);
      // deno-lint-ignore no-explicit-any
      assert.throws(() => recvMessages(a.fd, {} as any), TypeError);
      assert.throws(() => recvMessages(-1, m), RangeError);
    });

    await t.step("awaitable variants: data, deadline, abort", async () => {
      const inb = new UDPMessages(8, { bufferSize: 32 });
      await assert.rejects(
        recvMessagesAsync(b.fd, inb, undefined, { timeout: 30 }),
        TimedOutError,
      );
      const ac = new AbortController();
      const p = recvMessagesAsync(b.fd, inb, undefined, { signal: ac.signal });
      ac.abort();
      await assert.rejects(p, AbortedError);
      const out = new UDPMessages(3, { bufferSize: 32 });
      for (let i = 0; i < 3; i++) out.setLength(i, 5).setAddress(i, b.addr);
      const waiting = recvMessagesAsync(b.fd, inb, undefined, {
        timeout: 2000,
      });
      setTimeout(() => sendMessagesAsync(a.fd, out, 3), 10);
      const n = await waiting;
      assert.ok(n >= 1);
      let total = n;
      while (total < 3) total += await recvMessagesAsync(b.fd, inb);
      assert.equal(total, 3);
    });
  } finally {
    close(a.fd);
    close(b.fd);
    close(c.fd);
  }
  guard.check();
});

Deno.test("sock udp batch: GSO send, segments and GRO receive", async (t) => {
  const guard = new FdGuard();
  const tx = udp(), plain = udp(), gro = udp();
  try {
    const SEG = 1000, TOTAL = 9500; // 9 full segments and one of 500
    const payload = new Uint8Array(TOTAL);
    for (let i = 0; i < TOTAL; i++) payload[i] = i % 251;

    await t.step("socket option round trip", () => {
      assert.equal(getUDPSegment(tx.fd), 0);
      setUDPSegment(tx.fd, SEG);
      assert.equal(getUDPSegment(tx.fd), SEG);
      assert.equal(getUDPGRO(gro.fd), false);
      setUDPGRO(gro.fd, true);
      assert.equal(getUDPGRO(gro.fd), true);
      assert.throws(() => setUDPSegment(tx.fd, 70000), RangeError);
    });

    await t.step("one GSO write arrives as segments without GRO", () => {
      assert.equal(writeMsgUDP(tx.fd, payload, null, plain.addr), TOTAL);
      const inb = new UDPMessages(16, { bufferSize: 2048 });
      let got = 0, bytes = 0;
      const sizes: number[] = [];
      for (let round = 0; round < 10 && got < 10; round++) {
        const n = recvMessages(plain.fd, inb);
        if (n === WOULD_BLOCK) continue;
        for (let i = 0; i < n; i++) {
          sizes.push(inb.received(i));
          assert.equal(inb.buffer(i)[0], bytes % 251);
          bytes += inb.received(i);
        }
        got += n;
      }
      assert.equal(bytes, TOTAL);
      assert.deepEqual(sizes, [...new Array(9).fill(SEG), 500]);
    });

    await t.step("with GRO the segments may arrive coalesced", () => {
      assert.equal(writeMsgUDP(tx.fd, payload, null, gro.addr), TOTAL);
      const inb = new UDPMessages(16, { bufferSize: 65536, controlSize: 64 });
      let coalesced = 0;
      let bytes = 0;
      const sizes: number[] = [];
      for (let round = 0; round < 10 && bytes < TOTAL; round++) {
        const n = recvMessages(gro.fd, inb);
        if (n === WOULD_BLOCK) continue;
        for (let i = 0; i < n; i++) {
          const len = inb.received(i);
          const seg = inb.groSegmentSize(i);
          // Coalesced: the control message carries the segment size.
          if (len > SEG) assert.equal(seg, SEG);
          if (seg > 0) coalesced++;
          const segs = seg > 0 ? Math.ceil(len / seg) : 1;
          for (let s = 0; s < segs; s++) {
            sizes.push(Math.min(seg > 0 ? seg : len, len - s * (seg || len)));
          }
          bytes += len;
        }
      }
      assert.equal(bytes, TOTAL);
      assert.deepEqual(sizes, [...new Array(9).fill(SEG), 500]);
      console.log(`GRO: ${coalesced} coalesced buffer(s)`);
    });

    await t.step(
      "per-message GSO through a UDP_SEGMENT control message",
      () => {
        setUDPSegment(tx.fd, 0);
        const out = new UDPMessages(1, { bufferSize: 4000, controlSize: 24 });
        out.buffer(0).fill(3);
        out.setLength(0, 4000).setSegmentSize(0, 1500).setAddress(
          0,
          plain.addr,
        );
        assert.equal(sendMessages(tx.fd, out), 1);
        const inb = new UDPMessages(8, { bufferSize: 2048 });
        let n = 0;
        for (let r = 0; r < 10 && n === 0; r++) {
          const k = recvMessages(plain.fd, inb);
          if (k !== WOULD_BLOCK) n = k;
        }
        assert.equal(n, 3);
        assert.deepEqual([0, 1, 2].map((i) => inb.received(i)), [
          1500,
          1500,
          1000,
        ]);
        assert.equal(groSegmentSize(new Uint8Array(0)), 0);
      },
    );
  } finally {
    close(tx.fd);
    close(plain.fd);
    close(gro.fd);
  }
  guard.check();
});

Deno.test("sock udp msg: readMsgUDP/writeMsgUDP with control data and flags", async () => {
  const guard = new FdGuard();
  const a = udp(), b = udp();
  try {
    // Ask for the TTL of received datagrams as a control message.
    const on = new Uint8Array(new Int32Array([1]).buffer);
    assert.equal(setsockopt(b.fd, SOL.IP, IP.RECVTTL, on), 0);
    assert.equal(
      writeMsgUDP(a.fd, new Uint8Array([1, 2, 3, 4]), null, b.addr),
      4,
    );
    const buf = new Uint8Array(16), oob = new Uint8Array(64);
    const out = new MsgResult();
    const r = readMsgUDP(b.fd, buf, oob, out);
    assert.equal(r, out);
    assert.equal(out.n, 4);
    assert.ok(out.oobn > 0);
    const msgs = parseControlMessages(oob, out.oobn);
    const ttl = msgs.find((m) => m.level === SOL.IP && m.type === IP.TTL);
    assert.ok(ttl, "IP_TTL control message");
    assert.equal(
      new DataView(ttl.data.buffer, ttl.data.byteOffset).getInt32(0, true),
      64,
    );
    assert.equal(out.addr?.toString(), a.addr.toString());
    const addrObj = out.addr;
    assert.equal(readMsgUDP(b.fd, buf, oob, out), null); // would block

    // Truncation shows in the flags; the same result object is reused.
    assert.equal(writeMsgUDP(a.fd, new Uint8Array(32), null, b.addr), 32);
    readMsgUDP(b.fd, new Uint8Array(8), null, out);
    assert.equal(out.n, 8);
    assert.ok((out.flags & MSG.TRUNC) !== 0);
    assert.equal(out.addr, addrObj);

    // Control data on send: a UDP_SEGMENT cmsg splits one write.
    const ctl = new Uint8Array(cmsgSpace(2));
    putControlMessage(ctl, 0, SOL.UDP, UDP.SEGMENT, new Uint8Array([100, 0]));
    assert.equal(writeMsgUDP(a.fd, new Uint8Array(250), ctl, b.addr), 250);
    const sizes: number[] = [];
    for (let i = 0; i < 10 && sizes.length < 3; i++) {
      const x = readMsgUDP(b.fd, new Uint8Array(200), null, out);
      if (x) sizes.push(x.n);
    }
    assert.deepEqual(sizes, [100, 100, 50]);
    assert.throws(
      () => writeMsgUDP(a.fd, new Uint8Array(1), null, b.addr, -1),
      RangeError,
    );
    // deno-lint-ignore no-explicit-any
    assert.throws(() => readMsgUDP(b.fd, "x" as any, null), TypeError);

    // Awaitable forms.
    const pending = readMsgUDPAsync(b.fd, buf, oob, { timeout: 2000 });
    setTimeout(
      () => writeMsgUDPAsync(a.fd, new Uint8Array(3), null, b.addr),
      5,
    );
    assert.equal((await pending).n, 3);
    await assert.rejects(
      readMsgUDPAsync(b.fd, buf, null, { timeout: 20 }),
      TimedOutError,
    );
  } finally {
    close(a.fd);
    close(b.fd);
  }
  guard.check();
});
