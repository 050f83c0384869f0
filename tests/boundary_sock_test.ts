// The sock boundary: the I/O and batch paths given views that lie about
// their size, resizable and detached buffers, wrong-typed input. Run in a
// child process (tests/_util/boundary_sock_cases.ts) with canary bytes
// around every view: a kernel-side overflow fails the test, not the runner.

import assert from "node:assert/strict";
import { runChild } from "./_util/canary.ts";
import { runGcChild } from "./_util/deno_child.ts";

const CASES = new URL("./_util/boundary_sock_cases.ts", import.meta.url)
  .pathname;

Deno.test("boundary: sock I/O and batch paths", async () => {
  const r = await runChild(CASES);
  assert.equal(r.code, 0, `child died (${r.code}): ${r.stderr}`);
  assert.ok(r.outcomes.length > 0, `no report: ${r.stderr}`);
  const bad = r.outcomes.filter((o) => !o.ok);
  assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
});

Deno.test("boundary: sockets collected without close() give back their descriptors, and only theirs", async () => {
  // A subprocess: it needs --expose-gc.
  const out = await runGcChild("sock_dropped_child.ts");
  const r = JSON.parse(out.trim().split("\n").at(-1)!);
  assert.equal(r.during - r.before, 250, out); // 100 pairs + 50 sockets
  assert.equal(r.after, r.before, `descriptors leaked: ${out}`);
  assert.equal(r.closed, 250, out);
  // Numbers closed behind the objects' backs and reused (by a pipe, by
  // another socket) are left alone.
  assert.equal(r.reusedPipe, true, out);
  assert.equal(r.reusedSocket, true, out);
});
