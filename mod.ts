/**
 * kernio: zero-overhead Linux syscalls, non-blocking sockets and io_uring
 * for Deno. The three layers are also separate entry points:
 * `@kernio/kernio/zcall`, `@kernio/kernio/sock` and `@kernio/kernio/uring`.
 *
 * Permissions: `--allow-ffi=<path of libkernio.so>`.
 *
 * @example
 * ```ts
 * import { zcall } from "@kernio/kernio";
 * zcall.getpid() === Deno.pid; // true
 * ```
 *
 * @module
 * @tags allow-ffi
 */

export * as zcall from "./zcall/mod.ts";
export * as sock from "./sock/mod.ts";
export * as uring from "./uring/mod.ts";
