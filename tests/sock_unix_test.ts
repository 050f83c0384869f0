import assert from "node:assert/strict";
import {
  AbortedError,
  AddressInUseError,
  ClosedError,
  ConnectionRefusedError,
  dialUnix,
  listenUnix,
  listenUnixgram,
  SockaddrUnix,
  TimedOutError,
  unixConnPair,
  UnixSocket,
  WOULD_BLOCK,
} from "../sock/mod.ts";
import { noFdLeak } from "./_util/sock_fds.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const tag = `${Deno.pid}-${Math.random().toString(36).slice(2)}`;

Deno.test("sock unix: stream over a filesystem path", async () => {
  await noFdLeak(async () => {
    const dir = Deno.makeTempDirSync();
    const path = `${dir}/s.sock`;
    try {
      const ln = listenUnix("unix", { path });
      try {
        assert.deepEqual(ln.addr, { transport: "unix", path });
        assert.ok(Deno.statSync(path).isSocket);
        assert.throws(() => listenUnix("unix", { path }), AddressInUseError);
        using c = dialUnix("unix", null, { path });
        using s = await ln.accept();
        await c.writeAll(enc.encode("x"));
        assert.equal(await s.read(new Uint8Array(4)), 1);
      } finally {
        ln.close();
      }
      // close() removed the socket file.
      assert.throws(() => Deno.statSync(path), Deno.errors.NotFound);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
});

Deno.test("sock unix: stream over an abstract name", async (t) => {
  await noFdLeak(async () => {
    const name = `@kernio-test-${tag}`;
    using ln = listenUnix("unix", { path: name });
    using c = dialUnix("unix", null, { path: name });
    using s = await ln.accept();
    await t.step("addresses", () => {
      assert.equal(ln.addr.path, name);
      assert.deepEqual(c.remoteAddr, { transport: "unix", path: name });
      assert.equal(s.localAddr.path, name);
      assert.equal(c.localAddr.path, "");
    });
    await t.step("traffic, would-block, half-close", async () => {
      const buf = new Uint8Array(32);
      assert.equal(s.tryRead(buf), WOULD_BLOCK);
      await c.writeAll(enc.encode("hello unix"));
      assert.equal(await s.read(buf), 10);
      assert.equal(dec.decode(buf.subarray(0, 10)), "hello unix");
      await c.closeWrite();
      assert.equal(await s.read(buf), null);
      await s.writeAll(enc.encode("back"));
      assert.equal(await c.read(buf), 4);
    });
    await t.step("deadline and abort", async () => {
      const deadline = Date.now() + 20;
      c.setReadDeadline(deadline);
      await assert.rejects(c.read(new Uint8Array(4)), TimedOutError);
      assert.ok(Date.now() >= deadline);
      c.setReadDeadline(null);
      const ac = new AbortController();
      const p = ln.accept({ signal: ac.signal });
      ac.abort();
      await assert.rejects(p, AbortedError);
    });
  });
});

Deno.test("sock unix: seqpacket keeps message boundaries", async () => {
  await noFdLeak(async () => {
    const name = `@kernio-seq-${tag}`;
    using ln = listenUnix("unixpacket", { path: name });
    using c = dialUnix("unixpacket", null, { path: name });
    using s = await ln.accept();
    assert.equal(s.protocol(), 5);
    c.tryWrite(enc.encode("one"));
    c.tryWrite(enc.encode("three"));
    const buf = new Uint8Array(64);
    assert.equal(await s.read(buf), 3);
    assert.equal(await s.read(buf), 5);
    c.close();
    assert.equal(await s.read(buf), null);
    assert.equal(ln.addr.transport, "unixpacket");
  });
});

Deno.test("sock unix: datagrams with addresses", async () => {
  await noFdLeak(async () => {
    const aName = `@kernio-dga-${tag}`;
    const bName = `@kernio-dgb-${tag}`;
    using a = listenUnixgram("unixgram", { path: aName });
    using b = listenUnixgram("unixgram", { path: bName });
    const buf = new Uint8Array(64);
    assert.equal(a.tryReadFrom(buf), WOULD_BLOCK);
    assert.equal(b.tryWriteTo(enc.encode("dgram"), { path: aName }), 5);
    assert.equal(await a.readFrom(buf), 5);
    assert.equal(a.lastFrom.path(), bName);
    // Reply to the owned sender address: no allocation on this path.
    assert.equal(a.tryWriteTo(enc.encode("re"), a.lastFrom), 2);
    const from = new SockaddrUnix();
    assert.equal(await b.readFrom(buf, { from }), 2);
    assert.equal(from.path(), aName);
    assert.equal(a.localAddr.transport, "unixgram");
    assert.equal(a.remoteAddr, null);
    // Connected datagram socket via dialUnix.
    using c = dialUnix("unixgram", null, { path: aName });
    c.tryWrite(new Uint8Array(0));
    assert.equal(await a.read(buf), 0); // empty datagram, not EOF
    assert.throws(
      () => a.tryReadFrom(buf, new Uint8Array(4) as unknown as SockaddrUnix),
      TypeError,
    );
  });
});

Deno.test("sock unix: socket pairs of every kind", async () => {
  await noFdLeak(async () => {
    for (const network of ["unix", "unixgram", "unixpacket"] as const) {
      const [a, b] = unixConnPair(network);
      try {
        assert.equal(a.tryWrite(enc.encode(network)), network.length);
        assert.equal(await b.read(new Uint8Array(32)), network.length);
        assert.equal(a.remoteAddr?.path, "");
        assert.equal(a.remoteAddr?.transport, network);
      } finally {
        a.close();
        b.close();
      }
    }
    const [x, y] = unixConnPair();
    const text = y.readable.pipeThrough(new TextDecoderStream());
    const w = x.writable.getWriter();
    await w.write(enc.encode("stream "));
    await w.write(enc.encode("pair"));
    await w.close();
    let all = "";
    for await (const s of text) all += s;
    assert.equal(all, "stream pair");
    x.close();
    y.close();
  });
});

Deno.test("sock unix: errors and bad arguments", async () => {
  await noFdLeak(() => {
    assert.throws(
      () => dialUnix("unix", null, { path: `@kernio-nobody-${tag}` }),
      ConnectionRefusedError,
    );
    assert.throws(
      () => listenUnix("unix", { path: "/tmp/" + "x".repeat(120) }),
      RangeError,
    );
    assert.throws(
      () => dialUnix("tcp" as "unix", null, { path: "@x" }),
      /unknown network/,
    );
    assert.throws(
      () => listenUnix("unixpkt" as "unix", { path: "@x" }),
      /unknown network/,
    );
    assert.throws(
      () => listenUnixgram("unix" as "unixgram", { path: "@x" }),
      TypeError,
    );
    assert.throws(() => unixConnPair("bogus" as "unix"), TypeError);
    const s = UnixSocket.createStream();
    s.close();
    assert.throws(() => s.listen(), ClosedError);
    for (const mk of [UnixSocket.createDatagram, UnixSocket.createSeqpacket]) {
      using u = mk();
      assert.ok(u.fd >= 0);
    }
  });
});
