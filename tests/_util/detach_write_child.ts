// Child for tests/boundary_detach_test.ts (run under --expose-gc): a
// uring connection writes more than the socket takes at once to a peer
// that does not read yet, the caller detaches and drops the buffer
// (`transfer()`), the collector runs and fresh buffers fill the heap with
// 0xEE; then the peer reads everything. Prints "OK <bytes>" when every byte
// arrived as written, "BAD <offset>" at the first byte that did not.

import { connect } from "../../uring/mod.ts";

declare const gc: () => void;

const SIZE = 8 << 20;
const pattern = (i: number) => (i * 7 + 3) & 0xff;

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
const peer = await listener.accept();

let buf: Uint8Array<ArrayBuffer> | null = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i++) buf[i] = pattern(i);
const written = conn.write(buf);
// Detach the buffer while the rest of it waits in the send queue, and let
// its memory go.
buf.buffer.transfer();
buf = null;
for (let round = 0; round < 4; round++) {
  gc();
  const junk: Uint8Array[] = [];
  for (let j = 0; j < 16; j++) junk.push(new Uint8Array(1 << 20).fill(0xee));
}

const got = new Uint8Array(SIZE);
let n = 0;
while (n < SIZE) {
  const r = await peer.read(got.subarray(n));
  if (r === null) break;
  n += r;
}
await written;
let bad = -1;
for (let i = 0; i < n; i++) {
  if (got[i] !== pattern(i)) {
    bad = i;
    break;
  }
}
console.log(bad < 0 && n === SIZE ? `OK ${n}` : `BAD ${bad} of ${n}`);
conn.close();
peer.close();
listener.close();
