/**
 * Listener setup entirely through io_uring: IORING_OP_SOCKET →
 * IORING_OP_BIND → IORING_OP_LISTEN, then multishot accept. One extended
 * context carries the chain: {@linkcode ListenerManager} submits the
 * SOCKET; each CQE decodes with {@linkcode decodeListenerCQE}; the caller
 * advances with {@linkcode prepareListenerBind} / {@linkcode
 * prepareListenerListen} + {@linkcode submitExtended}, and marks the end
 * with {@linkcode setListenerReady} (or lets {@linkcode ListenerOp.advance}
 * do the standard chain). Routing CQEs stays the caller's business.
 *
 * @example
 * ```ts
 * import { CQEView, decodeListenerCQE, ListenerManager, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 16 });
 * ring.start();
 * const op = new ListenerManager(ring).listenTCP4({ hostname: "127.0.0.1", port: 0 }, 128);
 * const cqes = [new CQEView()];
 * while (op.state !== "ready" && op.state !== "failed") {
 *   if (ring.waitBlocking(cqes, 1, 1000) === 0) continue;
 *   const step = decodeListenerCQE(cqes[0]);
 *   if (step) step.op.advance(step);
 * }
 * ```
 *
 * @module
 */

import { AF, IORING_OP, SOCK } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";
import { unsafeAddressOf } from "../zcall/memory.ts";
import { close as closeFd, getsockname } from "../zcall/syscalls.ts";
import {
  type Sockaddr,
  tcpAddrToSockaddr,
  unixAddrToSockaddr,
} from "../sock/sockaddr.ts";
import type { ExtSQE } from "./context.ts";
import type { CQEView } from "./cqe.ts";
import {
  NotReadyError,
  RingClosedError,
  UringError,
  uringError,
} from "./errors.ts";
import {
  acceptMultishot,
  type MultishotHandler,
  type MultishotSubscription,
} from "./multishot.ts";
import type { OpOptions, Uring } from "./ring.ts";
import { prepBind, prepListen, prepSocket } from "./sqe/net.ts";
import { copySqe } from "./sqe/layout.ts";
import { forFD } from "./context.ts";
import { checkFd } from "./_validate.ts";

/**
 * An IP listen address (a literal IPv4/IPv6 hostname and a port; 0 picks
 * a free one).
 *
 * @example
 * ```ts
 * import type { ListenerAddr } from "@kernio/kernio/uring";
 * const a: ListenerAddr = { hostname: "127.0.0.1", port: 0 };
 * ```
 */
export interface ListenerAddr {
  /** IPv4 or IPv6 literal. */
  hostname: string;
  /** Port (0: any). */
  port: number;
}

/**
 * A Unix socket path to listen on.
 *
 * @example
 * ```ts
 * import type { ListenerUnixAddr } from "@kernio/kernio/uring";
 * const a: ListenerUnixAddr = { path: "/tmp/app.sock" };
 * ```
 */
export interface ListenerUnixAddr {
  /** Filesystem path (or an abstract name starting with "@"). */
  path: string;
}

/**
 * Where a listener's setup is.
 *
 * @example
 * ```ts
 * import type { ListenerState } from "@kernio/kernio/uring";
 * const s: ListenerState = "ready";
 * ```
 */
export type ListenerState =
  | "init"
  | "socket"
  | "bound"
  | "listening"
  | "ready"
  | "failed";

/**
 * Receives the setup events. Returning false from onSocketCreated/onBound
 * stops the chain (ListenerOp.advance submits nothing more).
 *
 * @example
 * ```ts
 * import type { ListenerHandler } from "@kernio/kernio/uring";
 * const h: ListenerHandler = {
 *   onSocketCreated: (fd) => true,
 *   onBound: () => true,
 *   onListening: () => {},
 *   onError: (op, err) => console.error(op, err),
 * };
 * ```
 */
export interface ListenerHandler {
  /** SOCKET completed with `fd` (set socket options here). */
  onSocketCreated(fd: number): boolean;
  /** BIND completed. */
  onBound(): boolean;
  /** LISTEN completed: the listener is ready. */
  onListening(): void;
  /** A stage failed (`op` is the IORING_OP_* of that stage). */
  onError(op: number, err: UringError): void;
}

/**
 * Default ListenerHandler to extend: continue at every stage.
 *
 * @example
 * ```ts
 * import { NoopListenerHandler } from "@kernio/kernio/uring";
 * class H extends NoopListenerHandler {
 *   override onListening() { console.log("ready"); }
 * }
 * ```
 */
export class NoopListenerHandler implements ListenerHandler {
  /** Continue to bind. */
  onSocketCreated(_fd: number): boolean {
    return true;
  }
  /** Continue to listen. */
  onBound(): boolean {
    return true;
  }
  /** No-op. */
  onListening(): void {}
  /** No-op. */
  onError(_op: number, _err: UringError): void {}
}

/**
 * A ListenerHandler from functions.
 *
 * @example
 * ```ts
 * import { ListenerSubscriber } from "@kernio/kernio/uring";
 * const h = new ListenerSubscriber().onListening(() => console.log("up"));
 * ```
 */
export class ListenerSubscriber {
  #created: ((fd: number) => boolean) | null = null;
  #bound: (() => boolean) | null = null;
  #listening: (() => void) | null = null;
  #error: ((op: number, err: UringError) => void) | null = null;

  /** Sets the socket-created function. */
  onSocketCreated(fn: (fd: number) => boolean): this {
    this.#created = fnCheck("onSocketCreated", fn);
    return this;
  }
  /** Sets the bound function. */
  onBound(fn: () => boolean): this {
    this.#bound = fnCheck("onBound", fn);
    return this;
  }
  /** Sets the listening function. */
  onListening(fn: () => void): this {
    this.#listening = fnCheck("onListening", fn);
    return this;
  }
  /** Sets the error function. */
  onError(fn: (op: number, err: UringError) => void): this {
    this.#error = fnCheck("onError", fn);
    return this;
  }
  /** The {@linkcode ListenerHandler} calling these functions. */
  handler(): ListenerHandler {
    return {
      onSocketCreated: (fd) => this.#created?.(fd) ?? true,
      onBound: () => this.#bound?.() ?? true,
      onListening: () => this.#listening?.(),
      onError: (op, err) => this.#error?.(op, err),
    };
  }
}

function fnCheck<T>(name: string, fn: T): T {
  if (typeof fn !== "function") {
    throw new TypeError(`ListenerSubscriber.${name}: expected a function`);
  }
  return fn;
}

/**
 * A decoded listener CQE.
 *
 * @example
 * ```ts
 * import type { ListenerStep } from "@kernio/kernio/uring";
 * declare const step: ListenerStep;
 * if (step.err) console.error(step.opcode, step.err.code);
 * ```
 */
export interface ListenerStep {
  /** The stage that completed: IORING_OP.SOCKET, BIND or LISTEN. */
  opcode: number;
  /** The socket fd (after SOCKET), else -1. */
  fd: number;
  /** The state after this completion. */
  state: ListenerState;
  /** The stage's error, or null. */
  err: UringError | null;
  /** What the handler answered (false: stop the chain). */
  proceed: boolean;
  /** The listener operation. */
  op: ListenerOp;
  /** Its extended context. */
  ext: ExtSQE;
}

/**
 * One listener being set up (and then the listener itself).
 *
 * @example
 * ```ts
 * import { ListenerManager, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const op = new ListenerManager(ring).listenTCP4({ hostname: "127.0.0.1", port: 0 }, 16);
 * op.fd; // -1 until SOCKET completes
 * ```
 */
export class ListenerOp {
  readonly #ring: Uring;
  #ext: ExtSQE | null;
  /** @internal */
  readonly sockaddr: Sockaddr;
  /** Listen backlog. */
  readonly backlog: number;
  /** The setup handler. */
  readonly handler: ListenerHandler;
  /** @internal address family, type and protocol of the socket. */
  readonly family: number;
  #fd = -1;
  #state: ListenerState = "init";
  #inflight = false;

  /** @internal Use ListenerManager. */
  constructor(
    ring: Uring,
    ext: ExtSQE,
    sa: Sockaddr,
    backlog: number,
    handler: ListenerHandler,
    family: number,
  ) {
    this.#ring = ring;
    this.#ext = ext;
    this.sockaddr = sa;
    this.backlog = backlog;
    this.handler = handler;
    this.family = family;
    ext.refs[0] = this;
  }

  /** The listener fd, or -1 before SOCKET completed. */
  get fd(): number {
    return this.#fd;
  }

  /** Current setup state. */
  get state(): ListenerState {
    return this.#state;
  }

  /** The extended context (for the prepare helpers), or null once closed. */
  get ext(): ExtSQE | null {
    return this.#ext;
  }

  /** Stores the socket fd from the SOCKET completion. */
  setFD(fd: number): void {
    checkFd("ListenerOp.setFD", fd);
    this.#fd = fd;
  }

  /** The bound port (after BIND), read with getsockname. */
  port(): number {
    if (this.#fd < 0) return 0;
    const sa = new Uint8Array(128);
    const len = new Uint32Array([128]);
    const r = getsockname(this.#fd, sa, len);
    if (r < 0) throw uringError("getsockname", r);
    return (sa[2] << 8) | sa[3];
  }

  /** @internal */
  _setState(s: ListenerState): void {
    this.#state = s;
  }
  /** @internal */
  _inflight(v: boolean): void {
    this.#inflight = v;
  }

  /**
   * The standard chain: after SOCKET submit BIND, after BIND submit LISTEN,
   * after LISTEN mark ready. Returns true once ready.
   */
  advance(step: ListenerStep): boolean {
    if (step.op !== this) {
      throw new TypeError("ListenerOp.advance: step of another listener");
    }
    if (step.err !== null || !step.proceed) return false;
    const ext = this.#ext;
    if (ext === null) throw new RingClosedError("ListenerOp.advance");
    if (step.opcode === IORING_OP.SOCKET) {
      prepareListenerBind(ext, step.fd);
      submitExtended(this.#ring, ext);
    } else if (step.opcode === IORING_OP.BIND) {
      prepareListenerListen(ext, this.#fd);
      submitExtended(this.#ring, ext);
    } else if (step.opcode === IORING_OP.LISTEN) {
      setListenerReady(ext);
      return true;
    }
    return this.#state === "ready";
  }

  /**
   * Starts a multishot accept subscription on the ready listener. Throws
   * {@linkcode NotReadyError} (code "ENOTREADY") before that.
   */
  acceptMultishot(
    handler: MultishotHandler,
    o?: OpOptions,
  ): MultishotSubscription {
    if (this.#state !== "ready" || this.#fd < 0) {
      throw new NotReadyError(
        "ListenerOp.acceptMultishot",
        "listener not ready (its LISTEN has not completed)",
      );
    }
    return acceptMultishot(this.#ring, forFD(this.#fd), handler, o);
  }

  /**
   * Closes the listener fd and returns the context to the pool. If a setup
   * SQE is still in flight, the context stays borrowed until that CQE has
   * been drained and close() is called again.
   */
  close(): void {
    if (this.#fd >= 0) {
      closeFd(this.#fd);
      this.#fd = -1;
    }
    if (this.#inflight || this.#ext === null) return;
    const ext = this.#ext;
    this.#ext = null;
    ext.refs[0] = undefined;
    try {
      if (!this.#ring.closed) this.#ring.putExtSQE(ext);
    } catch { /* ring gone */ }
  }

  /** Same as {@linkcode ListenerOp.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function opOf(ext: ExtSQE, where: string): ListenerOp {
  const op = ext?.refs?.[0];
  if (!(op instanceof ListenerOp)) {
    throw new TypeError(`${where}: not a listener context`);
  }
  return op;
}

/**
 * Fills `ext`'s SQE with IORING_OP_SOCKET for the listener's family (the
 * manager calls it; exposed for callers building their own chain).
 *
 * @example
 * ```ts
 * import { ListenerManager, prepareListenerSocket, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const op = new ListenerManager(ring).listenTCP4({ hostname: "127.0.0.1", port: 0 }, 8, undefined, false);
 * prepareListenerSocket(op.ext!);
 * ```
 */
export function prepareListenerSocket(ext: ExtSQE): void {
  const op = opOf(ext, "prepareListenerSocket");
  prepSocket(ext.sqeU32, 0, op.family, SOCK.STREAM | SOCK.CLOEXEC, 0, 0);
}

/**
 * Fills `ext`'s SQE with IORING_OP_BIND of `fd` to the stored address.
 *
 * @example
 * ```ts
 * import { prepareListenerBind, type ListenerStep } from "@kernio/kernio/uring";
 * declare const step: ListenerStep;
 * prepareListenerBind(step.ext, step.fd);
 * ```
 */
export function prepareListenerBind(ext: ExtSQE, fd: number): void {
  const op = opOf(ext, "prepareListenerBind");
  checkFd("prepareListenerBind", fd);
  const sa = op.sockaddr;
  prepBind(ext.sqeU32, 0, fd, addrOf(sa.bytes), sa.length);
}

/**
 * Fills `ext`'s SQE with IORING_OP_LISTEN of `fd` with the stored backlog.
 *
 * @example
 * ```ts
 * import { prepareListenerListen, type ListenerStep } from "@kernio/kernio/uring";
 * declare const step: ListenerStep;
 * prepareListenerListen(step.ext, step.op.fd);
 * ```
 */
export function prepareListenerListen(ext: ExtSQE, fd: number): void {
  const op = opOf(ext, "prepareListenerListen");
  checkFd("prepareListenerListen", fd);
  prepListen(ext.sqeU32, 0, fd, op.backlog);
}

/**
 * Marks the listener ready (after LISTEN completed) and calls onListening.
 *
 * @example
 * ```ts
 * import { setListenerReady, type ListenerStep } from "@kernio/kernio/uring";
 * declare const step: ListenerStep;
 * setListenerReady(step.ext);
 * ```
 */
export function setListenerReady(ext: ExtSQE): void {
  const op = opOf(ext, "setListenerReady");
  if (op.state === "ready") return;
  op._setState("ready");
  op.handler.onListening();
}

/**
 * Submits the SQE prepared in `ext` (copied into the ring, user_data = the
 * extended context). Keeps the listener's sockaddr alive until the CQE.
 *
 * @example
 * ```ts
 * import { submitExtended, type ListenerStep, Uring } from "@kernio/kernio/uring";
 * declare const ring: Uring, step: ListenerStep;
 * submitExtended(ring, step.ext);
 * ```
 */
export function submitExtended(ring: Uring, ext: ExtSQE): void {
  const i = ring.getSqe();
  if (i < 0) {
    throw new UringError(
      "submitExtended",
      -Errno.EBUSY,
      "uring: submitExtended: submission queue full",
    );
  }
  copySqe(ring.sqeWords, i, ext.sqeU32);
  const owner = ext.refs[0];
  const keep = owner instanceof ListenerOp ? owner.sockaddr.bytes : undefined;
  ring.finishSqe(i, ext.context, undefined, keep);
  if (owner instanceof ListenerOp) owner._inflight(true);
}

function addrOf(b: Uint8Array): number {
  // The sockaddr lives in a JS buffer: its address is stable (externalized).
  return unsafeAddressOf(b);
}

/**
 * Decodes a CQE of a listener chain (or returns null for other CQEs),
 * updates the listener's state and calls its handler.
 *
 * @example
 * ```ts
 * import { CQEView, decodeListenerCQE } from "@kernio/kernio/uring";
 * declare const cqe: CQEView;
 * const step = decodeListenerCQE(cqe);
 * if (step?.err) console.error(step.err);
 * ```
 */
export function decodeListenerCQE(cqe: CQEView): ListenerStep | null {
  if (cqe.userDataHi >>> 30 !== 2) return null;
  let ext: ExtSQE;
  try {
    ext = cqe.extSQE();
  } catch {
    return null;
  }
  const op = ext.refs[0];
  if (!(op instanceof ListenerOp)) return null;
  op._inflight(false);
  const opcode = ext.sqeU32[0] & 0xff;
  const res = cqe.res;
  const step: ListenerStep = {
    opcode,
    fd: op.fd,
    state: op.state,
    err: null,
    proceed: false,
    op,
    ext,
  };
  if (res < 0) {
    step.err = uringError(
      opcode === IORING_OP.SOCKET
        ? "socket"
        : opcode === IORING_OP.BIND
        ? "bind"
        : "listen",
      res,
    );
    op._setState("failed");
    step.state = "failed";
    op.handler.onError(opcode, step.err);
    return step;
  }
  if (opcode === IORING_OP.SOCKET) {
    op.setFD(res);
    step.fd = res;
    op._setState("socket");
    step.proceed = op.handler.onSocketCreated(res);
  } else if (opcode === IORING_OP.BIND) {
    op._setState("bound");
    step.proceed = op.handler.onBound();
  } else if (opcode === IORING_OP.LISTEN) {
    op._setState("listening");
    step.proceed = true;
  }
  step.state = op.state;
  return step;
}

/**
 * Starts listener setups: prepares and submits the SOCKET stage.
 *
 * @example
 * ```ts
 * import { ListenerManager, NoopListenerHandler, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const m = new ListenerManager(ring);
 * const op = m.listenTCP4({ hostname: "127.0.0.1", port: 0 }, 128, new NoopListenerHandler());
 * ```
 */
export class ListenerManager {
  readonly #ring: Uring;

  /** Creates a manager over `ring` (contexts come from its pool). */
  constructor(ring: Uring) {
    if (
      ring === null || typeof ring !== "object" ||
      typeof ring.extSQE !== "function"
    ) {
      throw new TypeError("ListenerManager: expected a Uring");
    }
    this.#ring = ring;
  }

  /** The ring. */
  ring(): Uring {
    return this.#ring;
  }

  #start(
    where: string,
    family: number,
    sa: Sockaddr,
    backlog: number,
    handler: ListenerHandler | ListenerSubscriber | undefined,
    submit: boolean,
  ): ListenerOp {
    if (!Number.isInteger(backlog) || backlog < 0 || backlog > 0x7fffffff) {
      throw new RangeError(`${where}: bad backlog ${backlog}`);
    }
    const h = handler === undefined
      ? new NoopListenerHandler()
      : handler instanceof ListenerSubscriber
      ? handler.handler()
      : handler;
    if (
      h === null || typeof h !== "object" ||
      typeof h.onSocketCreated !== "function" ||
      typeof h.onBound !== "function" ||
      typeof h.onListening !== "function" || typeof h.onError !== "function"
    ) {
      throw new TypeError(`${where}: handler must implement ListenerHandler`);
    }
    const ext = this.#ring.extSQE();
    if (ext === null) {
      throw new UringError(
        where,
        -Errno.EBUSY,
        `uring: ${where}: context pool exhausted`,
      );
    }
    const op = new ListenerOp(this.#ring, ext, sa, backlog, h, family);
    if (submit) {
      try {
        prepareListenerSocket(ext);
        submitExtended(this.#ring, ext);
      } catch (e) {
        op.close();
        throw e;
      }
    }
    return op;
  }

  /**
   * IPv4 TCP listener: submits SOCKET (AF_INET, SOCK_STREAM). Pass
   * `submit` false to only prepare it.
   */
  listenTCP4(
    addr: ListenerAddr,
    backlog: number,
    handler?: ListenerHandler | ListenerSubscriber,
    submit = true,
  ): ListenerOp {
    const sa = tcpAddrToSockaddr(addr);
    if (sa.family() !== AF.INET) {
      throw new TypeError("listenTCP4: not an IPv4 address");
    }
    return this.#start("listenTCP4", AF.INET, sa, backlog, handler, submit);
  }

  /** IPv6 TCP listener. */
  listenTCP6(
    addr: ListenerAddr,
    backlog: number,
    handler?: ListenerHandler | ListenerSubscriber,
    submit = true,
  ): ListenerOp {
    const sa = tcpAddrToSockaddr(addr);
    if (sa.family() !== AF.INET6) {
      throw new TypeError("listenTCP6: not an IPv6 address");
    }
    return this.#start("listenTCP6", AF.INET6, sa, backlog, handler, submit);
  }

  /** Unix stream listener at `addr.path`. */
  listenUnix(
    addr: ListenerUnixAddr,
    backlog: number,
    handler?: ListenerHandler | ListenerSubscriber,
    submit = true,
  ): ListenerOp {
    const sa = unixAddrToSockaddr(addr);
    return this.#start("listenUnix", AF.UNIX, sa, backlog, handler, submit);
  }
}
