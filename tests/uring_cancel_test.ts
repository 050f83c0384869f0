// Cancellation kinds (user_data, fd, opcode, any, all), linked timeouts and
// deadline composition, against the real kernel.

import assert from "node:assert/strict";
import {
  composeDeadline,
  CQEView,
  forFD,
  linkTimeout,
  packDirect,
  type SQEContext,
  Uring,
} from "../uring/mod.ts";
import { close, Errno, IORING_OP, write } from "../zcall/mod.ts";
import { enc, noLeaks, tcpPair } from "./_util/uring.ts";

const cqes = Array.from({ length: 16 }, () => new CQEView());
const CANCEL = packDirect(IORING_OP.ASYNC_CANCEL, 0, 0, 0);

/** Collects `want` CQEs as [op, fd, bufGroup tag, res]. */
function collect(
  ring: Uring,
  want: number,
): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (let i = 0; i < 200 && out.length < want; i++) {
    const n = ring.waitBlocking(cqes, 1, 10);
    for (let k = 0; k < n; k++) {
      const c = cqes[k];
      out.push([c.op(), c.fd(), c.bufGroup(), c.res]);
    }
  }
  return out;
}

function recv(
  ring: Uring,
  fd: number,
  tag: number,
  buf: Uint8Array,
): SQEContext {
  // The buffer group field is free for a tag here (no buffer selection).
  const ctx = packDirect(IORING_OP.RECV, 0, tag, fd);
  assert.ok(ring.receive(ctx, buf));
  return ctx;
}

Deno.test("uring cancel: by user_data, fd, opcode, any, all", async (t) => {
  await noLeaks(async () => {
    using ring = new Uring({ entries: 32 });
    ring.start();
    const [c, s] = tcpPair();
    const [c2, s2] = tcpPair();
    const buf = new Uint8Array(64);
    try {
      await t.step("user_data", () => {
        const a = recv(ring, s, 1, buf);
        recv(ring, s, 2, buf);
        assert.ok(ring.asyncCancel(CANCEL, a));
        const got = collect(ring, 2);
        assert.deepEqual(got.find((g) => g[0] === IORING_OP.RECV), [
          IORING_OP.RECV,
          s,
          1,
          -Errno.ECANCELED,
        ]);
        assert.deepEqual(
          got.find((g) => g[0] === IORING_OP.ASYNC_CANCEL)?.[3],
          0,
        );
        // Not found: -ENOENT.
        assert.ok(ring.asyncCancel(CANCEL, a));
        assert.deepEqual(collect(ring, 1)[0][3], -Errno.ENOENT);
        // Tag 2 is still pending: cancel everything on the fd next.
      });
      await t.step("fd (all matches)", () => {
        recv(ring, s, 3, buf);
        assert.ok(ring.asyncCancelFD(forFD(s), true));
        const got = collect(ring, 3);
        const recvs = got.filter((g) => g[0] === IORING_OP.RECV);
        assert.deepEqual(recvs.map((g) => g[2]).sort(), [2, 3]);
        assert.ok(recvs.every((g) => g[3] === -Errno.ECANCELED));
        assert.equal(got.find((g) => g[0] === IORING_OP.ASYNC_CANCEL)?.[3], 2);
      });
      await t.step("opcode", () => {
        recv(ring, s, 4, buf);
        recv(ring, s2, 5, buf);
        assert.ok(ring.asyncCancelOpcode(CANCEL, IORING_OP.RECV, true));
        const got = collect(ring, 3);
        assert.equal(got.filter((g) => g[3] === -Errno.ECANCELED).length, 2);
        assert.equal(got.find((g) => g[0] === IORING_OP.ASYNC_CANCEL)?.[3], 2);
      });
      await t.step("any (one)", () => {
        recv(ring, s, 6, buf);
        assert.ok(ring.asyncCancelAny(CANCEL));
        const got = collect(ring, 2);
        assert.deepEqual(got.find((g) => g[0] === IORING_OP.RECV)?.slice(2), [
          6,
          -Errno.ECANCELED,
        ]);
        // Without ALL the kernel reports success as 0 (or the count, 1).
        const r = got.find((g) => g[0] === IORING_OP.ASYNC_CANCEL)?.[3];
        assert.ok(r === 0 || r === 1, `cancel any: ${JSON.stringify(got)}`);
      });
      await t.step("all", () => {
        recv(ring, s, 7, buf);
        recv(ring, s2, 8, buf);
        recv(ring, s2, 9, buf);
        assert.ok(ring.asyncCancelAll(CANCEL));
        const got = collect(ring, 4);
        assert.equal(
          got.filter((g) =>
            g[0] === IORING_OP.RECV && g[3] === -Errno.ECANCELED
          ).length,
          3,
        );
        assert.equal(got.find((g) => g[0] === IORING_OP.ASYNC_CANCEL)?.[3], 3);
      });
    } finally {
      for (const fd of [c, s, c2, s2]) close(fd);
    }
  });
});

Deno.test("uring cancel: linked timeouts race the operation", async () => {
  await noLeaks(() => {
    using ring = new Uring({ entries: 16 });
    ring.start();
    const [c, s] = tcpPair();
    const buf = new Uint8Array(16);
    const TO = packDirect(IORING_OP.LINK_TIMEOUT, 0, 0, 0);
    try {
      // Nothing arrives: the timeout fires, the receive is cancelled.
      const t0 = performance.now();
      assert.ok(
        linkTimeout(
          ring,
          30,
          (o) => ring.receive(packDirect(IORING_OP.RECV, 0, 1, s), buf, o),
          TO,
        ),
      );
      let got = collect(ring, 2);
      assert.ok(performance.now() - t0 >= 25);
      assert.deepEqual(
        got.find((g) => g[0] === IORING_OP.RECV)?.[3],
        -Errno.ECANCELED,
      );
      assert.deepEqual(
        got.find((g) => g[0] === IORING_OP.LINK_TIMEOUT)?.[3],
        -Errno.ETIME,
      );
      // Data first: the receive completes, the timeout is cancelled.
      write(c, enc("hi"));
      assert.ok(
        linkTimeout(
          ring,
          5000,
          (o) =>
            ring.receive(packDirect(IORING_OP.RECV, 0, 2, s), buf, {
              ...o,
              msgFlags: 0, // what arrives, not a full buffer
            }),
          TO,
        ),
      );
      got = collect(ring, 2);
      assert.deepEqual(got.find((g) => g[0] === IORING_OP.RECV)?.[3], 2);
      assert.deepEqual(
        got.find((g) => g[0] === IORING_OP.LINK_TIMEOUT)?.[3],
        -Errno.ECANCELED,
      );
      assert.throws(() => linkTimeout(ring, -1, () => true, TO), RangeError);
      // deno-lint-ignore no-explicit-any
      assert.throws(() => linkTimeout(ring, 1, null as any, TO), TypeError);
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring cancel: deadline composition", () => {
  assert.equal(composeDeadline(undefined, undefined), undefined);
  assert.equal(composeDeadline(undefined, 50), 50);
  assert.equal(composeDeadline(0, 50), 50);
  assert.equal(composeDeadline(Infinity, undefined), undefined);
  const left = composeDeadline(performance.now() + 1000, 5000)!;
  assert.ok(left > 900 && left <= 1000);
  assert.equal(composeDeadline(performance.now() + 1000, 10), 10);
  assert.equal(composeDeadline(performance.now() - 5, 10), 0);
  assert.throws(() => composeDeadline(NaN, 1), RangeError);
  assert.throws(() => composeDeadline(undefined, -1), RangeError);
});
