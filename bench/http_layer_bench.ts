/**
 * The HTTP layer alone, without the kernel: requests fed to `serve()`'s
 * connection state machine (`HttpConnection`) over an in-memory transport
 * whose sends complete at once, 50 connections, the hello handler. Two
 * cases side by side, alternated over rounds, medians: every connection
 * repeating one request head (what `wrk` sends; a byte-identical head is
 * not parsed again), and a new request path each time (every head parsed).
 * Repeatable to a few percent where the socket benches vary by tens.
 *
 * Run: `deno run --allow-all bench/http_layer_bench.ts [--requests=N]
 * [--rounds=N]`.
 *
 * @example
 * ```sh
 * deno run --allow-all bench/http_layer_bench.ts --requests=200000 --rounds=3
 * ```
 *
 * @module
 */

import { intArg } from "./_args.ts";
import { type ConnectionHost, HttpConnection } from "../http/_connection.ts";
import { DEFAULT_HEAD_LIMITS } from "../http/_parser.ts";
import type { TransportConn } from "../http/_transport.ts";

const requests = intArg("requests", 1_000_000);
const rounds = intArg("rounds", 5);
const CONNS = 50;

const host: ConnectionHost = {
  handler: () => new Response("Hello, World!"),
  onError: () => new Response("error", { status: 500 }),
  limits: DEFAULT_HEAD_LIMITS,
  maxBodySize: Number.MAX_SAFE_INTEGER,
  headerTimeout: 10_000,
  idleTimeout: 5_000,
  shuttingDown: false,
  defaultHost: "127.0.0.1:8000",
  remoteAddr: () => ({ transport: "tcp", hostname: "127.0.0.1", port: 1 }),
  connectionClosed() {},
};

let sentBytes = 0;
const done: ((errno: number) => void)[] = [];
const transport: TransportConn = {
  fd: -1,
  queuedBytes: 0,
  send(buf, start = 0, end = buf.length, cb = null) {
    sentBytes += end - start;
    if (cb) done.push(cb);
    return true;
  },
  pause() {},
  resume() {},
  end() {},
  close() {},
  ref() {},
  unref() {},
};

const conns: HttpConnection[] = [];
for (let i = 0; i < CONNS; i++) {
  const c = new HttpConnection(host, 1000 + i);
  c.t = transport;
  conns.push(c);
}

// Heads for the "new path" case: 1,024 distinct paths of equal length.
const encoder = new TextEncoder();
const head = (path: string) =>
  encoder.encode(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n`);
const same = [head("/")];
const varied = Array.from(
  { length: 1024 },
  (_, i) => head(`/${i.toString(36).padStart(2, "0")}`),
);

function run(heads: Uint8Array[], n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const h = heads[i % heads.length];
    conns[i % CONNS].onData(transport, h, h.length);
    // Sends complete in batches, as a ring's completions do.
    if (done.length >= 16) { for (const cb of done.splice(0)) cb(0); }
  }
  for (const cb of done.splice(0)) cb(0);
  return (performance.now() - t0) * 1e6 / n;
}

const CASES = [
  { name: "http layer, a repeated head", heads: same },
  { name: "http layer, a new path each request", heads: varied },
];
for (const c of CASES) run(c.heads, Math.min(requests, 200_000)); // warm-up
const per = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
for (let r = 0; r < rounds; r++) {
  for (const c of r % 2 === 0 ? CASES : [...CASES].reverse()) {
    per.get(c.name)!.push(run(c.heads, requests));
  }
}
const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `HTTP layer in-process, ${CONNS} connections, ${requests} requests per round, medians of ${rounds} alternating rounds`,
);
const rows = CASES.map((c) => {
  const v = median(per.get(c.name)!);
  console.log(
    `${c.name.padEnd(38)} ${v.toFixed(0).padStart(6)} ns/request  (rounds: ${
      per.get(c.name)!.map((x) => x.toFixed(0)).join(", ")
    })`,
  );
  return { name: c.name, impl: "kernio", value: Math.round(v), unit: "ns/op" };
});
if (sentBytes === 0) throw new Error("nothing was sent");
console.log(
  "BENCH_JSON " + JSON.stringify({
    bench: "http_layer",
    rows,
    notes:
      "serve()'s connection code with an in-memory transport (no sockets, no ring)",
  }),
);
