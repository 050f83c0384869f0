// Provided buffer rings against the real kernel: registration modes,
// provide/advance/recycle, head/available, tiers, bad input, leaks.

import assert from "node:assert/strict";
import {
  BufferGroups,
  BufferRing,
  CQEView,
  forFD,
  IOU_PBUF_RING,
  submitReceiveMultishot,
  Uring,
  UringError,
} from "../uring/mod.ts";
import { close, write } from "../zcall/mod.ts";
import { dec, enc, isMapped, noLeaks, tcpPair } from "./_util/uring.ts";

function startedRing(entries = 16): Uring {
  const r = new Uring({ entries });
  r.start();
  return r;
}

Deno.test("uring buffer ring: registration modes", async (t) => {
  await noLeaks(async () => {
    using ring = startedRing();
    for (const kernelMapped of [false, true]) {
      for (const incremental of [false, true]) {
        await t.step(
          `kernelMapped=${kernelMapped} incremental=${incremental}`,
          () => {
            const br = BufferRing.register(ring, {
              groupId: 9,
              entries: 5, // rounds up to 8
              bufferSize: 100,
              kernelMapped,
              incremental,
            });
            assert.equal(br.entries, 8);
            assert.equal(br.mask, 7);
            assert.equal(br.count, 8);
            assert.equal(br.kernelMapped, kernelMapped);
            assert.equal(br.incremental, incremental);
            assert.equal(br.head(), 0);
            assert.equal(br.available(), 8);
            assert.equal(br.addressOf(3) - br.addressOf(0), 300);
            assert.equal(br.view(2).length, 100);
            // The group id is taken while registered.
            assert.throws(
              () =>
                BufferRing.register(ring, {
                  groupId: 9,
                  entries: 4,
                  bufferSize: 8,
                }),
              (e) => e instanceof UringError && e.code === "EEXIST",
            );
            const base = br.baseAddress;
            assert.ok(isMapped(base));
            const before = br.view(2);
            br.close();
            br.close(); // idempotent
            // The buffers are JavaScript memory: closing detaches every view
            // (the garbage collector frees the memory later).
            assert.equal(before.length, 0, "views detached on close");
            assert.equal(br.registered, false);
            assert.equal(br.view.length, 1);
            assert.throws(() => br.view(0), UringError);
            assert.throws(() => br.recycle(0), UringError);
          },
        );
      }
    }
    assert.equal(IOU_PBUF_RING.MMAP | IOU_PBUF_RING.INC, 3);
  });
});

Deno.test("uring buffer ring: provide, advance, recycle, consumption", async () => {
  await noLeaks(() => {
    using ring = startedRing();
    using br = BufferRing.register(ring, {
      groupId: 1,
      entries: 4,
      bufferSize: 16,
      provideAll: false,
    });
    assert.equal(br.available(), 0);
    br.provide(0);
    br.provide(1);
    assert.equal(br.available(), 0, "not visible before advance");
    assert.equal(br.advance(), 2);
    assert.equal(br.available(), 2);
    assert.equal(br.advance(), 0);
    br.recycle(2);
    assert.equal(br.available(), 3);

    // The kernel consumes from head: one receive takes buffer 0.
    const [c, s] = tcpPair();
    try {
      const cqes = [new CQEView(), new CQEView()];
      assert.ok(submitReceiveMultishot(ring, forFD(s).withBufGroup(1), null));
      ring.submit();
      write(c, enc("abc"));
      let n = 0;
      for (let i = 0; i < 200 && n === 0; i++) {
        n = ring.waitBlocking(cqes, 1, 20);
      }
      assert.equal(n, 1);
      assert.ok(cqes[0].hasBuffer());
      assert.equal(cqes[0].res, 3);
      const bid = cqes[0].bufID();
      assert.equal(bid, 0);
      assert.equal(dec(br.view(bid).subarray(0, 3)), "abc");
      assert.equal(br.head(), 1);
      assert.equal(br.available(), 2);
      br.recycle(bid);
      assert.equal(br.available(), 3);
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring buffer ring: bad input", () => {
  using ring = startedRing();
  assert.throws(
    () => BufferRing.register(ring, { groupId: -1, entries: 4, bufferSize: 8 }),
    RangeError,
  );
  assert.throws(
    () =>
      BufferRing.register(ring, { groupId: 70000, entries: 4, bufferSize: 8 }),
    RangeError,
  );
  assert.throws(
    () => BufferRing.register(ring, { groupId: 1, entries: 0, bufferSize: 8 }),
    RangeError,
  );
  assert.throws(
    () =>
      BufferRing.register(ring, { groupId: 1, entries: 40000, bufferSize: 8 }),
    RangeError,
  );
  assert.throws(
    () => BufferRing.register(ring, { groupId: 1, entries: 4, bufferSize: 0 }),
    RangeError,
  );
  assert.throws(
    () =>
      BufferRing.register(ring, {
        groupId: 1,
        entries: 4,
        bufferSize: 8,
        count: 5,
      }),
    RangeError,
  );
  assert.throws(
    () =>
      BufferRing.register({ fd: -1 }, {
        groupId: 1,
        entries: 4,
        bufferSize: 8,
      }),
    RangeError,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => BufferRing.register(ring, null as any), TypeError);
  using br = BufferRing.register(ring, {
    groupId: 2,
    entries: 4,
    bufferSize: 8,
    provideAll: false,
  });
  assert.throws(() => br.provide(4), RangeError);
  assert.throws(() => br.provide(0, 9), RangeError);
  assert.throws(() => br.provide(1.5), RangeError);
  assert.throws(() => br.view(-1), RangeError);
  for (let i = 0; i < 4; i++) br.provide(i);
  assert.throws(() => br.provide(0), RangeError, "more than ring entries");
});

Deno.test("uring buffer ring: multi-size groups", async () => {
  await noLeaks(() => {
    using ring = startedRing();
    using groups = BufferGroups.register(ring, {
      config: { picoNum: 64, smallNum: 16, largeNum: 2 },
      groupIdOffset: 100,
    });
    assert.deepEqual(
      groups.rings.map((r) => [r.groupId, r.bufferSize, r.count]),
      [[100, 32, 64], [103, 2048, 16], [106, 131072, 2]],
    );
    assert.equal(groups.forSize(1).bufferSize, 32);
    assert.equal(groups.forSize(100).bufferSize, 2048);
    assert.equal(groups.forSize(1 << 30).bufferSize, 131072);
    assert.equal(groups.group(103)?.bufferSize, 2048);
    assert.equal(groups.group(101), undefined);
    const scaled = BufferGroups.register(ring, {
      config: { nanoNum: 4 },
      scale: 2,
      groupIdOffset: 200,
    });
    assert.equal(scaled.rings[0].count, 8);
    assert.equal(scaled.rings[0].groupId, 201);
    scaled.close();
    assert.throws(
      () => BufferGroups.register(ring, { config: {} }),
      RangeError,
    );
    assert.throws(() => BufferGroups.register(ring, { scale: 0 }), RangeError);
  });
});

Deno.test("uring buffer ring: incremental consumption (IOU_PBUF_RING_INC)", async () => {
  const {
    IncrementalReceiver,
    NoopIncrementalHandler,
    dispatchCQE,
    receiveMultishot,
    MultishotSubscriber,
    MultishotAction,
  } = await import("../uring/mod.ts");
  await noLeaks(() => {
    using ring = startedRing();
    using br = BufferRing.register(ring, {
      groupId: 5,
      entries: 2,
      bufferSize: 64,
      incremental: true,
    });
    const frags: [string, boolean, number][] = [];
    let completes = 0;
    class H extends NoopIncrementalHandler {
      override onData(b: Uint8Array, more: boolean) {
        frags.push([dec(b), more, (b.byteOffset - br.view(0).byteOffset) % 64]);
      }
      override onComplete() {
        completes++;
      }
    }
    const rx = new IncrementalReceiver(br, new H());
    const [c, s] = tcpPair();
    try {
      const sub = receiveMultishot(
        ring,
        forFD(s).withBufGroup(5),
        new MultishotSubscriber().onStep((st) => {
          rx.handleCQE(st.cqe);
          return MultishotAction.Continue;
        }),
      );
      ring.submit();
      const cqes = [new CQEView(), new CQEView(), new CQEView()];
      const pump = (want: number) => {
        for (let i = 0; i < 100 && frags.length < want; i++) {
          const n = ring.waitBlocking(cqes, 1, 10);
          for (let k = 0; k < n; k++) dispatchCQE(cqes[k]);
        }
      };
      write(c, enc("aaaa"));
      pump(1);
      write(c, enc("bbbbbb"));
      pump(2);
      assert.deepEqual(frags.slice(0, 2), [["aaaa", true, 0], [
        "bbbbbb",
        true,
        4,
      ]]);
      assert.equal(rx.offset(0), 10);
      // Fill the rest of buffer 0: the kernel finishes it and moves on.
      write(c, new Uint8Array(60).fill(99));
      pump(4);
      const total = frags.slice(2).reduce((a, f) => a + f[0].length, 0);
      assert.equal(total, 60);
      assert.equal(frags[2][2], 10, "appended after the previous fragment");
      close(c); // EOF
      for (let i = 0; i < 100 && sub.active(); i++) {
        const n = ring.waitBlocking(cqes, 1, 10);
        for (let k = 0; k < n; k++) dispatchCQE(cqes[k]);
      }
      assert.equal(completes, 1);
      assert.throws(() => new IncrementalReceiver(br, {} as never), TypeError);
      using plain = BufferRing.register(ring, {
        groupId: 6,
        entries: 2,
        bufferSize: 8,
      });
      assert.throws(() => new IncrementalReceiver(plain, new H()), TypeError);
    } finally {
      close(s);
    }
  });
});

Deno.test("uring buffer ring: IncrementalReceiver.recv, IncrementalSubscriber, ownership", async () => {
  const {
    IncrementalReceiver,
    IncrementalSubscriber,
    dispatchCQE,
    packDirect,
    UringError,
  } = await import("../uring/mod.ts");
  const { IORING_OP, IOSQE } = await import("../zcall/mod.ts");
  await noLeaks(() => {
    using ring = startedRing();
    using br = BufferRing.register(ring, {
      groupId: 9,
      entries: 2,
      bufferSize: 32,
      incremental: true,
    });
    using other = BufferRing.register(ring, {
      groupId: 10,
      entries: 2,
      bufferSize: 32,
      incremental: true,
    });
    const got: string[] = [];
    const errors: string[] = [];
    let completes = 0;
    const sub = new IncrementalSubscriber()
      .onData((b, more) => got.push(`${dec(b)}${more ? "+" : ""}`))
      .onComplete(() => completes++)
      .onError((e) => errors.push(e.code));
    assert.equal(sub.handler(), sub);
    const rx = new IncrementalReceiver(br);
    const rxOther = new IncrementalReceiver(other);
    assert.equal(rx.groupId, 9);
    const [c, s] = tcpPair();
    try {
      const ctx = rx.recv(ring, s, sub);
      assert.ok(ctx !== null && ctx.isExtended());
      const cqes = CQEView.array(4);
      const pump = (done: () => boolean) => {
        for (let i = 0; i < 100 && !done(); i++) {
          const n = ring.waitBlocking(cqes, 1, 10);
          for (let k = 0; k < n; k++) {
            // Another receiver never takes this one's completions.
            assert.equal(rxOther.handleCQE(cqes[k]), false);
            assert.ok(dispatchCQE(cqes[k]), "routed to rx");
          }
        }
      };
      write(c, enc("hello"));
      pump(() => got.length >= 1);
      write(c, enc(" world"));
      pump(() => got.length >= 2);
      assert.deepEqual(got, ["hello+", " world+"]);
      assert.equal(rx.offset(0), 11);
      close(c);
      pump(() => completes === 1);
      assert.equal(completes, 1, "one completion at EOF");
      assert.deepEqual(errors, []);
      assert.equal(ring.pools.extendedAvailable(), ring.pools.capacity());
      // Completions that are not this group's buffer-selected receives are
      // left alone, whatever their buffer flag says.
      const fake = new CQEView();
      fake.res = 3;
      fake.flags = 1; // IORING_CQE_F_BUFFER, buffer 0
      fake.userDataLo = packDirect(IORING_OP.RECV, IOSQE.BUFFER_SELECT, 10, s)
        .lo;
      fake.userDataHi = s;
      assert.equal(rx.handleCQE(fake), false, "another group");
      fake.userDataLo = packDirect(IORING_OP.READ, IOSQE.BUFFER_SELECT, 9, s)
        .lo;
      assert.equal(rx.handleCQE(fake), false, "not a receive");
      // The constructor's handler serves receives submitted elsewhere.
      assert.throws(
        () =>
          rx.handleCQE(
            Object.assign(fake, {
              userDataLo:
                packDirect(IORING_OP.RECV, IOSQE.BUFFER_SELECT, 9, s).lo,
            }),
          ),
        TypeError,
        "no handler",
      );
      assert.throws(() => rx.recv(ring, s), TypeError);
      assert.throws(() => rx.recv(ring, -1, sub), RangeError);
      assert.throws(() => rx.handleCQE({} as never), TypeError);
      assert.throws(() => sub.onError(3 as never), TypeError);
      assert.ok(new UringError("x", -1) instanceof UringError);
    } finally {
      close(s);
    }
  });
});
