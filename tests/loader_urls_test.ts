// The loader's prebuilt-binary names and URLs against the release workflow
// that uploads them: a mismatch would make every download 404 on the first
// release, long after the change that caused it.
import assert from "node:assert/strict";
import {
  DEFAULT_LIB_BASE_URL,
  libraryFileName,
  libraryUrl,
  PREBUILT_TARGETS,
  RELEASE_DOWNLOAD_HOSTS,
} from "../zcall/loader.ts";
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
// as the oracle, so assets stay fetchable by plug-style tooling too:
// `${prefix}${name}${suffix}.${ext}`, prefix "lib" except on Windows, ext by
// OS, suffix "_aarch64" for aarch64.
function plugFileName(os: Os, arch: Arch): string {
  const ext = os === "darwin" ? "dylib" : os === "windows" ? "dll" : "so";
  const prefix = os === "windows" ? "" : "lib";
  const suffix = arch === "aarch64" ? "_aarch64" : "";
  return `${prefix}kernio${suffix}.${ext}`;
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
    // native/build.ts names its output with libraryFileName().
    const build = Deno.readTextFileSync(new URL("native/build.ts", root));
    assert.match(build, /libraryFileName\(/);
    assert.match(
      releaseYml,
      /test -f native\/build\/\$\{\{ matrix\.asset \}\}/,
    );
    assert.match(releaseYml, /path: native\/build\/\$\{\{ matrix\.asset \}\}/);
    assert.match(releaseYml, /gh release upload "\$TAG"[^\n]*dist\/\*/);
  });
  await t.step(
    "each build loads its asset with exactly --allow-ffi=<it>",
    () => {
      assert.match(
        releaseYml,
        /deno run --allow-ffi=native\/build\/\$\{\{ matrix\.asset \}\} examples\/tcpinfo\.ts/,
      );
    },
  );
  await t.step("upload needs only jobs that run on x86_64 or build", () => {
    assert.match(releaseYml, /upload:\n\s+needs: \[build, suite\]/);
    // The suite gates on the x86_64 runner only.
    const suite = releaseYml.slice(releaseYml.indexOf("\n  suite:"));
    assert.match(
      suite.slice(0, suite.indexOf("\n  upload:")),
      /runs-on: ubuntu-24.04\n/,
    );
  });
  await t.step("runs on bare-version tags and checks them", () => {
    assert.match(releaseYml, /tags: \["\*"\]/);
    assert.match(releaseYml, /test "\$TAG" = "\$version"/);
  });
  await t.step("the verify job's URL check matches the loader source", () => {
    // The workflow greps loader.ts for the template literal of the base URL
    // with the repository substituted; do the same with the loader's repo.
    const repo = DEFAULT_LIB_BASE_URL.split("/").slice(3, 5).join("/");
    const src = Deno.readTextFileSync(new URL("zcall/loader.ts", root));
    assert.ok(
      src.includes(
        "`https://github.com/" + repo + "/releases/download/${VERSION}/`",
      ),
    );
    assert.match(
      releaseYml,
      /https:\/\/github\.com\/\$\{REPO\}\/releases\/download\/\\\$\{VERSION\}\/\\`" zcall\/loader\.ts/,
    );
  });
  await t.step(
    "checksums generated from the uploaded files, then published",
    () => {
      const publish = releaseYml.slice(releaseYml.indexOf("\n  publish:"));
      const gen =
        "deno run --allow-read --allow-write=zcall/_checksums.ts native/build.ts --checksums=dist";
      assert.ok(
        publish.includes(gen),
        "publish job writes zcall/_checksums.ts",
      );
      assert.ok(
        publish.indexOf(gen) < publish.indexOf("deno publish --allow-dirty"),
      );
      const upload = releaseYml.slice(
        releaseYml.indexOf("\n  upload:"),
        releaseYml.indexOf("\n  publish:"),
      );
      assert.ok(upload.includes(gen), "upload job checks every asset first");
      // The package ships the generated file.
      const cfg = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root)));
      assert.ok(cfg.publish.include.includes("zcall/"));
    },
  );
  await t.step("JSR publish with provenance (OIDC)", () => {
    assert.match(releaseYml, /id-token: write/);
    assert.match(releaseYml, /run: deno publish --allow-dirty\s*$/m);
  });
});

Deno.test("loader: the documented GitHub download hosts", () => {
  // github.com redirects release downloads to another host; Deno checks net
  // permission on every hop, so the README names them all.
  const readme = Deno.readTextFileSync(new URL("README.md", root));
  const flag = `--allow-net=${RELEASE_DOWNLOAD_HOSTS.join(",")}`;
  assert.ok(readme.includes(flag), `README shows ${flag}`);
  // Where github.com appears alone, it is to say it is not enough.
  for (const m of readme.matchAll(/--allow-net=github\.com(?![,\w.])/g)) {
    assert.match(readme.slice(m.index!, m.index! + 40), /alone/);
  }
});

Deno.test("tasks grant FFI to a path that holds this arch's library", () => {
  const cfg = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root)));
  const lib = `native/build/${libraryFileName(Deno.build.os, Deno.build.arch)}`;
  let scoped = 0;
  for (const [name, task] of Object.entries<string>(cfg.tasks)) {
    for (const m of task.matchAll(/--allow-ffi=(\S+)/g)) {
      scoped++;
      const path = m[1].replace(/\/$/, "");
      assert.ok(
        lib === path || lib.startsWith(path + "/"),
        `${name}: --allow-ffi=${m[1]} does not cover ${lib}`,
      );
      // No architecture-specific file name in a task.
      assert.doesNotMatch(path, /libkernio/, `${name} names one arch's file`);
    }
  }
  assert.ok(scoped >= 2, "example:ping and example:tcpinfo are scoped");
});
