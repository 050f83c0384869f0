// Page-aligned memory that JavaScript owns, for memory the kernel shares
// with us: io_uring rings and SQE arrays (IORING_SETUP_NO_MMAP), provided
// buffer rings, registered buffers, zcrx areas. Views over it are ordinary
// typed arrays over an ArrayBuffer, so nothing here needs
// Deno.UnsafePointer: `--allow-ffi=<library path>` is enough, where a
// Mapping (mmap'd memory) needs the unscoped `--allow-ffi`.

import { unsafeAddressOf } from "./memory.ts";
import { mmap, munmap, syscall6 } from "./syscalls.ts";
import { SYS } from "./sysnum.ts";

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

// Memory the kernel may still write after its owner let go (a ring's
// teardown runs after close(2) returns and may post completions into its
// CQ ring): kept reachable for a while instead of returning to the
// allocator at once; bounded in bytes so churn cannot pile memory up.
const GRACE_MS = 2_000;
const GRAVEYARD_MAX_BYTES = 64 * 1024 * 1024;
const graveyard: { until: number; buffer: ArrayBuffer }[] = [];
let graveyardBytes = 0;
// Every PageMemory not yet closed: the kernel may hold its pages (a ring, a
// registered buffer), so an owner dropped without close() must leak, as an
// unclosed Mapping does, rather than let the garbage collector hand pinned
// pages back to the allocator while the kernel still writes to them.
const live = new Set<ArrayBuffer>();

function sweep(now: number): void {
  let n = 0;
  while (
    n < graveyard.length &&
    (graveyard[n].until <= now || graveyardBytes > GRAVEYARD_MAX_BYTES)
  ) {
    graveyardBytes -= graveyard[n].buffer.byteLength;
    n++;
  }
  if (n) graveyard.splice(0, n);
}

const MADV_DONTNEED = 4;

// Replaces the pages of [address, address + length) (private anonymous
// memory inside one ArrayBuffer) with fresh zero pages on next touch.
function fresh(address: number, length: number): boolean {
  return syscall6(SYS.MADVISE, address, length, MADV_DONTNEED, 0, 0, 0) === 0;
}
// Memory whose pages could not be replaced (not expected for private
// anonymous memory): kept for the life of the process rather than handed
// back to the allocator while the kernel may still hold its pages.
const kept: ArrayBuffer[] = [];

/**
 * Page-aligned memory owned by JavaScript: an ArrayBuffer one page larger
 * than asked, of which `bytes` is the page-aligned part. The kernel can pin
 * it (io_uring rings with IORING_SETUP_NO_MMAP, buffer rings, registered
 * buffers), and views over it need no FFI pointer permission. Until
 * `close()` the memory stays reachable even if its owner is dropped (the
 * kernel may still use it: an unclosed PageMemory leaks, like an unclosed
 * mapping). `close()` detaches every view; the memory stays reachable for a
 * grace period in case the kernel still writes to it, then the garbage
 * collector frees it.
 *
 * @example
 * ```ts
 * import { PageMemory, pageSize } from "@kernio/kernio/zcall";
 * using mem = new PageMemory(3 * pageSize());
 * mem.address % pageSize(); // 0
 * mem.bytes.length; // 3 pages
 * ```
 */
export class PageMemory {
  #buffer: ArrayBuffer | null;
  #offset: number;
  #length: number;
  #address: number;
  #bytes: Uint8Array;

  /**
   * Allocates `length` bytes (rounded up to whole pages), zeroed.
   *
   * @param length Bytes wanted (> 0).
   */
  constructor(length: number) {
    if (!(length > 0 && Number.isSafeInteger(length))) {
      throw new RangeError(
        `PageMemory: length must be a positive integer, got ${length}`,
      );
    }
    sweep(Date.now());
    const page = pageSize();
    const rounded = Math.ceil(length / page) * page;
    const buffer = new ArrayBuffer(rounded + page);
    const base = unsafeAddressOf(new Uint8Array(buffer));
    const offset = (page - (base % page)) % page;
    live.add(buffer);
    this.#buffer = buffer;
    this.#offset = offset;
    this.#length = rounded;
    this.#address = base + offset;
    this.#bytes = new Uint8Array(buffer, offset, rounded);
  }

  /** Address of the first (page-aligned) byte. */
  get address(): number {
    this.#check();
    return this.#address;
  }

  /** Usable length in bytes (whole pages). */
  get length(): number {
    return this.#length;
  }

  /** The whole backing ArrayBuffer; the aligned part starts at `byteOffset`. */
  get buffer(): ArrayBuffer {
    return this.#check();
  }

  /** Offset of the aligned part within `buffer`. */
  get byteOffset(): number {
    return this.#offset;
  }

  /** The aligned part as bytes. */
  get bytes(): Uint8Array {
    this.#check();
    return this.#bytes;
  }

  /** Whether close() has not been called. */
  get open(): boolean {
    return this.#buffer !== null;
  }

  /**
   * A Uint8Array over `[offset, offset + length)` of the aligned part.
   *
   * @param offset Byte offset from the aligned start.
   * @param length Bytes (default: to the end).
   * @returns The view.
   */
  view(offset: number = 0, length: number = this.#length - offset): Uint8Array {
    const buf = this.#check();
    if (
      !(Number.isSafeInteger(offset) && Number.isSafeInteger(length) &&
        offset >= 0 && length >= 0 && offset + length <= this.#length)
    ) {
      throw new RangeError(
        `PageMemory.view: [${offset}, +${length}) is outside ${this.#length} bytes`,
      );
    }
    return new Uint8Array(buf, this.#offset + offset, length);
  }

  #check(): ArrayBuffer {
    if (this.#buffer === null) {
      throw new ReferenceError("PageMemory: the memory was released (closed)");
    }
    return this.#buffer;
  }

  /**
   * Detaches every view over the memory (they read as empty) and releases
   * it after a grace period. Call it once the kernel has let go (the ring
   * closed, the buffers unregistered). Idempotent.
   */
  close(): void {
    const buf = this.#buffer;
    if (buf === null) return;
    this.#buffer = null;
    live.delete(buf);
    this.#bytes = new Uint8Array(0);
    // The kernel holds its own pins on these pages (a NO_MMAP ring, a
    // buffer ring, registered buffers) until the ring's teardown finishes,
    // which runs after close(2) returns and may post completions into them
    // for an unbounded time. MADV_DONTNEED gives this address range fresh
    // zero pages now: the allocator can reuse the addresses later without
    // ever sharing the physical pages the kernel may still write.
    const replaced = fresh(this.#address, this.#length);
    // transfer() detaches `buf` (and every view over it) and hands the same
    // backing store to a new ArrayBuffer, which the graveyard keeps alive.
    const moved = buf.transfer();
    if (!replaced) {
      kept.push(moved);
      return;
    }
    graveyard.push({ until: Date.now() + GRACE_MS, buffer: moved });
    graveyardBytes += moved.byteLength;
    sweep(Date.now());
  }

  /** Same as {@linkcode PageMemory.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
