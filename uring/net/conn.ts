/**
 * Connections served by io_uring with the shape of `Deno.TcpConn` and
 * `Deno.UnixConn`: promise `read`/`write`, `closeWrite`, web streams,
 * `using`, `ref`/`unref`, typed errors (a peer reset is a
 * `ConnectionResetError`, also `instanceof Deno.errors.ConnectionReset`).
 *
 * Underneath, each connection is an {@linkcode EngineConn}: received bytes
 * arrive from a multishot receive into shared provided buffers and are
 * copied straight into the buffer of a waiting `read()`, or kept (up to
 * 256 KiB; then receiving pauses until the reader catches up). A write
 * with nothing queued before it goes out at once with a non-blocking
 * send(2), as Deno's own write does; what the kernel does not take is
 * queued in order and submitted as io_uring sends. `write()` resolves
 * once the kernel took every byte, so awaiting it is the backpressure.
 *
 * @example
 * ```ts
 * import { connect, listen } from "@kernio/kernio/uring";
 * using listener = listen({ hostname: "127.0.0.1", port: 0 });
 * const client = await connect({ port: listener.addr.port });
 * using server = await listener.accept();
 * await client.write(new TextEncoder().encode("ping"));
 * const buf = new Uint8Array(16);
 * const n = await server.read(buf); // 4
 * client.close();
 * ```
 *
 * @module
 */

import { ClosedError, errorFromErrno } from "../../sock/errors.ts";
import { Errno } from "../../zcall/errno.ts";
import { bytesForLater, taByteLength } from "../../zcall/_views.ts";
import type { Engine, EngineConn, EngineConnHandler } from "./_engine.ts";
import {
  netAddrOf,
  netAddrText,
  setKeepAlive,
  setNoDelay,
  unixAddrOf,
} from "./_socket.ts";

// Received bytes kept for a reader that is behind, before pausing.
const READ_HIGH = 256 * 1024;
const READ_LOW = 64 * 1024;
const ECANCELED = -Errno.ECANCELED;
// Reads up to this many bytes are copied by a loop (no view allocated).
const SMALL_COPY = 256;
const UNKNOWN_ADDR: Deno.NetAddr = {
  transport: "tcp",
  hostname: "0.0.0.0",
  port: 0,
};

/**
 * Base of {@linkcode UringTcpConn} and {@linkcode UringUnixConn}: a
 * `Deno.Conn` on io_uring. See the module doc.
 *
 * @example
 * ```ts
 * import { connect, type UringConn } from "@kernio/kernio/uring";
 * const c: UringConn<Deno.NetAddr> = await connect({ port: 8080 });
 * c.close();
 * ```
 */
export abstract class UringConn<A extends Deno.Addr = Deno.Addr>
  implements Deno.Conn<A> {
  /** @internal */
  readonly _conn: EngineConn;
  // Bytes received and not yet read: copies, oldest first.
  #chunks: Uint8Array<ArrayBuffer>[] = [];
  #chunkOff = 0;
  #buffered = 0;
  #eof = false;
  #error: Error | null = null;
  #closed = false;
  // The pending read.
  #readBuf: Uint8Array | null = null;
  #readResolve: ((n: number | null) => void) | null = null;
  #readReject: ((e: unknown) => void) | null = null;
  #chunkWaiter: ((c: Uint8Array<ArrayBuffer> | null) => void) | null = null;
  // Pending writes, in order (resolved by the engine's send callbacks).
  #writeResolves: ((n: number) => void)[] = [];
  #writeRejects: ((e: unknown) => void)[] = [];
  #writeLens: number[] = [];
  #shutdown: { resolve: () => void; reject: (e: unknown) => void } | null =
    null;
  #readable: ReadableStream<Uint8Array<ArrayBuffer>> | null = null;
  #writable: WritableStream<Uint8Array> | null = null;
  // Both streams done (readable ended, writable closed): the connection
  // closes itself, as Deno's streams close their resource.
  #readableEnded = false;
  #writableClosed = false;
  // The readable ended: close once the pending writes settled; no new ones.
  #closeWhenWritten = false;
  // Whether a read, write or closeWrite is pending (told to the engine: a
  // connection keeps the event loop alive only then, as Deno.Conn does).
  #waiting = false;
  #onSent = (errno: number): void => this.#sent(errno);
  // Promise executors made once (no closure per read or write).
  #readExecutor = (
    resolve: (n: number | null) => void,
    reject: (e: unknown) => void,
  ): void => {
    this.#readResolve = resolve;
    this.#readReject = reject;
  };
  #writeExecutor = (
    resolve: (n: number) => void,
    reject: (e: unknown) => void,
  ): void => {
    this.#writeResolves.push(resolve);
    this.#writeRejects.push(reject);
  };

  /** @internal Use connect() or a listener's accept(). */
  constructor(engine: Engine, fd: number) {
    const handler: EngineConnHandler = {
      onData: (_c, buf, n) => this.#onData(buf, n),
      onEnd: () => this.#onEnd(),
      onError: (_c, errno, op) => this.#onError(errno, op),
      onShutdown: (_c, errno) => this.#onShutdown(errno),
      onClose: () => this.#onClose(),
    };
    this._conn = engine.attach(fd, handler, { keepAlive: "waiting" });
  }

  /** The socket fd (owned by the connection: do not close it). */
  get fd(): number {
    return this._conn.fd;
  }

  /** The local address. */
  abstract get localAddr(): A;
  /** The peer's address. */
  abstract get remoteAddr(): A;
  /** @internal The peer's address as text for messages. */
  abstract _peerText(): string;

  // ---- reading ---------------------------------------------------------------

  #onData(buf: Uint8Array, n: number): void {
    const p = this.#readBuf;
    let start = 0;
    if (p !== null) {
      const k = n < p.length ? n : p.length;
      // Small reads (the common message) copy without a subarray view.
      if (k <= SMALL_COPY) { for (let i = 0; i < k; i++) p[i] = buf[i]; }
      else p.set(k === buf.length ? buf : buf.subarray(0, k));
      const resolve = this.#readResolve!;
      this.#readBuf = null;
      this.#readResolve = this.#readReject = null;
      resolve(k);
      start = k;
      if (start === n) return this.#sync();
    }
    const copy = buf.slice(start, n);
    const w = this.#chunkWaiter;
    if (w !== null && this.#buffered === 0) {
      this.#chunkWaiter = null;
      w(copy);
      return this.#sync();
    }
    this.#chunks.push(copy);
    this.#buffered += copy.length;
    if (this.#buffered >= READ_HIGH) this._conn.pause();
  }

  #onEnd(): void {
    this.#eof = true;
    this.#wakeReaders();
  }

  #onError(errno: number, op: "read" | "write"): void {
    this.#error ??= errorFromErrno(errno, op, this._peerText());
    this.#wakeReaders();
  }

  #onShutdown(errno: number): void {
    const s = this.#shutdown;
    this.#shutdown = null;
    if (s === null) return;
    this.#sync();
    if (errno < 0 && errno !== -Errno.ENOTCONN) {
      s.reject(errorFromErrno(errno, "closeWrite", this._peerText()));
    } else s.resolve();
  }

  #onClose(): void {
    this.#closed = true;
    this.#wakeReaders();
    if (this.#shutdown !== null) {
      const s = this.#shutdown;
      this.#shutdown = null;
      s.reject(this.#error ?? new ClosedError(undefined, "closeWrite"));
    }
    this.#sync();
  }

  // Tells the engine whether anything is pending on this connection.
  #sync(): void {
    const w = this.#readResolve !== null || this.#chunkWaiter !== null ||
      this.#writeLens.length > 0 || this.#shutdown !== null;
    if (w !== this.#waiting) {
      this.#waiting = w;
      this._conn.setWaiting(w);
    }
  }

  #wakeReaders(): void {
    if (this.#readResolve !== null && this.#buffered === 0) {
      const resolve = this.#readResolve;
      const reject = this.#readReject!;
      this.#readBuf = null;
      this.#readResolve = this.#readReject = null;
      if (this.#error !== null) reject(this.#error);
      else if (this.#eof) resolve(null);
      else reject(new ClosedError(undefined, "read"));
    }
    if (this.#chunkWaiter !== null && this.#buffered === 0) {
      const w = this.#chunkWaiter;
      this.#chunkWaiter = null;
      w(null);
    }
    this.#sync();
  }

  // Copies buffered bytes into p; returns the count.
  #take(p: Uint8Array): number {
    let n = 0;
    while (n < p.length && this.#chunks.length > 0) {
      const c = this.#chunks[0];
      const k = Math.min(c.length - this.#chunkOff, p.length - n);
      p.set(c.subarray(this.#chunkOff, this.#chunkOff + k), n);
      n += k;
      this.#chunkOff += k;
      if (this.#chunkOff === c.length) {
        this.#chunks.shift();
        this.#chunkOff = 0;
      }
    }
    this.#consumed(n);
    return n;
  }

  #consumed(n: number): void {
    this.#buffered -= n;
    if (this.#buffered <= READ_LOW) this._conn.resume();
  }

  /**
   * Reads into `p`; resolves with the byte count, or null at end of
   * stream. Rejects with a typed error (ConnectionResetError...), or a
   * ClosedError after close().
   */
  read(p: Uint8Array): Promise<number | null> {
    if (!(p instanceof Uint8Array)) {
      return Promise.reject(new TypeError("read: p must be a Uint8Array"));
    }
    if (this.#readResolve !== null || this.#chunkWaiter !== null) {
      return Promise.reject(new TypeError("read: another read is pending"));
    }
    if (p.length === 0) return Promise.resolve(0);
    if (this.#buffered > 0) return Promise.resolve(this.#take(p));
    if (this.#error !== null) return Promise.reject(this.#error);
    if (this.#closed || this._conn.closed) {
      return Promise.reject(new ClosedError(undefined, "read"));
    }
    if (this.#eof) return Promise.resolve(null);
    this.#readBuf = p;
    const r = new Promise(this.#readExecutor);
    this.#sync();
    return r;
  }

  // The next received chunk (a copy the caller may keep), or null at EOF.
  #nextChunk(): Promise<Uint8Array<ArrayBuffer> | null> {
    if (this.#buffered > 0) {
      let c = this.#chunks.shift()!;
      if (this.#chunkOff > 0) c = c.slice(this.#chunkOff);
      this.#chunkOff = 0;
      this.#consumed(c.length);
      return Promise.resolve(c);
    }
    if (this.#error !== null) return Promise.reject(this.#error);
    if (this.#eof || this.#closed || this._conn.closed) {
      return Promise.resolve(null);
    }
    if (this.#readResolve !== null || this.#chunkWaiter !== null) {
      return Promise.reject(new TypeError("readable: a read is pending"));
    }
    const r = new Promise<Uint8Array<ArrayBuffer> | null>((resolve) =>
      this.#chunkWaiter = resolve
    );
    this.#sync();
    return r;
  }

  /**
   * The received bytes as a stream. Cancelling it closes the connection;
   * so does its end, as with `Deno.Conn`: once the writes already made
   * settled, or, when `writable` is in use, once it is closed too (a
   * `readable.pipeTo(writable)` echo needs no close() of its own). Writes
   * after the end reject.
   */
  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.#readable ??= new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: async (ctl) => {
        const c = await this.#nextChunk();
        if (c !== null) return ctl.enqueue(c);
        ctl.close();
        this.#readableEnded = true;
        if (this.#writable === null || this.#writableClosed) {
          this.#closeAfterWrites();
        }
      },
      cancel: () => this.close(),
    }, { highWaterMark: 0 });
    return this.#readable;
  }

  // ---- writing ---------------------------------------------------------------

  #closeAfterWrites(): void {
    if (this.#writeLens.length === 0 && this.#shutdown === null) this.close();
    else this.#closeWhenWritten = true;
  }

  #sent(errno: number): void {
    const resolve = this.#writeResolves.shift()!;
    const reject = this.#writeRejects.shift()!;
    const n = this.#writeLens.shift()!;
    this.#sync();
    if (this.#closeWhenWritten && this.#writeLens.length === 0) {
      queueMicrotask(() => this.#closeAfterWrites());
    }
    if (errno === 0) resolve(n);
    else if (errno === ECANCELED && this.#error === null) {
      reject(new ClosedError(undefined, "write"));
    } else {
      reject(
        this.#error ?? errorFromErrno(errno, "write", this._peerText()),
      );
    }
  }

  /**
   * Writes all of `p` (queued after earlier writes); resolves with
   * `p.length` once the kernel took every byte. Bytes the kernel does not
   * take at once are copied (unless `p` is over a `SharedArrayBuffer`:
   * then do not change them before the promise settles), so `p` may be
   * reused or detached as soon as `write()` returns.
   */
  write(p: Uint8Array): Promise<number> {
    if (!(p instanceof Uint8Array)) {
      return Promise.reject(new TypeError("write: p must be a Uint8Array"));
    }
    if (this.#error !== null) return Promise.reject(this.#error);
    if (this.#closed || this._conn.closed || this.#closeWhenWritten) {
      return Promise.reject(new ClosedError(undefined, "write"));
    }
    if (this.#shutdown !== null || this._conn._writeEnding) {
      return Promise.reject(
        new ClosedError(
          Errno.EPIPE,
          "write",
          "write: the write side is closed",
        ),
      );
    }
    const n = taByteLength(p);
    if (n === 0) return Promise.resolve(0);
    // Nothing queued: send now (no submission, no completion to wait for);
    // a short send or an error falls back to the queue, whose io_uring
    // send reports it.
    const sent = this._conn.trySend(p, 0, n);
    if (sent === n) return Promise.resolve(sent);
    // What waits in the queue is sent later by the kernel, so it must not
    // live in memory the caller can free (see bytesForLater).
    const rest = bytesForLater(p, sent > 0 ? sent : 0, n);
    this._conn.send(rest, 0, rest.length, this.#onSent);
    this.#writeLens.push(n);
    const r = new Promise(this.#writeExecutor);
    this.#sync();
    return r;
  }

  /** A stream writing to the connection; closing it calls closeWrite(). */
  get writable(): WritableStream<Uint8Array> {
    this.#writable ??= new WritableStream<Uint8Array>({
      write: async (chunk) => {
        await this.write(chunk);
      },
      // Shuts the write side down; the connection closes once `readable`
      // has ended too.
      close: async () => {
        await this.closeWrite();
        this.#writableClosed = true;
        if (this.#readableEnded) this.close();
      },
      abort: () => this.close(),
    });
    return this.#writable;
  }

  /**
   * Shuts down the write side after the queued writes (the peer reads end
   * of stream); reading goes on.
   */
  closeWrite(): Promise<void> {
    if (this.#error !== null) return Promise.reject(this.#error);
    if (this.#closed || this._conn.closed) {
      return Promise.reject(new ClosedError(undefined, "closeWrite"));
    }
    if (this.#shutdown !== null || this._conn._writeEnding) {
      return Promise.resolve();
    }
    const r = new Promise<void>((resolve, reject) => {
      this.#shutdown = { resolve, reject };
      this._conn.end();
    });
    this.#sync();
    return r;
  }

  /**
   * Closes the connection: pending reads and writes reject with a
   * ClosedError, unsent bytes are dropped. Idempotent.
   */
  close(): void {
    if (this._conn.closed) return;
    this._conn.close();
    this.#wakeReaders();
  }

  /**
   * A pending read, write or closeWrite keeps the event loop alive (the
   * default); an idle connection never does, as with `Deno.Conn`.
   */
  ref(): void {
    this._conn.ref();
  }

  /** Lets the process exit while an operation is pending. */
  unref(): void {
    this._conn.unref();
  }

  /** Same as close(). */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * A TCP connection on io_uring, assignable to `Deno.TcpConn`.
 *
 * @example
 * ```ts
 * import { connect } from "@kernio/kernio/uring";
 * const conn = await connect({ hostname: "127.0.0.1", port: 8080 });
 * conn.setNoDelay(true);
 * conn.close();
 * ```
 */
export class UringTcpConn extends UringConn<Deno.NetAddr>
  implements Deno.TcpConn {
  #local: Deno.NetAddr | null = null;
  #remote: Deno.NetAddr | null;

  /** @internal */
  constructor(engine: Engine, fd: number, remote?: Deno.NetAddr) {
    super(engine, fd);
    // Read now: after a reset the kernel no longer knows the peer, and
    // the error message names it.
    this.#remote = remote ?? netAddrOf(fd, true, UNKNOWN_ADDR);
  }

  /** The local address. */
  get localAddr(): Deno.NetAddr {
    return this.#local ??= netAddrOf(this.fd, false, UNKNOWN_ADDR);
  }

  /** The peer's address. */
  get remoteAddr(): Deno.NetAddr {
    return this.#remote ??= netAddrOf(this.fd, true, UNKNOWN_ADDR);
  }

  /** @internal */
  _peerText(): string {
    return netAddrText(this.remoteAddr);
  }

  /** Disables (true, the default argument) or enables Nagle's algorithm. */
  setNoDelay(noDelay = true): void {
    if (this._conn.closed) throw new ClosedError(undefined, "setNoDelay");
    setNoDelay(this.fd, noDelay);
  }

  /** Enables (true, the default argument) or disables TCP keep-alive. */
  setKeepAlive(keepAlive = true): void {
    if (this._conn.closed) throw new ClosedError(undefined, "setKeepAlive");
    setKeepAlive(this.fd, keepAlive);
  }
}

/**
 * A Unix stream connection on io_uring, assignable to `Deno.UnixConn`.
 *
 * @example
 * ```ts
 * import { connect } from "@kernio/kernio/uring";
 * const conn = await connect({ transport: "unix", path: "/tmp/app.sock" });
 * conn.remoteAddr.path; // "/tmp/app.sock"
 * conn.close();
 * ```
 */
export class UringUnixConn extends UringConn<Deno.UnixAddr>
  implements Deno.UnixConn {
  #local: Deno.UnixAddr | null = null;
  #remote: Deno.UnixAddr | null;

  /** @internal */
  constructor(engine: Engine, fd: number, remote?: Deno.UnixAddr) {
    super(engine, fd);
    this.#remote = remote ?? null;
  }

  /** The local address (path "" when unbound). */
  get localAddr(): Deno.UnixAddr {
    return this.#local ??= unixAddrOf(this.fd, false);
  }

  /** The peer's address (path "" for an unbound client). */
  get remoteAddr(): Deno.UnixAddr {
    return this.#remote ??= unixAddrOf(this.fd, true);
  }

  /** @internal */
  _peerText(): string {
    return this.remoteAddr.path || "unix socket";
  }
}
