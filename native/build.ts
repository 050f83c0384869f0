/**
 * Builds the native syscall library into native/build/.
 *
 * Usage: `deno task build [--sanitize] [--target=aarch64] [--cc=<compiler>]`
 *
 * The output is named the way @denosaurs/plug names release assets:
 * `libkernio.so` on x86_64, `libkernio_aarch64.so` on aarch64
 * (`.dylib` on macOS). The build is skipped when the library is newer than
 * its sources, so `deno task test` stays fast.
 *
 * @module
 */

const here = new URL(".", import.meta.url);
const args = new Set(Deno.args);
const sanitize = args.has("--sanitize");
const targetArg = Deno.args.find((a) => a.startsWith("--target="));
const target = targetArg
  ? targetArg.slice("--target=".length)
  : Deno.build.arch;
const ccArg = Deno.args.find((a) => a.startsWith("--cc="));
const cc = ccArg
  ? ccArg.slice("--cc=".length)
  : (target !== Deno.build.arch
    ? `${target}-linux-gnu-gcc`
    : (Deno.env.get("CC") ?? "cc"));

const ext = Deno.build.os === "darwin" ? "dylib" : "so";
const suffix = target === "aarch64" ? "_aarch64" : "";
const outName = `libkernio${suffix}${sanitize ? "_asan" : ""}.${ext}`;
const buildDir = new URL("build/", here);
const out = new URL(outName, buildDir);
const sources = [new URL("kernio.c", here)];

function mtime(u: URL): number {
  try {
    return Deno.statSync(u).mtime?.getTime() ?? 0;
  } catch {
    return -1;
  }
}

const newest = Math.max(...sources.map(mtime), mtime(new URL(import.meta.url)));
if (mtime(out) > newest && !args.has("--force")) {
  console.log(`native: ${outName} is up to date`);
  Deno.exit(0);
}

Deno.mkdirSync(buildDir, { recursive: true });
const flags = [
  "-O2",
  "-fPIC",
  "-shared",
  "-Wall",
  "-Wextra",
  "-Werror",
  "-fvisibility=hidden",
  ...(sanitize
    ? ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-g"]
    : []),
  "-o",
  out.pathname,
  ...sources.map((s) => s.pathname),
];
const { code, stderr } = await new Deno.Command(cc, {
  args: flags,
  stderr: "piped",
}).output();
if (code !== 0) {
  console.error(new TextDecoder().decode(stderr));
  console.error(`native: ${cc} failed (exit ${code})`);
  Deno.exit(1);
}
console.log(`native: built ${out.pathname}`);
