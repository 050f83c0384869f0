/**
 * Echo throughput, side by side in one run: kernio's io_uring echo server
 * (`examples/echo_server.ts`), Deno.listen (`examples/echo_deno.ts`),
 * node:net (`bench/node/echo_server.mjs`) and a C epoll server (the limit),
 * each driven by the same C load generator (`bench/c/echo_client.c`) with
 * 64-byte messages at 1, 50 and 500 connections.
 *
 * Run: `deno task build && deno run --allow-all bench/echo_bench.ts
 * [--seconds=3] [--conns=1,50,500]`
 *
 * @example
 * ```sh
 * deno run --allow-all bench/echo_bench.ts --seconds=2
 * ```
 *
 * @module
 */

import { buildC } from "./_cc.ts";
import {
  DENO,
  type EchoResult,
  runEchoClient,
  startServer,
  table,
} from "./_echo_harness.ts";

function arg(name: string, dflt: string): string {
  const a = Deno.args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
}

const seconds = Number(arg("seconds", "3"));
const connsList = arg("conns", "1,50,500").split(",").map(Number);
if (!(seconds > 0) || connsList.some((c) => !(c >= 1 && c <= 10000))) {
  throw new RangeError("bad --seconds or --conns");
}

const client = await buildC("echo_client");
const servers: { name: string; impl: string; cmd: string[] }[] = [
  {
    name: "kernio io_uring",
    impl: "kernio",
    cmd: [
      DENO,
      "run",
      "--allow-ffi",
      "examples/echo_server.ts",
      "0",
    ],
  },
  {
    name: "Deno.listen",
    impl: "deno",
    cmd: [DENO, "run", "--allow-net=127.0.0.1", "examples/echo_deno.ts", "0"],
  },
  {
    name: "node:net",
    impl: "node",
    cmd: ["node", "bench/node/echo_server.mjs", "0"],
  },
  { name: "C epoll", impl: "c", cmd: [await buildC("echo_epoll"), "0"] },
];

const results = new Map<string, EchoResult>();
const notes: string[] = [];
for (const s of servers) {
  let srv;
  try {
    srv = await startServer(s.cmd);
  } catch (e) {
    notes.push(`${s.name}: not run (${e instanceof Error ? e.message : e})`);
    continue;
  }
  try {
    for (const c of connsList) {
      // A short warm-up so JITs and socket buffers settle.
      await runEchoClient(client, srv.port, c, 0.3);
      results.set(
        `${s.name}/${c}`,
        await runEchoClient(client, srv.port, c, seconds),
      );
    }
  } catch (e) {
    notes.push(`${s.name}: ${e instanceof Error ? e.message : e}`);
  } finally {
    await srv.stop();
  }
}

const rows: string[][] = [];
const json: { name: string; impl: string; value: number; unit: string }[] = [];
for (const c of connsList) {
  for (const s of servers) {
    const r = results.get(`${s.name}/${c}`);
    if (!r) continue;
    rows.push([
      `${s.name}`,
      String(c),
      Math.round(r.msgs_per_s).toLocaleString("en-US"),
      r.p50_us.toFixed(0),
      r.p99_us.toFixed(0),
      String(r.errors),
    ]);
    json.push({
      name: `echo ${c} conns msgs/s`,
      impl: s.impl,
      value: Math.round(r.msgs_per_s),
      unit: "msgs/s",
    });
    json.push({
      name: `echo ${c} conns p99`,
      impl: s.impl,
      value: r.p99_us / 1000,
      unit: "ms",
    });
  }
}
console.log(
  `echo, 64-byte messages, ${seconds}s per point, one message in flight per connection`,
);
console.log(
  table(["server", "conns", "msgs/s", "p50 us", "p99 us", "errors"], rows),
);
for (const c of connsList) {
  const k = results.get(`kernio io_uring/${c}`);
  const d = results.get(`Deno.listen/${c}`);
  const n = results.get(`node:net/${c}`);
  if (k && d) {
    const line =
      `${c} conns: kernio ${Math.round(k.msgs_per_s)} vs Deno.listen ${
        Math.round(d.msgs_per_s)
      } msgs/s = ${(k.msgs_per_s / d.msgs_per_s).toFixed(2)}x` +
      (n
        ? `; vs node:net ${Math.round(n.msgs_per_s)} = ${
          (k.msgs_per_s / n.msgs_per_s).toFixed(2)
        }x`
        : "");
    console.log(line);
    notes.push(line);
  }
}
console.log(
  "BENCH_JSON " +
    JSON.stringify({ bench: "echo", rows: json, notes: notes.join("; ") }),
);
