// Every example runs with FFI scoped to the native library, nothing wider:
// the manifest (examples/examples.json, which tests/examples_test.ts runs
// with exactly these flags) grants `--allow-ffi={lib}` and never the
// unscoped flag; each FFI example, started with no FFI grant at all, fails
// naming the one flag it needs; the deno.json tasks and the demo's servers
// use the scoped flag too. Entries are read from the manifest, so examples
// added there are covered without touching this file.

import assert from "node:assert/strict";
import { libraryFileName } from "../zcall/loader.ts";

interface Entry {
  file: string;
  args?: string[];
  permissions: string[];
  root?: boolean;
}

const root = new URL("../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);
const manifest: { examples: Entry[] } = JSON.parse(
  Deno.readTextFileSync(new URL("examples/examples.json", root)),
);
const LIB = `${rootPath}native/build/${
  libraryFileName(Deno.build.os, Deno.build.arch)
}`;
const WIDE =
  /^(--allow-ffi|--allow-all|-A|--allow-net|--allow-run|--allow-env)$/;

function exists(file: string): boolean {
  try {
    return Deno.statSync(new URL(`examples/${file}`, root)).isFile;
  } catch {
    return false;
  }
}

const usesFfi = (e: Entry) =>
  e.permissions.some((p) => p.startsWith("--allow-ffi"));

Deno.test("examples: the manifest scopes FFI to the library", () => {
  assert.ok(manifest.examples.length > 0);
  for (const e of manifest.examples) {
    for (const p of e.permissions) {
      if (p.startsWith("--allow-ffi")) {
        assert.equal(
          p,
          "--allow-ffi={lib}",
          `${e.file}: ${p} (only the library's path may be granted)`,
        );
      }
      // The demo starts processes (cc, the servers); nothing else runs
      // anything or gets a blanket grant.
      if (e.file !== "demo.ts") {
        assert.doesNotMatch(p, WIDE, `${e.file}: ${p} is unscoped`);
      }
    }
  }
});

Deno.test("examples: without FFI each names --allow-ffi=<library>", async (t) => {
  for (const e of manifest.examples) {
    if (!usesFfi(e)) continue;
    await t.step({
      name: e.file,
      ignore: !exists(e.file),
      fn: async () => {
        const flags = e.permissions.filter((p) => !p.startsWith("--allow-ffi"));
        const out = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--no-prompt",
            ...flags,
            `examples/${e.file}`,
            ...(e.args ?? []),
          ],
          cwd: rootPath,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
        const err = new TextDecoder().decode(out.stderr);
        assert.equal(out.success, false, `${e.file} ran without FFI`);
        assert.ok(err.includes(`run with --allow-ffi=${LIB}`), err);
      },
    });
  }
});

Deno.test("examples: deno.json tasks and the demo's servers scope FFI", () => {
  const cfg = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root)));
  for (const [name, task] of Object.entries<string>(cfg.tasks)) {
    if (!name.startsWith("example:")) continue;
    assert.doesNotMatch(task, /--allow-ffi(\s|$)/, `${name}: unscoped FFI`);
    assert.doesNotMatch(task, /--allow-all|\s-A\s/, `${name}: --allow-all`);
  }
  const demo = Deno.readTextFileSync(new URL("examples/demo.ts", root));
  for (const m of demo.matchAll(/cmd: \[([^\]]*)\]/g)) {
    assert.doesNotMatch(m[1], /"--allow-ffi"/, "demo server with unscoped FFI");
    assert.doesNotMatch(m[1], /--allow-all/, "demo server with --allow-all");
  }
  assert.match(demo, /`--allow-ffi=\$\{LIB_PATH\}`/);
});

Deno.test("docs: README, uring/mod.ts and driver.ts say the same", () => {
  const read = (p: string) => Deno.readTextFileSync(new URL(p, root));
  const mod = read("uring/mod.ts");
  const driver = read("uring/driver.ts");
  const readme = read("README.md");
  for (
    const [name, text] of [["uring/mod.ts", mod], ["uring/driver.ts", driver]]
  ) {
    assert.match(text, /--allow-ffi=<path of libkernio\.so>/, name);
    assert.match(text, /6\.5/, `${name} names the kernel that allows it`);
    assert.doesNotMatch(
      text,
      /--allow-read/,
      `${name}: io_uring needs no read`,
    );
  }
  assert.match(readme, /io_uring \(`@kernio\/kernio\/uring`\) on Linux 6\.5\+/);
  // What FFI grants, stated plainly.
  assert.match(
    readme,
    /any file, open\s+any\s+socket, exec any program and write any memory/,
  );
  assert.match(readme, /limits _which library loads_, not what it can do/);
});
