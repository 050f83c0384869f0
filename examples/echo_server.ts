/**
 * TCP echo server on io_uring: one multishot accept, one multishot receive
 * per connection selecting buffers from a provided buffer ring, and a SEND
 * straight from the received buffer (recycled when the send completes), so
 * the payload is never copied into JS and the hot path allocates nothing.
 * The {@linkcode UringDriver} runs the ring inside Deno's event loop.
 * Prints `LISTENING <port>`.
 *
 * Run: `deno task build && deno run --allow-ffi
 * examples/echo_server.ts [port=0] [host=127.0.0.1]` (or `deno task
 * example:echo`).
 *
 * @example
 * ```sh
 * deno run --allow-ffi examples/echo_server.ts 7000
 * ```
 *
 * @module
 */

import {
  AF,
  bind,
  close,
  getsockname,
  IORING_OP,
  IPPROTO,
  listen,
  setsockopt,
  SO,
  SOCK,
  socket,
  SOL,
  TCP,
  write,
} from "../zcall/mod.ts";
import {
  BufferRing,
  type CQEView,
  SQEContext,
  submitAcceptMultishot,
  submitReceiveMultishot,
  UringDriver,
} from "../uring/mod.ts";
import { prepSend } from "../uring/raw.ts";

/** Options of {@linkcode startEchoServer}. */
export interface EchoServerOptions {
  /** Port (0: any free port). */
  port?: number;
  /** IPv4 address to bind (default 127.0.0.1). */
  host?: string;
  /** Buffers in the provided ring (default 4096). */
  buffers?: number;
  /** Size of each buffer (default 2048). */
  bufferSize?: number;
  /** The driver's `pollBeforeParkMs` (see the uring `DriverOptions`). */
  pollBeforeParkMs?: number;
}

/** A running echo server. */
export interface EchoServer {
  /** The bound port. */
  port: number;
  /** Stops accepting, closes every connection and the ring. */
  close(): Promise<void>;
}

const RECV = IORING_OP.RECV;
const SEND = IORING_OP.SEND;
const ACCEPT = IORING_OP.ACCEPT;
const CLOSE = IORING_OP.CLOSE;
const GROUP = 0;
const F_MORE = 2;
const MSG_NOSIGNAL = 0x4000;
const ENOBUFS = -105;

function sockaddrIn(host: string, port: number): Uint8Array {
  const sa = new Uint8Array(16);
  const dv = new DataView(sa.buffer);
  dv.setUint16(0, AF.INET, true);
  dv.setUint16(2, port, false);
  const parts = host.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) {
    throw new TypeError(`echo server: bad IPv4 address ${host}`);
  }
  sa.set(parts, 4);
  return sa;
}

function listenTCP(host: string, port: number): [number, number] {
  const fd = socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0);
  if (fd < 0) throw new Error(`socket: ${fd}`);
  const one = new Uint8Array(new Int32Array([1]).buffer);
  setsockopt(fd, SOL.SOCKET, SO.REUSEADDR, one);
  let r = bind(fd, sockaddrIn(host, port));
  if (r < 0) {
    close(fd);
    throw new Error(`bind ${host}:${port}: ${r}`);
  }
  r = listen(fd, 4096);
  if (r < 0) {
    close(fd);
    throw new Error(`listen: ${r}`);
  }
  const sa = new Uint8Array(16);
  const len = new Uint32Array([16]);
  getsockname(fd, sa, len);
  return [fd, new DataView(sa.buffer).getUint16(2, false)];
}

/**
 * Starts the echo server and resolves once it listens.
 *
 * @example
 * ```ts
 * import { startEchoServer } from "./echo_server.ts";
 * const srv = await startEchoServer({ port: 0 });
 * console.log(srv.port);
 * await srv.close();
 * ```
 */
export function startEchoServer(
  options: EchoServerOptions = {},
): Promise<EchoServer> {
  const host = options.host ?? "127.0.0.1";
  const [lfd, port] = listenTCP(host, options.port ?? 0);
  const nbuf = options.buffers ?? 4096;
  const conns = new Set<number>();
  const one = new Uint8Array(new Int32Array([1]).buffer);
  const ctx = new SQEContext(); // reused: no allocation per submission
  let closing = false;
  let acceptEnded = () => {};

  // Completions route here (the driver owns none of these raw SQEs).
  // user_data (direct mode): op | buffer id << 16, fd.
  const onCQE = (cqe: CQEView): void => {
    const lo = cqe.userDataLo;
    const op = lo & 0xff;
    const fd = (cqe.userDataHi << 2) >> 2;
    const res = cqe.res;
    if (op === RECV) {
      if (res > 0) {
        const bid = cqe.flags >>> 16;
        echo(fd, bid, res);
        if ((cqe.flags & F_MORE) === 0) armRecv(fd); // ended: re-arm
      } else if (res === ENOBUFS && !closing) {
        armRecv(fd); // buffers come back as sends complete
      } else if ((cqe.flags & F_MORE) === 0) {
        drop(fd); // EOF or error
      }
    } else if (op === SEND) {
      const bid = lo >>> 16;
      if (res >= 0 && res < ring_len[bid]) {
        // Short send (rare with small messages): finish it synchronously.
        write(fd, br.view(bid).subarray(res, ring_len[bid]));
      }
      br.recycle(bid);
    } else if (op === ACCEPT) {
      if (res >= 0) {
        if (closing) {
          close(res);
        } else {
          conns.add(res);
          setsockopt(res, IPPROTO.TCP, TCP.NODELAY, one);
          armRecv(res);
        }
      }
      if ((cqe.flags & F_MORE) === 0) {
        if (closing) acceptEnded();
        else armAccept();
      }
    }
  };

  const driver = new UringDriver({
    entries: 4096,
    cqEntries: 16384,
    onCQE,
    pollBeforeParkMs: options.pollBeforeParkMs,
  });
  const ring = driver.ring;
  const br = BufferRing.register(ring, {
    groupId: GROUP,
    entries: nbuf,
    bufferSize: options.bufferSize ?? 2048,
  });
  const ring_len = new Int32Array(br.count); // bytes in flight per buffer

  function armRecv(fd: number): void {
    ctx.assignRaw(RECV | (GROUP << 16), fd & 0x3fffffff);
    if (!submitReceiveMultishot(ring, ctx, null)) {
      ring.submit();
      submitReceiveMultishot(ring, ctx, null);
    }
  }

  function armAccept(): void {
    ctx.assignRaw(ACCEPT, lfd & 0x3fffffff);
    submitAcceptMultishot(ring, ctx);
  }

  function echo(fd: number, bid: number, len: number): void {
    let i = ring.getSqe();
    if (i < 0) {
      ring.submit();
      i = ring.getSqe();
    }
    ring_len[bid] = len;
    prepSend(ring.sqeWords, i, fd, br.addressOf(bid), len, MSG_NOSIGNAL);
    ctx.assignRaw(SEND | (bid << 16), fd & 0x3fffffff);
    ring.finishSqe(i, SEND, ctx, undefined);
  }

  function drop(fd: number): void {
    if (!conns.delete(fd)) return;
    ctx.assignRaw(CLOSE, fd & 0x3fffffff);
    if (!ring.close(ctx)) close(fd);
  }

  armAccept();
  driver.hold(); // the accept stream never ends by itself

  return Promise.resolve({
    port,
    async close() {
      if (closing) return;
      closing = true;
      // Closing an fd does not end io_uring requests on it: cancel them all
      // and wait for the accept stream's final CQE.
      const ended = new Promise<void>((r) => acceptEnded = r);
      ctx.assignRaw(IORING_OP.ASYNC_CANCEL, 0);
      ring.asyncCancelAll(ctx);
      driver.kick();
      await Promise.race([ended, new Promise((r) => setTimeout(r, 1000))]);
      driver.release();
      await driver.close();
      for (const fd of conns) close(fd);
      conns.clear();
      br.close();
      close(lfd);
    },
  });
}

if (import.meta.main) {
  const port = Number(Deno.args[0] ?? 0);
  const host = Deno.args[1] ?? "127.0.0.1";
  const srv = await startEchoServer({ port, host });
  console.log(`LISTENING ${srv.port}`);
  const stop = async () => {
    await srv.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
