/**
 * Downloads kernio's prebuilt native library ahead of time and verifies its
 * SHA-256: for a container image build step, an air-gapped host, or a
 * `deno compile` binary that ships the library beside it.
 *
 * ```sh
 * # into the cache (later runs need no net and no write permission):
 * deno run --allow-env=HOME \
 *   --allow-net=github.com,release-assets.githubusercontent.com,objects.githubusercontent.com \
 *   --allow-read=$HOME/.cache/kernio --allow-write=$HOME/.cache/kernio \
 *   jsr:@kernio/kernio/prefetch
 * # or into a directory of your choice, for KERNIO_LIB_PATH:
 * deno run -A jsr:@kernio/kernio/prefetch --dest=/opt/kernio --arch=all
 * ```
 *
 * Options: `--dest=<dir>` copies the verified library into `<dir>`;
 * `--arch=x86_64|aarch64|all` (default: this machine's); `--url=<base>` a
 * mirror of the release assets (also `KERNIO_LIB_URL`), checked against the
 * same SHA-256; `--refresh` downloads even when the cached copy is valid.
 * Prints one line per library: its path and the `--allow-ffi` flag to use.
 *
 * @example
 * ```ts ignore
 * // deno run -A jsr:@kernio/kernio/prefetch --dest=/opt/kernio
 * // /opt/kernio/libkernio.so  (run with KERNIO_LIB_PATH=/opt/kernio/libkernio.so
 * //   --allow-env=KERNIO_LIB_PATH --allow-ffi=/opt/kernio/libkernio.so)
 * ```
 *
 * @module
 * @tags allow-env, allow-net, allow-read, allow-write
 */

import {
  LibraryLoadError,
  PREBUILT_TARGETS,
  prefetchLibrary,
} from "./loader.ts";

type Arch = typeof Deno.build.arch;

function option(name: string): string | undefined {
  const hit = Deno.args.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

async function main(): Promise<number> {
  const known = /^--(dest|arch|url)=|^--refresh$/;
  const unknown = Deno.args.filter((a) => !known.test(a));
  if (unknown.length) {
    console.error(
      `prefetch: unknown argument ${unknown[0]}; usage: prefetch ` +
        "[--dest=<dir>] [--arch=x86_64|aarch64|all] [--url=<base>] [--refresh]",
    );
    return 2;
  }
  const archArg = option("arch") ?? Deno.build.arch;
  const arches: Arch[] = archArg === "all"
    ? PREBUILT_TARGETS.map(([, a]) => a)
    : [archArg as Arch];
  for (const arch of arches) {
    if (!PREBUILT_TARGETS.some(([, a]) => a === arch)) {
      console.error(
        `prefetch: --arch must be one of ${
          PREBUILT_TARGETS.map(([, a]) => a).join(", ")
        } or all, not ${arch}`,
      );
      return 2;
    }
  }
  const dest = option("dest")?.replace(/\/+$/, "");
  for (const arch of arches) {
    const r = await prefetchLibrary({
      os: "linux",
      arch,
      baseUrl: option("url"),
      refresh: Deno.args.includes("--refresh"),
    });
    let path = r.path;
    if (dest) {
      await Deno.mkdir(dest, { recursive: true });
      path = `${dest}/${r.path.slice(r.path.lastIndexOf("/") + 1)}`;
      await Deno.copyFile(r.path, path);
      await Deno.chmod(path, 0o644);
    }
    const how = r.downloaded ? `downloaded from ${r.url}` : "already cached";
    console.log(
      `${path}  (${arch}, sha256 ${r.sha256}, ${how}; run with ` +
        (dest
          ? `KERNIO_LIB_PATH=${path} --allow-env=KERNIO_LIB_PATH ` +
            `--allow-ffi=${path})`
          : `--allow-env=HOME --allow-read=${path} --allow-ffi=${path})`),
    );
  }
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (e) {
    if (e instanceof LibraryLoadError || e instanceof Deno.errors.NotCapable) {
      console.error(`prefetch: ${e.message}`);
      Deno.exit(1);
    }
    throw e;
  }
}
