/**
 * Where kernio's native library comes from, without loading it: the file
 * name per OS and architecture, the release URL, the download cache, and
 * {@linkcode prefetchLibrary}, which downloads and verifies the prebuilt
 * library ahead of time (a Docker build step, an air-gapped host).
 *
 * Importing this module never opens the library and needs no permission;
 * `@kernio/kernio/zcall` (and everything above it) loads it on first import
 * in this order:
 *
 * 1. `KERNIO_LIB_PATH`, an explicit file (read only when `--allow-env`
 *    covers it);
 * 2. the local build next to the module (`native/build/`, made by
 *    `deno task build` in a source checkout);
 * 3. the prebuilt library of this version from the download cache
 *    ({@linkcode cacheDirectory}), fetched from the release (or
 *    `KERNIO_LIB_URL`) when missing or corrupt, and checked against the
 *    SHA-256 recorded in the published package before it is opened.
 *
 * @example
 * ```ts
 * import { libraryFileName, libraryUrl } from "@kernio/kernio/zcall/loader";
 *
 * const name = libraryFileName(Deno.build.os, Deno.build.arch);
 * console.log(name, libraryUrl(Deno.build.os, Deno.build.arch));
 * ```
 *
 * @module
 * @tags allow-env, allow-net, allow-read, allow-write
 */

import { RELEASE_CHECKSUMS } from "./_checksums.ts";
import { elfProblem } from "./_elf.ts";
import { readEnv } from "./_env.ts";
import { VERSION } from "./_version.ts";

/**
 * An OS as in `Deno.build.os`.
 *
 * @example
 * ```ts
 * import type { Os } from "@kernio/kernio/zcall/loader";
 * const os: Os = Deno.build.os;
 * ```
 */
export type Os = typeof Deno.build.os;
/**
 * An architecture as in `Deno.build.arch`.
 *
 * @example
 * ```ts
 * import type { Arch } from "@kernio/kernio/zcall/loader";
 * const arch: Arch = Deno.build.arch;
 * ```
 */
export type Arch = typeof Deno.build.arch;

/**
 * Default base URL of the prebuilt binaries: the GitHub release of this
 * version. GitHub answers with a redirect to another host, and Deno checks
 * net permission on every hop (see {@linkcode RELEASE_DOWNLOAD_HOSTS}).
 *
 * @example
 * ```ts
 * import { DEFAULT_LIB_BASE_URL, VERSION } from "@kernio/kernio/zcall";
 * DEFAULT_LIB_BASE_URL.endsWith(`/releases/download/${VERSION}/`); // true
 * ```
 */
export const DEFAULT_LIB_BASE_URL =
  `https://github.com/kernio/kernio/releases/download/${VERSION}/`;

/**
 * Hosts a download from {@linkcode DEFAULT_LIB_BASE_URL} touches: github.com
 * answers 302 to a signed URL on release-assets.githubusercontent.com
 * (objects.githubusercontent.com on older releases), so
 * `--allow-net=github.com` alone is not enough.
 *
 * @example
 * ```ts
 * import { RELEASE_DOWNLOAD_HOSTS } from "@kernio/kernio/zcall/loader";
 * const flag = `--allow-net=${RELEASE_DOWNLOAD_HOSTS.join(",")}`;
 * ```
 */
export const RELEASE_DOWNLOAD_HOSTS: readonly string[] = [
  "github.com",
  "release-assets.githubusercontent.com",
  "objects.githubusercontent.com",
];

/**
 * The OS/arch pairs each release ships a prebuilt library for (the native
 * library is Linux-only). The release workflow uploads exactly these file
 * names and records their SHA-256.
 *
 * @example
 * ```ts
 * import { libraryFileName, PREBUILT_TARGETS } from "@kernio/kernio/zcall/loader";
 * PREBUILT_TARGETS.map(([os, arch]) => libraryFileName(os, arch));
 * // ["libkernio.so", "libkernio_aarch64.so"]
 * ```
 */
export const PREBUILT_TARGETS: ReadonlyArray<readonly [Os, Arch]> = [
  ["linux", "x86_64"],
  ["linux", "aarch64"],
];

/**
 * Why a load failed; one value per message the loader writes.
 *
 * @example
 * ```ts ignore
 * import { LibraryLoadError } from "@kernio/kernio/zcall/loader";
 * try {
 *   await import("@kernio/kernio/zcall");
 * } catch (e) {
 *   if (e instanceof LibraryLoadError && e.reason === "permission") {
 *     console.error(`grant ${e.flag}`);
 *   }
 * }
 * ```
 */
export type LoadFailure =
  /** A Deno permission flag is missing; `flag` names it. */
  | "permission"
  /** The file does not exist. */
  | "not-found"
  /** The file exists but the operating system refuses to read it (EACCES). */
  | "unreadable"
  /** An ELF file for another machine, class or byte order. */
  | "wrong-architecture"
  /** Not an ELF file, or a truncated one. */
  | "not-elf"
  /** A kernio library of another ABI version. */
  | "abi-mismatch"
  /** The download failed; the message names the URL and the reason. */
  | "download"
  /** The SHA-256 of a file differs from the one recorded at release. */
  | "checksum"
  /** This copy of kernio records no SHA-256 for the asset (not a release). */
  | "no-checksum"
  /** No prebuilt library for this OS/architecture. */
  | "unsupported-platform"
  /** Anything else; the message carries the original one. */
  | "other";

/**
 * Details of a {@linkcode LibraryLoadError}.
 *
 * @example
 * ```ts
 * import { LibraryLoadError } from "@kernio/kernio/zcall/loader";
 * new LibraryLoadError("kernio: needs FFI permission", {
 *   reason: "permission",
 *   flag: "--allow-ffi=/opt/kernio/libkernio.so",
 * });
 * ```
 */
export interface LibraryLoadErrorOptions extends ErrorOptions {
  /** Why the load failed (default "other"). */
  reason?: LoadFailure;
  /** The library file concerned, when there is one. */
  path?: string;
  /** For "permission": the flag to add, e.g. `--allow-ffi=/x/libkernio.so`. */
  flag?: string;
}

/**
 * Raised when the native library cannot be found, fetched, verified or
 * loaded. `reason` says which; `flag` names a missing permission flag.
 *
 * @example
 * ```ts
 * import { LibraryLoadError } from "@kernio/kernio/zcall";
 * const e = new LibraryLoadError("kernio: native library not found", {
 *   reason: "not-found",
 * });
 * e.reason; // "not-found"
 * ```
 */
export class LibraryLoadError extends Error {
  /** Why the load failed. */
  readonly reason: LoadFailure;
  /** The library file concerned, when there is one. */
  readonly path?: string;
  /** The missing permission flag, for `reason === "permission"`. */
  readonly flag?: string;

  /**
   * Creates the error.
   *
   * @param message What failed and what to do about it.
   * @param options The reason, path, flag and underlying cause.
   */
  constructor(message: string, options: LibraryLoadErrorOptions = {}) {
    super(message, options);
    this.name = "LibraryLoadError";
    this.reason = options.reason ?? "other";
    if (options.path !== undefined) this.path = options.path;
    if (options.flag !== undefined) this.flag = options.flag;
  }
}

/**
 * File name of the native library for an OS/arch pair, the
 * @denosaurs/plug convention the release assets follow:
 * `lib<name>[_aarch64].<ext>`.
 *
 * @param os An OS as in `Deno.build.os`.
 * @param arch An architecture as in `Deno.build.arch`.
 * @returns The file name, e.g. `libkernio.so`.
 *
 * @example
 * ```ts
 * import { libraryFileName } from "@kernio/kernio/zcall";
 * libraryFileName("linux", "aarch64"); // "libkernio_aarch64.so"
 * ```
 */
export function libraryFileName(os: Os, arch: Arch): string {
  const ext = os === "darwin" ? "dylib" : os === "windows" ? "dll" : "so";
  const prefix = os === "windows" ? "" : "lib";
  const suffix = arch === "aarch64" ? "_aarch64" : "";
  return `${prefix}kernio${suffix}.${ext}`;
}

/**
 * URL of the prebuilt library for an OS/arch pair under a base URL.
 *
 * @param os An OS as in `Deno.build.os`.
 * @param arch An architecture as in `Deno.build.arch`.
 * @param base The directory URL holding the assets (a trailing slash is
 *   optional); default {@linkcode DEFAULT_LIB_BASE_URL}.
 * @returns The asset's URL.
 *
 * @example
 * ```ts
 * import { libraryUrl } from "@kernio/kernio/zcall";
 * libraryUrl("linux", "x86_64", "https://example.com/kio");
 * // "https://example.com/kio/libkernio.so"
 * ```
 */
export function libraryUrl(
  os: Os,
  arch: Arch,
  base: string = DEFAULT_LIB_BASE_URL,
): string {
  return new URL(
    libraryFileName(os, arch),
    base.endsWith("/") ? base : base + "/",
  ).href;
}

/**
 * The SHA-256 (hex) recorded for a release asset in this copy of kernio, or
 * undefined: the release workflow records them in the published package; a
 * source checkout has none.
 *
 * @param fileName An asset name from {@linkcode libraryFileName}.
 * @returns Lower-case hex digest, or undefined.
 *
 * @example
 * ```ts
 * import { releaseChecksum } from "@kernio/kernio/zcall/loader";
 * releaseChecksum("libkernio.so"); // 64 hex digits in a published package
 * ```
 */
export function releaseChecksum(fileName: string): string | undefined {
  if (RELEASE_CHECKSUMS.version !== VERSION) return undefined;
  return Object.hasOwn(RELEASE_CHECKSUMS.sha256, fileName)
    ? RELEASE_CHECKSUMS.sha256[fileName]
    : undefined;
}

/**
 * SHA-256 of some bytes as lower-case hex.
 *
 * @param bytes The data.
 * @returns 64 hex digits.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "@kernio/kernio/zcall/loader";
 * await sha256Hex(new Uint8Array()); // "e3b0c442...b855"
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The download cache directory: `KERNIO_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/kernio`, else `$HOME/.cache/kernio`; each variable is
 * read only when `--allow-env` covers it. Undefined when none is readable.
 *
 * @returns An absolute directory path, or undefined.
 *
 * @example
 * ```ts
 * import { cacheDirectory } from "@kernio/kernio/zcall/loader";
 * cacheDirectory(); // "/home/me/.cache/kernio" with --allow-env=HOME
 * ```
 */
export function cacheDirectory(): string | undefined {
  const own = readEnv("KERNIO_CACHE_DIR").value;
  if (own) return own.replace(/\/+$/, "") || "/";
  const xdg = readEnv("XDG_CACHE_HOME").value;
  if (xdg) return `${xdg.replace(/\/+$/, "")}/kernio`;
  const home = readEnv("HOME").value;
  if (home) return `${home.replace(/\/+$/, "")}/.cache/kernio`;
  return undefined;
}

/**
 * Where the cache keeps the prebuilt library of this version for an
 * OS/arch pair: `<cacheDirectory()>/<VERSION>/<libraryFileName>`. This is
 * the path to grant with `--allow-ffi` (and `--allow-read`) for a cached
 * run.
 *
 * @param os An OS as in `Deno.build.os` (default: this one).
 * @param arch An architecture as in `Deno.build.arch` (default: this one).
 * @returns The path, or undefined when no cache directory is readable.
 *
 * @example
 * ```ts
 * import { cachedLibraryPath } from "@kernio/kernio/zcall/loader";
 * cachedLibraryPath(); // "/home/me/.cache/kernio/0.1.0/libkernio.so"
 * ```
 */
export function cachedLibraryPath(
  os: Os = Deno.build.os,
  arch: Arch = Deno.build.arch,
): string | undefined {
  const dir = cacheDirectory();
  return dir === undefined
    ? undefined
    : `${dir}/${VERSION}/${libraryFileName(os, arch)}`;
}

/**
 * Options of {@linkcode prefetchLibrary}.
 *
 * @example
 * ```ts ignore
 * import { prefetchLibrary } from "@kernio/kernio/zcall/loader";
 * await prefetchLibrary({ arch: "aarch64", baseUrl: "https://mirror.example/kernio/" });
 * ```
 */
export interface PrefetchOptions {
  /** Target OS (default: this one). */
  os?: Os;
  /** Target architecture (default: this one). */
  arch?: Arch;
  /**
   * Base URL of a mirror of the release assets (default: `KERNIO_LIB_URL`
   * when readable, else {@linkcode DEFAULT_LIB_BASE_URL}). A mirror serves
   * the same files: they are checked against the same SHA-256.
   */
  baseUrl?: string;
  /** Download even when a verified copy is cached (default false). */
  refresh?: boolean;
  /** Give up on a download after this many milliseconds (default 120000). */
  timeoutMs?: number;
}

/**
 * The outcome of {@linkcode prefetchLibrary}.
 *
 * @example
 * ```ts ignore
 * import { prefetchLibrary } from "@kernio/kernio/zcall/loader";
 * const r = await prefetchLibrary();
 * if (r.downloaded) console.error(`fetched ${r.url} (${r.cause})`);
 * ```
 */
export interface PrefetchResult {
  /** The verified library in the cache. */
  path: string;
  /** Its SHA-256 (hex). */
  sha256: string;
  /** Whether this call downloaded it (false: the cached copy was valid). */
  downloaded: boolean;
  /** Why it was downloaded: "missing", "corrupt" or "refresh". */
  cause?: "missing" | "corrupt" | "refresh";
  /** The URL it came from, when downloaded. */
  url?: string;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function reasonOf(e: unknown): string {
  if (e instanceof DOMException && e.name === "TimeoutError") {
    return "timed out";
  }
  const msg = e instanceof Error ? e.message : String(e);
  const cause = e instanceof Error && e.cause instanceof Error
    ? e.cause.message
    : "";
  return cause && !msg.includes(cause) ? `${msg}: ${cause}` : msg;
}

/**
 * Fetches one asset, following redirects by hand so a missing net
 * permission names every host of the chain, and so the error names the
 * asset URL whatever hop failed.
 */
async function fetchAsset(url: string, timeoutMs: number): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(timeoutMs);
  const chain = [url];
  let current = url;
  for (let hop = 0; hop <= 10; hop++) {
    let res: Response;
    try {
      res = await fetch(current, { redirect: "manual", signal });
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable) {
        const hosts = [...new Set(chain.map(hostOf))];
        const flag = current.startsWith("file:")
          ? `--allow-read=${decodeURIComponent(new URL(current).pathname)}`
          : `--allow-net=${hosts.join(",")}`;
        throw new LibraryLoadError(
          `kernio: downloading ${url} needs net permission for every host ` +
            `it redirects through (${chain.join(" -> ")}): run with ${flag}`,
          { reason: "permission", flag, cause: e },
        );
      }
      throw new LibraryLoadError(
        `kernio: could not download ${url}` +
          (current !== url ? ` (at ${current})` : "") + `: ${reasonOf(e)}`,
        { reason: "download", cause: e },
      );
    }
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      current = new URL(location, current).href;
      chain.push(current);
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new LibraryLoadError(
        `kernio: could not download ${url}` +
          (current !== url ? ` (at ${current})` : "") +
          `: HTTP ${res.status} ${res.statusText}`.trimEnd(),
        { reason: "download" },
      );
    }
    try {
      return new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw new LibraryLoadError(
        `kernio: could not download ${url}: ${reasonOf(e)}`,
        { reason: "download", cause: e },
      );
    }
  }
  throw new LibraryLoadError(
    `kernio: could not download ${url}: more than 10 redirects ` +
      `(${chain.join(" -> ")})`,
    { reason: "download" },
  );
}

/**
 * Makes sure the cache holds this version's verified prebuilt library for
 * an OS/arch pair: a cached copy whose SHA-256 matches the one recorded at
 * release is used as is (no network, no write); a missing or corrupt one
 * is downloaded once, verified, and written atomically. Writes nothing to
 * stdout.
 *
 * Permissions: `--allow-env=HOME` (or `XDG_CACHE_HOME`, `KERNIO_CACHE_DIR`)
 * to find the cache, `--allow-read` of the cached file; to download, also
 * `--allow-net` for every host of the redirect chain
 * ({@linkcode RELEASE_DOWNLOAD_HOSTS} for GitHub) and `--allow-write` of the
 * cache directory.
 *
 * @param options Target, mirror, refresh and timeout.
 * @returns The cached path and how it got there.
 * @throws {LibraryLoadError} naming the URL and reason, the missing flag,
 *   or the checksum mismatch.
 *
 * @example
 * ```ts ignore
 * import { prefetchLibrary } from "@kernio/kernio/zcall/loader";
 * const { path } = await prefetchLibrary();
 * console.log(`grant --allow-ffi=${path}`);
 * ```
 */
export async function prefetchLibrary(
  options: PrefetchOptions = {},
): Promise<PrefetchResult> {
  const os = options.os ?? Deno.build.os;
  const arch = options.arch ?? Deno.build.arch;
  if (!PREBUILT_TARGETS.some(([o, a]) => o === os && a === arch)) {
    throw new LibraryLoadError(
      `kernio: no prebuilt native library for ${os}/${arch}: kernio is ` +
        "Linux-only (x86_64 and aarch64)",
      { reason: "unsupported-platform" },
    );
  }
  const fileName = libraryFileName(os, arch);
  const expected = releaseChecksum(fileName);
  if (expected === undefined) {
    throw new LibraryLoadError(
      `kernio: this copy of kernio ${VERSION} records no SHA-256 for ` +
        `${fileName} (only packages published by the release workflow do), ` +
        "so it will not load a downloaded library; point KERNIO_LIB_PATH at " +
        "a library you built (grant --allow-env=KERNIO_LIB_PATH)",
      { reason: "no-checksum" },
    );
  }
  const dir = cacheDirectory();
  if (dir === undefined) {
    throw new LibraryLoadError(
      "kernio: the prebuilt native library is kept in a cache directory, " +
        "found from HOME (or XDG_CACHE_HOME, or KERNIO_CACHE_DIR): run with " +
        "--allow-env=HOME, or set KERNIO_CACHE_DIR and grant " +
        "--allow-env=KERNIO_CACHE_DIR (or set KERNIO_LIB_PATH to a library " +
        "file and grant --allow-env=KERNIO_LIB_PATH)",
      { reason: "permission", flag: "--allow-env=HOME" },
    );
  }
  const versionDir = `${dir}/${VERSION}`;
  const path = `${versionDir}/${fileName}`;
  let cause: PrefetchResult["cause"] = options.refresh ? "refresh" : "missing";
  if (!options.refresh) {
    let cached: Uint8Array | undefined;
    try {
      cached = await Deno.readFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable) {
        throw new LibraryLoadError(
          `kernio: the cached native library ${path} is checked against its ` +
            `SHA-256 before it is opened, which needs --allow-read=${path}`,
          { reason: "permission", flag: `--allow-read=${path}`, cause: e },
        );
      }
      if (!(e instanceof Deno.errors.NotFound)) {
        throw new LibraryLoadError(
          `kernio: cannot read the cached native library ${path}: ${
            reasonOf(e)
          }`,
          {
            reason: e instanceof Deno.errors.PermissionDenied
              ? "unreadable"
              : "other",
            path,
            cause: e,
          },
        );
      }
    }
    if (cached) {
      const got = await sha256Hex(cached);
      if (got === expected) {
        return { path, sha256: got, downloaded: false };
      }
      cause = "corrupt";
    }
  }
  const base = options.baseUrl ?? readEnv("KERNIO_LIB_URL").value ??
    DEFAULT_LIB_BASE_URL;
  const url = libraryUrl(os, arch, base);
  let bytes: Uint8Array;
  try {
    bytes = await fetchAsset(url, options.timeoutMs ?? 120_000);
  } catch (e) {
    if (cause !== "corrupt" || !(e instanceof LibraryLoadError)) throw e;
    throw new LibraryLoadError(
      `kernio: the cached ${path} does not match the SHA-256 recorded at ` +
        `release, so it is downloaded again; ${e.message.slice(8)}`,
      { reason: e.reason, path, flag: e.flag, cause: e },
    );
  }
  const got = await sha256Hex(bytes);
  if (got !== expected) {
    const elf = elfProblem(bytes, arch);
    throw new LibraryLoadError(
      `kernio: the file downloaded from ${url} (${bytes.length} bytes) has ` +
        `SHA-256 ${got}, but kernio ${VERSION} recorded ${expected} for ` +
        `${fileName} at release` + (elf ? ` (it ${elf.detail})` : "") +
        "; refusing to load it (nothing was cached)",
      { reason: "checksum", path },
    );
  }
  try {
    await Deno.mkdir(versionDir, { recursive: true });
    // A temporary file renamed into place: a concurrent process never sees
    // a partial library.
    const tmp = await Deno.makeTempFile({
      dir: versionDir,
      prefix: `.${fileName}.`,
    });
    try {
      await Deno.writeFile(tmp, bytes, { mode: 0o644 });
      await Deno.chmod(tmp, 0o644);
      await Deno.rename(tmp, path);
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      throw e;
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) {
      throw new LibraryLoadError(
        `kernio: downloaded ${url} but cannot write it to the cache ` +
          `${versionDir}: run with --allow-write=${dir} (and ` +
          `--allow-read=${dir})`,
        { reason: "permission", flag: `--allow-write=${dir}`, cause: e },
      );
    }
    throw new LibraryLoadError(
      `kernio: downloaded ${url} but cannot write it to the cache ` +
        `${versionDir}: ${reasonOf(e)}`,
      { reason: "other", path, cause: e },
    );
  }
  return { path, sha256: got, downloaded: true, cause, url };
}
