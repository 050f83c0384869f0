// The loader's messages, each proven in a fresh Deno subprocess with exactly
// the permissions of the scenario: missing flags, a file that is missing,
// unreadable (EACCES, as an unprivileged user), built for another
// architecture, not ELF, truncated, of another ABI; a checkout without a
// build. The download path is in tests/loader_download_test.ts.

import assert from "node:assert/strict";
import {
  DEFAULT_LIB_BASE_URL,
  libraryFileName,
  libraryUrl,
  VERSION,
} from "../zcall/mod.ts";

const root = new URL("../", import.meta.url);
const NAME = libraryFileName(Deno.build.os, Deno.build.arch);
const LIB = decodeURIComponent(new URL(`native/build/${NAME}`, root).pathname);
const OTHER_MACHINE = Deno.build.arch === "aarch64" ? 62 : 183;
const OTHER_ARCH = Deno.build.arch === "aarch64" ? "x86_64" : "aarch64";
const dec = new TextDecoder();

interface Result {
  ok: boolean;
  out: string;
  err: string;
}

// Runs a probe that imports `modUrl` and prints "loaded <pid>".
async function probe(
  modUrl: string,
  flags: string[],
  env: Record<string, string> = {},
  asUser?: { uid: number; gid: number; denoDir: string },
): Promise<Result> {
  const dir = await Deno.makeTempDir({ prefix: "kernio_loader_" });
  try {
    const script = `${dir}/probe.ts`;
    await Deno.writeTextFile(
      script,
      `import { getpid } from ${JSON.stringify(modUrl)};\n` +
        `console.log("loaded", getpid());\n`,
    );
    const denoArgs = [
      "run",
      "--no-prompt",
      "--no-config",
      "--no-lock",
      ...flags,
      script,
    ];
    let cmd = Deno.execPath();
    let args = denoArgs;
    if (asUser) {
      await Deno.chmod(dir, 0o755);
      await Deno.chmod(script, 0o644);
      cmd = "setpriv";
      args = [
        `--reuid=${asUser.uid}`,
        `--regid=${asUser.gid}`,
        "--clear-groups",
        Deno.execPath(),
        ...denoArgs,
      ];
    }
    const res = await new Deno.Command(cmd, {
      args,
      cwd: dir,
      // A clean environment: only what the scenario sets (plus HOME, for
      // Deno's own cache).
      env: {
        NO_COLOR: "1",
        HOME: Deno.env.get("HOME") ?? "/tmp",
        ...(asUser ? { DENO_DIR: asUser.denoDir, HOME: asUser.denoDir } : {}),
        ...env,
      },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      ok: res.success,
      out: dec.decode(res.stdout),
      err: dec.decode(res.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ZCALL = new URL("zcall/mod.ts", root).href;
const envFlag = "--allow-env=KERNIO_LIB_PATH,KERNIO_LIB_URL";

// The message without Deno's "error: Uncaught" framing and stack.
function message(r: Result): string {
  const m = r.err.match(/LibraryLoadError: (.*)/);
  assert.ok(m, `no LibraryLoadError in:\n${r.err}`);
  return m[1];
}

Deno.test("loader: permission messages", async (t) => {
  await t.step(
    "the local build loads with --allow-ffi=<path> only",
    async () => {
      const r = await probe(ZCALL, [`--allow-ffi=${LIB}`]);
      assert.ok(r.ok, r.err);
      assert.match(r.out, /^loaded \d+\n$/);
    },
  );

  await t.step("missing --allow-ffi names the flag and the path", async () => {
    const r = await probe(ZCALL, []);
    assert.equal(r.ok, false);
    const m = message(r);
    assert.ok(
      m.includes(`needs FFI permission: run with --allow-ffi=${LIB}`),
      m,
    );
    // Env not granted: the message says how to point elsewhere.
    assert.ok(m.includes("--allow-env=KERNIO_LIB_PATH"), m);
  });

  await t.step("--allow-ffi for another path names this one", async () => {
    const r = await probe(ZCALL, ["--allow-ffi=/nonexistent.so"]);
    assert.equal(r.ok, false);
    assert.ok(message(r).includes(`--allow-ffi=${LIB}`), r.err);
  });

  await t.step("KERNIO_LIB_PATH without FFI permission for it", async () => {
    const copyDir = await Deno.makeTempDir({ prefix: "kernio_lib_" });
    try {
      const copy = `${copyDir}/${NAME}`;
      await Deno.copyFile(LIB, copy);
      const denied = await probe(ZCALL, [`--allow-ffi=${LIB}`, envFlag], {
        KERNIO_LIB_PATH: copy,
      });
      assert.equal(denied.ok, false);
      assert.ok(message(denied).includes(`--allow-ffi=${copy}`), denied.err);
      // And with it, the copy is what loads.
      const ok = await probe(ZCALL, [`--allow-ffi=${copy}`, envFlag], {
        KERNIO_LIB_PATH: copy,
      });
      assert.ok(ok.ok, ok.err);
    } finally {
      await Deno.remove(copyDir, { recursive: true });
    }
  });
});

Deno.test("loader: what is wrong with the file, said exactly", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "kernio_badlib_" });
  await Deno.chmod(dir, 0o755);
  const good = await Deno.readFile(LIB);
  const write = async (name: string, bytes: Uint8Array, mode = 0o644) => {
    const p = `${dir}/${name}`;
    await Deno.writeFile(p, bytes);
    await Deno.chmod(p, mode);
    return p;
  };
  // Runs with KERNIO_LIB_PATH=path, FFI for it, and read for it or not.
  const load = (path: string, read: boolean) =>
    probe(
      ZCALL,
      [
        `--allow-ffi=${path}`,
        envFlag,
        ...(read ? [`--allow-read=${path}`] : []),
      ],
      { KERNIO_LIB_PATH: path },
    );
  try {
    await t.step("missing file", async () => {
      const missing = `${dir}/nothere/${NAME}`;
      const withRead = message(await load(missing, true));
      assert.ok(
        withRead.includes(`KERNIO_LIB_PATH=${missing} does not exist`),
        withRead,
      );
      assert.match(
        withRead,
        /deno task build/,
        "a checkout is told how to build",
      );
      assert.doesNotMatch(withRead, /another architecture/);
      // Without read permission the loader cannot tell a missing file from
      // one of another machine (glibc says ENOENT for both) and says so.
      const noRead = message(await load(missing, false));
      assert.match(
        noRead,
        /does not exist, or is built for another architecture/,
      );
      assert.ok(
        noRead.includes(`grant --allow-read=${missing} to tell which`),
        noRead,
      );
    });

    await t.step("built for another architecture", async () => {
      const other = good.slice();
      new DataView(other.buffer).setUint16(18, OTHER_MACHINE, true);
      const p = await write(`other_${NAME}`, other);
      const withRead = await load(p, true);
      assert.equal(withRead.ok, false);
      assert.ok(
        message(withRead).includes(
          `is built for another architecture: ${OTHER_ARCH}, not ${Deno.build.arch}`,
        ),
        withRead.err,
      );
      assert.match(
        message(await load(p, false)),
        /built for another architecture/,
      );
      // A 32-bit library: the dynamic loader itself names the class.
      const cls32 = good.slice();
      cls32[4] = 1;
      const p32 = await write(`c32_${NAME}`, cls32);
      const m32 = message(await load(p32, false));
      assert.match(
        m32,
        /is built for another architecture \(the dynamic loader says: wrong ELF class: ELFCLASS32\)/,
      );
    });

    await t.step("not an ELF file", async () => {
      const text = new TextEncoder().encode(
        "#!/bin/sh\n" + "echo not a library\n".repeat(8),
      );
      const p = await write("script.so", text);
      const withRead = message(await load(p, true));
      assert.match(
        withRead,
        /script\.so is not an ELF file \(\d+ bytes, no ELF magic\)/,
      );
      const noRead = message(await load(p, false));
      assert.match(
        noRead,
        /script\.so is not an ELF file \(the dynamic loader says: invalid ELF header\)/,
      );
    });

    await t.step("a truncated library is refused before dlopen", async () => {
      // dlopen of a truncated ELF can die of SIGBUS; with read permission
      // the header check refuses it first.
      const p = await write(`trunc_${NAME}`, good.slice(0, 1000));
      const r = await load(p, true);
      assert.equal(r.ok, false);
      assert.match(
        message(r),
        /is a truncated ELF file \(1000 bytes; its headers need \d+\)/,
      );
    });

    await t.step("a directory", async () => {
      const m = message(await load(dir, false));
      assert.match(m, /is a directory, not a library file/);
    });

    await t.step("another ABI version", async () => {
      const src = await Deno.readTextFile(new URL("native/kernio.c", root));
      const patched = src.replace(
        /kio_abi_version\(void\) \{ return \d+; \}/,
        "kio_abi_version(void) { return 99; }",
      );
      assert.notEqual(patched, src, "kernio.c defines kio_abi_version");
      await Deno.writeTextFile(`${dir}/abi.c`, patched);
      const out = `${dir}/abi_${NAME}`;
      const cc = await new Deno.Command(Deno.env.get("CC") ?? "cc", {
        args: [
          "-O1",
          "-fPIC",
          "-shared",
          "-fvisibility=hidden",
          "-o",
          out,
          `${dir}/abi.c`,
        ],
        stderr: "piped",
      }).output();
      if (!cc.success) {
        console.log(`skipped: cc failed: ${dec.decode(cc.stderr)}`);
        return;
      }
      const m = message(await load(out, true));
      assert.match(
        m,
        /has ABI version 99, kernio .* needs 1: rebuild it with `deno task build --force`/,
      );
    });

    await t.step("exists but unreadable for this user (EACCES)", async () => {
      if (Deno.uid() !== 0) {
        console.log("skipped: needs root to run the probe as another user");
        return;
      }
      // The library readable by root only; the probe runs as nobody.
      const p = await write(`private_${NAME}`, good, 0o600);
      const denoDir = await Deno.makeTempDir({ prefix: "kernio_nobody_" });
      await Deno.chmod(denoDir, 0o777);
      try {
        const tree = await Deno.makeTempDir({ prefix: "kernio_tree_" });
        await Deno.chmod(tree, 0o755);
        try {
          // nobody may not enter this checkout (it can live under /root):
          // a world-readable copy of zcall/.
          await copyZcall(tree, 0o755, 0o644);
          const r = await probe(
            `file://${tree}/zcall/mod.ts`,
            [`--allow-ffi=${p}`, `--allow-read=${p}`, envFlag],
            { KERNIO_LIB_PATH: p },
            { uid: 65534, gid: 65534, denoDir },
          );
          assert.equal(r.ok, false, r.out);
          const m = message(r);
          assert.ok(
            m.includes(
              `KERNIO_LIB_PATH=${p} exists but this user cannot read it (EACCES`,
            ),
            m,
          );
          // Without read permission dlopen's own EACCES says the same.
          const r2 = await probe(
            `file://${tree}/zcall/mod.ts`,
            [`--allow-ffi=${p}`, envFlag],
            { KERNIO_LIB_PATH: p },
            { uid: 65534, gid: 65534, denoDir },
          );
          assert.match(
            message(r2),
            /exists but this user cannot read it \(EACCES/,
          );
        } finally {
          await Deno.remove(tree, { recursive: true });
        }
      } finally {
        await Deno.remove(denoDir, { recursive: true });
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Copies zcall/ (with its subfolders) to `${tree}/zcall`. */
async function copyZcall(
  tree: string,
  dirMode = 0o755,
  fileMode = 0o644,
  rel = "zcall",
): Promise<void> {
  await Deno.mkdir(`${tree}/${rel}`, { mode: dirMode });
  await Deno.chmod(`${tree}/${rel}`, dirMode);
  for (const e of Deno.readDirSync(new URL(`${rel}/`, root))) {
    if (e.isDirectory) {
      await copyZcall(tree, dirMode, fileMode, `${rel}/${e.name}`);
    } else if (e.isFile) {
      await Deno.copyFile(
        new URL(`${rel}/${e.name}`, root),
        `${tree}/${rel}/${e.name}`,
      );
      await Deno.chmod(`${tree}/${rel}/${e.name}`, fileMode);
    }
  }
}

Deno.test("loader: a checkout without a build", async (t) => {
  // A copy of zcall/ in a layout without native/build/.
  const tree = await Deno.makeTempDir({ prefix: "kernio_tree_" });
  try {
    await copyZcall(tree);
    const mod = `file://${tree}/zcall/mod.ts`;
    const expectPath = `${tree}/native/build/${NAME}`;

    await t.step(
      "says run `deno task build` or set KERNIO_LIB_PATH",
      async () => {
        const withEnv = await probe(mod, ["--allow-ffi", envFlag]);
        assert.equal(withEnv.ok, false);
        const m = message(withEnv);
        assert.ok(m.includes(`not found at ${expectPath}`), m);
        assert.match(m, /Run `deno task build`/);
        assert.match(m, /set KERNIO_LIB_PATH/);
        assert.ok(!m.includes("--allow-env=KERNIO_LIB_PATH"), m);
        // Without env permission the variable could not be read: say so.
        const noEnv = await probe(mod, ["--allow-ffi"]);
        assert.equal(noEnv.ok, false);
        assert.ok(
          message(noEnv).includes("--allow-env=KERNIO_LIB_PATH"),
          noEnv.err,
        );
      },
    );

    await t.step(
      "KERNIO_LIB_URL in a checkout: no recorded checksum, no download",
      async () => {
        const dl = await probe(mod, [
          "--allow-ffi",
          "--allow-env",
          "--allow-net",
        ], {
          KERNIO_LIB_URL: "http://127.0.0.1:9/kernio/",
          HOME: tree,
        });
        assert.equal(dl.ok, false);
        const m = message(dl);
        assert.match(
          m,
          new RegExp(`records no SHA-256 for ${NAME.replace(".", "\\.")}`),
        );
        assert.match(m, /will not load a downloaded library/);
      },
    );

    await t.step("KERNIO_LIB_PATH rescues the tree", async () => {
      const rescued = await probe(mod, ["--allow-ffi", envFlag], {
        KERNIO_LIB_PATH: LIB,
      });
      assert.ok(rescued.ok, rescued.err);
    });
  } finally {
    await Deno.remove(tree, { recursive: true });
  }
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
  }
});

Deno.test("loader: zcall/_ffi.ts is the only module that calls Deno.dlopen", () => {
  const callers: string[] = [];
  for (const dir of ["zcall", "sock", "uring", "examples"]) {
    const walk = (rel: string) => {
      for (const e of Deno.readDirSync(new URL(`${rel}/`, root))) {
        const p = `${rel}/${e.name}`;
        if (e.isDirectory) walk(p);
        else if (e.name.endsWith(".ts")) {
          const src = Deno.readTextFileSync(new URL(p, root));
          if (/Deno\.dlopen\(/.test(src)) callers.push(p);
        }
      }
    };
    walk(dir);
  }
  assert.deepEqual(callers, ["zcall/_ffi.ts"]);
});
