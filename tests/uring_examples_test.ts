// Runs every example of the uring layer briefly, in a subprocess with the
// flags its doc names, so none of them rots.

import assert from "node:assert/strict";
import { startServer } from "../bench/_echo_harness.ts";

const DENO = Deno.execPath();
const ROOT = new URL("../", import.meta.url).pathname;

async function run(args: string[], timeoutMs = 60_000): Promise<string> {
  const child = new Deno.Command(DENO, {
    args: ["run", ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
  }, timeoutMs);
  const { code, stdout, stderr } = await child.output();
  clearTimeout(timer);
  const out = new TextDecoder().decode(stdout);
  assert.equal(
    code,
    0,
    `${args.join(" ")} exited ${code}:\n${out}\n${
      new TextDecoder().decode(stderr)
    }`,
  );
  return out;
}

async function echoOnce(port: number, msg: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const data = new TextEncoder().encode(msg);
    await conn.write(data);
    const buf = new Uint8Array(data.length);
    let got = 0;
    while (got < data.length) {
      const n = await conn.read(buf.subarray(got));
      if (n === null) break;
      got += n;
    }
    return new TextDecoder().decode(buf.subarray(0, got));
  } finally {
    conn.close();
  }
}

Deno.test("uring examples: echo servers (io_uring and Deno.listen)", async () => {
  for (
    const cmd of [
      [DENO, "run", "--allow-ffi", "examples/echo_server.ts", "0"],
      [DENO, "run", "--allow-net=127.0.0.1", "examples/echo_deno.ts", "0"],
    ]
  ) {
    const srv = await startServer(cmd);
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal(await echoOnce(srv.port, `round ${i}`), `round ${i}`);
      }
    } finally {
      await srv.stop();
    }
  }
});

Deno.test("uring examples: http_hello answers GET", async () => {
  const srv = await startServer([
    DENO,
    "run",
    "--allow-ffi",
    "examples/http_hello.ts",
    "0",
  ]);
  try {
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`http://127.0.0.1:${srv.port}/`);
      assert.equal(r.status, 200);
      assert.equal(await r.text(), "Hello, World!");
    }
  } finally {
    await srv.stop();
  }
});

Deno.test("uring examples: udp_pingpong, tcp_client, file_copy", async () => {
  assert.match(
    await run(["--allow-ffi", "examples/udp_pingpong.ts", "200"]),
    /200 UDP round trips/,
  );
  const client = await run(["--allow-ffi", "examples/tcp_client.ts"]);
  assert.equal(client.trim().split("\n").length, 5);
  assert.match(client, /echo: hello 4 from io_uring/);
  assert.match(
    await run([
      "--allow-ffi",
      "--allow-read",
      "--allow-write",
      "examples/file_copy.ts",
    ]),
    /verified: identical/,
  );
});

Deno.test("uring examples: demo prints the side-by-side table", async () => {
  const out = await run([
    "--allow-all",
    "examples/demo.ts",
    "--seconds=0.3",
    "--conns=2",
  ], 120_000);
  assert.match(out, /kernio io_uring echo\s+2\s+[\d,]+/);
  assert.match(out, /Deno\.listen echo\s+2\s+[\d,]+/);
  assert.match(out, /x the messages\/s of Deno\.listen/);
});
