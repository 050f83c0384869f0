// kernio native syscall library.
//
// Every entry point executes the syscall instruction directly and returns the
// raw kernel result: a non-negative value on success or -errno on failure.
// errno is never read or written. The FFI layer (zcall/_ffi.ts) keeps every
// parameter 32-bit, a double, or a pointer so Deno stays on its fast call path:
// 64-bit integers passed as JS Numbers would fall off it.
//
// Conventions:
//  - sizes that the kernel accepts as size_t are uint32_t here; the TypeScript
//    wrappers clamp to 0x7fffffff so results always fit an int32_t.
//  - 64-bit file offsets arrive as two uint32_t halves (lo, hi) and are
//    joined before the syscall (see KIO_POS).
//  - addresses and lengths of mappings travel as doubles (exact below 2^53,
//    which covers every user-space address on x86_64 and aarch64).

#include <stddef.h>
#include <stdint.h>

#if defined(__linux__)
#include <sys/syscall.h>
#endif

#if defined(__linux__) && defined(__x86_64__)
static inline long kio_raw6(long n, long a1, long a2, long a3, long a4, long a5,
                            long a6) {
  long ret;
  register long r10 __asm__("r10") = a4;
  register long r8 __asm__("r8") = a5;
  register long r9 __asm__("r9") = a6;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8),
                     "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}
#define KIO_ARCH "x86_64"
#elif defined(__linux__) && defined(__aarch64__)
static inline long kio_raw6(long n, long a1, long a2, long a3, long a4, long a5,
                            long a6) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a1;
  register long x1 __asm__("x1") = a2;
  register long x2 __asm__("x2") = a3;
  register long x3 __asm__("x3") = a4;
  register long x4 __asm__("x4") = a5;
  register long x5 __asm__("x5") = a6;
  __asm__ volatile("svc #0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory", "cc");
  return x0;
}
#define KIO_ARCH "aarch64"
#elif defined(__linux__)
#include <errno.h>
#include <unistd.h>
// Other Linux architectures: libc's syscall(), with errno folded back into
// the raw -errno convention.
static inline long kio_raw6(long n, long a1, long a2, long a3, long a4, long a5,
                            long a6) {
  int saved = errno;
  long r = syscall(n, a1, a2, a3, a4, a5, a6);
  if (r == -1) r = -errno;
  errno = saved;
  return r;
}
#define KIO_ARCH "generic"
#else
#error "kernio's native library supports Linux only"
#endif

#define RAW(n, a1, a2, a3, a4, a5, a6)                                       \
  kio_raw6((long)(n), (long)(a1), (long)(a2), (long)(a3), (long)(a4),        \
           (long)(a5), (long)(a6))

#define KIO_EXPORT __attribute__((visibility("default")))

// Double arguments are checked before the cast: converting NaN, an infinity
// or an out-of-range double to an integer is undefined behaviour in C (on
// x86_64 it yields INT64_MIN, which the kernel would truncate to fd 0).
#define KIO_EINVAL 22
static inline int kio_bad_s64(double x) {
  return !(x >= -9223372036854775808.0 && x < 9223372036854775808.0);
}
static inline int kio_bad_u64(double x) {
  return !(x >= 0.0 && x < 18446744073709551616.0);
}

// ---- introspection -------------------------------------------------------

// ABI version of this library; the loader refuses a library whose version
// differs from the one the TypeScript side was written for.
KIO_EXPORT int32_t kio_abi_version(void) { return 1; }

// 1 = x86_64, 2 = aarch64, 0 = generic fallback.
KIO_EXPORT int32_t kio_arch(void) {
#if defined(__x86_64__)
  return 1;
#elif defined(__aarch64__)
  return 2;
#else
  return 0;
#endif
}

KIO_EXPORT int32_t kio_noop(void) { return 0; }

// Address of a buffer as a double, for building iovecs and msghdrs in JS
// memory without BigInt.
KIO_EXPORT double kio_address(void *p) { return (double)(uintptr_t)p; }

// ---- generic entries -----------------------------------------------------

KIO_EXPORT int64_t kio_syscall6(int64_t n, int64_t a1, int64_t a2, int64_t a3,
                                int64_t a4, int64_t a5, int64_t a6) {
  return RAW(n, a1, a2, a3, a4, a5, a6);
}

// Same as kio_syscall6 with every argument a double: exact below 2^53, and
// it stays on Deno's fast call path with plain Numbers.
KIO_EXPORT double kio_syscall6f(double n, double a1, double a2, double a3,
                                double a4, double a5, double a6) {
  if (kio_bad_s64(n) || kio_bad_s64(a1) || kio_bad_s64(a2) || kio_bad_s64(a3) ||
      kio_bad_s64(a4) || kio_bad_s64(a5) || kio_bad_s64(a6))
    return -KIO_EINVAL;
  return (double)RAW((int64_t)n, (int64_t)a1, (int64_t)a2, (int64_t)a3,
                     (int64_t)a4, (int64_t)a5, (int64_t)a6);
}

// ---- basic and vectored I/O ------------------------------------------------

KIO_EXPORT int32_t kio_read(int32_t fd, void *buf, uint32_t len) {
  return (int32_t)RAW(SYS_read, fd, buf, len, 0, 0, 0);
}
KIO_EXPORT int32_t kio_write(int32_t fd, const void *buf, uint32_t len) {
  return (int32_t)RAW(SYS_write, fd, buf, len, 0, 0, 0);
}
KIO_EXPORT int32_t kio_readv(int32_t fd, const void *iov, int32_t cnt) {
  return (int32_t)RAW(SYS_readv, fd, iov, cnt, 0, 0, 0);
}
KIO_EXPORT int32_t kio_writev(int32_t fd, const void *iov, int32_t cnt) {
  return (int32_t)RAW(SYS_writev, fd, iov, cnt, 0, 0, 0);
}
// preadv/pwritev take the 64-bit offset as two u32 halves (lo, hi) so the
// FFI call stays on the fast path. The kernel's own convention is
// pos_l/pos_h with pos = (pos_h << BITS_PER_LONG) | pos_l: on 64-bit
// kernels pos_l must carry the whole offset and pos_h is ignored, so the
// halves are joined here (as glibc's LO_HI_LONG does). An all-ones offset
// is -1, "the current file position", for preadv2/pwritev2.
#define KIO_POS(lo, hi) ((long)(((uint64_t)(hi) << 32) | (uint64_t)(lo)))
#define KIO_POS_H(hi) ((long)(hi))
KIO_EXPORT int32_t kio_preadv2(int32_t fd, const void *iov, int32_t cnt,
                               uint32_t lo, uint32_t hi, int32_t flags) {
  return (int32_t)RAW(SYS_preadv2, fd, iov, cnt, KIO_POS(lo, hi),
                      KIO_POS_H(hi), flags);
}
KIO_EXPORT int32_t kio_pwritev2(int32_t fd, const void *iov, int32_t cnt,
                                uint32_t lo, uint32_t hi, int32_t flags) {
  return (int32_t)RAW(SYS_pwritev2, fd, iov, cnt, KIO_POS(lo, hi),
                      KIO_POS_H(hi), flags);
}
KIO_EXPORT int32_t kio_preadv(int32_t fd, const void *iov, int32_t cnt,
                              uint32_t lo, uint32_t hi) {
  return (int32_t)RAW(SYS_preadv, fd, iov, cnt, KIO_POS(lo, hi),
                      KIO_POS_H(hi), 0);
}
KIO_EXPORT int32_t kio_pwritev(int32_t fd, const void *iov, int32_t cnt,
                               uint32_t lo, uint32_t hi) {
  return (int32_t)RAW(SYS_pwritev, fd, iov, cnt, KIO_POS(lo, hi),
                      KIO_POS_H(hi), 0);
}
// read/write at a raw address passed as a double: the cheapest FFI argument
// (a `buffer` parameter costs Deno a typed-array unwrap per call), for hot
// loops over memory whose address the caller computed once (mmap'd rings,
// pinned buffers).
KIO_EXPORT int32_t kio_read_addr(int32_t fd, double addr, uint32_t len) {
  if (kio_bad_u64(addr)) return -KIO_EINVAL;
  return (int32_t)RAW(SYS_read, fd, (uintptr_t)addr, len, 0, 0, 0);
}
KIO_EXPORT int32_t kio_write_addr(int32_t fd, double addr, uint32_t len) {
  if (kio_bad_u64(addr)) return -KIO_EINVAL;
  return (int32_t)RAW(SYS_write, fd, (uintptr_t)addr, len, 0, 0, 0);
}
KIO_EXPORT int32_t kio_close(int32_t fd) {
  return (int32_t)RAW(SYS_close, fd, 0, 0, 0, 0, 0);
}

// ---- sockets ---------------------------------------------------------------

KIO_EXPORT int32_t kio_socket(int32_t domain, int32_t type, int32_t proto) {
  return (int32_t)RAW(SYS_socket, domain, type, proto, 0, 0, 0);
}
KIO_EXPORT int32_t kio_socketpair(int32_t domain, int32_t type, int32_t proto,
                                  void *fds) {
  return (int32_t)RAW(SYS_socketpair, domain, type, proto, fds, 0, 0);
}
KIO_EXPORT int32_t kio_bind(int32_t fd, const void *addr, uint32_t len) {
  return (int32_t)RAW(SYS_bind, fd, addr, len, 0, 0, 0);
}
KIO_EXPORT int32_t kio_connect(int32_t fd, const void *addr, uint32_t len) {
  return (int32_t)RAW(SYS_connect, fd, addr, len, 0, 0, 0);
}
KIO_EXPORT int32_t kio_listen(int32_t fd, int32_t backlog) {
  return (int32_t)RAW(SYS_listen, fd, backlog, 0, 0, 0, 0);
}
KIO_EXPORT int32_t kio_accept(int32_t fd, void *addr, void *addrlen) {
  return (int32_t)RAW(SYS_accept, fd, addr, addrlen, 0, 0, 0);
}
KIO_EXPORT int32_t kio_accept4(int32_t fd, void *addr, void *addrlen,
                               int32_t flags) {
  return (int32_t)RAW(SYS_accept4, fd, addr, addrlen, flags, 0, 0);
}
KIO_EXPORT int32_t kio_shutdown(int32_t fd, int32_t how) {
  return (int32_t)RAW(SYS_shutdown, fd, how, 0, 0, 0, 0);
}
KIO_EXPORT int32_t kio_getsockname(int32_t fd, void *addr, void *addrlen) {
  return (int32_t)RAW(SYS_getsockname, fd, addr, addrlen, 0, 0, 0);
}
KIO_EXPORT int32_t kio_getpeername(int32_t fd, void *addr, void *addrlen) {
  return (int32_t)RAW(SYS_getpeername, fd, addr, addrlen, 0, 0, 0);
}
KIO_EXPORT int32_t kio_getsockopt(int32_t fd, int32_t level, int32_t name,
                                  void *val, void *len) {
  return (int32_t)RAW(SYS_getsockopt, fd, level, name, val, len, 0);
}
KIO_EXPORT int32_t kio_setsockopt(int32_t fd, int32_t level, int32_t name,
                                  const void *val, uint32_t len) {
  return (int32_t)RAW(SYS_setsockopt, fd, level, name, val, len, 0);
}
KIO_EXPORT int32_t kio_recvfrom(int32_t fd, void *buf, uint32_t len,
                                int32_t flags, void *addr, void *addrlen) {
  return (int32_t)RAW(SYS_recvfrom, fd, buf, len, flags, addr, addrlen);
}
KIO_EXPORT int32_t kio_sendto(int32_t fd, const void *buf, uint32_t len,
                              int32_t flags, const void *addr,
                              uint32_t addrlen) {
  return (int32_t)RAW(SYS_sendto, fd, buf, len, flags, addr, addrlen);
}
KIO_EXPORT int32_t kio_recvmsg(int32_t fd, void *msg, int32_t flags) {
  return (int32_t)RAW(SYS_recvmsg, fd, msg, flags, 0, 0, 0);
}
KIO_EXPORT int32_t kio_sendmsg(int32_t fd, const void *msg, int32_t flags) {
  return (int32_t)RAW(SYS_sendmsg, fd, msg, flags, 0, 0, 0);
}
KIO_EXPORT int32_t kio_recvmmsg(int32_t fd, void *vec, uint32_t vlen,
                                int32_t flags, void *timeout) {
  return (int32_t)RAW(SYS_recvmmsg, fd, vec, vlen, flags, timeout, 0);
}
KIO_EXPORT int32_t kio_sendmmsg(int32_t fd, void *vec, uint32_t vlen,
                                int32_t flags) {
  return (int32_t)RAW(SYS_sendmmsg, fd, vec, vlen, flags, 0, 0);
}

// ---- io_uring --------------------------------------------------------------

KIO_EXPORT int32_t kio_io_uring_setup(uint32_t entries, void *params) {
  return (int32_t)RAW(SYS_io_uring_setup, entries, params, 0, 0, 0, 0);
}
KIO_EXPORT int32_t kio_io_uring_enter(int32_t fd, uint32_t to_submit,
                                      uint32_t min_complete, uint32_t flags,
                                      const void *arg, uint32_t argsz) {
  return (int32_t)RAW(SYS_io_uring_enter, fd, to_submit, min_complete, flags,
                      arg, argsz);
}
// Same without the arg pointer: the per-batch submit/reap entry, so Deno
// has no buffer argument to unwrap on every call (~15 ns).
KIO_EXPORT int32_t kio_io_uring_enter4(int32_t fd, uint32_t to_submit,
                                       uint32_t min_complete, uint32_t flags) {
  return (int32_t)RAW(SYS_io_uring_enter, fd, to_submit, min_complete, flags,
                      0, 0);
}
KIO_EXPORT int32_t kio_io_uring_register(int32_t fd, uint32_t opcode,
                                         const void *arg, uint32_t nr_args) {
  return (int32_t)RAW(SYS_io_uring_register, fd, opcode, arg, nr_args, 0, 0);
}

// ---- memory ------------------------------------------------------------------

KIO_EXPORT double kio_mmap(double addr, double len, int32_t prot,
                           int32_t flags, int32_t fd, double offset) {
  if (kio_bad_u64(addr) || kio_bad_u64(len) || kio_bad_s64(offset))
    return -KIO_EINVAL;
  return (double)RAW(SYS_mmap, (uintptr_t)addr, (uint64_t)len, prot, flags, fd,
                     (int64_t)offset);
}
KIO_EXPORT int32_t kio_munmap(double addr, double len) {
  if (kio_bad_u64(addr) || kio_bad_u64(len)) return -KIO_EINVAL;
  return (int32_t)RAW(SYS_munmap, (uintptr_t)addr, (uint64_t)len, 0, 0, 0, 0);
}

// ---- events, pipes, descriptors ------------------------------------------

KIO_EXPORT int32_t kio_eventfd2(uint32_t initval, int32_t flags) {
  return (int32_t)RAW(SYS_eventfd2, initval, flags, 0, 0, 0, 0);
}
KIO_EXPORT int32_t kio_pipe2(void *fds, int32_t flags) {
  return (int32_t)RAW(SYS_pipe2, fds, flags, 0, 0, 0, 0);
}
KIO_EXPORT int32_t kio_memfd_create(const void *name, uint32_t flags) {
  return (int32_t)RAW(SYS_memfd_create, name, flags, 0, 0, 0, 0);
}
KIO_EXPORT int32_t kio_signalfd4(int32_t fd, const void *mask,
                                 uint32_t masksize, int32_t flags) {
  return (int32_t)RAW(SYS_signalfd4, fd, mask, masksize, flags, 0, 0);
}
KIO_EXPORT int32_t kio_timerfd_create(int32_t clockid, int32_t flags) {
  return (int32_t)RAW(SYS_timerfd_create, clockid, flags, 0, 0, 0, 0);
}
KIO_EXPORT int32_t kio_timerfd_settime(int32_t fd, int32_t flags,
                                       const void *new_value,
                                       void *old_value) {
  return (int32_t)RAW(SYS_timerfd_settime, fd, flags, new_value, old_value, 0,
                      0);
}
KIO_EXPORT int32_t kio_timerfd_gettime(int32_t fd, void *cur) {
  return (int32_t)RAW(SYS_timerfd_gettime, fd, cur, 0, 0, 0, 0);
}
KIO_EXPORT int32_t kio_pidfd_open(int32_t pid, uint32_t flags) {
  return (int32_t)RAW(SYS_pidfd_open, pid, flags, 0, 0, 0, 0);
}
KIO_EXPORT int32_t kio_pidfd_getfd(int32_t pidfd, int32_t targetfd,
                                   uint32_t flags) {
  return (int32_t)RAW(SYS_pidfd_getfd, pidfd, targetfd, flags, 0, 0, 0);
}
KIO_EXPORT int32_t kio_pidfd_send_signal(int32_t pidfd, int32_t sig,
                                         const void *info, uint32_t flags) {
  return (int32_t)RAW(SYS_pidfd_send_signal, pidfd, sig, info, flags, 0, 0);
}
KIO_EXPORT int32_t kio_splice(int32_t fd_in, void *off_in, int32_t fd_out,
                              void *off_out, uint32_t len, uint32_t flags) {
  return (int32_t)RAW(SYS_splice, fd_in, off_in, fd_out, off_out, len, flags);
}
KIO_EXPORT int32_t kio_tee(int32_t fd_in, int32_t fd_out, uint32_t len,
                           uint32_t flags) {
  return (int32_t)RAW(SYS_tee, fd_in, fd_out, len, flags, 0, 0);
}
KIO_EXPORT int32_t kio_vmsplice(int32_t fd, const void *iov, uint32_t nr,
                                uint32_t flags) {
  return (int32_t)RAW(SYS_vmsplice, fd, iov, nr, flags, 0, 0);
}
KIO_EXPORT int32_t kio_getpid(void) {
  return (int32_t)RAW(SYS_getpid, 0, 0, 0, 0, 0, 0);
}
KIO_EXPORT int32_t kio_gettid(void) {
  return (int32_t)RAW(SYS_gettid, 0, 0, 0, 0, 0, 0);
}

// ---- readiness (also bound as `nonblocking` symbols for async waits) -----

KIO_EXPORT int32_t kio_poll(void *fds, uint32_t nfds, int32_t timeout_ms) {
#if defined(SYS_poll)
  return (int32_t)RAW(SYS_poll, fds, nfds, timeout_ms, 0, 0, 0);
#else
  // aarch64 has only ppoll.
  struct {
    long sec, nsec;
  } ts, *tp = 0;
  if (timeout_ms >= 0) {
    ts.sec = timeout_ms / 1000;
    ts.nsec = (long)(timeout_ms % 1000) * 1000000L;
    tp = &ts;
  }
  return (int32_t)RAW(SYS_ppoll, fds, nfds, tp, 0, 8, 0);
#endif
}
KIO_EXPORT int32_t kio_epoll_create1(int32_t flags) {
  return (int32_t)RAW(SYS_epoll_create1, flags, 0, 0, 0, 0, 0);
}
KIO_EXPORT int32_t kio_epoll_ctl(int32_t epfd, int32_t op, int32_t fd,
                                 void *event) {
  return (int32_t)RAW(SYS_epoll_ctl, epfd, op, fd, event, 0, 0);
}
KIO_EXPORT int32_t kio_epoll_wait(int32_t epfd, void *events, int32_t max,
                                  int32_t timeout_ms) {
  return (int32_t)RAW(SYS_epoll_pwait, epfd, events, max, timeout_ms, 0, 8);
}
