// Pure modules load with no permission at all and without the native
// library: the SQE layer (`@kernio/kernio/uring/raw`), the error classes of
// sock and uring, IP text parsing, contexts, CQE views, options and the
// argument checks. Checked in a child `deno run` with no permission flag,
// then the SQE layer's doc examples run with `deno test --doc`, again with
// no permission.
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);

const PURE = [
  "uring/raw.ts",
  "uring/sqe.ts",
  "uring/errors.ts",
  "uring/context.ts",
  "uring/cqe.ts",
  "uring/options.ts",
  "uring/ops/options.ts",
  "uring/_validate.ts",
  "uring/_constants.ts",
  "sock/errors.ts",
  "sock/ip.ts",
  "zcall/constants.ts",
  "zcall/errno.ts",
];

async function deno(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: rootPath,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  return { ok: out.success, text };
}

Deno.test("pure modules: load and work with no permission", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const script = `${dir}/pure.ts`;
    const url = (p: string) => new URL(p, root).href;
    await Deno.writeTextFile(
      script,
      PURE.map((p, k) => `import * as m${k} from "${url(p)}";`).join("\n") +
        `
const raw = m0;
const w = new Uint32Array(16);
raw.prepSend(w, 0, 5, 0x1000, 64, raw.IORING_RECVSEND.POLL_FIRST);
if ((w[raw.SQE_WORD.HEAD] & 0xff) !== raw.IORING_OP.SEND) throw new Error("opcode");
if (w[raw.SQE_WORD.FD] !== 5 || w[raw.SQE_WORD.LEN] !== 64) throw new Error("fields");
const e = new m2.UringError("op", -11, "x");
if (!(e instanceof Error) || e.errno !== 11) throw new Error("UringError");
const ctx = m3.forFD(7);
if (ctx.fd() !== 7) throw new Error("forFD");
if (m11.IORING_OP.NOP !== 0 || m12.Errno.EAGAIN !== 11) throw new Error("tables");
let threw = false;
try { m7.checkFd("t", -1); } catch (err) { threw = err instanceof RangeError; }
if (!threw) throw new Error("checkFd");
console.log("pure ok", ${PURE.length});
`,
    );
    const r = await deno(["run", "--no-prompt", script]);
    assert.ok(r.ok, r.text);
    assert.match(r.text, new RegExp(`pure ok ${PURE.length}`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pure modules: the SQE layer's doc examples run with no permission", async () => {
  const files = [...Deno.readDirSync(new URL("../uring/sqe/", import.meta.url))]
    .filter((e) => e.isFile && e.name.endsWith(".ts"))
    .map((e) => `uring/sqe/${e.name}`)
    .sort();
  assert.ok(files.length >= 4, files.join(" "));
  // Type-checked by publish_quality_test.ts; here they only run.
  const r = await deno([
    "test",
    "--doc",
    "--no-check",
    "--no-prompt",
    ...files,
  ]);
  assert.ok(r.ok, r.text);
  assert.match(r.text, /ok \| \d+ passed/);
});
