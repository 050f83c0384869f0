// The connection engine (uring/net/_engine.ts) against the real kernel and
// real peers: echo with byte checks, buffers recycled after resets,
// connections beyond the ring size, receive groups that run dry (growth,
// then waiting without spinning), CQ overflow survived, a multishot
// receive ended with data unread re-armed, a peer that never reads, a
// peer that never writes, and the event loop kept ticking under load.

import assert from "node:assert/strict";
import process from "node:process";
import { Engine, type EngineConn } from "../uring/net/_engine.ts";
import {
  accept,
  close,
  read,
  setsockopt,
  SO,
  SOL,
  write,
} from "../zcall/mod.ts";
import { noLeaks, tcpConnect, tcpListener, tcpPair } from "./_util/uring.ts";

// An echo server on the engine; returns the port and a stop function.
function echoServer(engine: Engine, opts: { pauseAtHwm?: boolean } = {}) {
  const [lfd, port] = tcpListener();
  const conns = new Set<EngineConn>();
  const stats = { received: 0 };
  const l = engine.listen(lfd, {
    onAccept(fd) {
      const c = engine.attach(fd, {
        onData(c, buf, n) {
          stats.received += n;
          if (!c.send(buf, 0, n) && opts.pauseAtHwm) c.pause();
        },
        onDrain(c) {
          c.resume();
        },
        onEnd(c) {
          c.end(true);
        },
        onClose(c) {
          conns.delete(c);
        },
      });
      conns.add(c);
    },
  });
  return {
    port,
    conns,
    stats,
    async stop() {
      await new Promise<void>((resolve) => {
        l._handler.onClose = () => resolve();
        l.close();
      });
      close(lfd);
    },
  };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function readFull(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await conn.read(out.subarray(got));
    if (r === null) throw new Error(`EOF after ${got} of ${n}`);
    got += r;
  }
  return out;
}

Deno.test("engine: echo over several connections, graceful end, nothing held", async () => {
  await noLeaks(async () => {
    await using engine = new Engine({ entries: 64 });
    const srv = echoServer(engine);
    const clients = await Promise.all(
      Array.from({ length: 8 }, () => Deno.connect({ port: srv.port })),
    );
    for (const [k, c] of clients.entries()) {
      const msg = new Uint8Array(50_000 + k).map((_, i) => (i * 7 + k) & 0xff);
      for (let off = 0; off < msg.length;) {
        off += await c.write(msg.subarray(off));
      }
      assert.deepEqual(await readFull(c, msg.length), msg);
      await c.closeWrite();
      assert.equal(await c.read(new Uint8Array(8)), null);
      c.close();
    }
    await until(() => engine.connections === 0);
    assert.equal(engine.buffersHeld, 0);
    await srv.stop();
  });
});

Deno.test("engine: Python clients, 10,000 random-length messages over 20 connections, every byte checked", async () => {
  await using engine = new Engine({ entries: 128 });
  const srv = echoServer(engine);
  const py = `
import socket, random, sys, threading
port = int(sys.argv[1]); errors = []
def run(seed):
    rnd = random.Random(seed)
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for _ in range(500):
        msg = rnd.randbytes(rnd.randint(1, 20000))
        s.sendall(msg)
        got = bytearray()
        while len(got) < len(msg):
            b = s.recv(65536)
            if not b: errors.append("eof"); return
            got += b
        if bytes(got) != msg: errors.append("mismatch"); return
    s.close()
ts = [threading.Thread(target=run, args=(i,)) for i in range(20)]
[t.start() for t in ts]; [t.join() for t in ts]
print("ERR" if errors else "OK", errors[:3])
`;
  const out = await new Deno.Command("python3", {
    args: ["-c", py, String(srv.port)],
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.match(text, /^OK/, text + new TextDecoder().decode(out.stderr));
  await until(() => engine.connections === 0);
  assert.equal(engine.buffersHeld, 0);
  await srv.stop();
});

Deno.test("engine: peers resetting mid-stream leak no buffer and no fd", async () => {
  await noLeaks(async () => {
    await using engine = new Engine({ groupBuffers: 64, maxBuffers: 64 });
    const srv = echoServer(engine);
    const linger = new Uint8Array(new Int32Array([1, 0]).buffer);
    const w = new Uint8Array(200_000);
    // Raw clients with SO_LINGER {1, 0}: close() sends RST while the echo
    // of what they sent is still queued.
    for (let k = 0; k < 20; k++) {
      const fd = tcpConnect(srv.port);
      write(fd, w);
      await new Promise((r) => setTimeout(r, 2));
      setsockopt(fd, SOL.SOCKET, SO.LINGER, linger);
      close(fd);
    }
    await until(() => engine.connections === 0);
    assert.equal(engine.buffersHeld, 0);
    assert.equal(engine.bufferCount, 64);
    // Still fast and correct afterwards.
    const c = await Deno.connect({ port: srv.port });
    const msg = new Uint8Array(100_000).fill(9);
    await c.write(msg);
    assert.deepEqual(await readFull(c, msg.length), msg);
    c.close();
    await until(() => engine.connections === 0);
    await srv.stop();
  });
});

Deno.test("engine: 500 connections on a 16-entry ring (no hidden cap)", async () => {
  await noLeaks(async () => {
    await using engine = new Engine({ entries: 16, cqEntries: 32 });
    const srv = echoServer(engine);
    const fds: number[] = [];
    // Blocking connects: in batches the backlog holds, accepting between.
    for (let k = 0; k < 500; k++) {
      fds.push(tcpConnect(srv.port));
      if (k % 50 === 49) await until(() => engine.connections === k + 1);
    }
    const b = new Uint8Array(16);
    for (const fd of fds) write(fd, new Uint8Array([fd & 0xff, 1, 2, 3]));
    // The reads below block: first let every echo reach its socket.
    await until(() =>
      srv.stats.received === 2000 &&
      [...srv.conns].every((c) => c.queuedBytes === 0)
    );
    for (const fd of fds) {
      let got = 0;
      while (got < 4) got += read(fd, b.subarray(got));
      assert.equal(b[0], fd & 0xff);
    }
    for (const fd of fds) close(fd);
    await until(() => engine.connections === 0);
    assert.ok(engine.driver.cqOverflows >= 0);
    await srv.stop();
  });
});

Deno.test("engine: CQ overflow (256 sockets with data queued before they start) loses nothing", async () => {
  await noLeaks(async () => {
    await using engine = new Engine({ entries: 8, cqEntries: 16 });
    const [lfd, port] = tcpListener();
    const pairs: [number, number][] = [];
    for (let k = 0; k < 256; k++) {
      const c = tcpConnect(port);
      const s = accept(lfd, null, null);
      assert.ok(s >= 0);
      write(c, new Uint8Array([k & 0xff, k >> 8, 7]));
      pairs.push([c, s]);
    }
    let got = 0;
    const seen = new Set<number>();
    for (const [, s] of pairs) {
      engine.attach(s, {
        onData(c, buf, n) {
          got += n;
          seen.add(buf[0] | (buf[1] << 8));
          c.send(buf, 0, n);
        },
      });
    }
    await until(() => got === 256 * 3);
    assert.equal(seen.size, 256);
    assert.ok(engine.driver.cqOverflows > 0, "the CQ should have overflowed");
    const b = new Uint8Array(3);
    for (const [k, [c]] of pairs.entries()) {
      let n = 0;
      while (n < 3) n += read(c, b.subarray(n));
      assert.equal(b[0] | (b[1] << 8), k);
      close(c);
    }
    await engine.close();
    close(lfd);
  });
});

Deno.test("engine: buffers run dry: the group grows, then connections wait without spinning", async () => {
  await noLeaks(async () => {
    await using engine = new Engine({
      groupBuffers: 4,
      maxBuffers: 8,
      bufferSize: 1024,
    });
    const [lfd, port] = tcpListener();
    const held: number[] = [];
    let received = 0;
    let hoard = true;
    const l = engine.listen(lfd, {
      onAccept(fd) {
        engine.attach(fd, {
          onData(c, _buf, n) {
            received += n;
            if (hoard) held.push(c.retain());
          },
        });
      },
    });
    const a = tcpConnect(port);
    const b = tcpConnect(port);
    await until(() => engine.connections === 2);
    // Each write lands in its own buffer (the reader keeps up).
    for (let k = 0; k < 8; k++) {
      write(k % 2 ? a : b, new Uint8Array(100));
      await until(() => received === (k + 1) * 100);
    }
    assert.equal(engine.bufferCount, 8, "grew to maxBuffers");
    assert.equal(engine.buffersHeld, 8);
    // Every buffer is hoarded: more data waits in the socket, no spin.
    write(a, new Uint8Array(100));
    write(b, new Uint8Array(100));
    const cpu0 = cpuMs();
    await new Promise((r) => setTimeout(r, 300));
    const spent = cpuMs() - cpu0;
    assert.ok(spent < 60, `idle CPU while starved: ${spent.toFixed(1)} ms`);
    assert.equal(received, 800);
    hoard = false;
    for (const t of held.splice(0)) engine.releaseBuffer(t);
    await until(() => received === 1000);
    assert.equal(engine.buffersHeld, 0);
    close(a);
    close(b);
    await until(() => engine.connections === 0);
    l.close();
    await engine.close();
    close(lfd);
  });
});

Deno.test("engine: a multishot receive ended with data unread is re-armed, not an EOF", async () => {
  // Small buffers and a 4 MiB burst: the kernel ends the multishot receive
  // (no F_MORE) while bytes are still queued; all of them must arrive.
  await using engine = new Engine({
    entries: 8,
    cqEntries: 16,
    bufferSize: 64,
    groupBuffers: 256,
  });
  const [lfd, port] = tcpListener();
  let got = 0;
  let sum = 0;
  let ended = false;
  const l = engine.listen(lfd, {
    onAccept(fd) {
      engine.attach(fd, {
        onData(_c, buf, n) {
          for (let i = 0; i < n; i++) sum = (sum + buf[i]) | 0;
          got += n;
        },
        onEnd(c) {
          ended = true;
          c.close();
        },
      });
    },
  });
  const total = 2 << 20;
  const data = new Uint8Array(total);
  for (let i = 0; i < total; i++) data[i] = (i * 31) & 0xff;
  let want = 0;
  for (let i = 0; i < total; i++) want = (want + data[i]) | 0;
  const c = await Deno.connect({ port });
  for (let off = 0; off < total;) off += await c.write(data.subarray(off));
  await until(() => got === total, 20000);
  assert.equal(ended, false);
  assert.equal(sum, want);
  assert.ok(
    engine.stats.rearms + engine.stats.noBuffers > 0,
    "the kernel should have ended the multishot receive at least once",
  );
  c.close();
  await until(() => ended);
  l.close();
  close(lfd);
});

Deno.test("engine: a peer that never reads bounds memory and freezes nobody; one that never writes costs no CPU", async () => {
  await noLeaks(async () => {
    await using engine = new Engine({ highWaterMark: 256 * 1024 });
    const srv = echoServer(engine, { pauseAtHwm: true });
    // Fill from a subprocess so a blocking write cannot freeze this test.
    const filler = new Deno.Command("python3", {
      args: [
        "-c",
        `import socket,sys,time
s=socket.create_connection(("127.0.0.1",${srv.port}))
s.setblocking(False)
sent=0
t=time.time()
while time.time()-t<1.5:
    try: sent+=s.send(b"x"*65536)
    except BlockingIOError: time.sleep(0.01)
print(sent); time.sleep(1.5)`,
      ],
    }).spawn();
    await new Promise((r) => setTimeout(r, 1000));
    let maxQueued = 0;
    for (const c of srv.conns) maxQueued = Math.max(maxQueued, c.queuedBytes);
    // The mark plus what was already received when reading paused: at
    // most one TCP receive window (tcp_rmem's maximum).
    const rmemMax = Number(
      Deno.readTextFileSync("/proc/sys/net/ipv4/tcp_rmem").trim().split(
        /\s+/,
      )[2],
    );
    assert.ok(
      maxQueued <= 256 * 1024 + rmemMax + 65536,
      `queued ${maxQueued} bytes for a peer that never reads`,
    );
    // Others are served meanwhile.
    const ok = await Deno.connect({ port: srv.port });
    await ok.write(new Uint8Array([1, 2, 3]));
    assert.deepEqual(await readFull(ok, 3), new Uint8Array([1, 2, 3]));
    ok.close();
    await filler.status;
    // Idle peers: 100 connections that never write cost no CPU.
    const idle = Array.from({ length: 100 }, () => tcpConnect(srv.port));
    await until(() => srv.conns.size >= 100);
    const cpu0 = cpuMs();
    await new Promise((r) => setTimeout(r, 500));
    const spent = cpuMs() - cpu0;
    assert.ok(
      spent < 50,
      `100 idle connections cost ${spent.toFixed(1)} ms CPU in 500 ms`,
    );
    for (const fd of idle) close(fd);
    await until(() => engine.connections === 0);
    await srv.stop();
  });
});

Deno.test('engine: keepAlive is "open" or "waiting"; a waiting-mode connection is served while nobody waits', async () => {
  await noLeaks(async () => {
    await using engine = new Engine({ entries: 16 });
    const [a, b] = tcpPair();
    const h = { onData() {} };
    for (const bad of ["always", 1, null]) {
      assert.throws(
        () =>
          engine.attach(a, h, {
            keepAlive: bad as unknown as "open",
          }),
        TypeError,
      );
    }
    assert.throws(
      () => engine.attach(a, h, null as unknown as { paused?: boolean }),
      TypeError,
    );
    // Nobody waits: the loop is not held, yet bytes still arrive (served
    // from the unref'd poll timer).
    let got = 0;
    const c = engine.attach(a, {
      onData(_c, _buf, n) {
        got += n;
      },
    }, { keepAlive: "waiting" });
    assert.equal(write(b, new Uint8Array(5)), 5);
    await until(() => got === 5);
    c.setWaiting(true);
    c.setWaiting(true);
    c.setWaiting(false);
    c.close();
    close(b);
    await until(() => engine.connections === 0);
  });
});
