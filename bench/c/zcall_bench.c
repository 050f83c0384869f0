// The physical limit for bench/zcall_bench.ts: the same loops, in C, through
// the raw syscall instruction (no libc wrapper, no errno), so the only
// difference to zcall is Deno's FFI call.
//
// Usage: zcall_bench <iterations> <rounds> [threaded]
// Prints one line per row: "<row> <best ns/op>".
//
// "threaded" first starts an idle second thread. The kernel skips the file
// reference count on fd lookups (fdget) only in single-threaded processes;
// Deno always runs several threads, so this variant is the limit any
// multi-threaded process can reach on fd-based syscalls.

#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>

#if defined(__x86_64__)
static inline long raw3(long n, long a1, long a2, long a3) {
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a1), "S"(a2), "d"(a3)
                   : "rcx", "r11", "memory");
  return ret;
}
#elif defined(__aarch64__)
static inline long raw3(long n, long a1, long a2, long a3) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a1;
  register long x1 __asm__("x1") = a2;
  register long x2 __asm__("x2") = a3;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2)
                   : "memory", "cc");
  return x0;
}
#else
static inline long raw3(long n, long a1, long a2, long a3) {
  return syscall(n, a1, a2, a3);
}
#endif

// CPU time of this thread: time spent descheduled on a busy machine is not
// counted, on either side of the comparison.
static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *idle(void *arg) {
  (void)arg;
  for (;;) pause();
  return NULL;
}

int main(int argc, char **argv) {
  if (argc > 3 && strcmp(argv[3], "threaded") == 0) {
    pthread_t t;
    if (pthread_create(&t, NULL, idle, NULL) != 0) return 4;
  }
  long iters = argc > 1 ? atol(argv[1]) : 1000000;
  int rounds = argc > 2 ? atoi(argv[2]) : 5;
  if (iters <= 0 || rounds <= 0) return 2;
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  int efd = (int)raw3(SYS_eventfd2, 0, O_CLOEXEC, 0);
  if (devnull < 0 || efd < 0) return 1;
  static unsigned char buf[64];
  uint64_t one = 1, got = 0;
  double best_pid = 1e30, best_write = 1e30, best_efd = 1e30;
  volatile long sink = 0;
  for (int r = 0; r < rounds; r++) {
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) sink += raw3(SYS_getpid, 0, 0, 0);
    double t1 = now_ns();
    for (long i = 0; i < iters; i++) sink += raw3(SYS_write, devnull, (long)buf, 64);
    double t2 = now_ns();
    for (long i = 0; i < iters; i++) {
      sink += raw3(SYS_write, efd, (long)&one, 8);
      sink += raw3(SYS_read, efd, (long)&got, 8);
    }
    double t3 = now_ns();
    double p = (t1 - t0) / iters, w = (t2 - t1) / iters, e = (t3 - t2) / iters;
    if (p < best_pid) best_pid = p;
    if (w < best_write) best_write = w;
    if (e < best_efd) best_efd = e;
  }
  printf("getpid %.2f\nwrite64_devnull %.2f\neventfd_roundtrip %.2f\n",
         best_pid, best_write, best_efd);
  return sink == 42 ? 3 : 0;
}
