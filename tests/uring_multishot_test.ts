// Multishot accept/receive against the real kernel: subscriptions (onStep /
// onStop exactly once, Stop action, cancel, unsubscribe, noop handler),
// raw submit forms, and ENOBUFS exhaustion with resubmission.

import assert from "node:assert/strict";
import {
  acceptMultishot,
  BufferRing,
  CQEView,
  dispatchCQE,
  forFD,
  MultishotAction,
  type MultishotStep,
  MultishotSubscriber,
  NoopMultishotHandler,
  packDirect,
  receiveMultishot,
  submitAcceptMultishot,
  submitReceiveMultishot,
  SubscriptionState,
  Uring,
  type UringError,
} from "../uring/mod.ts";
import { close, IORING_OP, write } from "../zcall/mod.ts";
import {
  enc,
  noLeaks,
  tcpConnect,
  tcpListener,
  tcpPair,
} from "./_util/uring.ts";

const cqes = Array.from({ length: 64 }, () => new CQEView());

/** Reaps until `done()` or ~2 s; routes subscription CQEs, returns others. */
function pump(
  ring: Uring,
  done: () => boolean,
  others: CQEView[] = [],
  max = 200,
): void {
  for (let i = 0; i < max && !done(); i++) {
    const n = ring.waitBlocking(cqes, 1, 10);
    for (let k = 0; k < n; k++) {
      if (!dispatchCQE(cqes[k])) {
        const c = new CQEView();
        Object.assign(c, {
          res: cqes[k].res,
          flags: cqes[k].flags,
          userDataLo: cqes[k].userDataLo,
          userDataHi: cqes[k].userDataHi,
        });
        others.push(c);
      }
    }
  }
}

function startedRing(): Uring {
  const r = new Uring({ entries: 64 });
  r.start();
  return r;
}

Deno.test("uring multishot: accept subscription, cancel, onStop once", async () => {
  await noLeaks(() => {
    using ring = startedRing();
    const [lfd, port] = tcpListener();
    const accepted: number[] = [];
    const stops: [string | undefined, boolean][] = [];
    const sub = acceptMultishot(
      ring,
      forFD(lfd),
      new MultishotSubscriber()
        .onStep((s) => {
          if (s.final()) {
            // The terminal step of a cancelled stream.
            assert.ok(s.cancelled);
            assert.equal(s.err?.code, "ECANCELED");
            return MultishotAction.Continue;
          }
          assert.equal(s.err, null);
          assert.ok(s.hasMore());
          accepted.push(s.cqe.res);
          return MultishotAction.Continue;
        })
        .onStop((err, cancelled) => stops.push([err?.code, cancelled])),
    );
    assert.equal(sub.state, SubscriptionState.Active);
    assert.ok(sub.context.isExtended());
    ring.submit();
    const clients = [tcpConnect(port), tcpConnect(port), tcpConnect(port)];
    pump(ring, () => accepted.length === 3);
    assert.equal(accepted.length, 3);
    for (const fd of accepted) assert.ok(fd >= 0);
    sub.cancel();
    sub.cancel(); // idempotent
    assert.equal(sub.state, SubscriptionState.Cancelling);
    assert.ok(sub.active());
    pump(ring, () => !sub.active());
    assert.equal(sub.state, SubscriptionState.Stopped);
    assert.deepEqual(stops, [[undefined, true]]);
    // Nothing after the final CQE.
    pump(ring, () => false, [], 5);
    assert.equal(stops.length, 1);
    for (const fd of [...accepted, ...clients, lfd]) close(fd);
  });
});

Deno.test("uring multishot: Stop action cancels, noop handler embedding", async () => {
  await noLeaks(() => {
    using ring = startedRing();
    const [lfd, port] = tcpListener();
    class Counting extends NoopMultishotHandler {
      n = 0;
      stops = 0;
      fds: number[] = [];
      override onMultishotStep(step: MultishotStep) {
        if (step.err === null) {
          this.n++;
          this.fds.push(step.cqe.res);
        }
        // Ask to stop after the second connection.
        return this.n >= 2 ? MultishotAction.Stop : super.onMultishotStep(step);
      }
      override onMultishotStop(_e: UringError | null, cancelled: boolean) {
        assert.ok(cancelled);
        this.stops++;
      }
    }
    const h = new Counting();
    const sub = acceptMultishot(ring, forFD(lfd), h);
    ring.submit();
    const clients = [tcpConnect(port), tcpConnect(port)];
    pump(ring, () => !sub.active());
    assert.equal(sub.state, SubscriptionState.Stopped);
    assert.equal(h.n, 2);
    assert.equal(h.stops, 1);
    for (const fd of [...h.fds, ...clients, lfd]) close(fd);
  });
});

Deno.test("uring multishot: unsubscribe suppresses callbacks", async () => {
  await noLeaks(() => {
    using ring = startedRing();
    const [lfd] = tcpListener();
    let calls = 0;
    const sub = acceptMultishot(
      ring,
      forFD(lfd),
      new MultishotSubscriber().onStep(() => {
        calls++;
        return MultishotAction.Continue;
      }).onStop(() => calls++),
    );
    ring.submit();
    sub.unsubscribe();
    pump(ring, () => !sub.active());
    assert.equal(sub.state, SubscriptionState.Stopped);
    assert.equal(calls, 0);
    close(lfd);
  });
});

Deno.test("uring multishot: raw submit forms with direct contexts", async () => {
  await noLeaks(() => {
    using ring = startedRing();
    using br = BufferRing.register(ring, {
      groupId: 4,
      entries: 8,
      bufferSize: 64,
    });
    const [lfd, port] = tcpListener();
    assert.ok(
      submitAcceptMultishot(ring, packDirect(IORING_OP.ACCEPT, 0, 0, lfd)),
    );
    ring.submit();
    const c = tcpConnect(port);
    const got: CQEView[] = [];
    pump(ring, () => got.length >= 1, got);
    assert.equal(got[0].op(), IORING_OP.ACCEPT);
    assert.equal(got[0].fd(), lfd);
    assert.ok(got[0].hasMore());
    const s = got[0].res;
    assert.ok(
      submitReceiveMultishot(ring, packDirect(IORING_OP.RECV, 0, 4, s), null),
    );
    ring.submit();
    write(c, enc("one"));
    const recv: CQEView[] = [];
    pump(ring, () => recv.length >= 1, recv);
    assert.equal(recv[0].op(), IORING_OP.RECV);
    assert.equal(recv[0].bufGroup(), 4);
    assert.equal(recv[0].res, 3);
    assert.ok(recv[0].hasBuffer() && recv[0].hasMore());
    br.recycle(recv[0].bufID());
    // EOF ends the receive stream: res 0 without F_MORE.
    close(c);
    const end: CQEView[] = [];
    pump(ring, () => end.length >= 1, end);
    assert.equal(end[0].res, 0);
    assert.ok(!end[0].hasMore());
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => submitReceiveMultishot(ring, forFD(s), new Uint8Array(4) as any),
      TypeError,
    );
    close(s);
    close(lfd); // the accept stays armed until the ring closes
  });
});

Deno.test("uring multishot: ENOBUFS exhaustion, resubmit without data loss", async () => {
  await noLeaks(() => {
    using ring = startedRing();
    using br = BufferRing.register(ring, {
      groupId: 1,
      entries: 4,
      bufferSize: 16,
    });
    const [c, s] = tcpPair();
    const payload = new Uint8Array(1000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    const received: number[] = [];
    let stops = 0;
    let noBuffers = false;
    const held: number[] = [];
    const codes: (string | undefined)[] = [];
    const handler = new MultishotSubscriber()
      .onStep((st) => {
        if (st.err) {
          assert.ok(st.final());
          noBuffers = st.noBuffers;
          return MultishotAction.Continue;
        }
        const bid = st.cqe.bufID();
        received.push(...br.view(bid).subarray(0, st.cqe.res));
        held.push(bid); // not recycled yet: the group runs dry
        return MultishotAction.Continue;
      })
      .onStop((err, cancelled) => {
        stops++;
        codes.push(cancelled ? "cancelled" : err?.code);
      });
    let sub = receiveMultishot(ring, forFD(s).withBufGroup(1), handler);
    ring.submit();
    assert.equal(write(c, payload), payload.length);
    pump(ring, () => !sub.active());
    assert.ok(noBuffers, "the stream ended with ENOBUFS");
    assert.equal(stops, 1);
    assert.deepEqual(codes, ["ENOBUFS"]);
    assert.equal(
      received.length,
      64,
      "4 buffers x 16 bytes before running dry",
    );
    // Refill and resubscribe until everything has arrived.
    let rounds = 0;
    while (received.length < payload.length && rounds++ < 200) {
      while (held.length) br.provide(held.pop()!);
      br.advance();
      sub = receiveMultishot(ring, forFD(s).withBufGroup(1), handler);
      ring.submit();
      pump(ring, () => !sub.active() || received.length >= payload.length);
    }
    assert.deepEqual(new Uint8Array(received), payload);
    assert.ok(codes.every((c) => c === "ENOBUFS" || c === "cancelled"));
    if (sub.active()) {
      sub.cancel();
      pump(ring, () => !sub.active());
    }
    close(c);
    close(s);
  });
});

Deno.test("uring multishot: bad input", () => {
  using ring = startedRing();
  // deno-lint-ignore no-explicit-any
  assert.throws(() => acceptMultishot(ring, forFD(3), {} as any), TypeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new MultishotSubscriber().onStep(1 as any), TypeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new MultishotSubscriber().onStop(null as any), TypeError);
});
