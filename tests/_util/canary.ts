/**
 * Canary harness for the unsafe boundary: views with guard bytes on both
 * sides, views that lie about their size, and a runner that checks, case by
 * case, the expected outcome and that no byte around the view changed. The
 * kernel writes through the raw syscall instruction, which sanitizers do
 * not see: these guard bytes are what detects a kernel-side overflow.
 *
 * Risky cases run in a child process (`runChild`), so a crash fails the
 * test instead of killing the test runner.
 *
 * @example
 * ```ts
 * import { Guarded } from "./canary.ts";
 * const g = new Guarded(8);
 * g.bytes.fill(1);
 * g.intact(); // true: only the 8 bytes inside changed
 * ```
 *
 * @module
 */

const PAD = 512;
const FILL = 0xa5;

/** A view of `size` bytes with `PAD` canary bytes before and after it. */
export class Guarded {
  /** The whole buffer, canaries included. */
  readonly whole: Uint8Array;
  /** The guarded bytes. */
  readonly bytes: Uint8Array;
  /** Offset of the guarded bytes in `whole`. */
  readonly offset = PAD;
  /** Size of the guarded region. */
  readonly size: number;
  readonly #total: number;

  /** `shared`: the buffer is a SharedArrayBuffer. */
  constructor(size: number, shared = false) {
    const total = PAD + size + PAD;
    const ab = shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total);
    this.whole = new Uint8Array(ab);
    this.whole.fill(FILL);
    this.size = size;
    this.#total = total;
    this.bytes = new Uint8Array(ab, PAD, size);
    this.bytes.fill(0);
  }

  /** A typed array of another element type over the guarded bytes. */
  as<T extends ArrayBufferView>(
    ctor: new (b: ArrayBufferLike, off: number, len: number) => T,
    bytesPerElement: number,
  ): T {
    return new ctor(
      this.whole.buffer,
      PAD,
      Math.floor(this.size / bytesPerElement),
    );
  }

  /** A DataView over the guarded bytes. */
  dataView(): DataView {
    return new DataView(this.whole.buffer, PAD, this.size);
  }

  /**
   * Whether every canary byte before and after the view is unchanged (the
   * sizes are the ones recorded at construction: a case may patch the
   * prototypes' length getters).
   */
  intact(): boolean {
    const w = this.whole;
    for (let i = 0; i < PAD; i++) if (w[i] !== FILL) return false;
    for (let i = PAD + this.size; i < this.#total; i++) {
      if (w[i] !== FILL) return false;
    }
    return true;
  }
}

/**
 * Makes `v` claim `bytes` bytes through own properties (byteLength, length):
 * what `instanceof` and a naive check would believe.
 */
export function lieAboutSize<T extends ArrayBufferView>(
  v: T,
  bytes: number,
): T {
  Object.defineProperty(v, "byteLength", { value: bytes });
  Object.defineProperty(v, "length", { value: bytes });
  return v;
}

/** A Uint8Array subclass whose getters claim a larger size. */
export class LyingUint8Array extends Uint8Array {
  /** The claimed size. */
  static claim = 4096;
  override get byteLength(): number {
    return LyingUint8Array.claim;
  }
  override get length(): number {
    return LyingUint8Array.claim;
  }
}

/** One boundary case. */
export interface Case {
  /** The entry point. */
  fn: string;
  /** Issue class and input, described. */
  what: string;
  /** Runs the call; returns its result (a number for zcall). */
  run: () => unknown;
  /** The guards whose canaries must survive. */
  guards: Guarded[];
  /**
   * The expected result: a number or other string (exact), "negative" (any
   * -errno), "nonNegative", or "throws" (a typed error).
   */
  expect: number | string;
}

/**
 * An `add(fn, what, guards, expect, run)` that appends a case to `cases`,
 * its `what` prefixed with `prefix` when one is given.
 */
export function caseAdder(
  cases: Case[],
  prefix = "",
): (
  fn: string,
  what: string,
  guards: Guarded[],
  expect: Case["expect"],
  run: () => unknown,
) => void {
  return (fn, what, guards, expect, run) => {
    cases.push({ fn, what: prefix + what, guards, expect, run });
  };
}

/** A case's outcome. */
export interface Outcome {
  /** fn and what. */
  name: string;
  /** Whether the expectation held and the canaries survived. */
  ok: boolean;
  /** The result or error, as text. */
  detail: string;
}

/** Runs cases in order and reports each. */
export async function runCases(cases: Case[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const c of cases) {
    let result: unknown, threw: unknown;
    try {
      result = await c.run();
    } catch (e) {
      threw = e;
    }
    const intact = c.guards.every((g) => g.intact());
    let ok: boolean;
    if (c.expect === "throws") {
      ok = threw instanceof Error && threw.constructor !== Error;
    } else if (threw !== undefined) {
      ok = false;
    } else if (c.expect === "negative") {
      ok = typeof result === "number" && result < 0;
    } else if (c.expect === "nonNegative") {
      ok = typeof result === "number" && result >= 0;
    } else {
      ok = Object.is(result, c.expect);
    }
    out.push({
      name: `${c.fn}: ${c.what}`,
      ok: ok && intact,
      detail: (threw !== undefined ? `threw ${threw}` : `returned ${result}`) +
        (intact ? "" : " (CANARY OVERWRITTEN)"),
    });
  }
  return out;
}

/**
 * Runs a case program in a child process (Deno flags, then the program's
 * arguments) and
 * returns its `CANARY {json}` report, or the exit status and stderr when it
 * died.
 */
export async function runChild(
  program: string,
  flags: string[] = [],
  args: string[] = [],
): Promise<{ code: number; outcomes: Outcome[]; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", ...flags, program, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const line = text.split("\n").find((l) => l.startsWith("CANARY "));
  return {
    code: out.code,
    outcomes: line ? JSON.parse(line.slice(7)) : [],
    stderr: new TextDecoder().decode(out.stderr).slice(-2000),
  };
}
