// select(2) in the shape of the classic socket-programming API: FdSet
// bitmaps for read, write and exceptional conditions, a timeout in
// milliseconds, through pselect6. Typed errors instead of -errno.

import { Errno } from "../zcall/errno.ts";
import { type FdSet, Timespec } from "../zcall/structs.ts";
import { pselect6, pselect6Async } from "../zcall/syscalls.ts";
import { errorFromErrno } from "./errors.ts";

function timeoutBytes(ms: number | null, fn: string): Uint8Array | null {
  if (ms === null || ms === undefined || ms === Infinity) return null;
  if (!(typeof ms === "number" && ms >= 0 && Number.isFinite(ms))) {
    throw new RangeError(
      `${fn}: timeout must be ms >= 0 or null (no limit), got ${ms}`,
    );
  }
  return Timespec.fromMillis(ms).bytes;
}

function checkArgs(nfds: number, sets: (FdSet | null)[], fn: string): void {
  if (!(Number.isInteger(nfds) && nfds >= 0 && nfds <= 1024)) {
    throw new RangeError(
      `${fn}: nfds must be an integer in 0..1024, got ${nfds}`,
    );
  }
  for (const s of sets) {
    if (s !== null && !(s?.bytes instanceof Uint8Array)) {
      throw new TypeError(`${fn}: sets must be FdSet objects or null`);
    }
  }
}

/**
 * Waits until a descriptor below `nfds` in `readfds` is readable, in
 * `writefds` writable or in `exceptfds` has an exceptional condition (TCP
 * urgent data), or `timeoutMs` passes (null: no limit; 0: just look). The
 * sets are rewritten to the ready descriptors; returns their count (0 on
 * timeout). Blocks the calling thread: from async code use
 * {@linkcode selectAsync}, or a zero timeout.
 *
 * @param nfds the highest descriptor in any set, plus one (at most 1024)
 * @param readfds descriptors to watch for reading, or null
 * @param writefds descriptors to watch for writing, or null
 * @param exceptfds descriptors to watch for exceptional conditions, or null
 * @param timeoutMs how long to wait, in milliseconds; null waits forever
 * @returns the number of ready descriptors across the three sets
 *
 * @example
 * ```ts
 * import { FdSet } from "@kernio/kernio/zcall";
 * import { select, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * a.tryWrite(new Uint8Array([1]));
 * const r = new FdSet().set(b.fd);
 * select(b.fd + 1, r, null, null, 0); // 1
 * r.isSet(b.fd); // true
 * a.close();
 * b.close();
 * ```
 */
export function select(
  nfds: number,
  readfds: FdSet | null,
  writefds: FdSet | null,
  exceptfds: FdSet | null,
  timeoutMs: number | null,
): number {
  checkArgs(nfds, [readfds, writefds, exceptfds], "select");
  const ts = timeoutBytes(timeoutMs, "select");
  for (;;) {
    const r = pselect6(
      nfds,
      readfds?.bytes ?? null,
      writefds?.bytes ?? null,
      exceptfds?.bytes ?? null,
      ts,
    );
    if (r >= 0) return r;
    // The kernel leaves the remaining time in the timespec: retry with it.
    if (r === -Errno.EINTR) continue;
    throw errorFromErrno(r, "select");
  }
}

/**
 * {@linkcode select} without blocking Deno's event loop: the wait runs on
 * Deno's blocking thread pool.
 *
 * @param nfds the highest descriptor in any set, plus one (at most 1024)
 * @param readfds descriptors to watch for reading, or null
 * @param writefds descriptors to watch for writing, or null
 * @param exceptfds descriptors to watch for exceptional conditions, or null
 * @param timeoutMs how long to wait, in milliseconds; null waits forever
 * @returns the number of ready descriptors across the three sets
 *
 * @example
 * ```ts
 * import { FdSet } from "@kernio/kernio/zcall";
 * import { selectAsync, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * setTimeout(() => a.tryWrite(new Uint8Array([1])), 10);
 * const r = new FdSet().set(b.fd);
 * await selectAsync(b.fd + 1, r, null, null, 1000); // 1
 * a.close();
 * b.close();
 * ```
 */
export async function selectAsync(
  nfds: number,
  readfds: FdSet | null,
  writefds: FdSet | null,
  exceptfds: FdSet | null,
  timeoutMs: number | null,
): Promise<number> {
  checkArgs(nfds, [readfds, writefds, exceptfds], "selectAsync");
  const ts = timeoutBytes(timeoutMs, "selectAsync");
  for (;;) {
    const r = await pselect6Async(
      nfds,
      readfds?.bytes ?? null,
      writefds?.bytes ?? null,
      exceptfds?.bytes ?? null,
      ts,
    );
    if (r >= 0) return r;
    if (r === -Errno.EINTR) continue;
    throw errorFromErrno(r, "selectAsync");
  }
}
