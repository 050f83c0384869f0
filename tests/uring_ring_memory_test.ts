// Where the ring's memory lives and what permission each path needs:
// JS-owned rings (IORING_SETUP_NO_MMAP) run with --allow-ffi=<library>
// alone, in a subprocess granted exactly that; the mmap'd path (forced with
// ringMemory "kernel", what kernels before 6.5 get) works with the unscoped
// flag and otherwise raises MissingPermissionError naming it. Also the two
// classic refusals' hints: EPERM from io_uring_setup (a seccomp filter here)
// and ENOMEM from registering buffers (RLIMIT_MEMLOCK, as an unprivileged
// user).

import assert from "node:assert/strict";
import { libraryFileName } from "../zcall/loader.ts";
import { PageMemory, pageSize, SYS } from "../zcall/mod.ts";
import { CQEView, forFD, Uring } from "../uring/mod.ts";

const root = new URL("../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);
const NAME = libraryFileName(Deno.build.os, Deno.build.arch);
const LIB = `${rootPath}native/build/${NAME}`;
const dec = new TextDecoder();

// Whether this kernel takes ring memory from JavaScript (IORING_SETUP_NO_MMAP,
// Linux 6.5+): where it does not, the tests that need it say so and stop.
const USER_RINGS = (() => {
  using ring = new Uring({ entries: 8 });
  return ring.features.ringMemory === "user";
})();
const NO_USER_RINGS =
  "skipped: this kernel refuses IORING_SETUP_NO_MMAP (before 6.5): rings are mmap'd";

function nopRoundTrip(ring: Uring, n: number): void {
  const cqes = CQEView.array(8);
  for (let i = 0; i < n; i++) {
    assert.ok(ring.nop(forFD(0)));
    assert.equal(ring.wait(cqes), 1);
    assert.equal(cqes[0].res, 0);
  }
}

async function runScript(
  body: string,
  args: string[],
  opts: { cmd?: string[]; cwd?: string; importRoot?: string } = {},
): Promise<{ ok: boolean; out: string; err: string }> {
  const dir = await Deno.makeTempDir({ prefix: "kernio_ringmem_" });
  try {
    await Deno.chmod(dir, 0o755);
    const script = `${dir}/probe.ts`;
    const base = opts.importRoot ?? rootPath;
    await Deno.writeTextFile(
      script,
      body.replaceAll("@ROOT@", `file://${base}`),
    );
    await Deno.chmod(script, 0o644);
    const deno = [
      Deno.execPath(),
      "run",
      "--no-prompt",
      "--no-lock",
      ...args,
      script,
    ];
    const argv = [...(opts.cmd ?? []), ...deno];
    const out = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      cwd: opts.cwd ?? dir,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      ok: out.success,
      out: dec.decode(out.stdout),
      err: dec.decode(out.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("uring ring memory: page size comes from the kernel", async () => {
  const out = await new Deno.Command("getconf", { args: ["PAGESIZE"] })
    .output();
  assert.equal(pageSize(), Number(dec.decode(out.stdout).trim()));
  using mem = new PageMemory(pageSize() + 1);
  assert.equal(mem.address % pageSize(), 0);
  assert.equal(mem.length, 2 * pageSize());
});

Deno.test("uring ring memory: JS-owned rings under --allow-ffi=<library> only", async () => {
  if (!USER_RINGS) return console.log(NO_USER_RINGS);
  const r = await runScript(
    `
import {
  Mapping,
  MissingPermissionError,
  unsafeArrayBuffer,
  unsafePointer,
} from "@ROOT@zcall/mod.ts";
import {
  BufferRing,
  CQEView,
  forFD,
  NotSupportedError,
  registerZcrxIfq,
  Uring,
} from "@ROOT@uring/mod.ts";
const cqes = CQEView.array(8);
const nop = (ring) => {
  if (!ring.nop(forFD(0))) throw new Error("SQ full");
  if (ring.wait(cqes) !== 1 || cqes[0].res !== 0) throw new Error("no NOP CQE");
};
{
  using ring = new Uring({
    entries: 8,
    readBufferNum: 8,
    writeBufferNum: 4,
    lockedBufferMem: 1 << 16,
  });
  ring.start();
  if (ring.features.ringMemory !== "user") throw new Error(ring.features.ringMemory);
  nop(ring);
  ring.resizeRings(32);
  nop(ring);
  using br = BufferRing.register(ring, { groupId: 3, entries: 8, bufferSize: 256 });
  br.view(0)[0] = 1;
  console.log("user rings OK", ring.features.sqEntries);
}
const expectMissing = (what, f) => {
  try {
    f();
  } catch (e) {
    if (
      e instanceof MissingPermissionError && e.flag === "--allow-ffi" &&
      e instanceof Deno.errors.NotCapable &&
      e.cause instanceof Deno.errors.NotCapable &&
      !(e.cause instanceof MissingPermissionError)
    ) {
      console.log(what, "->", e.message);
      return;
    }
    throw e;
  }
  throw new Error(what + " did not throw");
};
expectMissing("kernel rings", () => new Uring({ entries: 8, ringMemory: "kernel" }));
expectMissing("Mapping", () => Mapping.anonymous(4096));
expectMissing("unsafePointer", () => unsafePointer(4096));
expectMissing("unsafeArrayBuffer", () => unsafeArrayBuffer(4096, 16));
{
  using ring = new Uring({ entries: 8 });
  ring.start();
  expectMissing("kernelMapped buffer ring", () =>
    BufferRing.register(ring, { groupId: 4, entries: 8, bufferSize: 64, kernelMapped: true }));
  // The group id is free again: the failed registration was undone.
  using br = BufferRing.register(ring, { groupId: 4, entries: 8, bufferSize: 64 });
}
{
  // zcrx area and refill ring are JS memory too: the refusal is the
  // device's (loopback cannot do ZCRX), not a permission.
  using ring = new Uring({ entries: 8, cqe32: true });
  ring.start();
  try {
    registerZcrxIfq(ring, { ifName: "lo", rxQueue: 0, areaSize: 1 << 16, rqEntries: 64 });
  } catch (e) {
    if (!(e instanceof NotSupportedError)) throw e;
    console.log("zcrx on lo ->", e.code);
  }
}
`,
    [`--allow-ffi=${LIB}`],
  );
  assert.ok(r.ok, r.err + r.out);
  assert.match(r.out, /^user rings OK 32$/m);
  assert.match(
    r.out,
    /kernel rings -> uring: a ring in mmap'd kernel memory .* needs --allow-ffi: run with --allow-ffi \(Deno\.UnsafePointer checks the whole FFI permission/,
  );
  assert.match(
    r.out,
    /Mapping -> Mapping: a view over mmap'd memory needs --allow-ffi/,
  );
  assert.match(r.out, /kernelMapped buffer ring -> .*needs --allow-ffi/);
  assert.match(r.out, /zcrx on lo -> EOPNOTSUPP/);
  assert.match(
    r.out,
    /unsafePointer -> unsafePointer: a pointer to native memory needs --allow-ffi/,
  );
  assert.match(
    r.out,
    /unsafeArrayBuffer -> unsafeArrayBuffer: .* needs --allow-ffi/,
  );
});

Deno.test("uring ring memory: the mmap'd path with the unscoped flag", () => {
  using ring = new Uring({ entries: 8, ringMemory: "kernel" });
  ring.start();
  assert.equal(ring.features.ringMemory, "kernel");
  nopRoundTrip(ring, 3);
  ring.resizeRings(16);
  nopRoundTrip(ring, 3);
  assert.equal(ring.features.sqEntries, 16);
});

Deno.test("uring ring memory: user rings detach their views on stop", () => {
  if (!USER_RINGS) return console.log(NO_USER_RINGS);
  const ring = new Uring({ entries: 8, ringMemory: "user" });
  ring.start();
  assert.equal(ring.features.ringMemory, "user");
  const words = ring.sqeWords;
  assert.equal(words.length, 8 * 16);
  nopRoundTrip(ring, 2);
  ring.stop();
  assert.equal(words.length, 0, "stale SQE view reads as empty");
  assert.throws(
    () => new Uring({ entries: 8, ringMemory: "bogus" as "user" }),
    TypeError,
  );
});

Deno.test("uring ring memory: EPERM from io_uring_setup names the sysctl and seccomp", async () => {
  // A launcher that installs a seccomp filter failing io_uring_setup with
  // EPERM, as container runtimes' default profiles do, then execs Deno.
  const dir = await Deno.makeTempDir({ prefix: "kernio_seccomp_" });
  try {
    const nr = SYS.IO_URING_SETUP;
    await Deno.writeTextFile(
      `${dir}/deny.c`,
      `#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <unistd.h>
int main(int argc, char **argv) {
  struct sock_filter f[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ${nr}, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof f / sizeof f[0], f };
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) return 99;
  execv(argv[1], argv + 1);
  return 98;
}
`,
    );
    const cc = await new Deno.Command(Deno.env.get("CC") ?? "cc", {
      args: ["-O1", "-o", `${dir}/deny`, `${dir}/deny.c`],
      stderr: "piped",
    }).output();
    if (!cc.success) {
      console.log(`skipped: cc failed: ${dec.decode(cc.stderr)}`);
      return;
    }
    const r = await runScript(
      `
import { UringError, Uring } from "@ROOT@uring/mod.ts";
try {
  new Uring({ entries: 8 });
  console.log("created");
} catch (e) {
  if (!(e instanceof UringError) || e.code !== "EPERM") throw e;
  console.log(e.message);
}
`,
      [`--allow-ffi=${LIB}`],
      { cmd: [`${dir}/deny`] },
    );
    assert.ok(r.ok, r.err);
    assert.match(r.out, /io_uring_setup: EPERM/);
    assert.match(r.out, /kernel\.io_uring_disabled/);
    assert.match(r.out, /seccomp/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("uring ring memory: ENOMEM registering buffers names RLIMIT_MEMLOCK", async () => {
  if (Deno.uid() !== 0) {
    console.log("skipped: needs root to run the probe as another user");
    return;
  }
  // Root has CAP_IPC_LOCK (no limit applies): run as nobody with a 64 KiB
  // locked-memory limit, from a world-readable copy of the modules.
  const tree = await Deno.makeTempDir({ prefix: "kernio_memlock_" });
  const denoDir = await Deno.makeTempDir({ prefix: "kernio_memlock_dd_" });
  try {
    for (const d of ["zcall", "sock", "uring"]) {
      const cp = await new Deno.Command("cp", {
        args: ["-r", `${rootPath}${d}`, `${tree}/${d}`],
      }).output();
      assert.ok(cp.success);
    }
    await Deno.mkdir(`${tree}/native/build`, { recursive: true });
    await Deno.copyFile(LIB, `${tree}/native/build/${NAME}`);
    const ch = await new Deno.Command("chmod", { args: ["-R", "a+rX", tree] })
      .output();
    assert.ok(ch.success);
    await Deno.chmod(tree, 0o755);
    await Deno.chmod(denoDir, 0o777);
    const lib = `${tree}/native/build/${NAME}`;
    const r = await runScript(
      `
import { UringError, Uring } from "@ROOT@uring/mod.ts";
const ring = new Uring({ entries: 8, lockedBufferMem: 4 << 20 });
try {
  ring.start();
  console.log("registered");
} catch (e) {
  if (!(e instanceof UringError) || e.code !== "ENOMEM") throw e;
  console.log(e.message);
} finally {
  ring.stop();
}
`,
      [`--allow-ffi=${lib}`],
      {
        cmd: [
          "prlimit",
          "--memlock=65536:65536",
          "setpriv",
          "--reuid=65534",
          "--regid=65534",
          "--clear-groups",
          "env",
          `DENO_DIR=${denoDir}`,
          `HOME=${denoDir}`,
        ],
        importRoot: `${tree}/`,
      },
    );
    assert.ok(r.ok, r.err + r.out);
    assert.match(r.out, /register buffers: ENOMEM: pinning 4194304 bytes/);
    assert.match(r.out, /RLIMIT_MEMLOCK \(65536 bytes/);
  } finally {
    await Deno.remove(tree, { recursive: true });
    await Deno.remove(denoDir, { recursive: true });
  }
});
