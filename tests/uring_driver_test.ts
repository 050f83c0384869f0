// The event-loop driver against the real kernel: await one op, deadlines,
// AbortSignal, parking without blocking the event loop, waking on new
// completions, multishot async iteration (ENOBUFS refill), raw CQEs,
// shutdown draining in-flight ops. Deno's sanitizers check that nothing
// stays pending once the driver is idle or closed.

import assert from "node:assert/strict";
import {
  BufferRing,
  type CQEView,
  packDirect,
  RingClosedError,
  Uring,
  UringDriver,
  UringError,
} from "../uring/mod.ts";
import { close, IORING_OP, write } from "../zcall/mod.ts";
import { runQueueWaitMs } from "./_util/tick_window.ts";
import {
  dec,
  enc,
  noLeaks,
  tcpConnect,
  tcpListener,
  tcpPair,
} from "./_util/uring.ts";

Deno.test("uring driver: await one operation, idle ends the loop", async () => {
  await noLeaks(async () => {
    await using d = new UringDriver({ entries: 16 });
    assert.deepEqual(await d.nop(), { res: 0, flags: 0 });
    const c = await d.submit("nop", (r, ctx, o) => r.nop(ctx, o));
    assert.equal(c.res, 0);
    assert.equal(d.inflight, 0);
    const t0 = performance.now();
    await d.sleep(20);
    assert.ok(performance.now() - t0 >= 15);
    // Many concurrent operations resolve independently.
    const all = await Promise.all(Array.from({ length: 100 }, () => d.nop()));
    assert.equal(all.length, 100);
  });
});

Deno.test("uring driver: park does not block the event loop; wake on completion", async () => {
  await noLeaks(async () => {
    await using d = new UringDriver({ entries: 16 });
    const [c, s] = tcpPair();
    try {
      const buf = new Uint8Array(16);
      const p = d.recv(s, buf);
      // If an assertion below fails, closing the driver cancels the receive:
      // keep that rejection from hiding the assertion.
      p.catch(() => {});
      // While the driver is parked, timers still fire on time (lateness
      // beyond this thread's wait for a core on the loaded machine).
      const w0 = runQueueWaitMs();
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 30));
      const late = performance.now() - t0 - 30;
      const wait = runQueueWaitMs() - w0;
      assert.ok(
        late - wait < 100,
        `timer ${late.toFixed(1)} ms late, ${
          wait.toFixed(1)
        } ms of it waiting for a core`,
      );
      write(c, enc("wake up"));
      assert.equal(await p, 7);
      assert.equal(dec(buf.subarray(0, 7)), "wake up");
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring driver: deadlines and AbortSignal cancel through async cancel", async (t) => {
  await noLeaks(async () => {
    await using d = new UringDriver({ entries: 16 });
    const [c, s] = tcpPair();
    try {
      await t.step("timeoutMs rejects with ETIME", async () => {
        const t0 = performance.now();
        await assert.rejects(
          d.recv(s, new Uint8Array(8), { timeoutMs: 25 }),
          (e) => e instanceof UringError && e.code === "ETIME",
        );
        assert.ok(performance.now() - t0 >= 20);
      });
      await t.step("abort rejects with the reason", async () => {
        const ac = new AbortController();
        const p = d.recv(s, new Uint8Array(8), { signal: ac.signal });
        setTimeout(() => ac.abort(new Error("stop")), 10);
        await assert.rejects(p, /stop/);
        assert.equal(d.inflight, 0);
      });
      await t.step("already aborted", async () => {
        await assert.rejects(
          d.recv(s, new Uint8Array(8), {
            signal: AbortSignal.abort(new Error("pre")),
          }),
          /pre/,
        );
      });
      await t.step("data is not lost after a cancelled receive", async () => {
        write(c, enc("after"));
        const b = new Uint8Array(8);
        assert.equal(await d.recv(s, b, { timeoutMs: 2000 }), 5);
        assert.equal(dec(b.subarray(0, 5)), "after");
      });
      await t.step("negative results are typed errors (or raw)", async () => {
        await assert.rejects(
          d.recv(9999, new Uint8Array(1)),
          (e) => e instanceof UringError && e.code === "EBADF",
        );
        const r = await d.submit("recv", (ring, ctx, o) => {
          ctx.extSQE().fd = 9999;
          return ring.receive(ctx, new Uint8Array(1), o);
        }, { raw: true });
        assert.equal(r.res, -9);
      });
      await t.step("bad input", async () => {
        await assert.rejects(d.recv(-1, new Uint8Array(1)), RangeError);
        await assert.rejects(d.nop({ timeoutMs: -1 }), RangeError);
        // deno-lint-ignore no-explicit-any
        await assert.rejects(d.submit("x", 1 as any), TypeError);
      });
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring driver: multishot async iteration", async (t) => {
  await noLeaks(async () => {
    await using d = new UringDriver({ entries: 32 });
    await t.step(
      "acceptStream; leaving the loop cancels the stream",
      async () => {
        const [lfd, port] = tcpListener();
        const clients = [tcpConnect(port), tcpConnect(port)];
        const fds: number[] = [];
        for await (const fd of d.acceptStream(lfd)) {
          fds.push(fd);
          if (fds.length === 2) break;
        }
        assert.equal(fds.length, 2);
        assert.equal(d.inflight, 0);
        for (const fd of [...fds, ...clients, lfd]) close(fd);
      },
    );
    await t.step(
      "recvStream refills on ENOBUFS without losing data",
      async () => {
        const [c, s] = tcpPair();
        using br = BufferRing.register(d.ring, {
          groupId: 3,
          entries: 2,
          bufferSize: 8,
        });
        const payload = new Uint8Array(3000).map((_, i) => i % 251);
        write(c, payload);
        close(c); // EOF after the payload ends the stream
        const got: number[] = [];
        for await (const chunk of d.recvStream(s, br)) got.push(...chunk);
        assert.deepEqual(new Uint8Array(got), payload);
        close(s);
      },
    );
    await t.step("abort ends the iteration quietly", async () => {
      const [lfd] = tcpListener();
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 10);
      let n = 0;
      for await (const _ of d.acceptStream(lfd, { signal: ac.signal })) n++;
      assert.equal(n, 0);
      close(lfd);
    });
  });
});

Deno.test("uring driver: raw submissions with onCQE and hold/release", async () => {
  await noLeaks(async () => {
    const seen: number[] = [];
    let resolve!: () => void;
    const done = new Promise<void>((r) => resolve = r);
    await using d = new UringDriver({
      entries: 16,
      onCQE: (cqe: CQEView) => {
        seen.push(cqe.op());
        if (seen.length === 3) resolve();
      },
    });
    d.hold();
    for (let i = 0; i < 3; i++) d.ring.nop(packDirect(IORING_OP.NOP, 0, 0, 0));
    d.kick();
    await done;
    assert.deepEqual(seen, [0, 0, 0]);
    d.release();
  });
});

Deno.test("uring driver: close drains in-flight operations", async () => {
  await noLeaks(async () => {
    const d = new UringDriver({ entries: 16 });
    const [c, s] = tcpPair();
    const pending = [
      d.recv(s, new Uint8Array(4)),
      d.recv(s, new Uint8Array(4)),
    ];
    const settled = Promise.allSettled(pending);
    await d.close();
    const r = await settled;
    assert.ok(r.every((x) => x.status === "rejected"));
    assert.ok(d.closed);
    assert.ok(d.ring.closed, "the driver stopped the ring it created");
    await d.close(); // idempotent
    await assert.rejects(d.nop(), RingClosedError);
    assert.throws(() => d.hold(), RingClosedError);
    close(c);
    close(s);
  });
});

Deno.test("uring driver: drives a caller's ring without stopping it", async () => {
  using ring = new Uring({ entries: 8 });
  assert.throws(() => new UringDriver({ ring }), TypeError, "not started");
  ring.start();
  const d = new UringDriver({ ring });
  await d.nop();
  await d.close();
  assert.ok(!ring.closed);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new UringDriver({ ring: {} as any }), TypeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new UringDriver({ onCQE: 1 as any }), TypeError);
  for (const bad of [-1, 1001, NaN]) {
    assert.throws(
      () => new UringDriver({ ring, pollBeforeParkMs: bad }),
      RangeError,
      "pollBeforeParkMs",
    );
  }
  // 0 parks at once; the driver still completes work.
  const d0 = new UringDriver({ ring, pollBeforeParkMs: 0 });
  await d0.nop();
  await d0.close();
});
