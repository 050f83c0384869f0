/**
 * GC probe for bench/sock_bench.ts: run under `--v8-flags=--trace-gc` with
 * `pingpong` or `sockaddr` as argument. It warms up, prints GC_CHECK_START,
 * performs 1M operations on kernio's hot path, and prints GC_CHECK_END;
 * every "Scavenge" line between the markers is an allocation on that path.
 *
 * - pingpong: 1M 64-byte TCP round trips on one loopback connection
 *   (tryWrite/tryRead, 4M syscalls), falling back to the reactor only when
 *   a read would block (the count of fallbacks is printed).
 * - udp: 1M datagrams through tryWriteTo (to a reused sockaddr) and
 *   tryReadFrom (sender written into the socket-owned address).
 * - sockaddr: 1M encode (setAddrU32 + setPort, and parse of an IPv4
 *   literal into a reused object) + decode (decodeSockaddr into a reused
 *   object, port() read back).
 *
 * @module
 */

import {
  decodeSockaddr,
  dialTCP4,
  listenTCP4,
  listenUDP4,
  type NetSocket,
  setTCPNoDelay,
  SockaddrInet4,
  tcpAddrToSockaddr,
  WOULD_BLOCK,
} from "../sock/mod.ts";

const mode = Deno.args[0] ?? "pingpong";
const N = Number(Deno.args[1] ?? 1_000_000);

let fallbacks = 0;

// Finishes a read that the fast path left short (`done` bytes, or
// WOULD_BLOCK).
async function readFull(
  s: NetSocket,
  buf: Uint8Array,
  done: number,
): Promise<void> {
  let off = done > 0 ? done : 0;
  if (done === WOULD_BLOCK) {
    fallbacks++;
    await s.waitReadable();
  }
  while (off < buf.length) {
    const n = s.tryRead(off === 0 ? buf : buf.subarray(off));
    if (n === WOULD_BLOCK) {
      fallbacks++;
      await s.waitReadable();
      continue;
    }
    if (n === 0) throw new Error("unexpected EOF");
    off += n;
  }
}

async function writeFull(
  s: NetSocket,
  buf: Uint8Array,
  done: number,
): Promise<void> {
  let off = done > 0 ? done : 0;
  if (done === WOULD_BLOCK) {
    fallbacks++;
    await s.waitWritable();
  }
  while (off < buf.length) {
    const n = s.tryWrite(off === 0 ? buf : buf.subarray(off));
    if (n === WOULD_BLOCK) {
      fallbacks++;
      await s.waitWritable();
      continue;
    }
    off += n;
  }
}

async function pingpong(): Promise<void> {
  const ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
  const c = dialTCP4(null, ln.addr);
  await c.waitConnected();
  const s = await ln.accept();
  setTCPNoDelay(c, true);
  setTCPNoDelay(s, true);
  const ping = new Uint8Array(64).fill(1);
  const sbuf = new Uint8Array(64);
  const cbuf = new Uint8Array(64);
  // The fast path is synchronous: calling an async helper per op would
  // allocate a promise each time, so they only run when an op is short.
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      let n = c.tryWrite(ping);
      if (n !== 64) await writeFull(c, ping, n);
      n = s.tryRead(sbuf);
      if (n !== 64) await readFull(s, sbuf, n);
      n = s.tryWrite(sbuf);
      if (n !== 64) await writeFull(s, sbuf, n);
      n = c.tryRead(cbuf);
      if (n !== 64) await readFull(c, cbuf, n);
    }
  };
  await run(20_000);
  fallbacks = 0;
  console.log("GC_CHECK_START");
  await run(N);
  console.log("GC_CHECK_END");
  console.log(`fallbacks ${fallbacks}`);
  c.close();
  s.close();
  ln.close();
}

function sockaddr(): void {
  const sa = new SockaddrInet4();
  const into = new SockaddrInet4();
  const parsed = new SockaddrInet4();
  const lit = { hostname: "10.1.2.3", port: 8080 };
  let sink = 0;
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      sa.setAddrU32(0x7f000001 + (i & 0xff)).setPort(i & 0xffff);
      tcpAddrToSockaddr(lit, parsed);
      sink += (decodeSockaddr(sa.bytes, 16, into) as SockaddrInet4).port();
    }
  };
  run(50_000);
  console.log("GC_CHECK_START");
  run(N);
  console.log("GC_CHECK_END");
  if (sink < 0) throw new Error("unreachable");
}

function udp(): void {
  const a = listenUDP4({ hostname: "127.0.0.1", port: 0 });
  const b = listenUDP4({ hostname: "127.0.0.1", port: 0 });
  const to = new SockaddrInet4([127, 0, 0, 1], a.localAddr.port);
  const out = new Uint8Array(64).fill(3);
  const buf = new Uint8Array(1500);
  let sink = 0;
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      if (b.tryWriteTo(out, to) !== 64) throw new Error("short send");
      const r = a.tryReadFrom(buf);
      // Loopback UDP is delivered during sendto: never would-block here.
      if (r !== 64) throw new Error(`readFrom gave ${r}`);
      sink += a.lastFrom.port();
    }
  };
  run(20_000);
  console.log("GC_CHECK_START");
  run(N);
  console.log("GC_CHECK_END");
  a.close();
  b.close();
  if (sink < 0) throw new Error("unreachable");
}

if (mode === "pingpong") await pingpong();
else if (mode === "udp") udp();
else if (mode === "sockaddr") sockaddr();
else throw new TypeError(`sock_gc.ts: unknown mode ${mode}`);
