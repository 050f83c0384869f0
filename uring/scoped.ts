/**
 * Borrowing extended contexts without leaking them: a
 * {@linkcode ScopedExtSQE} returns its ExtSQE to the pool when released
 * (or disposed with `using`) unless `submitted()` handed it to the
 * completion path; {@linkcode withExtSQE} wraps the same pattern around a
 * function; {@linkcode mustExtSQE} borrows or throws.
 *
 * @example
 * ```ts
 * import { ctxV1Of, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * {
 *   using scope = ring.newScopedExtSQE();
 *   if (scope.ext !== null) {
 *     ctxV1Of(scope.ext).val1 = 42;
 *     if (ring.nop(scope.ext.context)) scope.submitted();
 *   }
 * } // returned to the pool here unless submitted
 * ```
 *
 * @module
 */

import type { ExtSQE } from "./context.ts";
import { PoolExhaustedError } from "./errors.ts";

/**
 * Where scopes borrow extended contexts from: a Uring (or anything with
 * the same two methods).
 *
 * @example
 * ```ts
 * import { type ExtPool, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * const source: ExtPool = ring;
 * ```
 */
export interface ExtPool {
  /** Borrows a context, or null when none is free. */
  extSQE(): ExtSQE | null;
  /** Returns a borrowed context. */
  putExtSQE(ext: ExtSQE): void;
  /** The pools, for error messages (optional). */
  readonly pools?: { capacity(): number };
}

/**
 * A borrowed ExtSQE that goes back to its pool on `release()` (or at the
 * end of a `using` block) unless `submitted()` was called: then the
 * completion handler owns it and returns it with `putExtSQE`.
 *
 * @example
 * ```ts
 * import { Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const scope = ring.newScopedExtSQE();
 * scope.valid(); // true: the pool had a slot
 * scope.release(); // back in the pool
 * scope.release(); // no-op
 * ```
 */
export class ScopedExtSQE implements Disposable {
  /** The borrowed context, or null when the pool was exhausted. */
  readonly ext: ExtSQE | null;
  readonly #pool: ExtPool;
  #open: boolean;

  /** @internal Use `ring.newScopedExtSQE()`. */
  constructor(pool: ExtPool, ext: ExtSQE | null) {
    this.#pool = pool;
    this.ext = ext;
    this.#open = ext !== null;
  }

  /** Whether the scope holds a context it has not given up yet. */
  valid(): boolean {
    return this.#open;
  }

  /**
   * Hands the context to the completion path: release() becomes a no-op.
   * Copy out anything needed after the handler's putExtSQE.
   */
  submitted(): void {
    this.#open = false;
  }

  /**
   * Returns the context to the pool unless submitted. Safe to call more
   * than once. The context and every view of it are invalid afterwards.
   */
  release(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#pool.putExtSQE(this.ext!);
  }

  /** Same as {@linkcode ScopedExtSQE.release}. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * Borrows an ExtSQE from `ring`, runs `fn` with it and keeps it borrowed
 * only if `fn` returns true (it submitted an operation whose completion
 * will return it); on false or a throw it goes back to the pool. Returns
 * false without calling `fn` when the pool is exhausted.
 *
 * @example
 * ```ts
 * import { ctxV1Of, Uring, withExtSQE } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * withExtSQE(ring, (ext) => {
 *   ctxV1Of(ext).val1 = 7;
 *   return ring.nop(ext.context); // false (SQ full): the context goes back
 * });
 * ```
 */
export function withExtSQE(
  ring: ExtPool,
  fn: (ext: ExtSQE) => boolean,
): boolean {
  if (typeof fn !== "function") {
    throw new TypeError("withExtSQE: expected a function");
  }
  const ext = ring.extSQE();
  if (ext === null) return false;
  let keep = false;
  try {
    keep = fn(ext) === true;
  } finally {
    if (!keep) ring.putExtSQE(ext);
  }
  return keep;
}

/**
 * Borrows an ExtSQE from `ring`, throwing {@linkcode PoolExhaustedError}
 * when none is free (for code where running out is a bug).
 *
 * @example
 * ```ts
 * import { mustExtSQE, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * const ext = mustExtSQE(ring);
 * ring.putExtSQE(ext);
 * ```
 */
export function mustExtSQE(
  ring: ExtPool & { readonly pools?: { capacity(): number } },
): ExtSQE {
  const ext = ring.extSQE();
  if (ext === null) {
    throw new PoolExhaustedError("mustExtSQE", ring.pools?.capacity() ?? 0);
  }
  return ext;
}
