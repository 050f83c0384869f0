// The uring buffer-ring, multishot, zero-copy and driver tests again, alone in a subprocess with the strict
// fd/mapping leak check on (KERNIO_URING_STRICT_LEAKS=1): test files running in
// parallel share one process, so only an isolated run can diff
// /proc/self/fd and /proc/self/maps reliably.

import assert from "node:assert/strict";

Deno.test("uring leaks: every uring test leaves no fd or mapping behind", async () => {
  const root = new URL("../", import.meta.url).pathname;
  const files = [
    "buffer_ring",
    "multishot",
    "driver",
    "bundle",
    "zerocopy",
    "listener",
    "cancel",
    "zcrx",
    "ring_buffers",
    "op_semantics",
  ].map((n) => `tests/uring_${n}_test.ts`);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", ...files],
    cwd: root,
    env: { KERNIO_URING_STRICT_LEAKS: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout) +
    new TextDecoder().decode(stderr);
  assert.equal(code, 0, out.slice(-4000));
  assert.match(out, /ok \| \d+ passed/);
});
