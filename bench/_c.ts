/**
 * The one C build helper of bench/ and examples/: compiles
 * `bench/c/<name>.c` into `bench/build/<name>` with `cc -O2 -Wall -pthread`
 * (or `$CC` when env access is granted), plus any libraries asked for, and
 * skips the build when the binary is newer than its source.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);

/** Absolute path of a repository-relative path. */
export function repoPath(rel: string): string {
  return new URL(rel, ROOT).pathname;
}

/** Result of {@linkcode tryBuildC}: the binary path, or why there is none. */
export type CBuild = { path: string } | { skipped: string };

/** Options of {@linkcode buildC} and {@linkcode tryBuildC}. */
export interface BuildCOptions {
  /** Extra linker arguments, e.g. `["-luring"]`. */
  libs?: string[];
}

/**
 * Compiles `bench/c/<name>.c`; `{ skipped }` when there is no C compiler
 * (or, with `libs`, when linking fails: a missing -dev package), so a bench
 * can print its other rows. A compile error without `libs` throws.
 *
 * @param name The program: bench/c/<name>.c.
 * @param options Extra libraries to link.
 * @returns The binary's path, or why it was skipped.
 *
 * @example
 * ```ts
 * import { tryBuildC } from "./_c.ts";
 * const b = await tryBuildC("zcall_bench");
 * if ("path" in b) console.log(b.path);
 * ```
 */
export async function tryBuildC(
  name: string,
  options: BuildCOptions = {},
): Promise<CBuild> {
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new TypeError(`buildC: bad program name ${JSON.stringify(name)}`);
  }
  const libs = options.libs ?? [];
  const src = repoPath(`bench/c/${name}.c`);
  const out = repoPath(`bench/build/${name}`);
  const mtime = (p: string) => {
    try {
      return Deno.statSync(p).mtime?.getTime() ?? 0;
    } catch {
      return -1;
    }
  };
  if (mtime(out) >= mtime(src)) return { path: out };
  Deno.mkdirSync(repoPath("bench/build"), { recursive: true });
  // $CC only when env access is already granted (the demo runs without it).
  const envOk =
    Deno.permissions.querySync({ name: "env", variable: "CC" }).state ===
      "granted";
  const cc = (envOk ? Deno.env.get("CC") : undefined) ?? "cc";
  let res: Deno.CommandOutput;
  try {
    res = await new Deno.Command(cc, {
      args: ["-O2", "-Wall", "-pthread", "-o", out, src, ...libs],
      stderr: "piped",
    }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { skipped: `no C compiler (${cc}) on PATH` };
    }
    throw e;
  }
  if (!res.success) {
    const why = `${cc} ${name}.c failed:\n${
      new TextDecoder().decode(res.stderr)
    }`;
    if (libs.length > 0) return { skipped: why };
    throw new Error(why);
  }
  return { path: out };
}

/**
 * Compiles `bench/c/<name>.c` and returns the binary's path; throws when it
 * cannot (no compiler, or a build error).
 *
 * @param name The program: bench/c/<name>.c.
 * @param options Extra libraries to link.
 * @returns The binary's path.
 *
 * @example
 * ```ts
 * import { buildC } from "./_c.ts";
 * const client = await buildC("echo_client");
 * console.log(client);
 * ```
 */
export async function buildC(
  name: string,
  options: BuildCOptions = {},
): Promise<string> {
  const b = await tryBuildC(name, options);
  if ("skipped" in b) throw new Error(`buildC(${name}): ${b.skipped}`);
  return b.path;
}
