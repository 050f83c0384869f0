// The uring boundary: preps given views that lie about their size,
// resizable buffers and wrong cells; CQE_SKIP_SUCCESS ops releasing their
// pins; BufferRing handles that follow their ring object; memory the kernel
// still uses kept alive through unregisterBuffers and stop(); rings dropped
// without stop() released by GC. One child process with --expose-gc
// (tests/_util/boundary_uring_cases.ts): a crash fails the test, not the
// runner, and GC-driven cases can force collections.

import assert from "node:assert/strict";
import { runChild } from "./_util/canary.ts";

const CASES = new URL("./_util/boundary_uring_cases.ts", import.meta.url)
  .pathname;

Deno.test("boundary: uring preps, pins, handles, lifetimes", async () => {
  const r = await runChild(CASES, ["--v8-flags=--expose-gc"]);
  assert.equal(r.code, 0, `child died (${r.code}): ${r.stderr}`);
  assert.ok(r.outcomes.length > 0, `no report: ${r.stderr}`);
  const bad = r.outcomes.filter((o) => !o.ok);
  assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
});
