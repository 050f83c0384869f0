/**
 * What a bad-input case is (the layer, the call, what the contract demands)
 * and how its outcome is reported, with the helpers every layer's cases use.
 * The catalogue runner is tests/_util/bad_input.ts.
 *
 * @module
 */

import * as z from "../../zcall/mod.ts";

/** Which layer a case exercises. */
export type Layer = "zcall" | "sock" | "uring";

/**
 * What the contract demands of a case: `errno`, a negative result;
 * `throws`, a typed error; `noThrow`, no error at all (double close/stop,
 * views read after stop, would-block values).
 */
export type Expect = "errno" | "throws" | "noThrow";

/** One bad-input call. */
export interface BadCase {
  /** Layer of the function. */
  layer: Layer;
  /** Function or method name. */
  fn: string;
  /** The invalid input, described. */
  input: string;
  /** `errno`: must return a negative integer; `throws`: a typed error. */
  expect: Expect;
  /** Makes the call (may return a promise). */
  call: () => unknown;
}

/** How a case ended. */
export type Kind =
  | "errno" // returned -errno (zcall contract)
  | "benign" // a zero-length or detached buffer: returned 0, touched nothing
  | "typed" // threw a clear typed error
  | "incidental" // threw a TypeError, but from V8/FFI plumbing, not a check
  | "threw" // a zcall syscall wrapper threw (contract: never throws)
  | "accepted" // bad input silently succeeded
  | "untyped" // threw a plain Error or a non-Error
  | "ok" // a noThrow case returned
  | "threwUnexpectedly"; // a noThrow case threw

/** The classified result of one case. */
export interface Outcome {
  /** Layer. */
  layer: Layer;
  /** Function name. */
  fn: string;
  /** The input. */
  input: string;
  /** Classification. */
  kind: Kind;
  /** Return value or error text. */
  detail: string;
}

/** The report of a catalogue run. */
export interface Report {
  /** Cases run. */
  total: number;
  /** Cases per layer. */
  byLayer: Record<string, number>;
  /** Cases per outcome kind. */
  byKind: Record<string, number>;
  /** Outcomes that break a contract and match no known finding. */
  violations: Outcome[];
  /** Outcomes that break a contract but match a known finding, by finding id. */
  known: Record<string, number>;
  /** Up to three examples per known finding. */
  knownExamples: Record<string, Outcome[]>;
  /** Exported zcall/sock/uring functions with no case (coverage gaps). */
  uncovered: string[];
}

/** Extra case sources registered by the layers' catalogues. */
export type CaseSource = () => Promise<
  { cases: BadCase[]; cleanup: () => void | Promise<void> }
>;

/** A bad value: its label in the report and how to make it. */
export type Bad = [label: string, value: () => unknown];

/** A descriptor number that was valid a moment ago (EBADF now). */
export function closedFd(): number {
  const fd = z.eventfd2(0, z.EFD.CLOEXEC);
  z.close(fd);
  return fd;
}

/** A case that must throw a typed error. */
export const tc = (
  layer: "sock" | "uring",
  fn: string,
  input: string,
  call: () => unknown,
): BadCase => ({ layer, fn, input, expect: "throws", call });

/** A case that must not throw (double close, reads after stop). */
export const noThrow = (
  layer: "sock" | "uring",
  fn: string,
  input: string,
  call: () => unknown,
): BadCase => ({ layer, fn, input, expect: "noThrow", call });
