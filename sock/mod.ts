/**
 * Non-blocking sockets over kernio's raw syscalls: zero-allocation socket
 * addresses in kernel layout, TCP, UDP and Unix sockets, socket options and
 * typed errors.
 *
 * Two kinds of I/O methods:
 * - `try*` methods (`tryRead`, `tryWrite`, `tryAccept`, `tryReadFrom`,
 *   `tryWriteTo`) are synchronous and non-blocking: they return a count, or
 *   the {@linkcode WOULD_BLOCK} value when the kernel is not ready, and
 *   allocate nothing.
 * - the promise methods (`read`, `write`, `accept`, `readFrom`, `writeTo`)
 *   wait for readiness through a shared epoll reactor without blocking
 *   Deno's event loop, honouring deadlines (`setDeadline`) and AbortSignal.
 *
 * Permissions: `--allow-ffi=<path of libkernio.so>`.
 *
 * @example
 * ```ts
 * import { unixConnPair, WOULD_BLOCK } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * a.tryWrite(new TextEncoder().encode("ping"));
 * const buf = new Uint8Array(16);
 * const n = b.tryRead(buf); // 4, or WOULD_BLOCK
 * a.close();
 * b.close();
 * ```
 *
 * @module
 * @tags allow-ffi
 */
export * from "./errors.ts";
export * from "./ip.ts";
export * from "./addr.ts";
export * from "./sockaddr.ts";
export {
  type Deadline,
  DEFAULT_BACKLOG,
  type FdLike,
  fdOf,
  getPeername,
  getSockname,
  type IoOptions,
  NetSocket,
  NetworkType,
  UnderlyingProtocol,
} from "./socket.ts";
export * from "./options.ts";
export * from "./tcp_info.ts";
export * from "./cmsg.ts";
export * from "./link.ts";
export * from "./udp_batch.ts";
export * from "./tcp.ts";
export * from "./udp.ts";
export * from "./unix.ts";
export * from "./streams.ts";
export * from "./connect.ts";
export * from "./multicast.ts";
export * from "./raw.ts";
export * from "./icmp.ts";
export * from "./sctp.ts";
export * from "./sctp_options.ts";
export * from "./select.ts";
export * from "./structs.ts";
