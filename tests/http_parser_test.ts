// Request-head parser and chunked decoder: limits, framing rules and the
// incremental scan, fed byte by byte and whole.

import assert from "node:assert/strict";
import { HeadParser, parseContentLength } from "../http/_parser.ts";
import { ChunkedDecoder } from "../http/_chunked.ts";

const enc = new TextEncoder();

function parseAll(text: string, p = new HeadParser()): number {
  p.reset();
  const b = enc.encode(text);
  return p.parse(b, 0, b.length);
}

// Feeds the bytes one at a time into a growing buffer (as a slow client).
function parseTrickle(text: string, p = new HeadParser()): number {
  p.reset();
  const b = enc.encode(text);
  for (let n = 1; n <= b.length; n++) {
    const r = p.parse(b, 0, n);
    if (r !== 0) return r;
  }
  return 0;
}

Deno.test("http parser: valid heads", async (t) => {
  await t.step("simple GET, whole and trickled", () => {
    const req =
      "GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nX-A:  v 1 \r\n\r\n";
    for (const f of [parseAll, parseTrickle]) {
      const p = new HeadParser();
      assert.equal(f(req, p), enc.encode(req).length);
      assert.equal(p.method, "GET");
      assert.equal(p.target, "/a?b=1");
      assert.equal(p.minor, 1);
      assert.deepEqual(p.fields, ["host", "example.com", "x-a", "v 1"]);
      assert.equal(p.keepAlive, true);
      assert.equal(p.contentLength, -1);
      assert.equal(p.chunked, false);
    }
  });
  await t.step("a repeated head gives the same result; others reparse", () => {
    const a = "GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    const b = "GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    const p = new HeadParser();
    const check = (target: string) => {
      assert.equal(p.method, "GET");
      assert.equal(p.target, target);
      assert.equal(p.keepAlive, false);
      assert.deepEqual(p.fields, ["host", "h", "connection", "close"]);
    };
    for (const f of [parseAll, parseTrickle, parseAll]) {
      assert.equal(f(a, p), a.length);
      check("/a");
    }
    // Same length, one byte apart: parsed anew.
    assert.equal(parseAll(b, p), b.length);
    check("/b");
    // Leading blank lines are part of the head compared.
    assert.equal(parseAll("\r\n" + b, p), b.length + 2);
    check("/b");
    // An error in between: the next head is parsed anew.
    assert.equal(parseAll(a.replace("GET", "G(T"), p), -400);
    assert.equal(parseAll(a, p), a.length);
    check("/a");
    // At an offset in a larger buffer (pipelined heads).
    const two = enc.encode(a + b);
    p.reset();
    assert.equal(p.parse(two, 0, two.length), a.length);
    check("/a");
    p.reset();
    assert.equal(p.parse(two, a.length, two.length), b.length);
    check("/b");
    // A long head is parsed every time (not kept).
    const long = `GET /l HTTP/1.1\r\nHost: h\r\nX-L: ${
      "x".repeat(3000)
    }\r\n\r\n`;
    for (let k = 0; k < 2; k++) {
      assert.equal(parseAll(long, p), long.length);
      assert.equal(p.target, "/l");
      assert.equal(p.fields[3].length, 3000);
    }
  });
  await t.step("obs-text values are latin1 bytes, whole and trickled", () => {
    // Bytes >= 0x80 in a value: one char per byte (as Headers holds a
    // ByteString), never UTF-8 decoded.
    const head =
      "GET / HTTP/1.1\r\nHost: h\r\nX-Name: caf\xe9 \xc3\xa9\r\n\r\n";
    const b = Uint8Array.from(head, (c) => c.charCodeAt(0));
    for (const trickle of [false, true]) {
      const p = new HeadParser();
      let r = 0;
      for (let n = trickle ? 1 : b.length; n <= b.length && r === 0; n++) {
        r = p.parse(b, 0, n);
      }
      assert.equal(r, b.length);
      assert.deepEqual(p.fields, ["host", "h", "x-name", "caf\xe9 \xc3\xa9"]);
    }
  });
  await t.step("bare LF line endings are accepted", () => {
    const p = new HeadParser();
    const req = "POST / HTTP/1.1\nHost: h\nContent-Length: 3\n\nabc";
    assert.equal(parseAll(req, p), req.length - 3);
    assert.equal(p.contentLength, 3);
  });
  await t.step("leading empty line skipped", () => {
    const p = new HeadParser();
    const req = "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
    assert.equal(parseAll(req, p), req.length);
    assert.equal(p.method, "GET");
  });
  await t.step("HTTP/1.0 persistence", () => {
    const p = new HeadParser();
    parseAll("GET / HTTP/1.0\r\n\r\n", p);
    assert.equal(p.minor, 0);
    assert.equal(p.keepAlive, false);
    parseAll("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", p);
    assert.equal(p.keepAlive, true);
    assert.equal(p.keepAliveToken, true);
    parseAll("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n", p);
    assert.equal(p.keepAlive, false);
  });
  await t.step("chunked, expect, repeated identical lengths", () => {
    const p = new HeadParser();
    parseAll(
      "PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
      p,
    );
    assert.equal(p.chunked, true);
    assert.equal(p.expectContinue, true);
    parseAll(
      "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5, 5\r\n\r\n",
      p,
    );
    assert.equal(p.contentLength, 5);
  });
  await t.step("HTTP/1.2 treated as 1.1", () => {
    const p = new HeadParser();
    assert.ok(parseAll("GET / HTTP/1.2\r\nHost: h\r\n\r\n", p) > 0);
    assert.equal(p.minor, 1);
  });
  await t.step("incomplete head needs more", () => {
    assert.equal(parseAll("GET / HTTP/1.1\r\nHost: h\r\n"), 0);
    assert.equal(parseAll("GET / HTTP/1.1\r\nHost: h\r\n\r"), 0);
  });
});

Deno.test("http parser: errors", async (t) => {
  const cases: [string, string, number][] = [
    ["garbage", "hello\r\n\r\n", 400],
    ["no version", "GET /\r\n\r\n", 400],
    ["lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n", 400],
    ["bad method", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400],
    ["double space", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400],
    ["control in target", "GET /\x01 HTTP/1.1\r\nHost: h\r\n\r\n", 400],
    ["bare CR", "GET / HTTP/1.1\rHost: h\r\n\r\n", 400],
    ["space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400],
    ["obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", 400],
    ["no colon", "GET / HTTP/1.1\r\nHost: h\r\nnocolon\r\n\r\n", 400],
    ["NUL in value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 400],
    ["missing Host in 1.1", "GET / HTTP/1.1\r\n\r\n", 400],
    ["two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400],
    ["bad Host", "GET / HTTP/1.1\r\nHost: a b/\r\n\r\n", 400],
    [
      "CL and TE",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      400,
    ],
    [
      "differing CLs",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
      400,
    ],
    [
      "CL list differs",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\n",
      400,
    ],
    [
      "CL not digits",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\n",
      400,
    ],
    [
      "chunked not last",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
      400,
    ],
    [
      "chunked twice",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
      400,
    ],
    [
      "TE in HTTP/1.0",
      "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
      400,
    ],
    [
      "unknown coding",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      501,
    ],
    [
      "unknown coding alone",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: foo\r\n\r\n",
      501,
    ],
    ["HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505],
    ["HTTP/0.9 style", "GET / HTTP/0.9\r\n\r\n", 505],
    ["expect other", "GET / HTTP/1.1\r\nHost: h\r\nExpect: foo\r\n\r\n", 417],
  ];
  for (const [name, req, status] of cases) {
    await t.step(`${name} -> ${status}`, () => {
      assert.equal(parseAll(req), -status, name);
      assert.equal(parseTrickle(req), -status, `${name} (trickled)`);
    });
  }
  await t.step("limits: 414 and 431, whole and incomplete", () => {
    const lim = { maxUriLength: 100, maxHeaderSize: 1000, maxHeaderCount: 5 };
    const long = "/" + "a".repeat(200);
    assert.equal(
      parseAll(`GET ${long} HTTP/1.1\r\nHost: h\r\n\r\n`, new HeadParser(lim)),
      -414,
    );
    assert.equal(parseAll(`GET ${long}`, new HeadParser(lim)), -414);
    const big = `GET / HTTP/1.1\r\nHost: h\r\nX: ${"b".repeat(1200)}\r\n\r\n`;
    assert.equal(parseAll(big, new HeadParser(lim)), -431);
    assert.equal(parseAll(big.slice(0, 1100), new HeadParser(lim)), -431);
    let many = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (let i = 0; i < 6; i++) many += `X${i}: v\r\n`;
    assert.equal(parseAll(many + "\r\n", new HeadParser(lim)), -431);
  });
  await t.step("content-length values", () => {
    assert.equal(parseContentLength("0"), 0);
    assert.equal(parseContentLength("12 , 12"), 12);
    assert.equal(parseContentLength(""), -1);
    assert.equal(parseContentLength("1e3"), -1);
    assert.equal(parseContentLength("9".repeat(16)), -1);
  });
});

function decodeChunked(
  text: string,
  step = 0,
): { body: string; rest: string; error: number; trailers: string[] } {
  const d = new ChunkedDecoder(1024);
  const b = enc.encode(text);
  let body = "";
  const onData = (buf: Uint8Array, a: number, e: number) => {
    body += new TextDecoder().decode(buf.subarray(a, e));
  };
  let i = 0;
  while (i < b.length && !d.done && !d.error) {
    const end = step > 0 ? Math.min(b.length, i + step) : b.length;
    i = d.feed(b, i, end, onData);
  }
  return {
    body,
    rest: new TextDecoder().decode(b.subarray(i)),
    error: d.error,
    trailers: d.trailers,
  };
}

Deno.test("http chunked decoder", async (t) => {
  await t.step("chunks, extensions, trailers, rest left", () => {
    const text =
      "5;ext=1\r\nhello\r\n6\r\n world\r\nA \r\n0123456789\r\n0\r\nX-T: v\r\n\r\nGET /";
    for (const step of [0, 1, 3]) {
      const r = decodeChunked(text, step);
      assert.equal(r.error, 0);
      assert.equal(r.body, "hello world0123456789");
      assert.deepEqual(r.trailers, ["X-T: v"]);
      assert.equal(r.rest, "GET /");
    }
  });
  await t.step("bare LF", () => {
    const r = decodeChunked("3\nabc\n0\n\n");
    assert.equal(r.body, "abc");
    assert.equal(r.error, 0);
    assert.equal(r.rest, "");
  });
  await t.step("errors", () => {
    for (
      const bad of [
        "x\r\n",
        "3\r\nabcX\r\n",
        "3x\r\nabc\r\n",
        "1234567890abcdef\r\n",
        "3\rX",
        "0\r\nbad line\r\n\r\n",
      ]
    ) {
      assert.equal(decodeChunked(bad).error, 400, JSON.stringify(bad));
      assert.equal(decodeChunked(bad, 1).error, 400, JSON.stringify(bad));
    }
    const big = decodeChunked("0\r\nX: " + "a".repeat(2000) + "\r\n\r\n");
    assert.equal(big.error, 431);
  });
});
