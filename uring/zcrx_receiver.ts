// ZCRXReceiver: the lifecycle of one multishot zero-copy receive
// (Idle -> Active -> Stopping -> Retiring -> Stopped) over a registered
// interface queue, delivering ZCRXBuffers to a ZCRXHandler.

import { IORING_OP, IORING_SETUP, IOSQE } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";
import { type ExtSQE, packDirect } from "./context.ts";
import { type CQEView, IORING_CQE_F } from "./cqe.ts";
import { NotSupportedError, UringError, uringError } from "./errors.ts";
import type { OpOptions, Uring } from "./ring.ts";

import {
  registerZcrxIfq,
  zcrxAreaOffset,
  type ZcrxConfig,
  zcrxExport,
  zcrxFlushRefillQueue,
  ZcrxIfq,
} from "./zcrx.ts";

const F_MORE = IORING_CQE_F.MORE;
const ECANCELED = -Errno.ECANCELED;
const CANCEL_CTX = packDirect(
  IORING_OP.ASYNC_CANCEL,
  IOSQE.CQE_SKIP_SUCCESS,
  0,
  0,
);

/**
 * Lifecycle of a {@linkcode ZCRXReceiver}.
 *
 * @example
 * ```ts
 * import { ZCRXState } from "@kernio/kernio/uring";
 * ZCRXState.Active; // 1
 * ```
 */
export const ZCRXState = {
  /** Created, not started. */
  Idle: 0,
  /** The receive is live. */
  Active: 1,
  /** A cancel was queued; completions still arrive. */
  Stopping: 2,
  /** The final completion arrived; onStopped is running. */
  Retiring: 3,
  /** Terminal: close() may release the memory once the ring is stopped. */
  Stopped: 4,
} as const;
/** A {@linkcode ZCRXState} value. */
export type ZCRXState = typeof ZCRXState[keyof typeof ZCRXState];

/**
 * Receives a {@linkcode ZCRXReceiver}'s events, serially on the completion
 * path.
 *
 * @example
 * ```ts
 * import type { ZCRXHandler } from "@kernio/kernio/uring";
 * const h: ZCRXHandler = {
 *   onData: (buf) => { buf.release(); return true; },
 *   onError: (err) => err.code !== "ENOBUFS",
 *   onStopped: () => {},
 * };
 * ```
 */
export interface ZCRXHandler {
  /**
   * Received data (a zero-length buffer marks EOF and carries nothing to
   * release). Release it when done; return false for a best-effort stop.
   */
  onData(buf: ZCRXBuffer): boolean;
  /** A failed completion; return false for a best-effort stop. */
  onError(err: UringError): boolean;
  /** Runs once at retirement, before the state becomes Stopped. */
  onStopped(): void;
}

/**
 * Default {@linkcode ZCRXHandler} to extend: data is released at once,
 * errors stop.
 *
 * @example
 * ```ts
 * import { NoopZCRXHandler, type ZCRXBuffer } from "@kernio/kernio/uring";
 * class Count extends NoopZCRXHandler {
 *   bytes = 0;
 *   override onData(buf: ZCRXBuffer) { this.bytes += buf.len; return super.onData(buf); }
 * }
 * ```
 */
export class NoopZCRXHandler implements ZCRXHandler {
  /** Releases the buffer and continues. */
  onData(buf: ZCRXBuffer): boolean {
    buf.release();
    return true;
  }
  /** Stops. */
  onError(_err: UringError): boolean {
    return false;
  }
  /** No-op. */
  onStopped(): void {}
}

/**
 * A delivered zero-copy receive: `len` bytes at `offset` in the receiver's
 * area, kernel memory until {@linkcode ZCRXBuffer.release} hands it back
 * through the refill ring. Objects are pooled by their receiver: do not use
 * one after releasing it.
 *
 * @example
 * ```ts
 * import type { ZCRXBuffer } from "@kernio/kernio/uring";
 * declare const buf: ZCRXBuffer;
 * const copy = buf.bytes().slice();
 * buf.release();
 * ```
 */
export class ZCRXBuffer {
  #rx: ZCRXReceiver | null = null;
  #offLo = 0;
  #offHi = 0;
  #len = 0;
  #offset = 0;

  /** @internal */
  _init(rx: ZCRXReceiver, offLo: number, offHi: number, len: number): this {
    this.#rx = rx;
    this.#offLo = offLo;
    this.#offHi = offHi;
    this.#len = len;
    this.#offset = len === 0 ? 0 : zcrxAreaOffset(offLo, offHi);
    return this;
  }

  #live(op: string): ZCRXReceiver {
    if (this.#rx === null) {
      throw new UringError(
        `ZCRXBuffer.${op}`,
        -Errno.EINVAL,
        `uring: ZCRXBuffer.${op}: buffer already released`,
      );
    }
    return this.#rx;
  }

  /** Received length (0: end of stream). */
  get len(): number {
    this.#live("len");
    return this.#len;
  }

  /** Offset of the data in the receiver's area. */
  get offset(): number {
    this.#live("offset");
    return this.#offset;
  }

  /** The data: a view into the area (allocates the view). */
  bytes(): Uint8Array {
    const rx = this.#live("bytes");
    const area = rx._area();
    return new Uint8Array(
      area.buffer,
      area.byteOffset + this.#offset,
      this.#len,
    );
  }

  /**
   * Hands the piece back to the kernel through the refill ring. Returns
   * false when the refill ring is full (the buffer stays yours: retry
   * later); true once handed back, after which the object must not be used.
   */
  release(): boolean {
    const rx = this.#live("release");
    if (this.#len !== 0 && !rx._refill(this.#offLo, this.#offHi, this.#len)) {
      return false;
    }
    this.#rx = null;
    rx._recycle(this);
    return true;
  }
}

/**
 * Zero-copy receive over one NIC RX queue, driven by one multishot RECV_ZC:
 * `start(fd, handler)` → Active; CQEs routed by `dispatchCQE` (or the
 * driver) reach the handler; `stop()` queues a cancel → Stopping; the final
 * completion → Retiring (onStopped runs) → Stopped. Once Stopped and the
 * ring stopped, `close()` releases the area and refill ring.
 *
 * The ring needs 32-byte CQEs (`new Uring({ cqe32: true })`) and the
 * default single issuer; otherwise the constructor throws
 * {@linkcode NotSupportedError}, as it does when the interface cannot do
 * zero-copy receive.
 *
 * @example
 * ```ts
 * import { CQEView, dispatchCQE, NoopZCRXHandler, Uring, ZCRXReceiver } from "@kernio/kernio/uring";
 * declare const fd: number;
 * using ring = new Uring({ entries: 64, cqe32: true });
 * ring.start();
 * const rx = new ZCRXReceiver(ring, { ifName: "eth0", rxQueue: 1 });
 * rx.start(fd, new NoopZCRXHandler());
 * const cqes = CQEView.array(64);
 * while (!rx.stopped()) {
 *   const n = ring.waitBlocking(cqes, 1, 100);
 *   for (let k = 0; k < n; k++) dispatchCQE(cqes[k]);
 * }
 * ring.stop();
 * rx.close();
 * ```
 */
export class ZCRXReceiver {
  readonly #ring: Uring;
  readonly #ifq: ZcrxIfq;
  #state: ZCRXState = ZCRXState.Idle;
  #handler: ZCRXHandler | null = null;
  #ext: ExtSQE | null = null;
  #free: ZCRXBuffer[] = [];
  readonly #target = { _onCQE: (cqe: CQEView) => this._onCQE(cqe) };

  /**
   * Registers a ZCRX interface queue for `config` on `ring` (or adopts an
   * already registered `ifq`).
   */
  constructor(ring: Uring, config: ZcrxConfig | ZcrxIfq) {
    if (ring === null || typeof ring !== "object" || !("features" in ring)) {
      throw new TypeError("ZCRXReceiver: expected a Uring");
    }
    const flags = ring.features.setupFlags;
    if (
      (flags & IORING_SETUP.CQE32) === 0 ||
      (flags & IORING_SETUP.DEFER_TASKRUN) === 0
    ) {
      throw new NotSupportedError(
        "ZCRXReceiver",
        "the ring needs 32-byte CQEs and a single issuer " +
          "(new Uring({ cqe32: true }), multiIssuers false)",
        -Errno.EINVAL,
      );
    }
    this.#ring = ring;
    this.#ifq = config instanceof ZcrxIfq
      ? config
      : registerZcrxIfq(ring, config);
  }

  /** The interface queue (area, refill ring, instance id). */
  get ifq(): ZcrxIfq {
    return this.#ifq;
  }

  /** The lifecycle state. */
  get state(): ZCRXState {
    return this.#state;
  }

  /** Whether the receive is live (Active). */
  active(): boolean {
    return this.#state === ZCRXState.Active;
  }

  /** Whether retirement is complete (Stopped). */
  stopped(): boolean {
    return this.#state === ZCRXState.Stopped;
  }

  /**
   * Submits the multishot zero-copy receive on `fd` (call once). Returns
   * false, staying Idle, when the SQ is full or the ring's extended-context
   * pool is exhausted.
   */
  start(fd: number, handler: ZCRXHandler, o?: OpOptions): boolean {
    if (this.#state !== ZCRXState.Idle) {
      throw new UringError(
        "ZCRXReceiver.start",
        -Errno.EALREADY,
        "uring: ZCRXReceiver.start: already started",
      );
    }
    if (
      handler === null || typeof handler !== "object" ||
      typeof handler.onData !== "function" ||
      typeof handler.onError !== "function" ||
      typeof handler.onStopped !== "function"
    ) {
      throw new TypeError(
        "ZCRXReceiver.start: handler must implement ZCRXHandler",
      );
    }
    if (!(Number.isInteger(fd) && fd >= 0 && fd <= 0x3fffffff)) {
      throw new RangeError(`ZCRXReceiver.start: bad fd ${fd}`);
    }
    this.#ifq.area; // throws once closed
    const ext = this.#ring.extSQE();
    if (ext === null) return false;
    ext.refs[0] = this.#target;
    ext.fd = fd;
    if (!this.#ring.recvZc(ext.context, 0, this.#ifq.id, o)) {
      ext.refs[0] = undefined;
      this.#ring.putExtSQE(ext);
      return false;
    }
    this.#ext = ext;
    this.#handler = handler;
    this.#state = ZCRXState.Active;
    return true;
  }

  /**
   * Requests cancellation (Active → Stopping). Returns false, staying
   * Active, when the cancel cannot be queued (SQ full); true once queued or
   * when already stopping or stopped. Idle receivers go straight to
   * Stopped.
   */
  stop(): boolean {
    if (this.#state === ZCRXState.Idle) {
      this.#state = ZCRXState.Stopped;
      return true;
    }
    if (this.#state !== ZCRXState.Active) return true;
    // The cancel's own completion is skipped on success; a failure (the
    // receive already ended) posts an unrouted ASYNC_CANCEL CQE.
    if (!this.#ring.asyncCancel(CANCEL_CTX, this.#ext!.context)) return false;
    this.#state = ZCRXState.Stopping;
    return true;
  }

  /**
   * Handles one completion of this receiver's receive (dispatchCQE calls
   * it). Data goes to onData as a pooled ZCRXBuffer, errors to onError; a
   * false return stops; the final completion retires the receiver.
   */
  _onCQE(cqe: CQEView): void {
    const st = this.#state;
    if (st !== ZCRXState.Active && st !== ZCRXState.Stopping) return;
    const h = this.#handler!;
    const res = cqe.res;
    const more = (cqe.flags & F_MORE) !== 0;
    let keep = true;
    if (res < 0) {
      if (!(res === ECANCELED && st === ZCRXState.Stopping)) {
        keep = h.onError(uringError("zero-copy receive", res));
      }
    } else {
      if (res > 0) {
        const off = zcrxAreaOffset(cqe.extra1Lo, cqe.extra1Hi);
        if (off + res > this.#ifq.area.byteLength) {
          throw new RangeError(
            `ZCRXReceiver: completion outside the area (offset ${off}, ${res} bytes)`,
          );
        }
      }
      const buf = (this.#free.pop() ?? new ZCRXBuffer())._init(
        this,
        cqe.extra1Lo,
        cqe.extra1Hi,
        res,
      );
      keep = h.onData(buf);
    }
    if (!more) {
      this.#retire();
    } else if (!keep) {
      this.stop();
    }
  }

  #retire(): void {
    this.#state = ZCRXState.Retiring;
    const ext = this.#ext;
    this.#ext = null;
    try {
      this.#handler!.onStopped();
    } finally {
      this.#state = ZCRXState.Stopped;
      if (ext !== null && !this.#ring.closed) {
        ext.refs[0] = undefined;
        this.#ring.putExtSQE(ext);
      }
    }
  }

  /** @internal The area for ZCRXBuffer views. */
  _area(): Uint8Array {
    return this.#ifq.area;
  }

  /** @internal Pushes a refill entry (offset within the area + token). */
  _refill(offLo: number, offHi: number, len: number): boolean {
    return this.#ifq.refillQueue.push(
      (offLo | this.#ifq.areaTokenLo) >>> 0,
      ((offHi & 0xffff) | this.#ifq.areaTokenHi) >>> 0,
      len,
    );
  }

  /** @internal Returns a released buffer object to the pool. */
  _recycle(buf: ZCRXBuffer): void {
    if (this.#free.length < 1024) this.#free.push(buf);
  }

  /**
   * Exports the ZCRX instance for another ring or process (an fd).
   * Needs kernel support for ZCRX control (Linux 6.19+): otherwise
   * {@linkcode NotSupportedError}.
   */
  export(): number {
    return zcrxExport(this.#ring, this.#ifq.id);
  }

  /** Asks the kernel to process the refill ring now (Linux 6.19+). */
  flushRefillQueue(): void {
    zcrxFlushRefillQueue(this.#ring, this.#ifq.id);
  }

  /**
   * Releases the area and refill ring. Returns false while that is not yet
   * safe (not Stopped, or the ring still running: the kernel owns the
   * registration until the ring is closed); true once done. Idempotent.
   */
  close(): boolean {
    if (!this.#ifq.mapped) return true;
    if (
      this.#state !== ZCRXState.Stopped && this.#state !== ZCRXState.Idle
    ) {
      return false;
    }
    if (!this.#ring.closed) return false;
    this.#ifq.close();
    this.#state = ZCRXState.Stopped;
    return true;
  }
}
