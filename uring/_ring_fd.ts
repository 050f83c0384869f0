// The fd of a ring given as the ring (anything with an fd) or the fd.

import type { RingFdSource } from "./buffer_ring.ts";

/** The ring's fd, or a TypeError naming `op`. */
export function ringFdOf(ring: RingFdSource | number, op: string): number {
  const fd = typeof ring === "number" ? ring : ring?.fd;
  if (!Number.isInteger(fd) || fd < 0) {
    throw new TypeError(`${op}: expected a ring (or its fd)`);
  }
  return fd;
}
