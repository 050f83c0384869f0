// UDP datagrams per second over loopback with sendmmsg/recvmmsg, batches of
// 32 x 64-byte payloads: the C limit for bench/udp_bench.ts (same pattern:
// one thread sends a batch to the receiver's socket, then drains it).
// Usage: udp_mmsg <datagrams> ; prints "<datagrams> <ns>".
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32
#define SIZE 64

int main(int argc, char **argv) {
  long total = argc > 1 ? atol(argv[1]) : 1000000;
  int tx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  int rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  if (bind(rx, (void *)&a, sizeof a) || getsockname(rx, (void *)&a, &al)) {
    perror("bind");
    return 1;
  }
  static char sbuf[BATCH][SIZE], rbuf[BATCH][2048];
  struct iovec siov[BATCH], riov[BATCH];
  struct mmsghdr smsg[BATCH], rmsg[BATCH];
  memset(smsg, 0, sizeof smsg);
  memset(rmsg, 0, sizeof rmsg);
  for (int i = 0; i < BATCH; i++) {
    siov[i] = (struct iovec){sbuf[i], SIZE};
    riov[i] = (struct iovec){rbuf[i], sizeof rbuf[i]};
    smsg[i].msg_hdr.msg_iov = &siov[i];
    smsg[i].msg_hdr.msg_iovlen = 1;
    smsg[i].msg_hdr.msg_name = &a;
    smsg[i].msg_hdr.msg_namelen = sizeof a;
    rmsg[i].msg_hdr.msg_iov = &riov[i];
    rmsg[i].msg_hdr.msg_iovlen = 1;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long done = 0, lost = 0;
  while (done < total) {
    int s = sendmmsg(tx, smsg, BATCH, 0);
    if (s <= 0) continue;
    int got = 0;
    while (got < s) {
      int r = recvmmsg(rx, rmsg, BATCH, MSG_DONTWAIT, NULL);
      if (r <= 0) {
        lost += s - got;
        break;
      }
      got += r;
    }
    done += s;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
  printf("%ld %ld %ld\n", done - lost, ns, lost);
  return 0;
}
