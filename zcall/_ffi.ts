// The one unsafe boundary: the only module that calls Deno.dlopen. Where the
// library comes from, and every message about it, is decided in _load.ts
// (the order) and loader.ts (names, cache, download, checksums).

import { SYMBOLS } from "./_symbols.ts";
import { loadLibrary } from "./_load.ts";

/** The symbols of the native library. */
export type KernioLib = Deno.DynamicLibrary<typeof SYMBOLS>;

/** The loaded native library (loaded once, at first import). */
export const lib: KernioLib = await loadLibrary((path) =>
  Deno.dlopen(path, SYMBOLS)
);
/** Its symbols, for the zcall wrappers. */
export const sym: KernioLib["symbols"] = lib.symbols;
