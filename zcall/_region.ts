// What both owners of kernel-shared memory (Mapping, PageMemory) need:
// the page size, their length check, and the open/closed check.

import { mmap, munmap } from "./syscalls.ts";

let cachedPageSize = 0;

/**
 * The kernel's page size, measured rather than assumed: munmap(2) refuses an
 * address that is not page-aligned, so the smallest power of two past which
 * a fresh anonymous mapping can be unmapped is the page size (4 KiB on
 * x86_64; 4, 16 or 64 KiB on aarch64).
 *
 * @returns The page size in bytes.
 *
 * @example
 * ```ts
 * import { pageSize } from "@kernio/kernio/zcall";
 * pageSize() % 4096; // 0
 * ```
 */
export function pageSize(): number {
  if (cachedPageSize) return cachedPageSize;
  const span = 1 << 20;
  const base = mmap(0, span, 0, /* PROT_NONE */ 0x22, /* PRIVATE|ANON */ -1, 0);
  if (base < 0) return (cachedPageSize = 4096);
  try {
    for (let p = 1024; p < span; p *= 2) {
      if (munmap(base + p, 1) === 0) return (cachedPageSize = p);
    }
  } finally {
    munmap(base, span);
  }
  return (cachedPageSize = 4096);
}

/** Throws a RangeError unless `length` is a positive safe integer. */
export function checkRegionLength(where: string, length: number): void {
  if (!(length > 0 && Number.isSafeInteger(length))) {
    throw new RangeError(
      `${where}: length must be a positive integer, got ${length}`,
    );
  }
}

/** The buffer of an open region; a ReferenceError `${closed} (closed)` otherwise. */
export function openBuffer(
  buf: ArrayBuffer | null,
  closed: string,
): ArrayBuffer {
  if (buf === null) throw new ReferenceError(`${closed} (closed)`);
  return buf;
}
