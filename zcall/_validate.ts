// Throwing argument checks shared by every layer (zcall's struct classes,
// sock, uring): one function, one error class and one message shape per
// condition. A value of the wrong kind is a TypeError; a number outside its
// range (a bad fd included) is a RangeError. Pure: loads without FFI.

/**
 * A file descriptor (or fixed-file index) that fits the `bits`-bit field
 * it is packed into: an integer in 0..2^bits-1, or down to -2^(bits-1) when
 * `signed` (AT_FDCWD and friends). RangeError otherwise, everywhere.
 */
export function checkFd(
  where: string,
  fd: number,
  bits = 31,
  signed = false,
): void {
  const max = 2 ** (signed ? bits - 1 : bits) - 1;
  const min = signed ? -(2 ** (bits - 1)) : 0;
  if (!(Number.isInteger(fd) && fd >= min && fd <= max)) {
    throw new RangeError(
      `${where}: fd must be an integer in ${min}..${max}, got ${fd}`,
    );
  }
}

/** Checks `v` is an integer in [min, max] (RangeError otherwise). */
export function intIn(
  v: unknown,
  min: number,
  max: number,
  op: string,
  what: string,
): number {
  if (!(typeof v === "number" && Number.isInteger(v) && v >= min && v <= max)) {
    throw new RangeError(
      `${op}: ${what} must be an integer in ${min}..${max}, got ${String(v)}`,
    );
  }
  return v;
}

/** Checks `v` is a boolean (TypeError otherwise). */
export function bool(v: unknown, op: string, what: string): boolean {
  if (typeof v !== "boolean") {
    throw new TypeError(`${op}: ${what} must be a boolean, got ${typeof v}`);
  }
  return v;
}
