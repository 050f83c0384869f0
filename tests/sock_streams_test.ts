// The web streams of sock connections on datagram-style sockets, and the
// deadlines of the raw and SCTP kinds, on the real kernel.
import assert from "node:assert/strict";
import {
  listenRaw,
  SCTPDialer,
  TimedOutError,
  unixConnPair,
} from "../sock/mod.ts";

Deno.test("sock streams: an empty datagram does not error UnixConn.readable", async () => {
  // (Seqpacket sockets cannot tell an empty message from end of stream:
  // read() returns null there, as for a stream.)
  for (const network of ["unixgram"] as const) {
    const [a, b] = unixConnPair(network);
    try {
      const reader = b.readable.getReader();
      a.tryWrite(new Uint8Array(0)); // an empty datagram
      a.tryWrite(new Uint8Array([1, 2, 3]));
      const { value, done } = await reader.read();
      assert.equal(done, false, network);
      assert.deepEqual([...value!], [1, 2, 3], network);
      // Directly, read() still reports the empty message as 0.
      a.tryWrite(new Uint8Array(0));
      reader.releaseLock();
      assert.equal(await b.read(new Uint8Array(8)), 0, network);
    } finally {
      a.close();
      b.close();
    }
  }
});

Deno.test("sock deadlines: RawConn and SCTPDialer", async (t) => {
  await t.step("RawConn setReadDeadline on a pending read", async () => {
    let c;
    try {
      c = listenRaw("ip4:253", "127.0.0.1");
    } catch (e) {
      console.log(`raw socket skipped: ${(e as Error).message}`);
      return;
    }
    try {
      const p = c.read(new Uint8Array(64));
      c.setReadDeadline(Date.now() + 30);
      await assert.rejects(p, TimedOutError);
      c.setWriteDeadline(Date.now() + 1000);
      assert.ok(c.writeDeadline > 0);
      c.setDeadline(null);
      assert.equal(c.readDeadline, 0);
    } finally {
      c.close();
    }
  });
  await t.step(
    "SCTPDialer.setDialTimeout (validation; SCTP may be absent)",
    () => {
      const d = new SCTPDialer();
      d.setDialTimeout(250);
      assert.equal(d.timeout, 250);
      assert.throws(() => d.setDialTimeout(-1), RangeError);
    },
  );
});
