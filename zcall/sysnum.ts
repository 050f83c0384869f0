// Syscall numbers for the architectures kernio supports, and the table for
// the running one.

/**
 * The syscalls kernio names, with their number on one architecture.
 *
 * @example
 * ```ts
 * import { SYS, type SyscallNumbers } from "@kernio/kernio/zcall";
 * const table: Readonly<SyscallNumbers> = SYS;
 * table.GETPID; // 39 on x86_64, 172 on aarch64
 * ```
 */
export interface SyscallNumbers {
  /** read(2) */ READ: number;
  /** write(2) */ WRITE: number;
  /** close(2) */ CLOSE: number;
  /** fstat(2) */ FSTAT: number;
  /** mmap(2) */ MMAP: number;
  /** munmap(2) */ MUNMAP: number;
  /** madvise(2) */ MADVISE: number;
  /** ftruncate(2) */ FTRUNCATE: number;
  /** readv(2) */ READV: number;
  /** writev(2) */ WRITEV: number;
  /** preadv(2) */ PREADV: number;
  /** pwritev(2) */ PWRITEV: number;
  /** preadv2(2) */ PREADV2: number;
  /** pwritev2(2) */ PWRITEV2: number;
  /** socket(2) */ SOCKET: number;
  /** connect(2) */ CONNECT: number;
  /** accept(2) */ ACCEPT: number;
  /** sendto(2) */ SENDTO: number;
  /** recvfrom(2) */ RECVFROM: number;
  /** sendmsg(2) */ SENDMSG: number;
  /** recvmsg(2) */ RECVMSG: number;
  /** shutdown(2) */ SHUTDOWN: number;
  /** bind(2) */ BIND: number;
  /** listen(2) */ LISTEN: number;
  /** getsockname(2) */ GETSOCKNAME: number;
  /** getpeername(2) */ GETPEERNAME: number;
  /** socketpair(2) */ SOCKETPAIR: number;
  /** setsockopt(2) */ SETSOCKOPT: number;
  /** getsockopt(2) */ GETSOCKOPT: number;
  /** splice(2) */ SPLICE: number;
  /** tee(2) */ TEE: number;
  /** vmsplice(2) */ VMSPLICE: number;
  /** pipe2(2) */ PIPE2: number;
  /** timerfd_create(2) */ TIMERFD_CREATE: number;
  /** timerfd_settime(2) */ TIMERFD_SETTIME: number;
  /** timerfd_gettime(2) */ TIMERFD_GETTIME: number;
  /** accept4(2) */ ACCEPT4: number;
  /** eventfd2(2) */ EVENTFD2: number;
  /** recvmmsg(2) */ RECVMMSG: number;
  /** sendmmsg(2) */ SENDMMSG: number;
  /** io_uring_setup(2) */ IO_URING_SETUP: number;
  /** io_uring_enter(2) */ IO_URING_ENTER: number;
  /** io_uring_register(2) */ IO_URING_REGISTER: number;
  /** signalfd4(2) */ SIGNALFD4: number;
  /** memfd_create(2) */ MEMFD_CREATE: number;
  /** pidfd_send_signal(2) */ PIDFD_SEND_SIGNAL: number;
  /** pidfd_open(2) */ PIDFD_OPEN: number;
  /** pidfd_getfd(2) */ PIDFD_GETFD: number;
  /** getpid(2) */ GETPID: number;
  /** gettid(2) */ GETTID: number;
  /** epoll_create1(2) */ EPOLL_CREATE1: number;
  /** epoll_ctl(2) */ EPOLL_CTL: number;
  /** epoll_pwait(2) */ EPOLL_PWAIT: number;
  /** ppoll(2) */ PPOLL: number;
  /** pselect6(2) */ PSELECT6: number;
  /** fcntl(2) */ FCNTL: number;
  /** dup3(2) */ DUP3: number;
  /** openat(2) */ OPENAT: number;
  /** kill(2) */ KILL: number;
  /** rt_sigprocmask(2) */ RT_SIGPROCMASK: number;
  /** getrlimit via prlimit64(2) */ PRLIMIT64: number;
  /** futex(2) */ FUTEX: number;
  /** setns(2) */ SETNS: number;
  /** tgkill(2) */ TGKILL: number;
  /** clock_gettime(2) */ CLOCK_GETTIME: number;
}

/**
 * Syscall numbers on Linux x86_64 (arch/x86/entry/syscalls/syscall_64.tbl).
 *
 * @example
 * ```ts
 * import { SYS_X86_64 } from "@kernio/kernio/zcall";
 * SYS_X86_64.GETPID; // 39
 * ```
 */
export const SYS_X86_64: Readonly<SyscallNumbers> = Object.freeze({
  READ: 0,
  WRITE: 1,
  CLOSE: 3,
  FSTAT: 5,
  MMAP: 9,
  MUNMAP: 11,
  MADVISE: 28,
  FTRUNCATE: 77,
  READV: 19,
  WRITEV: 20,
  PREADV: 295,
  PWRITEV: 296,
  PREADV2: 327,
  PWRITEV2: 328,
  SOCKET: 41,
  CONNECT: 42,
  ACCEPT: 43,
  SENDTO: 44,
  RECVFROM: 45,
  SENDMSG: 46,
  RECVMSG: 47,
  SHUTDOWN: 48,
  BIND: 49,
  LISTEN: 50,
  GETSOCKNAME: 51,
  GETPEERNAME: 52,
  SOCKETPAIR: 53,
  SETSOCKOPT: 54,
  GETSOCKOPT: 55,
  SPLICE: 275,
  TEE: 276,
  VMSPLICE: 278,
  PIPE2: 293,
  TIMERFD_CREATE: 283,
  TIMERFD_SETTIME: 286,
  TIMERFD_GETTIME: 287,
  ACCEPT4: 288,
  EVENTFD2: 290,
  RECVMMSG: 299,
  SENDMMSG: 307,
  IO_URING_SETUP: 425,
  IO_URING_ENTER: 426,
  IO_URING_REGISTER: 427,
  SIGNALFD4: 289,
  MEMFD_CREATE: 319,
  PIDFD_SEND_SIGNAL: 424,
  PIDFD_OPEN: 434,
  PIDFD_GETFD: 438,
  GETPID: 39,
  GETTID: 186,
  EPOLL_CREATE1: 291,
  EPOLL_CTL: 233,
  EPOLL_PWAIT: 281,
  PPOLL: 271,
  PSELECT6: 270,
  FCNTL: 72,
  DUP3: 292,
  OPENAT: 257,
  KILL: 62,
  RT_SIGPROCMASK: 14,
  PRLIMIT64: 302,
  FUTEX: 202,
  SETNS: 308,
  TGKILL: 234,
  CLOCK_GETTIME: 228,
});

/**
 * Syscall numbers on Linux aarch64 (include/uapi/asm-generic/unistd.h).
 *
 * @example
 * ```ts
 * import { SYS_AARCH64 } from "@kernio/kernio/zcall";
 * SYS_AARCH64.GETPID; // 172
 * ```
 */
export const SYS_AARCH64: Readonly<SyscallNumbers> = Object.freeze({
  READ: 63,
  WRITE: 64,
  CLOSE: 57,
  FSTAT: 80,
  MMAP: 222,
  MUNMAP: 215,
  MADVISE: 233,
  FTRUNCATE: 46,
  READV: 65,
  WRITEV: 66,
  PREADV: 69,
  PWRITEV: 70,
  PREADV2: 286,
  PWRITEV2: 287,
  SOCKET: 198,
  CONNECT: 203,
  ACCEPT: 202,
  SENDTO: 206,
  RECVFROM: 207,
  SENDMSG: 211,
  RECVMSG: 212,
  SHUTDOWN: 210,
  BIND: 200,
  LISTEN: 201,
  GETSOCKNAME: 204,
  GETPEERNAME: 205,
  SOCKETPAIR: 199,
  SETSOCKOPT: 208,
  GETSOCKOPT: 209,
  SPLICE: 76,
  TEE: 77,
  VMSPLICE: 75,
  PIPE2: 59,
  TIMERFD_CREATE: 85,
  TIMERFD_SETTIME: 86,
  TIMERFD_GETTIME: 87,
  ACCEPT4: 242,
  EVENTFD2: 19,
  RECVMMSG: 243,
  SENDMMSG: 269,
  IO_URING_SETUP: 425,
  IO_URING_ENTER: 426,
  IO_URING_REGISTER: 427,
  SIGNALFD4: 74,
  MEMFD_CREATE: 279,
  PIDFD_SEND_SIGNAL: 424,
  PIDFD_OPEN: 434,
  PIDFD_GETFD: 438,
  GETPID: 172,
  GETTID: 178,
  EPOLL_CREATE1: 20,
  EPOLL_CTL: 21,
  EPOLL_PWAIT: 22,
  PPOLL: 73,
  PSELECT6: 72,
  FCNTL: 25,
  DUP3: 24,
  OPENAT: 56,
  KILL: 129,
  RT_SIGPROCMASK: 135,
  PRLIMIT64: 261,
  FUTEX: 98,
  SETNS: 268,
  TGKILL: 131,
  CLOCK_GETTIME: 113,
});

/**
 * Syscall numbers for the running architecture.
 *
 * @example
 * ```ts
 * import { SYS, syscall6 } from "@kernio/kernio/zcall";
 * const pid = syscall6(SYS.GETPID, 0, 0, 0, 0, 0, 0);
 * ```
 */
export const SYS: Readonly<SyscallNumbers> = Deno.build.arch === "aarch64"
  ? SYS_AARCH64
  : SYS_X86_64;
