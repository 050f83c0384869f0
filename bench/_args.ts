/**
 * The command-line options of the benches, given as `--name=value`.
 *
 * @module
 */

function value(name: string): string | undefined {
  const a = Deno.args.find((x) => x.startsWith(`--${name}=`));
  return a?.slice(name.length + 3);
}

/** `--name=N`, a positive integer (RangeError otherwise), or `dflt`. */
export function intArg(name: string, dflt: number): number {
  const t = value(name);
  const v = t === undefined ? dflt : Number(t);
  if (!(Number.isInteger(v) && v > 0)) {
    throw new RangeError(`--${name} must be a positive integer`);
  }
  return v;
}

/** `--name=X`, a positive finite number (RangeError otherwise), or `dflt`. */
export function numberArg(name: string, dflt: number): number {
  const t = value(name);
  const v = t === undefined ? dflt : Number(t);
  if (!(Number.isFinite(v) && v > 0)) {
    throw new RangeError(`--${name} must be a positive number`);
  }
  return v;
}
