/**
 * HTTP/1.1 "hello" server on io_uring: multishot accept, multishot receive
 * from a provided buffer ring, a byte scanner for the end of each request
 * head (`\r\n\r\n`, pipelining-safe, state kept per connection across
 * chunks), and one SEND of a preallocated response per batch of requests.
 * Keep-alive only; request bodies are not supported (GET/HEAD style
 * requests). Prints `LISTENING <port>`.
 *
 * Run: `deno task build && deno run --allow-ffi examples/http_hello.ts
 * [port=0] [host=127.0.0.1]` (or `deno task example:http`), then
 * `wrk -c50 http://127.0.0.1:<port>/`.
 *
 * @example
 * ```sh
 * deno run --allow-ffi examples/http_hello.ts 8080
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
  IOSQE,
  IPPROTO,
  listen,
  setsockopt,
  SO,
  SOCK,
  socket,
  SOL,
  TCP,
  unsafeAddressOf,
} from "../zcall/mod.ts";
import {
  BufferRing,
  type CQEView,
  prepSend,
  SQEContext,
  submitAcceptMultishot,
  submitReceiveMultishot,
  UringDriver,
} from "../uring/mod.ts";

const BODY = "Hello, World!";
const ONE_RESPONSE = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain;charset=UTF-8\r\n" +
    `Content-Length: ${BODY.length}\r\n\r\n${BODY}`,
);
const MAX_BATCH = 32; // responses sent by one SEND (pipelined requests)
const RESPONSES = new Uint8Array(ONE_RESPONSE.length * MAX_BATCH);
for (let i = 0; i < MAX_BATCH; i++) {
  RESPONSES.set(ONE_RESPONSE, i * ONE_RESPONSE.length);
}

const RECV = IORING_OP.RECV;
const SEND = IORING_OP.SEND;
const ACCEPT = IORING_OP.ACCEPT;
const CLOSE = IORING_OP.CLOSE;
const GROUP = 0;
const F_MORE = 2;
const MSG_NOSIGNAL = 0x4000;
const ENOBUFS = -105;
const MAX_FD = 1 << 16;

/** A running HTTP server. */
export interface HttpServer {
  /** The bound port. */
  port: number;
  /** Requests answered so far. */
  readonly requests: number;
  /** Stops the server and releases the ring. */
  close(): Promise<void>;
}

function listenTCP(host: string, port: number): [number, number] {
  const fd = socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0);
  if (fd < 0) throw new Error(`socket: ${fd}`);
  const one = new Uint8Array(new Int32Array([1]).buffer);
  setsockopt(fd, SOL.SOCKET, SO.REUSEADDR, one);
  const sa = new Uint8Array(16);
  const dv = new DataView(sa.buffer);
  dv.setUint16(0, AF.INET, true);
  dv.setUint16(2, port, false);
  const parts = host.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) {
    close(fd);
    throw new TypeError(`http_hello: bad IPv4 address ${host}`);
  }
  sa.set(parts, 4);
  if (bind(fd, sa) < 0 || listen(fd, 4096) < 0) {
    close(fd);
    throw new Error(`bind/listen ${host}:${port} failed`);
  }
  const len = new Uint32Array([16]);
  getsockname(fd, sa, len);
  return [fd, dv.getUint16(2, false)];
}

/**
 * Starts the server.
 *
 * @example
 * ```ts
 * import { startHttpServer } from "./http_hello.ts";
 * const srv = startHttpServer({ port: 0 });
 * await srv.close();
 * ```
 */
export function startHttpServer(
  options: { port?: number; host?: string; pollBeforeParkMs?: number } = {},
): HttpServer {
  const [lfd, port] = listenTCP(options.host ?? "127.0.0.1", options.port ?? 0);
  // Per-connection scanner state: how many bytes of "\r\n\r\n" matched.
  const match = new Uint8Array(MAX_FD);
  const conns = new Set<number>();
  const one = new Uint8Array(new Int32Array([1]).buffer);
  const respAddr = unsafeAddressOf(RESPONSES);
  const ctx = new SQEContext();
  let requests = 0;
  let closing = false;
  let acceptEnded = () => {};

  const onCQE = (cqe: CQEView): void => {
    const op = cqe.userDataLo & 0xff;
    const fd = (cqe.userDataHi << 2) >> 2;
    const res = cqe.res;
    if (op === RECV) {
      if (res > 0) {
        const bid = cqe.flags >>> 16;
        const n = scan(fd, br.view(bid), res);
        br.recycle(bid);
        if (n > 0) respond(fd, n);
        if ((cqe.flags & F_MORE) === 0) armRecv(fd);
      } else if (res === ENOBUFS && !closing) {
        armRecv(fd);
      } else if ((cqe.flags & F_MORE) === 0) {
        drop(fd);
      }
    } else if (op === SEND) {
      if (res < 0) drop(fd);
    } else if (op === ACCEPT) {
      if (res >= 0) {
        if (closing || res >= MAX_FD) {
          close(res);
        } else {
          conns.add(res);
          match[res] = 0;
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
    entries: 2048,
    bufferSize: 4096,
  });

  // Counts complete request heads in buf[0..len) continuing fd's state.
  function scan(fd: number, buf: Uint8Array, len: number): number {
    let m = match[fd];
    let n = 0;
    for (let i = 0; i < len; i++) {
      const b = buf[i];
      if (b === 13) m = m === 2 ? 3 : 1;
      else if (b === 10) {
        if (m === 3) {
          n++;
          m = 0;
        } else m = m === 1 ? 2 : 0;
      } else m = 0;
    }
    match[fd] = m;
    return n;
  }

  function respond(fd: number, n: number): void {
    requests += n;
    while (n > 0) {
      const k = n > MAX_BATCH ? MAX_BATCH : n;
      n -= k;
      let i = ring.getSqe();
      if (i < 0) {
        ring.submit();
        i = ring.getSqe();
      }
      prepSend(
        ring.sqeWords,
        i,
        fd,
        respAddr,
        k * ONE_RESPONSE.length,
        MSG_NOSIGNAL,
      );
      // The response bytes never change: no CQE needed unless it fails.
      ctx.assignRaw(SEND | (IOSQE.CQE_SKIP_SUCCESS << 8), fd & 0x3fffffff);
      ring.finishSqe(i, SEND, ctx, undefined);
    }
  }

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

  function drop(fd: number): void {
    if (!conns.delete(fd)) return;
    ctx.assignRaw(CLOSE, fd & 0x3fffffff);
    if (!ring.close(ctx)) close(fd);
  }

  armAccept();
  driver.hold();

  return {
    port,
    get requests() {
      return requests;
    },
    async close() {
      if (closing) return;
      closing = true;
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
  };
}

if (import.meta.main) {
  const srv = startHttpServer({
    port: Number(Deno.args[0] ?? 0),
    host: Deno.args[1] ?? "127.0.0.1",
  });
  console.log(`LISTENING ${srv.port}`);
  const stop = async () => {
    await srv.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
