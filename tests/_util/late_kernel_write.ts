// Child of tests/zcall_page_memory_release_test.ts (run with
// --v8-flags=--expose-gc): the kernel writes into a ring's memory after the
// ring's close(2) returned, and that memory must not be visible to objects
// the allocator hands out meanwhile.
//
// Ring B's file is kept open by a poll that ring A has in flight on B's fd,
// so B's stop() (close of its fd) does not tear B down yet. B's memory is
// released (PageMemory.close), the grace period passes, the garbage
// collector frees it and the allocator reuses it for pattern-filled buffers.
// Then A stops: B's teardown runs, cancels B's pending timeout and writes
// the completion (and ring flags) into B's rings. Prints the number of
// pattern buffers that changed.

import { packDirect, Uring } from "../../uring/mod.ts";
import { PageMemory } from "../../zcall/mod.ts";

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");

const a = new Uring({ entries: 4 });
a.start();
const b = new Uring({ entries: 4 });
b.start();
const POLLIN = 1;
a.pollAdd(packDirect(0, 0, 1, b.fd), POLLIN);
a.submit();
b.timeout(packDirect(0, 0, 2, 0), 60_000);
b.submit();
b.stop();
// Past PageMemory's grace period; the next allocation sweeps the graveyard.
await new Promise((r) => setTimeout(r, 2_200));
new PageMemory(1).close();
gc();
await new Promise((r) => setTimeout(r, 20));
gc();
const PATTERN = 0xaa;
const bufs: Uint8Array[] = [];
for (const pages of [2, 3, 4]) {
  for (let i = 0; i < 300; i++) {
    bufs.push(new Uint8Array(new ArrayBuffer(pages * 4096)).fill(PATTERN));
  }
}
a.stop();
await new Promise((r) => setTimeout(r, 300));
let changed = 0;
for (const x of bufs) if (x.some((v) => v !== PATTERN)) changed++;
console.log(`changed ${changed}`);
