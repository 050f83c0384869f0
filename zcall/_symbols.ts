// The FFI symbol table of native/kernio.c, defined once.
//
// Every parameter is 32-bit, a double or a buffer/pointer, and every result is
// 32-bit or a double, so calls stay on Deno's fast path (a 64-bit integer
// parameter passed as a Number, or an i64 result, would leave it).

const i32 = "i32" as const;
const u32 = "u32" as const;
const f64 = "f64" as const;
const buf = "buffer" as const;
const ptr = "pointer" as const;
const i64 = "i64" as const;

export const SYMBOLS = {
  kio_abi_version: { parameters: [], result: i32 },
  kio_arch: { parameters: [], result: i32 },
  kio_noop: { parameters: [], result: i32 },
  kio_address: { parameters: [buf], result: f64 },

  kio_syscall6: {
    parameters: [i64, i64, i64, i64, i64, i64, i64],
    result: i64,
  },
  kio_syscall6f: {
    parameters: [f64, f64, f64, f64, f64, f64, f64],
    result: f64,
  },
  // The same on Deno's blocking pool, for waits such as pselect6.
  kio_syscall6f_async: {
    name: "kio_syscall6f",
    parameters: [f64, f64, f64, f64, f64, f64, f64],
    result: f64,
    nonblocking: true,
  },

  kio_read: { parameters: [i32, buf, u32], result: i32 },
  kio_write: { parameters: [i32, buf, u32], result: i32 },
  // Same entries over raw native memory (mmap'd regions, buffer rings).
  kio_read_ptr: { name: "kio_read", parameters: [i32, ptr, u32], result: i32 },
  kio_write_ptr: {
    name: "kio_write",
    parameters: [i32, ptr, u32],
    result: i32,
  },
  // Same over a raw address as a double: no typed-array unwrap per call.
  kio_read_addr: { parameters: [i32, f64, u32], result: i32 },
  kio_write_addr: { parameters: [i32, f64, u32], result: i32 },
  kio_readv: { parameters: [i32, buf, i32], result: i32 },
  kio_writev: { parameters: [i32, buf, i32], result: i32 },
  kio_preadv: { parameters: [i32, buf, i32, u32, u32], result: i32 },
  kio_pwritev: { parameters: [i32, buf, i32, u32, u32], result: i32 },
  kio_preadv2: { parameters: [i32, buf, i32, u32, u32, i32], result: i32 },
  kio_pwritev2: { parameters: [i32, buf, i32, u32, u32, i32], result: i32 },
  kio_close: { parameters: [i32], result: i32 },

  kio_socket: { parameters: [i32, i32, i32], result: i32 },
  kio_socketpair: { parameters: [i32, i32, i32, buf], result: i32 },
  kio_bind: { parameters: [i32, buf, u32], result: i32 },
  kio_connect: { parameters: [i32, buf, u32], result: i32 },
  kio_listen: { parameters: [i32, i32], result: i32 },
  kio_accept: { parameters: [i32, buf, buf], result: i32 },
  kio_accept4: { parameters: [i32, buf, buf, i32], result: i32 },
  kio_shutdown: { parameters: [i32, i32], result: i32 },
  kio_getsockname: { parameters: [i32, buf, buf], result: i32 },
  kio_getpeername: { parameters: [i32, buf, buf], result: i32 },
  kio_getsockopt: { parameters: [i32, i32, i32, buf, buf], result: i32 },
  kio_setsockopt: { parameters: [i32, i32, i32, buf, u32], result: i32 },
  kio_recvfrom: { parameters: [i32, buf, u32, i32, buf, buf], result: i32 },
  kio_sendto: { parameters: [i32, buf, u32, i32, buf, u32], result: i32 },
  kio_recvmsg: { parameters: [i32, buf, i32], result: i32 },
  kio_sendmsg: { parameters: [i32, buf, i32], result: i32 },
  kio_recvmmsg: { parameters: [i32, buf, u32, i32, buf], result: i32 },
  kio_sendmmsg: { parameters: [i32, buf, u32, i32], result: i32 },

  kio_io_uring_setup: { parameters: [u32, buf], result: i32 },
  kio_io_uring_enter: {
    parameters: [i32, u32, u32, u32, buf, u32],
    result: i32,
  },
  // No arg pointer: no typed-array unwrap on the hot submit path.
  kio_io_uring_enter4: { parameters: [i32, u32, u32, u32], result: i32 },
  // Blocking waits for completions run on Deno's blocking pool so the event
  // loop keeps turning.
  kio_io_uring_enter_async: {
    name: "kio_io_uring_enter",
    parameters: [i32, u32, u32, u32, buf, u32],
    result: i32,
    nonblocking: true,
  },
  kio_io_uring_register: { parameters: [i32, u32, buf, u32], result: i32 },
  kio_io_uring_register_ptr: {
    name: "kio_io_uring_register",
    parameters: [i32, u32, ptr, u32],
    result: i32,
  },

  kio_mmap: { parameters: [f64, f64, i32, i32, i32, f64], result: f64 },
  kio_munmap: { parameters: [f64, f64], result: i32 },

  kio_eventfd2: { parameters: [u32, i32], result: i32 },
  kio_pipe2: { parameters: [buf, i32], result: i32 },
  kio_memfd_create: { parameters: [buf, u32], result: i32 },
  kio_signalfd4: { parameters: [i32, buf, u32, i32], result: i32 },
  kio_timerfd_create: { parameters: [i32, i32], result: i32 },
  kio_timerfd_settime: { parameters: [i32, i32, buf, buf], result: i32 },
  kio_timerfd_gettime: { parameters: [i32, buf], result: i32 },
  kio_pidfd_open: { parameters: [i32, u32], result: i32 },
  kio_pidfd_getfd: { parameters: [i32, i32, u32], result: i32 },
  kio_pidfd_send_signal: { parameters: [i32, i32, buf, u32], result: i32 },
  kio_splice: { parameters: [i32, buf, i32, buf, u32, u32], result: i32 },
  kio_tee: { parameters: [i32, i32, u32, u32], result: i32 },
  kio_vmsplice: { parameters: [i32, buf, u32, u32], result: i32 },
  kio_getpid: { parameters: [], result: i32 },
  kio_gettid: { parameters: [], result: i32 },

  kio_poll: { parameters: [buf, u32, i32], result: i32 },
  kio_poll_async: {
    name: "kio_poll",
    parameters: [buf, u32, i32],
    result: i32,
    nonblocking: true,
  },
  kio_epoll_create1: { parameters: [i32], result: i32 },
  kio_epoll_ctl: { parameters: [i32, i32, i32, buf], result: i32 },
  kio_epoll_wait: { parameters: [i32, buf, i32, i32], result: i32 },
  kio_epoll_wait_async: {
    name: "kio_epoll_wait",
    parameters: [i32, buf, i32, i32],
    result: i32,
    nonblocking: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;
