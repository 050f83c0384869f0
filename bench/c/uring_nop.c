// NOP throughput through liburing: the C limit for bench/uring_bench.ts.
// Same ring setup as the kernio side of the bench (SINGLE_ISSUER |
// DEFER_TASKRUN | SUBMIT_ALL | CLAMP, with the SQ index array: Debian's
// liburing 2.3 predates NO_SQARRAY), one io_uring_submit per batch, CQEs
// reaped with a batch peek. Usage: uring_nop <batch> <total ops>; prints
// thread-CPU ns/op (NOPs complete inside io_uring_enter on this thread).
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
  int batch = argc > 1 ? atoi(argv[1]) : 64;
  long total = argc > 2 ? atol(argv[2]) : 10000000;
  struct io_uring ring;
  struct io_uring_params p = {0};
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
            IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CLAMP;
  int r = io_uring_queue_init_params(128, &ring, &p);
  if (r < 0) {
    fprintf(stderr, "queue_init: %d\n", r);
    return 1;
  }
  struct io_uring_cqe *cqes[128];
  long done = 0;
  unsigned long long sum = 0;
  double t0 = now_ns();
  while (done < total) {
    for (int k = 0; k < batch; k++) {
      struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
      io_uring_prep_nop(sqe);
      sqe->user_data = (unsigned long long)k;
    }
    io_uring_submit(&ring);
    int got = 0;
    while (got < batch) {
      unsigned n = io_uring_peek_batch_cqe(&ring, cqes, 128);
      if (n == 0) {
        io_uring_submit_and_wait(&ring, 1);
        continue;
      }
      for (unsigned i = 0; i < n; i++) sum += cqes[i]->user_data + (unsigned)cqes[i]->res;
      io_uring_cq_advance(&ring, n);
      got += n;
    }
    done += batch;
  }
  double t1 = now_ns();
  printf("%.3f %llu\n", (t1 - t0) / done, sum);
  io_uring_queue_exit(&ring);
  return 0;
}
