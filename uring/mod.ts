/**
 * io_uring for Deno: rings whose SQEs are written straight into the mmap'd
 * submission queue from TypeScript, one prep method per operation, compact
 * submission contexts carried in user_data, and reusable completion views.
 *
 * Permissions: unscoped `--allow-ffi` (the views over the mmap'd rings come
 * from `Deno.UnsafePointer`, which checks the whole FFI permission, not a
 * library path), plus `--allow-read` for the default library lookup.
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
// zcall structs taken by the ring's vectored and msghdr operations.
export { Iovecs, Msghdr } from "../zcall/mod.ts";
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
