// The SQE layer: struct io_uring_sqe's layout, flag tables and setters
// (sqe/layout.ts) and one prep function per opcode (sqe/net.ts,
// sqe/file.ts, sqe/control.ts). Pure: nothing here loads the native
// library.

export * from "./sqe/layout.ts";
export * from "./sqe/net.ts";
export * from "./sqe/file.ts";
export * from "./sqe/control.ts";
