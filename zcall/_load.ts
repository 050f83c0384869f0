// The load order and its messages. The opener (Deno.dlopen, in _ffi.ts, the
// only module that calls it) is passed in, so this module holds every
// decision and every message while the unsafe call stays in one place.
//
// Each failure says what is true: a missing Deno flag names the flag; a file
// the OS refuses to read says so (EACCES); another architecture or a file
// that is not ELF says that. With read permission for the file the header
// is checked before dlopen (a truncated library can crash the process inside
// dlopen); without it the dynamic loader's own words are interpreted.

import { elfProblem } from "./_elf.ts";
import { canRead, readEnv } from "./_env.ts";
import { ABI_VERSION, VERSION } from "./_version.ts";
import {
  cachedLibraryPath,
  libraryFileName,
  LibraryLoadError,
  prefetchLibrary,
  RELEASE_DOWNLOAD_HOSTS,
} from "./loader.ts";

/** What the loader needs of an opened library. */
export interface Opened {
  close(): void;
  symbols: { kio_abi_version(): number };
}

/** Where a candidate file came from; decides the advice in messages. */
type Source = "env" | "local" | "cache";

// Where this module was loaded from: a source checkout (file: URL outside a
// `deno compile` image) gets build advice; an installed package never does.
const HERE = new URL(import.meta.url);
const IS_CHECKOUT = HERE.protocol === "file:" &&
  !decodeURIComponent(HERE.pathname).includes("/deno-compile-");

function label(path: string, source: Source): string {
  return source === "env" ? `KERNIO_LIB_PATH=${path}` : path;
}

function notFoundAdvice(source: Source): string {
  if (source === "env") {
    return IS_CHECKOUT
      ? "point it at a built library (`deno task build` writes one to " +
        "native/build/) or unset it"
      : "point it at the library file (`deno run -A " +
        "jsr:@kernio/kernio/prefetch --dest=<dir>` writes one) or unset it";
  }
  return IS_CHECKOUT ? "run `deno task build` first" : "";
}

/** Checks a readable file's header before dlopen; null if fine or unknown. */
function preflight(path: string, source: Source): LibraryLoadError | null {
  if (!canRead(path)) return null;
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return new LibraryLoadError(
        `kernio: ${label(path, source)} does not exist` +
          (notFoundAdvice(source) ? `: ${notFoundAdvice(source)}` : ""),
        { reason: "not-found", path, cause: e },
      );
    }
    if (e instanceof Deno.errors.IsADirectory) {
      return new LibraryLoadError(
        `kernio: ${label(path, source)} is a directory, not a library file`,
        { reason: "not-found", path, cause: e },
      );
    }
    // EACCES and the rest: dlopen says the same, let diagnose() word it.
    return null;
  }
  const problem = elfProblem(bytes, Deno.build.arch);
  if (!problem) return null;
  return new LibraryLoadError(
    `kernio: ${label(path, source)} ${problem.detail}` +
      (source === "local" && IS_CHECKOUT
        ? "; rebuild it with `deno task build --force`"
        : ""),
    {
      reason: problem.kind === "wrong-architecture"
        ? "wrong-architecture"
        : "not-elf",
      path,
    },
  );
}

/** The dynamic loader's own words: what follows "<path>: " in Deno's error. */
function loaderSays(msg: string, path: string): string {
  const at = msg.lastIndexOf(`${path}: `);
  return at >= 0 ? msg.slice(at + path.length + 2) : msg;
}

/** Turns a dlopen failure into the message that says what happened. */
function diagnose(e: unknown, path: string, source: Source): LibraryLoadError {
  const where = label(path, source);
  if (e instanceof Deno.errors.NotCapable) {
    const flag = `--allow-ffi=${path}`;
    return new LibraryLoadError(
      `kernio: loading the native library ${path} needs FFI permission: ` +
        `run with ${flag}`,
      { reason: "permission", path, flag, cause: e },
    );
  }
  const msg = e instanceof Error ? e.message : String(e);
  if (/Permission denied/i.test(msg)) {
    return new LibraryLoadError(
      `kernio: ${where} exists but this user cannot read it (EACCES: the ` +
        "operating system denied access; check the file's mode, owner and " +
        "the directories above it)",
      { reason: "unreadable", path, cause: e },
    );
  }
  if (/wrong ELF class|ELF file data encoding|machine type/i.test(msg)) {
    return new LibraryLoadError(
      `kernio: ${where} is built for another architecture (the dynamic ` +
        `loader says: ${loaderSays(msg, path)}), not ${Deno.build.arch}`,
      { reason: "wrong-architecture", path, cause: e },
    );
  }
  if (/Is a directory/i.test(msg)) {
    return new LibraryLoadError(
      `kernio: ${where} is a directory, not a library file`,
      { reason: "not-found", path, cause: e },
    );
  }
  if (/invalid ELF header|file too short|cannot read file data/i.test(msg)) {
    return new LibraryLoadError(
      `kernio: ${where} is not an ELF file (the dynamic loader says: ${
        loaderSays(msg, path)
      })`,
      { reason: "not-elf", path, cause: e },
    );
  }
  if (/No such file|cannot open shared object/i.test(msg)) {
    // glibc says "No such file or directory" for a missing file and for an
    // ELF file of another machine alike; only the header tells them apart.
    const advice = notFoundAdvice(source);
    return new LibraryLoadError(
      `kernio: ${where} does not exist, or is built for another ` +
        'architecture (the dynamic loader reports both as "No such file ' +
        `or directory\"; grant --allow-read=${path} to tell which)` +
        (advice ? `: ${advice}` : ""),
      { reason: "not-found", path, cause: e },
    );
  }
  return new LibraryLoadError(`kernio: ${where} could not be loaded: ${msg}`, {
    reason: "other",
    path,
    cause: e,
  });
}

function checkAbi<L extends Opened>(
  lib: L,
  path: string,
  source: Source,
): L {
  const abi = lib.symbols.kio_abi_version();
  if (abi === ABI_VERSION) return lib;
  lib.close();
  throw new LibraryLoadError(
    `kernio: ${label(path, source)} has ABI version ${abi}, kernio ` +
      `${VERSION} needs ${ABI_VERSION}: ` +
      (IS_CHECKOUT
        ? "rebuild it with `deno task build --force`"
        : "use the library of the same release (`deno run -A " +
          `jsr:@kernio/kernio@${VERSION}/prefetch\`)`),
    { reason: "abi-mismatch", path },
  );
}

function openChecked<L extends Opened>(
  open: (path: string) => L,
  path: string,
  source: Source,
): L {
  const bad = preflight(path, source);
  if (bad) throw bad;
  let lib: L;
  try {
    lib = open(path);
  } catch (e) {
    throw diagnose(e, path, source);
  }
  return checkAbi(lib, path, source);
}

function localBuildPath(): string | undefined {
  if (!IS_CHECKOUT) return undefined;
  const url = new URL(
    `../native/build/${libraryFileName(Deno.build.os, Deno.build.arch)}`,
    import.meta.url,
  );
  return decodeURIComponent(url.pathname);
}

/**
 * Loads the native library: KERNIO_LIB_PATH, else the local build, else
 * the verified prebuilt library from the cache (downloaded when missing).
 */
export async function loadLibrary<L extends Opened>(
  open: (path: string) => L,
): Promise<L> {
  const envPath = readEnv("KERNIO_LIB_PATH");
  if (envPath.value) return openChecked(open, envPath.value, "env");

  const local = localBuildPath();
  if (local) {
    try {
      return openChecked(open, local, "local");
    } catch (e) {
      if (!(e instanceof LibraryLoadError)) throw e;
      if (e.reason === "permission") {
        throw new LibraryLoadError(
          e.message +
            " (if it does not exist yet, run `deno task build` first)" +
            (envPath.denied
              ? "; to load a library from elsewhere, set KERNIO_LIB_PATH " +
                "and grant --allow-env=KERNIO_LIB_PATH"
              : ""),
          { reason: "permission", path: local, flag: e.flag, cause: e.cause },
        );
      }
      if (e.reason !== "not-found") throw e;
      // A source checkout without a build: say how to make one rather than
      // reaching for the network, unless a mirror was asked for.
      if (!readEnv("KERNIO_LIB_URL").value) {
        throw new LibraryLoadError(
          `kernio: native library not found at ${local}. Run \`deno task ` +
            "build` (needs a C compiler), or set KERNIO_LIB_PATH to a built " +
            "library" +
            (envPath.denied ? " and grant --allow-env=KERNIO_LIB_PATH." : "."),
          { reason: "not-found", path: local, cause: e.cause },
        );
      }
    }
  }

  let fetched;
  try {
    fetched = await prefetchLibrary({
      refresh: readEnv("KERNIO_LIB_REFRESH").value === "1",
    });
  } catch (e) {
    if (e instanceof LibraryLoadError && e.reason === "permission") {
      throw new LibraryLoadError(e.message + downloadFlagsHint(), {
        reason: "permission",
        flag: e.flag,
        cause: e,
      });
    }
    throw e;
  }
  return openChecked(open, fetched.path, "cache");
}

/** The complete flag sets of a first (downloading) run and a cached run. */
function downloadFlagsHint(): string {
  const path = cachedLibraryPath() ?? "$HOME/.cache/kernio/" +
      `${VERSION}/${libraryFileName(Deno.build.os, Deno.build.arch)}`;
  const dir = path.slice(0, path.lastIndexOf("/", path.lastIndexOf("/") - 1));
  const mirror = readEnv("KERNIO_LIB_URL").value;
  const hosts = mirror
    ? `${new URL(mirror).host},<each host it redirects to>`
    : RELEASE_DOWNLOAD_HOSTS.join(",");
  return `. All flags of a first run, which downloads: --allow-env=HOME ` +
    `--allow-net=${hosts} --allow-read=${dir} --allow-write=${dir} ` +
    `--allow-ffi=${path}; of later runs: --allow-env=HOME ` +
    `--allow-read=${path} --allow-ffi=${path}`;
}
