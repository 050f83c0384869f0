/**
 * A seeded PRNG and a tiny property runner for the reliability suite.
 *
 * Every case draws from its own generator, seeded from the run seed and the
 * case index, so one failing case replays alone:
 * `KERNIO_PROP_SEED=<seed> KERNIO_PROP_CASE=<i> deno test -A tests/<file>`.
 * The case count comes from `KERNIO_PROP_COUNT` (default 2,000 for
 * `deno task test`; `deno task stress` sets 100,000).
 *
 * @example
 * ```ts
 * import { property } from "./prop.ts";
 * property("add commutes", (rng) => {
 *   const a = rng.u32(), b = rng.u32();
 *   if (a + b !== b + a) throw new Error("no");
 * });
 * ```
 *
 * @module
 */

/**
 * xoshiro128** over four u32 words: fast, no allocation per draw, and
 * reproducible across runs and machines.
 *
 * @example
 * ```ts
 * import { Rng } from "./prop.ts";
 * const rng = new Rng(42);
 * rng.int(1, 6); // a die roll
 * ```
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** Seeds the four state words from one u32 with splitmix32. */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new TypeError(`Rng: seed must be an integer, got ${seed}`);
    }
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next() | 1; // never the all-zero state
  }

  /** A uniformly random u32. */
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return r;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.u32() / 0x1_0000_0000;
  }

  /** An integer in [lo, hi] (inclusive; the span may exceed 2^32). */
  int(lo: number, hi: number): number {
    const span = hi - lo + 1;
    if (span <= 0x1_0000_0000) return lo + Math.floor(this.float() * span);
    // Two draws for spans up to 2^53.
    const x = this.u32() * 0x1_0000_0000 + this.u32();
    return lo + (x % span);
  }

  /** True with probability `p`. */
  bool(p = 0.5): boolean {
    return this.float() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.fill(out);
    return out;
  }

  /** Fills `buf` with random bytes. */
  fill(buf: Uint8Array): void {
    let i = 0;
    for (; i + 4 <= buf.length; i += 4) {
      const v = this.u32();
      buf[i] = v;
      buf[i + 1] = v >>> 8;
      buf[i + 2] = v >>> 16;
      buf[i + 3] = v >>> 24;
    }
    for (; i < buf.length; i++) buf[i] = this.u32();
  }

  /**
   * An integer biased toward edges: 0, 1, powers of two and their
   * neighbours, and the ends of [lo, hi], where encoders usually break.
   */
  edgy(lo: number, hi: number): number {
    if (this.bool(0.6)) return this.int(lo, hi);
    const k = this.int(0, 52);
    const cands = [
      lo,
      hi,
      lo + 1,
      hi - 1,
      0,
      1,
      2 ** k,
      2 ** k - 1,
      2 ** k + 1,
    ];
    const v = this.pick(cands);
    return v < lo || v > hi ? lo : v;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

// Derives the seed of case `i` from the run seed (a 32-bit mix, so nearby
// cases get unrelated streams).
function caseSeed(seed: number, i: number): number {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

function envNumber(name: string): number | undefined {
  let v: string | undefined;
  try {
    v = Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: defaults apply
  }
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got "${v}"`);
  }
  return n;
}

/**
 * Cases per property: `KERNIO_PROP_COUNT`, else `fallback`.
 *
 * @example
 * ```ts
 * import { propCount } from "./prop.ts";
 * propCount(2000); // 2000 unless the environment says otherwise
 * ```
 */
export function propCount(fallback = 2000): number {
  return envNumber("KERNIO_PROP_COUNT") ?? fallback;
}

/**
 * The run seed: `KERNIO_PROP_SEED` or a fresh random one (printed on failure).
 *
 * @example
 * ```ts
 * import { RUN_SEED } from "./prop.ts";
 * console.log(`seed ${RUN_SEED}`);
 * ```
 */
export const RUN_SEED: number = envNumber("KERNIO_PROP_SEED") ??
  (crypto.getRandomValues(new Uint32Array(1))[0]);

/**
 * Raised when a property fails; the message carries the replay recipe.
 *
 * @example
 * ```ts
 * import { property, PropertyFailure } from "./prop.ts";
 * try {
 *   property("fails", () => {
 *     throw new Error("x");
 *   }, { count: 1 });
 * } catch (e) {
 *   if (e instanceof PropertyFailure) console.log(e.seed, e.caseIndex);
 * }
 * ```
 */
export class PropertyFailure extends Error {
  /** The run seed. */
  readonly seed: number;
  /** Index of the failing case. */
  readonly caseIndex: number;
  /** Creates the failure with its cause. */
  constructor(name: string, seed: number, i: number, cause: unknown) {
    super(
      `property "${name}" failed at case ${i} (seed ${seed}); replay with ` +
        `KERNIO_PROP_SEED=${seed} KERNIO_PROP_CASE=${i}: ${
          cause instanceof Error ? cause.message : String(cause)
        }`,
      { cause },
    );
    this.name = "PropertyFailure";
    this.seed = seed;
    this.caseIndex = i;
  }
}

// An explicit KERNIO_PROP_COUNT (the stress run) is taken as is; the
// default count of `deno task test` shrinks for syscall-heavy properties.
function scaledCount(scale = 1): number {
  const explicit = envNumber("KERNIO_PROP_COUNT");
  if (explicit !== undefined) return explicit;
  return Math.max(1, Math.round(propCount() * scale));
}

/** Options of {@linkcode property}. */
export interface PropertyOptions {
  /** Cases to run (default {@linkcode propCount}). */
  count?: number;
  /**
   * Scales the default count for expensive properties (syscalls per case);
   * ignored when `KERNIO_PROP_COUNT` is set.
   */
  scale?: number;
  /** Run seed (default {@linkcode RUN_SEED}). */
  seed?: number;
}

/**
 * Cases run so far by every property in this process.
 *
 * @example
 * ```ts
 * import { propStats } from "./prop.ts";
 * console.log(propStats.properties, propStats.cases);
 * ```
 */
export const propStats = { properties: 0, cases: 0 };

/**
 * Runs `check` over `count` seeded cases; the first failure throws a
 * {@linkcode PropertyFailure} naming the seed and case. Returns the number of
 * cases run.
 *
 * @example
 * ```ts
 * import { property } from "./prop.ts";
 * property("u32 in range", (rng) => {
 *   const v = rng.u32();
 *   if (v < 0 || v > 0xffffffff) throw new Error(`${v}`);
 * }, { count: 100 });
 * ```
 */
export function property(
  name: string,
  check: (rng: Rng, i: number) => void,
  opts: PropertyOptions = {},
): number {
  const seed = opts.seed ?? RUN_SEED;
  const only = envNumber("KERNIO_PROP_CASE");
  const count = opts.count ?? scaledCount(opts.scale);
  const from = only ?? 0;
  const to = only !== undefined ? only + 1 : count;
  for (let i = from; i < to; i++) {
    try {
      check(new Rng(caseSeed(seed, i)), i);
    } catch (e) {
      throw new PropertyFailure(name, seed, i, e);
    }
  }
  propStats.properties++;
  propStats.cases += to - from;
  return to - from;
}

/**
 * Async variant of {@linkcode property}, for checks that await the kernel.
 *
 * @example
 * ```ts
 * import { propertyAsync } from "./prop.ts";
 * await propertyAsync("resolves", async (rng) => {
 *   await Promise.resolve(rng.u32());
 * }, { count: 10 });
 * ```
 */
export async function propertyAsync(
  name: string,
  check: (rng: Rng, i: number) => Promise<void>,
  opts: PropertyOptions = {},
): Promise<number> {
  const seed = opts.seed ?? RUN_SEED;
  const only = envNumber("KERNIO_PROP_CASE");
  const count = opts.count ?? scaledCount(opts.scale);
  const from = only ?? 0;
  const to = only !== undefined ? only + 1 : count;
  for (let i = from; i < to; i++) {
    try {
      await check(new Rng(caseSeed(seed, i)), i);
    } catch (e) {
      throw new PropertyFailure(name, seed, i, e);
    }
  }
  propStats.properties++;
  propStats.cases += to - from;
  return to - from;
}

/**
 * Prints one machine-readable stats line for `deno task stress` to collect.
 *
 * @example
 * ```ts
 * import { reportStat } from "./prop.ts";
 * reportStat({ kind: "props", cases: 2000 });
 * ```
 */
export function reportStat(stat: Record<string, unknown>): void {
  console.log(`STRESS_STAT ${JSON.stringify(stat)}`);
}

/**
 * Whether two byte arrays are equal; the first difference in `why` otherwise.
 *
 * @example
 * ```ts
 * import { bytesDiff } from "./prop.ts";
 * bytesDiff(new Uint8Array([1]), new Uint8Array([1])); // null
 * ```
 */
export function bytesDiff(a: Uint8Array, b: Uint8Array): string | null {
  if (a.length !== b.length) return `length ${a.length} != ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return `byte ${i}: ${a[i]} != ${b[i]}`;
  }
  return null;
}
