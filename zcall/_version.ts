// The package version; the prebuilt-binary URL is derived from it. A test
// checks it against deno.json.
/**
 * The package version (the prebuilt-binary URL is derived from it).
 *
 * @example
 * ```ts
 * import { VERSION } from "@kernio/kernio/zcall";
 * console.log(VERSION); // "0.1.0"
 * ```
 */
export const VERSION = "0.1.0";
// ABI version the TypeScript side expects from native/kernio.c.
export const ABI_VERSION = 1;
