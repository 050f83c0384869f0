// Leak check (stress/leaks.ts) in a child process: /proc/self/fd of this
// `deno test --parallel` process is shared with every other test file, so
// a before/after comparison here would see their descriptors come and go.
// `deno task stress` runs the same check with 100,000 cycles.

import assert from "node:assert/strict";
import type { LeakReport } from "../stress/leaks.ts";
import { reportStat } from "./_util/prop.ts";

Deno.test("reliability: 2,000 open/close cycles leak no fd or mapping", async () => {
  const { code, signal, stdout, stderr } = await new Deno.Command(
    Deno.execPath(),
    {
      args: [
        "run",
        "--allow-all",
        new URL("../stress/leaks.ts", import.meta.url).pathname,
        "2000",
      ],
      env: { DENO_NO_UPDATE_CHECK: "1" },
      stdout: "piped",
      stderr: "piped",
    },
  ).output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  assert.equal(signal, null, `leak check crashed (${signal}):\n${err}`);
  const line = out.split("\n").find((l) => l.startsWith("LEAKS "));
  assert.ok(line, `no report line (exit ${code}):\n${out}\n${err}`);
  const r = JSON.parse(line.slice("LEAKS ".length)) as LeakReport;
  console.log(
    `cycles ${JSON.stringify(r.done)}; fds ${r.fdsBefore} -> ${r.fdsAfter}`,
  );
  reportStat({
    kind: "leaks",
    cycles: r.cycles,
    leaks: r.leakedFds.length + r.leakedMaps.length +
      (r.roAnonAfter > r.roAnonBefore ? 1 : 0),
  });
  assert.deepEqual(r.leakedFds, []);
  assert.deepEqual(r.leakedMaps, []);
  assert.equal(r.roAnonAfter, r.roAnonBefore, "anonymous mappings leaked");
  assert.equal(code, 0);
});
