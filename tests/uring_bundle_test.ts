// Bundle receives against the real kernel, and BundleIterator's arithmetic
// (count, totalBytes, buffer(i), slot ids with wrap, copyTo, iteration,
// recycle).

import assert from "node:assert/strict";
import {
  BufferRing,
  bundleCount,
  BundleIterator,
  bundleStartId,
  CQEView,
  forFD,
  receiveBundle,
  Uring,
} from "../uring/mod.ts";
import { close, write } from "../zcall/mod.ts";
import { noLeaks, tcpPair } from "./_util/uring.ts";

Deno.test("uring bundle: one CQE spans several buffers, recycle keeps slots aligned", async () => {
  await noLeaks(() => {
    using ring = new Uring({ entries: 16 });
    ring.start();
    using br = BufferRing.register(ring, {
      groupId: 2,
      entries: 8,
      bufferSize: 16,
    });
    const [c, s] = tcpPair();
    try {
      const cqes = [new CQEView()];
      const all: number[] = [];
      let seen = 0;
      for (let round = 0; round < 4; round++) {
        // 40 bytes: 3 buffers (16 + 16 + 8); rounds 3.. wrap around the ring.
        const payload = new Uint8Array(40).map((_, i) =>
          (round * 40 + i) & 0xff
        );
        assert.equal(write(c, payload), 40);
        let got = 0;
        while (got < 40) {
          assert.ok(receiveBundle(ring, forFD(s).withBufGroup(2)));
          let n = 0;
          for (let k = 0; k < 100 && n === 0; k++) {
            n = ring.waitBlocking(cqes, 1, 20);
          }
          assert.equal(n, 1);
          const it = BundleIterator.from(cqes[0], br);
          assert.ok(it);
          assert.equal(it.totalBytes(), cqes[0].res);
          assert.equal(it.count(), bundleCount(cqes[0].res, 16));
          assert.equal(bundleStartId(cqes[0].flags), it.slotId(0));
          for (let i = 0; i < it.count(); i++) {
            assert.equal(
              it.slotId(i),
              (seen + i) & 7,
              "slots follow consumption order",
            );
          }
          const dst = new Uint8Array(it.totalBytes());
          assert.equal(it.copyTo(dst), it.totalBytes());
          const joined = it.collect().flatMap((b) => [...b]);
          assert.deepEqual(joined, [...dst]);
          assert.deepEqual(
            [...it.entries()].map(([id]) => id),
            [...Array(it.count()).keys()].map((i) => it.slotId(i)),
          );
          all.push(...dst);
          got += it.totalBytes();
          seen += it.count();
          it.recycle();
          it.recycle(); // idempotent
          assert.throws(() => it.buffer(0), TypeError);
        }
      }
      assert.deepEqual(all, [...Array(160).keys()].map((i) => i & 0xff));
      assert.ok(seen > 8, "the ring wrapped");
      assert.equal(br.available(), 8, "every buffer returned");
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring bundle: iterator arithmetic and bad input", () => {
  using ring = new Uring({ entries: 8 });
  ring.start();
  using br = BufferRing.register(ring, {
    groupId: 1,
    entries: 4,
    bufferSize: 8,
  });
  const it = BundleIterator.from({ res: 20, flags: (3 << 16) | 1 }, br)!;
  assert.equal(it.count(), 3);
  assert.equal(it.totalBytes(), 20);
  assert.deepEqual([0, 1, 2].map((i) => it.slotId(i)), [3, 0, 1]);
  assert.deepEqual([0, 1, 2].map((i) => it.buffer(i).length), [8, 8, 4]);
  const small = new Uint8Array(10);
  assert.equal(it.copyTo(small), 10);
  assert.throws(() => it.buffer(3), RangeError);
  assert.throws(() => it.slotId(-1), RangeError);
  assert.equal(BundleIterator.from({ res: 0, flags: 1 }, br), null);
  assert.equal(BundleIterator.from({ res: 5, flags: 0 }, br), null);
  assert.equal(BundleIterator.from({ res: -105, flags: 0 }, br), null);
  assert.throws(
    () => BundleIterator.from({ res: 33, flags: 1 }, br),
    RangeError,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => BundleIterator.from(null as any, br), TypeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => it.copyTo([] as any), TypeError);
  assert.throws(() => bundleCount(10, 0), RangeError);
});

Deno.test("uring bundle: fewer buffers than entries (count 3, entries 4) keeps ids and slots apart", async () => {
  await noLeaks(() => {
    using ring = new Uring({ entries: 16 });
    ring.start();
    using br = BufferRing.register(ring, {
      groupId: 4,
      entries: 4,
      count: 3,
      bufferSize: 16,
    });
    const [c, s] = tcpPair();
    try {
      const cqes = [new CQEView()];
      const all: number[] = [];
      const ids: number[] = [];
      for (let round = 0; round < 6; round++) {
        // 20 bytes: 2 buffers (16 + 4); from round 2 on the bundle starts at
        // a slot whose id differs and wraps past the last buffer id.
        const payload = new Uint8Array(20).map((_, i) =>
          (round * 20 + i) & 0xff
        );
        assert.equal(write(c, payload), 20);
        let got = 0;
        while (got < 20) {
          assert.ok(receiveBundle(ring, forFD(s).withBufGroup(4)));
          let n = 0;
          for (let k = 0; k < 100 && n === 0; k++) {
            n = ring.waitBlocking(cqes, 1, 20);
          }
          assert.equal(n, 1);
          assert.ok(cqes[0].res > 0, `res ${cqes[0].res}`);
          const it = BundleIterator.from(cqes[0], br)!;
          assert.equal(it.bufferId(0), bundleStartId(cqes[0].flags));
          for (let i = 0; i < it.count(); i++) {
            assert.equal(it.bufferId(i), br.bufferIdAt(it.slotId(i)));
            ids.push(it.bufferId(i));
          }
          const dst = new Uint8Array(it.totalBytes());
          it.copyTo(dst);
          all.push(...dst);
          got += it.totalBytes();
          it.recycle();
        }
      }
      assert.deepEqual(all, [...Array(120).keys()].map((i) => i & 0xff));
      assert.ok(ids.every((id) => id < 3), "only ids 0..2 exist");
      assert.equal(br.available(), 3, "every buffer returned");
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring bundle: short provided lengths count as their own buffers", () => {
  using ring = new Uring({ entries: 8 });
  ring.start();
  using br = BufferRing.register(ring, {
    groupId: 5,
    entries: 4,
    bufferSize: 8,
    provideAll: false,
  });
  br.provide(2, 3);
  br.provide(0, 8);
  br.provide(1, 5);
  br.advance();
  // 12 bytes from buffer 2: 3 + 8 + 1.
  const it = BundleIterator.from({ res: 12, flags: (2 << 16) | 1 }, br)!;
  assert.equal(it.count(), 3);
  assert.deepEqual([0, 1, 2].map((i) => it.bufferId(i)), [2, 0, 1]);
  assert.deepEqual([0, 1, 2].map((i) => it.slotId(i)), [0, 1, 2]);
  assert.deepEqual([0, 1, 2].map((i) => it.buffer(i).length), [3, 8, 1]);
  assert.throws(
    () => BundleIterator.from({ res: 5, flags: (3 << 16) | 1 }, br),
    RangeError,
    "buffer 3 was never provided",
  );
});
