// The io_uring limit for the echo bench: a single-threaded liburing echo
// server. Multishot accept; per connection a multishot receive selecting
// buffers from a provided buffer ring (registered by hand: liburing 2.3 has
// no io_uring_setup_buf_ring); each received buffer is sent back with SEND
// straight from the buffer and recycled when the send completes. One SEND
// in flight per connection (later buffers wait in a small FIFO), so bytes
// never reorder; short sends continue where they stopped.
// Usage: echo_uring [port] [host]; port 0 picks a free port. Prints
// "LISTENING <port>" once ready; runs until killed.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define ENTRIES 4096
#define NBUF 4096 // power of two
#define BUF_SIZE 2048
#define BGID 0
#define QCAP 64 // per-connection FIFO of buffers waiting to be sent

enum { OP_ACCEPT = 1, OP_RECV = 2, OP_SEND = 3 };

typedef struct {
  unsigned short q[QCAP]; // buffer ids, head one in flight
  unsigned short len[QCAP];
  int head, count, sent, open;
} conn_t;

static struct io_uring ring;
static struct io_uring_buf_ring *br;
static char *bufs;
static conn_t *conns;
static int nconns;
static int lfd;

static inline uint64_t ud(int op, int fd, int bid) {
  return ((uint64_t)op << 56) | ((uint64_t)(unsigned)bid << 32) | (unsigned)fd;
}

static struct io_uring_sqe *sqe(void) {
  struct io_uring_sqe *s = io_uring_get_sqe(&ring);
  if (!s) {
    io_uring_submit(&ring);
    s = io_uring_get_sqe(&ring);
  }
  return s;
}

static void recycle(int bid) {
  io_uring_buf_ring_add(br, bufs + (size_t)bid * BUF_SIZE, BUF_SIZE, bid,
                        io_uring_buf_ring_mask(NBUF), 0);
  io_uring_buf_ring_advance(br, 1);
}

static void arm_accept(void) {
  struct io_uring_sqe *s = sqe();
  io_uring_prep_multishot_accept(s, lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  io_uring_sqe_set_data64(s, ud(OP_ACCEPT, lfd, 0));
}

static void arm_recv(int fd) {
  struct io_uring_sqe *s = sqe();
  io_uring_prep_recv_multishot(s, fd, NULL, 0, 0);
  s->flags |= IOSQE_BUFFER_SELECT;
  s->buf_group = BGID;
  io_uring_sqe_set_data64(s, ud(OP_RECV, fd, 0));
}

static void submit_send(int fd) {
  conn_t *c = &conns[fd];
  int bid = c->q[c->head];
  struct io_uring_sqe *s = sqe();
  io_uring_prep_send(s, fd, bufs + (size_t)bid * BUF_SIZE + c->sent,
                     c->len[c->head] - c->sent, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(s, ud(OP_SEND, fd, bid));
}

static void drop(int fd) {
  conn_t *c = &conns[fd];
  if (!c->open) return;
  c->open = 0;
  // Buffers waiting (not the one in flight) go back now.
  for (int k = 1; k < c->count; k++) recycle(c->q[(c->head + k) % QCAP]);
  if (c->count > 0) c->count = 1; // its SEND completion closes the fd
  else close(fd);
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 0;
  const char *host = argc > 2 ? argv[2] : "127.0.0.1";
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  nconns = (int)(rl.rlim_cur > 1 << 20 ? 1 << 20 : rl.rlim_cur);
  conns = calloc((size_t)nconns, sizeof(conn_t));

  lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, host, &sa.sin_addr);
  if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 4096) < 0) {
    perror("bind/listen");
    return 1;
  }
  socklen_t sl = sizeof sa;
  getsockname(lfd, (struct sockaddr *)&sa, &sl);

  struct io_uring_params p = {0};
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
            IORING_SETUP_CQSIZE;
  p.cq_entries = ENTRIES * 4;
  if (io_uring_queue_init_params(ENTRIES, &ring, &p) < 0) {
    p.flags = IORING_SETUP_CQSIZE;
    if (io_uring_queue_init_params(ENTRIES, &ring, &p) < 0) {
      perror("io_uring_queue_init");
      return 1;
    }
  }
  // The buffer ring by hand: page-aligned ring memory, then register it.
  size_t ring_bytes = NBUF * sizeof(struct io_uring_buf);
  br = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE,
            MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  struct io_uring_buf_reg reg = {
      .ring_addr = (unsigned long)br, .ring_entries = NBUF, .bgid = BGID};
  if (br == MAP_FAILED || io_uring_register_buf_ring(&ring, &reg, 0) < 0) {
    perror("register buf ring");
    return 1;
  }
  io_uring_buf_ring_init(br);
  bufs = malloc((size_t)NBUF * BUF_SIZE);
  for (int b = 0; b < NBUF; b++) {
    io_uring_buf_ring_add(br, bufs + (size_t)b * BUF_SIZE, BUF_SIZE, b,
                          io_uring_buf_ring_mask(NBUF), b);
  }
  io_uring_buf_ring_advance(br, NBUF);

  arm_accept();
  printf("LISTENING %d\n", ntohs(sa.sin_port));
  fflush(stdout);

  for (;;) {
    io_uring_submit_and_wait(&ring, 1);
    struct io_uring_cqe *cqe;
    unsigned head, n = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      n++;
      uint64_t d = cqe->user_data;
      int op = (int)(d >> 56), fd = (int)(d & 0xffffffffu);
      int bid = (int)((d >> 32) & 0xffff);
      int res = cqe->res, more = cqe->flags & IORING_CQE_F_MORE;
      if (op == OP_ACCEPT) {
        if (res >= 0 && res < nconns) {
          conn_t *c = &conns[res];
          memset(c, 0, sizeof *c);
          c->open = 1;
          arm_recv(res);
        } else if (res >= 0) {
          close(res);
        }
        if (!more) arm_accept();
      } else if (op == OP_RECV) {
        conn_t *c = &conns[fd];
        if (res > 0) {
          int b = (int)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
          if (!c->open || c->count == QCAP) {
            recycle(b);
          } else {
            int k = (c->head + c->count) % QCAP;
            c->q[k] = (unsigned short)b;
            c->len[k] = (unsigned short)res;
            if (++c->count == 1) {
              c->sent = 0;
              submit_send(fd);
            }
          }
          if (!more && c->open) arm_recv(fd);
        } else if (res == -ENOBUFS && c->open) {
          arm_recv(fd);
        } else if (!more) {
          drop(fd);
        }
      } else if (op == OP_SEND) {
        conn_t *c = &conns[fd];
        if (!c->open) {
          recycle(bid);
          c->count = 0;
          close(fd);
        } else if (res < 0) {
          for (int k = 0; k < c->count; k++) recycle(c->q[(c->head + k) % QCAP]);
          c->count = 0; // the receive's error ends the connection
        } else if ((c->sent += res) < c->len[c->head]) {
          submit_send(fd);
        } else {
          recycle(bid);
          c->head = (c->head + 1) % QCAP;
          c->sent = 0;
          if (--c->count > 0) submit_send(fd);
        }
      }
    }
    io_uring_cq_advance(&ring, n);
  }
}
