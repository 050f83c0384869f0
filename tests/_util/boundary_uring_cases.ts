/**
 * The uring boundary cases, run as a child process by
 * tests/boundary_uring_test.ts (with `--v8-flags=--expose-gc`): preps given
 * views that lie about their size, resizable buffers and wrong cells;
 * CQE_SKIP_SUCCESS ops with pinned buffers; a BufferRing whose ring
 * stopped and whose fd number a new ring took; unregisterBuffers and
 * stop() while the kernel still uses memory; rings dropped without stop().
 *
 * `deno run -A --v8-flags=--expose-gc tests/_util/boundary_uring_cases.ts`
 * prints one `CANARY [outcomes]` line.
 *
 * @example
 * ```ts
 * // deno run -A --v8-flags=--expose-gc tests/_util/boundary_uring_cases.ts
 * ```
 *
 * @module
 */

import * as z from "../../zcall/mod.ts";
import { BufferRing, CQEView, packDirect, Uring } from "../../uring/mod.ts";
import { retiredPinKeys } from "../../uring/_pins.ts";
import {
  type Case,
  caseAdder,
  Guarded,
  lieAboutSize,
  runCases,
} from "./canary.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");

function must(r: number, what: string): number {
  if (r < 0) throw new Error(`${what}: ${z.errnoName(r)}`);
  return r;
}
function pipe(): [number, number] {
  const fds = new Int32Array(2);
  must(z.pipe2(fds, z.O.CLOEXEC), "pipe2");
  return [fds[0], fds[1]];
}
function started(): Uring {
  const r = new Uring({ entries: 64 });
  r.start();
  return r;
}
const cqes = CQEView.array(64);
function reapAll(ring: Uring, want: number, ms = 3000): CQEView[] {
  const out: CQEView[] = [];
  const deadline = performance.now() + ms;
  while (out.length < want && performance.now() < deadline) {
    const n = ring.waitBlocking(cqes, 1, 50);
    for (let i = 0; i < n; i++) {
      const c = new CQEView();
      c.userDataLo = cqes[i].userDataLo;
      c.userDataHi = cqes[i].userDataHi;
      c.res = cqes[i].res;
      c.flags = cqes[i].flags;
      out.push(c);
    }
  }
  return out;
}
function fdCount(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

const cases: Case[] = [];
const add = caseAdder(cases);

// ---- class 1: preps take sizes from the engine ---------------------------
{
  const g = new Guarded(8);
  const v = lieAboutSize(g.bytes, 4096);
  add("Uring.read", "8-byte view claiming 4096", [g], 8, () => {
    const ring = started();
    const [r, w] = pipe();
    try {
      z.write(w, new Uint8Array(4096).fill(0x5a));
      ring.read(packDirect(0, 0, 0, r), v);
      ring.submit();
      return reapAll(ring, 1)[0]?.res;
    } finally {
      ring.stop();
      z.close(r);
      z.close(w);
    }
  });
  add(
    "Uring.read",
    "n 4096 on an 8-byte view claiming 4096",
    [g],
    "throws",
    () => {
      using ring = started();
      ring.read(packDirect(0, 0, 0, 0), v, { n: 4096 });
    },
  );
  add("Uring.write", "8-byte view claiming 4096", [g], 8, () => {
    const ring = started();
    const [r, w] = pipe();
    try {
      ring.write(packDirect(0, 0, 0, w), v);
      ring.submit();
      return reapAll(ring, 1)[0]?.res;
    } finally {
      ring.stop();
      z.close(r);
      z.close(w);
    }
  });
}
{
  const ab = new ArrayBuffer(64, { maxByteLength: 4096 });
  add("Uring.read", "resizable buffer refused", [], "throws", () => {
    using ring = started();
    ring.read(packDirect(0, 0, 0, 0), new Uint8Array(ab));
  });
  add("Uring.registerBuffers", "resizable buffer refused", [], "throws", () => {
    using ring = started();
    ring.registerBuffers([new Uint8Array(ab)]);
  });
}
{
  const g = new Guarded(4);
  add("Uring.accept", "peer length cell as Uint8Array", [g], "throws", () => {
    using ring = started();
    ring.accept(
      packDirect(0, 0, 0, 0),
      undefined,
      new Uint8Array(16),
      g.bytes as unknown as Uint32Array,
    );
  });
  const shared = new Uint32Array(new SharedArrayBuffer(4));
  add("Uring.accept", "peer length cell in shared memory", [], "throws", () => {
    using ring = started();
    ring.accept(packDirect(0, 0, 0, 0), undefined, new Uint8Array(16), shared);
  });
}
{
  const g = new Guarded(4096);
  add(
    "Uring.registerBuffers",
    "view claiming more registers its true size",
    [
      g,
    ],
    4096,
    () => {
      using ring = started();
      ring.registerBuffers([lieAboutSize(g.bytes, 1 << 20)]);
      const [r, w] = pipe();
      try {
        z.write(w, new Uint8Array(8192).fill(1));
        ring.readFixed(packDirect(0, 0, 0, r), 0);
        ring.submit();
        return reapAll(ring, 1)[0]?.res;
      } finally {
        z.close(r);
        z.close(w);
      }
    },
  );
}

// ---- class 6: CQE_SKIP_SUCCESS ops release their pins --------------------
add(
  "Uring.write",
  "100,000 CQE_SKIP_SUCCESS writes of pinned 1 KiB buffers",
  [],
  "0 pins, 0 CQEs",
  () => {
    const ring = started();
    try {
      let delivered = 0;
      const dn = must(
        z.memfdCreate("sink", z.MFD.CLOEXEC),
        "memfd",
      );
      const sink = packDirect(0, z.IOSQE.CQE_SKIP_SUCCESS, 0, dn);
      for (let i = 0; i < 100_000; i++) {
        while (!ring.write(sink, new Uint8Array(1024), { offset: 0 })) {
          ring.submit();
          delivered += ring.wait(cqes);
        }
        if ((i & 63) === 63) {
          ring.submit();
          delivered += ring.wait(cqes);
        }
      }
      ring.submit();
      const deadline = performance.now() + 3000;
      while (ring.pinnedKeys !== 0 && performance.now() < deadline) {
        delivered += ring.waitBlocking(cqes, 1, 20);
      }
      z.close(dn);
      return `${ring.pinnedKeys} pins, ${delivered} CQEs`;
    } finally {
      ring.stop();
    }
  },
);
add(
  "Uring.write",
  "a failing CQE_SKIP_SUCCESS write still posts its CQE",
  [],
  -z.Errno.EBADF,
  () => {
    using ring = started();
    ring.write(
      packDirect(0, z.IOSQE.CQE_SKIP_SUCCESS, 0, 1 << 20),
      new Uint8Array(8),
    );
    ring.submit();
    const r = reapAll(ring, 1)[0]?.res;
    return ring.pinnedKeys === 0 ? r : `pins left: ${ring.pinnedKeys}`;
  },
);

// ---- class 7: handles follow their ring object ---------------------------
add(
  "BufferRing.close",
  "after its ring stopped and a new ring took the fd number",
  [],
  "new ring's group intact",
  () => {
    const ring1 = started();
    const fd1 = ring1.fd;
    const br1 = BufferRing.register(ring1, {
      groupId: 9,
      entries: 8,
      bufferSize: 64,
    });
    ring1.stop();
    const ring2 = started();
    try {
      const br2 = BufferRing.register(ring2, {
        groupId: 9,
        entries: 8,
        bufferSize: 64,
      });
      const sameFd = ring2.fd === fd1;
      br1.close(); // must not touch ring2's group 9
      let head: number | string;
      try {
        head = br2.head();
      } catch (e) {
        head = String(e);
      }
      br2.close();
      return head === 0
        ? "new ring's group intact"
        : `same fd ${sameFd}: head ${head}`;
    } finally {
      ring2.stop();
    }
  },
);
add("BufferRing.head", "after its ring stopped", [], "throws", () => {
  const ring = started();
  const br = BufferRing.register(ring, {
    groupId: 3,
    entries: 8,
    bufferSize: 64,
  });
  ring.stop();
  try {
    br.head();
  } finally {
    br.close();
  }
});

// ---- class 5: memory the kernel uses stays alive -------------------------
add(
  "Uring.unregisterBuffers",
  "while a READ_FIXED is in flight, buffers dropped and collected",
  [],
  "data landed in the pinned buffer",
  async () => {
    const ring = started();
    const [r, w] = pipe();
    try {
      let buf: Uint8Array | null = new Uint8Array(4096);
      const weak = new WeakRef(buf);
      ring.registerBuffers([buf]);
      ring.readFixed(packDirect(0, 0, 0, r), 0);
      ring.submit();
      ring.unregisterBuffers();
      buf = null;
      for (let i = 0; i < 3; i++) {
        gc!();
        await new Promise((res) => setTimeout(res, 5));
      }
      // Churn the heap where the buffer would have been.
      const junk = Array.from({ length: 256 }, () => new Uint8Array(4096));
      z.write(w, new Uint8Array(64).fill(0x77));
      const res = reapAll(ring, 1)[0]?.res;
      const alive = weak.deref();
      const ok = res === 64 && alive !== undefined && alive[0] === 0x77 &&
        junk.every((j) => j[0] === 0);
      return ok
        ? "data landed in the pinned buffer"
        : `res ${res}, alive ${alive !== undefined}`;
    } finally {
      ring.stop();
      z.close(r);
      z.close(w);
    }
  },
);
add(
  "Uring.stop",
  "with a pinned recv in flight: cancelled and reaped, nothing retired",
  [],
  "0 pins, 0 retired",
  () => {
    const before = retiredPinKeys();
    const ring = started();
    const fds = new Int32Array(2);
    must(z.socketpair(z.AF.UNIX, z.SOCK.STREAM, 0, fds), "socketpair");
    ring.read(packDirect(0, 0, 0, fds[0]), new Uint8Array(4096));
    ring.submit();
    const pinned = ring.pinnedKeys;
    ring.stop();
    z.write(fds[1], new Uint8Array(64).fill(1));
    z.close(fds[0]);
    z.close(fds[1]);
    return pinned === 1
      ? `${ring.pinnedKeys} pins, ${retiredPinKeys() - before} retired`
      : `pinned ${pinned} before stop`;
  },
);

// ---- class 9: rings dropped without stop() -------------------------------
add(
  "new Uring",
  "200 rings dropped without stop(): fds and maps released by GC",
  [],
  "released",
  async () => {
    const fds0 = fdCount();
    (() => {
      for (let i = 0; i < 200; i++) started();
    })();
    const grown = fdCount() - fds0;
    for (let i = 0; i < 10 && fdCount() - fds0 > 8; i++) {
      gc!();
      await new Promise((res) => setTimeout(res, 20));
    }
    const left = fdCount() - fds0;
    return grown >= 150 && left <= 8
      ? "released"
      : `fds: +${grown} while alive, +${left} after GC`;
  },
);

const outcomes = await runCases(cases);
console.log("CANARY " + JSON.stringify(outcomes));
