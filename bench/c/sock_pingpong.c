// 64-byte TCP ping-pong on one loopback connection, client and server in
// one thread of one process (the same shape as kernio's side of
// bench/sock_bench.ts): write(client) read(server) write(server)
// read(client). Prints the mean round trip in ns. The C limit.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *m) { perror(m); exit(1); }

static void full(int fd, char *b, int n, int rd) {
  int off = 0;
  while (off < n) {
    ssize_t r = rd ? read(fd, b + off, n - off) : write(fd, b + off, n - off);
    if (r <= 0) die(rd ? "read" : "write");
    off += (int)r;
  }
}

int main(int argc, char **argv) {
  long iters = argc > 1 ? atol(argv[1]) : 100000;
  int ln = socket(AF_INET, SOCK_STREAM, 0);
  if (ln < 0) die("socket");
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (bind(ln, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind");
  if (listen(ln, 1) < 0) die("listen");
  if (getsockname(ln, (struct sockaddr *)&sa, &len) < 0) die("getsockname");
  int c = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(c, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
  int s = accept(ln, NULL, NULL);
  if (s < 0) die("accept");
  int one = 1;
  setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char ping[64] = {1}, buf[64];
  for (long i = 0; i < iters / 10; i++) {  // warm-up
    full(c, ping, 64, 0); full(s, buf, 64, 1); full(s, buf, 64, 0); full(c, buf, 64, 1);
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < iters; i++) {
    full(c, ping, 64, 0); full(s, buf, 64, 1); full(s, buf, 64, 0); full(c, buf, 64, 1);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
  printf("%.1f\n", ns / iters);
  close(c); close(s); close(ln);
  return 0;
}
