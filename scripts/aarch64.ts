/**
 * aarch64 on an x86_64 machine: cross-compile the native library and run the
 * zcall and sock test subsets under qemu-user with Deno's arm64 build. This
 * exercises SYS_AARCH64 and the struct layouts against a real aarch64 ABI
 * (qemu-user translates the syscalls to the host kernel).
 *
 * Usage:
 *   deno task cross:aarch64            # native/build/libkernio_aarch64.so
 *   deno task test:aarch64 [files...]  # default: tests/zcall_* and tests/sock*
 *
 * It installs nothing: when something is missing it says what, and
 * `bash scripts/install_aarch64.sh` (root) installs it all. The arm64 Deno
 * is native/build/deno-aarch64/deno, or KERNIO_DENO_AARCH64.
 *
 * Tests see KERNIO_EMULATOR=qemu-aarch64. Tests and steps that fail
 * because of qemu-user rather than kernio (io_uring is not emulated:
 * io_uring_setup returns ENOSYS; a few options are translated partially;
 * deadlines are too tight for emulation speed) are skipped with their
 * reason, listed in scripts/_qemu_gaps.ts. Test modules run one after
 * another, as in `deno task test` (fd-leak checks read /proc/self/fd).
 *
 * @module
 */

const root = new URL("../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);
const SYSROOT = "/usr/aarch64-linux-gnu";
const mode = Deno.args[0];

function onPath(cmd: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      const p = `${dir}/${cmd}`;
      if (Deno.statSync(p).isFile) return p;
    } catch { /* not here */ }
  }
  return undefined;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function fail(missing: string[]): never {
  console.error(
    "aarch64: missing prerequisites:\n" +
      missing.map((m) => `  - ${m}`).join("\n") +
      "\ninstall them all with: sudo bash scripts/install_aarch64.sh",
  );
  Deno.exit(2);
}

async function run(cmd: string, args: string[], env?: Record<string, string>) {
  const { code } = await new Deno.Command(cmd, {
    args,
    cwd: rootPath,
    env,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return code;
}

async function cross(): Promise<void> {
  if (!onPath("aarch64-linux-gnu-gcc")) {
    fail(["aarch64-linux-gnu-gcc (apt-get install gcc-aarch64-linux-gnu)"]);
  }
  const code = await run(Deno.execPath(), [
    "run",
    "--allow-run",
    "--allow-read",
    "--allow-write=native/build",
    "--allow-env",
    "native/build.ts",
    "--target=aarch64",
  ]);
  if (code !== 0) Deno.exit(code);
}

function defaultTests(): string[] {
  const files: string[] = [];
  for (const e of Deno.readDirSync(new URL("tests/", root))) {
    if (
      e.isFile && e.name.endsWith("_test.ts") &&
      (e.name.startsWith("zcall_") || e.name.startsWith("sock"))
    ) files.push(`tests/${e.name}`);
  }
  return files.sort();
}

async function test(): Promise<void> {
  const missing: string[] = [];
  if (!onPath("aarch64-linux-gnu-gcc")) {
    missing.push(
      "aarch64-linux-gnu-gcc (apt-get install gcc-aarch64-linux-gnu)",
    );
  }
  const qemu = onPath("qemu-aarch64-static") ?? onPath("qemu-aarch64");
  if (!qemu) {
    missing.push("qemu-aarch64-static (apt-get install qemu-user-static)");
  }
  if (!exists(`${SYSROOT}/lib/ld-linux-aarch64.so.1`)) {
    missing.push(`${SYSROOT} glibc (apt-get install libc6-arm64-cross)`);
  }
  const deno = Deno.env.get("KERNIO_DENO_AARCH64") ??
    `${rootPath}native/build/deno-aarch64/deno`;
  if (!exists(deno)) {
    missing.push(
      `Deno arm64 at ${deno} (npm package @deno/linux-arm64-glibc; ` +
        "scripts/install_aarch64.sh unpacks it there)",
    );
  }
  if (missing.length) fail(missing);
  await cross();

  const files = Deno.args.length > 1 ? Deno.args.slice(1) : defaultTests();
  console.log(`aarch64: ${files.length} test files under ${qemu}`);
  const started = performance.now();
  // Type checking already happens on the host; under emulation it would take
  // minutes, so --no-check.
  const code = await run(qemu!, [
    "-L",
    SYSROOT,
    deno,
    "test",
    "--allow-all",
    "--no-check",
    "--preload",
    "scripts/_qemu_gaps.ts",
    ...files,
  ], { KERNIO_EMULATOR: "qemu-aarch64" });
  console.log(
    `aarch64: done in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  Deno.exit(code);
}

if (mode === "cross") await cross();
else if (mode === "test") await test();
else {
  console.error("usage: deno run ... scripts/aarch64.ts cross|test [files...]");
  Deno.exit(2);
}
