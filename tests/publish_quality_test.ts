// JSR package quality, checked with Deno's own tools in subprocesses:
// `deno doc --lint` on every entry point, `deno publish --dry-run` (no slow
// types), a @module doc with `@tags allow-ffi` per entry point and an
// @example on every export. On failure the tools' diagnostics are printed.
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);
const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root)));
const ENTRY_POINTS: string[] = Object.values(config.exports as object);

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

async function deno(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: rootPath,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = (new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr)).replace(ANSI, "");
  return { ok: out.success, text };
}

/** Fails with the tool's own diagnostics, printed in full. */
function assertTool(
  r: { ok: boolean; text: string },
  what: string,
): void {
  if (!r.ok) {
    console.error(`----- ${what} -----\n${r.text}\n----- end -----`);
  }
  assert.ok(r.ok, `${what} failed:\n${r.text}`);
}

interface DocTag {
  kind: string;
  tags?: string[];
}
interface DocNode {
  moduleDoc?: { doc?: string; tags?: DocTag[] };
  module_doc?: { doc?: string; tags?: DocTag[] };
  symbols: {
    name: string;
    declarations: { kind?: string; jsDoc?: { tags?: DocTag[] } }[];
  }[];
}

const docJson = (async () => {
  const r = await deno(["doc", "--json", ...ENTRY_POINTS]);
  assertTool(r, "deno doc --json");
  return JSON.parse(r.text).nodes as Record<string, DocNode>;
})();

Deno.test("publish: deno doc --lint reports nothing", async () => {
  assertTool(
    await deno(["doc", "--lint", ...ENTRY_POINTS]),
    `deno doc --lint ${ENTRY_POINTS.join(" ")}`,
  );
});

Deno.test("publish: every @example in zcall, sock, uring and http type-checks", async () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(new URL(`../${dir}/`, import.meta.url))) {
      if (e.isDirectory) walk(`${dir}/${e.name}`);
      else if (e.isFile && e.name.endsWith(".ts")) {
        files.push(`${dir}/${e.name}`);
      }
    }
  };
  for (const dir of ["zcall", "sock", "uring", "http"]) walk(dir);
  assertTool(
    await deno(["check", "--doc", "mod.ts", ...files.sort()]),
    "deno check --doc",
  );
});

Deno.test("publish: deno publish --dry-run passes, no slow types", async () => {
  const r = await deno(["publish", "--dry-run", "--allow-dirty"]);
  assertTool(r, "deno publish --dry-run --allow-dirty");
  assert.doesNotMatch(r.text, /^error\[|errors for slow types/m, r.text);
  assert.match(r.text, /Dry run complete/);
});

const NOT_LOADING = new Set(["./zcall/loader.ts", "./zcall/prefetch.ts"]);

Deno.test("publish: every entry point has a @module doc tagged allow-ffi", async () => {
  const nodes = await docJson;
  for (const entry of ENTRY_POINTS) {
    const url = new URL(entry, root).href;
    const mod = nodes[url]?.moduleDoc ?? nodes[url]?.module_doc;
    assert.ok(mod?.doc, `${entry}: no @module doc`);
    const tags = mod.tags ?? [];
    assert.ok(tags.some((t) => t.kind === "module"), `${entry}: no @module`);
    // The loader's own entry points find and fetch the library without
    // opening it: they are tagged with what they need instead.
    const needs = NOT_LOADING.has(entry) ? "allow-net" : "allow-ffi";
    assert.ok(
      tags.some((t) => t.kind === "tags" && t.tags?.includes(needs)),
      `${entry}: no @tags ${needs}`,
    );
    assert.ok(
      tags.some((t) => t.kind === "example"),
      `${entry}: no @example in the module doc`,
    );
  }
});

// Every entry point's exports must carry an @example (CONTRIBUTING rule 9).
// An entry point can be listed here while it is being written: its missing
// examples are then printed instead of failing.
const PENDING_EXAMPLES = new Set<string>([]);

Deno.test("publish: every export has JSDoc with an @example", async () => {
  const nodes = await docJson;
  const missing: string[] = [];
  const pending: string[] = [];
  for (const entry of ENTRY_POINTS) {
    const node = nodes[new URL(entry, root).href];
    for (const s of node?.symbols ?? []) {
      // A re-export ("reference") is documented where it is declared.
      const has = s.declarations.every((d) => d.kind === "reference") ||
        s.declarations.some((d) =>
          (d.jsDoc?.tags ?? []).some((t) => t.kind === "example")
        );
      if (!has) {
        (PENDING_EXAMPLES.has(entry) ? pending : missing).push(
          `${entry}: ${s.name}`,
        );
      }
    }
  }
  if (pending.length) {
    console.warn(
      `${pending.length} exports still without @example (not yet enforced):` +
        `\n  ${pending.join("\n  ")}`,
    );
  }
  if (missing.length) {
    console.error(`exports without @example:\n  ${missing.join("\n  ")}`);
  }
  assert.deepEqual(missing, [], `${missing.length} exports lack an @example`);
});

Deno.test("repo: deno fmt --check and deno lint pass", async () => {
  assertTool(await deno(["fmt", "--check"]), "deno fmt --check");
  assertTool(await deno(["lint"]), "deno lint");
});
