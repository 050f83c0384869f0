// The download path as an installed user meets it: the package is served
// over HTTP from loopback (so the loader runs from an http: URL, as from
// JSR, never a checkout), with the SHA-256 checksums written by the release
// generator (native/build.ts --checksums), and the assets behind a redirect
// to a second loopback port, as GitHub redirects to another host. Each
// scenario is a fresh Deno subprocess with exactly its flags.

import assert from "node:assert/strict";
import { libraryFileName } from "../zcall/loader.ts";
import { VERSION } from "../zcall/_version.ts";

const root = new URL("../", import.meta.url);
const NAME = libraryFileName(Deno.build.os, Deno.build.arch);
const LIB = decodeURIComponent(new URL(`native/build/${NAME}`, root).pathname);
const OTHER_ARCH = Deno.build.arch === "aarch64" ? "x86_64" : "aarch64";
const OTHER_NAME = libraryFileName(Deno.build.os, OTHER_ARCH);
const dec = new TextDecoder();

interface Fixture {
  dir: string;
  tree: string;
  assets: string;
  home: string;
  denoDir: string;
  portA: number;
  portB: number;
  hits: Map<string, number>;
  corruptUpstream: { on: boolean };
  close(): Promise<void>;
}

async function copyDir(from: URL, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for (const e of Deno.readDirSync(from)) {
    if (e.isFile) await Deno.copyFile(new URL(e.name, from), `${to}/${e.name}`);
    else if (e.isDirectory) {
      await copyDir(new URL(`${e.name}/`, from), `${to}/${e.name}`);
    }
  }
}

async function fixture(): Promise<Fixture> {
  const dir = await Deno.makeTempDir({ prefix: "kernio_dl_" });
  const tree = `${dir}/pkg`;
  const assets = `${dir}/assets`;
  await copyDir(new URL("zcall/", root), `${tree}/zcall`);
  await Deno.mkdir(`${tree}/native`, { recursive: true });
  await Deno.copyFile(
    new URL("native/build.ts", root),
    `${tree}/native/build.ts`,
  );
  await Deno.mkdir(assets);
  const bytes = await Deno.readFile(LIB);
  await Deno.writeFile(`${assets}/${NAME}`, bytes);
  // The other architecture's asset: this library with its ELF machine
  // changed, enough for the generator's header check.
  const other = bytes.slice();
  new DataView(other.buffer).setUint16(
    18,
    OTHER_ARCH === "aarch64" ? 183 : 62,
    true,
  );
  await Deno.writeFile(`${assets}/${OTHER_NAME}`, other);
  // The release generator writes the package's checksums.
  const gen = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-config",
      "--no-lock",
      `--allow-read=${dir}`,
      `--allow-write=${tree}/zcall/_checksums.ts`,
      `${tree}/native/build.ts`,
      `--checksums=${assets}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(gen.success, dec.decode(gen.stderr));

  const hits = new Map<string, number>();
  const corruptUpstream = { on: false };
  const ac = new AbortController();
  const b = Deno.serve(
    { port: 0, hostname: "127.0.0.1", signal: ac.signal, onListen() {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const m = path.match(/^\/assets\/([\w.]+)$/);
      if (!m) return new Response("no such asset", { status: 404 });
      try {
        const data = await Deno.readFile(`${assets}/${m[1]}`);
        if (corruptUpstream.on) data[data.length - 1] ^= 0xff;
        return new Response(data);
      } catch {
        return new Response("no such asset", { status: 404 });
      }
    },
  );
  const a = Deno.serve(
    { port: 0, hostname: "127.0.0.1", signal: ac.signal, onListen() {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      let m = path.match(/^\/pkg\/(.+\.ts)$/);
      if (m) {
        try {
          return new Response(await Deno.readFile(`${tree}/${m[1]}`), {
            headers: { "content-type": "application/typescript" },
          });
        } catch {
          return new Response("not found", { status: 404 });
        }
      }
      m = path.match(/^\/release\/([\w.]+)$/);
      if (m) {
        return Response.redirect(
          `http://127.0.0.1:${b.addr.port}/assets/${m[1]}`,
          302,
        );
      }
      return new Response("Not Found", { status: 404 });
    },
  );
  return {
    dir,
    tree,
    assets,
    home: `${dir}/home`,
    denoDir: `${dir}/deno_dir`,
    portA: a.addr.port,
    portB: b.addr.port,
    hits,
    corruptUpstream,
    async close() {
      ac.abort();
      await a.finished;
      await b.finished;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

interface Run {
  ok: boolean;
  out: string;
  err: string;
}

async function run(
  f: Fixture,
  script: string,
  flags: string[],
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<Run> {
  const res = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--no-config",
      "--no-lock",
      `--allow-import=127.0.0.1:${f.portA}`,
      ...flags,
      script,
      ...args,
    ],
    cwd: f.dir,
    env: { NO_COLOR: "1", HOME: f.home, DENO_DIR: f.denoDir, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const r = {
    ok: res.success,
    out: dec.decode(res.stdout),
    err: dec.decode(res.stderr),
  };
  if (Deno.env.get("SHOW")) console.log(r.err);
  return r;
}

async function probeScript(f: Fixture): Promise<string> {
  const path = `${f.dir}/probe.ts`;
  await Deno.writeTextFile(
    path,
    `import { getpid } from "http://127.0.0.1:${f.portA}/pkg/zcall/mod.ts";\n` +
      `console.log("loaded", getpid());\n`,
  );
  return path;
}

Deno.test("loader: download, redirect, cache and checksum", async (t) => {
  const f = await fixture();
  try {
    const probe = await probeScript(f);
    const cacheDir = `${f.home}/.cache/kernio`;
    const cached = `${cacheDir}/${VERSION}/${NAME}`;
    const base = `http://127.0.0.1:${f.portA}/release/`;
    const assetUrl = `${base}${NAME}`;
    const assetPath = `/assets/${NAME}`;
    const hostA = `127.0.0.1:${f.portA}`, hostB = `127.0.0.1:${f.portB}`;
    const first = (net: string) => [
      "--allow-env=HOME,KERNIO_LIB_URL",
      `--allow-net=${net}`,
      `--allow-read=${cacheDir}`,
      `--allow-write=${cacheDir}`,
      `--allow-ffi=${cached}`,
    ];
    const env = { KERNIO_LIB_URL: base };

    await t.step(
      "net permission for the first host only: names both",
      async () => {
        const r = await run(f, probe, first(hostA), env);
        assert.equal(r.ok, false, r.out);
        assert.match(r.err, /LibraryLoadError/);
        assert.ok(r.err.includes(`--allow-net=${hostA},${hostB}`), r.err);
        assert.ok(r.err.includes(assetUrl), r.err);
        assert.equal(r.out, "");
      },
    );

    await t.step(
      "first run downloads, verifies, caches; stdout stays quiet",
      async () => {
        const before = f.hits.get(assetPath) ?? 0;
        const r = await run(f, probe, first("127.0.0.1"), env);
        assert.ok(r.ok, r.err);
        assert.match(r.out, /^loaded \d+\n$/, "only the program's own output");
        assert.equal(f.hits.get(assetPath), before + 1);
        assert.deepEqual(await Deno.readFile(cached), await Deno.readFile(LIB));
      },
    );

    await t.step("a cached run needs neither net nor write", async () => {
      const before = f.hits.get(assetPath) ?? 0;
      const r = await run(f, probe, [
        "--allow-env=HOME",
        `--allow-read=${cached}`,
        `--allow-ffi=${cached}`,
      ]);
      assert.ok(r.ok, r.err);
      assert.match(r.out, /^loaded \d+\n$/);
      assert.equal(f.hits.get(assetPath) ?? 0, before, "no download");
    });

    await t.step(
      "a cached run without read permission names the flag",
      async () => {
        const r = await run(f, probe, [
          "--allow-env=HOME",
          `--allow-ffi=${cached}`,
        ]);
        assert.equal(r.ok, false);
        assert.ok(r.err.includes(`--allow-read=${cached}`), r.err);
      },
    );

    await t.step("without HOME: names --allow-env=HOME", async () => {
      const r = await run(f, probe, [`--allow-ffi=${cached}`]);
      assert.equal(r.ok, false);
      assert.ok(r.err.includes("--allow-env=HOME"), r.err);
      assert.doesNotMatch(r.err, /deno task build/);
    });

    await t.step(
      "installed: a missing KERNIO_LIB_PATH points at prefetch, not a build",
      async () => {
        const missing = `${f.dir}/nowhere/${NAME}`;
        const r = await run(f, probe, [
          "--allow-env=KERNIO_LIB_PATH",
          `--allow-ffi=${missing}`,
          `--allow-read=${missing}`,
        ], { KERNIO_LIB_PATH: missing });
        assert.equal(r.ok, false);
        assert.ok(
          r.err.includes(`KERNIO_LIB_PATH=${missing} does not exist`),
          r.err,
        );
        assert.match(r.err, /jsr:@kernio\/kernio\/prefetch --dest=/);
        assert.doesNotMatch(r.err, /deno task build/);
      },
    );

    await t.step("a corrupt cached file is fetched again, once", async () => {
      const good = await Deno.readFile(cached);
      const bad = good.slice(0, 4096);
      await Deno.writeFile(cached, bad);
      const before = f.hits.get(assetPath) ?? 0;
      const r = await run(f, probe, first("127.0.0.1"), env);
      assert.ok(r.ok, r.err);
      assert.match(r.out, /^loaded \d+\n$/);
      assert.equal(f.hits.get(assetPath), before + 1);
      assert.deepEqual(await Deno.readFile(cached), good);
      // And a corrupt cache on a run without net says what it needs.
      await Deno.writeFile(cached, bad);
      const offline = await run(f, probe, [
        "--allow-env=HOME",
        `--allow-read=${cached}`,
        `--allow-ffi=${cached}`,
      ]);
      assert.equal(offline.ok, false);
      assert.match(offline.err, /--allow-net=/);
      // The truncated file was never handed to dlopen (it would crash).
      assert.doesNotMatch(offline.err, /Bus error|SIGBUS/);
      await Deno.writeFile(cached, good);
    });

    await t.step(
      "a corrupt download refuses to load and caches nothing",
      async () => {
        await Deno.remove(cached);
        f.corruptUpstream.on = true;
        try {
          const r = await run(f, probe, first("127.0.0.1"), env);
          assert.equal(r.ok, false);
          assert.ok(r.err.includes(assetUrl), r.err);
          assert.match(
            r.err,
            /SHA-256 [0-9a-f]{64}, but kernio .* recorded [0-9a-f]{64}/,
          );
          assert.match(r.err, /refusing to load/);
          await assert.rejects(Deno.stat(cached), Deno.errors.NotFound);
        } finally {
          f.corruptUpstream.on = false;
        }
      },
    );

    await t.step("HTTP 404 names the asset URL and the status", async () => {
      const gone = `http://127.0.0.1:${f.portA}/missing/`;
      const r = await run(f, probe, first("127.0.0.1"), {
        KERNIO_LIB_URL: gone,
      });
      assert.equal(r.ok, false);
      assert.ok(
        r.err.includes(`could not download ${gone}${NAME}: HTTP 404 Not Found`),
        r.err,
      );
      assert.doesNotMatch(r.err, /deno task build/);
    });

    await t.step(
      "an unreachable host names the URL and the reason",
      async () => {
        const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const port = (l.addr as Deno.NetAddr).port;
        l.close(); // nothing listens there now
        const dead = `http://127.0.0.1:${port}/kernio/`;
        const r = await run(f, probe, first("127.0.0.1"), {
          KERNIO_LIB_URL: dead,
        });
        assert.equal(r.ok, false);
        assert.ok(r.err.includes(`could not download ${dead}${NAME}: `), r.err);
        assert.match(r.err, /[Cc]onnection refused|os error 111/);
        assert.doesNotMatch(r.err, /deno task build/);
      },
    );

    await t.step("no write permission names the cache directory", async () => {
      const r = await run(f, probe, [
        "--allow-env=HOME,KERNIO_LIB_URL",
        "--allow-net=127.0.0.1",
        `--allow-read=${cacheDir}`,
        `--allow-ffi=${cached}`,
      ], env);
      assert.equal(r.ok, false);
      assert.ok(r.err.includes(`--allow-write=${cacheDir}`), r.err);
    });

    await t.step(
      "KERNIO_LIB_REFRESH=1 downloads again; the mirror alone does not",
      async () => {
        const mirror = await run(f, probe, first("127.0.0.1"), env);
        assert.ok(mirror.ok, mirror.err);
        const before = f.hits.get(assetPath) ?? 0;
        const again = await run(f, probe, first("127.0.0.1"), env);
        assert.ok(again.ok, again.err);
        assert.equal(
          f.hits.get(assetPath),
          before,
          "mirror set, cache valid: no fetch",
        );
        const r = await run(
          f,
          probe,
          [
            ...first("127.0.0.1"),
            "--allow-env=HOME,KERNIO_LIB_URL,KERNIO_LIB_REFRESH",
          ],
          { ...env, KERNIO_LIB_REFRESH: "1" },
        );
        assert.ok(r.ok, r.err);
        assert.equal(f.hits.get(assetPath), before + 1);
      },
    );

    await t.step("prefetch entry: into the cache and into --dest", async () => {
      await Deno.remove(cacheDir, { recursive: true });
      const script = `http://127.0.0.1:${f.portA}/pkg/zcall/prefetch.ts`;
      const dest = `${f.dir}/opt`;
      const r = await run(
        f,
        script,
        [
          "--allow-env=HOME",
          "--allow-net=127.0.0.1",
          `--allow-read=${cacheDir}`,
          `--allow-write=${cacheDir},${dest}`,
        ],
        {},
        [`--url=${base}`, `--dest=${dest}`],
      );
      assert.ok(r.ok, r.err);
      assert.ok(r.out.startsWith(`${dest}/${NAME}  (`), r.out);
      assert.match(r.out, /downloaded from/);
      // The copy in dest loads through KERNIO_LIB_PATH, with nothing else.
      const viaPath = await run(f, probe, [
        "--allow-env=KERNIO_LIB_PATH",
        `--allow-ffi=${dest}/${NAME}`,
      ], { KERNIO_LIB_PATH: `${dest}/${NAME}` });
      assert.ok(viaPath.ok, viaPath.err);
      // The cache was filled too: a cached run works offline.
      const offline = await run(f, probe, [
        "--allow-env=HOME",
        `--allow-read=${cached}`,
        `--allow-ffi=${cached}`,
      ]);
      assert.ok(offline.ok, offline.err);
    });
  } finally {
    await f.close();
  }
});
