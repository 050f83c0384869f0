/**
 * Runs the whole test suite against the native library built with
 * AddressSanitizer and UndefinedBehaviorSanitizer (`deno task test:asan`).
 *
 * The combination that works with the (uninstrumented) deno binary:
 * - `native/build.ts --sanitize` builds `native/build/libkernio_asan.so`
 *   with `-fsanitize=address,undefined` (`deno task build:asan`);
 * - `KERNIO_LIB_PATH` points the loader at it;
 * - `LD_PRELOAD` lists the compiler's runtimes, `$(cc -print-file-name=
 *   libasan.so)` then `libubsan.so`: ASan must be the first library in the
 *   process or it refuses to start ("ASan runtime does not come first");
 * - `ASAN_OPTIONS=detect_leaks=0`: LeakSanitizer would report every
 *   allocation of Deno and V8, which are not instrumented;
 *   `halt_on_error=1` and `UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1`
 *   make the first finding fatal and visible.
 * Child processes spawned by tests inherit the environment, so they run
 * against the sanitized library too. `KERNIO_ASAN=1` tells
 * tests/reliability_asan_test.ts to check the runtime is really loaded.
 *
 * Usage: `deno run --allow-all stress/asan.ts [test paths...]`
 *
 * @example
 * ```ts
 * // deno task test:asan
 * import { sanitizerEnv } from "./asan.ts";
 * const env = await sanitizerEnv();
 * ```
 *
 * @module
 */

const root = new URL("../", import.meta.url);

async function printFileName(cc: string, name: string): Promise<string> {
  const { code, stdout } = await new Deno.Command(cc, {
    args: [`-print-file-name=${name}`],
    stdout: "piped",
  }).output();
  const path = new TextDecoder().decode(stdout).trim();
  // The compiler echoes the bare name back when it has no such file.
  if (code !== 0 || !path.startsWith("/")) {
    throw new Error(
      `${cc} has no ${name}: install the compiler's sanitizer runtimes (libasan, libubsan)`,
    );
  }
  return path;
}

/**
 * The environment for a sanitized run: KERNIO_LIB_PATH, LD_PRELOAD,
 * ASAN_OPTIONS, UBSAN_OPTIONS, KERNIO_ASAN.
 *
 * @example
 * ```ts
 * import { sanitizerEnv } from "./asan.ts";
 * const env = await sanitizerEnv();
 * env.LD_PRELOAD; // "<libasan.so> <libubsan.so>"
 * ```
 */
export async function sanitizerEnv(): Promise<Record<string, string>> {
  const cc = Deno.env.get("CC") ?? "gcc";
  const asan = await printFileName(cc, "libasan.so");
  const ubsan = await printFileName(cc, "libubsan.so");
  return {
    KERNIO_LIB_PATH: new URL("native/build/libkernio_asan.so", root).pathname,
    LD_PRELOAD: `${asan} ${ubsan}`,
    ASAN_OPTIONS: "detect_leaks=0:halt_on_error=1",
    UBSAN_OPTIONS: "halt_on_error=1:print_stacktrace=1",
    KERNIO_ASAN: "1",
    DENO_NO_UPDATE_CHECK: "1",
  };
}

if (import.meta.main) {
  const build = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-run",
      "--allow-read",
      "--allow-write=native/build",
      "--allow-env",
      "native/build.ts",
      "--sanitize",
    ],
    cwd: root.pathname,
  }).output();
  if (build.code !== 0) Deno.exit(build.code);
  const env = await sanitizerEnv();
  console.log(
    `sanitized run: KERNIO_LIB_PATH=${env.KERNIO_LIB_PATH} ` +
      `LD_PRELOAD="${env.LD_PRELOAD}" ASAN_OPTIONS=${env.ASAN_OPTIONS}`,
  );
  const paths = Deno.args.length ? Deno.args : ["tests/"];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", ...paths],
    cwd: root.pathname,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Tee the output and look for sanitizer reports on the way through.
  let findings = 0;
  const scan = async (
    stream: ReadableStream<Uint8Array>,
    sink: { write(p: Uint8Array): Promise<number> },
  ) => {
    const dec = new TextDecoder();
    for await (const chunk of stream) {
      const text = dec.decode(chunk, { stream: true });
      findings += (text.match(/ERROR: AddressSanitizer|runtime error:/g) ??
        []).length;
      await sink.write(chunk);
    }
  };
  const [status] = await Promise.all([
    child.status,
    scan(child.stdout, Deno.stdout),
    scan(child.stderr, Deno.stderr),
  ]);
  console.log(
    `sanitized run: exit ${status.code}${
      status.signal ? ` (${status.signal})` : ""
    }, sanitizer reports: ${findings}`,
  );
  Deno.exit(status.code !== 0 ? status.code : findings > 0 ? 1 : 0);
}
