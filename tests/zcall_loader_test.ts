// The loader's error messages, each proven in a fresh Deno subprocess with
// exactly the permissions of the scenario; VERSION against deno.json; the
// prebuilt file names and URLs.

import assert from "node:assert/strict";
import {
  DEFAULT_LIB_BASE_URL,
  libraryFileName,
  libraryUrl,
  VERSION,
} from "../zcall/mod.ts";

const root = new URL("../", import.meta.url);
const LIB = new URL("native/build/libkernio.so", root).pathname;

// Runs a probe that imports `modUrl` and prints "loaded <pid>"; returns the
// exit status and output.
async function probe(
  modUrl: string,
  flags: string[],
  env: Record<string, string> = {},
): Promise<{ ok: boolean; out: string; err: string }> {
  const dir = await Deno.makeTempDir({ prefix: "kernio_loader_" });
  try {
    const script = `${dir}/probe.ts`;
    await Deno.writeTextFile(
      script,
      `import { getpid } from ${JSON.stringify(modUrl)};\n` +
        `console.log("loaded", getpid());\n`,
    );
    const res = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--no-config",
        "--no-lock",
        ...flags,
        script,
      ],
      cwd: dir,
      // A clean environment: only what the scenario sets (plus HOME, for
      // Deno's own cache).
      env: { NO_COLOR: "1", HOME: Deno.env.get("HOME") ?? "/tmp", ...env },
      clearEnv: true,
    }).output();
    const d = new TextDecoder();
    return {
      ok: res.success,
      out: d.decode(res.stdout),
      err: d.decode(res.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ZCALL = new URL("zcall/mod.ts", root).href;
const envFlag = "--allow-env=KERNIO_LIB_PATH,KERNIO_LIB_URL";

Deno.test("loader: messages proven in subprocesses", async (t) => {
  await t.step(
    "the local build loads with --allow-ffi=<path> only",
    async () => {
      const r = await probe(ZCALL, [`--allow-ffi=${LIB}`]);
      assert.ok(r.ok, r.err);
      assert.match(r.out, /^loaded \d+/);
    },
  );

  await t.step("missing --allow-ffi names the flag and the path", async () => {
    const r = await probe(ZCALL, []);
    assert.equal(r.ok, false);
    assert.match(r.err, /LibraryLoadError/);
    assert.ok(r.err.includes(`--allow-ffi=${LIB}`), r.err);
    // Env not granted: the message says how to point elsewhere.
    assert.ok(r.err.includes("--allow-env=KERNIO_LIB_PATH"), r.err);
  });

  await t.step("--allow-ffi for another path is still NotCapable", async () => {
    const r = await probe(ZCALL, ["--allow-ffi=/nonexistent.so"]);
    assert.equal(r.ok, false);
    assert.ok(r.err.includes(`--allow-ffi=${LIB}`), r.err);
  });

  await t.step("KERNIO_LIB_PATH pointing at a missing file", async () => {
    const missing = "/nonexistent/dir/libkernio.so";
    const r = await probe(ZCALL, ["--allow-ffi", envFlag], {
      KERNIO_LIB_PATH: missing,
    });
    assert.equal(r.ok, false);
    assert.ok(
      r.err.includes(`KERNIO_LIB_PATH=${missing} does not exist`),
      r.err,
    );
    assert.match(r.err, /deno task build/);
  });

  await t.step("KERNIO_LIB_PATH without FFI permission for it", async () => {
    const copyDir = await Deno.makeTempDir({ prefix: "kernio_lib_" });
    try {
      const copy = `${copyDir}/libkernio.so`;
      await Deno.copyFile(LIB, copy);
      const denied = await probe(ZCALL, [`--allow-ffi=${LIB}`, envFlag], {
        KERNIO_LIB_PATH: copy,
      });
      assert.equal(denied.ok, false);
      assert.ok(denied.err.includes(`--allow-ffi=${copy}`), denied.err);
      // And with it, the copy is what loads.
      const ok = await probe(ZCALL, [`--allow-ffi=${copy}`, envFlag], {
        KERNIO_LIB_PATH: copy,
      });
      assert.ok(ok.ok, ok.err);
    } finally {
      await Deno.remove(copyDir, { recursive: true });
    }
  });

  await t.step(
    "no local build: run `deno task build` or set KERNIO_LIB_PATH",
    async () => {
      // A copy of zcall/ in a layout without native/build/.
      const tree = await Deno.makeTempDir({ prefix: "kernio_tree_" });
      try {
        await Deno.mkdir(`${tree}/zcall`);
        for (const e of Deno.readDirSync(new URL("zcall/", root))) {
          if (e.isFile) {
            await Deno.copyFile(
              new URL(`zcall/${e.name}`, root),
              `${tree}/zcall/${e.name}`,
            );
          }
        }
        const mod = `file://${tree}/zcall/mod.ts`;
        const expectPath = `${tree}/native/build/libkernio.so`;
        const withEnv = await probe(mod, ["--allow-ffi", envFlag]);
        assert.equal(withEnv.ok, false);
        assert.ok(
          withEnv.err.includes(`not found at ${expectPath}`),
          withEnv.err,
        );
        assert.match(withEnv.err, /Run `deno task build`/);
        assert.match(withEnv.err, /set KERNIO_LIB_PATH/);
        assert.ok(
          !withEnv.err.includes("--allow-env=KERNIO_LIB_PATH"),
          withEnv.err,
        );
        // Without env permission the variable could not be read: say so.
        const noEnv = await probe(mod, ["--allow-ffi"]);
        assert.equal(noEnv.ok, false);
        assert.ok(noEnv.err.includes("--allow-env=KERNIO_LIB_PATH"), noEnv.err);
        // KERNIO_LIB_URL takes the download path (plug, imported dynamically);
        // an unreachable URL (or JSR itself, offline) fails with advice.
        const dl = await probe(
          mod,
          [
            "--allow-ffi",
            "--allow-env",
            "--allow-net",
            "--allow-read",
            "--allow-write",
          ],
          { KERNIO_LIB_URL: "http://127.0.0.1:9/kernio/" },
        );
        assert.equal(dl.ok, false);
        assert.ok(
          dl.err.includes(
            "could not download the native library from http://127.0.0.1:9/kernio/",
          ),
          dl.err,
        );
        assert.match(dl.err, /deno task build/);
        // KERNIO_LIB_PATH rescues the tree.
        const rescued = await probe(mod, ["--allow-ffi", envFlag], {
          KERNIO_LIB_PATH: LIB,
        });
        assert.ok(rescued.ok, rescued.err);
      } finally {
        await Deno.remove(tree, { recursive: true });
      }
    },
  );
});

Deno.test("loader: VERSION matches deno.json", () => {
  const cfg = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root)));
  assert.equal(VERSION, cfg.version);
  assert.ok(DEFAULT_LIB_BASE_URL.includes(`/download/${VERSION}/`));
});

Deno.test("loader: prebuilt file names and URLs", () => {
  const expected: [typeof Deno.build.os, typeof Deno.build.arch, string][] = [
    ["linux", "x86_64", "libkernio.so"],
    ["linux", "aarch64", "libkernio_aarch64.so"],
    ["darwin", "x86_64", "libkernio.dylib"],
    ["darwin", "aarch64", "libkernio_aarch64.dylib"],
    ["windows", "x86_64", "kernio.dll"],
    ["windows", "aarch64", "kernio_aarch64.dll"],
  ];
  for (const [os, arch, name] of expected) {
    assert.equal(libraryFileName(os, arch), name);
    assert.equal(libraryUrl(os, arch), `${DEFAULT_LIB_BASE_URL}${name}`);
    assert.equal(
      libraryUrl(os, arch, "https://mirror.example/kernio/v1"),
      `https://mirror.example/kernio/v1/${name}`,
    );
    assert.equal(
      libraryUrl(os, arch, "https://mirror.example/kernio/v1/"),
      `https://mirror.example/kernio/v1/${name}`,
    );
  }
  assert.equal(
    DEFAULT_LIB_BASE_URL,
    `https://github.com/kernio/kernio/releases/download/${VERSION}/`,
  );
});
