// Argument checks shared by the uring modules: one function, one error
// class and one message shape per condition. A value of the wrong kind is a
// TypeError; a number outside its range (a bad fd included) is a
// RangeError. Pure: loads without FFI.

import {
  isSharedBuffer,
  isUnstableView,
  taBuffer,
  taTag,
  viewBytes,
} from "../zcall/_views.ts";
import type { OpOptions } from "./ops/options.ts";

const encoder = new TextEncoder();

export function cstring(where: string, s: string | Uint8Array): Uint8Array {
  if (typeof s === "string") {
    if (s.includes("\0")) {
      throw new TypeError(`${where}: string contains a NUL byte`);
    }
    const b = new Uint8Array(s.length * 3 + 1);
    const { written } = encoder.encodeInto(s, b);
    return b.subarray(0, written + 1);
  }
  const n = taTag(s) === "Uint8Array" ? viewBytes(s) : 0;
  if (n === 0 || s[n - 1] !== 0) {
    throw new TypeError(
      `${where}: expected a string or a NUL-terminated Uint8Array`,
    );
  }
  // The kernel reads the path when the op runs, later: another thread
  // could remove the NUL from shared memory meanwhile, so those get a
  // private copy (which the op pins).
  return isSharedBuffer(taBuffer(s)) ? s.slice(0, n) : s;
}

// Memory an op hands the kernel stays alive (pinned until the final CQE)
// and the same size: views over resizable or detached buffers are refused.
// Sizes come from the engine (zcall/_views.ts), never from the object.
export function checkBuf(
  where: string,
  b: unknown,
): asserts b is ArrayBufferView {
  if (viewBytes(b) < 0) {
    throw new TypeError(`${where}: expected a TypedArray or DataView`);
  }
  if (isUnstableView(b)) {
    throw new TypeError(
      `${where}: the buffer is resizable or detached; in-flight I/O needs ` +
        "memory that keeps its size (use a fixed-length ArrayBuffer)",
    );
  }
}

export function checkLen(
  where: string,
  b: ArrayBufferView,
  n: number | undefined,
): number {
  const cap = viewBytes(b);
  if (n === undefined) return cap < 0 ? 0 : cap;
  if (!(Number.isInteger(n) && n >= 0 && n <= cap)) {
    throw new RangeError(`${where}: n=${n} outside 0..${cap}`);
  }
  return n;
}

export function checkU32(where: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
    throw new RangeError(`${where}: expected a u32, got ${v}`);
  }
}

export function checkInt32(where: string, v: number): void {
  if (!(Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff)) {
    throw new RangeError(`${where}: expected an int32, got ${v}`);
  }
}

export function checkMs(where: string, ms: number): void {
  if (!(typeof ms === "number" && ms >= 0 && Number.isFinite(ms))) {
    throw new RangeError(
      `${where}: duration must be a finite number of ms >= 0, got ${ms}`,
    );
  }
}

const OPT_RANGES: [keyof OpOptions, number, number][] = [
  ["flags", 0, 0xff],
  ["ioprio", 0, 0xffff],
  ["personality", 0, 0xffff],
  ["fileIndex", 0, 0xffffffff],
  ["offset", -1, Number.MAX_SAFE_INTEGER],
  ["n", 0, 0xffffffff],
  ["count", 0, 0xffffffff],
  ["timeoutFlags", 0, 0xffffffff],
  ["spliceFlags", 0, 0xffffffff],
  ["fsyncFlags", 0, 0xffffffff],
  ["fileMode", 0, 0xffffffff],
  ["backlog", -0x80000000, 0x7fffffff],
  ["msgFlags", -0x80000000, 0xffffffff],
  ["readBufferSize", 0, 0xffffffff],
];

export function checkOpOptions(op: string, o: OpOptions): void {
  if (typeof o !== "object" || o === null) {
    throw new TypeError(`${op}: options must be an object`);
  }
  for (const [k, min, max] of OPT_RANGES) {
    const v = o[k];
    if (v === undefined) continue;
    if (
      !(typeof v === "number" && Number.isInteger(v) && v >= min && v <= max)
    ) {
      throw new RangeError(
        `${op}: options.${k} must be an integer in ${min}..${max}, got ${v}`,
      );
    }
  }
}

export function checkViews(
  where: string,
  cqes: unknown[],
  cls: abstract new () => unknown,
): void {
  // Constructor compare first: a map check, where instanceof walks the
  // prototype chain on every wait.
  const first = Array.isArray(cqes) && cqes.length !== 0 ? cqes[0] : undefined;
  if (
    (first as { constructor?: unknown } | undefined)?.constructor === cls ||
    first instanceof cls
  ) return;
  throw new TypeError(
    `${where}: expected a non-empty array of ${cls.name} (see ${cls.name}.array(n))`,
  );
}

// The fd check is shared with zcall and sock: a bad fd is the same
// RangeError, with the same message, in every layer.
export { checkFd } from "../zcall/_validate.ts";

/**
 * A 32-bit word given as an int32 or a u32 (futex values, masks, offsets
 * that may be -1): checked before it is coerced with `>>> 0`.
 */
export function checkWord32(where: string, v: number): void {
  if (!(Number.isInteger(v) && v >= -0x80000000 && v <= 0xffffffff)) {
    throw new RangeError(`${where}: expected an int32 or a u32, got ${v}`);
  }
}
