// Child of tests/uring_teardown_fence_test.ts (run with
// --v8-flags=--expose-gc): rings and buffer rings dropped without stop() or
// close() give back what they hold once collected. Prints one JSON line.
//
//   eventfds     rings with their own eventfd and waitAsync's wake-up fd
//   buffer-rings rings with a buffer ring and ring-owned groups, neither
//                closed; then a stopped ring whose buffer ring was dropped

import { BufferRing, CQEView, Uring } from "../../uring/mod.ts";
import { heldPageMemory } from "../../zcall/mod.ts";

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
const N = 40;

function fdCount(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

async function collect(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Waits (bounded) until the fenced memory is released.
async function fencesPassed(): Promise<number> {
  let held = heldPageMemory().fenced;
  for (let i = 0; i < 300 && held !== 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
    held = heldPageMemory().fenced;
  }
  return held;
}

const mode = Deno.args[0];
const cqes = CQEView.array(4);
const before = fdCount();
const openBefore = heldPageMemory().open;
let during = 0;
if (mode === "eventfds") {
  await (async () => {
    for (let k = 0; k < N; k++) {
      const r = new Uring({ entries: 4 });
      r.start();
      r.eventfd();
      await r.waitAsync(cqes, { timeoutMs: 1 }); // creates its wake-up fd
    }
    during = fdCount();
  })();
} else if (mode === "buffer-rings") {
  (() => {
    for (let k = 0; k < N; k++) {
      const r = new Uring({ entries: 4, readBufferNum: 4 });
      r.start();
      BufferRing.register(r, { groupId: 9, entries: 4, bufferSize: 4096 });
    }
    during = fdCount();
  })();
} else throw new Error(`unknown mode ${mode}`);
await collect();
const heldAfterGc = await fencesPassed();
// A teardown fence's pipe closes when the kernel has let go of its ring,
// which under load can take a while: wait (bounded) for the count.
let after = fdCount();
for (let i = 0; i < 300 && after > before; i++) {
  await new Promise((r) => setTimeout(r, 10));
  after = fdCount();
}
const openAfter = heldPageMemory().open;
// A buffer ring dropped (not closed) on a ring that is then stopped.
(() => {
  const r = new Uring({ entries: 4 });
  r.start();
  BufferRing.register(r, { groupId: 3, entries: 4, bufferSize: 8192 });
  r.stop();
})();
const heldAtStop = heldPageMemory().fenced;
const heldLater = await fencesPassed();
console.log(JSON.stringify({
  before,
  during,
  after,
  openBefore,
  openAfter,
  heldAfterGc,
  heldAtStop,
  heldLater,
}));
