// Property tests for zcall's struct encoders, with the kernel as the oracle
// where it can read the struct back (readv/writev, timerfd, epoll, mmsg).
// Case count: KERNIO_PROP_COUNT (2,000 here, 100,000 in `deno task stress`).

import assert from "node:assert/strict";
import {
  AF,
  CLOCK,
  close,
  EPOLL,
  epollCreate1,
  epollCtl,
  EpollEvents,
  epollWait,
  ERRNO_NUMBERS,
  errnoFromName,
  errnoName,
  eventfd2,
  Iovecs,
  Itimerspec,
  memfdCreate,
  MFD,
  Mmsghdrs,
  MSG,
  Msghdr,
  POLL,
  poll,
  PollFds,
  preadv,
  pwritev,
  readv,
  recvmmsg,
  SIG,
  sigsetOf,
  SOCK,
  socketpair,
  TFD,
  timerfdCreate,
  timerfdGettime,
  timerfdSettime,
  Timespec,
  unsafeAddressOf,
  write,
  writev,
} from "../zcall/mod.ts";
import {
  bytesDiff,
  property,
  propStats,
  reportStat,
  type Rng,
} from "./_util/prop.ts";

const TWO32 = 0x1_0000_0000;

function u64(dv: DataView, off: number): number {
  return dv.getUint32(off, true) + dv.getUint32(off + 4, true) * TWO32;
}

// Splits `total` bytes into 1..max random segment lengths (zeros allowed).
function splits(rng: Rng, total: number, max: number): number[] {
  const n = rng.int(1, max);
  const cuts = [0, total];
  for (let i = 1; i < n; i++) cuts.push(rng.int(0, total));
  cuts.sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 1; i < cuts.length; i++) out.push(cuts[i] - cuts[i - 1]);
  return out;
}

Deno.test("reliability: zcall struct encoders (properties)", async (t) => {
  await t.step("Iovecs entries hold address and length", () => {
    property("Iovecs", (rng) => {
      const count = rng.int(1, 16);
      const iov = new Iovecs(count);
      const dv = new DataView(iov.bytes.buffer);
      const bufs: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        const b = new Uint8Array(rng.int(0, 256));
        const len = rng.int(0, b.length);
        iov.set(i, b, len);
        bufs.push(b);
        assert.equal(iov.length(i), len);
        assert.equal(u64(dv, i * 16 + 8), len);
        assert.equal(iov.address(i), len === 0 ? 0 : unsafeAddressOf(b));
      }
      const j = rng.int(0, count - 1);
      const n = rng.int(0, bufs[j].length);
      iov.setLength(j, n);
      assert.equal(iov.length(j), n);
      // A length beyond the buffer would let the kernel write past it.
      assert.throws(
        () => iov.setLength(j, bufs[j].length + rng.edgy(1, 2 ** 40)),
        RangeError,
      );
      // Out-of-range index or length is a RangeError, never a silent write.
      assert.throws(() => iov.set(count, new Uint8Array(1)), RangeError);
      assert.throws(
        () => iov.set(0, bufs[0], bufs[0].length + rng.int(1, 9)),
        RangeError,
      );
    }, { scale: 0.25 });
  });

  await t.step("Timespec round-trips seconds, nanoseconds, millis", () => {
    property("Timespec", (rng) => {
      const sec = rng.edgy(0, Number.MAX_SAFE_INTEGER);
      const nsec = rng.edgy(0, 999_999_999);
      const ts = new Timespec(sec, nsec);
      assert.equal(ts.sec, sec);
      assert.equal(ts.nsec, nsec);
      const dv = new DataView(ts.bytes.buffer);
      assert.equal(u64(dv, 0), sec);
      assert.equal(u64(dv, 8), nsec);
      const ms = rng.int(0, 2 ** 40) + rng.int(0, 999) / 1000;
      const m = Timespec.fromMillis(ms);
      assert.ok(m.nsec >= 0 && m.nsec < 1e9);
      assert.ok(Math.abs(m.sec * 1000 + m.nsec / 1e6 - ms) < 1e-3);
      const bad = rng.pick([-1, 1.5, NaN, Infinity, 1e9, -0.5]);
      assert.throws(() => new Timespec(0, bad), RangeError);
      assert.throws(() => new Timespec(bad === 1e9 ? -1 : bad, 0), RangeError);
    });
  });

  await t.step("Itimerspec read back by the kernel (timerfd)", () => {
    const tfd = timerfdCreate(CLOCK.MONOTONIC, TFD.CLOEXEC | TFD.NONBLOCK);
    assert.ok(tfd >= 0);
    try {
      const cur = new Itimerspec();
      property("Itimerspec/timerfd", (rng) => {
        // Far-future expiry so the interval reads back exactly.
        const isec = rng.int(0, 2 ** 31), insec = rng.int(0, 999_999_999);
        const spec = new Itimerspec().setValue(1_000_000, 0).setInterval(
          isec,
          insec,
        );
        assert.equal(spec.intervalNs, isec * 1e9 + insec);
        assert.equal(timerfdSettime(tfd, 0, spec.bytes, null), 0);
        assert.equal(timerfdGettime(tfd, cur.bytes), 0);
        const dv = new DataView(cur.bytes.buffer);
        assert.equal(u64(dv, 0), isec);
        assert.equal(u64(dv, 8), insec);
        assert.ok(cur.valueNs > 999_000 * 1e9);
      }, { scale: 0.25 });
    } finally {
      close(tfd);
    }
  });

  await t.step("Msghdr fields sit at the kernel's offsets", () => {
    property("Msghdr", (rng) => {
      const msg = new Msghdr();
      const dv = new DataView(msg.bytes.buffer);
      const name = new Uint8Array(rng.int(1, 128));
      const nlen = rng.int(0, name.length);
      msg.setName(name, nlen);
      assert.equal(u64(dv, 0), unsafeAddressOf(name));
      assert.equal(msg.nameLength, nlen);
      const bufs = Array.from(
        { length: rng.int(1, 8) },
        () => new Uint8Array(rng.int(0, 64)),
      );
      msg.setBuffers(bufs);
      assert.equal(u64(dv, 24), bufs.length);
      assert.equal(u64(dv, 16), unsafeAddressOf(msg.parts.iov!.bytes));
      const control = new Uint8Array(rng.int(1, 256));
      const clen = rng.int(0, control.length);
      msg.setControl(control, clen);
      assert.equal(msg.controlLength, clen);
      assert.equal(u64(dv, 32), clen === 0 ? 0 : unsafeAddressOf(control));
      // msg_controllen bounds what the kernel writes: at most the buffer.
      const cl = rng.edgy(0, Number.MAX_SAFE_INTEGER);
      if (cl <= control.length) {
        msg.controlLength = cl;
        assert.equal(msg.controlLength, cl);
      } else {
        assert.throws(() => (msg.controlLength = cl), RangeError);
      }
      assert.throws(
        () => msg.setControl(control, control.length + 1),
        RangeError,
      );
      assert.throws(() => msg.setName(name, name.length + 1), RangeError);
      msg.setName(null);
      assert.equal(u64(dv, 0), 0);
      assert.equal(msg.nameLength, 0);
    }, { scale: 0.25 });
  });

  await t.step("PollFds and EpollEvents encode what they are given", () => {
    property("PollFds/EpollEvents", (rng) => {
      const n = rng.int(1, 32);
      const p = new PollFds(n);
      const ev = new EpollEvents(n);
      const pdv = new DataView(p.bytes.buffer);
      for (let k = 0; k < 4; k++) {
        const i = rng.int(0, n - 1);
        const fd = rng.int(-1, 2 ** 31 - 1);
        const events = rng.int(0, 0x7fff);
        p.set(i, fd, events);
        assert.equal(pdv.getInt32(i * 8, true), fd);
        assert.equal(pdv.getInt16(i * 8 + 4, true), events);
        assert.equal(p.revents(i), 0);
        const mask = rng.u32(), data = rng.u32();
        ev.set(i, mask, data);
        assert.equal(ev.events(i), mask);
        assert.equal(ev.data(i), data);
      }
    });
  });

  await t.step("sigsetOf sets exactly the given bits", () => {
    property("sigsetOf", (rng) => {
      const sigs = Array.from({ length: rng.int(0, 10) }, () => rng.int(1, 64));
      const set = sigsetOf(...sigs);
      assert.equal(set.length, 8);
      for (let s = 1; s <= 64; s++) {
        const bit = (set[(s - 1) >> 3] >> ((s - 1) & 7)) & 1;
        assert.equal(bit, sigs.includes(s) ? 1 : 0, `signal ${s}`);
      }
      assert.throws(
        () => sigsetOf(rng.pick([0, 65, -1, 1.5, NaN])),
        RangeError,
      );
    });
    assert.equal(sigsetOf(SIG.USR1)[1], 1 << (SIG.USR1 - 9));
  });

  await t.step("errno names round-trip", () => {
    property("errno", (rng) => {
      const n = rng.pick(ERRNO_NUMBERS);
      const name = errnoName(-n);
      assert.equal(errnoName(n), name);
      assert.equal(errnoFromName(name), n);
      const unknown = rng.int(4096, 2 ** 31 - 1);
      assert.equal(errnoName(-unknown), `E${unknown}`);
    });
  });

  await t.step("writev/readv scatter-gather is byte exact", () => {
    const fds = new Int32Array(2);
    assert.equal(socketpair(AF.UNIX, SOCK.STREAM | SOCK.CLOEXEC, 0, fds), 0);
    try {
      property("writev/readv", (rng) => {
        const total = rng.int(0, 8192);
        const data = rng.bytes(total);
        const wl = splits(rng, total, 16);
        const wiov = new Iovecs(wl.length);
        let off = 0;
        wl.forEach((len, i) => {
          wiov.set(i, data.subarray(off, off + len));
          off += len;
        });
        assert.equal(writev(fds[0], wiov.bytes, wiov.count), total);
        const out = new Uint8Array(total);
        const rl = splits(rng, total, 16);
        const riov = new Iovecs(rl.length);
        off = 0;
        rl.forEach((len, i) => {
          riov.set(i, out.subarray(off, off + len));
          off += len;
        });
        let got = 0;
        // A stream socket may return less than asked; total is < sndbuf so
        // every byte is already queued.
        got = readv(fds[1], riov.bytes, riov.count);
        assert.equal(got, total);
        assert.equal(bytesDiff(out, data), null);
      }, { scale: 0.25 });
    } finally {
      close(fds[0]);
      close(fds[1]);
    }
  });

  await t.step("pwritev/preadv at 64-bit offsets", () => {
    const fd = memfdCreate("kernio-prop", MFD.CLOEXEC);
    assert.ok(fd >= 0);
    try {
      property("pwritev/preadv", (rng) => {
        // Up to 2^43 (tmpfs files are sparse); the offset travels as two
        // u32 halves, so values across 2^32 exercise the split.
        const offset = rng.edgy(0, 2 ** 43);
        const data = rng.bytes(rng.int(1, 512));
        const w = new Iovecs(1).set(0, data);
        assert.equal(pwritev(fd, w.bytes, 1, offset), data.length);
        const out = new Uint8Array(data.length);
        const r = new Iovecs(1).set(0, out);
        assert.equal(preadv(fd, r.bytes, 1, offset), data.length);
        assert.equal(bytesDiff(out, data), null);
      }, { scale: 0.1 });
    } finally {
      close(fd);
    }
  });

  await t.step("epoll hands back the data word it was given", () => {
    const ep = epollCreate1(EPOLL.CLOEXEC);
    const efd = eventfd2(1, 0x80000);
    assert.ok(ep >= 0 && efd >= 0);
    try {
      const ev = new EpollEvents(1);
      const out = new EpollEvents(4);
      property("epoll data", (rng) => {
        const data = rng.u32();
        ev.set(0, EPOLL.IN, data);
        assert.equal(epollCtl(ep, EPOLL.CTL_ADD, efd, ev.bytes), 0);
        assert.equal(epollWait(ep, out.bytes, 4, 0), 1);
        assert.equal(out.data(0), data);
        assert.equal(out.events(0) & EPOLL.IN, EPOLL.IN);
        assert.equal(epollCtl(ep, EPOLL.CTL_DEL, efd, null), 0);
      }, { scale: 0.1 });
      const pf = new PollFds(1).set(0, efd, POLL.IN);
      assert.equal(poll(pf.bytes, 1, 0), 1);
      assert.equal(pf.revents(0) & POLL.IN, POLL.IN);
    } finally {
      close(efd);
      close(ep);
    }
  });

  await t.step("Mmsghdrs batches survive a datagram round trip", () => {
    const fds = new Int32Array(2);
    assert.equal(socketpair(AF.UNIX, SOCK.DGRAM | SOCK.CLOEXEC, 0, fds), 0);
    try {
      const rx = new Mmsghdrs(16, 2048);
      property("Mmsghdrs", (rng) => {
        const n = rng.int(1, 16);
        const sent: Uint8Array[] = [];
        for (let i = 0; i < n; i++) {
          const m = rng.bytes(rng.int(1, 2048));
          sent.push(m);
          assert.equal(write(fds[0], m), m.length);
        }
        const got = recvmmsg(fds[1], rx.bytes, 16, MSG.DONTWAIT, null);
        assert.equal(got, n);
        for (let i = 0; i < n; i++) {
          assert.equal(rx.received(i), sent[i].length);
          const p = rx.payload(i).subarray(0, rx.received(i));
          assert.equal(bytesDiff(p, sent[i]), null, `message ${i}`);
        }
      }, { scale: 0.05 });
    } finally {
      close(fds[0]);
      close(fds[1]);
    }
  });

  reportStat({ kind: "props", layer: "zcall", ...propStats });
});
