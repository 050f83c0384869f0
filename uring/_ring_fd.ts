// The fd of a ring given as the ring (anything with an fd) or the fd.

import type { RingFdSource } from "./buffer_ring.ts";
import { checkFd } from "./_validate.ts";

/**
 * The ring's fd: a TypeError naming `op` when `ring` is neither a number
 * nor an object with an `fd`, a RangeError when the fd is not an integer in
 * 0..2^31-1 (the fd check of every layer).
 */
export function ringFdOf(ring: RingFdSource | number, op: string): number {
  const fd = typeof ring === "number"
    ? ring
    : typeof ring === "object" && ring !== null
    ? ring.fd
    : undefined;
  if (fd === undefined) {
    throw new TypeError(`${op}: expected a ring (or its fd)`);
  }
  checkFd(op, fd);
  return fd;
}
