// Under `deno task test:asan` (KERNIO_ASAN=1), proves the run really uses
// the sanitized library and the ASan/UBSan runtimes; otherwise ignored.

import assert from "node:assert/strict";
import { getpid } from "../zcall/mod.ts";

let asan = false;
try {
  asan = Deno.env.get("KERNIO_ASAN") === "1";
} catch {
  // no --allow-env: not a sanitized run
}

Deno.test({
  name: "reliability: sanitized library and runtimes are loaded",
  ignore: !asan,
  fn() {
    assert.equal(getpid(), Deno.pid);
    const maps = Deno.readTextFileSync("/proc/self/maps");
    assert.match(maps, /libkernio_asan\.so/, "libkernio_asan.so not mapped");
    assert.match(maps, /libasan\.so/, "libasan not mapped");
    assert.match(maps, /libubsan\.so/, "libubsan not mapped");
    assert.doesNotMatch(maps, /\/libkernio\.so/, "plain libkernio.so mapped");
  },
});
