/**
 * Builds the native syscall library into native/build/.
 *
 * Usage: `deno task build [--sanitize] [--target=aarch64] [--cc=<compiler>]`
 *
 * The output is named by the loader's `libraryFileName()` (the release
 * asset names): `libkernio.so` on x86_64, `libkernio_aarch64.so` on aarch64.
 * The build is skipped when the library is newer than its sources, so
 * `deno task test` stays fast.
 *
 * Release mode: `native/build.ts --checksums=<dir>` reads every prebuilt
 * asset from `<dir>`, checks it is an ELF library for its architecture, and
 * writes their SHA-256 to zcall/_checksums.ts, which the published package
 * carries and the loader verifies before it opens a downloaded library
 * (needs `--allow-read=<dir> --allow-write=zcall/_checksums.ts`).
 *
 * @module
 */

import { elfProblem } from "../zcall/_elf.ts";
import { VERSION } from "../zcall/_version.ts";
import {
  libraryFileName,
  PREBUILT_TARGETS,
  sha256Hex,
} from "../zcall/loader.ts";

const here = new URL(".", import.meta.url);
const args = new Set(Deno.args);

const checksumsArg = Deno.args.find((a) => a.startsWith("--checksums="));
if (checksumsArg) {
  const dir = checksumsArg.slice("--checksums=".length).replace(/\/+$/, "");
  const lines: string[] = [];
  for (const [os, arch] of PREBUILT_TARGETS) {
    const name = libraryFileName(os, arch);
    const bytes = Deno.readFileSync(`${dir}/${name}`);
    const problem = elfProblem(bytes, arch);
    if (problem) {
      console.error(`native: ${dir}/${name} ${problem.detail}`);
      Deno.exit(1);
    }
    lines.push(
      `    ${JSON.stringify(name)}:\n      "${await sha256Hex(bytes)}",`,
    );
  }
  const file = new URL("../zcall/_checksums.ts", import.meta.url);
  const src = Deno.readTextFileSync(file);
  const header = src.slice(0, src.indexOf("/** Release version"));
  Deno.writeTextFileSync(
    file,
    header +
      "/** Release version the digests belong to, and the digest per asset name. */\n" +
      "export const RELEASE_CHECKSUMS: {\n" +
      "  readonly version: string;\n" +
      "  readonly sha256: Readonly<Record<string, string>>;\n" +
      "} = {\n" +
      `  version: ${JSON.stringify(VERSION)},\n` +
      "  sha256: {\n" + lines.join("\n") + "\n  },\n};\n",
  );
  console.log(
    `native: recorded the SHA-256 of ${lines.length} assets in ${file.pathname}`,
  );
  Deno.exit(0);
}
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

const baseName = libraryFileName(
  Deno.build.os,
  target as typeof Deno.build.arch,
);
const outName = sanitize ? baseName.replace(/\.(\w+)$/, "_asan.$1") : baseName;
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
  // Never unmapped once loaded: a nonblocking call (poll, io_uring_enter) may
  // still run on Deno's blocking pool when its isolate ends (a terminated
  // Worker) and Deno closes the library; returning into unmapped code is a
  // SIGSEGV.
  "-Wl,-z,nodelete",
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
