/**
 * Builds the echo benches' C programs (`bench/c/<name>.c`) into
 * `bench/build/<name>` with `cc -O2`, skipping up-to-date outputs.
 *
 * @example
 * ```ts
 * import { buildC } from "./_cc.ts";
 * const client = await buildC("echo_client");
 * ```
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);

/** Absolute path of a repository-relative path. */
export function repoPath(rel: string): string {
  return new URL(rel, ROOT).pathname;
}

/**
 * Compiles `bench/c/<name>.c` (if the binary is missing or older) and
 * returns the binary's path.
 *
 * @example
 * ```ts
 * import { buildC } from "./_cc.ts";
 * console.log(await buildC("echo_epoll"));
 * ```
 */
export async function buildC(name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new TypeError(`bad C program name ${name}`);
  }
  const src = repoPath(`bench/c/${name}.c`);
  const out = repoPath(`bench/build/${name}`);
  await Deno.mkdir(repoPath("bench/build"), { recursive: true });
  const srcTime = (await Deno.stat(src)).mtime?.getTime() ?? 0;
  const outTime = await Deno.stat(out).then(
    (s) => s.mtime?.getTime() ?? 0,
    () => -1,
  );
  if (outTime >= srcTime) return out;
  // $CC only when env access is already granted (the demo runs without it).
  const envOk =
    Deno.permissions.querySync({ name: "env", variable: "CC" }).state ===
      "granted";
  const cc = (envOk ? Deno.env.get("CC") : undefined) ?? "cc";
  const { code, stderr } = await new Deno.Command(cc, {
    args: ["-O2", "-Wall", "-o", out, src],
    stdout: "inherit",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `${cc} ${name}.c failed:\n${new TextDecoder().decode(stderr)}`,
    );
  }
  return out;
}
