/**
 * Zero-copy sends (IORING_OP_SEND_ZC / SENDMSG_ZC) and their two-CQE
 * lifecycle: the first CQE (with IORING_CQE_F_MORE) reports the send
 * result, the notification CQE (IORING_CQE_F_NOTIF) says the kernel no
 * longer references the buffer. {@linkcode ZCTracker} calls the handler's
 * `onCompleted` then `onNotification` exactly once each, keeps the buffer
 * pinned until the notification, and reports whether the kernel copied
 * instead (IORING_NOTIF_USAGE_ZC_COPIED, always the case on loopback).
 *
 * Also the multicast helpers: one payload to many sockets, choosing copy
 * or zero-copy per message size and fan-out.
 *
 * @example
 * ```ts
 * import { CQEView, dispatchCQE, Uring, ZCSubscriber, ZCTracker } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const zc = new ZCTracker(ring);
 * zc.sendZC(fd, new Uint8Array(65536), new ZCSubscriber()
 *   .onCompleted((res) => console.log("sent", res))
 *   .onNotification((res, copied) => console.log("buffer free", copied)));
 * const cqes = [new CQEView(), new CQEView()];
 * // loop: for (let n = ring.wait(cqes), k = 0; k < n; k++) dispatchCQE(cqes[k]);
 * ```
 *
 * @module
 */

import { Errno } from "../zcall/errno.ts";
import { unsafeAddressOf, viewByteLength } from "../zcall/memory.ts";
import { Msghdr } from "../zcall/structs.ts";
import type { ExtSQE, SQEContext } from "./context.ts";
import { type CQEView, IORING_CQE_F } from "./cqe.ts";
import { UringError } from "./errors.ts";
import { checkBuf } from "./_validate.ts";
import type { CQETarget } from "./multishot.ts";
import type { OpOptions, Uring } from "./ring.ts";
import {
  prepSend,
  prepSendFixed,
  prepSendmsgZc,
  prepSendZc,
  prepSendZcFixed,
} from "./sqe/net.ts";
import { IORING_RECVSEND } from "./sqe/layout.ts";
import { MSG } from "../zcall/constants.ts";
import { checkFd as checkFdBits } from "./_validate.ts";

const F_MORE = IORING_CQE_F.MORE;
const F_NOTIF = 1 << 3;

/**
 * Notification usage flag: the kernel copied the data instead of sending it
 * zero-copy (reported with IORING_SEND_ZC_REPORT_USAGE).
 *
 * @example
 * ```ts
 * import { IORING_NOTIF_USAGE_ZC_COPIED } from "@kernio/kernio/uring";
 * IORING_NOTIF_USAGE_ZC_COPIED; // 0x80000000
 * ```
 */
export const IORING_NOTIF_USAGE_ZC_COPIED = 0x80000000;

/**
 * Receives the two events of one zero-copy send.
 *
 * @example
 * ```ts
 * import type { ZCHandler } from "@kernio/kernio/uring";
 * const h: ZCHandler = {
 *   onCompleted: (res) => {},
 *   onNotification: (res, copied) => {},
 * };
 * ```
 */
export interface ZCHandler {
  /** The send CQE: bytes sent or -errno. Do not touch the buffer yet. */
  onCompleted(result: number): void;
  /**
   * The buffer is free again. `result` repeats the send result; `copied`
   * tells the kernel fell back to copying.
   */
  onNotification(result: number, copied: boolean): void;
}

/**
 * Default ZCHandler to extend (both callbacks do nothing).
 *
 * @example
 * ```ts
 * import { NoopZCHandler } from "@kernio/kernio/uring";
 * class Bytes extends NoopZCHandler {
 *   sent = 0;
 *   override onCompleted(r: number) { if (r > 0) this.sent += r; }
 * }
 * ```
 */
export class NoopZCHandler implements ZCHandler {
  /** No-op. */
  onCompleted(_result: number): void {}
  /** No-op. */
  onNotification(_result: number, _copied: boolean): void {}
}

/**
 * A ZCHandler from functions.
 *
 * @example
 * ```ts
 * import { ZCSubscriber } from "@kernio/kernio/uring";
 * const h = new ZCSubscriber().onCompleted((r) => {}).onNotification((r, copied) => {});
 * ```
 */
export class ZCSubscriber {
  #completed: ((r: number) => void) | null = null;
  #notified: ((r: number, copied: boolean) => void) | null = null;
  #handler: ZCHandler = {
    onCompleted: (r) => this.#completed?.(r),
    onNotification: (r, copied) => this.#notified?.(r, copied),
  };

  /** Sets the completion function. */
  onCompleted(fn: (result: number) => void): this {
    if (typeof fn !== "function") {
      throw new TypeError("ZCSubscriber.onCompleted: expected a function");
    }
    this.#completed = fn;
    return this;
  }

  /** Sets the notification function. */
  onNotification(fn: (result: number, copied: boolean) => void): this {
    if (typeof fn !== "function") {
      throw new TypeError("ZCSubscriber.onNotification: expected a function");
    }
    this.#notified = fn;
    return this;
  }

  /** The {@linkcode ZCHandler} calling these functions. */
  handler(): ZCHandler {
    return this.#handler;
  }
}

// One zero-copy send in flight.
class ZCEntry implements CQETarget {
  tracker: ZCTracker;
  ext: ExtSQE;
  handler: ZCHandler;
  result = 0;
  completed = false;
  constructor(tracker: ZCTracker, ext: ExtSQE, handler: ZCHandler) {
    this.tracker = tracker;
    this.ext = ext;
    this.handler = handler;
  }
  _onCQE(cqe: CQEView): void {
    this.tracker._handle(this, cqe.res, cqe.flags);
  }
}

/**
 * Tracks zero-copy sends through their two CQEs. Route CQEs with
 * {@linkcode ZCTracker.handleCQE} or the generic dispatchCQE (the driver
 * does that). The buffer stays referenced (and must stay unmodified) until
 * onNotification.
 *
 * @example
 * ```ts
 * import { NoopZCHandler, Uring, ZCTracker } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const zc = new ZCTracker(ring);
 * zc.sendZC(fd, new Uint8Array(4096), new NoopZCHandler());
 * zc.inflight; // 1 until the notification
 * ```
 */
export class ZCTracker {
  readonly #ring: Uring;
  #inflight = 0;

  /** Creates a tracker over `ring` (its extended-context pool). */
  constructor(ring: Uring) {
    if (
      ring === null || typeof ring !== "object" ||
      typeof ring.extSQE !== "function"
    ) {
      throw new TypeError("ZCTracker: expected a Uring");
    }
    this.#ring = ring;
  }

  /** Sends whose notification has not arrived yet. */
  get inflight(): number {
    return this.#inflight;
  }

  #begin(where: string, h: ZCHandler | ZCSubscriber): ZCEntry {
    const handler = h instanceof ZCSubscriber ? h.handler() : h;
    if (
      handler === null || typeof handler !== "object" ||
      typeof handler.onCompleted !== "function" ||
      typeof handler.onNotification !== "function"
    ) {
      throw new TypeError(`${where}: handler must implement ZCHandler`);
    }
    const ext = this.#ring.extSQE();
    if (ext === null) {
      throw new UringError(
        where,
        -Errno.EBUSY,
        `uring: ${where}: context pool exhausted`,
      );
    }
    const e = new ZCEntry(this, ext, handler);
    ext.refs[0] = e;
    return e;
  }

  #submit(
    where: string,
    e: ZCEntry,
    fill: (w: Uint32Array, i: number) => void,
    keep: unknown,
    o: OpOptions | undefined,
  ): boolean {
    const ring = this.#ring;
    const i = ring.getSqe();
    if (i < 0) {
      e.ext.refs[0] = undefined;
      ring.putExtSQE(e.ext);
      return false;
    }
    fill(ring.sqeWords, i);
    // Pinned until the final CQE, which is the notification.
    ring.finishSqe(i, e.ext.context, o, keep);
    this.#inflight++;
    void where;
    return true;
  }

  /**
   * Zero-copy send of `buf` on `fd` with usage reporting. Returns false when
   * the SQ is full (nothing submitted).
   */
  sendZC(
    fd: number,
    buf: Uint8Array,
    handler: ZCHandler | ZCSubscriber,
    o?: OpOptions,
  ): boolean {
    checkFd("sendZC", fd);
    if (!(buf instanceof Uint8Array)) {
      throw new TypeError("sendZC: buf must be a Uint8Array");
    }
    checkBuf("sendZC", buf); // pinned until the notification: fixed size
    const n = o?.n ?? viewByteLength(buf);
    if (!(Number.isInteger(n) && n >= 0 && n <= viewByteLength(buf))) {
      throw new RangeError(`sendZC: n=${n} outside 0..${viewByteLength(buf)}`);
    }
    const e = this.#begin("sendZC", handler);
    const addr = n === 0 ? 0 : unsafeAddressOf(buf);
    return this.#submit(
      "sendZC",
      e,
      (w, i) =>
        prepSendZc(
          w,
          i,
          fd,
          addr,
          n,
          o?.msgFlags ?? 0,
          IORING_RECVSEND.SEND_ZC_REPORT_USAGE,
        ),
      buf,
      o,
    );
  }

  /**
   * Zero-copy send from registered buffer `bufIndex` (offset, length).
   */
  sendZCFixed(
    fd: number,
    bufIndex: number,
    offset: number,
    length: number,
    handler: ZCHandler | ZCSubscriber,
    o?: OpOptions,
  ): boolean {
    checkFd("sendZCFixed", fd);
    const b = this.#ring.registeredBuffer(bufIndex);
    if (b === null) {
      throw new RangeError(`sendZCFixed: no registered buffer ${bufIndex}`);
    }
    if (
      !(Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 &&
        length >= 0 && offset + length <= viewByteLength(b))
    ) {
      throw new RangeError(
        "sendZCFixed: offset/length outside the registered buffer",
      );
    }
    const e = this.#begin("sendZCFixed", handler);
    const addr = unsafeAddressOf(b) + offset;
    return this.#submit(
      "sendZCFixed",
      e,
      (w, i) =>
        prepSendZcFixed(
          w,
          i,
          fd,
          addr,
          length,
          o?.msgFlags ?? 0,
          IORING_RECVSEND.SEND_ZC_REPORT_USAGE,
          bufIndex,
        ),
      b,
      o,
    );
  }

  /**
   * Zero-copy sendmsg of a zcall Msghdr (kept alive until the notification).
   */
  sendMsgZC(
    fd: number,
    msg: Msghdr,
    handler: ZCHandler | ZCSubscriber,
    o?: OpOptions,
  ): boolean {
    checkFd("sendMsgZC", fd);
    if (!(msg instanceof Msghdr)) {
      throw new TypeError("sendMsgZC: expected a Msghdr");
    }
    const e = this.#begin("sendMsgZC", handler);
    const addr = unsafeAddressOf(msg.bytes);
    return this.#submit(
      "sendMsgZC",
      e,
      (w, i) =>
        prepSendmsgZc(
          w,
          i,
          fd,
          addr,
          o?.msgFlags ?? 0,
          IORING_RECVSEND.SEND_ZC_REPORT_USAGE,
        ),
      msg,
      o,
    );
  }

  /**
   * Handles a CQE if it belongs to one of this tracker's sends; returns
   * false otherwise.
   */
  handleCQE(cqe: CQEView): boolean {
    if (cqe.userDataHi >>> 30 !== 2) return false;
    let ext: ExtSQE;
    try {
      ext = cqe.extSQE();
    } catch {
      return false;
    }
    const e = ext.refs[0];
    if (!(e instanceof ZCEntry) || e.tracker !== this) return false;
    this._handle(e, cqe.res, cqe.flags);
    return true;
  }

  /** @internal */
  _handle(e: ZCEntry, res: number, flags: number): void {
    if ((flags & F_NOTIF) !== 0) {
      // Second CQE: the buffer is released. res carries usage flags.
      this.#retire(e);
      if (!e.completed) {
        e.completed = true;
        e.handler.onCompleted(e.result);
      }
      e.handler.onNotification(
        e.result,
        (res & IORING_NOTIF_USAGE_ZC_COPIED) !== 0,
      );
      return;
    }
    e.result = res;
    e.completed = true;
    if ((flags & F_MORE) === 0) {
      // No notification will follow (the send failed before using the
      // buffer): complete both events now.
      this.#retire(e);
      e.handler.onCompleted(res);
      e.handler.onNotification(res, false);
      return;
    }
    e.handler.onCompleted(res);
  }

  #retire(e: ZCEntry): void {
    this.#inflight--;
    e.ext.refs[0] = undefined;
    try {
      if (!this.#ring.closed) this.#ring.putExtSQE(e.ext);
    } catch { /* ring gone */ }
  }
}

function checkFd(where: string, fd: number): void {
  checkFdBits(where, fd, 29);
}

// ---------------------------------------------------------------------------
// Multicast

/**
 * A set of target sockets.
 *
 * @example
 * ```ts
 * import type { SendTargets } from "@kernio/kernio/uring";
 * const fds = [5, 6, 7];
 * const targets: SendTargets = { count: () => fds.length, fd: (i) => fds[i] };
 * ```
 */
export interface SendTargets {
  /** Number of targets. */
  count(): number;
  /** The fd of target `i`. */
  fd(i: number): number;
}

function targetsOf(
  where: string,
  t: SendTargets | readonly number[],
): SendTargets {
  if (Array.isArray(t)) {
    const a = t as readonly number[];
    for (const fd of a) checkFd(where, fd);
    return { count: () => a.length, fd: (i) => a[i] };
  }
  const s = t as SendTargets;
  if (
    s === null || typeof s !== "object" || typeof s.count !== "function" ||
    typeof s.fd !== "function"
  ) {
    throw new TypeError(`${where}: targets must be an fd array or SendTargets`);
  }
  return s;
}

/**
 * The conservative zero-copy threshold of {@linkcode multicast}: payloads
 * at least this size (bytes) go zero-copy for `n` targets.
 *
 * @example
 * ```ts
 * import { multicastZCThreshold } from "@kernio/kernio/uring";
 * multicastZCThreshold(4); // 8192
 * ```
 */
export function multicastZCThreshold(n: number): number {
  if (n < 8) return 8192;
  if (n < 64) return 4096;
  if (n < 512) return 3072;
  if (n < 4096) return 2048;
  return 1536;
}

/**
 * The aggressive threshold of {@linkcode multicastZeroCopy}.
 *
 * @example
 * ```ts
 * import { multicastZeroCopyThreshold } from "@kernio/kernio/uring";
 * multicastZeroCopyThreshold(300); // 0: always
 * ```
 */
export function multicastZeroCopyThreshold(n: number): number {
  if (n < 4) return 1536;
  if (n < 16) return 1024;
  if (n < 64) return 512;
  if (n < 256) return 128;
  return 0;
}

function fanOut(
  where: string,
  ring: Uring,
  ctx: SQEContext,
  targets: SendTargets,
  bufIndex: number,
  p: Uint8Array | null,
  offset: number,
  n: number,
  zcMin: number,
  o: OpOptions | undefined,
): number {
  const count = targets.count();
  let addr: number;
  let keep: Uint8Array;
  if (bufIndex >= 0) {
    const b = ring.registeredBuffer(bufIndex);
    if (b === null) {
      throw new RangeError(`${where}: no registered buffer ${bufIndex}`);
    }
    if (!(offset >= 0 && n >= 0 && offset + n <= viewByteLength(b))) {
      throw new RangeError(`${where}: offset/n outside the registered buffer`);
    }
    addr = unsafeAddressOf(b) + offset;
    keep = b;
  } else {
    if (!(p instanceof Uint8Array)) {
      throw new TypeError(`${where}: p must be a Uint8Array`);
    }
    if (!(offset >= 0 && n >= 0 && offset + n <= viewByteLength(p))) {
      throw new RangeError(`${where}: offset/n outside p`);
    }
    addr = n === 0 ? 0 : unsafeAddressOf(p) + offset;
    keep = p;
  }
  const zc = n >= zcMin;
  const msgFlags = o?.msgFlags ?? MSG.NOSIGNAL;
  let sent = 0;
  for (let k = 0; k < count; k++) {
    const fd = targets.fd(k);
    checkFd(where, fd);
    const i = ring.getSqe();
    if (i < 0) break;
    const w = ring.sqeWords;
    if (zc) {
      if (bufIndex >= 0) {
        prepSendZcFixed(w, i, fd, addr, n, msgFlags, 0, bufIndex);
      } else prepSendZc(w, i, fd, addr, n, msgFlags, 0);
    } else if (bufIndex >= 0) {
      prepSendFixed(w, i, fd, addr, n, msgFlags, bufIndex);
    } else prepSend(w, i, fd, addr, n, msgFlags);
    // Direct contexts carry each target's fd; extended ones as given.
    const c = ctx.isDirect() ? ctx.withFD(fd) : ctx;
    ring.finishSqe(i, c, o, keep);
    sent++;
  }
  return sent;
}

/**
 * Sends one payload to every target, zero-copy only where the memcpy
 * savings outweigh the second CQE ({@linkcode multicastZCThreshold}).
 * `bufIndex` >= 0 sends from that registered buffer (offset, n), otherwise
 * from `p`. A direct `ctx` gets each target's fd. Returns how many sends
 * were queued (fewer when the SQ filled up). Zero-copy sends produce a
 * notification CQE each.
 *
 * @example
 * ```ts
 * import { multicast, packDirect, Uring } from "@kernio/kernio/uring";
 * import { IORING_OP } from "@kernio/kernio/zcall";
 * declare const fds: number[];
 * using ring = new Uring({ entries: 64 });
 * ring.start();
 * const msg = new TextEncoder().encode("tick");
 * multicast(ring, packDirect(IORING_OP.SEND, 0, 0, 0), fds, -1, msg, 0, msg.length);
 * ```
 */
export function multicast(
  ring: Uring,
  ctx: SQEContext,
  targets: SendTargets | readonly number[],
  bufIndex: number,
  p: Uint8Array | null,
  offset: number,
  n: number,
  o?: OpOptions,
): number {
  const t = targetsOf("multicast", targets);
  return fanOut(
    "multicast",
    ring,
    ctx,
    t,
    bufIndex,
    p,
    offset,
    n,
    multicastZCThreshold(t.count()),
    o,
  );
}

/**
 * Like {@linkcode multicast} from a registered buffer, with the aggressive
 * zero-copy thresholds ({@linkcode multicastZeroCopyThreshold}).
 *
 * @example
 * ```ts
 * import { multicastZeroCopy, packDirect, Uring } from "@kernio/kernio/uring";
 * import { IORING_OP } from "@kernio/kernio/zcall";
 * declare const fds: number[];
 * using ring = new Uring({ entries: 64, lockedBufferMem: 1 << 20 });
 * ring.start();
 * multicastZeroCopy(ring, packDirect(IORING_OP.SEND_ZC, 0, 0, 0), fds, 0, 0, 4096);
 * ```
 */
export function multicastZeroCopy(
  ring: Uring,
  ctx: SQEContext,
  targets: SendTargets | readonly number[],
  bufIndex: number,
  offset: number,
  n: number,
  o?: OpOptions,
): number {
  if (!(Number.isInteger(bufIndex) && bufIndex >= 0)) {
    throw new RangeError(
      "multicastZeroCopy: bufIndex must name a registered buffer",
    );
  }
  const t = targetsOf("multicastZeroCopy", targets);
  return fanOut(
    "multicastZeroCopy",
    ring,
    ctx,
    t,
    bufIndex,
    null,
    offset,
    n,
    multicastZeroCopyThreshold(t.count()),
    o,
  );
}
