/**
 * Multishot operations: one SQE, a stream of CQEs until a final one without
 * IORING_CQE_F_MORE. Two forms:
 *
 * - raw submits ({@linkcode submitAcceptMultishot},
 *   {@linkcode submitReceiveMultishot}, {@linkcode submitReceiveBundleMultishot},
 *   {@linkcode submitAcceptDirectMultishot}) write the SQE with the caller's
 *   context; routing the CQEs is the caller's business;
 * - subscriptions ({@linkcode acceptMultishot}, {@linkcode receiveMultishot},
 *   {@linkcode receiveBundleMultishot}) carry an extended context whose slot
 *   points at a {@linkcode MultishotSubscription}; {@linkcode dispatchCQE}
 *   (or the {@linkcode UringDriver}) hands each CQE to it, the handler's
 *   `onMultishotStep` sees every step and `onMultishotStop` runs exactly once
 *   when the final CQE arrives.
 *
 * A multishot receive whose buffer group runs dry ends with ENOBUFS (the
 * step's `noBuffers` is true, the stop error's code is "ENOBUFS"). The data
 * stays in the socket: provide buffers and subscribe again to read on.
 *
 * @example
 * ```ts
 * import { acceptMultishot, dispatchCQE, forFD, MultishotAction, MultishotSubscriber, Uring, CQEView } from "@kernio/kernio/uring";
 * declare const listenerFd: number;
 * using ring = new Uring({ entries: 64 });
 * ring.start();
 * const sub = acceptMultishot(ring, forFD(listenerFd), new MultishotSubscriber()
 *   .onStep((step) => { console.log("accepted", step.cqe.res); return MultishotAction.Continue; })
 *   .onStop((err, cancelled) => console.log("stopped", err, cancelled)));
 * const cqes = [new CQEView()];
 * // loop: for (let n = ring.wait(cqes), k = 0; k < n; k++) dispatchCQE(cqes[k]);
 * sub.cancel();
 * ```
 *
 * @module
 */

import { IORING_OP, IOSQE, SOCK } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";
import { type ExtSQE, packDirect, SQEContext } from "./context.ts";
import { CQEView, IORING_CQE_F } from "./cqe.ts";
import { RingClosedError, UringError, uringError } from "./errors.ts";
import type { OpOptions, Uring } from "./ring.ts";
import { IORING_FILE_INDEX_ALLOC, IORING_RECVSEND } from "./sqe/layout.ts";
import {
  prepMultishotAccept,
  prepMultishotAcceptDirect,
  prepRecvSelect,
} from "./sqe/net.ts";

const F_MORE = IORING_CQE_F.MORE;
const ECANCELED = -Errno.ECANCELED;
const ENOBUFS = -Errno.ENOBUFS;

/**
 * What a step handler asks for.
 *
 * @example
 * ```ts
 * import { MultishotAction } from "@kernio/kernio/uring";
 * MultishotAction.Continue; // 0
 * ```
 */
export const MultishotAction = {
  /** Keep the subscription (only meaningful while the step has F_MORE). */
  Continue: 0,
  /** Request cancellation after this step (ignored on a final step). */
  Stop: 1,
} as const;
/** A {@linkcode MultishotAction} value. */
export type MultishotAction =
  typeof MultishotAction[keyof typeof MultishotAction];

/**
 * Where a subscription is: Active → (cancel) Cancelling → (final CQE)
 * Stopped, or Active → (final CQE) Stopped. Stopped is absorbing.
 *
 * @example
 * ```ts
 * import { SubscriptionState } from "@kernio/kernio/uring";
 * SubscriptionState.Stopped; // 2
 * ```
 */
export const SubscriptionState = {
  Active: 0,
  Cancelling: 1,
  Stopped: 2,
} as const;
/** A {@linkcode SubscriptionState} value. */
export type SubscriptionState =
  typeof SubscriptionState[keyof typeof SubscriptionState];

/**
 * One observed multishot CQE. The object (and its `cqe`) is reused for every
 * step of a subscription: read it inside `onMultishotStep` only.
 *
 * @example
 * ```ts
 * import { MultishotStep } from "@kernio/kernio/uring";
 * const s = new MultishotStep();
 * s.final(); // true: no F_MORE
 * ```
 */
export class MultishotStep {
  /** The borrowed completion (res: fd accepted / bytes received / -errno). */
  readonly cqe: CQEView = new CQEView();
  /** The decoded error of a negative result, else null. */
  err: UringError | null = null;
  /** The kernel step was -ECANCELED. */
  cancelled = false;
  /** The step was -ENOBUFS: the buffer group ran dry (the stream ended). */
  noBuffers = false;

  /** The CQE carried IORING_CQE_F_MORE: more steps follow. */
  hasMore(): boolean {
    return (this.cqe.flags & F_MORE) !== 0;
  }

  /** The CQE lacked IORING_CQE_F_MORE: this is the last step. */
  final(): boolean {
    return (this.cqe.flags & F_MORE) === 0;
  }
}

/**
 * Receives a subscription's steps and its single terminal stop.
 *
 * @example
 * ```ts
 * import { MultishotAction, type MultishotHandler } from "@kernio/kernio/uring";
 * const h: MultishotHandler = {
 *   onMultishotStep: (s) => s.err ? MultishotAction.Stop : MultishotAction.Continue,
 *   onMultishotStop: (err, cancelled) => {},
 * };
 * ```
 */
export interface MultishotHandler {
  /** One CQE. Return Stop to request async cancellation. */
  onMultishotStep(step: MultishotStep): MultishotAction;
  /** Runs exactly once, at the final CQE (unless unsubscribed). */
  onMultishotStop(err: UringError | null, cancelled: boolean): void;
}

/**
 * Default handler to extend: successful steps continue, error steps stop,
 * the terminal stop is ignored.
 *
 * @example
 * ```ts
 * import { MultishotAction, type MultishotStep, NoopMultishotHandler } from "@kernio/kernio/uring";
 * class Counter extends NoopMultishotHandler {
 *   n = 0;
 *   override onMultishotStep(step: MultishotStep) {
 *     if (step.err === null) this.n++;
 *     return super.onMultishotStep(step);
 *   }
 * }
 * ```
 */
export class NoopMultishotHandler implements MultishotHandler {
  /** Continue on success, Stop on error. */
  onMultishotStep(step: MultishotStep): MultishotAction {
    return step.err === null ? MultishotAction.Continue : MultishotAction.Stop;
  }
  /** No-op. */
  onMultishotStop(_err: UringError | null, _cancelled: boolean): void {}
}

/**
 * A handler built from functions.
 *
 * @example
 * ```ts
 * import { MultishotAction, MultishotSubscriber } from "@kernio/kernio/uring";
 * const h = new MultishotSubscriber()
 *   .onStep((s) => MultishotAction.Continue)
 *   .onStop((err, cancelled) => console.log("done", cancelled));
 * ```
 */
export class MultishotSubscriber extends NoopMultishotHandler {
  #step: ((step: MultishotStep) => MultishotAction) | null = null;
  #stop: ((err: UringError | null, cancelled: boolean) => void) | null = null;

  /** Sets the step function. */
  onStep(fn: (step: MultishotStep) => MultishotAction): this {
    if (typeof fn !== "function") {
      throw new TypeError("MultishotSubscriber.onStep: expected a function");
    }
    this.#step = fn;
    return this;
  }

  /** Sets the stop function. */
  onStop(fn: (err: UringError | null, cancelled: boolean) => void): this {
    if (typeof fn !== "function") {
      throw new TypeError("MultishotSubscriber.onStop: expected a function");
    }
    this.#stop = fn;
    return this;
  }

  /** This object, as a {@linkcode MultishotHandler}. */
  handler(): MultishotHandler {
    return this;
  }

  /** Calls the step function (default: NoopMultishotHandler's). */
  override onMultishotStep(step: MultishotStep): MultishotAction {
    return this.#step ? this.#step(step) : super.onMultishotStep(step);
  }

  /** Calls the stop function. */
  override onMultishotStop(err: UringError | null, cancelled: boolean): void {
    this.#stop?.(err, cancelled);
  }
}

/**
 * A CQE consumer stored in an extended context's slot (`ext.refs[0]`):
 * {@linkcode dispatchCQE} routes the slot's CQEs to `_onCQE`.
 *
 * @example
 * ```ts
 * import type { CQETarget, CQEView } from "@kernio/kernio/uring";
 * const target: CQETarget = {
 *   _onCQE(cqe: CQEView) {
 *     console.log(cqe.res);
 *   },
 * };
 * ```
 */
export interface CQETarget {
  /** Handles one CQE of this target. */
  _onCQE(cqe: CQEView): void;
}

/**
 * Routes a CQE whose extended context's slot holds a {@linkcode CQETarget}
 * (subscriptions, ZC sends, listener setups, driver operations). Returns
 * false for every other CQE, which stays the caller's to handle.
 *
 * @example
 * ```ts
 * import { CQEView, dispatchCQE, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const cqes = [new CQEView(), new CQEView()];
 * const n = ring.wait(cqes);
 * for (let k = 0; k < n; k++) if (!dispatchCQE(cqes[k])) {/* own CQE *\/}
 * ```
 */
export function dispatchCQE(cqe: CQEView): boolean {
  if (cqe.userDataHi >>> 30 !== 2) return false;
  let ext: ExtSQE;
  try {
    ext = cqe.extSQE();
  } catch {
    return false; // its pool is gone
  }
  const t = ext.refs[0] as CQETarget | undefined;
  if (t === undefined || t === null || typeof t._onCQE !== "function") {
    return false;
  }
  t._onCQE(cqe);
  return true;
}

/** Errors of negative results, typed in one place (uringError). */
function stepError(op: string, res: number): UringError {
  return uringError(op, res);
}

/**
 * A live multishot operation with an extended context. Created by
 * {@linkcode acceptMultishot} / {@linkcode receiveMultishot}.
 *
 * @example
 * ```ts
 * import { receiveMultishot, forFD, NoopMultishotHandler, Uring } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const sub = receiveMultishot(ring, forFD(fd).withBufGroup(1), new NoopMultishotHandler());
 * sub.state; // SubscriptionState.Active
 * sub.cancel();
 * ```
 */
export class MultishotSubscription implements CQETarget {
  readonly #ring: Uring;
  readonly #ext: ExtSQE;
  readonly #handler: MultishotHandler;
  readonly #op: string;
  readonly #step = new MultishotStep();
  #state: SubscriptionState = SubscriptionState.Active;
  #muted = false;
  #cancelRequested = false;
  #cancelCtx: SQEContext;
  /** @internal Called after a cancel SQE is queued (drivers flush it). */
  _kick: (() => void) | undefined = undefined;
  /** @internal Runs once at retirement, even when unsubscribed (drivers). */
  _onRetire: (() => void) | undefined = undefined;

  /** @internal Use acceptMultishot / receiveMultishot. */
  constructor(ring: Uring, ext: ExtSQE, handler: MultishotHandler, op: string) {
    this.#ring = ring;
    this.#ext = ext;
    this.#handler = handler;
    this.#op = op;
    // The cancel's own CQE is skipped on success; a failure (ENOENT: the
    // stream already ended) comes back as a direct CQE nobody routes.
    this.#cancelCtx = packDirect(
      IORING_OP.ASYNC_CANCEL,
      IOSQE.CQE_SKIP_SUCCESS,
      0,
      0,
    );
    ext.refs[0] = this;
  }

  /** The user_data this subscription's SQE carries (extended mode). */
  get context(): SQEContext {
    return this.#ext.context;
  }

  /** Current state. */
  get state(): SubscriptionState {
    return this.#state;
  }

  /** True until the final CQE has been handled. */
  active(): boolean {
    return this.#state !== SubscriptionState.Stopped;
  }

  /**
   * Asks the kernel to stop the operation (IORING_OP_ASYNC_CANCEL by
   * user_data). The subscription stays live until its final CQE, which
   * still reaches onMultishotStop. Idempotent.
   */
  cancel(): void {
    if (this.#state !== SubscriptionState.Active) return;
    if (this.#ring.closed) {
      throw new RingClosedError("MultishotSubscription.cancel");
    }
    if (!this.#ring.asyncCancel(this.#cancelCtx, this.#ext.context)) {
      // SQ full even after a flush: stay Active so the caller can retry.
      throw new UringError(
        "MultishotSubscription.cancel",
        -Errno.EBUSY,
        "uring: MultishotSubscription.cancel: submission queue full",
      );
    }
    this.#cancelRequested = true;
    this.#state = SubscriptionState.Cancelling;
    this._kick?.();
  }

  /**
   * Suppresses every later callback (including onMultishotStop) and cancels
   * best-effort.
   */
  unsubscribe(): void {
    this.#muted = true;
    if (this.#state === SubscriptionState.Active && !this.#ring.closed) {
      try {
        this.cancel();
      } catch { /* best effort */ }
    }
  }

  /** @internal Routed by dispatchCQE. */
  _onCQE(cqe: CQEView): void {
    if (this.#state === SubscriptionState.Stopped) return;
    const step = this.#step;
    const c = step.cqe;
    c.res = cqe.res;
    c.flags = cqe.flags;
    c.userDataLo = cqe.userDataLo;
    c.userDataHi = cqe.userDataHi;
    const res = cqe.res;
    const final = (cqe.flags & F_MORE) === 0;
    step.cancelled = res === ECANCELED;
    step.noBuffers = res === ENOBUFS;
    step.err = res < 0 ? stepError(this.#op, res) : null;
    let action: MultishotAction = MultishotAction.Continue;
    if (!this.#muted) {
      try {
        action = this.#handler.onMultishotStep(step);
      } catch (e) {
        if (!final) this.#tryCancel();
        if (final) this.#retire(step, res);
        throw e;
      }
    }
    if (final) {
      this.#retire(step, res);
    } else if (action === MultishotAction.Stop) {
      this.#tryCancel();
    }
  }

  #tryCancel(): void {
    if (this.#state !== SubscriptionState.Active) return;
    try {
      this.cancel();
    } catch { /* the stream ends by itself or the ring is gone */ }
  }

  #retire(step: MultishotStep, res: number): void {
    this.#state = SubscriptionState.Stopped;
    this.#ext.refs[0] = undefined;
    try {
      if (!this.#ring.closed) this.#ring.putExtSQE(this.#ext);
    } catch { /* pool closed with the ring */ }
    const hook = this._onRetire;
    this._onRetire = undefined;
    hook?.();
    if (this.#muted) return;
    const cancelled = res === ECANCELED ||
      (this.#cancelRequested && res >= 0);
    this.#handler.onMultishotStop(
      res < 0 && !cancelled ? step.err : null,
      cancelled,
    );
  }
}

function checkHandler(where: string, h: MultishotHandler): void {
  if (
    h === null || typeof h !== "object" ||
    typeof h.onMultishotStep !== "function" ||
    typeof h.onMultishotStop !== "function"
  ) {
    throw new TypeError(`${where}: handler must implement MultishotHandler`);
  }
}

function borrowExt(ring: Uring, where: string): ExtSQE {
  const ext = ring.extSQE();
  if (ext === null) {
    throw new UringError(
      where,
      -Errno.EBUSY,
      `uring: ${where}: extended context pool exhausted`,
    );
  }
  return ext;
}

function sqeFull(where: string): UringError {
  return new UringError(
    where,
    -Errno.EBUSY,
    `uring: ${where}: submission queue full`,
  );
}

function subscribe(
  ring: Uring,
  where: string,
  handler: MultishotHandler,
  submit: (ctx: SQEContext) => boolean,
): MultishotSubscription {
  checkHandler(where, handler);
  const ext = borrowExt(ring, where);
  const sub = new MultishotSubscription(ring, ext, handler, where);
  let ok = false;
  try {
    ok = submit(ext.context);
  } finally {
    if (!ok) {
      ext.refs[0] = undefined;
      ring.putExtSQE(ext);
    }
  }
  if (!ok) throw sqeFull(where);
  return sub;
}

/**
 * Raw multishot accept (IORING_ACCEPT_MULTISHOT) on ctx's listener fd: one
 * CQE per connection (res = new fd, SOCK_CLOEXEC by default; o.msgFlags
 * overrides). Returns false when the SQ is full.
 *
 * @example
 * ```ts
 * import { packDirect, submitAcceptMultishot, Uring } from "@kernio/kernio/uring";
 * import { IORING_OP } from "@kernio/kernio/zcall";
 * declare const lfd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * submitAcceptMultishot(ring, packDirect(IORING_OP.ACCEPT, 0, 0, lfd));
 * ```
 */
export function submitAcceptMultishot(
  ring: Uring,
  ctx: SQEContext,
  o?: OpOptions,
): boolean {
  const fd = ctx.fd();
  const i = ring.getSqe();
  if (i < 0) return false;
  prepMultishotAccept(
    ring.sqeWords,
    i,
    fd,
    0,
    0,
    o?.msgFlags ?? SOCK.CLOEXEC,
  );
  ring.finishSqe(i, ctx, o);
  return true;
}

/**
 * Raw multishot accept into direct descriptors (fileIndex must be
 * IORING_FILE_INDEX_ALLOC): each CQE's res is the allocated slot. Needs a
 * registered (sparse) file table.
 *
 * @example
 * ```ts
 * import { forFD, submitAcceptDirectMultishot, Uring, IORING_FILE_INDEX_ALLOC } from "@kernio/kernio/uring";
 * declare const lfd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * ring.registerFilesSparse(16);
 * submitAcceptDirectMultishot(ring, forFD(lfd), IORING_FILE_INDEX_ALLOC);
 * ```
 */
export function submitAcceptDirectMultishot(
  ring: Uring,
  ctx: SQEContext,
  fileIndex: number = IORING_FILE_INDEX_ALLOC,
  o?: OpOptions,
): boolean {
  if (fileIndex !== IORING_FILE_INDEX_ALLOC) {
    throw new RangeError(
      "submitAcceptDirectMultishot: fileIndex must be IORING_FILE_INDEX_ALLOC",
    );
  }
  const fd = ctx.fd();
  const i = ring.getSqe();
  if (i < 0) return false;
  prepMultishotAcceptDirect(ring.sqeWords, i, fd, 0, 0, o?.msgFlags ?? 0);
  ring.finishSqe(i, ctx, o);
  return true;
}

/**
 * Raw multishot receive with buffer selection from ctx's buffer group: one
 * CQE per chunk (res bytes in buffer cqe.bufID()). `buf` must be null
 * (multishot receive always selects buffers). Returns false when the SQ is
 * full.
 *
 * @example
 * ```ts
 * import { forFD, submitReceiveMultishot, Uring } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * submitReceiveMultishot(ring, forFD(fd).withBufGroup(1), null);
 * ```
 */
export function submitReceiveMultishot(
  ring: Uring,
  ctx: SQEContext,
  buf: null = null,
  o?: OpOptions,
): boolean {
  if (buf !== null) {
    throw new TypeError(
      "submitReceiveMultishot: multishot receive selects buffers (pass null)",
    );
  }
  return submitRecvSelect(ring, ctx, IORING_RECVSEND.RECV_MULTISHOT, o);
}

/**
 * Raw multishot bundle receive: each CQE may span several consecutive
 * buffers of the group (see BundleIterator).
 *
 * @example
 * ```ts
 * import { forFD, submitReceiveBundleMultishot, Uring } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * submitReceiveBundleMultishot(ring, forFD(fd).withBufGroup(1));
 * ```
 */
export function submitReceiveBundleMultishot(
  ring: Uring,
  ctx: SQEContext,
  o?: OpOptions,
): boolean {
  return submitRecvSelect(
    ring,
    ctx,
    IORING_RECVSEND.RECV_MULTISHOT | IORING_RECVSEND.BUNDLE,
    o,
  );
}

/**
 * One-shot bundle receive (IORING_RECVSEND_BUNDLE): a single CQE covering
 * as many consecutive buffers as the available data needs.
 *
 * @example
 * ```ts
 * import { forFD, receiveBundle, Uring } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * receiveBundle(ring, forFD(fd).withBufGroup(1));
 * ```
 */
export function receiveBundle(
  ring: Uring,
  ctx: SQEContext,
  o?: OpOptions,
): boolean {
  return submitRecvSelect(ring, ctx, IORING_RECVSEND.BUNDLE, o);
}

function submitRecvSelect(
  ring: Uring,
  ctx: SQEContext,
  ioprio: number,
  o: OpOptions | undefined,
): boolean {
  const group = ctx.bufGroup();
  const fd = ctx.fd();
  const i = ring.getSqe();
  if (i < 0) return false;
  prepRecvSelect(ring.sqeWords, i, fd, o?.msgFlags ?? 0, group, ioprio);
  ring.finishSqe(i, ctx, o);
  return true;
}

/**
 * Multishot accept as a subscription: the handler sees each accepted fd in
 * `step.cqe.res`.
 *
 * @example
 * ```ts
 * import { acceptMultishot, forFD, NoopMultishotHandler, Uring } from "@kernio/kernio/uring";
 * declare const lfd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const sub = acceptMultishot(ring, forFD(lfd), new NoopMultishotHandler());
 * ```
 */
export function acceptMultishot(
  ring: Uring,
  ctx: SQEContext,
  handler: MultishotHandler,
  o?: OpOptions,
): MultishotSubscription {
  const fd = ctx.fd();
  return subscribe(
    ring,
    "acceptMultishot",
    handler,
    (c) => submitAcceptMultishot(ring, withFd(c, fd), o),
  );
}

/**
 * Multishot receive as a subscription, selecting buffers from ctx's buffer
 * group: `step.cqe.bufID()` names the buffer, `step.cqe.res` the bytes.
 *
 * @example
 * ```ts
 * import { forFD, NoopMultishotHandler, receiveMultishot, Uring } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const sub = receiveMultishot(ring, forFD(fd).withBufGroup(3), new NoopMultishotHandler());
 * ```
 */
export function receiveMultishot(
  ring: Uring,
  ctx: SQEContext,
  handler: MultishotHandler,
  o?: OpOptions,
): MultishotSubscription {
  const fd = ctx.fd();
  const group = ctx.bufGroup();
  return subscribe(
    ring,
    "receiveMultishot",
    handler,
    (c) =>
      submitRecvSelect(
        ring,
        withFdGroup(c, fd, group),
        IORING_RECVSEND.RECV_MULTISHOT,
        o,
      ),
  );
}

/**
 * Multishot bundle receive as a subscription (see BundleIterator for the
 * buffers each step spans).
 *
 * @example
 * ```ts
 * import { forFD, NoopMultishotHandler, receiveBundleMultishot, Uring } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * receiveBundleMultishot(ring, forFD(fd).withBufGroup(3), new NoopMultishotHandler());
 * ```
 */
export function receiveBundleMultishot(
  ring: Uring,
  ctx: SQEContext,
  handler: MultishotHandler,
  o?: OpOptions,
): MultishotSubscription {
  const fd = ctx.fd();
  const group = ctx.bufGroup();
  return subscribe(
    ring,
    "receiveBundleMultishot",
    handler,
    (c) =>
      submitRecvSelect(
        ring,
        withFdGroup(c, fd, group),
        IORING_RECVSEND.RECV_MULTISHOT | IORING_RECVSEND.BUNDLE,
        o,
      ),
  );
}

// Extended contexts keep fd / group in their SQE copy; the prep reads them
// from the caller's direct context, so the extended one just carries
// identity. These helpers return a context whose accessors give the values
// the prep needs.
function withFd(ext: SQEContext, fd: number): SQEContext {
  return new FixedCtx(ext, fd, 0);
}
function withFdGroup(ext: SQEContext, fd: number, group: number): SQEContext {
  return new FixedCtx(ext, fd, group);
}

// A context facade: the user_data halves of an extended context with the fd
// and buffer group of the original direct one (submit-time only).
class FixedCtx extends SQEContext {
  readonly #fd: number;
  readonly #group: number;
  constructor(ext: SQEContext, fd: number, group: number) {
    super(ext.lo, ext.hi);
    this.#fd = fd;
    this.#group = group;
  }
  override fd(): number {
    return this.#fd;
  }
  override bufGroup(): number {
    return this.#group;
  }
}
