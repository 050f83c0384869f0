// The zcall boundary under a careless or hostile caller: views that lie
// about their size, cells of the wrong byte size, shared cells changed by a
// Worker, undersized io_uring_register arguments, non-integers on every JIT
// tier. Each mode runs in a child process (tests/_util/boundary_zcall_cases.ts)
// so a kernel-side overflow that kills the process fails the test instead of
// the runner; the canary bytes around every view are the overflow detector.

import assert from "node:assert/strict";
import { runChild } from "./_util/canary.ts";

const CASES = new URL("./_util/boundary_zcall_cases.ts", import.meta.url)
  .pathname;

for (
  const [mode, what] of [
    ["calls", "lying views, byte-sized cells, register sizes, async waits"],
    ["proto", "with the prototypes' length getters patched to lie"],
    ["tiers", "non-integers and -0 give one answer cold and warm"],
    ["shared", "a SharedArrayBuffer length cell flipped by a Worker"],
  ] as const
) {
  Deno.test(`boundary: zcall ${what}`, async () => {
    const r = await runChild(CASES, [], [mode]);
    assert.equal(r.code, 0, `child died (${r.code}): ${r.stderr}`);
    assert.ok(r.outcomes.length > 0, `no report: ${r.stderr}`);
    const bad = r.outcomes.filter((o) => !o.ok);
    assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
  });
}
