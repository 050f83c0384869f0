/**
 * Echo throughput, side by side in one run: kernio's `listen` as a user
 * writes it (`examples/echo_server.ts`: read/write promises on a
 * Deno.TcpConn), the raw ring version (`examples/echo_raw.ts`),
 * Deno.listen (`examples/echo_deno.ts`), node:net
 * (`bench/node/echo_server.mjs`), a C epoll server and a C liburing server
 * (`bench/c/echo_uring.c`, the io_uring limit), each driven by the same C
 * load generator (`bench/c/echo_client.c`) with 64-byte messages at 1, 50
 * and 500 connections, alternated over rounds (medians, and per-round
 * paired ratios).
 *
 * Run: `deno task build && deno run --allow-all bench/echo_bench.ts
 * [--seconds=3] [--conns=1,50,500] [--rounds=3] [--no-gc] [--no-rtt]
 * [--servers=kernio,kernio-raw,deno,node,c,c-uring]`.
 * Then a round-trip comparison (bench/_pingpong_client.ts: Deno.connect,
 * kernio's uring and sock `connect`, same code, against the C epoll
 * server; bench/c/pingpong_client.c, blocking write/read, as the floor).
 * Ends with the allocation check: bytes allocated per message by the
 * `listen` server (V8's GC trace, --trace-gc-nvp) and scavenges of the raw
 * server while each echoes ~1M messages.
 *
 * @example
 * ```sh
 * deno run --allow-all bench/echo_bench.ts --seconds=2
 * ```
 *
 * @module
 */

import { buildC } from "./_c.ts";
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

// --servers=kernio,kernio-raw,deno keeps those rows only (their `impl`).
const onlyServers = Deno.args.some((x) => x.startsWith("--servers="))
  ? arg("servers", "").split(",")
  : null;
const client = await buildC("echo_client");
const servers: { name: string; impl: string; cmd: string[] }[] = [
  {
    name: "kernio listen",
    impl: "kernio",
    cmd: [DENO, "run", "--allow-ffi", "examples/echo_server.ts", "0"],
  },
  {
    name: "kernio raw ring",
    impl: "kernio-raw",
    cmd: [DENO, "run", "--allow-ffi", "examples/echo_raw.ts", "0"],
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
  {
    name: "C liburing",
    impl: "c-uring",
    cmd: [await buildC("echo_uring", { libs: ["-luring"] }), "0"],
  },
].filter((s) => onlyServers === null || onlyServers.includes(s.impl));

// The machine is shared and noisy: alternate the servers for `rounds`
// rounds and keep each point's median round.
const rounds = Number(arg("rounds", "3"));
if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 20)) {
  throw new RangeError("bad --rounds");
}
const all = new Map<string, EchoResult[]>();
const roundOf = new Map<EchoResult, number>();
// Server CPU (user + system, all threads) per echoed message, in us.
const cpuPerMsg = new Map<EchoResult, number>();
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
      for (const c of connsList) {
        // A short warm-up so JITs and socket buffers settle.
        await runEchoClient(client, srv.port, c, 0.3);
        const cpu0 = srv.cpuSeconds();
        const r = await runEchoClient(client, srv.port, c, seconds);
        cpuPerMsg.set(r, (srv.cpuSeconds() - cpu0) * 1e6 / r.msgs);
        all.set(`${s.name}/${c}`, [...(all.get(`${s.name}/${c}`) ?? []), r]);
        roundOf.set(r, round);
      }
    } catch (e) {
      notes.push(`${s.name}: ${e instanceof Error ? e.message : e}`);
    } finally {
      await srv.stop();
    }
  }
}
const results = new Map<string, EchoResult>();
for (const [key, rs] of all) {
  const sorted = [...rs].sort((x, y) => x.msgs_per_s - y.msgs_per_s);
  results.set(key, sorted[Math.floor(sorted.length / 2)]);
  if (key.endsWith("/50")) {
    notes.push(
      `${key} rounds msgs/s: ${
        rs.map((r) => Math.round(r.msgs_per_s)).join(", ")
      }`,
    );
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
      (cpuPerMsg.get(r) ?? NaN).toFixed(2),
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
    const cpu = cpuPerMsg.get(r);
    if (cpu !== undefined && Number.isFinite(cpu)) {
      json.push({
        name: `echo ${c} conns server cpu per msg`,
        impl: s.impl,
        value: Math.round(cpu * 1000),
        unit: "ns/op",
      });
    }
  }
}
console.log(
  `echo, 64-byte messages, ${seconds}s per point, one message in flight per connection, median of ${rounds} alternating rounds`,
);
console.log(
  table(
    ["server", "conns", "msgs/s", "p50 us", "p99 us", "cpu us/msg", "errors"],
    rows,
  ),
);
for (const c of connsList) {
  for (
    const [a, b] of [
      ["kernio listen", "Deno.listen"],
      ["kernio listen", "node:net"],
      ["kernio raw ring", "C liburing"],
    ]
  ) {
    const ra = results.get(`${a}/${c}`);
    const rb = results.get(`${b}/${c}`);
    if (!ra || !rb) continue;
    const line = `${c} conns: ${a} ${Math.round(ra.msgs_per_s)} vs ${b} ${
      Math.round(rb.msgs_per_s)
    } msgs/s = ${(ra.msgs_per_s / rb.msgs_per_s).toFixed(2)}x (medians)`;
    console.log(line);
    notes.push(line);
    const paired = pairedRatio(`${a}/${c}`, `${b}/${c}`);
    if (paired) {
      console.log(paired);
      notes.push(paired.trim());
    }
  }
}

// The machine is shared: a busy neighbour slows whole rounds, so also
// compare within each round (the two servers ran back to back) and report
// the median of those ratios.
function pairedRatio(a: string, b: string): string | undefined {
  const ratios: number[] = [];
  for (const ra of all.get(a) ?? []) {
    const rb = (all.get(b) ?? []).find((x) =>
      roundOf.get(x) === roundOf.get(ra)
    );
    if (rb) ratios.push(ra.msgs_per_s / rb.msgs_per_s);
  }
  if (ratios.length < 2) return undefined;
  const sorted = [...ratios].sort((x, y) => x - y);
  return `  per-round ratios ${a.split("/")[0]} / ${b.split("/")[0]}: ${
    ratios.map((x) => x.toFixed(2)).join(", ")
  } (median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)}x)`;
}
// Allocation check. The `listen` server under V8's GC trace: the sum of
// the "allocated" bytes its scavenges report, over the messages echoed
// meanwhile (a read and a write promise per message, as Deno.Conn has).
// The raw server's hot path (recv CQE, send from the ring buffer,
// recycle) must not trigger a single scavenge.
if (!Deno.args.includes("--no-gc")) {
  for (
    const [name, file] of [
      ["kernio listen", "examples/echo_server.ts"],
      ["kernio raw ring", "examples/echo_raw.ts"],
    ]
  ) {
    let text = "";
    const srv = await startServer(
      [
        DENO,
        "run",
        "--allow-ffi",
        "--v8-flags=--trace-gc-nvp",
        file,
        "0",
      ],
      15000,
      (t) => text += t,
    );
    try {
      await runEchoClient(client, srv.port, 50, 0.5); // warm-up
      const start = text.length;
      let msgs = 0;
      for (let i = 0; i < 10 && msgs < 1_000_000; i++) {
        msgs += (await runEchoClient(client, srv.port, 50, 2)).msgs;
      }
      const window = text.slice(start);
      const scavenges = (window.match(/"gc":"s"/g) ?? []).length;
      let bytes = 0;
      for (const m of window.matchAll(/"gc":"s".*?"allocated":(\d+)/g)) {
        bytes += Number(m[1]);
      }
      const line = `gc: ${name}: ${scavenges} scavenges, ${
        (bytes / msgs).toFixed(0)
      } bytes allocated per message over ${msgs} messages`;
      console.log(line);
      notes.push(line);
      json.push({
        name: "echo 50 conns bytes allocated per msg",
        impl: name === "kernio listen" ? "kernio" : "kernio-raw",
        value: Math.round(bytes / msgs),
        unit: "B/op",
      });
    } finally {
      await srv.stop();
    }
  }
}

// Round trip with the promise APIs: one connection to the C epoll server,
// 64-byte ping-pong, Deno.connect against kernio's uring and sock
// `connect`, and a C client with blocking write/read (the floor: two
// system calls and one wake-up per round trip), alternated.
if (!Deno.args.includes("--no-rtt")) {
  const srv = await startServer([await buildC("echo_epoll"), "0"]);
  const cClient = await buildC("pingpong_client");
  const impls = [
    { impl: "deno", name: "Deno.connect" },
    { impl: "uring", name: "kernio uring connect" },
    { impl: "sock", name: "kernio sock connect" },
    { impl: "c", name: "C blocking client" },
  ];
  const rtts: Record<string, number[]> = {
    deno: [],
    uring: [],
    sock: [],
    c: [],
  };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const { impl } of impls) {
        const cmd = impl === "c" ? [cClient, String(srv.port), "20000"] : [
          DENO,
          "run",
          "--allow-all",
          "bench/_pingpong_client.ts",
          impl,
          String(srv.port),
          "20000",
        ];
        const out = await new Deno.Command(cmd[0], {
          args: cmd.slice(1),
          cwd: new URL("../", import.meta.url).pathname,
        }).output();
        const m = new TextDecoder().decode(out.stdout).match(/RTT_US ([\d.]+)/);
        rtts[impl].push(m ? Number(m[1]) : NaN);
      }
    }
  } finally {
    await srv.stop();
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(", ");
  for (const { impl, name } of impls) {
    if (rtts[impl].every(Number.isNaN)) continue;
    json.push({
      name: "tcp ping-pong rtt",
      impl: impl === "uring"
        ? "kernio"
        : impl === "sock"
        ? "kernio-sock"
        : impl,
      value: med(rtts[impl]),
      unit: "us",
    });
    if (impl === "deno" || rtts.deno.length === 0) continue;
    // Paired: each round's ratio to the Deno.connect run beside it.
    const paired = med(rtts[impl].map((x, k) => x / rtts.deno[k]));
    const line = `rtt: ${name} ${med(rtts[impl]).toFixed(1)} us vs ` +
      `Deno.connect ${med(rtts.deno).toFixed(1)} us per 64-byte round trip = ${
        paired.toFixed(2)
      }x (median of paired rounds; rounds: ${fmt(rtts[impl])} vs ${
        fmt(rtts.deno)
      })`;
    console.log(line);
    notes.push(line);
  }
}

console.log(
  "BENCH_JSON " +
    JSON.stringify({ bench: "echo", rows: json, notes: notes.join("; ") }),
);
