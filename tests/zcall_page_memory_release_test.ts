// PageMemory.close() against the kernel's own pins: an io_uring ring (its
// NO_MMAP rings, buffer rings, registered buffers) keeps the physical pages
// it pinned until its teardown finishes, which runs after close(2) returns
// and may still post completions into them. Once JS releases the memory,
// the allocator may hand the same addresses to other objects: those must
// not map the pages the kernel still writes. Checked through
// /proc/self/pagemap (page frame numbers need root).

import assert from "node:assert/strict";
import { PageMemory, pageSize } from "../zcall/mod.ts";
import { runGcChild } from "./_util/deno_child.ts";
import { Uring } from "../uring/mod.ts";

// The page frame number mapped at `address`, 0 when not present, -1 when
// this process may not see frame numbers (not root).
function frameOf(address: number): number {
  const f = Deno.openSync("/proc/self/pagemap", { read: true });
  try {
    const entry = new Uint8Array(8);
    f.seekSync(Math.floor(address / pageSize()) * 8, Deno.SeekMode.Start);
    assert.equal(f.readSync(entry), 8);
    const dv = new DataView(entry.buffer);
    const lo = dv.getUint32(0, true), hi = dv.getUint32(4, true);
    if ((hi & 0x8000_0000) === 0) return 0; // not present
    const pfn = lo + (hi & 0x7f_ffff) * 2 ** 32; // bits 0..54
    return pfn === 0 ? -1 : pfn;
  } finally {
    f.close();
  }
}

Deno.test("zcall PageMemory: close() unshares the pages the kernel still pins", () => {
  const page = pageSize();
  const mem = new PageMemory(2 * page);
  mem.bytes.fill(0x5a);
  const address = mem.address;
  const before = [frameOf(address), frameOf(address + page)];
  if (before[0] === -1) {
    console.log("skipped: page frame numbers need root (/proc/self/pagemap)");
    mem.close();
    return;
  }
  assert.ok(before[0] > 0 && before[1] > 0);
  using ring = new Uring({ entries: 2 });
  ring.start();
  // Registering pins the pages: the kernel writes them through its pin,
  // whatever the address range maps later.
  ring.registerBuffers([mem.view(0, 2 * page)]);
  mem.close();
  // The released range no longer maps the pinned frames, so whoever the
  // allocator gives these addresses to next cannot see kernel writes.
  for (let p = 0; p < 2; p++) {
    assert.notEqual(
      frameOf(address + p * page),
      before[p],
      `released page ${p} still maps the frame the kernel pinned`,
    );
  }
});

Deno.test("zcall PageMemory: kernel writes after a ring's close never reach reused memory", async () => {
  // A subprocess: it needs --expose-gc, and before the fix the kernel's
  // late writes land in whatever the allocator put there (a crash, at
  // worst).
  const out = await runGcChild("late_kernel_write.ts");
  assert.match(out, /changed 0\b/, out);
});
