/**
 * io_uring for Deno: rings whose SQEs are written straight into the shared
 * submission queue from TypeScript, one prep method per operation, compact
 * submission contexts carried in user_data, and reusable completion views.
 *
 * Permissions: `--allow-ffi=<path of libkernio.so>`, nothing else, on Linux
 * 6.5+: the rings, SQE array, buffer rings, registered buffers and zcrx areas
 * live in page-aligned memory JavaScript owns (IORING_SETUP_NO_MMAP), so no
 * view needs `Deno.UnsafePointer`. On older kernels the rings are mmap'd
 * kernel memory and need the unscoped `--allow-ffi` (so do buffer rings
 * registered with `kernelMapped: true` and `Mapping`); without it ring
 * creation throws a `MissingPermissionError` naming the flag. Either way FFI
 * grants any syscall: the scoped flag limits which library loads, not what
 * it can do.
 *
 * @example
 * ```ts
 * import { CQEView, forFD, Uring } from "@kernio/kernio/uring";
 * const ring = new Uring({ entries: 64 });
 * ring.start();
 * ring.nop(forFD(0));
 * const cqes = CQEView.array(16);
 * const n = ring.wait(cqes);
 * for (let i = 0; i < n; i++) console.log(cqes[i].op(), cqes[i].res);
 * ring.stop();
 * ```
 *
 * @module
 * @tags allow-ffi
 */

export * from "./errors.ts";
export * from "./options.ts";
export * from "./sqe.ts";
export * from "./context.ts";
export * from "./cqe.ts";
export * from "./register.ts";
export * from "./probe.ts";
export * from "./structs.ts";
export * from "./scoped.ts";
export * from "./ring.ts";
// zcall structs taken by the ring's vectored and msghdr operations, and
// the error a missing permission raises.
export { Iovecs, MissingPermissionError, Msghdr } from "../zcall/mod.ts";
export * from "./buffer_ring.ts";
export {
  RegisterBufferPool,
  RingBuffers,
  WriteBufferPool,
} from "./ring_buffers.ts";
export * from "./multishot.ts";
export * from "./driver.ts";
export * from "./zcrx.ts";
export * from "./bundle.ts";
export * from "./zerocopy.ts";
export * from "./listener.ts";
