// A missing Deno permission as its own error type, naming the flag.

/**
 * Raised when an operation needs a Deno permission flag the program was not
 * started with. It is a `Deno.errors.NotCapable` (what Deno itself throws)
 * that names the flag to add in `flag`, with Deno's original error as
 * `cause`.
 *
 * @example
 * ```ts
 * import { MissingPermissionError } from "@kernio/kernio/zcall";
 * const e = new MissingPermissionError(
 *   "Mapping: a view over mmap'd memory",
 *   "--allow-ffi",
 *   "Deno.UnsafePointer checks the whole FFI permission",
 * );
 * e instanceof Deno.errors.NotCapable; // true
 * e.flag; // "--allow-ffi"
 * ```
 */
export class MissingPermissionError extends Deno.errors.NotCapable {
  /** The flag to run with, e.g. `--allow-ffi` (unscoped). */
  readonly flag: string;
  /** What needed it. */
  readonly operation: string;

  /**
   * Creates the error.
   *
   * @param operation What needed the permission.
   * @param flag The flag to add.
   * @param why Why that flag (one clause), optional.
   * @param options The original error as `cause`.
   */
  constructor(
    operation: string,
    flag: string,
    why?: string,
    options?: ErrorOptions,
  ) {
    super(
      `${operation} needs ${flag}: run with ${flag}` + (why ? ` (${why})` : ""),
      options,
    );
    this.name = "MissingPermissionError";
    this.flag = flag;
    this.operation = operation;
  }
}
