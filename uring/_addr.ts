// The address the kernel is given for a JS buffer (0 for an empty one).

import { unsafeAddressOf } from "../zcall/memory.ts";

export function addrOf(b: ArrayBufferView): number {
  return b.byteLength === 0 ? 0 : unsafeAddressOf(b);
}
