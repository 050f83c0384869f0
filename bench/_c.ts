/**
 * Builds the C comparison programs of bench/c/ into bench/build/ with
 * `cc -O2` (or `$CC`), skipping the build when the binary is newer than its
 * source.
 *
 * @module
 */

const here = new URL(".", import.meta.url);

/** Result of {@linkcode buildC}: the binary path, or why there is none. */
export type CBuild = { path: string } | { skipped: string };

/**
 * Compiles `bench/c/<name>.c` into `bench/build/<name>`.
 *
 * @example
 * ```ts
 * import { buildC } from "./_c.ts";
 * const b = await buildC("zcall_bench");
 * if ("path" in b) console.log(b.path);
 * ```
 */
export async function buildC(name: string): Promise<CBuild> {
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new TypeError(`buildC: bad program name ${JSON.stringify(name)}`);
  }
  const src = new URL(`c/${name}.c`, here).pathname;
  const outDir = new URL("build/", here).pathname;
  const out = outDir + name;
  const mtime = (p: string) => {
    try {
      return Deno.statSync(p).mtime?.getTime() ?? 0;
    } catch {
      return -1;
    }
  };
  if (mtime(out) > mtime(src)) return { path: out };
  Deno.mkdirSync(outDir, { recursive: true });
  const cc = Deno.env.get("CC") ?? "cc";
  let res: Deno.CommandOutput;
  try {
    res = await new Deno.Command(cc, {
      args: ["-O2", "-Wall", "-Werror", "-pthread", "-o", out, src],
      stderr: "piped",
    }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { skipped: `no C compiler (${cc}) on PATH` };
    }
    throw e;
  }
  if (!res.success) {
    throw new Error(
      `buildC: ${cc} failed for ${src}:\n${
        new TextDecoder().decode(res.stderr)
      }`,
    );
  }
  return { path: out };
}
