/**
 * Raw Linux syscall entry points for Deno, through a tiny native library
 * that executes the syscall instruction directly.
 *
 * Raw semantics: every call returns the kernel's result, a non-negative
 * number on success or `-errno` on failure, and never throws. Turn a
 * negative result into a name or message with {@linkcode errnoName} and
 * {@linkcode errnoMessage}. Arguments stay on Deno's fast FFI path: 32-bit
 * integers, doubles for addresses and lengths, typed arrays for memory.
 *
 * Permissions: `--allow-ffi=<path of libkernio.so>` (see the README for the
 * download path's extra flags).
 *
 * @example
 * ```ts
 * import { EFD, eventfd2, close, errnoName, read, write } from "@kernio/kernio/zcall";
 *
 * const efd = eventfd2(0, EFD.CLOEXEC | EFD.NONBLOCK);
 * const one = new Uint8Array(new BigUint64Array([1n]).buffer);
 * write(efd, one);
 * const r = read(efd, new Uint8Array(8));
 * if (r < 0) console.error(errnoName(r));
 * close(efd);
 * ```
 *
 * @module
 * @tags allow-ffi
 */

export * from "./constants.ts";
export * from "./errno.ts";
export * from "./sysnum.ts";
export * from "./syscalls.ts";
export * from "./structs.ts";
export * from "./memory.ts";
export * from "./page_memory.ts";
export * from "./permission.ts";
export {
  DEFAULT_LIB_BASE_URL,
  libraryFileName,
  LibraryLoadError,
  libraryUrl,
} from "./loader.ts";
export { VERSION } from "./_version.ts";
