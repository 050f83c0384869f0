// Fault injection against the real kernel: each test provokes one failure
// mode and checks kernio survives it with a typed error, loses no byte and
// leaves no operation behind. KERNIO_FAULT_ROUNDS scales the racing tests
// (1 here; `deno task stress` runs 20).

import assert from "node:assert/strict";
import * as z from "../zcall/mod.ts";
import {
  ConnectionResetError,
  dialTCP,
  listenTCP,
  setLinger,
  SockError,
  TimedOutError,
  unixConnPair,
} from "../sock/mod.ts";
import {
  BufferRing,
  CQEView,
  CQOverflowError,
  forFD,
  RingClosedError,
  SQEContext,
  submitReceiveMultishot,
  Uring,
  UringDriver,
  UringError,
} from "../uring/mod.ts";
import { bytesDiff, reportStat, Rng, RUN_SEED } from "./_util/prop.ts";

let ROUNDS = 1;
try {
  ROUNDS = Math.max(1, Number(Deno.env.get("KERNIO_FAULT_ROUNDS") ?? 1) | 0);
} catch {
  // no env permission: one round
}

const ENOBUFS = -z.Errno.ENOBUFS;

function survived(name: string): void {
  reportStat({ kind: "fault", name, ok: true });
}

function pair(type = z.SOCK.STREAM): [number, number] {
  const fds = new Int32Array(2);
  // Non-blocking: a full or empty socket must never block the test thread
  // (io_uring still waits for readiness on its own).
  const r = z.socketpair(
    z.AF.UNIX,
    type | z.SOCK.CLOEXEC | z.SOCK.NONBLOCK,
    0,
    fds,
  );
  assert.equal(r, 0);
  return [fds[0], fds[1]];
}

function ringMaps(): number {
  return Deno.readTextFileSync("/proc/self/maps").split("\n")
    .filter((l) => l.includes("io_uring")).length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

Deno.test("fault: peer reset mid-stream gives ConnectionResetError", async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const ln = listenTCP("tcp", { hostname: "127.0.0.1", port: 0 });
    const c = dialTCP("tcp", null, {
      hostname: "127.0.0.1",
      port: ln.addr.port,
    });
    const s = await ln.accept();
    try {
      await c.waitConnected();
      const data = new Rng(RUN_SEED + round).bytes(64 * 1024);
      await s.writeAll(data.subarray(0, 32 * 1024));
      // SO_LINGER {on, 0}: close() sends RST instead of FIN.
      setLinger(s, true, 0);
      s.close();
      const buf = new Uint8Array(8192);
      let got = 0, err: unknown = null;
      const deadline = Date.now() + 5000;
      c.setReadDeadline(deadline);
      try {
        for (;;) {
          const n = await c.read(buf);
          if (n === null) break;
          // Whatever arrives before the reset is the stream's prefix.
          assert.equal(
            bytesDiff(buf.subarray(0, n), data.subarray(got, got + n)),
            null,
          );
          got += n;
        }
      } catch (e) {
        err = e;
      }
      assert.ok(
        err instanceof ConnectionResetError,
        `expected ConnectionResetError, got ${err} after ${got} bytes`,
      );
      assert.equal((err as SockError).code, "ECONNRESET");
      // Writing to the reset connection is a typed error too.
      await assert.rejects(c.write(data), SockError);
    } finally {
      c.close();
      s.close();
      ln.close();
    }
  }
  survived("peer reset mid-stream");
});

Deno.test("fault: half-close both ways keeps the other direction open", async () => {
  const ln = listenTCP("tcp", { hostname: "127.0.0.1", port: 0 });
  const c = dialTCP("tcp", null, { hostname: "127.0.0.1", port: ln.addr.port });
  const s = await ln.accept();
  try {
    await c.waitConnected();
    const rng = new Rng(RUN_SEED);
    const up = rng.bytes(100_000), down = rng.bytes(150_000);
    const readAll = async (conn: typeof c, n: number) => {
      const out = new Uint8Array(n + 1);
      let got = 0;
      for (;;) {
        const r = await conn.read(out.subarray(got));
        if (r === null) return out.subarray(0, got);
        got += r;
      }
    };
    // Client -> server, then the client shuts its write side.
    const serverGot = readAll(s, up.length);
    await c.writeAll(up);
    await c.closeWrite();
    assert.equal(bytesDiff(await serverGot, up), null);
    // The server still writes after reading EOF; the client still reads.
    const clientGot = readAll(c, down.length);
    await s.writeAll(down);
    await s.closeWrite();
    assert.equal(bytesDiff(await clientGot, down), null);
    // Both directions closed: reads give EOF again, writes fail typed.
    assert.equal(await c.read(new Uint8Array(4)), null);
    await assert.rejects(c.write(up.subarray(0, 4)), SockError);
  } finally {
    c.close();
    s.close();
    ln.close();
  }
  // Same dance over a Unix stream pair, server side first.
  const [a, b] = unixConnPair("unix");
  try {
    await b.closeWrite();
    assert.equal(await a.read(new Uint8Array(4)), null);
    await a.writeAll(new Uint8Array([1, 2, 3]));
    const buf = new Uint8Array(3);
    assert.equal(await b.read(buf), 3);
    assert.deepEqual([...buf], [1, 2, 3]);
  } finally {
    a.close();
    b.close();
  }
  survived("half-close both ways");
});

Deno.test("fault: buffer-ring exhaustion (ENOBUFS) under load, then recovery", () => {
  const ring = new Uring({ entries: 64, cqEntries: 256 });
  ring.start();
  const [rx, tx] = pair();
  const br = BufferRing.register(ring, {
    groupId: 5,
    entries: 8,
    bufferSize: 512,
  });
  try {
    const total = 256 * 1024 * ROUNDS;
    const data = new Rng(RUN_SEED ^ 5).bytes(total);
    const got = new Uint8Array(total);
    let sent = 0, recvd = 0, nobufs = 0, rearms = 0;
    const ctx = forFD(rx).withBufGroup(5);
    const cqes = CQEView.array(64);
    const held: number[] = [];
    assert.ok(submitReceiveMultishot(ring, ctx, null));
    ring.submit();
    let armed = true;
    for (let spins = 0; recvd < total && spins < 200_000; spins++) {
      // Load: keep the socket full while buffers run out.
      if (sent < total) {
        const n = z.write(
          tx,
          data.subarray(sent, Math.min(total, sent + 65536)),
        );
        if (n > 0) sent += n;
      }
      const k = ring.waitBlocking(cqes, 1, 50);
      for (let i = 0; i < k; i++) {
        const v = cqes[i];
        if (v.res > 0) {
          assert.ok(v.hasBuffer());
          const bid = v.bufID();
          got.set(br.view(bid).subarray(0, v.res), recvd);
          recvd += v.res;
          held.push(bid); // not recycled yet: the ring drains
        } else if (v.res === ENOBUFS) {
          nobufs++;
        } else {
          assert.fail(`unexpected receive result ${v.res}`);
        }
        if (!v.hasMore()) armed = false;
      }
      if (!armed) {
        // Recovery: give every buffer back, re-arm the receive.
        for (const bid of held) br.provide(bid);
        br.advance();
        held.length = 0;
        assert.ok(submitReceiveMultishot(ring, ctx, null));
        ring.submit();
        armed = true;
        rearms++;
      }
    }
    assert.equal(recvd, total, `received ${recvd} of ${total}`);
    assert.equal(bytesDiff(got, data), null, "bytes lost or reordered");
    assert.ok(nobufs > 0, "the buffer ring never ran dry");
    assert.ok(rearms >= nobufs);
    ring.asyncCancel(
      new SQEContext(),
      ctx.withOp(z.IORING_OP.RECV).withFlags(z.IOSQE.BUFFER_SELECT),
    );
    ring.submit();
    for (let i = 0; i < 10 && ring.waitBlocking(cqes, 1, 20) > 0; i++);
  } finally {
    z.close(tx);
    z.close(rx);
    br.close();
    ring.stop();
  }
  survived("buffer-ring exhaustion with recovery");
});

Deno.test("fault: CQ overflow on a tiny CQ loses no completion", () => {
  const ring = new Uring({ entries: 4, cqEntries: 4 });
  ring.start();
  try {
    const total = 64 * ROUNDS;
    const seen = new Uint8Array(total);
    // Submit everything without reaping: the CQ overflows many times over
    // and the kernel keeps the rest on its overflow list (FEAT_NODROP).
    let queued = 0;
    while (queued < total) {
      if (!ring.nop(forFD(queued))) {
        ring.submit();
        continue;
      }
      queued++;
    }
    ring.submit();
    const cqes = CQEView.array(3); // smaller than the CQ, on purpose
    let got = 0, overflows = 0;
    for (let spins = 0; got < total && spins < 10_000; spins++) {
      let k = 0;
      try {
        k = ring.wait(cqes);
      } catch (e) {
        assert.ok(e instanceof CQOverflowError, `untyped ${e}`);
        overflows++;
        continue;
      }
      for (let i = 0; i < k; i++) {
        const id = cqes[i].fd();
        assert.ok(id >= 0 && id < total, `bogus completion ${id}`);
        assert.equal(seen[id], 0, `completion ${id} seen twice`);
        seen[id] = 1;
        got++;
      }
    }
    assert.equal(got, total, `${total - got} completions lost`);
    assert.ok(ring.cqOverflowCount() >= 0);
    console.log(
      `CQ overflow: ${total} NOPs through a 4-entry CQ, ${overflows} overflow reports`,
    );
  } finally {
    ring.stop();
  }
  survived("CQ overflow on a tiny CQ");
});

Deno.test("fault: cancellation racing completion settles each op once, no byte lost", async () => {
  const d = new UringDriver({ entries: 64 });
  const rng = new Rng(RUN_SEED ^ 7);
  let completed = 0, cancelled = 0;
  try {
    for (let round = 0; round < 50 * ROUNDS; round++) {
      const [r, w] = pair();
      try {
        const ac = new AbortController();
        const buf = new Uint8Array(16);
        const p = d.recv(r, buf, { signal: ac.signal }).then(
          (n) => ({ ok: true as const, n }),
          (e) => ({ ok: false as const, e }),
        );
        // Race: abort and data in a random order and spacing.
        const abortFirst = rng.bool();
        const gap = rng.int(0, 2);
        const doWrite = () => z.write(w, new Uint8Array([round & 0xff]));
        if (abortFirst) ac.abort();
        else doWrite();
        if (gap > 0) await sleep(gap - 1);
        if (abortFirst) doWrite();
        else ac.abort();
        const out = await p;
        if (out.ok) {
          assert.equal(out.n, 1);
          assert.equal(buf[0], round & 0xff);
          completed++;
        } else {
          const e = out.e as Error;
          assert.ok(
            e.name === "AbortError" || e instanceof UringError,
            `untyped rejection ${e}`,
          );
          cancelled++;
          // Cancelled before reading: the byte is still in the socket.
          const left = new Uint8Array(16);
          const n = z.read(r, left);
          assert.equal(n, 1, "a cancelled receive consumed the byte");
          assert.equal(left[0], round & 0xff);
        }
      } finally {
        z.close(r);
        z.close(w);
      }
    }
    assert.equal(d.inflight, 0, "operations left in flight");
  } finally {
    await d.close();
  }
  console.log(`cancel race: ${completed} completed, ${cancelled} cancelled`);
  survived("cancellation racing completion");
});

Deno.test("fault: stop() with operations in flight", async () => {
  const mapsBefore = ringMaps();
  const [r, w] = pair();
  const ring = new Uring({ entries: 16 });
  ring.start();
  const bufs = Array.from({ length: 8 }, () => new Uint8Array(64));
  for (let i = 0; i < 8; i++) assert.ok(ring.read(forFD(r), bufs[i]));
  assert.ok(ring.timeout(forFD(0), 60_000));
  ring.submit();
  // Nothing will complete: stop() must tear down regardless.
  ring.stop();
  assert.ok(ring.closed);
  assert.throws(() => ring.wait(CQEView.array(1)), RingClosedError);
  assert.throws(() => ring.submit(), RingClosedError);
  ring.stop(); // idempotent
  assert.equal(ringMaps(), mapsBefore, "ring mappings left behind");
  // The pipe is untouched and still works.
  assert.equal(z.write(w, new Uint8Array([9])), 1);
  const one = new Uint8Array(1);
  assert.equal(z.read(r, one), 1);
  z.close(r);
  z.close(w);

  // The driver: pending promises settle (typed) when it closes.
  const [r2, w2] = pair();
  const d = new UringDriver({ entries: 16 });
  const pending = Array.from(
    { length: 4 },
    () =>
      d.recv(r2, new Uint8Array(8)).then(
        () => "resolved",
        (e) =>
          (e instanceof UringError || e?.name === "AbortError")
            ? "typed"
            : `untyped ${e}`,
      ),
  );
  await sleep(5);
  await d.close({ timeoutMs: 2000 });
  const outcomes = await Promise.all(pending);
  for (const o of outcomes) assert.ok(o === "typed", o);
  await assert.rejects(d.nop(), RingClosedError);
  z.close(r2);
  z.close(w2);
  assert.equal(ringMaps(), mapsBefore);
  survived("stop() with operations in flight");
});

Deno.test("fault: socket closed while a multishot receive is armed", () => {
  for (const ending of ["peer closes", "cancel"] as const) {
    const ring = new Uring({ entries: 16, cqEntries: 64 });
    ring.start();
    const [rx, tx] = pair();
    const br = BufferRing.register(ring, {
      groupId: 3,
      entries: 16,
      bufferSize: 256,
    });
    try {
      const ctx = forFD(rx).withBufGroup(3);
      assert.ok(submitReceiveMultishot(ring, ctx, null));
      ring.submit();
      const cqes = CQEView.array(16);
      assert.equal(z.write(tx, new Uint8Array([1, 2, 3])), 3);
      let k = ring.waitBlocking(cqes, 1, 2000);
      assert.ok(k >= 1 && cqes[0].res === 3 && cqes[0].hasMore());
      br.recycle(cqes[0].bufID());
      // Close our descriptor: the armed request holds its own file
      // reference, so it stays armed and still delivers.
      assert.equal(z.close(rx), 0);
      assert.equal(z.write(tx, new Uint8Array([4, 5])), 2);
      k = ring.waitBlocking(cqes, 1, 2000);
      assert.ok(k >= 1, "no completion after close(fd)");
      assert.equal(cqes[0].res, 2);
      br.recycle(cqes[0].bufID());
      // Then end it: the final CQE (no F_MORE) must arrive.
      if (ending === "peer closes") {
        z.close(tx);
      } else {
        // By user_data (the context with its op): the fd number is closed,
        // so a cancel by fd could not find the file any more.
        assert.ok(
          ring.asyncCancel(new SQEContext(), ctx.withOp(z.IORING_OP.RECV)),
        );
        ring.submit();
      }
      let final: CQEView | null = null;
      for (let spins = 0; final === null && spins < 100; spins++) {
        k = ring.waitBlocking(cqes, 1, 50);
        for (let i = 0; i < k; i++) {
          const v = cqes[i];
          // The ring stores the submitted opcode in user_data's op byte.
          if (v.op() === z.IORING_OP.RECV && v.fd() === rx && !v.hasMore()) {
            final = v;
          }
        }
      }
      assert.ok(final !== null, `${ending}: the multishot never ended`);
      if (ending === "peer closes") {
        assert.equal(final.res, 0, "EOF ends the stream");
      } else {
        assert.equal(final.res, -z.Errno.ECANCELED);
      }
    } finally {
      if (ending === "cancel") z.close(tx);
      br.close();
      ring.stop();
    }
  }
  survived("socket closed while multishot receive armed");
});

Deno.test("fault: deadline expiry racing data arrival loses no byte", async () => {
  const rng = new Rng(RUN_SEED ^ 11);
  let timedOut = 0, arrived = 0;
  const [a, b] = unixConnPair("unix");
  try {
    const rounds = 60 * ROUNDS;
    let sent = 0, recvd = 0;
    const buf = new Uint8Array(64);
    for (let round = 0; round < rounds; round++) {
      const d = rng.int(0, 3);
      b.setReadDeadline(Date.now() + d);
      const writeAt = rng.int(0, 3);
      const w = sleep(writeAt).then(() => {
        a.tryWrite(new Uint8Array([round & 0xff]));
        sent++;
      });
      try {
        const n = await b.read(buf);
        assert.ok(n !== null && n >= 1);
        recvd += n;
        arrived++;
      } catch (e) {
        assert.ok(e instanceof TimedOutError, `untyped ${e}`);
        timedOut++;
      }
      await w;
    }
    // Whatever timed out is still queued: drain it with no deadline.
    b.setReadDeadline(null);
    while (recvd < sent) {
      const n = await b.read(buf);
      assert.ok(n !== null);
      recvd += n;
    }
    assert.equal(recvd, sent);
  } finally {
    a.close();
    b.close();
  }
  // Same race through the uring driver's linked timeouts.
  const dr = new UringDriver({ entries: 32 });
  const [r, w] = pair();
  try {
    let sent = 0, recvd = 0;
    const buf = new Uint8Array(64);
    for (let round = 0; round < 30 * ROUNDS; round++) {
      const wr = sleep(rng.int(0, 3)).then(() => {
        z.write(w, new Uint8Array([1]));
        sent++;
      });
      try {
        recvd += await dr.recv(r, buf, { timeoutMs: rng.int(0, 3) });
        arrived++;
      } catch (e) {
        assert.ok(e instanceof UringError, `untyped ${e}`);
        assert.ok(
          e.code === "ETIME" || e.code === "ECANCELED",
          `unexpected ${e.code}`,
        );
        timedOut++;
      }
      await wr;
    }
    for (let i = 0; i < 100 && recvd < sent; i++) {
      const n = z.read(r, buf);
      if (n > 0) recvd += n;
      else await sleep(1);
    }
    assert.equal(recvd, sent, "bytes lost to the deadline race");
    assert.equal(dr.inflight, 0);
  } finally {
    await dr.close();
    z.close(r);
    z.close(w);
  }
  console.log(`deadline race: ${arrived} arrived, ${timedOut} timed out`);
  survived("deadline expiry racing data arrival");
});
