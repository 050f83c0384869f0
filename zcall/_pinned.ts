// Struct arrays (Iovecs, Msghdr, Mmsghdrs) by the byte view they hand to
// the kernel, so a syscall given `struct.bytes` can ask, just before the
// call, whether a buffer the struct points at was detached (transferred)
// since its address was recorded: the address would then name memory the
// engine may already have freed.

/** A struct that records addresses of buffers it keeps alive. */
export interface PinningStruct {
  /** Whether a recorded buffer was detached or shrunk since it was set. */
  stale(): boolean;
}

/** The struct behind a `bytes` view, when a struct class made it. */
export const structOf: WeakMap<object, PinningStruct> = new WeakMap();

/** -EFAULT-worthy: `bytes` belongs to a struct whose buffers moved. */
export function staleStruct(bytes: unknown): boolean {
  if (typeof bytes !== "object" || bytes === null) return false;
  const s = structOf.get(bytes);
  return s !== undefined && s.stale();
}
