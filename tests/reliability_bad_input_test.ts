// The bad-input catalogue (tests/_util/bad_input.ts) run in a child process: the
// cases use descriptor numbers (closed, garbage), which must not hit the fds
// of other test files sharing this `deno test --parallel` process, and a
// crash there fails this test instead of killing the whole run.

import assert from "node:assert/strict";
import type { Report } from "./_util/bad_input_case.ts";
import { KNOWN_FINDINGS } from "./_util/bad_input_findings.ts";
import { reportStat } from "./_util/prop.ts";

const here = new URL(".", import.meta.url);

Deno.test("reliability: bad-input catalogue (child process)", async () => {
  const { code, signal, stdout, stderr } = await new Deno.Command(
    Deno.execPath(),
    {
      args: [
        "run",
        "--allow-all",
        new URL("_util/bad_input.ts", here).pathname,
      ],
      stdout: "piped",
      stderr: "piped",
    },
  ).output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  assert.equal(signal, null, `catalogue crashed (${signal}):\n${err}`);
  assert.equal(code, 0, `catalogue exited ${code}:\n${err}`);
  const line = out.split("\n").find((l) => l.startsWith("BAD_INPUT "));
  assert.ok(line, `no report line:\n${out}\n${err}`);
  const r = JSON.parse(line.slice("BAD_INPUT ".length)) as Report;
  console.log(
    `bad inputs tried: ${r.total} ${JSON.stringify(r.byLayer)} outcomes ${
      JSON.stringify(r.byKind)
    }`,
  );
  for (const [id, n] of Object.entries(r.known)) {
    console.log(
      `  known finding ${id}: ${n} cases. ${KNOWN_FINDINGS[id].about}`,
    );
  }
  if (r.uncovered.length) {
    console.log(`  no cases yet: ${r.uncovered.join(", ")}`);
  }
  reportStat({
    kind: "bad_input",
    total: r.total,
    byLayer: r.byLayer,
    known: r.known,
    violations: r.violations.length,
  });
  assert.ok(r.total >= 300, `only ${r.total} cases`);
  assert.deepEqual(
    r.violations,
    [],
    "bad inputs that crashed, threw untyped errors or silently succeeded",
  );
});
