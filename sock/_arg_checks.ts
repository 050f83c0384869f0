// Argument checks shared by the sock modules: integers in a range and
// booleans, each failing with a message that names the call and argument.

/** Checks `v` is an integer in [min, max]. */
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

/** Checks `v` is a boolean. */
export function bool(v: unknown, op: string, what: string): boolean {
  if (typeof v !== "boolean") {
    throw new TypeError(`${op}: ${what} must be a boolean, got ${typeof v}`);
  }
  return v;
}
