// No descriptor or mapping leaks: tests/_util/zcall_leak_probe.ts runs every
// descriptor- and mapping-creating wrapper 200 times in a process of its own
// and reports /proc/self/fd and /proc/self/maps before and after.

import assert from "node:assert/strict";

Deno.test("zcall: no fd or mapping leaks (isolated process)", async () => {
  const probe = new URL("_util/zcall_leak_probe.ts", import.meta.url).pathname;
  const res = await new Deno.Command(Deno.execPath(), {
    // Deno asks for --allow-all to read /proc/self/*.
    args: ["run", "--allow-all", probe, "200"],
    env: { NO_COLOR: "1" },
  }).output();
  const out = new TextDecoder().decode(res.stdout);
  assert.ok(res.success, new TextDecoder().decode(res.stderr));
  const { rounds, before, after } = JSON.parse(out);
  assert.equal(rounds, 200);
  assert.equal(after.fds, before.fds, `fds ${before.fds} -> ${after.fds}`);
  assert.equal(after.odd, before.odd, "13-page anonymous mappings leaked");
  // 400 mappings are created and removed; the runtime's own heap may move a
  // little, a leak would add hundreds of lines.
  assert.ok(
    after.maps - before.maps < 40,
    `maps ${before.maps} -> ${after.maps}`,
  );
});
