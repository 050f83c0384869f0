// The one unsafe boundary: the only module that calls Deno.dlopen.
//
// Load order:
//   1. KERNIO_LIB_PATH: an explicit library file;
//   2. the local build next to this module (native/build/, `deno task build`);
//   3. the prebuilt binary for this version, OS and arch, downloaded and
//      cached by @denosaurs/plug (imported dynamically, so local and offline
//      use never touch the network). KERNIO_LIB_URL overrides the base URL
//      and forces a fresh download.

import { SYMBOLS } from "./_symbols.ts";
import { ABI_VERSION, VERSION } from "./_version.ts";

const PLUG_SPECIFIER = "jsr:@denosaurs/plug@^1.0.5";

/** The symbols of the native library. */
export type KernioLib = Deno.DynamicLibrary<typeof SYMBOLS>;

/**
 * Default base URL of the prebuilt binaries: the GitHub release of this version.
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
 * Raised when the native library cannot be found or loaded.
 *
 * @example
 * ```ts
 * import { LibraryLoadError } from "@kernio/kernio/zcall";
 * const e = new LibraryLoadError("kernio: native library not found");
 * e instanceof Error; // true
 * ```
 */
export class LibraryLoadError extends Error {
  /** Creates the error with its message and underlying cause. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LibraryLoadError";
  }
}

/**
 * File name of the native library for an OS/arch pair, the way
 * @denosaurs/plug names release assets: `lib<name>[_aarch64].<ext>`.
 *
 * @example
 * ```ts
 * import { libraryFileName } from "@kernio/kernio/zcall";
 * libraryFileName("linux", "aarch64"); // "libkernio_aarch64.so"
 * ```
 */
export function libraryFileName(
  os: typeof Deno.build.os,
  arch: typeof Deno.build.arch,
): string {
  const ext = os === "darwin" ? "dylib" : os === "windows" ? "dll" : "so";
  const prefix = os === "windows" ? "" : "lib";
  const suffix = arch === "aarch64" ? "_aarch64" : "";
  return `${prefix}kernio${suffix}.${ext}`;
}

/**
 * URL of the prebuilt library for an OS/arch pair under a base URL.
 *
 * @example
 * ```ts
 * import { libraryUrl } from "@kernio/kernio/zcall";
 * libraryUrl("linux", "x86_64", "https://example.com/kio");
 * // "https://example.com/kio/libkernio.so"
 * ```
 */
export function libraryUrl(
  os: typeof Deno.build.os,
  arch: typeof Deno.build.arch,
  base: string = DEFAULT_LIB_BASE_URL,
): string {
  return new URL(
    libraryFileName(os, arch),
    base.endsWith("/") ? base : base + "/",
  )
    .href;
}

function readEnv(name: string): { value?: string; denied: boolean } {
  // Only read the variable when permission is already granted: a user who
  // grants nothing still gets the local build or the download.
  const state =
    Deno.permissions.querySync({ name: "env", variable: name }).state;
  if (state !== "granted") return { denied: true };
  return { value: Deno.env.get(name) || undefined, denied: false };
}

function permissionMessage(e: unknown, path: string): string | undefined {
  // Deno 2 reports a missing --allow-* flag as NotCapable; PermissionDenied
  // is the operating system refusing access to the file (EACCES).
  if (e instanceof Deno.errors.NotCapable) {
    return `kernio: loading the native library ${path} needs FFI permission: ` +
      `run with --allow-ffi=${path}`;
  }
  if (e instanceof Deno.errors.PermissionDenied) {
    return `kernio: the operating system denied access to ${path} ` +
      `(check the file's permissions): ${e.message}`;
  }
  return undefined;
}

function isMissingFile(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return e instanceof Deno.errors.NotFound ||
    /No such file|cannot open shared object|not found/i.test(msg);
}

function open(path: string): KernioLib {
  const lib = Deno.dlopen(path, SYMBOLS);
  const abi = lib.symbols.kio_abi_version();
  if (abi !== ABI_VERSION) {
    lib.close();
    throw new LibraryLoadError(
      `kernio: ${path} has ABI version ${abi}, this module needs ${ABI_VERSION}; ` +
        "rebuild it with `deno task build` or use the matching release",
    );
  }
  return lib;
}

function localBuildPath(): string | undefined {
  const url = new URL(
    `../native/build/${libraryFileName(Deno.build.os, Deno.build.arch)}`,
    import.meta.url,
  );
  return url.protocol === "file:"
    ? decodeURIComponent(url.pathname)
    : undefined;
}

/**
 * The OS/arch pairs each release ships a prebuilt library for (the native
 * library is Linux-only). .github/workflows/release.yml uploads exactly
 * these file names; tests/loader_urls_test.ts checks both agree.
 */
export const PREBUILT_TARGETS: ReadonlyArray<
  readonly [typeof Deno.build.os, typeof Deno.build.arch]
> = [["linux", "x86_64"], ["linux", "aarch64"]];

/** @denosaurs/plug's file-name suffix per arch, as libraryFileName names them. */
export const PLUG_SUFFIXES: Readonly<Record<string, string>> = {
  aarch64: "_aarch64",
};

async function download(base: string | undefined): Promise<KernioLib> {
  const url = base ?? DEFAULT_LIB_BASE_URL;
  const { os, arch } = Deno.build;
  if (!PREBUILT_TARGETS.some(([o, a]) => o === os && a === arch)) {
    throw new LibraryLoadError(
      `kernio: no prebuilt native library for ${os}/${arch}: kernio is ` +
        "Linux-only (x86_64 and aarch64)",
    );
  }
  try {
    // A non-literal dynamic import: Deno does not prefetch it, so only this
    // path ever needs the network or JSR.
    const plug = await import(PLUG_SPECIFIER);
    return await plug.dlopen(
      {
        name: "kernio",
        url,
        suffixes: PLUG_SUFFIXES,
        cache: base ? "reloadAll" : "use",
      },
      SYMBOLS,
    ) as KernioLib;
  } catch (e) {
    throw new LibraryLoadError(
      `kernio: could not download the native library from ${url} (${
        e instanceof Error ? e.message : e
      }). Build it locally with \`deno task build\` or set KERNIO_LIB_PATH ` +
        "to a built libkernio.so (grant --allow-env=KERNIO_LIB_PATH).",
      { cause: e },
    );
  }
}

/** Loads the native library following the documented order. */
export async function loadLibrary(): Promise<KernioLib> {
  const envPath = readEnv("KERNIO_LIB_PATH");
  if (envPath.value) {
    try {
      return open(envPath.value);
    } catch (e) {
      const perm = permissionMessage(e, envPath.value);
      if (perm) throw new LibraryLoadError(perm, { cause: e });
      if (e instanceof LibraryLoadError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      throw new LibraryLoadError(
        isMissingFile(e)
          ? `kernio: KERNIO_LIB_PATH=${envPath.value} does not exist or is ` +
            `not a loadable library (${why}). Point it at a built ` +
            "libkernio.so (`deno task build` writes one to native/build/) " +
            "or unset it to use the local build."
          : `kernio: KERNIO_LIB_PATH=${envPath.value} could not be loaded: ${why}`,
        { cause: e },
      );
    }
  }
  const local = localBuildPath();
  let localError: unknown;
  if (local) {
    try {
      return open(local);
    } catch (e) {
      const perm = permissionMessage(e, local);
      if (perm) {
        // The file may not exist either; say how to make it, and how to
        // load one from elsewhere when the variable could not be read.
        throw new LibraryLoadError(
          perm + " (if it does not exist yet, run `deno task build` first)" +
            (envPath.denied
              ? "; to load a library from elsewhere, set KERNIO_LIB_PATH " +
                "and grant --allow-env=KERNIO_LIB_PATH"
              : ""),
          { cause: e },
        );
      }
      if (e instanceof LibraryLoadError) throw e;
      if (!isMissingFile(e)) {
        throw new LibraryLoadError(`kernio: ${local}: ${e}`, { cause: e });
      }
      localError = e;
    }
  }
  const urlEnv = readEnv("KERNIO_LIB_URL");
  if (!urlEnv.value && local) {
    // A source checkout without a build: say how to make one rather than
    // reaching for the network.
    const isCheckout = import.meta.url.startsWith("file:");
    if (isCheckout) {
      throw new LibraryLoadError(
        `kernio: native library not found at ${local}. Run \`deno task build\` ` +
          "(needs a C compiler), or set KERNIO_LIB_PATH to a built library" +
          (envPath.denied ? " and grant --allow-env=KERNIO_LIB_PATH." : "."),
        { cause: localError },
      );
    }
  }
  return await download(urlEnv.value);
}

/** The loaded native library (loaded once, at first import). */
export const lib: KernioLib = await loadLibrary();
/** Its symbols, for the zcall wrappers. */
export const sym: KernioLib["symbols"] = lib.symbols;
