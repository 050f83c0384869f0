// uring's listen()/connect() with real peers: Deno's own client, Python,
// socat; half-close, resets (typed errors from both layers), large
// sha256-checked transfers, hostnames and ports, aborted connects, port
// reuse after close, unref, fairness under load, and one port served from
// two Workers.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { buildC } from "../bench/_c.ts";
import * as sock from "../sock/mod.ts";
import {
  AddressInUseError,
  connect,
  ConnectionResetError,
  listen,
  MissingPermissionError,
  SockError,
} from "../uring/mod.ts";
import {
  AF,
  close,
  connect as zconnect,
  setsockopt,
  SO,
  SOCK,
  socket,
  SOL,
} from "../zcall/mod.ts";
import { echoFairness, MIN_OWN_TICKS_PER_SEC } from "./_util/tick_window.ts";
import { sockaddrIn, tcpConnect } from "./_util/uring.ts";
import { runDenoChild } from "./_util/deno_child.ts";

const LINGER0 = new Uint8Array(new Int32Array([1, 0]).buffer);

// The echo loop a user writes against Deno.Conn.
async function echo(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      await conn.write(buf.subarray(0, n));
    }
  } catch {
    // reset by the peer
  } finally {
    conn.close();
  }
}

function echoServer(): { port: number; stop: () => void; done: Promise<void> } {
  const l = listen({ hostname: "127.0.0.1", port: 0 });
  const done = (async () => {
    for await (const c of l) echo(c);
  })();
  return { port: l.addr.port, stop: () => l.close(), done };
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

Deno.test("uring net: echo with Deno.connect and uring connect, half-close both ways", async () => {
  const srv = echoServer();
  // Deno's client against the uring server.
  const d = await Deno.connect({ port: srv.port });
  const msg = new Uint8Array(100_000).map((_, i) => i & 0xff);
  const w = (async () => {
    for (let o = 0; o < msg.length;) o += await d.write(msg.subarray(o));
    await d.closeWrite();
  })();
  assert.deepEqual(await readFull(d, msg.length), msg);
  await w;
  assert.equal(await d.read(new Uint8Array(1)), null);
  d.close();
  // uring client against Deno's server: half-close keeps the other way open.
  const dl = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const c = await connect({ port: dl.addr.port });
  const peer = await dl.accept();
  await c.write(new TextEncoder().encode("question"));
  await c.closeWrite();
  const q = new Uint8Array(16);
  assert.equal(await peer.read(q), 8);
  assert.equal(await peer.read(q), null);
  await peer.write(new TextEncoder().encode("answer"));
  peer.close();
  const a = new Uint8Array(16);
  assert.equal(await c.read(a), 6);
  assert.equal(await c.read(a), null);
  await assert.rejects(c.write(new Uint8Array(1)), SockError);
  c.close();
  dl.close();
  srv.stop();
  await srv.done;
});

Deno.test("uring net: socat round trip", async () => {
  const srv = echoServer();
  const data = "line one\nline two\n".repeat(1000);
  const child = new Deno.Command("socat", {
    args: ["-t", "2", "-", `TCP:127.0.0.1:${srv.port}`],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(data));
  await writer.close();
  const out = await child.output();
  assert.equal(new TextDecoder().decode(out.stdout), data);
  srv.stop();
  await srv.done;
});

Deno.test("uring net: 200 MB each direction, sha256 checked, against Python", async () => {
  const SIZE = 200 * 1024 * 1024;
  const block = new Uint8Array(1 << 20);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  const l = listen({ hostname: "127.0.0.1", port: 0 });
  const server = (async () => {
    const c = await l.accept();
    const h = createHash("sha256");
    let got = 0;
    // read(), not readable: the readable's end would close the connection
    // (as Deno's does), and the reply goes out after it.
    const buf = new Uint8Array(1 << 20);
    for (let n; (n = await c.read(buf)) !== null;) {
      h.update(buf.subarray(0, n));
      got += n;
    }
    const inDigest = h.digest("hex");
    // Then send 200 MB back (the client has shut its write side).
    const out = createHash("sha256");
    for (let k = 0; k < SIZE / block.length; k++) {
      block[0] = k & 0xff;
      out.update(block);
      await c.write(block);
    }
    c.close();
    return { got, inDigest, outDigest: out.digest("hex") };
  })();
  const py = `
import socket, hashlib, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
block = bytearray(1 << 20)
for i in range(len(block)): block[i] = ((i * 2654435761) & 0xffffffff) >> 24
h = hashlib.sha256()
for k in range(200):
    block[0] = k & 0xff
    h.update(block); s.sendall(block)
s.shutdown(socket.SHUT_WR)
r = hashlib.sha256(); n = 0
while True:
    b = s.recv(1 << 20)
    if not b: break
    r.update(b); n += len(b)
print(h.hexdigest(), r.hexdigest(), n)
`;
  const out = await new Deno.Command("python3", {
    args: ["-c", py, String(l.addr.port)],
  }).output();
  const [sent, received, n] = new TextDecoder().decode(out.stdout).trim()
    .split(" ");
  const s = await server;
  assert.equal(s.got, SIZE);
  assert.equal(s.inDigest, sent);
  assert.equal(Number(n), SIZE);
  assert.equal(s.outDigest, received);
  l.close();
});

Deno.test("uring net: a reset mid-stream is ConnectionResetError (also Deno.errors.ConnectionReset) from uring and from sock", async () => {
  // uring side.
  const l = listen({ hostname: "127.0.0.1", port: 0 });
  const fd = tcpConnect(l.addr.port);
  const c = await l.accept();
  setsockopt(fd, SOL.SOCKET, SO.LINGER, LINGER0);
  close(fd);
  const err = await c.read(new Uint8Array(8)).then(() => null, (e) => e);
  assert.ok(err instanceof ConnectionResetError, String(err));
  assert.ok(err instanceof Deno.errors.ConnectionReset);
  assert.ok(err instanceof SockError);
  assert.match(err.message, /^read 127\.0\.0\.1:\d+: connection reset/);
  c.close();
  // sock side, same peer behaviour.
  const sl = sock.listen({ hostname: "127.0.0.1", port: 0 });
  const fd2 = tcpConnect((sl.addr as Deno.NetAddr).port);
  const sc = await sl.accept();
  setsockopt(fd2, SOL.SOCKET, SO.LINGER, LINGER0);
  close(fd2);
  const err2 = await sc.read(new Uint8Array(8)).then(() => null, (e) => e);
  assert.ok(err2 instanceof ConnectionResetError, String(err2));
  assert.ok(err2 instanceof Deno.errors.ConnectionReset);
  sc.close();
  sl.close();
  l.close();
});

Deno.test("uring net: hostnames, ports and options are checked with clear messages", async () => {
  assert.throws(() => listen({ hostname: "", port: 0 }), /must not be empty/);
  assert.throws(() => listen({ port: "http" }), /port "http" is not a number/);
  assert.throws(() => listen({ port: 70000 }), /0\.\.65535/);
  using byString = listen({ hostname: "localhost", port: "0" });
  assert.equal(byString.addr.hostname, "127.0.0.1");
  assert.throws(
    () => listen({ hostname: "no-such-host.invalid", port: 0 }),
    /cannot resolve "no-such-host\.invalid" without DNS/,
  );
  // Address in use: typed, also Deno's class, naming op and address.
  const e = (() => {
    try {
      listen({ hostname: "127.0.0.1", port: byString.addr.port });
    } catch (e) {
      return e;
    }
  })() as Error;
  assert.ok(e instanceof AddressInUseError);
  assert.ok(e instanceof Deno.errors.AddrInUse);
  assert.equal(
    e.message,
    `bind 127.0.0.1:${byString.addr.port}: address in use (EADDRINUSE)`,
  );
  // connect by name ("localhost") and by string port.
  const c = await connect({
    hostname: "localhost",
    port: String(byString.addr.port),
  });
  const s = await byString.accept();
  c.close();
  s.close();
  await assert.rejects(connect({ port: 1, hostname: "" }), /must not be empty/);
  const refused = await connect({ hostname: "127.0.0.1", port: 1 }).then(
    () => null,
    (e) => e,
  );
  assert.ok(refused instanceof Deno.errors.ConnectionRefused, String(refused));
});

Deno.test("uring net: an aborted connect rejects with signal.reason; DNS names need --allow-net", async () => {
  const ac = new AbortController();
  const reason = new Error("changed my mind");
  // A listener whose accept queue is full drops SYNs: connect waits.
  const full = listen({ hostname: "127.0.0.1", port: 0, backlog: 0 });
  const fillers: number[] = [];
  for (let k = 0; k < 4; k++) {
    const fd = socket(AF.INET, SOCK.STREAM | SOCK.NONBLOCK | SOCK.CLOEXEC, 0);
    zconnect(fd, sockaddrIn(full.addr.port));
    fillers.push(fd);
  }
  await new Promise((r) => setTimeout(r, 50));
  const p = connect({ port: full.addr.port, signal: ac.signal });
  setTimeout(() => ac.abort(reason), 50);
  await assert.rejects(p, (e) => e === reason);
  for (const fd of fillers) close(fd);
  full.close();
  const pre = AbortSignal.abort(reason);
  await assert.rejects(connect({ port: 9, signal: pre }), (e) => e === reason);
  // Without --allow-net a DNS name is a MissingPermissionError.
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    script,
    `import { connect } from "${new URL("../uring/mod.ts", import.meta.url)}";
     try { await connect({ hostname: "example.invalid", port: 80 }); }
     catch (e) { console.log(e.constructor.name, e instanceof Deno.errors.NotCapable, e.message); }`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-ffi", "--allow-read", script],
  }).output();
  await Deno.remove(script);
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  void MissingPermissionError;
  assert.match(text, /MissingPermissionError true .*--allow-net/, text);
});

Deno.test("uring net: close() frees the port at once; pending accept rejects; unref lets the process exit", async () => {
  const l = listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  const pending = l.accept();
  l.close();
  const e = await pending.then(() => null, (e) => e);
  assert.ok(e instanceof Deno.errors.BadResource, String(e));
  const again = listen({ hostname: "127.0.0.1", port });
  again.close();
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { listen } from "${new URL("../uring/mod.ts", import.meta.url)}";
       const l = listen({ port: 0 }); l.unref(); l.accept().catch(() => {});
       console.log("up");`,
    ],
  }).output();
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "up");
  assert.ok(performance.now() - t0 < 10_000);
});

Deno.test("uring net: a readable.pipeTo(writable) echo closes its connection at the end, so the process exits", async () => {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { connect, listen } from "${new URL(
        "../uring/mod.ts",
        import.meta.url,
      )}";
       const l = listen({ hostname: "127.0.0.1", port: 0 });
       (async () => { for await (const c of l) c.readable.pipeTo(c.writable); })();
       const c = await connect({ hostname: "127.0.0.1", port: l.addr.port });
       await c.write(new TextEncoder().encode("ping"));
       const buf = new Uint8Array(4);
       console.log(await c.read(buf), new TextDecoder().decode(buf));
       l.close();
       c.close();`,
    ],
    signal: AbortSignal.timeout(20_000),
  }).output();
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "4 ping");
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  assert.ok(performance.now() - t0 < 20_000);
});

// Runs `body` in a child process with `listen`/`connect` imported;
// returns its stdout, asserting it exited by itself (within 20 s).
async function exitsBySelf(body: string): Promise<string> {
  const mod = new URL("../uring/mod.ts", import.meta.url).href;
  const r = await runDenoChild(
    `import { connect, listen } from "${mod}";\n${body}`,
    ["--allow-all"],
    { killAfterMs: 20_000 },
  );
  assert.equal(r.signal, null, `killed, still running: ${r.stdout}`);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

Deno.test("uring net: only a pending read, write or accept keeps the process alive (as Deno.Conn)", async () => {
  const results = await Promise.all([
    // The readable read to its end (which closes the connection).
    exitsBySelf(`
      const l = listen({ port: 0 });
      const c = await Deno.connect({ port: l.addr.port });
      const s = await l.accept();
      l.close();
      c.close();
      for await (const _ of s.readable) {}
      console.log("end");`),
    // read() to end of stream, never closed; the listener left open, idle.
    exitsBySelf(`
      const l = listen({ port: 0 });
      const c = await connect({ port: l.addr.port });
      const s = await l.accept();
      c.close();
      console.log(await s.read(new Uint8Array(8)), "end");`),
    // A pending read holds the process until its data comes (from an
    // unref'd timer: only the read keeps the process running).
    exitsBySelf(`
      const l = listen({ port: 0 });
      const c = await Deno.connect({ port: l.addr.port });
      const s = await l.accept();
      l.close();
      Deno.unrefTimer(setTimeout(() => c.write(new Uint8Array(3)), 300));
      console.log("read", await s.read(new Uint8Array(8)));`),
    // Unref'd, the same pending read does not.
    exitsBySelf(`
      const l = listen({ port: 0 });
      const c = await Deno.connect({ port: l.addr.port });
      const s = await l.accept();
      l.close();
      s.unref();
      Deno.unrefTimer(setTimeout(() => c.write(new Uint8Array(3)), 300));
      s.read(new Uint8Array(8)).then((n) => console.log("read", n));
      console.log("up");`),
    // A pending accept holds; an unref'd one does not.
    exitsBySelf(`
      const l = listen({ port: 0 });
      Deno.unrefTimer(setTimeout(() => Deno.connect({ port: l.addr.port }), 300));
      const s = await l.accept();
      console.log("accepted");
      const u = listen({ port: 0 });
      u.unref();
      u.accept().then(() => console.log("never"));`),
  ]);
  assert.deepEqual(results, [
    "end",
    "null end",
    "read 3",
    "up",
    "accepted",
  ]);
});

Deno.test("uring net: the readable's end closes the connection once pending writes are sent; later writes reject", async () => {
  const l = listen({ hostname: "127.0.0.1", port: 0 });
  const c = await Deno.connect({ port: l.addr.port });
  const s = await l.accept();
  // More than the socket buffers hold: pending until the peer reads.
  const big = new Uint8Array(8 << 20).fill(5);
  const w = s.write(big);
  await c.closeWrite();
  for await (const _ of s.readable) { /* nothing sent */ }
  const late = s.write(new Uint8Array(1));
  await assert.rejects(late, (e) => e instanceof Deno.errors.BadResource);
  const buf = new Uint8Array(1 << 16);
  let got = 0;
  for (let n; (n = await c.read(buf)) !== null;) got += n;
  assert.equal(got, big.length);
  assert.equal(await w, big.length);
  // Closed after its writes: a later read is a ClosedError.
  await assert.rejects(
    s.read(buf),
    (e) => e instanceof Deno.errors.BadResource,
  );
  c.close();
  l.close();
});

function denoEchoServer(): {
  port: number;
  stop: () => void;
  done: Promise<void>;
} {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const done = (async () => {
    try {
      for await (const c of l) echo(c);
    } catch {
      // closed
    }
  })();
  return { port: (l.addr as Deno.NetAddr).port, stop: () => l.close(), done };
}

Deno.test("uring net: a 10 ms timer keeps ticking (>= 85/s of its own time) under a 50-connection echo load", async () => {
  const client = await buildC("echo_client");
  const srv = echoServer();
  const ctl = denoEchoServer();
  let r;
  try {
    r = await echoFairness(client, srv.port, ctl.port);
  } finally {
    srv.stop();
    ctl.stop();
    await srv.done;
    await ctl.done;
  }
  const { s, fig } = r;
  console.log(`  ${fig}`);
  assert.ok(s.kernio.msgs > 1000, `load too light:\n  ${fig}`);
  // The goal, on the time the machine let this thread run: lateness beyond
  // that is the event loop's own starvation.
  assert.ok(
    s.kernio.own >= MIN_OWN_TICKS_PER_SEC,
    `timer starved under load:\n  ${fig}`,
  );
});

Deno.test("uring net: one port served by 2 Workers (SO_REUSEPORT, one ring each)", async () => {
  // In its own process: Workers would type-check their module again, and
  // a Worker torn down under a live ring must not share this process.
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-check",
      "--allow-all",
      new URL("./_util/net_workers_main.ts", import.meta.url).pathname,
    ],
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  assert.match(text, /^served 2 /, text);
});

Deno.test("uring net: out of descriptors (EMFILE) the accept backs off instead of spinning, and resumes", async () => {
  const child = new Deno.Command("prlimit", {
    args: [
      "--nofile=48",
      Deno.execPath(),
      "run",
      "--no-check",
      "--allow-all",
      new URL("./_util/net_emfile.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/PORT \d+/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const port = Number(text.match(/PORT (\d+)/)![1]);
  // A client in another process holds 80 connections open.
  const py = new Deno.Command("python3", {
    args: [
      "-c",
      `import socket,sys,time
ss=[socket.create_connection(("127.0.0.1",${port})) for _ in range(80)]
time.sleep(8)`,
    ],
  }).spawn();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await child.status;
  py.kill();
  await py.status;
  const m = text.match(/RESULT (.*)/);
  assert.ok(m, text);
  const r = JSON.parse(m[1]);
  assert.ok(r.stalled > 0 && r.stalled < 80, text);
  assert.ok(r.backoffs > 0, `no EMFILE back-off seen: ${text}`);
  assert.ok(r.cpuMs < 150, `spun while out of fds: ${r.cpuMs} ms CPU in 1 s`);
  assert.ok(r.after > r.stalled, `accepting did not resume: ${text}`);
});

Deno.test("uring net: 10,000 concurrent connections, each echoed and checked", async () => {
  const N = 10_000;
  const server = new Deno.Command("prlimit", {
    args: [
      "--nofile=20000",
      Deno.execPath(),
      "run",
      "--no-check",
      "--allow-all",
      new URL("./_util/net_echo_server.ts", import.meta.url).pathname,
    ],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/PORT \d+/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server ended: ${text}`);
    text += value;
  }
  const port = Number(text.match(/PORT (\d+)/)![1]);
  // All N connections open at once, then a distinct message on each, then
  // every reply read back and compared.
  const py = `
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
ss = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    ss.append(s)
for i, s in enumerate(ss):
    s.sendall(b"conn-%08d" % i)
bad = 0
for i, s in enumerate(ss):
    want = b"conn-%08d" % i
    got = b""
    while len(got) < len(want):
        b = s.recv(64)
        if not b: break
        got += b
    if got != want: bad += 1
for s in ss: s.close()
print("OK" if bad == 0 else "BAD %d" % bad, len(ss))
`;
  const out = await new Deno.Command("prlimit", {
    args: ["--nofile=20000", "python3", "-c", py, String(port), String(N)],
  }).output();
  const res = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  await server.stdin.close();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await server.status;
  assert.match(res, new RegExp(`^OK ${N}`), res);
  assert.match(text, new RegExp(`SERVED ${N}`), text);
});
