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
  IORING_CQE_BUFFER_SHIFT,
  IORING_CQE_F,
  SQEContext,
  submitAcceptMultishot,
  submitReceiveMultishot,
  UringDriver,
} from "@kernio/kernio/uring";
import { prepSend } from "@kernio/kernio/uring/raw";

const RECV = IORING_OP.RECV;
const SEND = IORING_OP.SEND;
const ACCEPT = IORING_OP.ACCEPT;
const FD_BITS = 0x3fffffff; // a direct context's fd field (30 bits)
const GROUP = 0;
const BACKOFF_MAX_MS = 1000;

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
  // Per connection (indexed by fd): the buffers waiting to be echoed, in
  // order (the head one is being sent), and the head's sent offset.
  const queue: number[][] = [];
  const lens: number[][] = [];
  const sent: number[] = [];
  const open = new Set<number>();
  let closing = false;
  let backoff = 0;
  let acceptEnded = () => {};

  // user_data (direct context): op | buffer id << 16 (sends), fd.
  const onCQE = (cqe: CQEView): void => {
    const lo = cqe.userDataLo;
    const op = lo & 0xff;
    const fd = (cqe.userDataHi << 2) >> 2;
    const res = cqe.res;
    const more = (cqe.flags & IORING_CQE_F.MORE) !== 0;
    if (op === RECV) {
      if (res > 0) {
        enqueue(fd, cqe.flags >>> IORING_CQE_BUFFER_SHIFT, res);
        if (!open.has(fd)) return;
        if (!more && !closing) armRecv(fd); // ended with data: re-arm
      } else if (res === -Errno.ENOBUFS && !closing) {
        armRecv(fd); // buffers come back as sends complete
      } else if (!more) {
        drop(fd); // end of stream or error
      }
    } else if (op === SEND) {
      sendDone(fd, lo >>> 16, res);
    } else if (op === ACCEPT) {
      if (res >= 0) {
        backoff = 0;
        if (closing) close(res);
        else {
          open.add(res);
          queue[res] = [];
          lens[res] = [];
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
  };

  const driver = new UringDriver({
    entries: 4096,
    cqEntries: 16384,
    signalTaskrun: true, // completions posted while the thread sleeps
    onCQE,
  });
  const ring = driver.ring;
  const words = ring.sqeWords;
  const br = BufferRing.register(ring, {
    groupId: GROUP,
    entries: 4096,
    bufferSize: 2048,
  });

  function sqe(): number {
    const i = ring.getSqe();
    if (i >= 0) return i;
    ring.submit();
    return ring.getSqe();
  }

  function armRecv(fd: number): void {
    ctx.assignRaw(RECV | (GROUP << 16), fd & FD_BITS);
    if (!submitReceiveMultishot(ring, ctx, null)) {
      ring.submit();
      submitReceiveMultishot(ring, ctx, null);
    }
    driver.kick();
  }

  function armAccept(): void {
    if (closing) return;
    ctx.assignRaw(ACCEPT, lfd & FD_BITS);
    submitAcceptMultishot(ring, ctx, {
      msgFlags: SOCK.NONBLOCK | SOCK.CLOEXEC,
    });
    driver.kick();
  }

  function submitSend(fd: number): void {
    const bid = queue[fd][0];
    const off = sent[fd] ?? 0;
    const i = sqe();
    prepSend(
      words,
      i,
      fd,
      br.addressOf(bid) + off,
      lens[fd][0] - off,
      MSG.NOSIGNAL,
    );
    ring.finishSqe(i, ctx.assignRaw(SEND | (bid << 16), fd & FD_BITS));
  }

  function enqueue(fd: number, bid: number, len: number): void {
    const q = queue[fd];
    if (q === undefined || closing || !open.has(fd)) return br.recycle(bid);
    q.push(bid);
    lens[fd].push(len);
    if (q.length === 1) {
      sent[fd] = 0;
      submitSend(fd);
    }
  }

  function sendDone(fd: number, bid: number, res: number): void {
    const q = queue[fd];
    if (!open.has(fd)) {
      // Dropped while this send was in flight: now the fd can go.
      br.recycle(bid);
      queue[fd] = lens[fd] = undefined as unknown as number[];
      close(fd);
      return;
    }
    if (res < 0) {
      // Reset: drop what waits; the receive's final completion (it fails
      // too) ends the connection.
      for (const b of q) br.recycle(b);
      q.length = lens[fd].length = 0;
      return;
    }
    sent[fd] += res;
    if (sent[fd] < lens[fd][0]) return submitSend(fd); // short send
    q.shift();
    lens[fd].shift();
    br.recycle(bid);
    sent[fd] = 0;
    if (q.length > 0) submitSend(fd);
  }

  // Ends a connection. Its fd closes only once no SEND is in flight, so
  // the number cannot be reused under a completion still on its way.
  function drop(fd: number): void {
    if (!open.delete(fd)) return;
    const q = queue[fd];
    for (let k = 1; k < q.length; k++) br.recycle(q[k]);
    if (q.length > 0) return; // the SEND's completion closes it
    queue[fd] = lens[fd] = undefined as unknown as number[];
    close(fd);
  }

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
      ctx.assignRaw(IORING_OP.ASYNC_CANCEL, 0);
      ring.asyncCancelAll(ctx);
      driver.kick();
      await Promise.race([ended, new Promise((r) => setTimeout(r, 1000))]);
      driver.release();
      await driver.close();
      for (const fd of open) close(fd);
      open.clear();
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
