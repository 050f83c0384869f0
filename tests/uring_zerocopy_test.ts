// Zero-copy sends against the real kernel: the two-CQE lifecycle, the
// buffer released only after the notification, the "copied instead" usage
// flag (loopback always copies), errors, and the multicast helpers.

import assert from "node:assert/strict";
import {
  CQEView,
  dispatchCQE,
  multicast,
  multicastZCThreshold,
  multicastZeroCopy,
  multicastZeroCopyThreshold,
  NoopZCHandler,
  packDirect,
  Uring,
  ZCSubscriber,
  ZCTracker,
} from "../uring/mod.ts";
import { close, IORING_OP, read } from "../zcall/mod.ts";
import { noLeaks, tcpPair } from "./_util/uring.ts";

const cqes = Array.from({ length: 32 }, () => new CQEView());

function pump(
  ring: Uring,
  done: () => boolean,
  other?: (c: CQEView) => void,
): void {
  for (let i = 0; i < 300 && !done(); i++) {
    const n = ring.waitBlocking(cqes, 1, 10);
    for (let k = 0; k < n; k++) if (!dispatchCQE(cqes[k])) other?.(cqes[k]);
  }
}

function drain(fd: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = read(fd, out.subarray(got));
    if (r <= 0) throw new Error(`read ${r}`);
    got += r;
  }
  return out;
}

Deno.test("uring zerocopy: two-CQE lifecycle, copied flag, handleCQE", async () => {
  await noLeaks(() => {
    using ring = new Uring({ entries: 16 });
    ring.start();
    const zc = new ZCTracker(ring);
    const [c, s] = tcpPair();
    try {
      const events: string[] = [];
      let copied: boolean | undefined;
      const buf = new Uint8Array(100_000).map((_, i) => i % 253);
      assert.ok(zc.sendZC(
        c,
        buf,
        new ZCSubscriber()
          .onCompleted((r) => events.push(`completed ${r}`))
          .onNotification((r, cp) => {
            events.push(`notified ${r}`);
            copied = cp;
          }),
      ));
      assert.equal(zc.inflight, 1);
      ring.submit();
      // Read on the other side while reaping (a large send may wait for room).
      const got = new Uint8Array(buf.length);
      let off = 0;
      pump(ring, () => {
        while (off < buf.length) {
          const r = read(s, got.subarray(off));
          if (r <= 0) break;
          off += r;
          if (off === buf.length) break;
        }
        return zc.inflight === 0;
      });
      assert.deepEqual(events, [
        `completed ${buf.length}`,
        `notified ${buf.length}`,
      ]);
      assert.equal(copied, true, "loopback copies instead of zero-copy");
      assert.equal(zc.inflight, 0);
      if (off < buf.length) got.set(drain(s, buf.length - off), off);
      assert.deepEqual(got, buf);

      // The tracker's own router, and a failing send: both events, once.
      let completedRes = 0;
      let notes = 0;
      class H extends NoopZCHandler {
        override onCompleted(r: number) {
          completedRes = r;
        }
        override onNotification() {
          notes++;
        }
      }
      assert.ok(zc.sendZC(9999, new Uint8Array(8), new H()));
      ring.submit();
      for (let i = 0; i < 100 && zc.inflight > 0; i++) {
        const n = ring.waitBlocking(cqes, 1, 10);
        for (let k = 0; k < n; k++) assert.ok(zc.handleCQE(cqes[k]));
      }
      assert.equal(completedRes, -9);
      assert.equal(notes, 1);
      assert.equal(
        zc.handleCQE(Object.assign(new CQEView(), { userDataHi: 0 })),
        false,
      );
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring zerocopy: sendMsgZC and bad input", async () => {
  const { Msghdr } = await import("../zcall/mod.ts");
  using ring = new Uring({ entries: 16 });
  ring.start();
  const zc = new ZCTracker(ring);
  const [c, s] = tcpPair();
  try {
    const data = new TextEncoder().encode("zero-copy msg");
    const msg = new Msghdr().setBuffers([data]);
    let done = false;
    assert.ok(
      zc.sendMsgZC(
        c,
        msg,
        new ZCSubscriber().onNotification(() => done = true),
      ),
    );
    ring.submit();
    pump(ring, () => done);
    assert.ok(done);
    assert.equal(
      new TextDecoder().decode(drain(s, data.length)),
      "zero-copy msg",
    );
    assert.throws(
      () => zc.sendZC(-1, new Uint8Array(1), new NoopZCHandler()),
      RangeError,
    );
    assert.throws(
      () => zc.sendZC(c, [] as never, new NoopZCHandler()),
      TypeError,
    );
    // deno-lint-ignore no-explicit-any
    assert.throws(() => zc.sendZC(c, new Uint8Array(1), {} as any), TypeError);
    assert.throws(
      () => zc.sendZC(c, new Uint8Array(1), new NoopZCHandler(), { n: 2 }),
      RangeError,
    );
    assert.throws(
      () => zc.sendZCFixed(c, 0, 0, 1, new NoopZCHandler()),
      RangeError,
    );
    // deno-lint-ignore no-explicit-any
    assert.throws(() => new ZCTracker({} as any), TypeError);
    assert.throws(() => new ZCSubscriber().onCompleted(1 as never), TypeError);
  } finally {
    close(c);
    close(s);
  }
});

Deno.test("uring zerocopy: multicast helpers", async () => {
  await noLeaks(() => {
    using ring = new Uring({ entries: 64, lockedBufferMem: 64 * 1024 });
    ring.start();
    const pairs = [tcpPair(), tcpPair(), tcpPair()];
    try {
      const targets = pairs.map(([c]) => c);
      // Small payload: plain copies.
      const small = new TextEncoder().encode("tick");
      const results: number[] = [];
      assert.equal(
        multicast(
          ring,
          packDirect(IORING_OP.SEND, 0, 0, 0),
          targets,
          -1,
          small,
          0,
          small.length,
        ),
        3,
      );
      ring.submit();
      pump(ring, () => results.length === 3, (cqe) => {
        assert.equal(cqe.op(), IORING_OP.SEND);
        assert.ok(targets.includes(cqe.fd()));
        results.push(cqe.res);
      });
      assert.deepEqual(results, [4, 4, 4]);
      for (const [, s] of pairs) {
        assert.equal(new TextDecoder().decode(drain(s, 4)), "tick");
      }

      // Registered buffer, aggressive thresholds: zero-copy (two CQEs each).
      const reg = ring.registeredBuffer(0)!;
      reg.fill(7, 0, 2048);
      assert.equal(
        multicastZeroCopy(
          ring,
          packDirect(IORING_OP.SEND_ZC, 0, 0, 0),
          {
            count: () => targets.length,
            fd: (i) => targets[i],
          },
          0,
          0,
          2048,
        ),
        3,
      );
      ring.submit();
      let sends = 0;
      let notifs = 0;
      pump(ring, () => notifs === 3, (cqe) => {
        assert.equal(cqe.op(), IORING_OP.SEND_ZC);
        if (cqe.isNotification()) notifs++;
        else {
          assert.equal(cqe.res, 2048);
          sends++;
        }
      });
      assert.equal(sends, 3);
      for (const [, s] of pairs) {
        assert.ok(drain(s, 2048).every((b) => b === 7));
      }
      assert.equal(multicastZCThreshold(4), 8192);
      assert.equal(multicastZCThreshold(5000), 1536);
      assert.equal(multicastZeroCopyThreshold(2), 1536);
      assert.equal(multicastZeroCopyThreshold(1000), 0);
      assert.throws(
        () =>
          multicast(
            ring,
            packDirect(IORING_OP.SEND, 0, 0, 0),
            targets,
            -1,
            small,
            2,
            4,
          ),
        RangeError,
      );
      assert.throws(
        () =>
          multicast(
            ring,
            packDirect(IORING_OP.SEND, 0, 0, 0),
            [-5],
            -1,
            small,
            0,
            1,
          ),
        RangeError,
      );
      assert.throws(
        () =>
          multicastZeroCopy(
            ring,
            packDirect(IORING_OP.SEND, 0, 0, 0),
            targets,
            -1,
            0,
            1,
          ),
        RangeError,
      );
    } finally {
      for (const [c, s] of pairs) {
        close(c);
        close(s);
      }
    }
  });
});
