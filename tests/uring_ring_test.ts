// Ring lifecycle, options, submission/completion mechanics, waits, CQ
// overflow, use-after-stop and leak checks, against the real kernel.

import assert from "node:assert/strict";
import {
  bufferConfigForBudget,
  bufferGroupsBytes,
  CQEView,
  CQOverflowError,
  DirectCQE,
  Entries,
  ExtCQE,
  forFD,
  GiB,
  MachineMemory,
  MiB,
  NotSupportedError,
  optionsForBudget,
  optionsForSystem,
  packDirect,
  RingClosedError,
  Uring,
  UringError,
} from "../uring/mod.ts";
import { IORING_OP, IORING_SETUP } from "../zcall/mod.ts";

const ETIME = -62;

function fdCount(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}
// Mappings of io_uring rings, and all mappings (V8 and malloc map and
// unmap on their own, so the total only gets a loose bound).
function mapCounts(): [number, number] {
  const lines = Deno.readTextFileSync("/proc/self/maps").split("\n");
  return [lines.filter((l) => l.includes("io_uring")).length, lines.length];
}

Deno.test("uring ring: setup flags, features, lifecycle", async (t) => {
  await t.step(
    "default ring: single issuer, deferred task run, disabled",
    () => {
      using ring = new Uring({ entries: Entries.NANO });
      const f = ring.features;
      assert.equal(f.sqEntries, 32);
      assert.equal(f.cqEntries, 64);
      assert.equal(f.sqeBytes, 64);
      assert.equal(f.userDataByteOrder, "little");
      for (
        const flag of [
          IORING_SETUP.SINGLE_ISSUER,
          IORING_SETUP.DEFER_TASKRUN,
          IORING_SETUP.R_DISABLED,
          IORING_SETUP.NO_SQARRAY,
        ]
      ) assert.ok((f.setupFlags & flag) !== 0);
      assert.equal(f.setupFlags & IORING_SETUP.COOP_TASKRUN, 0);
      assert.equal(ring.started, false);
      // Not started: prepping is fine, submitting is not.
      assert.ok(ring.nop(forFD(0)));
      assert.throws(() => ring.submit(), UringError);
      assert.equal(ring.cancelPending(), 1);
      ring.start();
      assert.throws(() => ring.start(), UringError);
    },
  );
  await t.step(
    "multiIssuers switches to COOP_TASKRUN; sqe128, cqEntries, SQ array",
    () => {
      using ring = new Uring({
        entries: 8,
        cqEntries: 64,
        multiIssuers: true,
        sqe128: true,
        indirectSubmissionQueue: true,
      });
      const f = ring.features;
      assert.ok((f.setupFlags & IORING_SETUP.COOP_TASKRUN) !== 0);
      assert.equal(f.setupFlags & IORING_SETUP.SINGLE_ISSUER, 0);
      assert.equal(f.setupFlags & IORING_SETUP.NO_SQARRAY, 0);
      assert.equal(f.sqeBytes, 128);
      assert.equal(f.cqEntries, 64);
      ring.start();
      const cqes = CQEView.array(8);
      for (let k = 0; k < 5; k++) ring.nop(forFD(k));
      let n = 0;
      for (let tries = 0; n < 5 && tries < 100; tries++) n += ring.wait(cqes);
      assert.equal(n, 5);
    },
  );
  await t.step("stop is idempotent", () => {
    const ring = new Uring({ entries: 8 });
    ring.stop();
    ring.stop();
    assert.equal(ring.closed, true);
  });
  await t.step("bad options", () => {
    assert.throws(() => new Uring({ entries: 3 }), RangeError);
    assert.throws(() => new Uring({ entries: 0 }), RangeError);
    assert.throws(() => new Uring({ entries: 65536 }), RangeError);
    assert.throws(() => new Uring({ cqEntries: 4, entries: 8 }), RangeError);
    assert.throws(() => new Uring({ multiIssuers: 1 as never }), TypeError);
    assert.throws(() => new Uring({ bogus: 1 } as never), TypeError);
    assert.throws(() => new Uring(5 as never), TypeError);
  });
});

Deno.test("uring ring: NOP round trips, wait values, fast paths", async (t) => {
  using ring = new Uring({ entries: 16 });
  ring.start();
  const cqes = CQEView.array(32);
  await t.step("nothing yet is 0, not an exception", () => {
    assert.equal(ring.wait(cqes), 0);
    assert.equal(ring.cqPending(), 0);
  });
  await t.step("a batch: one submit, every CQE carries its context", () => {
    for (let k = 0; k < 10; k++) ring.nop(packDirect(0, 0, k, 100 + k));
    assert.equal(ring.pending, 10);
    assert.equal(ring.sqAvailable(), 6);
    assert.equal(ring.submit(), 10);
    assert.equal(ring.pending, 0);
    assert.equal(ring.cqPending(), 10);
    const n = ring.wait(cqes);
    assert.equal(n, 10);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      assert.equal(cqes[i].res, 0);
      assert.equal(cqes[i].op(), IORING_OP.NOP);
      assert.equal(cqes[i].fd(), 100 + cqes[i].bufGroup());
      seen.add(cqes[i].fd());
    }
    assert.equal(seen.size, 10);
    assert.equal(ring.wait(cqes), 0);
  });
  await t.step("more SQEs than the SQ holds: getSqe flushes", () => {
    // 30 NOPs through a 16-entry SQ (the CQ holds 32).
    for (let k = 0; k < 30; k++) assert.ok(ring.nop(forFD(k)));
    let n = 0;
    for (let tries = 0; n < 30 && tries < 10; tries++) n += ring.wait(cqes);
    assert.equal(n, 30);
  });
  await t.step("wait fills at most cqes.length views", () => {
    for (let k = 0; k < 6; k++) ring.nop(forFD(k));
    const two = CQEView.array(2);
    assert.equal(ring.wait(two), 2);
    assert.equal(ring.wait(two), 2);
    assert.equal(ring.wait(two), 2);
    assert.equal(ring.wait(two), 0);
  });
  await t.step("waitDirect decodes eagerly", () => {
    ring.nop(packDirect(0, 0, 7, 42));
    const d = DirectCQE.array(4);
    assert.equal(ring.waitDirect(d), 1);
    assert.deepEqual(
      [d[0].op, d[0].bufGroup, d[0].fd, d[0].res, d[0].isSuccess()],
      [IORING_OP.NOP, 7, 42, 0, true],
    );
  });
  await t.step("waitExtended resolves the ExtSQE", () => {
    const ext = ring.extSQE()!;
    ext.fd = 11;
    ring.nop(ext.context);
    ring.nop(forFD(1));
    const e = ExtCQE.array(4);
    assert.equal(ring.waitExtended(e), 2);
    const got = e.slice(0, 2).find((c) => c.ext !== null)!;
    assert.equal(got.ext, ext);
    assert.equal(got.op(), IORING_OP.NOP);
    // The slot holds the submitted SQE, whose fd a NOP sets to -1.
    assert.equal(got.fd(), -1);
    assert.equal(ext.sqe[0], IORING_OP.NOP);
    ring.putExtSQE(ext);
  });
  await t.step("CQEView over an indirect context exposes the SQE", () => {
    const ind = ring.indirectSQE()!;
    ind.fd = 5;
    ring.nop(ind.context, { personality: 0 });
    assert.equal(ring.wait(cqes), 1);
    assert.ok(cqes[0].fullSQE());
    assert.equal(cqes[0].extended(), false);
    assert.equal(cqes[0].sqe().opcode(), IORING_OP.NOP);
    assert.equal(cqes[0].fd(), cqes[0].sqe().fd());
    ring.putIndirectSQE(ind);
  });
  await t.step(
    "notifySucceed strips CQE_SKIP_SUCCESS; without it the CQE is skipped",
    () => {
      ring.nop(forFD(1), { flags: 0x40 });
      ring.submit();
      assert.equal(ring.wait(cqes), 0);
      using loud = new Uring({ entries: 8, notifySucceed: true });
      loud.start();
      loud.nop(forFD(1), { flags: 0x40 });
      assert.equal(loud.wait(cqes), 1);
    },
  );
});

Deno.test("uring ring: CQ overflow is its own error and nothing is lost", () => {
  using ring = new Uring({ entries: 8 }); // CQ of 16
  ring.start();
  for (let b = 0; b < 3; b++) {
    for (let k = 0; k < 8; k++) ring.nop(forFD(b * 8 + k));
    ring.submit();
  }
  const cqes = CQEView.array(64);
  assert.equal(ring.wait(cqes), 16);
  let err: unknown;
  try {
    ring.wait(cqes);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof CQOverflowError, String(err));
  assert.equal(err.code, "EOVERFLOW");
  assert.equal(err.flushed, 8);
  const n = ring.wait(cqes);
  assert.equal(n, 8);
  const fds = cqes.slice(0, n).map((c) => c.fd()).sort((a, b) => a - b);
  assert.deepEqual(fds, [16, 17, 18, 19, 20, 21, 22, 23]);
  assert.equal(ring.wait(cqes), 0);
});

Deno.test("uring ring: blocking and async waits", async (t) => {
  using ring = new Uring({ entries: 8 });
  ring.start();
  const cqes = CQEView.array(8);
  await t.step("waitBlocking honours its timeout", () => {
    const t0 = performance.now();
    assert.equal(ring.waitBlocking(cqes, 1, 30), 0);
    assert.ok(performance.now() - t0 >= 25);
  });
  await t.step("waitBlocking returns when a timeout op fires", () => {
    ring.timeout(forFD(0), 10);
    assert.equal(ring.waitBlocking(cqes, 1, 2000), 1);
    assert.equal(cqes[0].res, ETIME);
    assert.equal(cqes[0].op(), IORING_OP.TIMEOUT);
  });
  await t.step("waitAsync parks without blocking the event loop", async () => {
    ring.timeout(forFD(0), 40);
    let ticks = 0;
    const iv = setInterval(() => ticks++, 5);
    const n = await ring.waitAsync(cqes, { timeoutMs: 5000 });
    clearInterval(iv);
    assert.equal(n, 1);
    assert.equal(cqes[0].res, ETIME);
    assert.ok(ticks >= 2, `event loop ran ${ticks} times`);
  });
  await t.step("waitAsync resolves 0 on its own timeout", async () => {
    assert.equal(await ring.waitAsync(cqes, { timeoutMs: 20 }), 0);
  });
  await t.step("waitAsync rejects on abort, promptly", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("stop waiting")), 20);
    const t0 = performance.now();
    await assert.rejects(ring.waitAsync(cqes, { signal: ac.signal }), {
      message: "stop waiting",
    });
    assert.ok(performance.now() - t0 < 1000);
    const pre = AbortSignal.abort(new Error("already"));
    await assert.rejects(ring.waitAsync(cqes, { signal: pre }), {
      message: "already",
    });
  });
  await t.step("one waitAsync at a time", async () => {
    const p = ring.waitAsync(cqes, { timeoutMs: 30 });
    await assert.rejects(ring.waitAsync(cqes), UringError);
    assert.equal(await p, 0);
  });
  await t.step(
    "stop() during waitAsync rejects with RingClosedError",
    async () => {
      using r2 = new Uring({ entries: 8 });
      r2.start();
      const p = r2.waitAsync(cqes);
      setTimeout(() => r2.stop(), 20);
      await assert.rejects(p, RingClosedError);
    },
  );
});

Deno.test("uring ring: every method and view throws after stop", () => {
  const ring = new Uring({ entries: 8, lockedBufferMem: 64 * 1024 });
  ring.start();
  const words = ring.sqeWords;
  const reg = ring.registeredBuffer(0)!;
  assert.equal(reg.byteLength, 4096);
  assert.equal(ring.registeredBufferCount(), 16);
  const pools = ring.pools;
  const ext = ring.extSQE()!;
  const cqes = CQEView.array(4);
  ring.stop();
  // Views handed out before stop read as empty (detached), never unmapped memory.
  assert.equal(words.length, 0);
  assert.equal(reg.byteLength, 0);
  assert.equal(words[0], undefined);
  const c = forFD(0);
  const calls: [string, () => unknown][] = [
    ["nop", () => ring.nop(c)],
    ["read", () => ring.read(c, new Uint8Array(1))],
    ["timeout", () => ring.timeout(c, 1)],
    ["getSqe", () => ring.getSqe()],
    ["submit", () => ring.submit()],
    ["wait", () => ring.wait(cqes)],
    ["waitDirect", () => ring.waitDirect(DirectCQE.array(1))],
    ["waitExtended", () => ring.waitExtended(ExtCQE.array(1))],
    ["waitBlocking", () => ring.waitBlocking(cqes)],
    ["sqeWords", () => ring.sqeWords],
    ["fd", () => ring.fd],
    ["start", () => ring.start()],
    ["registerFiles", () => ring.registerFiles([0])],
    ["registeredBuffer", () => ring.registeredBuffer(0)],
    ["probe", () => ring.probe()],
    ["extSQE", () => ring.extSQE()],
    ["eventfd", () => ring.eventfd()],
    ["cqPending", () => ring.cqPending()],
    ["sqAvailable", () => ring.sqAvailable()],
    ["resizeRings", () => ring.resizeRings(16)],
    ["ext.fd", () => ext.fd],
    ["pools.extended", () => pools.extended()],
  ];
  for (const [name, f] of calls) {
    assert.throws(f, RingClosedError, name);
  }
});

Deno.test("uring ring: no fd or mapping leaks across many rings", async () => {
  // Warm up lazy loads (library, module state) before counting.
  new Uring({ entries: 8 }).stop();
  const fds0 = fdCount();
  const [rings0, maps0] = mapCounts();
  const cqes = CQEView.array(8);
  for (let k = 0; k < 20; k++) {
    const ring = new Uring({
      entries: 16,
      lockedBufferMem: k % 2 === 0 ? 8192 : 0,
      sqe128: k % 3 === 0,
    });
    ring.start();
    ring.nop(forFD(k));
    ring.read(forFD(-1), new Uint8Array(8)); // fails with EBADF, still pinned until its CQE
    if (k % 4 === 0) {
      ring.timeout(forFD(0), 1);
      await ring.waitAsync(cqes, { timeoutMs: 1000 });
    }
    ring.wait(cqes);
    ring.stop();
  }
  assert.equal(fdCount(), fds0);
  const [rings1, maps1] = mapCounts();
  assert.equal(rings1, rings0);
  // 20 rings with registered buffers made 50+ mappings: a leak would show.
  assert.ok(maps1 - maps0 < 10, `mappings ${maps0} -> ${maps1}`);
});

Deno.test("uring ring: registration, probe, query, resize", async (t) => {
  using ring = new Uring({ entries: 8 });
  ring.start();
  await t.step("probe", () => {
    const p = ring.probe();
    assert.ok(p.lastOp >= IORING_OP.LISTEN);
    assert.ok(p.supports(IORING_OP.NOP));
    assert.ok(p.supports(IORING_OP.READ));
    assert.equal(p.supports(250), false);
  });
  await t.step("query (or a typed not-supported error)", () => {
    for (const q of [() => ring.queryOpcodes(), () => ring.querySCQ()]) {
      try {
        const r = q() as unknown as Record<string, number>;
        assert.ok(Object.values(r).every((v) => typeof v === "number"));
      } catch (e) {
        assert.ok(e instanceof NotSupportedError, String(e));
      }
    }
    try {
      assert.ok(ring.queryOpcodes().nrRequestOpcodes >= IORING_OP.LISTEN);
    } catch (e) {
      assert.ok(e instanceof NotSupportedError);
    }
  });
  await t.step("register(opcode) passthrough and typed errors", () => {
    assert.throws(() => ring.register(9999, null, 0), UringError);
    assert.throws(() => ring.register(-1, null, 0), RangeError);
  });
  await t.step("resizeRings keeps working and re-maps", () => {
    const cqes = CQEView.array(64);
    ring.resizeRings(32, 128);
    assert.equal(ring.features.sqEntries, 32);
    assert.equal(ring.features.cqEntries, 128);
    for (let k = 0; k < 20; k++) ring.nop(forFD(k));
    assert.equal(ring.wait(cqes), 20);
    assert.throws(() => ring.resizeRings(3), RangeError);
    using multi = new Uring({ entries: 8, multiIssuers: true });
    assert.throws(() => multi.resizeRings(16), NotSupportedError);
  });
});

Deno.test("uring options presets: budgets and tiers", () => {
  const small = optionsForBudget(16 * MiB);
  assert.equal(small.entries, Entries.MICRO);
  assert.equal(small.lockedBufferMem, 8 * MiB);
  const mid = optionsForBudget(256 * MiB);
  assert.equal(mid.entries, Entries.SMALL);
  assert.equal(mid.lockedBufferMem, 64 * MiB);
  assert.ok(mid.multiSizeBuffer >= 1);
  const big = optionsForBudget(64 * GiB);
  assert.equal(big.entries, Entries.HUGE);
  assert.equal(optionsForBudget(1).entries, small.entries); // clamped
  assert.equal(optionsForBudget(1024 * GiB).entries, Entries.HUGE);
  assert.equal(optionsForSystem(MachineMemory.GB1).entries, Entries.SMALL);
  assert.equal(optionsForSystem(MachineMemory.GB4).entries, Entries.MEDIUM);
  for (const budget of [16 * MiB, 100 * MiB, 1 * GiB, 20 * GiB]) {
    const [cfg, scale] = bufferConfigForBudget(budget);
    const o = optionsForBudget(budget);
    assert.ok(scale >= 1);
    // Buffers + registered + ring fit the budget.
    assert.ok(
      bufferGroupsBytes(cfg) * scale + o.lockedBufferMem <= budget,
      `budget ${budget}`,
    );
  }
  assert.throws(() => optionsForBudget(-1), RangeError);
  assert.throws(() => optionsForSystem(NaN), RangeError);
});
