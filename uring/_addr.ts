// The address the kernel is given for a JS buffer (0 for an empty one).

import { unsafeAddressOf } from "../zcall/memory.ts";
import { viewBytes } from "../zcall/_views.ts";

export function addrOf(b: ArrayBufferView): number {
  // The engine's size, not a byteLength the caller could redefine.
  return viewBytes(b) <= 0 ? 0 : unsafeAddressOf(b);
}
