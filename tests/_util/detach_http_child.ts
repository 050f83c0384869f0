// Child for tests/boundary_detach_test.ts (run under --expose-gc): an HTTP
// handler streams one large chunk to a client that does not read yet; once
// the server has written it, the handler detaches and drops it
// (`transfer()`); the collector runs and fresh
// buffers fill the heap with 0xEE; then the client reads the response.
// Prints "OK <bytes>" when the body arrived as written, "BAD ..." if not.

import { serve } from "../../http/mod.ts";

declare const gc: () => void;

const SIZE = 8 << 20;
const pattern = (i: number) => (i * 13 + 5) & 0xff;

let detached!: () => void;
const wasDetached = new Promise<void>((r) => detached = r);

const server = serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
  let chunk: Uint8Array<ArrayBuffer> | null = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i++) chunk[i] = pattern(i);
  // Detach the chunk once the server has taken it from the stream (its
  // queue is empty again: desiredSize back to 0) and had a few turns to
  // send what the socket took and queue the rest.
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(chunk!);
      const poll = () => {
        if (c.desiredSize !== 0) return void setTimeout(poll, 1);
        setTimeout(() => {
          chunk!.buffer.transfer();
          chunk = null;
          for (let round = 0; round < 4; round++) {
            gc();
            const junk: Uint8Array[] = [];
            for (let j = 0; j < 16; j++) {
              junk.push(new Uint8Array(1 << 20).fill(0xee));
            }
          }
          c.close();
          detached();
        }, 20);
      };
      poll();
    },
  }, { highWaterMark: 0 });
  return new Response(body, {
    headers: { "content-length": String(SIZE) },
  });
});

const conn = await Deno.connect({
  hostname: "127.0.0.1",
  port: server.addr.port,
});
await conn.write(
  new TextEncoder().encode(
    "GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
  ),
);
await wasDetached;
const parts: Uint8Array[] = [];
let total = 0;
for (;;) {
  const b = new Uint8Array(1 << 16);
  const r = await conn.read(b);
  if (r === null) break;
  parts.push(b.subarray(0, r));
  total += r;
}
const all = new Uint8Array(total);
let o = 0;
for (const p of parts) {
  all.set(p, o);
  o += p.length;
}
let headEnd = -1;
for (let i = 0; i + 3 < all.length; i++) {
  if (
    all[i] === 13 && all[i + 1] === 10 && all[i + 2] === 13 && all[i + 3] === 10
  ) {
    headEnd = i + 4;
    break;
  }
}
const body = all.subarray(headEnd);
let bad = -1;
for (let i = 0; i < body.length; i++) {
  if (body[i] !== pattern(i)) {
    bad = i;
    break;
  }
}
console.log(
  headEnd > 0 && bad < 0 && body.length === SIZE
    ? `OK ${body.length}`
    : `BAD ${bad} of ${body.length}`,
);
await server.shutdown();
