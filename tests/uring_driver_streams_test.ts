// The driver's recvStream/acceptStream leaving early with completions
// queued: the iteration returns, queued buffers go back to the group and
// queued accepted fds are closed; a receive ended without F_MORE while
// data is unread is received again (not an end of stream).

import assert from "node:assert/strict";
import { BufferRing, UringDriver } from "../uring/mod.ts";
import { close, write } from "../zcall/mod.ts";
import { noLeaks, tcpConnect, tcpListener, tcpPair } from "./_util/uring.ts";

Deno.test("driver streams: breaking out of recvStream with chunks queued returns and recycles them", async () => {
  await noLeaks(async () => {
    await using d = new UringDriver({ entries: 64 });
    using br = BufferRing.register(d.ring, {
      groupId: 9,
      entries: 16,
      bufferSize: 64,
    });
    const [c, s] = tcpPair();
    try {
      // Many small writes: several completions queue before the first step.
      for (let k = 0; k < 8; k++) {
        write(c, new Uint8Array(64).fill(k));
        await new Promise((r) => setTimeout(r, 2));
      }
      const t0 = performance.now();
      for await (const chunk of d.recvStream(s, br)) {
        assert.ok(chunk.length > 0);
        break; // the rest is queued
      }
      assert.ok(performance.now() - t0 < 2000, "return() hung");
      assert.equal(br.available(), 16, "every buffer back in the group");
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("driver streams: breaking out of acceptStream closes the queued fds", async () => {
  await noLeaks(async () => {
    await using d = new UringDriver({ entries: 64 });
    const [lfd, port] = tcpListener();
    const clients = Array.from({ length: 5 }, () => tcpConnect(port));
    try {
      let first = -1;
      for await (const fd of d.acceptStream(lfd)) {
        first = fd;
        break;
      }
      assert.ok(first >= 0);
      close(first);
    } finally {
      for (const c of clients) close(c);
      close(lfd);
    }
  });
});

Deno.test("driver streams: a receive ended without F_MORE is received again, all bytes arrive", async () => {
  await using d = new UringDriver({ entries: 8, cqEntries: 16 });
  using br = BufferRing.register(d.ring, {
    groupId: 10,
    entries: 256,
    bufferSize: 64,
  });
  const [c, s] = tcpPair();
  const total = 256 * 1024;
  const writer = (async () => {
    const chunk = new Uint8Array(4096).fill(1);
    for (let sent = 0; sent < total; sent += 4096) {
      write(c, chunk);
      if (sent % 65536 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    close(c);
  })();
  let got = 0;
  for await (const chunk of d.recvStream(s, br)) got += chunk.length;
  await writer;
  assert.equal(got, total);
  close(s);
});
