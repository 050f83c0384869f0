/**
 * The bad-input findings already reported, matched by pattern so that a new
 * kind of failure still fails the catalogue.
 *
 * @module
 */

import type { Outcome } from "./bad_input_case.ts";

/**
 * Known findings: deviations already reported, matched by pattern so a new
 * kind of failure still fails the suite. Each id is described in the report.
 *
 * @example
 * ```ts
 * import { KNOWN_FINDINGS } from "./bad_input_findings.ts";
 * for (const [id, f] of Object.entries(KNOWN_FINDINGS)) console.log(id, f.about);
 * ```
 */
export const KNOWN_FINDINGS: Record<
  string,
  { about: string; match: (o: Outcome) => boolean }
> = {
  "Z1-ffi-number": {
    about: "zcall passes numbers straight to FFI int params: NaN, Infinity, " +
      "non-integers, out-of-range or non-number arguments make Deno throw " +
      "TypeError('Invalid FFI ...') instead of returning -EINVAL",
    match: (o) =>
      o.layer === "zcall" && (o.kind === "threw" || o.kind === "incidental") &&
      /Invalid FFI|expected (un)?signed integer|expected integer|expected number|Cannot convert/
        .test(o.detail),
  },
  "S1-iooptions-signal": {
    about:
      "sock: read/write IoOptions.signal is not validated: { signal: 5 } " +
      "fails deep in the reactor (signal.addEventListener is not a " +
      "function) and leaves a waiter behind: the socket's close() then " +
      "throws 'w.signal.removeEventListener is not a function' from the " +
      "reactor before close(2), so the descriptor leaks (fix: check " +
      "signal instanceof AbortSignal at the top of sock/_reactor.ts wait())",
    match: (o) =>
      o.layer === "sock" &&
      (/signal: 5/.test(o.input) ||
        (o.fn === "cleanup" && /removeEventListener/.test(o.detail))),
  },
  "S2-setaddr-bytes": {
    about: "sock: SockaddrInet4.setAddr / the constructor take bytes > 255 " +
      "and silently truncate them (256 becomes 0)",
    match: (o) =>
      o.layer === "sock" && o.kind === "accepted" && /byte 256/.test(o.input),
  },
  "S3-incidental-typeerror": {
    about:
      "sock: a few entry points read properties of a null argument before " +
      "checking it (decodeSockaddr(null): V8's 'Cannot read properties of " +
      "null'): a TypeError, but not a clear one",
    match: (o) => o.layer === "sock" && o.kind === "incidental",
  },
  "U1-ctx-unchecked": {
    about:
      "uring: prep methods (nop, read, write, send, timeout, pollAdd, close, " +
      "asyncCancel, keepAlive) do not check ctx is an SQEContext: {} or 5 " +
      "submits an SQE with user_data 0, null gives V8's 'Cannot read " +
      "properties of null' (the hot path skips a brand check)",
    match: (o) =>
      o.layer === "uring" && /^ctx /.test(o.input) &&
      (o.kind === "accepted" || o.kind === "incidental"),
  },
  "U2-op-options-unchecked": {
    about: "uring: OpOptions are not range-checked at prep time (offset NaN, " +
      "flags 999/-1): the SQE is queued and the kernel's CQE reports " +
      "-EINVAL (or the value is truncated)",
    match: (o) =>
      o.layer === "uring" && o.kind === "accepted" &&
      /offset NaN|flags 999|flags -1/.test(o.input),
  },
  "U3-wait-cqes-unchecked": {
    about: "uring: wait(cqes) does not check its array: [], null or [{}] " +
      "return 0 while nothing is pending (null would throw V8's TypeError " +
      "once a completion is ready)",
    match: (o) =>
      o.layer === "uring" && o.fn === "Uring.wait" && /^cqes /.test(o.input),
  },
  "U4-raw-prep-index": {
    about: "uring: the raw prep* helpers write at whatever index they are " +
      "given: -1 or beyond the SQ array is a silent no-op (typed-array " +
      "bounds keep memory safe)",
    match: (o) => o.layer === "uring" && o.fn.startsWith("prep"),
  },
  "U5-incidental-typeerror": {
    about:
      "uring: registerFiles(null) and ContextPools.putExtended(null) fail " +
      "with V8's TypeError rather than a checked one",
    match: (o) => o.layer === "uring" && o.kind === "incidental",
  },
  "U6-resize-zero": {
    about: "uring: resizeRings(0) is accepted silently",
    match: (o) => o.fn === "Uring.resizeRings" && o.input === "0",
  },
  "Z4-syscall6-nan": {
    about:
      "zcall: syscall6/syscall4 pass in-range doubles through as the raw " +
      "syscall ABI does (NaN, infinities and out-of-int64 values now give " +
      "-EINVAL): 2^32 as an fd is truncated by the kernel to fd 0, exactly " +
      "as from C (by design: raw semantics)",
    match: (o) =>
      o.layer === "zcall" && o.fn === "syscall6" && o.kind === "accepted",
  },
  "Z2-wrong-type-buffer": {
    about:
      "zcall dereferences buffer arguments before checking them: null or a " +
      "non-TypedArray gives a V8 TypeError instead of -EFAULT",
    match: (o) =>
      o.layer === "zcall" && (o.kind === "threw" || o.kind === "incidental") &&
      /Cannot read properties|is not a function|Invalid FFI buffer|not iterable|Cannot mix BigInt/
        .test(o.detail),
  },
};
