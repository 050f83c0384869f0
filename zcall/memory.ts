// Native memory: buffer addresses for kernel structs, and mappings whose
// ArrayBuffer is detached before the region is unmapped, so no JS view can
// touch freed memory.

import { sym } from "./_ffi.ts";
import { viewBuffer, viewBytes } from "./_views.ts";
import { errnoMessage, errnoName } from "./errno.ts";
import { MissingPermissionError } from "./permission.ts";
import { mmap, munmap } from "./syscalls.ts";
import { checkRegionLength, openBuffer, pageSize } from "./_region.ts";

/**
 * The address of a buffer's first byte, as a Number, for writing into kernel
 * structs (iovec, msghdr, SQEs). Unsafe: the caller must keep `buf` alive for
 * as long as the kernel may use the address. The view's backing store is
 * moved off V8's heap first, so the address stays valid across GCs.
 *
 * @example
 * ```ts
 * import { unsafeAddressOf } from "@kernio/kernio/zcall";
 * const buf = new Uint8Array(64);
 * const addr = unsafeAddressOf(buf);
 * ```
 */
export function unsafeAddressOf(buf: ArrayBufferView): number {
  // Reading the buffer (through the intrinsic getter: a subclass or own
  // property could skip it) externalizes small on-heap typed arrays: their
  // bytes would otherwise move with the GC.
  if (viewBytes(buf) < 0) {
    throw new TypeError("unsafeAddressOf: expected a typed array or DataView");
  }
  viewBuffer(buf);
  return sym.kio_address(buf);
}

/**
 * The byte length of a typed array or DataView as the engine knows it (the
 * intrinsic getter: own properties, subclass getters or patched prototypes
 * cannot change it); 0 once its buffer is detached; -1 for anything that is
 * not a view. Use it for any length that bounds what the kernel touches.
 *
 * @example
 * ```ts
 * import { viewByteLength } from "@kernio/kernio/zcall";
 * const v = new Uint8Array(8);
 * Object.defineProperty(v, "byteLength", { value: 4096 });
 * viewByteLength(v); // 8
 * ```
 */
export function viewByteLength(view: unknown): number {
  return viewBytes(view);
}

/**
 * An ArrayBuffer over native memory at `address`. Unsafe: the memory must
 * stay valid while the buffer is reachable. Prefer {@linkcode Mapping},
 * which detaches its buffer before unmapping.
 *
 * @example
 * ```ts
 * import { Mapping, unsafeArrayBuffer } from "@kernio/kernio/zcall";
 * using m = Mapping.anonymous(4096);
 * const ab = unsafeArrayBuffer(m.address, 4096);
 * ```
 */
export function unsafeArrayBuffer(
  address: number,
  length: number,
): ArrayBuffer {
  if (!(address > 0 && Number.isSafeInteger(address))) {
    throw new RangeError(`unsafeArrayBuffer: invalid address ${address}`);
  }
  if (!(length > 0 && Number.isSafeInteger(length))) {
    throw new RangeError(`unsafeArrayBuffer: invalid length ${length}`);
  }
  try {
    const ptr = Deno.UnsafePointer.create(BigInt(address));
    return Deno.UnsafePointerView.getArrayBuffer(ptr!, length);
  } catch (e) {
    throw pointerPermission("unsafeArrayBuffer", e);
  }
}

// Deno checks pointer creation against the whole FFI permission: under
// --allow-ffi=<library path> it throws NotCapable, turned here into the
// typed error that names the flag.
function pointerPermission(op: string, e: unknown): unknown {
  if (!(e instanceof Deno.errors.NotCapable)) return e;
  return new MissingPermissionError(
    `${op}: a pointer to native memory`,
    "--allow-ffi",
    "Deno.UnsafePointer checks the whole FFI permission, so " +
      "--allow-ffi=<library path> is not enough; PageMemory needs no " +
      "pointer permission",
    { cause: e },
  );
}

/**
 * A pointer object for an address (for FFI calls typed `pointer`).
 *
 * @example
 * ```ts
 * import { unsafePointer } from "@kernio/kernio/zcall";
 * unsafePointer(0); // null
 * ```
 */
export function unsafePointer(address: number): Deno.PointerValue {
  if (address === 0) return null;
  try {
    return Deno.UnsafePointer.create(BigInt(address));
  } catch (e) {
    throw pointerPermission("unsafePointer", e);
  }
}

/**
 * Raised by {@linkcode Mapping} when mmap or munmap fails.
 *
 * @example
 * ```ts
 * import { Errno, MappingError } from "@kernio/kernio/zcall";
 * new MappingError("mmap", -Errno.ENOMEM).code; // "ENOMEM"
 * ```
 */
export class MappingError extends Error {
  /** The errno number. */
  readonly errno: number;
  /** The errno name, such as "ENOMEM". */
  readonly code: string;
  /** Creates the error from a raw negative result. */
  constructor(op: string, raw: number) {
    super(`${op}: ${errnoName(raw)}: ${errnoMessage(raw)}`);
    this.name = "MappingError";
    this.errno = -raw;
    this.code = errnoName(raw);
  }
}

/**
 * Owner of an mmap'd region. `buffer` is an ArrayBuffer over the region;
 * `close()` (or `using`) detaches it and then unmaps, so stale views read as
 * empty and `buffer` throws instead of touching unmapped memory.
 *
 * @example
 * ```ts
 * import { Mapping } from "@kernio/kernio/zcall";
 * using m = Mapping.anonymous(4096);
 * new Uint8Array(m.buffer)[0] = 1;
 * ```
 */
export class Mapping {
  #address: number;
  #length: number;
  #buffer: ArrayBuffer | null;

  /** Maps `length` bytes of `fd` at `offset` (MAP_SHARED unless flags say otherwise). */
  constructor(
    length: number,
    prot: number,
    flags: number,
    fd: number,
    offset = 0,
  ) {
    checkRegionLength("Mapping", length);
    if (!(offset >= 0 && offset % pageSize() === 0)) {
      throw new RangeError(
        `Mapping: offset must be a non-negative multiple of ${pageSize()}`,
      );
    }
    const addr = mmap(0, length, prot, flags, fd, offset);
    if (addr < 0) throw new MappingError("mmap", addr);
    this.#address = addr;
    this.#length = length;
    try {
      this.#buffer = unsafeArrayBuffer(addr, length);
    } catch (e) {
      munmap(addr, length);
      if (e instanceof MissingPermissionError) {
        throw new MissingPermissionError(
          "Mapping: a view over mmap'd memory",
          e.flag,
          "Deno.UnsafePointer checks the whole FFI permission, so " +
            "--allow-ffi=<library path> is not enough; PageMemory needs no " +
            "pointer permission",
          { cause: e.cause },
        );
      }
      throw e;
    }
  }

  /**
   * A private anonymous read/write mapping.
   *
   * @example
   * ```ts
   * import { Mapping } from "@kernio/kernio/zcall";
   * const m = Mapping.anonymous(1 << 20);
   * m.close();
   * ```
   */
  static anonymous(length: number): Mapping {
    return new Mapping(length, 0x3, 0x22, -1, 0);
  }

  /** Whether the region is still mapped. */
  get mapped(): boolean {
    return this.#buffer !== null;
  }

  /** Start address of the region. */
  get address(): number {
    this.#check();
    return this.#address;
  }

  /** Length of the region in bytes. */
  get length(): number {
    return this.#length;
  }

  /** The ArrayBuffer over the region; throws once closed. */
  get buffer(): ArrayBuffer {
    return this.#check();
  }

  #check(): ArrayBuffer {
    return openBuffer(this.#buffer, "Mapping: the region was unmapped");
  }

  /**
   * Detaches the buffer and unmaps the region. Idempotent. If the buffer was
   * already detached by someone else (`buffer.transfer()` hands the same
   * memory to a new ArrayBuffer this object cannot reach), the region is
   * replaced by fresh zero pages instead of unmapped, so that buffer reads
   * zeros rather than touching unmapped (or reused) addresses.
   */
  close(): void {
    const buf = this.#buffer;
    if (buf === null) return;
    this.#buffer = null;
    if (buf.detached) {
      const r = mmap(
        this.#address,
        this.#length,
        0x3, // PROT_READ | PROT_WRITE
        0x32, // MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED
        -1,
        0,
      );
      if (r < 0) throw new MappingError("mmap", r);
      return;
    }
    detach(buf);
    const r = munmap(this.#address, this.#length);
    if (r < 0) throw new MappingError("munmap", r);
  }

  /** Same as {@linkcode Mapping.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Detaches an ArrayBuffer over native memory so every view over it reads as
 * empty. Call it before the memory is freed.
 *
 * @example
 * ```ts
 * import { detach } from "@kernio/kernio/zcall";
 * const ab = new ArrayBuffer(8);
 * detach(ab);
 * ab.detached; // true
 * ```
 */
export function detach(buf: ArrayBuffer): void {
  if (buf.detached) return;
  // transfer() with the same length hands the backing store over without a
  // copy; dropping the result leaves nothing reachable over the memory.
  buf.transfer();
}
