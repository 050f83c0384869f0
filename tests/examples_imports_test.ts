// The examples read as a user's code: the package through its own name
// (`@kernio/kernio/...`, resolved by deno.json), never by a relative path
// into zcall/, sock/, uring/ or http/, and nothing from jsr: statically.

import assert from "node:assert/strict";

const dir = new URL("../examples/", import.meta.url);
const INTO_PACKAGE = /from\s+"\.\.\/(zcall|sock|uring|http)\//;
const STATIC_JSR = /(from|import)\s+"jsr:/;

Deno.test("examples import the package by its name", () => {
  const files = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".ts"))
    .map((e) => e.name);
  assert.ok(files.length > 5);
  let byName = 0;
  for (const f of files) {
    const text = Deno.readTextFileSync(new URL(f, dir));
    assert.doesNotMatch(text, INTO_PACKAGE, `${f} imports a package path`);
    assert.doesNotMatch(text, STATIC_JSR, `${f} imports jsr: statically`);
    if (text.includes('from "@kernio/kernio/')) byName++;
  }
  // Every example uses the package but the demo runner (it spawns the
  // others) and echo_deno.ts (Deno's built-ins, the comparison).
  assert.ok(byName >= files.length - 2, `${byName} of ${files.length}`);
});
