// SHA-256 of each prebuilt release asset, written by the release workflow
// (`native/build.ts --checksums=<dir>`) just before `deno publish`, so the
// published package carries the digests of exactly the files it downloads.
// A source checkout carries none: it builds the library locally.

/** Release version the digests belong to, and the digest per asset name. */
export const RELEASE_CHECKSUMS: {
  readonly version: string;
  readonly sha256: Readonly<Record<string, string>>;
} = {
  version: "",
  sha256: {},
};
