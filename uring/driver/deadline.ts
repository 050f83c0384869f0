// Deadlines of driver operations: composing an absolute deadline with a
// timeout, and linking an operation to an IORING_OP_LINK_TIMEOUT.

import { IOSQE } from "../../zcall/constants.ts";
import type { SQEContext } from "../context.ts";
import type { OpOptions, Uring } from "../ring.ts";

/**
 * Composes a deadline: the milliseconds left until the earlier of an
 * absolute `deadline` (a `performance.now()` time; 0 or Infinity: none) and
 * `timeoutMs` from now. Undefined when neither is set; 0 when already past.
 *
 * @example
 * ```ts
 * import { composeDeadline } from "@kernio/kernio/uring";
 * composeDeadline(performance.now() + 500, 100); // 100
 * composeDeadline(undefined, undefined); // undefined
 * ```
 */
export function composeDeadline(
  deadline: number | undefined,
  timeoutMs: number | undefined,
): number | undefined {
  let left: number | undefined;
  if (deadline !== undefined && deadline !== 0 && deadline !== Infinity) {
    if (typeof deadline !== "number" || Number.isNaN(deadline)) {
      throw new RangeError(`composeDeadline: bad deadline ${deadline}`);
    }
    left = Math.max(0, deadline - performance.now());
  }
  if (timeoutMs !== undefined) {
    if (
      !(typeof timeoutMs === "number" && timeoutMs >= 0 && isFinite(timeoutMs))
    ) {
      throw new RangeError(`composeDeadline: bad timeoutMs ${timeoutMs}`);
    }
    left = left === undefined ? timeoutMs : Math.min(left, timeoutMs);
  }
  return left;
}

/**
 * Submits the SQE written by `prep` linked (IOSQE_IO_LINK) to an
 * IORING_OP_LINK_TIMEOUT of `ms`: exactly one of them completes normally,
 * the other with -ECANCELED (the operation) or -ETIME / -ECANCELED (the
 * timeout, under `timeoutCtx`). Both SQEs go into the same submission.
 * Returns false (nothing queued) when the SQ has no room for the pair.
 *
 * @example
 * ```ts
 * import { forFD, linkTimeout, packDirect, Uring } from "@kernio/kernio/uring";
 * import { IORING_OP } from "@kernio/kernio/zcall";
 * declare const fd: number;
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const buf = new Uint8Array(64);
 * linkTimeout(ring, 500, (o) => ring.recv(packDirect(IORING_OP.RECV, 0, 0, fd), buf, o),
 *   packDirect(IORING_OP.LINK_TIMEOUT, 0, 0, 0));
 * ```
 */
export function linkTimeout(
  ring: Uring,
  ms: number,
  prep: (o: OpOptions) => boolean,
  timeoutCtx: SQEContext,
): boolean {
  if (!(typeof ms === "number" && ms >= 0 && isFinite(ms))) {
    throw new RangeError(
      `linkTimeout: ms must be a finite number >= 0, got ${ms}`,
    );
  }
  if (typeof prep !== "function") {
    throw new TypeError("linkTimeout: prep must be a function");
  }
  if (ring.sqAvailable() < 2) ring.submit();
  if (ring.sqAvailable() < 2) return false;
  if (!prep({ flags: IOSQE.IO_LINK })) return false;
  return ring.linkTimeout(timeoutCtx, ms);
}
