// Property tests for uring's encoders: SQEContext pack/unpack over the full
// field ranges, the u64 (BigInt) and two-half forms agreeing, CQE flag
// accessors against the uapi bits, and the kernel as oracle: a NOP carries
// a random context through a real ring and the CQE hands it back intact.
// Case count: KERNIO_PROP_COUNT (2,000 here, 100,000 in `deno task stress`).

import assert from "node:assert/strict";
import {
  ContextPools,
  CQEView,
  ctxOf,
  DirectCQE,
  forFD,
  packDirect,
  SQEContext,
  sqeContextFromRaw,
  Uring,
} from "../uring/mod.ts";
import { property, propStats, reportStat } from "./_util/prop.ts";

const FD_MIN = -(2 ** 29), FD_MAX = 2 ** 29 - 1;

Deno.test("reliability: uring encoders and decoders (properties)", async (t) => {
  await t.step("SQEContext direct pack/unpack round-trips", () => {
    property("SQEContext direct", (rng) => {
      const op = rng.edgy(0, 255), flags = rng.edgy(0, 255);
      const bg = rng.edgy(0, 65535), fd = rng.edgy(FD_MIN, FD_MAX);
      const c = packDirect(op, flags, bg, fd);
      assert.equal(c.mode(), 0);
      assert.ok(c.isDirect() && !c.isIndirect() && !c.isExtended());
      assert.equal(c.op(), op);
      assert.equal(c.flags(), flags);
      assert.equal(c.bufGroup(), bg);
      assert.equal(c.fd(), fd);
      assert.equal(c.hasBufferSelect(), (flags & 0x20) !== 0);
      // The u64 and the two halves describe the same bits.
      const raw = c.raw();
      assert.equal(raw, (BigInt(c.hi) << 32n) | BigInt(c.lo));
      assert.ok(sqeContextFromRaw(raw).equals(c));
      // with* changes one field and keeps the others.
      const op2 = rng.int(0, 255), fd2 = rng.int(FD_MIN, FD_MAX);
      const bg2 = rng.int(0, 65535), fl2 = rng.int(0, 255);
      const d = c.withOp(op2).withFD(fd2).withBufGroup(bg2).withFlags(fl2);
      assert.deepEqual([d.op(), d.flags(), d.bufGroup(), d.fd()], [
        op2,
        fl2,
        bg2,
        fd2,
      ]);
      assert.deepEqual([c.op(), c.flags(), c.bufGroup(), c.fd()], [
        op,
        flags,
        bg,
        fd,
      ], "with* must not mutate");
      assert.equal(forFD(fd).fd(), fd);
      // Out-of-range fields are RangeErrors, never silently truncated.
      const bad = rng.pick([-1, 256, 1.5, NaN, Infinity]);
      assert.throws(() => packDirect(bad, 0, 0, 0), RangeError);
      assert.throws(() => packDirect(0, bad, 0, 0), RangeError);
      assert.throws(
        () => packDirect(0, 0, bad === 256 ? 65536 : bad, 0),
        RangeError,
      );
      assert.throws(
        () => forFD(rng.pick([FD_MAX + 1, FD_MIN - 1, NaN, 0.5])),
        RangeError,
      );
      assert.throws(
        () => sqeContextFromRaw(rng.pick([-1n, 1n << 64n])),
        RangeError,
      );
    });
  });

  await t.step("CQE accessors decode flags and context", () => {
    const v = new CQEView();
    const d = new DirectCQE();
    property("CQE flags", (rng) => {
      const flags = rng.u32();
      v.flags = flags;
      d.flags = flags;
      assert.equal(v.hasBuffer(), (flags & 1) !== 0);
      assert.equal(v.hasMore(), (flags & 2) !== 0);
      assert.equal(v.socketNonEmpty(), (flags & 4) !== 0);
      assert.equal(v.isNotification(), (flags & 8) !== 0);
      assert.equal(v.hasBufferMore(), (flags & 16) !== 0);
      assert.equal(v.bufID(), flags >>> 16);
      assert.equal(d.bufID(), flags >>> 16);
      assert.equal(d.hasBuffer(), v.hasBuffer());
      assert.equal(d.hasMore(), v.hasMore());
      assert.equal(d.isNotification(), v.isNotification());
      const res = rng.int(-4095, 2 ** 31 - 1);
      v.res = res;
      assert.equal(v.isSuccess(), res >= 0);
      if (res < 0) assert.throws(() => v.throwIfError("x"));
      else v.throwIfError("x");
      const c = packDirect(
        rng.int(0, 255),
        rng.int(0, 255),
        rng.int(0, 65535),
        rng.int(FD_MIN, FD_MAX),
      );
      v.userDataLo = c.lo;
      v.userDataHi = c.hi;
      assert.equal(v.op(), c.op());
      assert.equal(v.sqeFlags(), c.flags());
      assert.equal(v.bufGroup(), c.bufGroup());
      assert.equal(v.fd(), c.fd());
      assert.ok(v.context().equals(c));
      assert.ok(v.contextInto(new SQEContext()).equals(c));
      assert.equal(v.extended(), false);
      assert.equal(v.fullSQE(), false);
      assert.throws(() => v.extSQE(), TypeError);
    });
  });

  await t.step("the kernel hands every context back through a NOP", () => {
    const ring = new Uring({ entries: 64 });
    ring.start();
    try {
      const cqes = CQEView.array(64);
      const ctxs: SQEContext[] = [];
      property("NOP user_data", (rng) => {
        const n = rng.int(1, 32);
        ctxs.length = 0;
        for (let i = 0; i < n; i++) {
          // op stays NOP (0): the ring checks the op it prepares.
          const c = packDirect(
            0,
            0,
            rng.int(0, 65535),
            rng.int(FD_MIN, FD_MAX),
          );
          ctxs.push(c);
          assert.equal(ring.nop(c), true);
        }
        let got = 0;
        for (let spins = 0; got < n && spins < 1000; spins++) {
          const k = ring.wait(cqes);
          for (let i = 0; i < k; i++) {
            const v = cqes[i];
            const want = ctxs[got + i];
            assert.equal(v.res, 0);
            assert.equal(v.userDataLo, want.lo, `cqe ${got + i} lo`);
            assert.equal(v.userDataHi, want.hi, `cqe ${got + i} hi`);
            assert.equal(v.fd(), want.fd());
          }
          got += k;
        }
        assert.equal(got, n);
      }, { scale: 0.25 });
    } finally {
      ring.stop();
    }
  });

  await t.step("indirect and extended contexts name their pool slots", () => {
    const pools = new ContextPools(16);
    try {
      property("SQEContext slots", (rng) => {
        const ind = pools.indirect()!;
        const ext = pools.extended()!;
        try {
          const fd1 = rng.int(FD_MIN, FD_MAX), fd2 = rng.int(FD_MIN, FD_MAX);
          ind.fd = fd1;
          ext.fd = fd2;
          const ci = ind.context, ce = ext.context;
          assert.equal(ci.mode(), 1);
          assert.equal(ce.mode(), 2);
          assert.ok(ci.isIndirect() && ce.isExtended());
          assert.equal(ci.fd(), fd1);
          assert.equal(ce.fd(), fd2);
          assert.equal(ci.indirectSQE(), ind);
          assert.equal(ce.extSQE(), ext);
          // Survives the u64 round trip (what the kernel hands back).
          assert.equal(sqeContextFromRaw(ce.raw()).extSQE(), ext);
          // with* refuses non-direct contexts instead of corrupting them.
          assert.throws(() => ci.withOp(1));
          // Typed vals: int64 within ±2^53 and u32 halves agree.
          const n = rng.int(1, 3);
          const view = ctxOf(ext, 0, n);
          for (let k = 1; k <= n; k++) {
            const v = rng.int(-(2 ** 53) + 1, 2 ** 53 - 1);
            view.setVal(k, v);
            assert.equal(view.val(k), v);
            const lo = rng.u32(), hi = rng.u32();
            view.setValHalves(k, lo, hi);
            assert.equal(view.valLo(k), lo);
            assert.equal(view.valHi(k), hi);
          }
          const v = new CQEView();
          v.userDataLo = ce.lo;
          v.userDataHi = ce.hi;
          assert.ok(v.extended() && v.fullSQE());
          assert.equal(v.extSQE(), ext);
          assert.equal(v.fd(), fd2);
        } finally {
          pools.putIndirect(ind);
          pools.putExtended(ext);
        }
      });
      assert.equal(pools.indirectAvailable(), pools.capacity());
      assert.equal(pools.extendedAvailable(), pools.capacity());
    } finally {
      pools.close();
    }
  });

  reportStat({ kind: "props", layer: "uring", ...propStats });
});
