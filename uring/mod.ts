/**
 * io_uring for Deno. From the top: listeners that accept connections, a
 * promise-based driver, multishot subscriptions, zero-copy sends and
 * provided-buffer rings; under them the ring itself (`Uring`), whose one
 * method per operation writes SQEs straight into the shared submission
 * queue, compact submission contexts carried in user_data, and reusable
 * completion views. The raw SQE layout and one prep function per opcode are
 * in `@kernio/kernio/uring/raw`.
 *
 * Permissions: `--allow-ffi=<path of libkernio.so>`, nothing else, on Linux
 * 6.5+: the rings, SQE array, buffer rings, registered buffers and zcrx areas
 * live in page-aligned memory JavaScript owns (IORING_SETUP_NO_MMAP), so no
 * view needs `Deno.UnsafePointer`. On older kernels the rings are mmap'd
 * kernel memory and need the unscoped `--allow-ffi` (so do buffer rings
 * registered with `kernelMapped: true` and `Mapping`); without it ring
 * creation throws a `MissingPermissionError` naming the flag. Either way FFI
 * grants any syscall: the scoped flag limits which library loads, not what
 * it can do. (Kernels 6.5 to 6.9 take JavaScript memory only for rings that
 * fit in one page; `ring.features.ringMemory` says which memory a ring got.)
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

// Connections, completions and buffers.
export * from "./net/mod.ts";
export * from "./listener.ts";
export * from "./driver.ts";
export * from "./multishot.ts";
export * from "./zerocopy.ts";
export * from "./buffer_ring.ts";
export * from "./bundle.ts";
export {
  RegisterBufferPool,
  RingBuffers,
  WriteBufferPool,
} from "./ring_buffers.ts";
export * from "./zcrx.ts";
export * from "./zcrx_receiver.ts";
export * from "./napi.ts";

// The ring, its options, contexts, completions and errors.
export * from "./ring.ts";
export * from "./options.ts";
export * from "./context.ts";
export * from "./cqe.ts";
export * from "./errors.ts";
export * from "./structs.ts";
export * from "./scoped.ts";
export * from "./probe.ts";
// io_uring_register on a ring fd (the Uring methods wrap most of them).
export * from "./register.ts";
// zcall structs taken by the ring's vectored and msghdr operations, and
// the error a missing permission raises.
export { Iovecs, MissingPermissionError, Msghdr } from "../zcall/mod.ts";

// Operation constants: opcodes, SQE flags and each operation's flag table.
export { IORING_OP, IOSQE } from "../zcall/constants.ts";
export {
  FUTEX2,
  FUTEX_BITSET_MATCH_ANY,
  IORING_ACCEPT,
  IORING_ASYNC_CANCEL,
  IORING_FILE_INDEX_ALLOC,
  IORING_FIXED_FD_NO_CLOEXEC,
  IORING_FSYNC_DATASYNC,
  IORING_MSG,
  IORING_NOP,
  IORING_POLL,
  IORING_RECVSEND,
  IORING_TIMEOUT,
  SOCKET_URING_OP,
} from "./sqe/layout.ts";
