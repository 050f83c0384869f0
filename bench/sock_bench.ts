/**
 * sock bench, side by side in one run:
 *
 * 1. 64-byte TCP ping-pong round trip on one loopback connection (TCP_NODELAY
 *    on both ends, client and server in one process for every
 *    implementation):
 *    - kernio: `tryWrite`/`tryRead` on non-blocking sockets, falling back to
 *      the epoll reactor only when an op would block (the fallback count is
 *      reported; on loopback the kernel delivers during write(), so it is
 *      normally 0);
 *    - kernio-async: the Deno.Conn-shaped `await write()` / `await read()`;
 *    - deno: Deno.listen / Deno.connect with `await write()` / `await read()`;
 *    - c: bench/c/sock_pingpong.c, the same sequence with blocking sockets
 *      in one thread (the limit);
 *    - node: node:net in one process (event-driven).
 *    Fairness: kernio and C run the exchange sequentially in one thread,
 *    which is what a non-blocking API allows; Deno and Node cannot, since
 *    their socket reads always go through the event loop. The kernio-async
 *    row shows kernio through a Deno-style promise API.
 * 2. sockaddr encode / parse / decode in ns/op.
 * 3. Scavenge GCs during 1M operations, counted under --v8-flags=--trace-gc
 *    (bench/sock_gc.ts): 1M ping-pong round trips, 1M UDP
 *    tryWriteTo+tryReadFrom, 1M sockaddr encode+parse+decode. Target 0.
 *
 * Run: `deno run -A bench/sock_bench.ts [--iters=20000] [--rounds=5]
 * [--gc-n=1000000] [--no-gc]`. Permissions used: --allow-ffi (libkernio),
 * --allow-net=127.0.0.1 (the Deno rows), --allow-run (C, node, the GC
 * probe), --allow-read/--allow-write (bench/build).
 *
 * @module
 */

import {
  decodeSockaddr,
  dialTCP4,
  listenTCP4,
  type NetSocket,
  setTCPNoDelay,
  SockaddrInet4,
  sockaddrToTCPAddr,
  tcpAddrToSockaddr,
  type TCPConn,
  WOULD_BLOCK,
} from "../sock/mod.ts";
import { tryBuildC } from "./_c.ts";
import { scavengesBetween, traceGcChild } from "./_gc.ts";
import { intArg } from "./_args.ts";

type Impl = "kernio" | "c" | "deno" | "node";
interface Row {
  name: string;
  impl: Impl;
  value: number;
  unit: "ns/op";
}

const ITERS = intArg("iters", 20_000);
const ROUNDS = intArg("rounds", 5);
const GC_N = intArg("gc-n", 1_000_000);
const GC_CHECK = !Deno.args.includes("--no-gc");
const SIZE = 64;

const rows: Row[] = [];
const notes: string[] = [];
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

// ---- kernio ping-pong ----------------------------------------------------
let fallbacks = 0;

async function finishRead(s: NetSocket, buf: Uint8Array, done: number) {
  let off = done > 0 ? done : 0;
  while (off < buf.length) {
    fallbacks++;
    await s.waitReadable();
    const n = s.tryRead(buf.subarray(off));
    if (n === 0) throw new Error("unexpected EOF");
    if (n !== WOULD_BLOCK) off += n;
  }
}

async function finishWrite(s: NetSocket, buf: Uint8Array, done: number) {
  let off = done > 0 ? done : 0;
  while (off < buf.length) {
    fallbacks++;
    await s.waitWritable();
    const n = s.tryWrite(buf.subarray(off));
    if (n !== WOULD_BLOCK) off += n;
  }
}

async function kernioPair(): Promise<[TCPConn, TCPConn, () => void]> {
  const ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
  const c = dialTCP4(null, ln.addr);
  await c.waitConnected();
  const s = await ln.accept();
  setTCPNoDelay(c, true);
  setTCPNoDelay(s, true);
  return [c, s, () => {
    c.close();
    s.close();
    ln.close();
  }];
}

async function kernioPingPong(iters: number): Promise<number> {
  const [c, s, done] = await kernioPair();
  const ping = new Uint8Array(SIZE).fill(1);
  const sbuf = new Uint8Array(SIZE);
  const cbuf = new Uint8Array(SIZE);
  const run = async (k: number) => {
    for (let i = 0; i < k; i++) {
      let n = c.tryWrite(ping);
      if (n !== SIZE) await finishWrite(c, ping, n);
      n = s.tryRead(sbuf);
      if (n !== SIZE) await finishRead(s, sbuf, n);
      n = s.tryWrite(sbuf);
      if (n !== SIZE) await finishWrite(s, sbuf, n);
      n = c.tryRead(cbuf);
      if (n !== SIZE) await finishRead(c, cbuf, n);
    }
  };
  await run(iters / 10);
  const t0 = performance.now();
  await run(iters);
  const ns = (performance.now() - t0) * 1e6 / iters;
  done();
  return ns;
}

async function readFullAsync(
  conn: { read(p: Uint8Array): Promise<number | null> },
  buf: Uint8Array,
) {
  let off = 0;
  while (off < buf.length) {
    const n = await conn.read(off === 0 ? buf : buf.subarray(off));
    if (n === null) throw new Error("unexpected EOF");
    off += n;
  }
}

async function writeFullAsync(
  conn: { write(p: Uint8Array): Promise<number> },
  buf: Uint8Array,
) {
  let off = 0;
  while (off < buf.length) {
    off += await conn.write(off === 0 ? buf : buf.subarray(off));
  }
}

// Client and server as two concurrent tasks, the way Deno code is written.
async function asyncPingPong(
  c: Deno.Conn | TCPConn,
  s: Deno.Conn | TCPConn,
  iters: number,
): Promise<number> {
  const ping = new Uint8Array(SIZE).fill(1);
  const total = iters + iters / 10;
  const server = (async () => {
    const buf = new Uint8Array(SIZE);
    for (let i = 0; i < total; i++) {
      await readFullAsync(s, buf);
      await writeFullAsync(s, buf);
    }
  })();
  const buf = new Uint8Array(SIZE);
  let t0 = 0;
  for (let i = 0; i < total; i++) {
    if (i === iters / 10) t0 = performance.now();
    await writeFullAsync(c, ping);
    await readFullAsync(c, buf);
  }
  const ns = (performance.now() - t0) * 1e6 / iters;
  await server;
  return ns;
}

async function kernioAsyncPingPong(iters: number): Promise<number> {
  const [c, s, done] = await kernioPair();
  try {
    return await asyncPingPong(c, s, iters);
  } finally {
    done();
  }
}

async function denoPingPong(iters: number): Promise<number> {
  const ln = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const cp = Deno.connect({ hostname: "127.0.0.1", port: ln.addr.port });
  const s = await ln.accept();
  const c = await cp;
  c.setNoDelay(true);
  s.setNoDelay(true);
  try {
    return await asyncPingPong(c, s, iters);
  } finally {
    c.close();
    s.close();
    ln.close();
  }
}

async function runCommand(cmd: string, args: string[]): Promise<number> {
  const out = await new Deno.Command(cmd, { args, stderr: "inherit" })
    .output();
  if (!out.success) throw new Error(`${cmd} failed`);
  return Number(new TextDecoder().decode(out.stdout).trim());
}

// ---- ping-pong rounds (interleaved so load noise hits every impl) --------
const samples: Record<string, number[]> = {
  kernio: [],
  "kernio-async": [],
  deno: [],
  c: [],
  node: [],
};
const cBuild = await tryBuildC("sock_pingpong");
if (!("path" in cBuild)) notes.push(`c row skipped: ${cBuild.skipped}`);
let hasNode = true;
try {
  await new Deno.Command("node", { args: ["--version"], stdout: "null" })
    .output();
} catch {
  hasNode = false;
  notes.push("node row skipped: node not on PATH");
}
const nodeScript = new URL("node/sock_pingpong.mjs", import.meta.url).pathname;
for (let r = 0; r < ROUNDS; r++) {
  samples.kernio.push(await kernioPingPong(ITERS));
  samples["kernio-async"].push(await kernioAsyncPingPong(ITERS));
  samples.deno.push(await denoPingPong(ITERS));
  if ("path" in cBuild) {
    samples.c.push(await runCommand(cBuild.path, [String(ITERS)]));
  }
  if (hasNode) {
    samples.node.push(await runCommand("node", [nodeScript, String(ITERS)]));
  }
}
const pp = (k: string) => samples[k].length ? median(samples[k]) : undefined;
rows.push({
  name: "tcp_pingpong_64B_rtt",
  impl: "kernio",
  value: pp("kernio")!,
  unit: "ns/op",
});
rows.push({
  name: "tcp_pingpong_64B_rtt_promise_api",
  impl: "kernio",
  value: pp("kernio-async")!,
  unit: "ns/op",
});
rows.push({
  name: "tcp_pingpong_64B_rtt",
  impl: "deno",
  value: pp("deno")!,
  unit: "ns/op",
});
if (pp("c") !== undefined) {
  rows.push({
    name: "tcp_pingpong_64B_rtt",
    impl: "c",
    value: pp("c")!,
    unit: "ns/op",
  });
}
if (pp("node") !== undefined) {
  rows.push({
    name: "tcp_pingpong_64B_rtt",
    impl: "node",
    value: pp("node")!,
    unit: "ns/op",
  });
}
notes.push(
  `ping-pong: median of ${ROUNDS} interleaved rounds x ${ITERS} round trips, one process per impl, loopback, TCP_NODELAY; kernio reactor fallbacks: ${fallbacks}`,
);

// ---- sockaddr ---------------------------------------------------------------
function timeNs(n: number, f: (i: number) => number): number {
  let sink = 0;
  for (let i = 0; i < n / 10; i++) sink += f(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += f(i);
  const ns = (performance.now() - t0) * 1e6 / n;
  if (sink === -1) console.log(sink);
  return ns;
}
const N_SA = 2_000_000;
const sa = new SockaddrInet4();
const into = new SockaddrInet4();
const lit = { hostname: "10.1.2.3", port: 8080 };
const encodeNs = [], parseNs = [], decodeNs = [], toNetAddrNs = [];
for (let r = 0; r < ROUNDS; r++) {
  encodeNs.push(
    timeNs(
      N_SA,
      (i) =>
        sa.setAddrU32(0x7f000001 + (i & 0xff)).setPort(i & 0xffff).bytes[3],
    ),
  );
  parseNs.push(timeNs(N_SA, () => tcpAddrToSockaddr(lit, into).bytes[4]));
  decodeNs.push(
    timeNs(
      N_SA,
      () => (decodeSockaddr(sa.bytes, 16, into) as SockaddrInet4).port(),
    ),
  );
  toNetAddrNs.push(timeNs(N_SA / 4, () => sockaddrToTCPAddr(sa).port));
}
rows.push({
  name: "sockaddr_encode_setters",
  impl: "kernio",
  value: median(encodeNs),
  unit: "ns/op",
});
rows.push({
  name: "sockaddr_encode_from_literal",
  impl: "kernio",
  value: median(parseNs),
  unit: "ns/op",
});
rows.push({
  name: "sockaddr_decode_into",
  impl: "kernio",
  value: median(decodeNs),
  unit: "ns/op",
});
rows.push({
  name: "sockaddr_to_deno_netaddr",
  impl: "kernio",
  value: median(toNetAddrNs),
  unit: "ns/op",
});

// ---- GC check -----------------------------------------------------------------
const gc: Record<string, number | string> = {};
if (GC_CHECK) {
  for (const mode of ["pingpong", "udp", "sockaddr"]) {
    const text = await traceGcChild(
      new URL("sock_gc.ts", import.meta.url).pathname,
      [mode, String(GC_N)],
    );
    const n = scavengesBetween(text);
    if (n === undefined) throw new Error(`sock_gc.ts ${mode}:\n${text}`);
    gc[mode] = n;
    const fb = /fallbacks (\d+)/.exec(text.split("GC_CHECK_END")[1]);
    if (fb) gc[`${mode}_fallbacks`] = Number(fb[1]);
  }
  notes.push(
    `GC check (--trace-gc): ${gc.pingpong} Scavenge during ${GC_N} ping-pong round trips (${gc.pingpong_fallbacks} reactor fallbacks), ${gc.udp} during ${GC_N} UDP tryWriteTo+tryReadFrom, ${gc.sockaddr} during ${GC_N} sockaddr encode+parse+decode (target 0)`,
  );
}

// ---- report ---------------------------------------------------------------------
const get = (name: string, impl: Impl) =>
  rows.find((r) => r.name === name && r.impl === impl)?.value;
const fmt = (v: number | undefined) => v === undefined ? "-" : v.toFixed(1);
const k = get("tcp_pingpong_64B_rtt", "kernio");
const d = get("tcp_pingpong_64B_rtt", "deno");
console.log(
  `sock bench: 64-byte TCP ping-pong, ns per round trip (median of ${ROUNDS} x ${ITERS}; lower is better)`,
);
console.table([{
  kernio: fmt(k),
  "kernio (promise API)": fmt(
    get("tcp_pingpong_64B_rtt_promise_api", "kernio"),
  ),
  deno: fmt(d),
  C: fmt(get("tcp_pingpong_64B_rtt", "c")),
  node: fmt(get("tcp_pingpong_64B_rtt", "node")),
  "kernio/deno": k && d ? (k / d).toFixed(2) + "x" : "-",
  "promise API/deno": (() => {
    const a = get("tcp_pingpong_64B_rtt_promise_api", "kernio");
    return a && d ? (a / d).toFixed(2) + "x (target <= 0.8x)" : "-";
  })(),
  "kernio/C": k && get("tcp_pingpong_64B_rtt", "c")
    ? (k / get("tcp_pingpong_64B_rtt", "c")!).toFixed(2) + "x"
    : "-",
}]);
console.log("sockaddr, ns/op:");
console.table(
  rows.filter((r) => r.name.startsWith("sockaddr")).map((r) => ({
    op: r.name,
    "ns/op": fmt(r.value),
  })),
);
if (GC_CHECK) {
  console.log(
    `GC check: ping-pong ${gc.pingpong} Scavenge / ${GC_N} round trips; UDP ${gc.udp} / ${GC_N} writeTo+readFrom; sockaddr ${gc.sockaddr} / ${GC_N} ops (target 0)`,
  );
}
console.log(
  "BENCH_JSON " +
    JSON.stringify({
      bench: "sock",
      rows: rows.map((r) => ({ ...r, value: Number(r.value.toFixed(2)) })),
      notes: notes.join("; "),
    }),
);
