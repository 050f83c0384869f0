// Runs every example of examples/examples.json briefly, as a user would
// (`deno run` with the narrowest flags), so none rots. One-shot examples
// must exit 0 on their own; servers must print their ready line, answer a
// probe, and are then stopped. Entries whose file does not exist yet are
// skipped, so the manifest can run ahead of the examples.
import assert from "node:assert/strict";
import { libraryFileName } from "../zcall/loader.ts";

interface Entry {
  file: string;
  args?: string[];
  permissions: string[];
  timeoutMs?: number;
  expect?: string;
  root?: boolean;
  server?: { ready: string; probe?: "tcp-echo" | "http-get" | "none" };
}

const root = new URL("../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);
const manifest: { examples: Entry[] } = JSON.parse(
  Deno.readTextFileSync(new URL("examples/examples.json", root)),
);
const lib = `native/build/${libraryFileName(Deno.build.os, Deno.build.arch)}`;
const isRoot = Deno.uid() === 0;

function exists(path: string): boolean {
  try {
    return Deno.statSync(new URL(path, root)).isFile;
  } catch {
    return false;
  }
}

function command(e: Entry): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      ...e.permissions.map((p) => p.replaceAll("{lib}", lib)),
      `examples/${e.file}`,
      ...(e.args ?? []),
    ],
    cwd: rootPath,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

async function runOnce(e: Entry): Promise<void> {
  const child = command(e).spawn();
  const timer = setTimeout(
    () => child.kill("SIGKILL"),
    e.timeoutMs ?? 30_000,
  );
  const out = await child.output();
  clearTimeout(timer);
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${e.file} exited ${out.code}:\n${text}`);
  if (e.expect) assert.match(text, new RegExp(e.expect), text);
}

async function echoProbe(port: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const msg = new TextEncoder().encode("kernio example probe\n");
    await conn.write(msg);
    const got = new Uint8Array(msg.length);
    let n = 0;
    while (n < got.length) {
      const r = await conn.read(got.subarray(n));
      if (r === null) break;
      n += r;
    }
    assert.deepEqual(got.subarray(0, n), msg, "echo reply");
  } finally {
    conn.close();
  }
}

async function httpProbe(port: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
    );
    const buf = new Uint8Array(4096);
    let text = "";
    while (!/\r\n\r\n/.test(text)) {
      const r = await conn.read(buf);
      if (r === null) break;
      text += new TextDecoder().decode(buf.subarray(0, r));
    }
    assert.match(text, /^HTTP\/1\.1 200/, "HTTP reply");
  } finally {
    conn.close();
  }
}

async function runServer(e: Entry): Promise<void> {
  const child = command(e).spawn();
  let errText = "";
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write(chunk) {
        errText += chunk;
      },
    }),
  );
  const reader = child.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  const ready = new RegExp(e.server!.ready);
  let text = "";
  let port = -1;
  const timer = setTimeout(
    () => child.kill("SIGKILL"),
    e.timeoutMs ?? 30_000,
  );
  try {
    while (port < 0) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      const m = text.match(ready);
      if (m) port = Number(m[1]);
    }
    if (port < 0) {
      await child.status;
      await stderr.catch(() => {});
    }
    assert.ok(port > 0, `${e.file} never printed ${ready}:\n${text}${errText}`);
    const probe = e.server!.probe ?? "none";
    if (probe === "tcp-echo") await echoProbe(port);
    if (probe === "http-get") await httpProbe(port);
  } finally {
    clearTimeout(timer);
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await reader.cancel();
    await stderr.catch(() => {});
    await child.status;
  }
}

Deno.test("examples: manifest", async (t) => {
  await t.step("entries are well formed", () => {
    for (const e of manifest.examples) {
      assert.equal(typeof e.file, "string");
      assert.ok(Array.isArray(e.permissions), `${e.file}: permissions`);
      assert.ok(
        !e.permissions.some((p) => p === "-A" || p === "--allow-all"),
        `${e.file}: use the narrowest flags, not --allow-all`,
      );
    }
  });
  await t.step("examples without a deno task (reported, not failed)", () => {
    const tasks = Object.values(
      JSON.parse(Deno.readTextFileSync(new URL("deno.json", root))).tasks ??
        {},
    ).join("\n");
    const without = manifest.examples.filter((e) =>
      exists(`examples/${e.file}`) && !tasks.includes(`examples/${e.file}`)
    ).map((e) => e.file);
    if (without.length) {
      console.warn(`examples without a deno task: ${without.join(", ")}`);
    }
  });
  await t.step("unlisted examples (reported, not failed)", () => {
    const listed = new Set(manifest.examples.map((e) => e.file));
    const unlisted = [...Deno.readDirSync(new URL("examples/", root))]
      .filter((d) =>
        d.isFile && d.name.endsWith(".ts") && !d.name.startsWith("_") &&
        !listed.has(d.name)
      ).map((d) => d.name);
    if (unlisted.length) {
      console.warn(
        `examples not in examples/examples.json: ${unlisted.join(", ")}`,
      );
    }
  });
});

for (const e of manifest.examples) {
  const missing = !exists(`examples/${e.file}`);
  const needsRoot = e.root === true && !isRoot;
  if (missing) console.log(`examples: ${e.file} not written yet: skipped`);
  if (needsRoot) console.log(`examples: ${e.file} needs root: skipped`);
  Deno.test({
    name: `examples: ${e.file} ${(e.args ?? []).join(" ")}`.trimEnd(),
    ignore: missing || needsRoot,
    fn: () => e.server ? runServer(e) : runOnce(e),
  });
}
