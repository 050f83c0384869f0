// The promise behind one driver operation: resolves or rejects at its
// final completion. Internal to the driver.

import { Errno } from "../../zcall/errno.ts";
import type { ExtSQE } from "../context.ts";
import { type CQEView, IORING_CQE_F } from "../cqe.ts";
import { UringError, uringError } from "../errors.ts";
import type { CQETarget } from "../multishot.ts";

const ECANCELED = -Errno.ECANCELED;
const F_MORE = IORING_CQE_F.MORE;
const F_NOTIF = 1 << 3;

/**
 * The result of one completed operation.
 *
 * @example
 * ```ts
 * import type { Completion } from "@kernio/kernio/uring";
 * declare const c: Completion;
 * if (c.res < 0) console.error("failed", c.res);
 * ```
 */
export interface Completion {
  /** The kernel's result (>= 0, or -errno with `raw`). */
  res: number;
  /** The CQE flags. */
  flags: number;
}

/** What a pending operation needs of its driver. */
export interface PendingOwner {
  _retire(op: PendingOp): void;
}

export class PendingOp implements CQETarget {
  resolve!: (c: Completion) => void;
  reject!: (e: unknown) => void;
  readonly promise: Promise<Completion>;
  ext: ExtSQE;
  op: string;
  raw: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  timeoutMs = -1;
  driver: PendingOwner;
  // SEND_ZC: first CQE (F_MORE) carries the result, the notification ends it.
  zcRes: number | undefined;

  constructor(driver: PendingOwner, ext: ExtSQE, op: string, raw: boolean) {
    this.driver = driver;
    this.ext = ext;
    this.op = op;
    this.raw = raw;
    this.promise = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }

  _onCQE(cqe: CQEView): void {
    let res = cqe.res;
    if ((cqe.flags & F_MORE) !== 0) {
      this.zcRes = res; // zero-copy send: wait for the notification
      return;
    }
    if ((cqe.flags & F_NOTIF) !== 0 && this.zcRes !== undefined) {
      res = this.zcRes;
    }
    this.driver._retire(this);
    if (this.signal?.aborted && res === ECANCELED) {
      this.reject(this.signal.reason);
    } else if (res === ECANCELED && this.timeoutMs >= 0) {
      // Nothing else cancels a driver op (close() rejects with ECANCELED
      // only after its own deadline): the linked timeout fired.
      this.reject(
        new UringError(this.op, -Errno.ETIME, `uring: ${this.op}: timed out`),
      );
    } else if (res < 0 && !this.raw) {
      this.reject(uringError(this.op, res));
    } else {
      this.resolve({ res, flags: cqe.flags });
    }
  }
}
