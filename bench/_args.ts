/**
 * The command-line options of the benches, given as `--name=value`.
 *
 * @module
 */

/** `--name=N`, a positive integer (RangeError otherwise), or `dflt`. */
export function intArg(name: string, dflt: number): number {
  return positiveArg(name, dflt, true);
}

/** `--name=X`, a positive finite number (RangeError otherwise), or `dflt`. */
export function numberArg(name: string, dflt: number): number {
  return positiveArg(name, dflt, false);
}

function positiveArg(name: string, dflt: number, integer: boolean): number {
  const a = Deno.args.find((x) => x.startsWith(`--${name}=`));
  const v = a === undefined ? dflt : Number(a.slice(name.length + 3));
  if (!(v > 0 && Number.isFinite(v) && (!integer || Number.isInteger(v)))) {
    throw new RangeError(
      `--${name} must be a positive ${integer ? "integer" : "number"}`,
    );
  }
  return v;
}
