// Bytes a high-level write leaves to the kernel for later (the part a
// non-blocking send did not take) are the library's own copy: a caller that
// detaches its buffer with transfer() right after write() (or after handing
// a chunk to a response stream) cannot make the kernel send freed memory.
// Before, the queued io_uring send read the freed pages: EFAULT once they
// were unmapped, other objects' bytes when the allocator had reused them.
// Each case runs in a child under --expose-gc (collections forced, the
// heap refilled with 0xEE) and checks every byte the peer received.

import assert from "node:assert/strict";
import { runGcChild } from "./_util/deno_child.ts";

Deno.test("boundary: uring conn.write() survives the caller detaching its buffer", async () => {
  const out = await runGcChild("detach_write_child.ts");
  assert.match(out, /^OK 8388608$/m, out);
});

Deno.test("boundary: an http response chunk detached by the handler is sent as written", async () => {
  const out = await runGcChild("detach_http_child.ts");
  assert.match(out, /^OK 8388608$/m, out);
});
