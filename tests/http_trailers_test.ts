// Trailers both ways and the number of sends a response takes: raw-socket
// clients byte for byte, Python's http.client and curl reading trailers.

import assert from "node:assert/strict";
import { normDate, raw, rawBytes, startHttp } from "./_util/http.ts";
import { requestTrailers, withTrailers } from "../http/mod.ts";
import { sendCounts } from "../http/_connection.ts";

const CHUNKED_POST = "POST /t HTTP/1.1\r\nHost: a\r\n" +
  "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n";

Deno.test("http trailers: request trailers reach the handler", async (t) => {
  await using s = startHttp(async (req) => {
    const body = await req.text();
    const tr = await requestTrailers(req);
    return new Response(
      `${body}|${[...tr].map(([k, v]) => `${k}=${v}`).join(",")}|` +
        `${req.headers.has("x-checksum")}`,
    );
  }, { maxHeaderSize: 1000, maxHeaderCount: 4 });

  await t.step("fields after the last chunk, not in req.headers", async () => {
    const out = await raw(
      s.port,
      CHUNKED_POST + "X-Checksum: abc\r\nX-Other:  two words \r\n\r\n",
    );
    assert.match(
      normDate(out),
      /content-length: 44\r\n\r\nhello\|x-checksum=abc,x-other=two words\|false$/,
    );
  });
  await t.step("none sent: empty; bare LF accepted", async () => {
    const out = await raw(s.port, CHUNKED_POST.replaceAll("\r\n", "\n") + "\n");
    assert.match(out, /\r\n\r\nhello\|\|false$/);
  });
  await t.step("a Content-Length body has none", async () => {
    const out = await raw(
      s.port,
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi",
    );
    assert.match(out, /\r\n\r\nhi\|\|false$/);
  });
  await t.step("too large: 431", async () => {
    const out = await raw(
      s.port,
      CHUNKED_POST + `X-Big: ${"b".repeat(1200)}\r\n\r\n`,
    );
    assert.match(out, /^HTTP\/1\.1 431 /);
  });
  await t.step("too many: 431", async () => {
    const lines = Array.from({ length: 5 }, (_, i) => `X-${i}: ${i}\r\n`);
    const out = await raw(s.port, CHUNKED_POST + lines.join("") + "\r\n");
    assert.match(out, /^HTTP\/1\.1 431 /);
  });
  await t.step("malformed: 400", async () => {
    for (const bad of ["X Y: 1", "X-Y 1", ": 1", "X-\x01: 1", " folded: 1"]) {
      const out = await raw(s.port, CHUNKED_POST + bad + "\r\n\r\n");
      assert.match(out, /^HTTP\/1\.1 400 /, JSON.stringify(bad));
    }
  });
  await t.step("not from serve(): TypeError", () => {
    assert.throws(
      () => requestTrailers(new Request("http://x/")),
      TypeError,
    );
  });
});

Deno.test("http trailers: a cut-off body rejects requestTrailers", async () => {
  let result: Promise<string> | null = null;
  await using s = startHttp((req) => {
    result = requestTrailers(req).then(() => "resolved", () => "rejected");
    req.body!.cancel().catch(() => {});
    return new Promise<Response>(() => {}); // never answers
  });
  await raw(
    s.port,
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
    { ms: 300 },
  );
  assert.equal(await result, "rejected");
});

Deno.test("http trailers: response trailers", async (t) => {
  await using s = startHttp((req) => {
    const p = new URL(req.url).pathname;
    const enc = new TextEncoder();
    if (p === "/stream") {
      let n = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          c.enqueue(enc.encode("ab"));
          if (++n === 2) c.close();
        },
      });
      return withTrailers(
        new Response(body, { headers: { trailer: "x-count" } }),
        async () => {
          await new Promise((r) => setTimeout(r, 5));
          return { "X-Count": String(n), "Content-Length": "9" };
        },
      );
    }
    if (p === "/static") {
      return withTrailers(new Response("hello"), () => [["x-a", "1"]]);
    }
    if (p === "/empty") return withTrailers(new Response(""), () => ({}));
    if (p === "/fixed") {
      return withTrailers(
        new Response(enc.encode("xyz"), { headers: { "content-length": "3" } }),
        () => {
          throw new Error("not called for a fixed length");
        },
      );
    }
    return withTrailers(new Response("x"), () => {
      throw new Error("trailer failure");
    });
  });
  const get = async (path: string, version = "1.1") =>
    normDate(
      await raw(
        s.port,
        `GET ${path} HTTP/${version}\r\nHost: a\r\nConnection: close\r\n\r\n`,
      ),
    );

  await t.step("after a streamed body (framing fields dropped)", async () => {
    assert.equal(
      await get("/stream"),
      "HTTP/1.1 200 OK\r\ntrailer: x-count\r\ndate: D\r\n" +
        "transfer-encoding: chunked\r\nconnection: close\r\n\r\n" +
        "2\r\nab\r\n2\r\nab\r\n0\r\nx-count: 2\r\n\r\n",
    );
  });
  await t.step("a static body goes chunked to carry them", async () => {
    assert.equal(
      await get("/static"),
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\n" +
        "date: D\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n" +
        "5\r\nhello\r\n0\r\nx-a: 1\r\n\r\n",
    );
    assert.match(await get("/empty"), /chunked\r\n.*\r\n\r\n0\r\n\r\n$/s);
  });
  await t.step("HTTP/1.0, HEAD, a fixed length: not sent", async () => {
    assert.match(await get("/static", "1.0"), /content-length: 5\r\n.*hello$/s);
    const head = await raw(
      s.port,
      "HEAD /static HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    assert.match(head, /\r\n\r\n$/);
    assert.doesNotMatch(head, /x-a/);
    assert.match(await get("/fixed"), /content-length: 3\r\n.*\r\n\r\nxyz$/s);
  });
  await t.step("a throwing trailer function: no last chunk", async () => {
    const out = await get("/fail");
    assert.match(out, /\r\n\r\n1\r\nx\r\n$/);
  });
  await t.step("Python http.client and curl read the body", async () => {
    const py = await new Deno.Command("python3", {
      args: [
        "-c",
        `import http.client,sys
c=http.client.HTTPConnection("127.0.0.1",${s.port})
for p in ["/stream","/static","/stream"]:
  c.request("GET",p); r=c.getresponse(); sys.stdout.write(r.read().decode()+";")`,
      ],
      stdout: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(py.stdout), "abab;hello;abab;");
    const curl = await new Deno.Command("curl", {
      args: ["-sS", "-D", "-", `http://127.0.0.1:${s.port}/stream`],
      stdout: "piped",
    }).output();
    const text = new TextDecoder().decode(curl.stdout);
    assert.match(text, /\r\n\r\nabab/);
    assert.match(text, /x-count: 2/); // curl prints trailers with the headers
  });
});

Deno.test("http writes: one send per response or chunk", async (t) => {
  const big = new Uint8Array(256 * 1024).fill(0x61);
  await using s = startHttp((req) => {
    const p = new URL(req.url).pathname;
    if (p === "/bytes") return new Response(big);
    let left = 8;
    const size = p === "/small" ? 100 : 64 * 1024;
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          c.enqueue(big.subarray(0, size));
          if (--left === 0) c.close();
        },
      }),
    );
  });
  const count = async (path: string) => {
    const q0 = sendCounts.queued;
    const v0 = sendCounts.vectored;
    const p0 = sendCounts.partial;
    const out = await rawBytes(
      s.port,
      `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
    );
    return {
      bytes: out.length,
      queued: sendCounts.queued - q0,
      vectored: sendCounts.vectored - v0,
      partial: sendCounts.partial - p0,
    };
  };
  await t.step("head and a large body: one vectored send", async () => {
    const c = await count("/bytes");
    assert.ok(c.bytes > big.length);
    assert.equal(c.vectored, 1);
    // Whatever the kernel did not take at once: at most the rest of the
    // head and the rest of the body.
    assert.ok(c.queued <= 2 * c.partial, JSON.stringify(c));
  });
  await t.step(
    "8 large chunks: one send each, head and end included",
    async () => {
      const c = await count("/large");
      assert.equal(c.vectored, 8, JSON.stringify(c));
      // The last chunk leaves with the 8th: only what partial sends left.
      assert.ok(c.queued <= 2 * c.partial, JSON.stringify(c));
    },
  );
  await t.step("8 small chunks: one send each, head included", async () => {
    const c = await count("/small");
    assert.equal(c.vectored, 0);
    // Head + first chunk, then 7 chunks, the 8th with the last chunk.
    assert.equal(c.queued, 8, JSON.stringify(c));
  });
});

Deno.test("http writes: a slow stream's head is not held back", async () => {
  let release!: () => void;
  const later = new Promise<void>((r) => release = r);
  await using s = startHttp(() =>
    new Response(
      new ReadableStream<Uint8Array>({
        async start(c) {
          await later; // an event stream whose first event comes later
          c.enqueue(new TextEncoder().encode("event"));
          c.close();
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    )
  );
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
  await conn.write(
    new TextEncoder().encode(
      "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    ),
  );
  const buf = new Uint8Array(4096);
  const n = await conn.read(buf); // the head, while the stream is pending
  const head = new TextDecoder().decode(buf.subarray(0, n ?? 0));
  assert.match(head, /^HTTP\/1\.1 200 OK\r\n.*\r\n\r\n$/s);
  release();
  let rest = "";
  for (;;) {
    const m = await conn.read(buf);
    if (m === null) break;
    rest += new TextDecoder().decode(buf.subarray(0, m));
  }
  conn.close();
  assert.equal(rest, "5\r\nevent\r\n0\r\n\r\n");
});
