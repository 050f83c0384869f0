/**
 * Listeners served by io_uring with the shape of `Deno.TcpListener` and
 * `Deno.UnixListener`: `accept()`, async iteration, `addr`, `close()`,
 * `ref`/`unref`, `using`. Accepting runs as one multishot accept, started
 * by the first `accept()`; when accepted connections pile up unclaimed
 * (64), it pauses and the kernel's backlog holds the rest. Running out
 * of descriptors (EMFILE) backs off instead of spinning.
 *
 * @example
 * ```ts
 * import { listen } from "@kernio/kernio/uring";
 * using listener = listen({ port: 0 });
 * for await (const conn of listener) {
 *   conn.readable.pipeTo(conn.writable).catch(() => {});
 * }
 * ```
 *
 * @module
 */

import { ClosedError, errorFromErrno } from "../../sock/errors.ts";
import { SHUT } from "../../zcall/constants.ts";
import { close as closeFd, shutdown } from "../../zcall/syscalls.ts";
import type { Engine, EngineListener } from "./_engine.ts";
import { type UringConn, UringTcpConn, UringUnixConn } from "./conn.ts";

// Accepted connections kept for accept() before accepting pauses.
const QUEUE_HIGH = 64;

/**
 * Base of {@linkcode UringTcpListener} and {@linkcode UringUnixListener}.
 *
 * @example
 * ```ts
 * import { listen, type UringListener, type UringTcpConn } from "@kernio/kernio/uring";
 * const l: UringListener<UringTcpConn, Deno.NetAddr> = listen({ port: 0 });
 * l.close();
 * ```
 */
export abstract class UringListener<
  C extends UringConn<A>,
  A extends Deno.Addr,
> implements Deno.Listener<C, A> {
  /** The listening address. */
  readonly addr: A;
  readonly #engine: Engine;
  readonly #fd: number;
  #listener: EngineListener | null = null;
  #queue: number[] = [];
  #waiters: { resolve: (c: C) => void; reject: (e: unknown) => void }[] = [];
  #closed = false;
  #ref = true;
  #error: Error | null = null;

  /** @internal Use listen(). */
  constructor(engine: Engine, fd: number, addr: A) {
    this.#engine = engine;
    this.#fd = fd;
    this.addr = addr;
  }

  /** The listening socket's fd (owned by the listener). */
  get fd(): number {
    return this.#fd;
  }

  /** @internal */
  protected abstract _wrap(engine: Engine, fd: number): C;

  #start(): void {
    if (this.#listener !== null) return;
    this.#listener = this.#engine.listen(this.#fd, {
      onAccept: (fd) => this.#onAccept(fd),
      onError: (errno, temporary) => {
        if (!temporary) {
          this.#error = errorFromErrno(errno, "accept");
          this.#failWaiters(this.#error);
        }
      },
      onClose: () => {},
    }, { keepAlive: "waiting" });
    if (!this.#ref) this.#listener.unref();
  }

  // A listener keeps the event loop alive only while an accept() waits,
  // as Deno.Listener does.
  #sync(): void {
    this.#listener?.setWaiting(this.#waiters.length > 0);
  }

  #onAccept(fd: number): void {
    const w = this.#waiters.shift();
    if (w !== undefined) {
      this.#sync();
      let c: C;
      try {
        c = this._wrap(this.#engine, fd);
      } catch (e) {
        closeFd(fd);
        w.reject(e);
        return;
      }
      w.resolve(c);
      return;
    }
    this.#queue.push(fd);
    if (this.#queue.length >= QUEUE_HIGH) this.#listener?.pause();
  }

  #failWaiters(e: unknown): void {
    for (const w of this.#waiters.splice(0)) w.reject(e);
    this.#sync();
  }

  /** Waits for the next connection. */
  accept(): Promise<C> {
    if (this.#closed) {
      return Promise.reject(new ClosedError(undefined, "accept"));
    }
    if (this.#error !== null) return Promise.reject(this.#error);
    const fd = this.#queue.shift();
    if (fd !== undefined) {
      if (this.#queue.length < QUEUE_HIGH / 2) this.#listener?.resume();
      try {
        return Promise.resolve(this._wrap(this.#engine, fd));
      } catch (e) {
        closeFd(fd);
        return Promise.reject(e);
      }
    }
    this.#start();
    this.#listener!.resume();
    const r = new Promise<C>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
    this.#sync();
    return r;
  }

  /**
   * Stops listening: pending accept() calls reject with a ClosedError,
   * connections not yet accepted are closed, the port is free at once.
   * Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listener?.close();
    // Frees the port now (the kernel's in-flight accept may hold the file
    // a moment longer): shutdown moves the socket out of LISTEN.
    shutdown(this.#fd, SHUT.RDWR);
    closeFd(this.#fd);
    for (const fd of this.#queue.splice(0)) closeFd(fd);
    this.#failWaiters(new ClosedError(undefined, "accept"));
  }

  /**
   * A pending accept() keeps the event loop alive (the default); an idle
   * listener never does, as with `Deno.Listener`.
   */
  ref(): void {
    this.#ref = true;
    this.#listener?.ref();
  }

  /** Lets the process exit while an accept() is pending. */
  unref(): void {
    this.#ref = false;
    this.#listener?.unref();
  }

  /** Accepted connections until close() (which ends the iteration). */
  async *[Symbol.asyncIterator](): AsyncIterableIterator<C> {
    while (!this.#closed) {
      try {
        yield await this.accept();
      } catch (e) {
        if (e instanceof ClosedError && this.#closed) return;
        throw e;
      }
    }
  }

  /** Same as close(). */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * A TCP listener on io_uring, assignable to `Deno.TcpListener`.
 *
 * @example
 * ```ts
 * import { listen } from "@kernio/kernio/uring";
 * using l = listen({ hostname: "127.0.0.1", port: 0 });
 * l.addr.port; // the port picked
 * ```
 */
export class UringTcpListener extends UringListener<UringTcpConn, Deno.NetAddr>
  implements Deno.TcpListener {
  /** @internal */
  protected _wrap(engine: Engine, fd: number): UringTcpConn {
    return new UringTcpConn(engine, fd);
  }
}

/**
 * A Unix stream listener on io_uring, assignable to `Deno.UnixListener`.
 *
 * @example
 * ```ts
 * import { listen } from "@kernio/kernio/uring";
 * using l = listen({ transport: "unix", path: `/tmp/kernio-${Deno.pid}.sock` });
 * l.addr.path;
 * ```
 */
export class UringUnixListener
  extends UringListener<UringUnixConn, Deno.UnixAddr>
  implements Deno.UnixListener {
  /** @internal */
  protected _wrap(engine: Engine, fd: number): UringUnixConn {
    return new UringUnixConn(engine, fd);
  }
}
