// The typed errors of sock and uring (one hierarchy: the uring layer's
// UringError extends SockError), mapped from the kernel's errno in one place
// (errorFromErrno). Each class with a matching Deno.errors.* class is also
// an instance of it (its prototype chain runs through Deno's class), so
// `catch` blocks written for Deno.connect/Deno.listen keep working;
// `instanceof SockError` is answered by a brand every kernio error carries.
// Messages name the operation and, when known, the address:
// "bind 127.0.0.1:8080: address in use".
// Would-block is not an error: non-blocking calls return the WOULD_BLOCK
// sentinel instead.

import { Errno, errnoMessage, errnoName } from "../zcall/errno.ts";

// The missing-permission error is zcall's (a Deno.errors.NotCapable).
export { MissingPermissionError } from "../zcall/permission.ts";

/**
 * The value the non-blocking `try*` methods return when the kernel is not
 * ready (the raw `-EAGAIN`). A plain number: comparing against it costs no
 * allocation and no exception.
 *
 * @example
 * ```ts
 * import { unixConnPair, WOULD_BLOCK } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * b.tryRead(new Uint8Array(8)) === WOULD_BLOCK; // true: nothing sent yet
 * a.close();
 * b.close();
 * ```
 */
export const WOULD_BLOCK: number = -Errno.EAGAIN;

/**
 * Base class of every error the sock layer throws for a kernel failure.
 * `errno` is the positive errno number, `code` its name ("ECONNREFUSED"),
 * `op` the operation that failed ("connect").
 *
 * @example
 * ```ts
 * import { dialTCP4, SockError } from "@kernio/kernio/sock";
 * try {
 *   dialTCP4(null, { hostname: "127.0.0.1", port: 1 });
 * } catch (e) {
 *   if (e instanceof SockError) console.log(e.code, e.errno, e.op);
 * }
 * ```
 */
export class SockError extends Error {
  /** The errno number (positive). */
  readonly errno: number;
  /** The errno name, such as "EADDRINUSE". */
  readonly code: string;
  /** The operation that failed. */
  readonly op: string;
  /** The address involved ("127.0.0.1:8080", a path), or "". */
  readonly address: string;

  /**
   * Plain prototype-chain `instanceof`, except for umbrella classes
   * (UringError), which answer true for every kernio error.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Object.hasOwn(this, UMBRELLA)) return isKernioError(value);
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /**
   * Creates the error from an errno number (either sign) and an operation;
   * `address` (optional, in `options`) goes into the message.
   */
  constructor(
    errno: number,
    op: string,
    message?: string,
    options?: ErrorOptions & { address?: string },
  ) {
    const n = errno < 0 ? -errno : errno;
    const address = options?.address ?? "";
    super(message ?? formatMessage(op, address, n), options);
    Object.defineProperty(this, BRAND, { value: true });
    this.name = new.target.name;
    this.errno = n;
    this.code = n === 0 ? "EUNKNOWN" : errnoName(n);
    this.op = op;
    this.address = address;
  }
}

const BRAND = Symbol.for("kernio.error");
/**
 * Marks a class (as an own static property) whose `instanceof` means "any
 * kernio error" (UringError).
 *
 * @example
 * ```ts
 * import { UMBRELLA } from "@kernio/kernio/sock";
 * typeof UMBRELLA; // "symbol"
 * ```
 */
export const UMBRELLA: unique symbol = Symbol.for("kernio.umbrella") as never;

/**
 * Whether `value` is an error of kernio's typed hierarchy (either layer).
 *
 * @example
 * ```ts
 * import { errorFromErrno, isKernioError } from "@kernio/kernio/sock";
 * isKernioError(errorFromErrno(-104, "read")); // true
 * isKernioError(new Error("x")); // false
 * ```
 */
export function isKernioError(value: unknown): value is SockError {
  return typeof value === "object" && value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true;
}

// Short lower-case descriptions, as in "bind 127.0.0.1:80: address in use".
const DESCRIBE = new Map<number, string>([
  [Errno.EADDRINUSE, "address in use"],
  [Errno.EADDRNOTAVAIL, "address not available"],
  [Errno.ECONNREFUSED, "connection refused"],
  [Errno.ECONNRESET, "connection reset by peer"],
  [Errno.ECONNABORTED, "connection aborted"],
  [Errno.EPIPE, "broken pipe (the peer closed the connection)"],
  [Errno.ENOTCONN, "not connected"],
  [Errno.ETIMEDOUT, "timed out"],
  [Errno.ENETUNREACH, "network unreachable"],
  [Errno.EHOSTUNREACH, "host unreachable"],
  [Errno.EACCES, "permission denied"],
  [Errno.EPERM, "operation not permitted"],
  [Errno.EBADF, "bad file descriptor (closed)"],
  [Errno.EMFILE, "too many open files"],
]);

function formatMessage(op: string, address: string, n: number): string {
  const where = address === "" ? op : `${op} ${address}`;
  if (n === 0) return `${where}: failed`;
  const d = DESCRIBE.get(n) ?? errnoMessage(n).toLowerCase();
  return `${where}: ${d} (${errnoName(n)})`;
}

const DENO_CLASS = Symbol.for("kernio.denoClass");
const PATCHED = Symbol.for("kernio.hasInstance");

// Makes instances of `cls` also instances of Deno's error class `deno`, so
// `catch (e) { if (e instanceof Deno.errors.ConnectionReset) ... }` keeps
// working: Deno's class gets a Symbol.hasInstance that adds kernio errors
// naming it to its own (unchanged) prototype-chain answer.
function alsoDeno(
  cls: abstract new (...a: never[]) => SockError,
  deno: unknown,
): void {
  if (typeof deno !== "function") return;
  Object.defineProperty(cls.prototype, DENO_CLASS, { value: deno });
  if (Object.hasOwn(deno, PATCHED)) return;
  Object.defineProperty(deno, Symbol.hasInstance, {
    value: function (this: unknown, v: unknown): boolean {
      return Function.prototype[Symbol.hasInstance].call(this, v) ||
        (typeof v === "object" && v !== null &&
          (v as Record<symbol, unknown>)[DENO_CLASS] === this);
    },
    configurable: true,
  });
  Object.defineProperty(deno, PATCHED, { value: true });
}

/**
 * EADDRINUSE: the address is already bound.
 *
 * @example
 * ```ts
 * import { AddressInUseError } from "@kernio/kernio/sock";
 * new AddressInUseError(98, "bind").code; // "EADDRINUSE"
 * ```
 */
export class AddressInUseError extends SockError {}
/**
 * EADDRNOTAVAIL: the address is not local.
 *
 * @example
 * ```ts
 * import { AddressNotAvailableError } from "@kernio/kernio/sock";
 * new AddressNotAvailableError(99, "bind");
 * ```
 */
export class AddressNotAvailableError extends SockError {}
/**
 * ECONNREFUSED: nothing listens at the target.
 *
 * @example
 * ```ts
 * import { ConnectionRefusedError } from "@kernio/kernio/sock";
 * new ConnectionRefusedError(111, "connect");
 * ```
 */
export class ConnectionRefusedError extends SockError {}
/**
 * ECONNRESET, ECONNABORTED, EPIPE: the peer reset or went away.
 *
 * @example
 * ```ts
 * import { ConnectionResetError } from "@kernio/kernio/sock";
 * new ConnectionResetError(104, "read");
 * ```
 */
export class ConnectionResetError extends SockError {}
/**
 * ENOTCONN, EDESTADDRREQ: the socket is not connected.
 *
 * @example
 * ```ts
 * import { NotConnectedError } from "@kernio/kernio/sock";
 * new NotConnectedError(107, "write");
 * ```
 */
export class NotConnectedError extends SockError {}
/**
 * ETIMEDOUT, and deadlines passed in awaitable operations.
 *
 * @example
 * ```ts
 * import { TimedOutError } from "@kernio/kernio/sock";
 * new TimedOutError(110, "read");
 * ```
 */
export class TimedOutError extends SockError {}
/**
 * ENETUNREACH, ENETDOWN: no route to the network.
 *
 * @example
 * ```ts
 * import { NetworkUnreachableError } from "@kernio/kernio/sock";
 * new NetworkUnreachableError(101, "connect");
 * ```
 */
export class NetworkUnreachableError extends SockError {}
/**
 * EHOSTUNREACH: the host cannot be reached.
 *
 * @example
 * ```ts
 * import { HostUnreachableError } from "@kernio/kernio/sock";
 * new HostUnreachableError(113, "connect");
 * ```
 */
export class HostUnreachableError extends SockError {}
/**
 * EMSGSIZE: the message is too large for the transport.
 *
 * @example
 * ```ts
 * import { MessageTooLargeError } from "@kernio/kernio/sock";
 * new MessageTooLargeError(90, "write");
 * ```
 */
export class MessageTooLargeError extends SockError {}
/**
 * EPROTONOSUPPORT, ESOCKTNOSUPPORT: the protocol is not available.
 *
 * @example
 * ```ts
 * import { ProtocolNotSupportedError } from "@kernio/kernio/sock";
 * new ProtocolNotSupportedError(93, "socket");
 * ```
 */
export class ProtocolNotSupportedError extends SockError {}
/**
 * EAFNOSUPPORT: the address family is not available.
 *
 * @example
 * ```ts
 * import { AddressFamilyNotSupportedError } from "@kernio/kernio/sock";
 * new AddressFamilyNotSupportedError(97, "socket");
 * ```
 */
export class AddressFamilyNotSupportedError extends SockError {}
/**
 * EINPROGRESS, EALREADY: a connection attempt is still under way.
 *
 * @example
 * ```ts
 * import { InProgressError } from "@kernio/kernio/sock";
 * new InProgressError(115, "connect");
 * ```
 */
export class InProgressError extends SockError {}
/**
 * EOPNOTSUPP, ENOPROTOOPT: the operation or option does not apply to
 * this socket.
 *
 * @example
 * ```ts
 * import { NotSupportedError } from "@kernio/kernio/sock";
 * new NotSupportedError(95, "listen");
 * ```
 */
export class NotSupportedError extends SockError {}
/**
 * EPERM, EACCES: permission denied.
 *
 * @example
 * ```ts
 * import { PermissionError } from "@kernio/kernio/sock";
 * new PermissionError(13, "bind");
 * ```
 */
export class PermissionError extends SockError {}
/**
 * EINTR: interrupted by a signal.
 *
 * @example
 * ```ts
 * import { InterruptedError } from "@kernio/kernio/sock";
 * new InterruptedError(4, "accept");
 * ```
 */
export class InterruptedError extends SockError {}
/**
 * ENOMEM, ENOBUFS: the kernel is out of memory or buffers.
 *
 * @example
 * ```ts
 * import { NoMemoryError } from "@kernio/kernio/sock";
 * new NoMemoryError(105, "write");
 * ```
 */
export class NoMemoryError extends SockError {}
/**
 * EINVAL and other rejected arguments.
 *
 * @example
 * ```ts
 * import { InvalidParamError } from "@kernio/kernio/sock";
 * new InvalidParamError(22, "setsockopt");
 * ```
 */
export class InvalidParamError extends SockError {}

/**
 * The socket was closed (by this process: EBADF from the kernel, or any
 * method called after `close()`).
 *
 * @example
 * ```ts
 * import { ClosedError, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * a.close();
 * try { a.tryRead(new Uint8Array(1)); } catch (e) { e instanceof ClosedError; }
 * b.close();
 * ```
 */
export class ClosedError extends SockError {
  /** Creates the error for an operation on a closed socket. */
  constructor(
    errno: number = Errno.EBADF,
    op = "use",
    message?: string,
    options?: ErrorOptions & { address?: string },
  ) {
    super(errno, op, message ?? `${op}: the socket is closed`, options);
  }
}

/**
 * An awaitable operation was cancelled through its AbortSignal. `cause`
 * holds the signal's reason. Its `name` is "AbortError", as in web APIs.
 *
 * @example
 * ```ts
 * import { AbortedError, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * const ac = new AbortController();
 * const p = b.read(new Uint8Array(8), { signal: ac.signal });
 * ac.abort();
 * await p.catch((e) => e instanceof AbortedError); // true
 * a.close();
 * b.close();
 * ```
 */
export class AbortedError extends SockError {
  /** Creates the error from the signal's reason. */
  constructor(op: string, reason?: unknown) {
    super(Errno.ECANCELED, op, `${op}: aborted`, { cause: reason });
    this.name = "AbortError";
  }
}

/**
 * An unrecognised network name ("tcp7", "unixstream"...): a TypeError, so
 * it reads as the bad argument it is.
 *
 * @example
 * ```ts
 * import { listenTCP, UnknownNetworkError } from "@kernio/kernio/sock";
 * try {
 *   listenTCP("tcp7" as "tcp", { port: 0 });
 * } catch (e) {
 *   e instanceof UnknownNetworkError; // true
 * }
 * ```
 */
export class UnknownNetworkError extends TypeError {
  /** The network name given. */
  readonly network: string;
  /** Creates the error for `network`, listing the accepted names. */
  constructor(fn: string, network: string, expected: string) {
    super(`${fn}: unknown network "${network}" (expected ${expected})`);
    this.name = "UnknownNetworkError";
    this.network = network;
  }
}

/**
 * An address the layer cannot use: a family that does not match the
 * network, a host that is not an IP literal where one is needed, an
 * unknown IPv6 zone. A TypeError (what a bad address was before), with the
 * offending text in `addr`.
 *
 * @example
 * ```ts
 * import { AddrError, listenTCP } from "@kernio/kernio/sock";
 * try {
 *   listenTCP("tcp4", { hostname: "::1", port: 0 });
 * } catch (e) {
 *   e instanceof AddrError; // true: an IPv6 address for "tcp4"
 * }
 * ```
 */
export class AddrError extends TypeError {
  /** The address text at fault. */
  readonly addr: string;
  /** What is wrong with it. */
  readonly reason: string;
  /** Creates the error: `fn` names the call, `reason` the fault. */
  constructor(
    fn: string,
    reason: string,
    addr: string,
    options?: ErrorOptions,
  ) {
    super(`${fn}: ${reason}: "${addr}"`, options);
    this.name = new.target.name;
    this.addr = addr;
    this.reason = reason;
  }
}

/**
 * Address text that does not parse ("10.0.0.256", "1.2.3", "::g"), or a
 * required address that is missing: an {@linkcode AddrError}.
 *
 * @example
 * ```ts
 * import { InvalidAddrError, SockaddrInet4 } from "@kernio/kernio/sock";
 * try {
 *   SockaddrInet4.parse("10.0.0.256");
 * } catch (e) {
 *   e instanceof InvalidAddrError; // true (and a TypeError)
 * }
 * ```
 */
export class InvalidAddrError extends AddrError {}

const E = Deno.errors;
alsoDeno(AddressInUseError, E.AddrInUse);
alsoDeno(AddressNotAvailableError, E.AddrNotAvailable);
alsoDeno(ConnectionRefusedError, E.ConnectionRefused);
alsoDeno(ConnectionResetError, E.ConnectionReset);
alsoDeno(NotConnectedError, E.NotConnected);
alsoDeno(TimedOutError, E.TimedOut);
alsoDeno(NetworkUnreachableError, E.NetworkUnreachable);
alsoDeno(NotSupportedError, E.NotSupported);
alsoDeno(PermissionError, E.PermissionDenied);
alsoDeno(InterruptedError, E.Interrupted);
alsoDeno(ClosedError, E.BadResource);

/**
 * A constructor of the hierarchy, as {@linkcode errorClassOf} returns it.
 *
 * @example
 * ```ts
 * import { type ErrorClass, errorClassOf } from "@kernio/kernio/sock";
 * const C: ErrorClass | undefined = errorClassOf(-111);
 * ```
 */
export type ErrorClass = new (
  errno: number,
  op: string,
  message?: string,
  options?: ErrorOptions & { address?: string },
) => SockError;

// errno -> class, the one mapping of the layer.
const BY_ERRNO = new Map<number, ErrorClass>([
  [Errno.EADDRINUSE, AddressInUseError],
  [Errno.EADDRNOTAVAIL, AddressNotAvailableError],
  [Errno.ECONNREFUSED, ConnectionRefusedError],
  [Errno.ECONNRESET, ConnectionResetError],
  [Errno.ECONNABORTED, ConnectionResetError],
  [Errno.EPIPE, ConnectionResetError],
  [Errno.ENOTCONN, NotConnectedError],
  [Errno.EDESTADDRREQ, NotConnectedError],
  [Errno.ETIMEDOUT, TimedOutError],
  [Errno.ENETUNREACH, NetworkUnreachableError],
  [Errno.ENETDOWN, NetworkUnreachableError],
  [Errno.EHOSTUNREACH, HostUnreachableError],
  [Errno.EMSGSIZE, MessageTooLargeError],
  [Errno.EPROTONOSUPPORT, ProtocolNotSupportedError],
  [Errno.ESOCKTNOSUPPORT, ProtocolNotSupportedError],
  [Errno.EAFNOSUPPORT, AddressFamilyNotSupportedError],
  [Errno.EINPROGRESS, InProgressError],
  [Errno.EALREADY, InProgressError],
  [Errno.EOPNOTSUPP, NotSupportedError],
  [Errno.ENOPROTOOPT, NotSupportedError],
  [Errno.EPERM, PermissionError],
  [Errno.EACCES, PermissionError],
  [Errno.EINTR, InterruptedError],
  [Errno.ENOMEM, NoMemoryError],
  [Errno.ENOBUFS, NoMemoryError],
  [Errno.EINVAL, InvalidParamError],
  [Errno.EBADF, ClosedError],
]);

/**
 * The typed error for a raw zcall result (`-errno`, or a positive errno):
 * the subclass of {@linkcode SockError} matching the errno, or SockError
 * itself for any other errno.
 *
 * @example
 * ```ts
 * import { ConnectionRefusedError, errorFromErrno } from "@kernio/kernio/sock";
 * errorFromErrno(-111, "connect") instanceof ConnectionRefusedError; // true
 * ```
 */
export function errorFromErrno(
  raw: number,
  op: string,
  address?: string,
): SockError {
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw === 0) {
    throw new TypeError(
      `errorFromErrno: raw must be a non-zero integer errno, got ${raw}`,
    );
  }
  const n = raw < 0 ? -raw : raw;
  const o = address === undefined ? undefined : { address };
  if (n === Errno.EBADF) {
    return new ClosedError(n, op, formatMessage(op, address ?? "", n), o);
  }
  const C = BY_ERRNO.get(n) ?? SockError;
  return new C(n, op, undefined, o);
}

/**
 * The class {@linkcode errorFromErrno} uses for `raw` (undefined: plain
 * SockError), for layers building their own errors.
 *
 * @example
 * ```ts
 * import { ConnectionResetError, errorClassOf } from "@kernio/kernio/sock";
 * errorClassOf(-104) === ConnectionResetError; // true
 * ```
 */
export function errorClassOf(raw: number): ErrorClass | undefined {
  return BY_ERRNO.get(raw < 0 ? -raw : raw);
}
