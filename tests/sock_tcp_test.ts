import assert from "node:assert/strict";
import {
  AbortedError,
  AddressInUseError,
  ClosedError,
  ConnectionRefusedError,
  ConnectionResetError,
  dialTCP,
  dialTCP4,
  dialTCP6,
  getSocketType,
  listenTCP,
  listenTCP4,
  listenTCP6,
  setLinger,
  type TCPConn,
  TCPDialer,
  type TCPListener,
  TimedOutError,
  UnknownNetworkError,
  WOULD_BLOCK,
} from "../sock/mod.ts";
import { noFdLeak } from "./_util/sock_fds.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function pair(
  family: 4 | 6,
): Promise<{ ln: TCPListener; c: TCPConn; s: TCPConn; close(): void }> {
  const ln = family === 4
    ? listenTCP4({ hostname: "127.0.0.1", port: 0 })
    : listenTCP6({ hostname: "::1", port: 0 });
  const c = family === 4 ? dialTCP4(null, ln.addr) : dialTCP6(null, ln.addr);
  const s = await ln.accept();
  await c.waitConnected();
  return {
    ln,
    c,
    s,
    close() {
      c.close();
      s.close();
      ln.close();
    },
  };
}

for (const family of [4, 6] as const) {
  Deno.test(`sock tcp: IPv${family} loopback traffic`, async (t) => {
    await noFdLeak(async () => {
      const p = await pair(family);
      try {
        await t.step("addresses", () => {
          assert.equal(p.ln.addr.transport, "tcp");
          assert.equal(p.ln.addr.hostname, family === 4 ? "127.0.0.1" : "::1");
          assert.ok(p.ln.addr.port > 0);
          assert.deepEqual(p.c.remoteAddr, p.ln.addr);
          assert.deepEqual(p.s.localAddr, p.ln.addr);
          assert.deepEqual(p.s.remoteAddr, p.c.localAddr);
          assert.equal(getSocketType(p.c), 1);
        });
        await t.step("non-blocking tryRead/tryWrite", async () => {
          const buf = new Uint8Array(64);
          assert.equal(p.s.tryRead(buf), WOULD_BLOCK);
          assert.equal(p.c.tryWrite(enc.encode("ping")), 4);
          await p.s.waitReadable();
          assert.equal(p.s.tryRead(buf), 4);
          assert.equal(dec.decode(buf.subarray(0, 4)), "ping");
          assert.equal(p.s.tryRead(buf), WOULD_BLOCK);
        });
        await t.step("awaitable read/write", async () => {
          const buf = new Uint8Array(64);
          const r = p.s.read(buf);
          await p.c.write(enc.encode("hello"));
          assert.equal(await r, 5);
          assert.equal(dec.decode(buf.subarray(0, 5)), "hello");
        });
        await t.step("write until would-block, then drain", async () => {
          const chunk = new Uint8Array(65536).fill(7);
          let sent = 0;
          for (let i = 0; i < 10_000; i++) {
            const n = p.c.tryWrite(chunk);
            if (n === WOULD_BLOCK) break;
            sent += n;
          }
          assert.ok(sent > 0);
          assert.equal(p.c.tryWrite(chunk), WOULD_BLOCK);
          const buf = new Uint8Array(65536);
          let got = 0;
          while (got < sent) {
            const n = await p.s.read(buf);
            assert.ok(n !== null);
            got += n;
          }
          assert.equal(got, sent);
          await p.c.waitWritable();
        });
        await t.step(
          "half-close: peer reads EOF, can still write back",
          async () => {
            await p.c.writeAll(enc.encode("last"));
            await p.c.closeWrite();
            const buf = new Uint8Array(16);
            assert.equal(await p.s.read(buf), 4);
            assert.equal(await p.s.read(buf), null);
            assert.equal(p.s.tryRead(buf), 0);
            await p.s.writeAll(enc.encode("bye"));
            assert.equal(await p.c.read(buf), 3);
          },
        );
      } finally {
        p.close();
      }
    });
  });
}

Deno.test("sock tcp: deadlines and abort", async (t) => {
  await noFdLeak(async () => {
    const p = await pair(4);
    try {
      await t.step("read deadline fires", async () => {
        const deadline = Date.now() + 30;
        p.s.setReadDeadline(deadline);
        await assert.rejects(p.s.read(new Uint8Array(8)), TimedOutError);
        const late = Date.now() - deadline;
        assert.ok(late >= 0 && late <= 50, `late by ${late} ms`);
        p.s.setReadDeadline(null);
      });
      await t.step("setDeadline with a Date, then cleared", async () => {
        p.s.setDeadline(new Date(Date.now() + 10));
        await assert.rejects(p.s.read(new Uint8Array(8)), TimedOutError);
        p.s.setDeadline(0);
        const r = p.s.read(new Uint8Array(8));
        p.c.tryWrite(new Uint8Array([1]));
        assert.equal(await r, 1);
      });
      await t.step("accept deadline", async () => {
        p.ln.setReadDeadline(Date.now() + 10);
        await assert.rejects(p.ln.accept(), TimedOutError);
        p.ln.setReadDeadline(null);
      });
      await t.step("abort", async () => {
        const ac = new AbortController();
        const r = p.s.read(new Uint8Array(8), { signal: ac.signal });
        setTimeout(() => ac.abort(), 5);
        await assert.rejects(r, AbortedError);
      });
      await t.step("close while reading rejects with ClosedError", async () => {
        const r = p.s.read(new Uint8Array(8));
        p.s.close();
        await assert.rejects(r, ClosedError);
      });
      await t.step("bad deadlines", () => {
        assert.throws(() => p.c.setDeadline(NaN), RangeError);
        assert.throws(() => p.c.setDeadline(-1), RangeError);
      });
    } finally {
      p.close();
    }
  });
});

Deno.test("sock tcp: peer reset", async () => {
  await noFdLeak(async () => {
    const p = await pair(4);
    try {
      setLinger(p.c, true, 0);
      p.c.close(); // RST
      await p.s.waitReadable();
      assert.throws(() => p.s.tryRead(new Uint8Array(8)), ConnectionResetError);
      // The error is consumed: the next write meets the reset connection.
      assert.throws(
        () => {
          for (let i = 0; i < 3; i++) p.s.tryWrite(new Uint8Array(8));
        },
        ConnectionResetError,
      );
    } finally {
      p.close();
    }
  });
});

Deno.test("sock tcp: address in use, refused, dialer", async (t) => {
  await noFdLeak(async () => {
    await t.step("address in use", () => {
      using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
      assert.throws(
        () => listenTCP4({ hostname: "127.0.0.1", port: ln.addr.port }),
        AddressInUseError,
      );
      // reusePort on both sides shares the port.
      using a = listenTCP4({ hostname: "127.0.0.1", port: 0 }, {
        reusePort: true,
      });
      using b = listenTCP4({ hostname: "127.0.0.1", port: a.addr.port }, {
        reusePort: true,
      });
      assert.equal(a.addr.port, b.addr.port);
    });
    await t.step("refused: dial returns, waitConnected rejects", async () => {
      const ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
      const port = ln.addr.port;
      ln.close();
      using c = dialTCP4(null, { hostname: "127.0.0.1", port });
      await assert.rejects(c.waitConnected(), ConnectionRefusedError);
      await assert.rejects(
        new TCPDialer({ timeout: 1000 }).dial4(null, {
          hostname: "127.0.0.1",
          port,
        }),
        (e) => e instanceof ConnectionRefusedError && e.code === "ECONNREFUSED",
      );
    });
    await t.step(
      "dialer with timeout connects; timeout 0 is non-blocking",
      async () => {
        using ln = listenTCP("tcp", { hostname: "::1", port: 0 });
        using c = await new TCPDialer({ timeout: 2000 }).dial(
          "tcp",
          null,
          ln.addr,
        );
        using s = await ln.accept();
        assert.deepEqual(s.remoteAddr, c.localAddr);
        using c2 = await new TCPDialer().dial6(null, ln.addr);
        await c2.waitConnected();
        (await ln.accept()).close();
      },
    );
    await t.step(
      "dialer times out (and aborts) against a full accept queue",
      async () => {
        using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 }, {
          backlog: 0,
        });
        // Fill the accept queue: further SYNs are dropped, so dials hang.
        const fill = [0, 1, 2, 3].map(() => dialTCP4(null, ln.addr));
        try {
          await new Promise((r) => setTimeout(r, 30));
          const t0 = Date.now();
          await assert.rejects(
            new TCPDialer({ timeout: 60 }).dial4(null, ln.addr),
            TimedOutError,
          );
          const took = Date.now() - t0;
          assert.ok(took >= 60 && took <= 110, `took ${took} ms`);
          const ac = new AbortController();
          setTimeout(() => ac.abort(), 10);
          await assert.rejects(
            new TCPDialer({ timeout: 5000, signal: ac.signal }).dial4(
              null,
              ln.addr,
            ),
            AbortedError,
          );
        } finally {
          for (const c of fill) c.close();
        }
      },
    );
    await t.step("local address binding", async () => {
      using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
      using c = dialTCP("tcp", { hostname: "127.0.0.2", port: 0 }, ln.addr);
      await c.waitConnected();
      assert.equal(c.localAddr.hostname, "127.0.0.2");
      (await ln.accept()).close();
    });
  });
});

Deno.test("sock tcp: streams", async () => {
  await noFdLeak(async () => {
    const p = await pair(4);
    try {
      const text = p.s.readable.pipeThrough(new TextDecoderStream());
      const writer = p.c.writable.getWriter();
      await writer.write(enc.encode("hello "));
      await writer.write(enc.encode("streams"));
      await writer.close();
      let all = "";
      for await (const chunk of text) all += chunk;
      assert.equal(all, "hello streams");
      // Echo back through pipeTo.
      const big = new Uint8Array(300_000).map((_, i) => i & 0xff);
      const src = new ReadableStream({
        start(c) {
          c.enqueue(big);
          c.close();
        },
      });
      const done = src.pipeTo(p.s.writable);
      const got: Uint8Array[] = [];
      for await (const chunk of p.c.readable) got.push(chunk);
      await done;
      const total = got.reduce((n, c) => n + c.length, 0);
      assert.equal(total, big.length);
      const joined = new Uint8Array(total);
      let off = 0;
      for (const c of got) {
        joined.set(c, off);
        off += c.length;
      }
      assert.deepEqual(joined, big);
    } finally {
      p.close();
    }
  });
});

Deno.test("sock tcp: bad arguments and closed sockets", async () => {
  await noFdLeak(() => {
    assert.throws(
      () => listenTCP("udp" as "tcp", { hostname: "127.0.0.1", port: 0 }),
      UnknownNetworkError,
    );
    assert.throws(
      () => listenTCP4({ hostname: "::1", port: 0 }),
      /family mismatch/,
    );
    assert.throws(
      () => dialTCP6(null, { hostname: "127.0.0.1", port: 1 }),
      /family mismatch/,
    );
    assert.throws(
      () => listenTCP4({ hostname: "127.0.0.1", port: -1 }),
      RangeError,
    );
    assert.throws(
      () => dialTCP4(null, { hostname: "localhost.example", port: 1 }),
      /no DNS/,
    );
    assert.throws(
      () => dialTCP4(null, null as unknown as Deno.NetAddr),
      TypeError,
    );
    const ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
    ln.close();
    ln.close(); // idempotent
    assert.equal(ln.closed, true);
    assert.throws(() => ln.fd, ClosedError);
    assert.throws(() => ln.tryAccept(), ClosedError);
    assert.throws(() => ln.tryRead(new Uint8Array(1)), ClosedError);
    assert.throws(
      () => ln.tryWrite(null as unknown as Uint8Array),
      ClosedError,
    );
    const ln2 = listenTCP4({ hostname: "127.0.0.1", port: 0 });
    try {
      assert.throws(() => ln2.tryRead("x" as unknown as Uint8Array), TypeError);
      assert.throws(() => ln2.shutdown(7), RangeError);
    } finally {
      ln2.close();
    }
  });
});
