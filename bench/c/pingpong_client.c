// 64-byte TCP ping-pong client with blocking write(2)/read(2): the floor a
// promise API's round trip is compared with in bench/echo_bench.ts (two
// system calls and one wake-up per round trip, nothing else).
// Usage: pingpong_client <port> [round trips=20000]; prints RTT_US <mean>.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void full(int fd, char *b, int n, int rd) {
  int off = 0;
  while (off < n) {
    ssize_t r = rd ? read(fd, b + off, (size_t)(n - off))
                   : write(fd, b + off, (size_t)(n - off));
    if (r <= 0) {
      perror(rd ? "read" : "write");
      exit(1);
    }
    off += (int)r;
  }
}

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: pingpong_client port [round trips]\n");
    return 2;
  }
  int port = atoi(argv[1]);
  long n = argc > 2 ? atol(argv[2]) : 20000;
  if (port <= 0 || port > 65535 || n <= 0) {
    fprintf(stderr, "pingpong_client: bad arguments\n");
    return 2;
  }
  int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof sa) < 0) {
    perror("connect");
    return 1;
  }
  int one = 1;
  setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char b[64];
  for (int i = 0; i < 64; i++) b[i] = 7;
  long warm = n < 2000 ? n : 2000;
  for (long i = 0; i < warm; i++) {
    full(c, b, 64, 0);
    full(c, b, 64, 1);
  }
  double t0 = now_us();
  for (long i = 0; i < n; i++) {
    full(c, b, 64, 0);
    full(c, b, 64, 1);
  }
  printf("RTT_US %.2f\n", (now_us() - t0) / (double)n);
  close(c);
  return 0;
}
