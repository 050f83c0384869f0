/**
 * The uring bad-input cases: ring lifecycle, prep methods, buffer rings, the
 * driver and the context codecs called with bad sizes, descriptors, contexts
 * and options. Each must throw a typed error (or, for double stops and
 * closes, nothing at all).
 *
 * @module
 */

import * as u from "../../uring/mod.ts";
import * as uraw from "../../uring/raw.ts";
import {
  type Bad,
  type BadCase,
  type CaseSource,
  closedFd,
  noThrow,
  tc,
} from "./bad_input_case.ts";

/**
 * uring: ring lifecycle, prep methods, buffer rings, driver, codecs.
 *
 * @example
 * ```ts
 * import { runCatalogue } from "./bad_input.ts";
 * import { uringSource } from "./bad_input_uring_cases.ts";
 * await runCatalogue([uringSource]);
 * ```
 */
export const uringSource: CaseSource = () => {
  const U = "uring" as const;
  const cases: BadCase[] = [];
  const ring = new u.Uring({ entries: 8 });
  ring.start();
  const ctx = u.forFD(0);
  const cqes = u.CQEView.array(8);
  const drain = () => {
    for (let i = 0; i < 100 && ring.wait(cqes) > 0; i++);
  };
  const ENTRIES_BAD: Bad[] = [
    ["0", () => 0],
    ["-1", () => -1],
    ["NaN", () => NaN],
    ["1.5", () => 1.5],
    ['"8"', () => "8"],
    ["Infinity", () => Infinity],
    ["2^20 + 1", () => 2 ** 20 + 1],
  ];
  for (const [label, v] of ENTRIES_BAD) {
    cases.push(tc(U, "Uring", `entries ${label}`, () => {
      const r = new u.Uring({ entries: v() as number });
      r.stop();
    }));
    cases.push(tc(U, "UringDriver", `entries ${label}`, async () => {
      const d = new u.UringDriver({ entries: v() as number });
      await d.close();
    }));
    cases.push(
      tc(U, "CQEView.array", label, () => u.CQEView.array(v() as number)),
    );
    cases.push(
      tc(U, "DirectCQE.array", label, () => u.DirectCQE.array(v() as number)),
    );
    cases.push(
      tc(
        U,
        "ContextPools",
        `capacity ${label}`,
        () => new u.ContextPools(v() as number),
      ),
    );
  }
  cases.push(
    tc(
      U,
      "Uring",
      "cqEntries < entries",
      () => new u.Uring({ entries: 64, cqEntries: 8 }).stop(),
    ),
    tc(U, "Uring", "options null", () => new u.Uring(null as never).stop()),
    tc(
      U,
      "Uring",
      "lockedBufferMem -1",
      () => new u.Uring({ lockedBufferMem: -1 }).stop(),
    ),
    tc(U, "Uring.submit", "before start", () => {
      const r = new u.Uring({ entries: 8 });
      try {
        r.nop(ctx);
        return r.submit();
      } finally {
        r.stop();
      }
    }),
    tc(U, "Uring.start", "twice", () => ring.start()),
  );
  // Every public method after stop(): RingClosedError (or a typed error).
  const afterStop: [string, (r: u.Uring) => unknown][] = [
    ["submit", (r) => r.submit()],
    ["wait", (r) => r.wait(cqes)],
    ["waitBlocking", (r) => r.waitBlocking(cqes, 1, 0)],
    ["waitDirect", (r) => r.waitDirect(u.DirectCQE.array(1))],
    ["nop", (r) => r.nop(ctx)],
    ["read", (r) => r.read(ctx, new Uint8Array(8))],
    ["write", (r) => r.write(ctx, new Uint8Array(8))],
    ["send", (r) => r.send(ctx, new Uint8Array(8))],
    ["timeout", (r) => r.timeout(ctx, 10)],
    ["close", (r) => r.close(ctx)],
    ["start", (r) => r.start()],
    ["getSqe", (r) => r.getSqe()],
    ["registerFiles", (r) => r.registerFiles([0])],
    ["registerBuffers", (r) => r.registerBuffers([new Uint8Array(4096)])],
    ["probe", (r) => r.probe()],
    ["eventfd", (r) => r.eventfd()],
    ["resizeRings", (r) => r.resizeRings(16)],
    ["cancelPending", (r) => r.cancelPending()],
    ["extSQE", (r) => r.extSQE()],
    ["fd", (r) => r.fd],
  ];
  for (const [m, call] of afterStop) {
    cases.push(tc(U, `Uring.${m}`, "after stop", () => {
      const r = new u.Uring({ entries: 8 });
      r.start();
      r.stop();
      return call(r);
    }));
  }
  cases.push(
    noThrow(U, "Uring.stop", "twice", () => {
      const r = new u.Uring({ entries: 8 });
      r.stop();
      r.stop();
    }),
    {
      layer: U,
      fn: "Uring.sqeWords",
      input: "view used after stop",
      expect: "noThrow",
      call: () => {
        const r = new u.Uring({ entries: 8 });
        r.start();
        const w = r.sqeWords;
        r.stop();
        // The old view must be detached (length 0): writes go nowhere.
        w[0] = 0xdeadbeef;
        if (w.length !== 0) {
          throw new Error(`view still ${w.length} words long`);
        }
      },
    },
    noThrow(
      U,
      "Uring.nop",
      "oversize batch (9 on an 8-entry SQ, no submit)",
      () => {
        let ok = 0;
        for (let i = 0; i < 9; i++) if (ring.nop(ctx)) ok++;
        drain();
        return ok;
      },
    ),
  );
  // Bad arguments to a live ring's prep methods.
  const CTX_BAD: Bad[] = [
    ["null", () => null],
    ["{}", () => ({})],
    ["5", () => 5],
    ["undefined", () => undefined],
  ];
  const preps: [string, (c: u.SQEContext) => unknown][] = [
    ["nop", (c) => ring.nop(c)],
    ["read", (c) => ring.read(c, new Uint8Array(8))],
    ["write", (c) => ring.write(c, new Uint8Array(8))],
    ["send", (c) => ring.send(c, new Uint8Array(8))],
    ["timeout", (c) => ring.timeout(c, 1)],
    ["pollAdd", (c) => ring.pollAdd(c, 1)],
    ["close", (c) => ring.close(c)],
    ["asyncCancel", (c) => ring.asyncCancel(c, ctx)],
  ];
  for (const [m, call] of preps) {
    for (const [label, v] of CTX_BAD) {
      cases.push(tc(U, `Uring.${m}`, `ctx ${label}`, () => {
        try {
          return call(v() as u.SQEContext);
        } finally {
          drain();
        }
      }));
    }
  }
  const live: [string, string, () => unknown][] = [
    ["read", "buffer null", () => ring.read(ctx, null as never)],
    ["read", 'buffer "abc"', () => ring.read(ctx, "abc" as never)],
    ["write", "buffer {}", () => ring.write(ctx, {} as never)],
    [
      "send",
      "n beyond buffer",
      () => ring.send(ctx, new Uint8Array(4), { n: 99 }),
    ],
    [
      "read",
      "offset NaN",
      () => ring.read(ctx, new Uint8Array(4), { offset: NaN }),
    ],
    ["nop", "flags 999", () => ring.nop(ctx, { flags: 999 })],
    ["nop", "flags -1", () => ring.nop(ctx, { flags: -1 })],
    ["timeout", "ms NaN", () => ring.timeout(ctx, NaN)],
    ["timeout", "ms -1", () => ring.timeout(ctx, -1)],
    ["timeout", 'ms "10"', () => ring.timeout(ctx, "10" as never)],
    ["linkTimeout", "ms Infinity", () => ring.linkTimeout(ctx, Infinity)],
    ["pollAdd", "events NaN", () => ring.pollAdd(ctx, NaN)],
    ["shutdown", "how 9", () => ring.shutdown(ctx, 9)],
    ["wait", "cqes []", () => ring.wait([])],
    ["wait", "cqes null", () => ring.wait(null as never)],
    ["wait", "cqes [{}]", () => ring.wait([{}] as never)],
    ["waitBlocking", "timeout NaN", () => ring.waitBlocking(cqes, 1, NaN)],
    ["waitBlocking", "minComplete -1", () => ring.waitBlocking(cqes, -1, 0)],
    ["registerFiles", "fd -5", () => ring.registerFiles([-5])],
    ["registerFiles", "fd NaN", () => ring.registerFiles([NaN])],
    ["registerFiles", "null", () => ring.registerFiles(null as never)],
    ["registerFilesSparse", "count 0", () => ring.registerFilesSparse(0)],
    [
      "registerFilesSparse",
      "count 2^31",
      () => ring.registerFilesSparse(2 ** 31),
    ],
    ["registerBuffers", "[]", () => ring.registerBuffers([])],
    ["registerBuffers", "[null]", () => ring.registerBuffers([null as never])],
    ["resizeRings", "0", () => ring.resizeRings(0)],
    ["resizeRings", "NaN", () => ring.resizeRings(NaN)],
    ["register", "opcode 9999", () => ring.register(9999, null, 0)],
    ["registerEventfd", "fd -1", () => ring.registerEventfd(-1)],
    ["keepAlive", "ctx null", () => ring.keepAlive(null as never, {})],
  ];
  for (const [m, what, call] of live) {
    cases.push(tc(U, `Uring.${m}`, what, () => {
      try {
        return call();
      } finally {
        drain();
      }
    }));
  }
  // Buffer rings.
  const BR_BAD: [string, Partial<u.BufferRingOptions>][] = [
    ["groupId -1", { groupId: -1 }],
    ["groupId 65536", { groupId: 65536 }],
    ["entries 0", { entries: 0 }],
    ["entries 40000", { entries: 40000 }],
    ["entries NaN", { entries: NaN }],
    ["bufferSize 0", { bufferSize: 0 }],
    ["bufferSize 2^32", { bufferSize: 2 ** 32 }],
    ["count > entries", { count: 64 }],
    ["count -1", { count: -1 }],
  ];
  for (const [what, o] of BR_BAD) {
    cases.push(tc(U, "BufferRing.register", what, () => {
      const br = u.BufferRing.register(ring, {
        groupId: 7,
        entries: 16,
        bufferSize: 256,
        ...o,
      });
      br.close();
    }));
  }
  cases.push(
    tc(
      U,
      "BufferRing.register",
      "ring null",
      () =>
        u.BufferRing.register(null as never, {
          groupId: 1,
          entries: 8,
          bufferSize: 64,
        }),
    ),
    tc(
      U,
      "BufferRing.register",
      "closed ring fd",
      () =>
        u.BufferRing.register(closedFd(), {
          groupId: 1,
          entries: 8,
          bufferSize: 64,
        }),
    ),
    tc(
      U,
      "BufferRing.register",
      "options null",
      () => u.BufferRing.register(ring, null as never),
    ),
    tc(U, "BufferRing.register", "group registered twice", () => {
      const a = u.BufferRing.register(ring, {
        groupId: 9,
        entries: 8,
        bufferSize: 64,
      });
      try {
        u.BufferRing.register(ring, { groupId: 9, entries: 8, bufferSize: 64 })
          .close();
      } finally {
        a.close();
      }
    }),
  );
  const brMethods: [string, (b: u.BufferRing) => unknown][] = [
    ["view(-1)", (b) => b.view(-1)],
    ["view(8) of 8", (b) => b.view(8)],
    ["view(NaN)", (b) => b.view(NaN)],
    ["provide(99)", (b) => b.provide(99)],
    ["provide(0, len 2^20)", (b) => b.provide(0, 2 ** 20)],
    ["recycle(-1)", (b) => b.recycle(-1)],
    ["addressOf(1.5)", (b) => b.addressOf(1.5)],
  ];
  for (const [what, call] of brMethods) {
    cases.push(tc(U, "BufferRing", what, () => {
      const b = u.BufferRing.register(ring, {
        groupId: 11,
        entries: 8,
        bufferSize: 64,
      });
      try {
        return call(b);
      } finally {
        b.close();
      }
    }));
    cases.push(
      tc(U, "BufferRing", `${what.replace(/\(.*/, "(0)")} after close`, () => {
        const b = u.BufferRing.register(ring, {
          groupId: 12,
          entries: 8,
          bufferSize: 64,
        });
        b.close();
        return call(b) ?? b.view(0);
      }),
    );
  }
  cases.push(
    noThrow(U, "BufferRing.close", "twice", () => {
      const b = u.BufferRing.register(ring, {
        groupId: 13,
        entries: 8,
        bufferSize: 64,
      });
      b.close();
      b.close();
    }),
    {
      layer: U,
      fn: "BufferRing.view",
      input: "view used after close",
      expect: "noThrow",
      call: () => {
        const b = u.BufferRing.register(ring, {
          groupId: 14,
          entries: 8,
          bufferSize: 64,
        });
        const v = b.view(0);
        b.close();
        v[0] = 1; // detached: must go nowhere
        if (v.length !== 0) throw new Error(`view still ${v.length} bytes`);
      },
    },
  );
  // Driver lifecycle.
  cases.push(
    tc(U, "UringDriver", "options 5", () => new u.UringDriver(5 as never)),
    tc(U, "UringDriver", "ring not started", () => {
      const r = new u.Uring({ entries: 8 });
      try {
        return new u.UringDriver({ ring: r });
      } finally {
        r.stop();
      }
    }),
    tc(
      U,
      "UringDriver",
      "onCQE not a function",
      () => new u.UringDriver({ onCQE: 5 as never }),
    ),
    tc(U, "UringDriver.nop", "after close", async () => {
      const d = new u.UringDriver({ entries: 8 });
      await d.close();
      return d.nop();
    }),
    tc(U, "UringDriver.read", "after close", async () => {
      const d = new u.UringDriver({ entries: 8 });
      await d.close();
      return d.read(0, new Uint8Array(8));
    }),
    tc(U, "UringDriver.hold", "after close", async () => {
      const d = new u.UringDriver({ entries: 8 });
      await d.close();
      return d.hold();
    }),
    noThrow(U, "UringDriver.close", "twice", async () => {
      const d = new u.UringDriver({ entries: 8 });
      await d.close();
      await d.close();
    }),
    tc(U, "UringDriver.sleep", "ms NaN", async () => {
      const d = new u.UringDriver({ entries: 8 });
      try {
        return await d.sleep(NaN);
      } finally {
        await d.close();
      }
    }),
    tc(U, "UringDriver.read", "fd -1", async () => {
      const d = new u.UringDriver({ entries: 8 });
      try {
        return await d.read(-1, new Uint8Array(8));
      } finally {
        await d.close();
      }
    }),
    tc(U, "UringDriver.read", "buffer null", async () => {
      const d = new u.UringDriver({ entries: 8 });
      try {
        return await d.read(0, null as never);
      } finally {
        await d.close();
      }
    }),
    tc(U, "UringDriver.nop", "timeoutMs -5", async () => {
      const d = new u.UringDriver({ entries: 8 });
      try {
        return await d.nop({ timeoutMs: -5 });
      } finally {
        await d.close();
      }
    }),
    tc(U, "UringDriver.nop", "signal already aborted", async () => {
      const d = new u.UringDriver({ entries: 8 });
      try {
        return await d.nop({ signal: AbortSignal.abort() });
      } finally {
        await d.close();
      }
    }),
  );
  // Codecs and pools.
  cases.push(
    tc(U, "sqeContextFromRaw", "-1n", () => u.sqeContextFromRaw(-1n)),
    tc(U, "sqeContextFromRaw", "2^64", () => u.sqeContextFromRaw(1n << 64n)),
    tc(U, "sqeContextFromRaw", "number", () => u.sqeContextFromRaw(5 as never)),
    tc(U, "forFD", "2^29", () => u.forFD(2 ** 29)),
    tc(U, "forFD", "NaN", () => u.forFD(NaN)),
    tc(U, "packDirect", "op 256", () => u.packDirect(256, 0, 0, 0)),
    tc(U, "packDirect", "bufGroup 65536", () => u.packDirect(0, 0, 65536, 0)),
    tc(U, "SQEContext.withOp", "on an indirect context", () => {
      const p = new u.ContextPools(4);
      const slot = p.indirect()!;
      try {
        return u.packIndirect(slot).withOp(1);
      } finally {
        p.close();
      }
    }),
    tc(
      U,
      "CQEView.extSQE",
      "on a direct completion",
      () => new u.CQEView().extSQE(),
    ),
    tc(U, "CQEView.throwIfError", "res -EBADF", () => {
      const v = new u.CQEView();
      v.res = -9;
      v.throwIfError();
    }),
    tc(U, "ContextPools.indirect", "after close", () => {
      const p = new u.ContextPools(4);
      p.close();
      return p.indirect();
    }),
    tc(U, "ContextPools.putIndirect", "foreign slot", () => {
      const p = new u.ContextPools(4), q = new u.ContextPools(4);
      try {
        p.putIndirect(q.indirect()!);
      } finally {
        p.close();
        q.close();
      }
    }),
    tc(
      U,
      "ContextPools.putExtended",
      "null",
      () => new u.ContextPools(4).putExtended(null as never),
    ),
    tc(U, "ctxOf", "refs 99", () => {
      const p = new u.ContextPools(4);
      try {
        return u.ctxOf(p.extended()!, 99, 0);
      } finally {
        p.close();
      }
    }),
    tc(U, "optionsForBudget", "-1", () => u.optionsForBudget(-1)),
    tc(U, "optionsForBudget", "NaN", () => u.optionsForBudget(NaN)),
    tc(U, "ioprioClass", "class 9", () => u.ioprioClass(9, 0)),
    tc(U, "prepNop", "index -1", () => uraw.prepNop(ring.sqeWords, -1)),
    tc(
      U,
      "prepNop",
      "index beyond SQ",
      () => uraw.prepNop(ring.sqeWords, 10_000),
    ),
    tc(U, "prepNop", "words null", () => uraw.prepNop(null as never, 0)),
  );
  return Promise.resolve({
    cases,
    cleanup: () => {
      drain();
      ring.stop();
    },
  });
};
