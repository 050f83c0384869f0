// The uring layer's typed errors, built in one place. They belong to the
// one hierarchy shared with sock (UringError extends SockError): a peer reset
// is a ConnectionResetError from either layer, also an instance of
// Deno.errors.ConnectionReset. Would-block is never an error here: waits
// return 0 and SQE getters flush instead of failing.

import { errnoMessage, errnoName } from "../zcall/errno.ts";
import {
  errorClassOf,
  type SockError,
  SockError as Base,
  UMBRELLA,
} from "../sock/errors.ts";

export {
  AbortedError,
  AddressFamilyNotSupportedError,
  AddressInUseError,
  AddressNotAvailableError,
  ClosedError,
  ConnectionRefusedError,
  ConnectionResetError,
  errorFromErrno,
  HostUnreachableError,
  InProgressError,
  InterruptedError,
  InvalidParamError,
  isKernioError,
  MessageTooLargeError,
  NetworkUnreachableError,
  NoMemoryError,
  NotConnectedError,
  PermissionError,
  ProtocolNotSupportedError,
  SockError,
  TimedOutError,
} from "../sock/errors.ts";

/**
 * Base class of every error thrown by the uring layer. Carries the errno
 * number (0 when the failure is not a kernel errno) and its name.
 *
 * @example
 * ```ts
 * import { UringError } from "@kernio/kernio/uring";
 * try {
 *   // ring.start();
 * } catch (e) {
 *   if (e instanceof UringError) console.error(e.code, e.errno);
 * }
 * ```
 */
export class UringError extends Base {
  /** `instanceof UringError` is true for every kernio error. */
  static readonly [UMBRELLA] = true;

  /** Creates the error from a raw negative kernel result. */
  constructor(op: string, raw: number, message?: string) {
    super(
      raw,
      op,
      message ?? `uring: ${op}: ${errnoName(raw)}: ${errnoMessage(raw)}`,
    );
    this.name = new.target.name;
  }
}

/**
 * Thrown by every method of a stopped ring and by every view it handed out
 * (the memory behind them is unmapped).
 *
 * @example
 * ```ts
 * import { RingClosedError, Uring } from "@kernio/kernio/uring";
 * const ring = new Uring();
 * ring.stop();
 * try {
 *   ring.start();
 * } catch (e) {
 *   console.log(e instanceof RingClosedError); // true
 * }
 * ```
 */
export class RingClosedError extends UringError {
  /** Creates the error for the method `op`. */
  constructor(op: string) {
    super(op, 0, `uring: ${op}: ring closed`);
    this.name = "RingClosedError";
    (this as { code: string }).code = "ECLOSED";
  }
}

/**
 * The completion queue overflowed (more completions than CQ slots were
 * posted before the application reaped them) and no completion was
 * claimable. The kernel keeps the overflowed entries; `wait` flushed them
 * back into the CQ before throwing, so the next `wait` returns them.
 *
 * @example
 * ```ts
 * import { CQOverflowError } from "@kernio/kernio/uring";
 * const e = new CQOverflowError(3);
 * e.code; // "EOVERFLOW"
 * ```
 */
export class CQOverflowError extends UringError {
  /** Completions made visible by the flush that followed the overflow. */
  readonly flushed: number;
  /** Creates the error. */
  constructor(flushed: number) {
    super(
      "wait",
      -75,
      `uring: wait: completion queue overflow (${flushed} completions flushed back; reap faster or use a larger CQ)`,
    );
    this.name = "CQOverflowError";
    this.flushed = flushed;
  }
}

/**
 * The running kernel or this ring's setup does not support the feature
 * (unknown opcode, register opcode or query, or a 128-byte SQE op on a
 * 64-byte ring).
 *
 * @example
 * ```ts
 * import { NotSupportedError } from "@kernio/kernio/uring";
 * new NotSupportedError("query", "needs Linux 6.19").code; // "EOPNOTSUPP"
 * ```
 */
export class NotSupportedError extends UringError {
  /** Creates the error for `op` with an explanation. */
  constructor(op: string, why: string, raw = -95) {
    super(op, raw, `uring: ${op}: not supported: ${why}`);
    this.name = "NotSupportedError";
  }
}
Object.setPrototypeOf(
  NotSupportedError.prototype,
  Deno.errors.NotSupported.prototype,
);

/**
 * The object is not ready for the request yet: a listener before its
 * LISTEN completed (accept first needs a listening socket). Code
 * "ENOTREADY", errno EAGAIN: retry once the setup has completed.
 *
 * @example
 * ```ts
 * import { NotReadyError } from "@kernio/kernio/uring";
 * const e = new NotReadyError("ListenerOp.acceptMultishot", "listener not ready");
 * e.code; // "ENOTREADY"
 * ```
 */
export class NotReadyError extends UringError {
  /** Creates the error for `op`. */
  constructor(op: string, why: string) {
    super(op, -11, `uring: ${op}: ${why}`);
    this.name = "NotReadyError";
    (this as { code: string }).code = "ENOTREADY";
  }
}

/**
 * A context pool has no free slot. `mustExtSQE` throws it where running
 * out is a programming error; the other borrowing calls return null.
 *
 * @example
 * ```ts
 * import { PoolExhaustedError } from "@kernio/kernio/uring";
 * new PoolExhaustedError("mustExtSQE", 64).code; // "ENOBUFS"
 * ```
 */
export class PoolExhaustedError extends UringError {
  /** Creates the error for `op` on a pool of `capacity` slots. */
  constructor(op: string, capacity: number) {
    super(
      op,
      -105,
      `uring: ${op}: all ${capacity} extended contexts are borrowed (return them with putExtSQE, or make a larger pool)`,
    );
    this.name = "PoolExhaustedError";
  }
}

/**
 * Builds the typed error for a raw negative kernel result: the ring-closed
 * and not-supported cases get their own classes, everything else is a
 * plain {@linkcode UringError} carrying errno and code.
 *
 * @example
 * ```ts
 * import { uringError } from "@kernio/kernio/uring";
 * uringError("register files", -9).code; // "EBADF"
 * ```
 */
export function uringError(
  op: string,
  raw: number,
  address?: string,
): SockError {
  if (raw === -38 /* ENOSYS */) {
    return new NotSupportedError(op, "io_uring is unavailable (ENOSYS)", raw);
  }
  // Socket errnos get the shared classes (ConnectionResetError...).
  const C = raw !== 0 ? errorClassOf(raw) : undefined;
  if (C !== undefined && raw !== -22 /* EINVAL */ && raw !== -9 /* EBADF */) {
    return new C(
      raw,
      op,
      undefined,
      address === undefined ? undefined : { address },
    );
  }
  return new UringError(op, raw);
}
