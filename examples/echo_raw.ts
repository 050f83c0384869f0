/**
 * TCP echo server written directly on the ring, the way a liburing program
 * is: one multishot accept (non-blocking, close-on-exec sockets), one
 * multishot receive per connection selecting buffers from a provided
 * buffer ring, and a SEND straight from the received buffer, recycled when
 * the send completes. Per connection one SEND is in flight at a time and
 * later buffers wait their turn, so echoed bytes never reorder; a short
 * send continues from where it stopped (never a blocking write). Running
 * out of descriptors (EMFILE) backs the accept off instead of spinning.
 * The hot path allocates nothing. For the same server in 40 lines, see
 * echo_server.ts. Prints `LISTENING <port>`.
 *
 * Run: `deno task build && deno run --allow-ffi examples/echo_raw.ts
 * [port=0] [host=127.0.0.1]`.
 *
 * @example
 * ```sh
 * deno run --allow-ffi examples/echo_raw.ts 7000
 * ```
 *
 * @module
 */

import { SockaddrInet4 } from "@kernio/kernio/sock";
import {
  AF,
  bind,
  close,
  Errno,
  getsockname,
  IORING_OP,
  listen,
  MSG,
  setsockopt,
  SO,
  SOCK,
  socket,
  SOL,
} from "@kernio/kernio/zcall";
import {
  BufferRing,
  type CQEView,
  SQEContext,
  submitAcceptMultishot,
  submitReceiveMultishot,
  UringDriver,
} from "@kernio/kernio/uring";
import { prepSend, SQE_WORD } from "@kernio/kernio/uring/raw";

const RECV = IORING_OP.RECV;
const SEND = IORING_OP.SEND;
const ACCEPT = IORING_OP.ACCEPT;
const GROUP = 0;
const BACKOFF_MAX_MS = 1000;
const NBUF = 4096;
const ADDR_LO = SQE_WORD.ADDR_LO;
const ADDR_HI = SQE_WORD.ADDR_HI;

/** A running echo server. */
export interface EchoServer {
  /** The bound port. */
  port: number;
  /** Stops accepting, closes every connection and the ring. */
  close(): Promise<void>;
}

function listenTCP(host: string, port: number): [number, number] {
  const fd = socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0);
  if (fd < 0) throw new Error(`socket: errno ${-fd}`);
  const one = new Uint8Array(new Int32Array([1]).buffer);
  setsockopt(fd, SOL.SOCKET, SO.REUSEADDR, one);
  const sa = SockaddrInet4.parse(host, port);
  if (bind(fd, sa.bytes) < 0 || listen(fd, 4096) < 0) {
    close(fd);
    throw new Error(`bind/listen ${sa}`);
  }
  const len = new Uint32Array([sa.bytes.length]);
  getsockname(fd, sa.bytes, len);
  return [fd, sa.port()];
}

/**
 * Starts the echo server.
 *
 * @example
 * ```ts
 * import { startEchoServer } from "./echo_raw.ts";
 * const srv = startEchoServer(0);
 * console.log(srv.port);
 * await srv.close();
 * ```
 */
export function startEchoServer(port = 0, host = "127.0.0.1"): EchoServer {
  const [lfd, boundPort] = listenTCP(host, port);
  const ctx = new SQEContext(); // rewritten per submission: no allocation
  let closing = false;
  let backoff = 0;
  let acceptEnded = () => {};

  const driver = new UringDriver({
    entries: 4096,
    cqEntries: 16384,
    // The default ring (SINGLE_ISSUER | DEFER_TASKRUN): completions are
    // posted in batches when the driver enters the ring, never by
    // interrupting this thread; the sockets are watched so a parked driver
    // wakes at once (see UringDriver.watchFd).
    onCQE,
  });
  const ring = driver.ring;
  const words = ring.sqeWords;
  const br = BufferRing.register(ring, {
    groupId: GROUP,
    entries: NBUF,
    bufferSize: 2048,
  });

  // Buffers waiting to be echoed form one FIFO per connection, linked
  // through the buffer ids (a buffer is in at most one queue): no array
  // grows or shrinks per message. Per buffer: the next one and its length.
  const next = new Int32Array(NBUF);
  const len = new Int32Array(NBUF);
  // Per connection (indexed by fd, grown when a larger fd arrives): the
  // queue's head (being sent) and tail, -1 when empty; the head's sent
  // offset; 1 while open.
  let head = new Int32Array(0);
  let tail = new Int32Array(0);
  let sent = new Int32Array(0);
  let open = new Uint8Array(0);

  function track(fd: number): void {
    if (fd >= open.length) {
      const n = Math.max(64, fd + 1, open.length * 2);
      const grow = <T extends Int32Array | Uint8Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      head = grow(head, new Int32Array(n).fill(-1));
      tail = grow(tail, new Int32Array(n).fill(-1));
      sent = grow(sent, new Int32Array(n));
      open = grow(open, new Uint8Array(n));
    }
    head[fd] = tail[fd] = -1;
    sent[fd] = 0;
    open[fd] = 1;
  }

  // Direct contexts: the op, the fd and, for sends, the buffer id in the
  // buffer-group field.
  function onCQE(cqe: CQEView): void {
    const op = cqe.op();
    const fd = cqe.fd();
    const res = cqe.res;
    const more = cqe.hasMore();
    if (op === RECV) {
      if (res > 0) {
        enqueue(fd, cqe.bufID(), res);
        if (open[fd] === 0) return;
        if (!more && !closing) armRecv(fd); // ended with data: re-arm
      } else if (res === -Errno.ENOBUFS && !closing) {
        armRecv(fd); // buffers come back as sends complete
      } else if (!more) {
        drop(fd); // end of stream or error
      }
    } else if (op === SEND) {
      sendDone(fd, cqe.bufGroup(), res);
    } else if (op === ACCEPT) {
      if (res >= 0) {
        backoff = 0;
        if (closing) close(res);
        else {
          track(res);
          driver.watchFd(res);
          armRecv(res);
        }
      } else if (res === -Errno.EMFILE || res === -Errno.ENFILE) {
        // Out of descriptors: wait for some to close, do not spin.
        backoff = Math.min(BACKOFF_MAX_MS, backoff === 0 ? 10 : backoff * 2);
      }
      if (!more) {
        if (closing) acceptEnded();
        else if (backoff > 0 && res < 0) setTimeout(armAccept, backoff);
        else armAccept();
      }
    }
  }

  function sqe(): number {
    const i = ring.getSqe();
    if (i >= 0) return i;
    ring.submit();
    return ring.getSqe();
  }

  function armRecv(fd: number): void {
    ctx.assignDirect(RECV, 0, GROUP, fd);
    if (!submitReceiveMultishot(ring, ctx, null)) {
      ring.submit();
      submitReceiveMultishot(ring, ctx, null);
    }
    driver.kick();
  }

  function armAccept(): void {
    if (closing) return;
    ctx.assignDirect(ACCEPT, 0, 0, lfd);
    submitAcceptMultishot(ring, ctx, {
      msgFlags: SOCK.NONBLOCK | SOCK.CLOEXEC,
    });
    driver.kick();
  }

  // Sends the rest of the connection's head buffer. The address goes in
  // as its two 32-bit halves (a full address is a heap number).
  function submitSend(fd: number): void {
    const bid = head[fd];
    const off = sent[fd];
    const i = sqe();
    prepSend(words, i, fd, 0, len[bid] - off, MSG.NOSIGNAL);
    const lo = br.addressLo(bid) + off;
    words[i + ADDR_LO] = lo >>> 0;
    words[i + ADDR_HI] = br.addressHi(bid) + (lo > 0xffffffff ? 1 : 0);
    ring.finishSqe(i, ctx.assignDirect(SEND, 0, bid, fd));
  }

  function enqueue(fd: number, bid: number, n: number): void {
    if (closing || fd >= open.length || open[fd] === 0) return br.recycle(bid);
    next[bid] = -1;
    len[bid] = n;
    if (head[fd] < 0) {
      head[fd] = tail[fd] = bid;
      sent[fd] = 0;
      submitSend(fd);
    } else {
      next[tail[fd]] = bid;
      tail[fd] = bid;
    }
  }

  // Recycles every queued buffer after the head (or the head too).
  function recycleQueue(fd: number, fromHead: boolean): void {
    let b = fromHead ? head[fd] : next[head[fd]];
    while (b >= 0) {
      const n = next[b];
      br.recycle(b);
      b = n;
    }
    if (fromHead) head[fd] = tail[fd] = -1;
    else tail[fd] = head[fd];
  }

  function sendDone(fd: number, bid: number, res: number): void {
    if (open[fd] === 0) {
      // Dropped while this send was in flight: now the fd can go.
      br.recycle(bid);
      head[fd] = tail[fd] = -1;
      close(fd);
      return;
    }
    if (res < 0) {
      // Reset: drop what waits; the receive's final completion (it fails
      // too) ends the connection.
      recycleQueue(fd, true);
      return;
    }
    sent[fd] += res;
    if (sent[fd] < len[bid]) return submitSend(fd); // short send
    const n = next[bid];
    br.recycle(bid);
    sent[fd] = 0;
    head[fd] = n;
    if (n >= 0) submitSend(fd);
    else tail[fd] = -1;
  }

  // Ends a connection. Its fd closes only once no SEND is in flight, so
  // the number cannot be reused under a completion still on its way.
  function drop(fd: number): void {
    if (fd >= open.length || open[fd] === 0) return;
    open[fd] = 0;
    if (head[fd] >= 0) {
      recycleQueue(fd, false); // the SEND's completion closes it
      return;
    }
    close(fd);
  }

  driver.watchFd(lfd);
  armAccept();
  driver.hold(); // the accept stream never ends by itself

  return {
    port: boundPort,
    async close() {
      if (closing) return;
      closing = true;
      // Closing an fd does not end io_uring requests on it: cancel them
      // all and wait for the accept stream's final CQE.
      const ended = new Promise<void>((r) => acceptEnded = r);
      ctx.assignDirect(IORING_OP.ASYNC_CANCEL, 0, 0, 0);
      ring.asyncCancelAll(ctx);
      driver.kick();
      await Promise.race([ended, new Promise((r) => setTimeout(r, 1000))]);
      driver.release();
      await driver.close();
      for (let fd = 0; fd < open.length; fd++) {
        if (open[fd] === 1) close(fd);
      }
      open.fill(0);
      br.close();
      close(lfd);
    },
  };
}

if (import.meta.main) {
  const srv = startEchoServer(Number(Deno.args[0] ?? 0), Deno.args[1]);
  console.log(`LISTENING ${srv.port}`);
  const stop = async () => {
    await srv.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
