// The operation methods of a driver: one promise-returning method per
// io_uring operation, each submitting through `submit()`, which
// UringDriver (uring/driver.ts) implements with its wait loop.

import { IOSQE, O, SOCK } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";
import type { SQEContext } from "./context.ts";
import { uringError } from "./errors.ts";
import type { OpOptions, Uring } from "./ring.ts";
import type { Completion } from "./driver/_pending.ts";
import { checkFd, fdCtx } from "./driver/_util.ts";

const RECV_ANY = { msgFlags: 0 } as const;
const RECV_ANY_LINKED = { msgFlags: 0, flags: IOSQE.IO_LINK } as const;

/**
 * Per-operation options of the Promise conveniences.
 *
 * @example
 * ```ts
 * import type { DriverOpOptions } from "@kernio/kernio/uring";
 * const opts: DriverOpOptions = { signal: AbortSignal.timeout(1000) };
 * ```
 */
export interface DriverOpOptions {
  /** Cancels the operation (async cancel); the promise rejects with the reason. */
  signal?: AbortSignal;
  /** Deadline in ms (a linked timeout): rejects with a UringError "ETIME". */
  timeoutMs?: number;
  /** Resolve with negative results instead of rejecting. */
  raw?: boolean;
}

/**
 * The promise-returning operations every {@linkcode UringDriver} has: each
 * submits one SQE through {@linkcode DriverOps.submit} and resolves with
 * its completion (or its result), rejecting with a typed UringError on a
 * negative result, with `signal.reason` when aborted and with an "ETIME"
 * UringError at the deadline.
 *
 * @example
 * ```ts
 * import { type DriverOps, UringDriver } from "@kernio/kernio/uring";
 * await using d = new UringDriver({ entries: 8 });
 * const ops: DriverOps = d;
 * (await ops.nop()).res; // 0
 * ```
 */
export abstract class DriverOps {
  /**
   * Submits one operation and resolves with its completion. `prep` writes
   * the SQE through a ring method with the given (extended) context and
   * returns its boolean.
   *
   * @param op The operation's name, for errors.
   * @param prep Writes the SQE; false when the submission queue is full.
   * @param options Cancellation, deadline, raw results.
   * @returns The completion.
   */
  abstract submit(
    op: string,
    prep: (ring: Uring, ctx: SQEContext, o: OpOptions | undefined) => boolean,
    options?: DriverOpOptions,
  ): Promise<Completion>;

  /**
   * IORING_OP_NOP.
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * (await d.nop()).res; // 0
   * ```
   */
  nop(options?: DriverOpOptions): Promise<Completion> {
    return this.submit("nop", (r, c, o) => r.nop(c, o), options);
  }

  /**
   * Waits `ms` milliseconds with an io_uring timeout (resolves, never
   * rejects with ETIME).
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * await d.sleep(10);
   * ```
   */
  async sleep(
    ms: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const c = await this.submit(
      "sleep",
      (r, ctx, o) => r.timeout(ctx, ms, o),
      { signal: options.signal, raw: true },
    );
    if (c.res < 0 && c.res !== -Errno.ETIME) throw uringError("sleep", c.res);
  }

  /**
   * Sends `buf` on a socket; resolves with the bytes sent.
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const fd: number;
   * await d.send(fd, new TextEncoder().encode("hi"));
   * ```
   */
  async send(
    fd: number,
    buf: Uint8Array,
    options?: DriverOpOptions,
  ): Promise<number> {
    checkFd("send", fd);
    return (await this.submit(
      "send",
      (r, c, o) => r.send(fdCtx(c, fd), buf, o),
      options,
    )).res;
  }

  /**
   * Sends all of `buf` (repeating short sends).
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const fd: number;
   * await d.sendAll(fd, new Uint8Array(100000));
   * ```
   */
  async sendAll(
    fd: number,
    buf: Uint8Array,
    options?: DriverOpOptions,
  ): Promise<void> {
    let off = 0;
    while (off < buf.byteLength) {
      off += await this.send(fd, buf.subarray(off), options);
    }
  }

  /**
   * Receives into `buf`; resolves with the byte count (0: end of stream).
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const fd: number;
   * const n = await d.recv(fd, new Uint8Array(1024), { timeoutMs: 1000 });
   * ```
   */
  async recv(
    fd: number,
    buf: Uint8Array,
    options?: DriverOpOptions,
  ): Promise<number> {
    checkFd("recv", fd);
    return (await this.submit(
      "recv",
      // Whatever has arrived, like Deno's read (the ring's receive waits
      // for a full buffer by default).
      (r, c, o) =>
        r.recv(
          fdCtx(c, fd),
          buf,
          o === undefined ? RECV_ANY : RECV_ANY_LINKED,
        ),
      options,
    )).res;
  }

  /**
   * Reads from a file at `offset` (-1: current position).
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const fd: number;
   * const n = await d.read(fd, new Uint8Array(4096), 0);
   * ```
   */
  async read(
    fd: number,
    buf: Uint8Array,
    offset = -1,
    options?: DriverOpOptions,
  ): Promise<number> {
    checkFd("read", fd);
    return (await this.submit(
      "read",
      (r, c, o) => r.read(fdCtx(c, fd), buf, { ...o, offset }),
      options,
    )).res;
  }

  /**
   * Writes to a file at `offset` (-1: current position).
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const fd: number;
   * await d.write(fd, new Uint8Array([1, 2, 3]), 0);
   * ```
   */
  async write(
    fd: number,
    buf: Uint8Array,
    offset = -1,
    options?: DriverOpOptions,
  ): Promise<number> {
    checkFd("write", fd);
    return (await this.submit(
      "write",
      (r, c, o) => r.write(fdCtx(c, fd), buf, { ...o, offset }),
      options,
    )).res;
  }

  /**
   * Accepts one connection; resolves with the new fd (SOCK_CLOEXEC).
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const lfd: number;
   * const fd = await d.accept(lfd, { timeoutMs: 1000 });
   * ```
   */
  async accept(fd: number, options?: DriverOpOptions): Promise<number> {
    checkFd("accept", fd);
    return (await this.submit(
      "accept",
      (r, c, o) => r.accept(fdCtx(c, fd), { ...o, msgFlags: SOCK.CLOEXEC }),
      options,
    )).res;
  }

  /**
   * Connects a socket to a raw sockaddr.
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const fd: number, sa: Uint8Array;
   * await d.connect(fd, sa);
   * ```
   */
  async connect(
    fd: number,
    addr: Uint8Array,
    options?: DriverOpOptions,
  ): Promise<void> {
    checkFd("connect", fd);
    await this.submit(
      "connect",
      (r, c, o) => r.connect(fdCtx(c, fd), addr, o),
      options,
    );
  }

  /**
   * Splices up to `n` bytes from `fdIn` to `fdOut` (one of them a pipe).
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const file: number, pipeW: number;
   * const moved = await d.splice(file, pipeW, 65536, 0);
   * ```
   */
  async splice(
    fdIn: number,
    fdOut: number,
    n: number,
    offIn = -1,
    offOut = -1,
    options?: DriverOpOptions,
  ): Promise<number> {
    checkFd("splice", fdIn);
    checkFd("splice", fdOut);
    return (await this.submit(
      "splice",
      (r, c, o) =>
        r.splice(fdCtx(c, fdOut), fdIn, n, { ...o, offset: offOut }, offIn),
      options,
    )).res;
  }

  /**
   * Opens `path` (relative to the cwd) with IORING_OP_OPENAT; resolves with
   * the fd (O_CLOEXEC is added).
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * import { O } from "@kernio/kernio/zcall";
   * await using d = new UringDriver({ entries: 8 });
   * const fd = await d.openAt("/etc/hostname", O.RDONLY);
   * await d.closeFd(fd);
   * ```
   */
  async openAt(
    path: string,
    flags: number,
    mode = 0o644,
    options?: DriverOpOptions,
  ): Promise<number> {
    if (typeof path !== "string" || path.length === 0) {
      throw new TypeError("openAt: path must be a non-empty string");
    }
    return (await this.submit("openat", (r, c, o) => {
      c.extSQE().fd = -100; // AT_FDCWD
      return r.openAt(c, path, flags | O.CLOEXEC, mode, o);
    }, options)).res;
  }

  /**
   * Closes `fd` with IORING_OP_CLOSE.
   *
   * @example
   * ```ts
   * import { UringDriver } from "@kernio/kernio/uring";
   * await using d = new UringDriver({ entries: 8 });
   * declare const fd: number;
   * await d.closeFd(fd);
   * ```
   */
  async closeFd(fd: number, options?: DriverOpOptions): Promise<void> {
    checkFd("closeFd", fd);
    await this.submit("close", (r, c, o) => r.close(fdCtx(c, fd), o), options);
  }
}
