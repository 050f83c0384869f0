// Load generator for the echo benches: N TCP connections, each with one
// message in flight (send `size` bytes, wait for all of them to come back,
// repeat) for a fixed duration, driven by one epoll loop so the client is
// cheap next to the servers under test.
//
// Usage: echo_client <host> <port> <conns> <seconds> [size=64]
// Prints one JSON line:
// {"conns":..,"seconds":..,"size":..,"msgs":..,"msgs_per_s":..,
//  "p50_us":..,"p99_us":..,"errors":..}
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

// Latency histogram: 1 us buckets up to 1 s (larger values go to the last).
#define HIST_US 1000000

typedef struct {
  int fd;
  int got;          // bytes of the current echo received so far
  uint64_t sent_ns; // when the current message was sent
} conn_t;

static uint32_t *hist;
static uint64_t msgs, errs;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double pct(double p) {
  uint64_t target = (uint64_t)(p * (double)msgs), acc = 0;
  if (target == 0) target = 1;
  for (int i = 0; i < HIST_US; i++) {
    acc += hist[i];
    if (acc >= target) return (double)i + 0.5;
  }
  return HIST_US;
}

static int send_msg(conn_t *c, const char *out, int size) {
  c->got = 0;
  c->sent_ns = now_ns();
  int off = 0;
  while (off < size) {
    ssize_t w = send(c->fd, out + off, (size_t)(size - off), MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return -1;
    }
    off += (int)w;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: echo_client host port conns seconds [size]\n");
    return 2;
  }
  const char *host = argv[1];
  int port = atoi(argv[2]), nconns = atoi(argv[3]);
  double seconds = atof(argv[4]);
  int size = argc > 5 ? atoi(argv[5]) : 64;
  if (nconns < 1 || nconns > 20000 || size < 1 || size > 65536 ||
      seconds <= 0 || seconds > 3600) {
    fprintf(stderr, "echo_client: bad arguments\n");
    return 2;
  }
  struct rlimit rl = {(rlim_t)nconns + 64, (rlim_t)nconns + 64};
  setrlimit(RLIMIT_NOFILE, &rl);
  hist = calloc(HIST_US, sizeof *hist);
  conn_t *conns = calloc((size_t)nconns, sizeof *conns);
  char *out = malloc((size_t)size), *in = malloc(65536);
  memset(out, 'k', (size_t)size);

  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
    fprintf(stderr, "echo_client: bad host\n");
    return 2;
  }
  int ep = epoll_create1(EPOLL_CLOEXEC), one = 1;
  // Connect blocking (simple, bounded by the backlog), then go non-blocking.
  for (int i = 0; i < nconns; i++) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
      fprintf(stderr, "echo_client: connect %d: %s\n", i, strerror(errno));
      return 1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    conns[i].fd = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  uint64_t start = now_ns(), end = start + (uint64_t)(seconds * 1e9);
  for (int i = 0; i < nconns; i++) {
    if (send_msg(&conns[i], out, size) < 0) errs++;
  }
  struct epoll_event events[512];
  int live = nconns;
  uint64_t t = start;
  while (t < end && live > 0) {
    int n = epoll_wait(ep, events, 512, 100);
    t = now_ns();
    for (int i = 0; i < n; i++) {
      conn_t *c = &conns[events[i].data.u32];
      for (;;) {
        ssize_t r = recv(c->fd, in, 65536, 0);
        if (r > 0) {
          c->got += (int)r;
          if (c->got >= size) {
            t = now_ns();
            uint64_t us = t > c->sent_ns ? (t - c->sent_ns) / 1000 : 0;
            hist[us < HIST_US ? us : HIST_US - 1]++;
            msgs++;
            if (t < end && send_msg(c, out, size) < 0) errs++;
            // One message in flight: its echo cannot be here yet, and
            // epoll is level-triggered, so skip the recv that would only
            // say EAGAIN (keeps the generator cheap for every server).
            break;
          }
          continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
        // EOF or error: drop this connection from the run.
        errs++;
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        live--;
        break;
      }
    }
  }
  double elapsed = (double)(now_ns() - start) / 1e9;
  printf("{\"conns\":%d,\"seconds\":%.3f,\"size\":%d,\"msgs\":%llu,"
         "\"msgs_per_s\":%.0f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"errors\":%llu}\n",
         nconns, elapsed, size, (unsigned long long)msgs, (double)msgs / elapsed,
         pct(0.50), pct(0.99), (unsigned long long)errs);
  for (int i = 0; i < nconns; i++) close(conns[i].fd);
  return 0;
}
