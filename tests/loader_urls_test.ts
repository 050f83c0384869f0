// The loader's prebuilt-binary names and URLs against the release workflow
// that uploads them: a mismatch would make every download 404 on the first
// release, long after the change that caused it.
import assert from "node:assert/strict";
import {
  DEFAULT_LIB_BASE_URL,
  libraryFileName,
  libraryUrl,
  PLUG_SUFFIXES,
  PREBUILT_TARGETS,
} from "../zcall/_ffi.ts";
import { VERSION } from "../zcall/_version.ts";

type Os = typeof Deno.build.os;
type Arch = typeof Deno.build.arch;

const ALL_OS: Os[] = [
  "darwin",
  "linux",
  "android",
  "windows",
  "freebsd",
  "netbsd",
  "aix",
  "solaris",
  "illumos",
];
const ALL_ARCH: Arch[] = ["x86_64", "aarch64"];

const root = new URL("../", import.meta.url);
const releaseYml = Deno.readTextFileSync(
  new URL(".github/workflows/release.yml", root),
);

// @denosaurs/plug's naming rule (download.ts createDownloadURL), restated
// as the oracle: `${prefix}${name}${suffix}.${ext}`, prefix "lib" except on
// Windows, ext by OS, suffix looked up by arch in the options record.
function plugFileName(os: Os, arch: Arch): string {
  const ext = os === "darwin" ? "dylib" : os === "windows" ? "dll" : "so";
  const prefix = os === "windows" ? "" : "lib";
  return `${prefix}kernio${PLUG_SUFFIXES[arch] ?? ""}.${ext}`;
}

/** Values of `asset:` keys in the build matrix of release.yml. */
function workflowAssets(): string[] {
  return [...releaseYml.matchAll(/^\s+asset:\s*([^\s#]+)\s*$/gm)].map((m) =>
    m[1]
  );
}

Deno.test("loader: file name and URL for every OS/arch pair", async (t) => {
  for (const os of ALL_OS) {
    for (const arch of ALL_ARCH) {
      await t.step(`${os}/${arch}`, () => {
        const name = libraryFileName(os, arch);
        assert.equal(name, plugFileName(os, arch));
        assert.equal(libraryUrl(os, arch), DEFAULT_LIB_BASE_URL + name);
        assert.equal(
          libraryUrl(os, arch, "https://example.test/x"),
          `https://example.test/x/${name}`,
        );
        assert.equal(
          libraryUrl(os, arch, "file:///tmp/kio/"),
          `file:///tmp/kio/${name}`,
        );
      });
    }
  }
  await t.step("the two Linux names", () => {
    assert.equal(libraryFileName("linux", "x86_64"), "libkernio.so");
    assert.equal(libraryFileName("linux", "aarch64"), "libkernio_aarch64.so");
  });
});

Deno.test("loader: default base URL is the GitHub release of this version", () => {
  const version = JSON.parse(
    Deno.readTextFileSync(new URL("deno.json", root)),
  ).version;
  assert.equal(VERSION, version, "zcall/_version.ts VERSION vs deno.json");
  const m = DEFAULT_LIB_BASE_URL.match(
    /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/releases\/download\/([^/]+)\/$/,
  );
  assert.ok(m, `unexpected DEFAULT_LIB_BASE_URL ${DEFAULT_LIB_BASE_URL}`);
  assert.equal(m[2], version, "the release tag is the bare version");
});

Deno.test("release workflow uploads exactly the prebuilt names", async (t) => {
  const expected = PREBUILT_TARGETS.map(([os, arch]) =>
    libraryFileName(os, arch)
  ).sort();
  await t.step("matrix assets", () => {
    assert.deepEqual(workflowAssets().sort(), expected);
  });
  await t.step("every prebuilt target is Linux (the library is)", () => {
    for (const [os] of PREBUILT_TARGETS) assert.equal(os, "linux");
  });
  await t.step("the build output names are the asset names", () => {
    // native/build.ts names its output the same way on the native arch.
    assert.match(
      releaseYml,
      /test -f native\/build\/\$\{\{ matrix\.asset \}\}/,
    );
    assert.match(releaseYml, /path: native\/build\/\$\{\{ matrix\.asset \}\}/);
    assert.match(releaseYml, /gh release upload "\$TAG"[^\n]*dist\/\*/);
  });
  await t.step("runs on bare-version tags and checks them", () => {
    assert.match(releaseYml, /tags: \["\*"\]/);
    assert.match(releaseYml, /test "\$TAG" = "\$version"/);
  });
  await t.step("the verify job's URL check matches the loader source", () => {
    // The workflow greps _ffi.ts for the template literal of the base URL
    // with the repository substituted; do the same with the loader's repo.
    const repo = DEFAULT_LIB_BASE_URL.split("/").slice(3, 5).join("/");
    const src = Deno.readTextFileSync(new URL("zcall/_ffi.ts", root));
    assert.ok(
      src.includes(
        "`https://github.com/" + repo + "/releases/download/${VERSION}/`",
      ),
    );
    assert.match(
      releaseYml,
      /https:\/\/github\.com\/\$\{REPO\}\/releases\/download\/\\\$\{VERSION\}\/\\`" zcall\/_ffi\.ts/,
    );
  });
  await t.step("JSR publish with provenance (OIDC)", () => {
    assert.match(releaseYml, /id-token: write/);
    assert.match(releaseYml, /run: deno publish\s*$/m);
  });
});
