// Page-aligned memory that JavaScript owns, for memory the kernel shares
// with us: io_uring rings and SQE arrays (IORING_SETUP_NO_MMAP), provided
// buffer rings, registered buffers, zcrx areas. Views over it are ordinary
// typed arrays over an ArrayBuffer, so nothing here needs
// Deno.UnsafePointer: `--allow-ffi=<library path>` is enough, where a
// Mapping (mmap'd memory) needs the unscoped `--allow-ffi`.

import { unsafeAddressOf } from "./memory.ts";
import { syscall6 } from "./syscalls.ts";
import { checkRegionLength, openBuffer, pageSize } from "./_region.ts";
import { SYS } from "./sysnum.ts";

export { pageSize } from "./_region.ts";

/**
 * Tells when the kernel has let go of memory (see
 * {@linkcode PageMemory.close}): `passed()` turns true once and stays true.
 * io_uring rings arm one as they close, from the ring's own teardown.
 *
 * @example
 * ```ts
 * import { PageMemory, type ReleaseFence } from "@kernio/kernio/zcall";
 * let done = false;
 * const fence: ReleaseFence = { passed: () => done };
 * const mem = new PageMemory(4096);
 * mem.close(fence); // views detach now; the memory waits for `done`
 * done = true;
 * ```
 */
export interface ReleaseFence {
  /** Whether the kernel let go (never blocks). */
  passed(): boolean;
}

// Memory the kernel may still write after its owner let go (a ring's
// teardown runs after close(2) returns; an operation still in flight may
// write through the user address): kept reachable instead of returning to
// the allocator at once. Memory closed with a fence waits for the fence,
// however long; memory closed without one waits a grace period (bounded in
// bytes so churn cannot pile memory up).
const GRACE_MS = 2_000;
const GRAVEYARD_MAX_BYTES = 64 * 1024 * 1024;
interface Grave {
  until: number;
  buffer: ArrayBuffer;
  fence: ReleaseFence | null;
}
let graveyard: Grave[] = [];
let graveyardBytes = 0; // of the entries without a fence
let fencedBytes = 0;
let sweepTimer: ReturnType<typeof setTimeout> | 0 = 0;
let lastRelease = 0; // when a fence last passed (or the first one came)
// Every PageMemory not yet closed: the kernel may hold its pages (a ring, a
// registered buffer), so an owner dropped without close() must leak, as an
// unclosed Mapping does, rather than let the garbage collector hand pinned
// pages back to the allocator while the kernel still writes to them.
const live = new Set<ArrayBuffer>();

function sweep(now: number): void {
  if (graveyard.length === 0) return;
  let over = graveyardBytes - GRAVEYARD_MAX_BYTES;
  const keep: Grave[] = [];
  let fencePassed = fencedBytes === 0;
  for (const g of graveyard) {
    const n = g.buffer.byteLength;
    if (g.fence !== null) {
      let passed = false;
      try {
        passed = g.fence.passed();
      } catch {
        // Counts as not passed: kept.
      }
      if (passed) {
        fencedBytes -= n;
        fencePassed = true;
      } else keep.push(g);
    } else if (g.until <= now || over > 0) {
      graveyardBytes -= n;
      over -= n;
    } else keep.push(g);
  }
  graveyard = keep;
  // Fenced memory is released by a timer too, so a process that allocates
  // nothing more still lets go of it (the timer never keeps it alive).
  if (fencePassed) lastRelease = now;
  if (fencedBytes > 0 && sweepTimer === 0) {
    // Teardowns usually finish within tens of milliseconds; one that has
    // not for seconds (a ring kept open elsewhere) is checked once a second.
    const delay = now - lastRelease < 2_000 ? 10 : 1_000;
    sweepTimer = setTimeout(() => {
      sweepTimer = 0;
      sweep(Date.now());
    }, delay);
    Deno.unrefTimer(sweepTimer as unknown as number);
  }
}

/**
 * Bytes of PageMemory held (diagnostics and tests): `open`, not closed yet
 * (an owner dropped without close() leaks it); closed but not released
 * because the kernel may still write into it: `fenced` waits for a fence
 * (a ring not torn down yet), `grace` for the grace period.
 *
 * @returns The byte counts.
 *
 * @example
 * ```ts
 * import { heldPageMemory } from "@kernio/kernio/zcall";
 * heldPageMemory().fenced; // 0 when every ring is torn down
 * ```
 */
export function heldPageMemory(): {
  open: number;
  fenced: number;
  grace: number;
} {
  sweep(Date.now());
  let open = 0;
  for (const b of live) open += b.byteLength;
  return { open, fenced: fencedBytes, grace: graveyardBytes };
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
 * The fence that never passes: memory closed with it is kept for the life
 * of the process (its pages are freed, its addresses never reused), for
 * owners that cannot learn when the kernel let go.
 *
 * @example
 * ```ts
 * import { NEVER_RELEASED, PageMemory } from "@kernio/kernio/zcall";
 * const mem = new PageMemory(4096);
 * mem.close(NEVER_RELEASED); // kept: the kernel may write to it any time
 * ```
 */
export const NEVER_RELEASED: ReleaseFence = Object.freeze({
  passed: () => false,
});

/**
 * Page-aligned memory owned by JavaScript: an ArrayBuffer one page larger
 * than asked, of which `bytes` is the page-aligned part. The kernel can pin
 * it (io_uring rings with IORING_SETUP_NO_MMAP, buffer rings, registered
 * buffers), and views over it need no FFI pointer permission. Until
 * `close()` the memory stays reachable even if its owner is dropped (the
 * kernel may still use it: an unclosed PageMemory leaks, like an unclosed
 * mapping). `close()` detaches every view; the memory stays reachable
 * until the given fence passes (the kernel let go), or without one for a
 * grace period, then the garbage collector frees it.
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
    checkRegionLength("PageMemory", length);
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
    return openBuffer(this.#buffer, "PageMemory: the memory was released");
  }

  /**
   * Detaches every view over the memory (they read as empty) and releases
   * it once `fence` passes, or without a fence after a grace period (for
   * memory the kernel can only have pinned: a ring's own SQ/CQ memory,
   * registered buffers). Idempotent.
   *
   * @param fence Tells when the kernel let go (an io_uring ring's teardown
   * for memory it may write through the user address, such as provided
   * buffers); until then the memory is kept, however long that takes.
   */
  close(fence?: ReleaseFence): void {
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
    if (!replaced || fence === NEVER_RELEASED) {
      kept.push(moved);
      return;
    }
    const f = fence ?? null;
    graveyard.push({ until: Date.now() + GRACE_MS, buffer: moved, fence: f });
    if (f === null) graveyardBytes += moved.byteLength;
    else {
      if (fencedBytes === 0) lastRelease = Date.now();
      fencedBytes += moved.byteLength;
    }
    sweep(Date.now());
  }

  /** Same as {@linkcode PageMemory.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
