// HTTP/1.1 server conformance over raw sockets: exact bytes in, exact
// bytes out (Date normalised), against a real io_uring server.

import assert from "node:assert/strict";
import {
  countResponses,
  latin1,
  normDate,
  raw,
  rawBytes,
  readAll,
  startHttp,
} from "./_util/http.ts";

const HELLO = "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\n" +
  "date: D\r\ncontent-length: 13\r\n\r\nHello, World!";

Deno.test("http server: heads, errors and limits", async (t) => {
  let calls = 0;
  await using s = startHttp(() => {
    calls++;
    return new Response("Hello, World!");
  }, { maxUriLength: 100, maxHeaderSize: 2000 });

  await t.step("GET byte for byte", async () => {
    const out = await raw(s.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(normDate(out), HELLO);
  });
  await t.step("bare LF accepted (RFC 9112 2.2)", async () => {
    const out = await raw(s.port, "GET / HTTP/1.1\nHost: a\n\n");
    assert.equal(normDate(out), HELLO);
  });
  const errors: [string, string, number][] = [
    ["garbage", "hello there\r\n\r\n", 400],
    ["bare CR", "GET / HTTP/1.1\rHost: a\r\n\r\n", 400],
    ["no Host", "GET / HTTP/1.1\r\n\r\n", 400],
    ["long target", `GET /${"a".repeat(200)} HTTP/1.1\r\nHost: a\r\n\r\n`, 414],
    [
      "big head",
      `GET / HTTP/1.1\r\nHost: a\r\nX: ${"b".repeat(3000)}\r\n\r\n`,
      431,
    ],
    [
      "gzip coding",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      501,
    ],
    ["HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505],
    ["HTTP/3.1", "GET / HTTP/3.1\r\nHost: a\r\n\r\n", 505],
  ];
  for (const [name, req, status] of errors) {
    await t.step(`${name} -> ${status}, then close`, async () => {
      const before = calls;
      const out = await raw(s.port, req + "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.match(out, new RegExp(`^HTTP/1\\.1 ${status} `));
      assert.match(out, /\r\nconnection: close\r\n/);
      assert.equal(countResponses(out), 1, "nothing after the error");
      assert.equal(calls, before, "handler not called");
    });
  }
  await t.step(
    "garbage without a blank line gets 400 at EOF or limit",
    async () => {
      const out = await raw(s.port, "x".repeat(5000));
      assert.match(out, /^HTTP\/1\.1 (400|414|431) /);
    },
  );
});

Deno.test("http server: framing refuses smuggling", async (t) => {
  const seen: string[] = [];
  await using s = startHttp(async (req) => {
    const body = await req.text();
    seen.push(`${req.method} ${new URL(req.url).pathname} ${body.length}`);
    return new Response(body);
  });
  await t.step("a body that looks like a request is a body", async () => {
    seen.length = 0;
    const evil = "GET /evil HTTP/1.1\r\nHost: a\r\n\r\n".repeat(50);
    const out = await raw(
      s.port,
      `POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: ${evil.length}\r\n\r\n${evil}`,
    );
    assert.equal(countResponses(out), 1);
    assert.deepEqual(seen, [`POST /p ${evil.length}`]);
    assert.ok(out.endsWith(evil));
  });
  await t.step("Content-Length with Transfer-Encoding: 400", async () => {
    seen.length = 0;
    const out = await raw(
      s.port,
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /evil HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    assert.match(out, /^HTTP\/1\.1 400 /);
    assert.equal(countResponses(out), 1);
    assert.deepEqual(seen, []);
  });
  await t.step("differing Content-Lengths: 400", async () => {
    seen.length = 0;
    const out = await raw(
      s.port,
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 30\r\n\r\nabcdGET /evil HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    assert.match(out, /^HTTP\/1\.1 400 /);
    assert.equal(countResponses(out), 1);
    assert.deepEqual(seen, []);
  });
  await t.step("chunked body with extensions and trailers", async () => {
    seen.length = 0;
    const out = await raw(
      s.port,
      "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n" +
        "GET /next HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    assert.equal(countResponses(out), 2);
    assert.deepEqual(seen, ["POST /c 11", "GET /next 0"]);
    assert.match(out, /content-length: 11\r\n\r\nhello world/);
  });
  await t.step(
    "malformed chunked body: 400, nothing parsed after",
    async () => {
      seen.length = 0;
      const out = await raw(
        s.port,
        "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nGET /evil HTTP/1.1\r\nHost: a\r\n\r\n",
      );
      assert.equal(countResponses(out), 1);
      assert.match(out, /^HTTP\/1\.1 400 /);
    },
  );
});

Deno.test("http server: persistence and pipelining", async (t) => {
  await using s = startHttp((req) =>
    new Response(new URL(req.url).pathname.slice(1))
  );
  await t.step("keep-alive by default in 1.1; close honoured", async () => {
    const out = await raw(
      s.port,
      "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /c HTTP/1.1\r\nHost: a\r\n\r\n",
      { halfClose: false },
    );
    assert.equal(countResponses(out), 2);
    const [first, second] = out.split("HTTP/1.1 ").slice(1);
    assert.doesNotMatch(first, /connection:/);
    assert.match(second, /connection: close\r\n/);
    assert.ok(second.endsWith("b"));
  });
  await t.step("HTTP/1.0 closes unless keep-alive is asked", async () => {
    const out = await raw(
      s.port,
      "GET /x HTTP/1.0\r\n\r\nGET /y HTTP/1.0\r\n\r\n",
      {
        halfClose: false,
      },
    );
    assert.equal(countResponses(out), 1);
    assert.match(out, /connection: close\r\n/);
    const ka = await raw(
      s.port,
      "GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /y HTTP/1.0\r\n\r\n",
      { halfClose: false },
    );
    assert.equal(countResponses(ka), 2);
    assert.match(ka.split("HTTP/1.1 ")[1], /connection: keep-alive\r\n/);
  });
  await t.step("1000 pipelined requests answered in order", async () => {
    let req = "";
    for (let i = 0; i < 1000; i++) {
      req += `GET /${i} HTTP/1.1\r\nHost: a\r\n\r\n`;
    }
    const out = await raw(s.port, req);
    const bodies = [...out.matchAll(/content-length: \d+\r\n\r\n(\d+)/g)].map((
      m,
    ) => Number(m[1]));
    assert.deepEqual(bodies, Array.from({ length: 1000 }, (_, i) => i));
  });
  await t.step("Expect: 100-continue", async () => {
    await using e = startHttp(async (req) => new Response(await req.text()));
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: e.port });
    await conn.write(
      new TextEncoder().encode(
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
      ),
    );
    const buf = new Uint8Array(1000);
    const n = await conn.read(buf);
    assert.equal(
      new TextDecoder().decode(buf.subarray(0, n!)),
      "HTTP/1.1 100 Continue\r\n\r\n",
    );
    await conn.write(new TextEncoder().encode("hello"));
    const m = await conn.read(buf);
    assert.match(
      new TextDecoder().decode(buf.subarray(0, m!)),
      /^HTTP\/1\.1 200 OK[^]*\r\n\r\nhello$/,
    );
    conn.close();
  });
});

Deno.test("http server: response framing", async (t) => {
  const enc = new TextEncoder();
  await using s = startHttp((req) => {
    const p = new URL(req.url).pathname;
    if (p === "/204") return new Response(null, { status: 204 });
    if (p === "/304") return new Response(null, { status: 304 });
    if (p === "/stream") {
      return new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(enc.encode("abc"));
            c.enqueue(enc.encode("defgh"));
            c.close();
          },
        }),
      );
    }
    if (p === "/json") {
      return Response.json({ a: 1 }, { headers: { "x-y": "z" } });
    }
    if (p === "/bytes") return new Response(new Uint8Array([1, 2, 3]));
    if (p === "/blob") return new Response(new Blob(["blob!"]));
    if (p === "/cookies") {
      const h = new Headers();
      h.append("set-cookie", "a=1");
      h.append("set-cookie", "b=2");
      return new Response("c", { headers: h });
    }
    if (p === "/close") {
      return new Response("x", { headers: { connection: "close" } });
    }
    return new Response("Hello, World!");
  });
  const get = (path: string, method = "GET", v = "1.1") =>
    raw(s.port, `${method} ${path} HTTP/${v}\r\nHost: a\r\n\r\n`).then(
      normDate,
    );
  await t.step("HEAD: length, no body", async () => {
    assert.equal(
      await get("/", "HEAD"),
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\ndate: D\r\ncontent-length: 13\r\n\r\n",
    );
  });
  await t.step("204 and 304: no body, no length", async () => {
    assert.equal(
      await get("/204"),
      "HTTP/1.1 204 No Content\r\ndate: D\r\n\r\n",
    );
    assert.equal(
      await get("/304"),
      "HTTP/1.1 304 Not Modified\r\ndate: D\r\n\r\n",
    );
  });
  await t.step("stream: chunked in 1.1, close-delimited in 1.0", async () => {
    assert.equal(
      await get("/stream"),
      "HTTP/1.1 200 OK\r\ndate: D\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n5\r\ndefgh\r\n0\r\n\r\n",
    );
    assert.equal(
      await get("/stream", "GET", "1.0"),
      "HTTP/1.1 200 OK\r\ndate: D\r\nconnection: close\r\n\r\nabcdefgh",
    );
  });
  await t.step("json, bytes, blob, cookies, connection: close", async () => {
    assert.equal(
      await get("/json"),
      'HTTP/1.1 200 OK\r\nx-y: z\r\ncontent-type: application/json\r\ndate: D\r\ncontent-length: 7\r\n\r\n{"a":1}',
    );
    assert.equal(
      await get("/bytes"),
      "HTTP/1.1 200 OK\r\ndate: D\r\ncontent-length: 3\r\n\r\n\x01\x02\x03",
    );
    assert.match(await get("/blob"), /content-length: 5\r\n\r\nblob!$/);
    const c = await get("/cookies");
    assert.match(c, /set-cookie: a=1\r\nset-cookie: b=2\r\n/);
    assert.match(await get("/close"), /connection: close\r\n\r\nx$/);
  });
});

Deno.test("http server: big bodies, backpressure, every byte", async (t) => {
  const MB = 1024 * 1024;
  let produced = 0;
  await using s = startHttp((req) => {
    const p = new URL(req.url).pathname;
    if (p === "/big") {
      const b = new Uint8Array(8 * MB);
      for (let i = 0; i < b.length; i += 4096) b[i] = (i >> 12) & 0xff;
      return new Response(b);
    }
    if (p === "/endless") {
      produced = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(c) {
            produced += 65536;
            c.enqueue(new Uint8Array(65536));
            if (produced >= 256 * MB) c.close();
          },
        }),
      );
    }
    if (p === "/stream-echo") return new Response(req.body);
    return req.bytes().then((b) => new Response(b));
  });
  await t.step("8 MB response to a slow reader: every byte", async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    await conn.write(
      new TextEncoder().encode(
        "GET /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
      ),
    );
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(7919);
    let total = 0;
    for (let i = 0;; i++) {
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
      const n = await conn.read(buf);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
      total += n;
    }
    conn.close();
    const all = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    const headEnd = all.findIndex((_, i) =>
      all[i] === 13 && all[i + 1] === 10 && all[i + 2] === 13 &&
      all[i + 3] === 10
    ) + 4;
    const body = all.subarray(headEnd);
    assert.equal(body.length, 8 * MB);
    for (let i = 0; i < body.length; i += 4096) {
      if (body[i] !== ((i >> 12) & 0xff)) {
        assert.fail(`byte ${i} differs`);
      }
    }
  });
  await t.step("a stalled reader stalls the producer", async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    await conn.write(
      new TextEncoder().encode("GET /endless HTTP/1.1\r\nHost: a\r\n\r\n"),
    );
    await new Promise((r) => setTimeout(r, 400));
    const p1 = produced;
    await new Promise((r) => setTimeout(r, 400));
    const p2 = produced;
    assert.equal(p1, p2, "production stopped while nobody reads");
    // Socket buffers plus the server's bounded queue only.
    assert.ok(p2 < 48 * MB, `produced ${p2} bytes without a reader`);
    conn.close();
  });
  await t.step("1 MB POST echoed via req.body", async () => {
    const body = new Uint8Array(MB).map((_, i) => i * 7);
    const head = new TextEncoder().encode(
      `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: ${MB}\r\nConnection: close\r\n\r\n`,
    );
    const req = new Uint8Array(head.length + MB);
    req.set(head);
    req.set(body, head.length);
    const out = await rawBytes(s.port, req);
    const tail = out.subarray(out.length - MB);
    assert.match(
      latin1(out.subarray(0, 200)),
      new RegExp(`content-length: ${MB}\r\n`),
    );
    assert.ok(tail.every((b, i) => b === body[i]), "body echoed");
  });
  await t.step("1 MB chunked upload streamed back chunked", async () => {
    let req =
      "POST /stream-echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    const piece = "0123456789abcdef".repeat(64); // 1 KiB
    for (let i = 0; i < 1024; i++) req += `400\r\n${piece}\r\n`;
    req += "0\r\n\r\n";
    const out = latin1(await rawBytes(s.port, req));
    const [head, ...rest] = out.split("\r\n\r\n");
    assert.match(head, /transfer-encoding: chunked/);
    const chunked = rest.join("\r\n\r\n");
    let body = "";
    let i = 0;
    for (;;) {
      const e = chunked.indexOf("\r\n", i);
      const n = parseInt(chunked.slice(i, e), 16);
      if (n === 0) break;
      body += chunked.slice(e + 2, e + 2 + n);
      i = e + 2 + n + 2;
    }
    assert.equal(body, piece.repeat(1024));
  });
});

Deno.test("http server: timeouts", async (t) => {
  await using s = startHttp(() => new Response("ok"), {
    headerTimeout: 300,
    idleTimeout: 300,
  });
  await t.step("slowloris: a byte at a time is cut off with 408", async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    const head = "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: " + "a".repeat(100);
    const t0 = Date.now();
    let closedAt = 0;
    const reading = (async () => {
      const buf = new Uint8Array(1000);
      let out = "";
      for (;;) {
        const n = await conn.read(buf).catch(() => null);
        if (n === null) break;
        out += new TextDecoder().decode(buf.subarray(0, n));
      }
      closedAt = Date.now();
      return out;
    })();
    for (const ch of head) {
      if (closedAt) break;
      try {
        await conn.write(new TextEncoder().encode(ch));
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const out = await reading;
    conn.close();
    assert.match(out, /^HTTP\/1\.1 408 /);
    assert.ok(closedAt - t0 < 3000, `closed after ${closedAt - t0} ms`);
  });
  await t.step("idle keep-alive connection closed", async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    await conn.write(
      new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
    );
    const t0 = Date.now();
    const out = await readAll(conn);
    conn.close();
    assert.equal(countResponses(out), 1);
    const waited = Date.now() - t0;
    assert.ok(waited >= 200 && waited < 3000, `closed after ${waited} ms`);
  });
});

Deno.test("http server: handler errors, aborts, info, shutdown", async (t) => {
  const errors: unknown[] = [];
  let aborted: Promise<unknown> | null = null;
  let completed: Promise<void> | null = null;
  let remote: Deno.NetAddr | null = null;
  await using s = startHttp((req, info) => {
    const p = new URL(req.url).pathname;
    remote = info.remoteAddr as Deno.NetAddr;
    if (p === "/throw") throw new Error("boom");
    if (p === "/reject") return Promise.reject(new Error("later"));
    if (p === "/notresponse") return "nope" as unknown as Response;
    if (p === "/hang") {
      // Answers only once the client is gone (a half-closed client would
      // still get it; in-flight requests hold shutdown until they answer).
      return new Promise((resolve) => {
        aborted = new Promise((r) =>
          req.signal.addEventListener("abort", () => {
            r(req.signal.reason);
            resolve(new Response("late"));
          })
        );
      });
    }
    completed = info.completed;
    return new Response("fine");
  }, {
    onError(e) {
      errors.push(e);
      return new Response("custom 500", { status: 500 });
    },
  });
  await t.step(
    "throw, reject and a non-Response: 500 via onError",
    async () => {
      for (const p of ["/throw", "/reject", "/notresponse"]) {
        const out = await raw(s.port, `GET ${p} HTTP/1.1\r\nHost: a\r\n\r\n`);
        assert.match(
          out,
          /^HTTP\/1\.1 500 Internal Server Error\r\n[^]*custom 500$/,
        );
      }
      assert.equal(errors.length, 3);
      assert.match(
        normDate(await raw(s.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")),
        /fine$/,
      );
    },
  );
  await t.step("info.remoteAddr and info.completed", async () => {
    await raw(s.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(remote!.hostname, "127.0.0.1");
    assert.ok(remote!.port > 0);
    await completed;
  });
  await t.step("client disconnect aborts req.signal", async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    await conn.write(
      new TextEncoder().encode("GET /hang HTTP/1.1\r\nHost: a\r\n\r\n"),
    );
    while (aborted === null) await new Promise((r) => setTimeout(r, 5));
    conn.close();
    const reason = await aborted;
    assert.ok(reason instanceof DOMException);
  });
  await t.step(
    "graceful shutdown: in-flight finishes, idle closes",
    async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => release = r);
      const g = startHttp(async () => {
        await gate;
        return new Response("done");
      });
      const idle = await Deno.connect({ hostname: "127.0.0.1", port: g.port });
      const busy = rawBytesText(g.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      await new Promise((r) => setTimeout(r, 100));
      const stopped = g.shutdown();
      const n = await idle.read(new Uint8Array(10));
      assert.equal(n, null, "idle connection closed");
      idle.close();
      release();
      const out = await busy;
      assert.match(out, /connection: close\r\n\r\ndone$/);
      await stopped;
      await g.finished;
      await assert.rejects(
        Deno.connect({ hostname: "127.0.0.1", port: g.port }),
      );
    },
  );
});

function rawBytesText(port: number, s: string): Promise<string> {
  return raw(port, s, { halfClose: false });
}

Deno.test("http server: Request object", async () => {
  let checks: Record<string, unknown> = {};
  await using s = startHttp(async (req) => {
    const json = await req.clone().json();
    const copy = new Request(req); // takes the body, as with any Request
    checks = {
      instance: req instanceof Request,
      url: req.url,
      method: req.method,
      ua: req.headers.get("x-a"),
      json,
      copyUrl: copy.url,
      copyMethod: copy.method,
      text: await copy.text(),
    };
    return new Response("ok");
  });
  const body = '{"k":[1,2]}';
  await raw(
    s.port,
    `PUT /p/q?x=1 HTTP/1.1\r\nHost: example.test:81\r\nX-A: v\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
  assert.deepEqual(checks, {
    instance: true,
    url: "http://example.test:81/p/q?x=1",
    method: "PUT",
    ua: "v",
    json: { k: [1, 2] },
    copyUrl: "http://example.test:81/p/q?x=1",
    copyMethod: "PUT",
    text: body,
  });
});

Deno.test("http server: Unix socket", async () => {
  const path = `/tmp/kernio-http-${crypto.randomUUID()}.sock`;
  const { serve } = await import("../http/mod.ts");
  await using s = serve({ path, onListen() {} }, () => new Response("unix"));
  assert.equal(s.addr.path, path);
  const conn = await Deno.connect({ transport: "unix", path });
  await conn.write(
    new TextEncoder().encode(
      "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    ),
  );
  const out = await readAll(conn);
  conn.close();
  assert.match(out, /\r\n\r\nunix$/);
});

Deno.test("http server: type-checks against Deno.serve's types", async () => {
  const { serve } = await import("../http/mod.ts");
  const handler: Deno.ServeHandler<Deno.NetAddr> = (req, info) =>
    new Response(`${req.method} ${info.remoteAddr.hostname}`);
  const s = serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const asDeno: Deno.HttpServer<Deno.NetAddr> = s;
  const out = await raw(asDeno.addr.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  assert.match(out, /\r\n\r\nGET 127\.0\.0\.1$/);
  await asDeno.shutdown();
});

Deno.test("http server: unref() lets the process exit, and it still serves", async () => {
  const code = `
    import { serve } from "${new URL("../http/mod.ts", import.meta.url).href}";
    const s = serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Response("u"));
    s.unref();
    const c = await Deno.connect({ hostname: "127.0.0.1", port: s.addr.port });
    await c.write(new TextEncoder().encode("GET / HTTP/1.1\\r\\nHost: a\\r\\nConnection: close\\r\\n\\r\\n"));
    const buf = new Uint8Array(1000);
    let out = "";
    for (;;) { const n = await c.read(buf); if (n === null) break; out += new TextDecoder().decode(buf.subarray(0, n)); }
    c.close();
    console.log(out.endsWith("\\r\\n\\r\\nu") ? "SERVED" : "BAD " + out);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const out = await child.output();
  clearTimeout(timer);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "SERVED");
});

Deno.test("http server: request body backpressure", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  let received = 0;
  await using s = startHttp(async (req) => {
    const reader = req.body!.getReader();
    const first = await reader.read();
    received += first.value?.length ?? 0;
    await gate; // a slow consumer
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
    }
    return new Response(String(received));
  });
  const TOTAL = 64 * 1024 * 1024;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
  await conn.write(
    new TextEncoder().encode(
      `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${TOTAL}\r\nConnection: close\r\n\r\n`,
    ),
  );
  let written = 0;
  const chunk = new Uint8Array(256 * 1024);
  const writing = (async () => {
    while (written < TOTAL) {
      written += await conn.write(
        chunk.subarray(0, Math.min(chunk.length, TOTAL - written)),
      );
    }
  })();
  await new Promise((r) => setTimeout(r, 600));
  const stalledAt = written;
  // Socket buffers and the server's bounded queue only: the client stalls.
  assert.ok(stalledAt < TOTAL / 2, `client wrote ${stalledAt} bytes`);
  release();
  await writing;
  const out = await readAll(conn);
  conn.close();
  assert.match(out, new RegExp(`\\r\\n\\r\\n${TOTAL}$`));
});

Deno.test("http server: no fd left behind after shutdown", async () => {
  const fds = () => [...Deno.readDirSync("/proc/self/fd")].length;
  const before = fds();
  const s = startHttp(
    (req) =>
      new URL(req.url).pathname === "/boom"
        ? Promise.reject(new Error("x"))
        : new Response("ok"),
    { onError: () => new Response("e", { status: 500 }) },
  );
  for (let i = 0; i < 20; i++) {
    await raw(
      s.port,
      "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /boom HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    await raw(s.port, "garbage\r\n\r\n");
  }
  const idle = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
  await s.shutdown();
  idle.close();
  // The ring's teardown fence (a pipe) is closed once the kernel has
  // finished tearing the ring down, which it does asynchronously.
  for (let i = 0; i < 100 && fds() > before; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(fds(), before);
});

Deno.test("http server: responses of the same shape reuse no stale head", async () => {
  await using s = startHttp((req) => {
    const p = new URL(req.url).pathname;
    if (p === "/a") return new Response("aa", { headers: { "x-k": "a" } });
    if (p === "/b") return new Response("bb", { headers: { "x-k": "b" } });
    if (p === "/c") {
      return new Response("cc", { status: 201, headers: { "x-k": "b" } });
    }
    return new Response("dd", { headers: { "x-k": "b", connection: "close" } });
  });
  let req = "";
  for (const p of ["/a", "/a", "/b", "/b", "/c", "/a"]) {
    req +=
      `GET ${p} HTTP/1.1\r\nHost: a\r\n\r\nHEAD ${p} HTTP/1.1\r\nHost: a\r\n\r\n`;
  }
  req +=
    "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /d HTTP/1.1\r\nHost: a\r\n\r\n";
  const out = normDate(await raw(s.port, req));
  const heads = out.split(/(?=HTTP\/1\.1 )/);
  const expect = (status: string, k: string, body: string, extra = "") =>
    `HTTP/1.1 ${status}\r\nx-k: ${k}\r\ncontent-type: text/plain;charset=UTF-8\r\ndate: D\r\ncontent-length: 2\r\n${extra}\r\n${body}`;
  assert.deepEqual(heads, [
    expect("200 OK", "a", "aa"),
    expect("200 OK", "a", ""),
    expect("200 OK", "a", "aa"),
    expect("200 OK", "a", ""),
    expect("200 OK", "b", "bb"),
    expect("200 OK", "b", ""),
    expect("200 OK", "b", "bb"),
    expect("200 OK", "b", ""),
    expect("201 Created", "b", "cc"),
    expect("201 Created", "b", ""),
    expect("200 OK", "a", "aa"),
    expect("200 OK", "a", ""),
    expect("200 OK", "a", "aa", "connection: keep-alive\r\n"),
    expect("200 OK", "b", "dd", "connection: close\r\n"),
  ]);
});

Deno.test("http server: streaming failures abort only their connection", async () => {
  const enc = new TextEncoder();
  let completed: Promise<void> | null = null;
  await using s = startHttp((req, info) => {
    const p = new URL(req.url).pathname;
    if (p === "/error") {
      return new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(enc.encode("part"));
            setTimeout(() => c.error(new Error("source failed")), 20);
          },
        }),
      );
    }
    if (p === "/short") {
      return new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(enc.encode("abc"));
            c.close();
          },
        }),
        { headers: { "content-length": "10" } },
      );
    }
    if (p === "/forever") {
      completed = info.completed;
      return new Response(
        new ReadableStream({
          pull(c) {
            c.enqueue(new Uint8Array(65536));
          },
        }),
      );
    }
    return new Response("ok");
  });
  const err = await raw(s.port, "GET /error HTTP/1.1\r\nHost: a\r\n\r\n");
  assert.match(err, /transfer-encoding: chunked\r\n\r\n4\r\npart\r\n$/);
  const short = await raw(s.port, "GET /short HTTP/1.1\r\nHost: a\r\n\r\n");
  assert.match(short, /content-length: 10\r\n\r\nabc$/);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
  await conn.write(enc.encode("GET /forever HTTP/1.1\r\nHost: a\r\n\r\n"));
  await conn.read(new Uint8Array(1000));
  conn.close();
  await assert.rejects(completed!, Deno.errors.Interrupted);
  assert.match(await raw(s.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"), /ok$/);
});

Deno.test("http server: bad options are refused clearly; 413 over maxBodySize", async () => {
  const { serve } = await import("../http/mod.ts");
  const h = () => new Response("x");
  const bad: [unknown, unknown, RegExp][] = [
    [{ port: -1 }, h, /port/],
    [{ port: 1.5 }, h, /port/],
    [{ port: "http" }, h, /port "http" is not a number/],
    [{ port: 0, hostname: 7 }, h, /hostname/],
    [{ port: 0 }, "nope", /handler/],
    [{ port: 0, headerTimeout: 0 }, h, /headerTimeout/],
    [{ port: 0, idleTimeout: Infinity }, h, /idleTimeout/],
    [{ port: 0, maxHeaderSize: 0 }, h, /maxHeaderSize/],
    [{ port: 0, signal: {} }, h, /signal/],
    [{ port: 0, onError: 1 }, h, /onError/],
    [{ path: "" }, h, /path/],
    [null, h, /options/],
  ];
  for (const [o, handler, re] of bad) {
    assert.throws(
      () => (serve as (a: unknown, b: unknown) => unknown)(o, handler),
      re,
      JSON.stringify(o),
    );
  }
  await using s = startHttp(h, { maxBodySize: 100 });
  const out = await raw(
    s.port,
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n" +
      "x".repeat(101),
  );
  assert.match(out, /^HTTP\/1\.1 413 Content Too Large\r\n/);
  const ok = await raw(
    s.port,
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n" +
      "x".repeat(100),
  );
  assert.match(ok, /^HTTP\/1\.1 200 OK\r\n/);
  const chunked = await raw(
    s.port,
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
      `64\r\n${"x".repeat(100)}\r\n1\r\ny\r\n0\r\n\r\n`,
  );
  assert.match(chunked, /^HTTP\/1\.1 (413|200) /);
});

Deno.test("http server: random garbage and abrupt disconnects", async () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  await using s = startHttp(async (req) => {
    if (req.body) await req.body.cancel();
    return new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(new Uint8Array(70000));
          c.close();
        },
      }),
    );
  }, { headerTimeout: 2000, idleTimeout: 2000 });
  const pieces = [
    "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
    "\r\n",
    "GET /x HTTP/1.0\r\n",
    "\x00\xff garbage \n\n",
    "HEAD / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 9\r\n\r\n",
  ];
  const tasks: Promise<void>[] = [];
  for (let i = 0; i < 120; i++) {
    tasks.push((async () => {
      const c = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
      let msg = "";
      for (let k = rnd(4) + 1; k > 0; k--) msg += pieces[rnd(pieces.length)];
      const bytes = new Uint8Array([...msg].map((ch) => ch.charCodeAt(0)));
      try {
        await c.write(bytes.subarray(0, rnd(bytes.length + 1)));
        if (rnd(2) === 0) await c.read(new Uint8Array(rnd(5000) + 1));
      } catch { /* reset by the server */ }
      c.close();
    })());
  }
  await Promise.all(tasks);
  const out = await raw(
    s.port,
    "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
  );
  assert.match(out, /^HTTP\/1\.1 200 OK\r\n/);
});

Deno.test("http server: a stalled request body is cut off", async () => {
  let failed: unknown = null;
  await using s = startHttp(async (req) => {
    try {
      await req.text();
    } catch (e) {
      failed = e;
    }
    return new Response("late");
  }, { idleTimeout: 300 });
  const t0 = Date.now();
  const out = await raw(
    s.port,
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly a few",
    { halfClose: false },
  );
  assert.equal(out, "");
  assert.ok(Date.now() - t0 < 3000);
  assert.ok(failed instanceof Error);
});

Deno.test("http server: without --allow-ffi the error names the flag", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      new URL("../examples/http_hello.ts", import.meta.url).pathname,
      "0",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.notEqual(out.code, 0);
  assert.match(new TextDecoder().decode(out.stderr), /--allow-ffi=/);
});

Deno.test("http server: an aborted signal shuts the server down", async () => {
  const ac = new AbortController();
  const s = startHttp(() => new Response("ok"), { signal: ac.signal });
  assert.match(await raw(s.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"), /ok$/);
  ac.abort();
  await s.finished;
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: s.port }));
});
