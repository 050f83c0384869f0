// The engine's truth about buffers: the intrinsic %TypedArray%, DataView,
// ArrayBuffer and SharedArrayBuffer getters, captured once when this module
// loads. Deno's FFI hands the native side the real backing store of a view;
// a check that read `buf.byteLength` would read whatever a caller defined
// (an own property, a subclass getter, a patched prototype) and could let
// the kernel write past the memory. Every length, offset and brand check of
// the unsafe boundary goes through these functions instead.
//
// `uncurry(getter)` is `Function.prototype.call.bind(getter)`: calling it
// invokes the captured getter with its argument as the receiver, unaffected
// by later changes to Function.prototype.call or the prototypes.

type Getter = (this: unknown) => unknown;

const call = Function.prototype.call;
const bind = Function.prototype.bind;
const uncurry = bind.bind(call) as (g: Getter) => (self: unknown) => unknown;

function getterOf(proto: object, key: PropertyKey): Getter {
  const d = Object.getOwnPropertyDescriptor(proto, key);
  if (d === undefined || typeof d.get !== "function") {
    throw new Error(`kernio: intrinsic getter ${String(key)} is missing`);
  }
  return d.get;
}

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);

/** %TypedArray%.prototype.byteLength: throws on a non-typed-array. */
export const taByteLength = uncurry(
  getterOf(TypedArrayPrototype, "byteLength"),
) as (v: unknown) => number;
/** %TypedArray%.prototype.byteOffset. */
export const taByteOffset = uncurry(
  getterOf(TypedArrayPrototype, "byteOffset"),
) as (v: unknown) => number;
/** %TypedArray%.prototype.buffer. */
export const taBuffer = uncurry(
  getterOf(TypedArrayPrototype, "buffer"),
) as (v: unknown) => ArrayBufferLike;
/**
 * %TypedArray%.prototype[@@toStringTag]: the element type's name
 * ("Uint8Array", ...) for a real typed array, undefined for anything else
 * (a DataView, a Proxy, a look-alike object). Never throws.
 */
export const taTag = uncurry(
  getterOf(TypedArrayPrototype, Symbol.toStringTag),
) as (v: unknown) => string | undefined;

/** DataView.prototype.byteLength: throws on a detached or non-DataView. */
export const dvByteLength = uncurry(
  getterOf(DataView.prototype, "byteLength"),
) as (v: unknown) => number;
/** DataView.prototype.byteOffset. */
export const dvByteOffset = uncurry(
  getterOf(DataView.prototype, "byteOffset"),
) as (v: unknown) => number;
/** DataView.prototype.buffer. */
export const dvBuffer = uncurry(
  getterOf(DataView.prototype, "buffer"),
) as (v: unknown) => ArrayBufferLike;

/** ArrayBuffer.prototype.byteLength: throws on a SharedArrayBuffer. */
export const abByteLength = uncurry(
  getterOf(ArrayBuffer.prototype, "byteLength"),
) as (v: unknown) => number;
/** ArrayBuffer.prototype.resizable. */
export const abResizable = uncurry(
  getterOf(ArrayBuffer.prototype, "resizable"),
) as (v: unknown) => boolean;
/** ArrayBuffer.prototype.detached. */
export const abDetached = uncurry(
  getterOf(ArrayBuffer.prototype, "detached"),
) as (v: unknown) => boolean;
/** SharedArrayBuffer.prototype.growable. */
export const sabGrowable = uncurry(
  getterOf(SharedArrayBuffer.prototype, "growable"),
) as (v: unknown) => boolean;

const isView = ArrayBuffer.isView;

/**
 * The true byte length of a typed array or DataView, 0 when its buffer is
 * detached or it is out of bounds, -1 for anything else (an ArrayBuffer, a
 * look-alike, null).
 */
export function viewBytes(v: unknown): number {
  if (taTag(v) !== undefined) return taByteLength(v);
  if (!isView(v)) return -1;
  try {
    return dvByteLength(v);
  } catch {
    return 0; // a DataView over a detached or shrunk buffer
  }
}

/** The backing buffer of a typed array or DataView (engine truth). */
export function viewBuffer(v: unknown): ArrayBufferLike {
  return taTag(v) !== undefined ? taBuffer(v) : dvBuffer(v);
}

/** Whether an ArrayBuffer-like is a SharedArrayBuffer (engine truth). */
export function isSharedBuffer(b: unknown): boolean {
  try {
    abByteLength(b);
    return false;
  } catch {
    return true;
  }
}

/**
 * Whether a view's bytes can move or shrink under the kernel: its buffer is
 * a resizable ArrayBuffer (it can shrink, or be transferred to another
 * size), or the view is already detached.
 */
export function isUnstableView(v: unknown): boolean {
  const b = viewBuffer(v);
  if (isSharedBuffer(b)) return false; // growable SABs only grow
  return abResizable(b) || abDetached(b);
}

/**
 * A Uint32Array with at least one element (engine truth): the shape of an
 * in/out length cell (socklen_t).
 */
export function isU32Cell(v: unknown): v is Uint32Array {
  return taTag(v) === "Uint32Array" && taByteLength(v) >= 4;
}

/**
 * A Uint8Array over the same bytes as a typed array or DataView (engine
 * truth for buffer, offset and length).
 */
export function bytesOf(v: unknown): Uint8Array {
  const n = viewBytes(v);
  if (taTag(v) !== undefined) {
    return new Uint8Array(taBuffer(v), taByteOffset(v), n);
  }
  return new Uint8Array(dvBuffer(v), dvByteOffset(v), n);
}

/**
 * The bytes `[from, to)` of a view (engine truth for buffer, offset and
 * length) as the kernel may read them after the caller's call has
 * returned: a private copy, since memory a caller detaches with
 * `transfer()` can be freed under the kernel; a view over a
 * SharedArrayBuffer (which cannot be detached) is used in place.
 */
export function bytesForLater(
  v: unknown,
  from: number,
  to: number,
): Uint8Array {
  const b = bytesOf(v);
  return isSharedBuffer(taBuffer(b)) ? b.subarray(from, to) : b.slice(from, to);
}
