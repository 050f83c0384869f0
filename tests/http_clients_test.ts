// kernio's HTTP server against clients nobody here wrote: curl (1.0, 1.1,
// keep-alive, Connection: close, 1 MB POST, chunked upload, HEAD, -v),
// Python http.client and requests, ab (with and without -k), h2load --h1
// and wrk. Responses are compared byte for byte where deterministic.

import assert from "node:assert/strict";
import { startHttp } from "./_util/http.ts";

const dec = new TextDecoder();

async function run(
  cmd: string,
  args: string[],
  stdin?: string,
): Promise<{ code: number; out: string; err: string }> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
  }, 60_000);
  const r = await child.output();
  clearTimeout(timer);
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

function handler(req: Request): Response | Promise<Response> {
  const p = new URL(req.url).pathname;
  if (p === "/echo") {
    return req.arrayBuffer().then((b) =>
      new Response(b, { headers: { "x-method": req.method } })
    );
  }
  if (p === "/json") return Response.json({ ok: true, method: req.method });
  if (p === "/stream") {
    // 5 MiB in chunks of varied sizes (small ones copied, large ones sent
    // vectored), a byte pattern the client checks.
    const sizes = [1, 100, 3000, 65536, 1 << 20, 7, 200_000];
    let sent = 0;
    let k = 0;
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          const n = Math.min(sizes[k++ % sizes.length], STREAM_TOTAL - sent);
          c.enqueue(pattern(sent, n));
          sent += n;
          if (sent === STREAM_TOTAL) c.close();
        },
      }),
    );
  }
  return new Response("Hello, World!");
}

const STREAM_TOTAL = 5 << 20;

function pattern(from: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = ((from + i) * 13) & 0xff;
  return b;
}

async function tmpFile(bytes: Uint8Array): Promise<string> {
  const f = await Deno.makeTempFile({ prefix: "kernio-http-" });
  await Deno.writeFile(f, bytes);
  return f;
}

Deno.test("http clients: curl", async (t) => {
  await using s = startHttp(handler);
  const base = `http://127.0.0.1:${s.port}`;
  await t.step("HTTP/1.1 -v: status, headers, body", async () => {
    const r = await run("curl", ["-sv", `${base}/`]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, "Hello, World!");
    assert.match(r.err, /< HTTP\/1\.1 200 OK\r?\n/);
    assert.match(r.err, /< content-type: text\/plain;charset=UTF-8/);
    assert.match(r.err, /< content-length: 13/);
    assert.match(r.err, /< date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT/);
    assert.match(r.err, /left intact/);
  });
  await t.step("HTTP/1.0: closed after the response", async () => {
    const r = await run("curl", ["-sv", "-0", `${base}/`]);
    assert.equal(r.out, "Hello, World!");
    assert.match(r.err, /> GET \/ HTTP\/1\.0/);
    assert.match(r.err, /< connection: close/);
    assert.doesNotMatch(r.err, /left intact/);
  });
  await t.step("keep-alive: three requests on one connection", async () => {
    const r = await run("curl", [
      "-sv",
      `${base}/`,
      `${base}/json`,
      `${base}/`,
    ]);
    assert.equal(
      r.out,
      'Hello, World!{"ok":true,"method":"GET"}Hello, World!',
    );
    assert.equal(
      (r.err.match(/Re-using existing connection/g) ?? []).length,
      2,
    );
    assert.equal((r.err.match(/Connected to/g) ?? []).length, 1);
  });
  await t.step("Connection: close both ways", async () => {
    const r = await run("curl", ["-sv", "-H", "Connection: close", `${base}/`]);
    assert.equal(r.out, "Hello, World!");
    assert.match(r.err, /< connection: close/);
  });
  await t.step("1 MB POST echoed byte for byte", async () => {
    const body = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
    const f = await tmpFile(body);
    const o = f + ".out";
    const r = await run("curl", [
      "-s",
      "--data-binary",
      `@${f}`,
      "-o",
      o,
      `${base}/echo`,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(await Deno.readFile(o), body);
    await Deno.remove(f);
    await Deno.remove(o);
  });
  await t.step("chunked upload echoed", async () => {
    const body = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
    const f = await tmpFile(body);
    const o = f + ".out";
    const r = await run("curl", [
      "-sv",
      "-H",
      "Transfer-Encoding: chunked",
      "--data-binary",
      `@${f}`,
      "-o",
      o,
      `${base}/echo`,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /> Transfer-Encoding: chunked/);
    assert.deepEqual(await Deno.readFile(o), body);
    await Deno.remove(f);
    await Deno.remove(o);
  });
  await t.step("HTTP/1.0 keep-alive asked: kept, header back", async () => {
    const r = await run("curl", [
      "-sv",
      "-0",
      "-H",
      "Connection: keep-alive",
      `${base}/`,
      `${base}/`,
    ]);
    assert.equal(r.out, "Hello, World!Hello, World!");
    assert.match(r.err, /< connection: keep-alive/);
    assert.equal((r.err.match(/Connected to/g) ?? []).length, 1);
  });
  await t.step("Expect: 100-continue seen by curl", async () => {
    const r = await run("curl", [
      "-sv",
      "-H",
      "Expect: 100-continue",
      "--data-binary",
      "x".repeat(5000),
      `${base}/echo`,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /< HTTP\/1\.1 100 Continue/);
    assert.match(r.err, /< HTTP\/1\.1 200 OK/);
    assert.equal(r.out, "x".repeat(5000));
  });
  await t.step("5 MiB chunked stream downloaded byte for byte", async () => {
    const o = await Deno.makeTempFile({ prefix: "kernio-http-" });
    const r = await run("curl", ["-sv", "-o", o, `${base}/stream`]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /< transfer-encoding: chunked/);
    assert.deepEqual(await Deno.readFile(o), pattern(0, STREAM_TOTAL));
    await Deno.remove(o);
  });
  await t.step("HEAD: headers only", async () => {
    const r = await run("curl", ["-sI", `${base}/`]);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /^HTTP\/1\.1 200 OK\r\ncontent-type: text\/plain;charset=UTF-8\r\ndate: [^\r]+\r\ncontent-length: 13\r\n\r\n$/,
    );
  });
});

Deno.test("http clients: Python http.client and requests", async () => {
  await using s = startHttp(handler);
  const py = `
import http.client, json, sys
port = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", port)
out = []
for i in range(3):
    c.request("GET", "/")
    r = c.getresponse()
    out.append((r.status, r.getheader("content-length"), r.read().decode()))
c.request("POST", "/echo", body=b"x" * 100000)
r = c.getresponse()
out.append((r.status, r.getheader("x-method"), len(r.read())))
c.request("HEAD", "/")
r = c.getresponse()
out.append((r.status, r.getheader("content-length"), r.read().decode()))
c.close()
import requests
s = requests.Session()
a = s.get(f"http://127.0.0.1:{port}/json").json()
b = s.post(f"http://127.0.0.1:{port}/echo", data=b"hello").content.decode()
out.append((a, b))
# A generator body goes chunked; a chunked response is read whole.
gen = (bytes([i]) * 1000 for i in range(50))
e = s.post(f"http://127.0.0.1:{port}/echo", data=gen).content
out.append((len(e), e == b"".join(bytes([i]) * 1000 for i in range(50))))
c = http.client.HTTPConnection("127.0.0.1", port)
c.request("GET", "/stream")
r = c.getresponse()
body = r.read()
out.append((r.getheader("transfer-encoding"), len(body),
            body == bytes(((i * 13) & 0xff) for i in range(len(body)))))
print(json.dumps(out))
`;
  const r = await run("/usr/bin/python3", ["-c", py, String(s.port)]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), [
    [200, "13", "Hello, World!"],
    [200, "13", "Hello, World!"],
    [200, "13", "Hello, World!"],
    [200, "POST", 100000],
    [200, "13", ""],
    [{ ok: true, method: "GET" }, "hello"],
    [50000, true],
    ["chunked", 5 << 20, true],
  ]);
});

Deno.test("http clients: ab, h2load --h1, wrk", async (t) => {
  await using s = startHttp(handler);
  const url = `http://127.0.0.1:${s.port}/`;
  await t.step("ab without keep-alive", async () => {
    const r = await run("ab", ["-q", "-n", "2000", "-c", "20", url]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Complete requests:\s+2000/);
    assert.match(r.out, /Failed requests:\s+0/);
    assert.doesNotMatch(r.out, /Non-2xx/);
    assert.match(r.out, /Document Length:\s+13 bytes/);
  });
  await t.step("ab -k", async () => {
    const r = await run("ab", ["-q", "-k", "-n", "2000", "-c", "20", url]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Complete requests:\s+2000/);
    assert.match(r.out, /Failed requests:\s+0/);
    assert.match(r.out, /Keep-Alive requests:\s+2000/);
  });
  await t.step("h2load --h1", async () => {
    const r = await run("h2load", ["--h1", "-n", "2000", "-c", "10", url]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /2000 succeeded, 0 failed, 0 errored/);
    assert.match(r.out, /status codes: 2000 2xx/);
  });
  await t.step("wrk", async () => {
    const r = await run("wrk", ["-t1", "-c20", "-d1s", url]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\d+ requests in/);
    assert.doesNotMatch(r.out, /Socket errors|Non-2xx/);
  });
});
