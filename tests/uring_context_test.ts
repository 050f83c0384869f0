// SQEContext packing over the whole bit range, context pools, typed
// extended user data, and CQE view decoding.

import assert from "node:assert/strict";
import {
  ContextPools,
  CQEView,
  ctx1V1Of,
  ctxOf,
  ctxV1Of,
  DirectCQE,
  forFD,
  packDirect,
  packExtended,
  packIndirect,
  SQEContext,
  sqeContextFromRaw,
  SQEView,
  viewCtx,
} from "../uring/mod.ts";

// Deterministic PRNG (xorshift32) so failures reproduce.
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

Deno.test("SQEContext direct layout: pack/unpack over the whole bit range", async (t) => {
  await t.step("field extremes", () => {
    const fds = [0, 1, 2, 1000, (1 << 29) - 1, -1, -100, -(1 << 29)];
    for (const op of [0, 1, 27, 64, 255]) {
      for (const flags of [0, 1, 0x20, 0x7f, 0xff]) {
        for (const bg of [0, 1, 0x1234, 0xfffe, 0xffff]) {
          for (const fd of fds) {
            const c = packDirect(op, flags, bg, fd);
            assert.equal(c.op(), op);
            assert.equal(c.flags(), flags);
            assert.equal(c.bufGroup(), bg);
            assert.equal(c.fd(), fd);
            assert.equal(c.mode(), 0);
            assert.ok(c.isDirect());
            // Bit positions of the spec: op 0-7, flags 8-15, group 16-31,
            // fd 32-61, mode 62-63.
            const raw = c.raw();
            assert.equal(raw & 0xffn, BigInt(op));
            assert.equal((raw >> 8n) & 0xffn, BigInt(flags));
            assert.equal((raw >> 16n) & 0xffffn, BigInt(bg));
            assert.equal((raw >> 32n) & 0x3fffffffn, BigInt(fd & 0x3fffffff));
            assert.equal(raw >> 62n, 0n);
            assert.ok(sqeContextFromRaw(raw).equals(c));
          }
        }
      }
    }
  });
  await t.step(
    "100k random contexts round-trip through raw and builders",
    () => {
      const r = rng(12345);
      for (let k = 0; k < 100_000; k++) {
        const op = r() & 0xff;
        const flags = r() & 0xff;
        const bg = r() & 0xffff;
        const fd = ((r() & 0x3fffffff) << 2) >> 2; // any 30-bit signed value
        const c = forFD(fd).withOp(op).withFlags(flags).withBufGroup(bg);
        assert.ok(c.equals(packDirect(op, flags, bg, fd)));
        assert.equal(c.fd(), fd);
        const back = sqeContextFromRaw(c.raw());
        assert.equal(back.lo, c.lo);
        assert.equal(back.hi, c.hi);
        assert.equal(back.op(), op);
        assert.equal(back.bufGroup(), bg);
        // Each builder replaces only its own field.
        const d = c.withFD(5);
        assert.equal(d.op(), op);
        assert.equal(d.flags(), flags);
        assert.equal(d.bufGroup(), bg);
        assert.equal(d.fd(), 5);
      }
    },
  );
  await t.step("withFlags replaces the whole flag set; hasBufferSelect", () => {
    const c = forFD(3).withFlags(0x21).withFlags(0x04);
    assert.equal(c.flags(), 0x04);
    assert.equal(c.hasBufferSelect(), false);
    assert.equal(c.withFlags(0x20).hasBufferSelect(), true);
  });
  await t.step("assignDirect rewrites in place; assignRaw", () => {
    const c = new SQEContext();
    assert.equal(c.assignDirect(1, 2, 3, -4), c);
    assert.deepEqual([c.op(), c.flags(), c.bufGroup(), c.fd()], [1, 2, 3, -4]);
    c.assignRaw(0xffffffff, 0x3fffffff);
    assert.equal(c.fd(), -1);
    assert.equal(c.bufGroup(), 0xffff);
  });
  await t.step("bad input is rejected", () => {
    assert.throws(() => packDirect(256, 0, 0, 0), RangeError);
    assert.throws(() => packDirect(0, -1, 0, 0), RangeError);
    assert.throws(() => packDirect(0, 0, 0x10000, 0), RangeError);
    assert.throws(() => forFD(1 << 29), RangeError);
    assert.throws(() => forFD(1.5), RangeError);
    assert.throws(() => sqeContextFromRaw(-1n), RangeError);
    assert.throws(() => sqeContextFromRaw(1n << 64n), RangeError);
  });
});

Deno.test("ContextPools: borrow, put, reset, exhaustion, modes", async (t) => {
  using pools = new ContextPools(4);
  await t.step("counts", () => {
    assert.equal(pools.capacity(), 4);
    assert.equal(pools.indirectAvailable(), 4);
    assert.equal(pools.extendedAvailable(), 4);
    const got = [
      pools.extended(),
      pools.extended(),
      pools.extended(),
      pools.extended(),
    ];
    assert.equal(pools.extended(), null);
    assert.equal(pools.extendedAvailable(), 0);
    for (const e of got) pools.putExtended(e!);
    assert.equal(pools.extendedAvailable(), 4);
    const i = pools.indirect()!;
    assert.equal(pools.indirectAvailable(), 3);
    pools.putIndirect(i);
    assert.throws(() => pools.putIndirect(i), TypeError); // double put
  });
  await t.step("indirect and extended contexts name their slot", () => {
    const ind = pools.indirect()!;
    const ext = pools.extended()!;
    const ci = packIndirect(ind);
    const ce = packExtended(ext);
    assert.ok(ci.isIndirect() && !ci.isDirect() && ci.mode() === 1);
    assert.ok(ce.isExtended() && ce.mode() === 2);
    assert.equal(ci.raw() >> 62n, 1n);
    assert.equal(ce.raw() >> 62n, 2n);
    assert.equal(ci.indirectSQE(), ind);
    assert.equal(ce.extSQE(), ext);
    assert.equal(sqeContextFromRaw(ce.raw()).extSQE(), ext);
    ext.fd = 42;
    assert.equal(ce.fd(), 42);
    assert.throws(() => ce.withOp(1), TypeError);
    assert.throws(() => ci.extSQE(), TypeError);
    pools.putIndirect(ind);
    pools.putExtended(ext);
  });
  await t.step("reset makes every slot available", () => {
    pools.extended();
    pools.indirect();
    pools.reset();
    assert.equal(pools.extendedAvailable(), 4);
    assert.equal(pools.indirectAvailable(), 4);
  });
  await t.step("slots of another pool are refused", () => {
    using other = new ContextPools(1);
    const e = other.extended()!;
    assert.throws(() => pools.putExtended(e), TypeError);
    other.putExtended(e);
  });
  await t.step("bad capacity", () => {
    assert.throws(() => new ContextPools(0), RangeError);
    assert.throws(() => new ContextPools(1.5), RangeError);
  });
});

Deno.test("extended user data: Ctx shapes, refs side table released with the slot", () => {
  using pools = new ContextPools(2);
  const ext = pools.extended()!;
  const conn = { id: 1 };
  const v = ctx1V1Of(ext);
  v.fn = () => 1;
  v.ref1 = conn;
  v.val1 = -(2 ** 40) - 3;
  assert.equal(v.ref1, conn);
  assert.equal(v.val1, -(2 ** 40) - 3);
  // Layout: fn at 0, ref1 at 8, val1 at 16 (little-endian int64).
  const dv = new DataView(ext.userData.buffer, ext.userData.byteOffset, 64);
  assert.equal(dv.getBigInt64(16, true), BigInt(-(2 ** 40) - 3));
  assert.equal(v.data.byteLength, 64 - 24);
  assert.equal(v.data.byteOffset, ext.userData.byteOffset + 24);
  // Same slot, other shapes: views are reshaped, not allocated.
  const w = ctxV1Of(ext);
  assert.equal(w, v);
  assert.equal(w.refCount, 0);
  assert.equal(w.valCount, 1);
  assert.throws(() => w.ref(1), RangeError);
  const x = viewCtx(ext, 2).vals(3);
  x.setValHalves(3, 0xdeadbeef, 0x12345678);
  assert.equal(x.valLo(3), 0xdeadbeef);
  assert.equal(x.valHi(3), 0x12345678);
  assert.equal(dv.getUint32(8 + 16 + 16 + 0, true), 0xdeadbeef);
  assert.equal(x.data.byteLength, 16); // 64 - fn 8 - 2 refs - 3 vals
  assert.throws(() => ctxOf(ext, 4, 4), RangeError);
  assert.throws(() => x.setVal(1, 2 ** 60), RangeError);
  pools.putExtended(ext);
  assert.deepEqual(ext.refs, new Array(8).fill(undefined));
  const again = pools.extended()!;
  assert.deepEqual(again.userData, new Uint8Array(64)); // zeroed on borrow
  pools.putExtended(again);
});

Deno.test("closed pools: slots and contexts throw instead of reading stale state", () => {
  const pools = new ContextPools(1);
  const ext = pools.extended()!;
  const ctx = ext.context;
  pools.close();
  pools.close(); // idempotent
  assert.throws(() => ext.fd, { name: "RingClosedError" });
  assert.throws(() => ctxV1Of(ext), { name: "RingClosedError" });
  assert.throws(() => ctx.fd(), { name: "RingClosedError" });
  assert.throws(() => pools.extended(), { name: "RingClosedError" });
});

Deno.test("CQEView / DirectCQE decode flags and contexts", () => {
  const v = new CQEView();
  const c = packDirect(27, 0x20, 9, 77);
  v.userDataLo = c.lo;
  v.userDataHi = c.hi;
  v.res = 128;
  v.flags = (5 << 16) | 0x1 | 0x2 | 0x4 | 0x8 | 0x10;
  assert.equal(v.op(), 27);
  assert.equal(v.sqeFlags(), 0x20);
  assert.equal(v.fd(), 77);
  assert.equal(v.bufGroup(), 9);
  assert.equal(v.bufID(), 5);
  assert.ok(v.hasBuffer() && v.hasMore() && v.socketNonEmpty());
  assert.ok(v.isNotification() && v.hasBufferMore() && v.isSuccess());
  assert.equal(v.extended(), false);
  assert.equal(v.fullSQE(), false);
  assert.equal(v.sqe().valid(), false);
  assert.ok(v.context().equals(c));
  const target = new SQEContext();
  assert.equal(v.contextInto(target), target);
  assert.ok(target.equals(c));
  assert.throws(() => v.extSQE(), TypeError);
  v.res = -104;
  assert.throws(() => v.throwIfError("recv"), {
    name: "UringError",
    code: "ECONNRESET",
  });
  v.flags = 0;
  assert.ok(!v.hasBuffer() && !v.hasMore() && !v.isNotification());
  assert.equal(CQEView.array(3).length, 3);
  assert.throws(() => CQEView.array(0), RangeError);
  assert.equal(DirectCQE.array(2).length, 2);
  assert.throws(() => new SQEView(null).opcode(), TypeError);
});

Deno.test("uring context: ScopedExtSQE, withExtSQE, mustExtSQE return what they borrow", async () => {
  const { ctxV1Of, PoolExhaustedError, ScopedExtSQE, Uring, UringError } =
    await import("../uring/mod.ts");
  using ring = new Uring({ entries: 4 });
  ring.start();
  const cap = ring.pools.capacity();
  const free = () => ring.pools.extendedAvailable();
  {
    using scope = ring.newScopedExtSQE();
    assert.ok(scope instanceof ScopedExtSQE && scope.valid());
    ctxV1Of(scope.ext!).val1 = 9;
    assert.equal(free(), cap - 1);
  }
  assert.equal(free(), cap, "released at the end of the block");
  // Submitted: the completion owns it; release is a no-op.
  const scope = ring.newScopedExtSQE();
  assert.ok(ring.nop(scope.ext!.context));
  scope.submitted();
  scope.release();
  assert.equal(scope.valid(), false);
  assert.equal(free(), cap - 1);
  const cqes = [new CQEView()];
  assert.equal(ring.waitBlocking(cqes, 1, 1000), 1);
  assert.ok(cqes[0].extended());
  assert.equal(ctxV1Of(cqes[0].extSQE()).val1, 0);
  ring.putExtSQE(cqes[0].extSQE());
  assert.equal(free(), cap);
  // withExtSQE keeps the context only when fn reports a submission.
  assert.equal(ring.withExtSQE(() => false), false);
  assert.equal(free(), cap);
  assert.throws(() =>
    ring.withExtSQE(() => {
      throw new Error("boom");
    })
  );
  assert.equal(free(), cap, "returned after a throw");
  assert.ok(ring.withExtSQE((ext) => ring.nop(ext.context)));
  assert.equal(free(), cap - 1);
  assert.equal(ring.waitBlocking(cqes, 1, 1000), 1);
  ring.putExtSQE(cqes[0].extSQE());
  // Exhaustion: a value for scopes and withExtSQE, an error for mustExtSQE.
  const held = [];
  for (let k = 0; k < cap; k++) held.push(ring.mustExtSQE());
  const empty = ring.newScopedExtSQE();
  assert.equal(empty.ext, null);
  assert.equal(empty.valid(), false);
  empty.release();
  assert.equal(ring.withExtSQE(() => true), false);
  assert.throws(
    () => ring.mustExtSQE(),
    (e) =>
      e instanceof PoolExhaustedError && e instanceof UringError &&
      e.code === "ENOBUFS",
  );
  for (const e of held) ring.putExtSQE(e);
  assert.equal(free(), cap);
  assert.throws(() => ring.withExtSQE(3 as never), TypeError);
});
