/**
 * HTTP/1.1 "hello" requests/s with wrk at 50 connections, side by side in one
 * run: kernio's io_uring HTTP example (`examples/http_hello.ts`) vs
 * `Deno.serve` (`bench/deno/http_hello_serve.ts`).
 *
 * Run: `deno task build && deno run --allow-all bench/http_bench.ts
 * [--seconds=5] [--conns=50] [--rounds=3] [--threads=1]` (needs `wrk`). The servers
 * alternate for `rounds` rounds; each one's median round is reported.
 *
 * @example
 * ```sh
 * deno run --allow-all bench/http_bench.ts --seconds=3
 * ```
 *
 * @module
 */

import { DENO, startServer, table } from "./_echo_harness.ts";

function arg(name: string, dflt: string): string {
  const a = Deno.args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
}
const seconds = Number(arg("seconds", "5"));
const conns = Number(arg("conns", "50"));
// wrk threads: with -t1, wrk needs about as much CPU per request as the
// server and saturates its core too; -t2 gives the generator headroom on
// a 2-core machine (the servers then share the cores with it).
const threads = Number(arg("threads", "1"));
if (!(Number.isInteger(threads) && threads >= 1 && threads <= 64)) {
  throw new RangeError("bad --threads");
}
const tag = threads === 1 ? "" : ` wrk -t${threads}`;
if (!(seconds >= 1 && seconds <= 600) || !(conns >= 1 && conns <= 10000)) {
  throw new RangeError("bad --seconds or --conns");
}

interface WrkResult {
  rps: number;
  requests: number;
  /** Server CPU (user + system, all threads) per request, in us. */
  cpuUs: number;
  p50ms: number;
  p99ms: number;
  errors: number;
}

function ms(v: string, unit: string): number {
  const n = Number(v);
  return unit === "us" ? n / 1000 : unit === "s" ? n * 1000 : n;
}

async function wrk(port: number, secs: number): Promise<WrkResult> {
  const { code, stdout, stderr } = await new Deno.Command("wrk", {
    args: [
      `-t${threads}`,
      `-c${conns}`,
      `-d${secs}s`,
      "--latency",
      `http://127.0.0.1:${port}/`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  if (code !== 0) {
    throw new Error(`wrk failed: ${new TextDecoder().decode(stderr)}`);
  }
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const errs = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const sock =
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
      .exec(out);
  return {
    rps,
    requests,
    cpuUs: NaN,
    p50ms: p50 ? ms(p50[1], p50[2]) : NaN,
    p99ms: p99 ? ms(p99[1], p99[2]) : NaN,
    errors: (errs ? Number(errs[1]) : 0) +
      (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
  };
}

const servers = [
  {
    name: "kernio io_uring",
    impl: "kernio",
    cmd: [
      DENO,
      "run",
      "--allow-ffi",
      "examples/http_hello.ts",
      "0",
    ],
  },
  {
    name: "Deno.serve",
    impl: "deno",
    cmd: [
      DENO,
      "run",
      "--allow-net=127.0.0.1",
      "bench/deno/http_hello_serve.ts",
      "0",
    ],
  },
];

// The machine is shared and noisy: alternate the servers for `rounds`
// rounds and keep each one's median round.
const rounds = Number(arg("rounds", "3"));
if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 20)) {
  throw new RangeError("bad --rounds");
}
const all = new Map<string, WrkResult[]>();
const roundOf = new Map<WrkResult, number>();
const notes: string[] = [];
for (let round = 0; round < rounds; round++) {
  for (const s of servers) {
    let srv;
    try {
      srv = await startServer(s.cmd);
    } catch (e) {
      notes.push(`${s.name}: not run (${e instanceof Error ? e.message : e})`);
      continue;
    }
    try {
      await wrk(srv.port, 1); // warm-up
      const cpu0 = srv.cpuSeconds();
      const r = await wrk(srv.port, seconds);
      r.cpuUs = (srv.cpuSeconds() - cpu0) * 1e6 / r.requests;
      all.set(s.name, [...(all.get(s.name) ?? []), r]);
      roundOf.set(r, round);
    } catch (e) {
      notes.push(`${s.name}: ${e instanceof Error ? e.message : e}`);
    } finally {
      await srv.stop();
    }
  }
}
const results = new Map<string, WrkResult>();
for (const [name, rs] of all) {
  const sorted = [...rs].sort((a, b) => a.rps - b.rps);
  results.set(name, sorted[Math.floor(sorted.length / 2)]);
  notes.push(
    `${name} rounds req/s: ${rs.map((r) => Math.round(r.rps)).join(", ")}`,
  );
}

const rows: string[][] = [];
const json: { name: string; impl: string; value: number; unit: string }[] = [];
for (const s of servers) {
  const r = results.get(s.name);
  if (!r) continue;
  rows.push([
    s.name,
    Math.round(r.rps).toLocaleString("en-US"),
    r.p50ms.toFixed(2),
    r.p99ms.toFixed(2),
    r.cpuUs.toFixed(2),
    String(r.errors),
  ]);
  json.push({
    name: `http hello ${conns} conns${tag}`,
    impl: s.impl,
    value: Math.round(r.rps),
    unit: "req/s",
  });
  json.push({
    name: `http hello ${conns} conns${tag} p99`,
    impl: s.impl,
    value: r.p99ms,
    unit: "ms",
  });
  if (Number.isFinite(r.cpuUs)) {
    json.push({
      name: `http hello ${conns} conns${tag} server cpu per request`,
      impl: s.impl,
      value: Math.round(r.cpuUs * 1000),
      unit: "ns/op",
    });
  }
}
console.log(
  `HTTP/1.1 hello, wrk -t${threads} -c${conns} -d${seconds}s, median of ${rounds} alternating rounds`,
);
console.log(
  table(["server", "req/s", "p50 ms", "p99 ms", "cpu us/req", "errors"], rows),
);
const k = results.get("kernio io_uring");
const d = results.get("Deno.serve");
if (k && d) {
  const line = `kernio ${Math.round(k.rps)} vs Deno.serve ${
    Math.round(d.rps)
  } req/s = ${(k.rps / d.rps).toFixed(2)}x`;
  console.log(line);
  notes.push(line);
  // The machine is shared: a busy neighbour slows whole rounds, so also
  // compare within each round (the servers ran back to back).
  const ratios: number[] = [];
  for (const rk of all.get("kernio io_uring") ?? []) {
    const rd = (all.get("Deno.serve") ?? []).find((x) =>
      roundOf.get(x) === roundOf.get(rk)
    );
    if (rd) ratios.push(rk.rps / rd.rps);
  }
  if (ratios.length >= 2) {
    const sorted = [...ratios].sort((x, y) => x - y);
    const paired = `  per-round ratios kernio / Deno.serve: ${
      ratios.map((x) => x.toFixed(2)).join(", ")
    } (median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)}x)`;
    console.log(paired);
    notes.push(paired.trim());
  }
}
console.log(
  "BENCH_JSON " +
    JSON.stringify({ bench: "http", rows: json, notes: notes.join("; ") }),
);
