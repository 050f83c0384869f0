// Buffers from the ring options: start() allocates and registers the
// read-buffer group, the multi-size groups and the write buffers the
// options describe, and buffer-selected receives use them.

import assert from "node:assert/strict";
import {
  BufferSize,
  CQEView,
  forFD,
  MiB,
  minimalBufferGroupsConfig,
  optionsForBudget,
  receiveBundle,
  RegisterBufferPool,
  RingClosedError,
  Uring,
  UringError,
} from "../uring/mod.ts";
import { close, pipe2, read, write } from "../zcall/mod.ts";
import { noLeaks, tcpPair } from "./_util/uring.ts";

function recvOne(ring: Uring, group: number, fd: number): CQEView {
  const cqes = [new CQEView()];
  assert.ok(ring.receive(forFD(fd).withBufGroup(group), null));
  let n = 0;
  for (let k = 0; k < 100 && n === 0; k++) n = ring.waitBlocking(cqes, 1, 20);
  assert.equal(n, 1);
  return cqes[0];
}

Deno.test("uring ring buffers: readBufferNum gives a group a buffer-selected receive uses", async () => {
  await noLeaks(() => {
    using ring = new Uring({
      entries: 16,
      readBufferNum: 16,
      readBufferSize: 512,
      readBufferGidOffset: 7,
    });
    assert.equal(ring.buffers.read, null, "nothing before start()");
    ring.start();
    const br = ring.buffers.read!;
    assert.equal(br.groupId, 7);
    assert.equal(br.count, 16);
    assert.equal(br.bufferSize, 512);
    assert.equal(br.available(), 16);
    assert.equal(ring.buffers.groups, null);
    assert.equal(ring.buffers.write, null);
    const [c, s] = tcpPair();
    try {
      for (let round = 0; round < 40; round++) {
        const msg = new TextEncoder().encode(`message ${round}`);
        assert.equal(write(c, msg), msg.length);
        const cqe = recvOne(ring, 7, s);
        assert.equal(cqe.res, msg.length, `res ${cqe.res} (ENOBUFS is -105)`);
        assert.ok(cqe.hasBuffer());
        assert.equal(cqe.bufGroup(), 7);
        assert.deepEqual(ring.buffers.data(cqe), msg);
        ring.buffers.recycle(cqe);
      }
      assert.equal(br.available(), 16, "every buffer recycled");
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring ring buffers: multi-size groups, presets, write buffers", async (t) => {
  await t.step("multiSizeBuffer registers each enabled tier", () => {
    using ring = new Uring({
      entries: 16,
      readBufferNum: 4,
      multiSizeBuffer: 2,
      bufferGroups: {
        ...minimalBufferGroupsConfig(),
        picoNum: 8,
        nanoNum: 0,
        microNum: 4,
        smallNum: 0,
        mediumNum: 1,
      },
    });
    ring.start();
    const g = ring.buffers.groups!;
    assert.deepEqual(
      g.rings.map((r) => [r.groupId, r.bufferSize, r.count]),
      [
        [1, BufferSize.PICO, 16],
        [3, BufferSize.MICRO, 8],
        [5, BufferSize.MEDIUM, 2],
      ],
    );
    assert.equal(ring.buffers.group(0), ring.buffers.read);
    assert.equal(ring.buffers.group(3)!.available(), 8);
    const [c, s] = tcpPair();
    try {
      const msg = new Uint8Array(300).fill(9);
      assert.equal(write(c, msg), 300);
      const group = g.forSize(300).groupId;
      assert.equal(group, 3);
      const cqe = recvOne(ring, group, s);
      assert.equal(cqe.res, 300);
      assert.deepEqual(ring.buffers.data(cqe), msg);
      ring.buffers.recycle(cqe);
    } finally {
      close(c);
      close(s);
    }
  });

  await t.step(
    "optionsForBudget registers its groups and locked memory",
    () => {
      const o = optionsForBudget(64 * MiB);
      using ring = new Uring(o);
      ring.start();
      const g = ring.buffers.groups!;
      assert.ok(g.rings.length >= 5, `${g.rings.length} tiers`);
      assert.equal(
        g.rings[0].count,
        Math.min(32768, o.bufferGroups.picoNum * o.multiSizeBuffer),
      );
      assert.ok(ring.registeredBufferCount() > 0);
    },
  );

  await t.step(
    "writeBufferNum: registered after the locked pieces, pooled",
    () => {
      using ring = new Uring({
        entries: 8,
        lockedBufferMem: 2 * 4096,
        writeBufferNum: 3,
        writeBufferSize: 1000,
      });
      ring.start();
      const pool = ring.buffers.write!;
      assert.equal(ring.registeredBufferCount(), 5);
      assert.equal(pool.firstIndex, 2);
      const got = [pool.acquire(), pool.acquire(), pool.acquire()];
      assert.deepEqual(got.sort(), [2, 3, 4]);
      assert.equal(pool.acquire(), -1, "exhausted is a value");
      assert.equal(pool.view(3).byteLength, 1000);
      assert.equal(ring.registeredBuffer(3)!.byteLength, 1000);
      pool.release(3);
      assert.throws(() => pool.release(3), UringError);
      assert.throws(() => pool.view(5), RangeError);
      assert.equal(pool.available(), 1);
      // A fixed write from a pool buffer into a pipe.
      const fds = new Int32Array(2);
      assert.equal(pipe2(fds, 0), 0);
      try {
        const idx = pool.acquire();
        pool.view(idx).set(new TextEncoder().encode("fixed"));
        assert.ok(ring.writeFixed(forFD(fds[1]), idx, 5));
        const cqes = [new CQEView()];
        assert.equal(ring.waitBlocking(cqes, 1, 1000), 1);
        assert.equal(cqes[0].res, 5);
        const got = new Uint8Array(5);
        assert.equal(read(fds[0], got), 5);
        assert.equal(new TextDecoder().decode(got), "fixed");
        pool.release(idx);
      } finally {
        close(fds[0]);
        close(fds[1]);
      }
    },
  );

  await t.step("stop() releases everything; the accessors throw", () => {
    const ring = new Uring({ entries: 8, readBufferNum: 2, writeBufferNum: 1 });
    ring.start();
    const view = ring.buffers.read!.view(0);
    const w = ring.buffers.write!;
    ring.stop();
    assert.equal(view.byteLength, 0, "views detached");
    assert.throws(() => ring.buffers, RingClosedError);
    assert.throws(() => w.view(w.firstIndex), UringError);
  });

  await t.step("a taken group id fails start() cleanly", () => {
    using ring = new Uring({
      entries: 8,
      readBufferNum: 2,
      readBufferGidOffset: 65535,
      multiSizeBuffer: 1,
    });
    assert.throws(() => ring.start(), RangeError);
    assert.equal(ring.started, false);
  });
});

Deno.test("uring ring buffers: registerBufferPool registers a filled pool for fixed I/O", () => {
  using ring = new Uring({ entries: 8 });
  ring.start();
  const pool = new RegisterBufferPool(4).fill();
  assert.equal(pool.firstIndex, -1);
  assert.equal(pool.acquire(), -1, "nothing to hand out before registration");
  ring.registerBufferPool(pool);
  assert.equal(ring.registeredBufferCount(), 4);
  assert.equal(pool.bufferSize, 4096);
  assert.throws(() => ring.registerBufferPool(pool), TypeError);
  const fds = new Int32Array(2);
  assert.equal(pipe2(fds, 0), 0);
  try {
    const a = pool.acquire();
    const b = pool.acquire();
    pool.view(a).set(new TextEncoder().encode("pooled"));
    assert.ok(ring.writeFixed(forFD(fds[1]), a, 6));
    const cqes = [new CQEView()];
    assert.equal(ring.waitBlocking(cqes, 1, 1000), 1);
    assert.equal(cqes[0].res, 6);
    assert.ok(ring.readFixed(forFD(fds[0]), b, { n: 6 }));
    assert.equal(ring.waitBlocking(cqes, 1, 1000), 1);
    assert.equal(
      new TextDecoder().decode(pool.view(b).subarray(0, 6)),
      "pooled",
    );
    pool.release(a);
    pool.release(b);
    assert.equal(pool.available(), 4);
  } finally {
    close(fds[0]);
    close(fds[1]);
  }
  // A factory pool: caller-made buffers.
  using ring2 = new Uring({ entries: 8, lockedBufferMem: 4096 });
  ring2.start();
  const mine = new RegisterBufferPool(2, 100).fill(() => new Uint8Array(100));
  assert.throws(
    () => ring2.registerBufferPool(mine),
    UringError,
    "table taken",
  );
  assert.throws(() => mine.fill(), UringError, "already filled");
  assert.throws(() => new RegisterBufferPool(0), RangeError);
  assert.throws(
    () => new RegisterBufferPool(2).fill(() => 5 as never),
    TypeError,
  );
  const v = pool.view(0);
  ring.stop();
  assert.equal(v.byteLength, 0, "detached at stop");
});

Deno.test("uring ring buffers: bundle receives on the read group", async () => {
  await noLeaks(() => {
    using ring = new Uring({
      entries: 8,
      readBufferNum: 4,
      readBufferSize: 8,
      readBufferGidOffset: 2,
    });
    ring.start();
    const [c, s] = tcpPair();
    try {
      assert.equal(write(c, new Uint8Array(20).fill(5)), 20);
      assert.ok(receiveBundle(ring, forFD(s).withBufGroup(2)));
      const cqes = [new CQEView()];
      assert.equal(ring.waitBlocking(cqes, 1, 2000), 1);
      const it = ring.buffers.bundle(cqes[0])!;
      assert.equal(it.totalBytes(), cqes[0].res);
      assert.equal(it.count(), Math.ceil(cqes[0].res / 8));
      it.recycle();
      assert.equal(ring.buffers.read!.available(), 4);
      cqes[0].res = 0;
      assert.equal(ring.buffers.bundle(cqes[0]), null);
    } finally {
      close(c);
      close(s);
    }
  });
});
