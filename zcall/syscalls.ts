// Raw syscall entry points. Every function returns the kernel's result: a
// non-negative value on success, -errno on failure. None of them throws.
//
// Buffers are typed arrays or DataViews: the pointer passed is the view's
// start, the length its true byte length (the engine's, never a property a
// caller can redefine) unless a smaller length is given. Lengths beyond the
// view are refused with -EFAULT before the kernel could touch memory past it.
// In/out cells are checked in bytes; length cells the kernel reads (addrlen,
// optlen) travel as a private copy, so a SharedArrayBuffer cell changed by
// another thread cannot widen what the kernel writes. Integer arguments are
// checked explicitly and passed normalized (`x | 0`, `x >>> 0`): 1.5, "3"
// and NaN give -EINVAL and -0 counts as 0 however warm the JIT is.
//
// The wrappers live in zcall/syscalls/, one module per family; their shared
// argument checks in zcall/_syscall_args.ts.

export * from "./syscalls/io.ts";
export * from "./syscalls/socket.ts";
export * from "./syscalls/io_uring.ts";
export * from "./syscalls/descriptors.ts";
