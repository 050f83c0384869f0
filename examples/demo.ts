/**
 * kernio demo: the io_uring echo server (`examples/echo_server.ts`:
 * `listen()` from the uring layer, reads from a multishot receive, writes
 * as queued io_uring sends), the raw-ring echo server (`examples/echo_raw.ts`:
 * multishot accept and receive from a provided buffer ring, sends from the
 * buffer), and the same server written with `Deno.listen`
 * (`examples/echo_deno.ts`), all loaded on loopback by the same C load
 * generator (`bench/c/echo_client.c`, built here with `cc -O2`): 64-byte
 * messages, one in flight per connection. The servers run at once and the
 * rounds alternate between them, so every side sees the same machine; prints
 * the median messages/s, p50 and p99 latency of each, and the median of the
 * per-round ratios, and exits by itself.
 *
 * Run: `deno task demo` (builds the native library first), or
 * `deno run --allow-all examples/demo.ts [--seconds=1] [--rounds=3] [--conns=1,50]`.
 * Permissions: it runs `cc` and three `deno run` servers (the io_uring ones
 * with only `--allow-ffi=<the native library>`, the Deno.listen one with
 * `--allow-net=127.0.0.1`).
 *
 * @example
 * ```sh
 * deno task demo
 * ```
 *
 * @module
 */

import { buildC } from "../bench/_c.ts";
import {
  DENO,
  type EchoResult,
  LIB_PATH,
  runEchoClient,
  startServer,
  table,
} from "../bench/_echo_harness.ts";

function arg(name: string, dflt: string): string {
  const a = Deno.args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

if (import.meta.main) {
  const seconds = Number(arg("seconds", "1"));
  const rounds = Number(arg("rounds", "3"));
  const connsList = arg("conns", "1,50").split(",").map(Number);
  if (
    !(seconds > 0 && seconds <= 600) ||
    !(Number.isInteger(rounds) && rounds >= 1 && rounds <= 100) ||
    connsList.some((c) => !(Number.isInteger(c) && c >= 1 && c <= 5000))
  ) {
    console.error("usage: demo.ts [--seconds=1] [--rounds=3] [--conns=1,50]");
    Deno.exit(2);
  }

  console.log("building the C load generator (cc -O2) ...");
  const client = await buildC("echo_client");

  const servers = [
    {
      name: "kernio io_uring echo",
      cmd: [
        DENO,
        "run",
        `--allow-ffi=${LIB_PATH}`,
        "examples/echo_server.ts",
        "0",
      ],
    },
    {
      name: "kernio raw ring echo",
      cmd: [
        DENO,
        "run",
        `--allow-ffi=${LIB_PATH}`,
        "examples/echo_raw.ts",
        "0",
      ],
    },
    {
      name: "Deno.listen echo",
      cmd: [DENO, "run", "--allow-net=127.0.0.1", "examples/echo_deno.ts", "0"],
    },
  ];

  // Both servers run side by side; the rounds alternate between them (the
  // order flips each round) so both see the same machine, and the table
  // reports medians over the rounds.
  const running = [];
  try {
    for (const s of servers) running.push(await startServer(s.cmd));
    const results = new Map<string, EchoResult[]>();
    for (const c of connsList) {
      for (const srv of running) await runEchoClient(client, srv.port, c, 0.3);
      for (let r = 0; r < rounds; r++) {
        const forward = servers.map((_, i) => i);
        const order = r % 2 ? forward.reverse() : forward;
        for (const i of order) {
          console.log(
            `round ${r + 1}/${rounds}: ${servers[i].name}, ${c} conn${
              c === 1 ? "" : "s"
            } ...`,
          );
          const key = `${servers[i].name}/${c}`;
          const res = await runEchoClient(client, running[i].port, c, seconds);
          results.set(key, [...(results.get(key) ?? []), res]);
        }
      }
    }

    const med = (name: string, c: number, f: (r: EchoResult) => number) =>
      median(results.get(`${name}/${c}`)!.map(f));
    const rows: string[][] = [];
    for (const c of connsList) {
      for (const s of servers) {
        rows.push([
          s.name,
          String(c),
          Math.round(med(s.name, c, (r) => r.msgs_per_s)).toLocaleString(
            "en-US",
          ),
          med(s.name, c, (r) => r.p50_us).toFixed(0),
          med(s.name, c, (r) => r.p99_us).toFixed(0),
        ]);
      }
    }
    console.log(
      `\necho on 127.0.0.1, 64-byte messages, same C client; medians of ` +
        `${rounds} alternated rounds of ${seconds}s\n`,
    );
    console.log(
      table(["server", "conns", "messages/s", "p50 us", "p99 us"], rows),
    );
    console.log();
    const deno = servers[servers.length - 1];
    for (const c of connsList) {
      const d = results.get(`${deno.name}/${c}`)!;
      for (const s of servers.slice(0, -1)) {
        const k = results.get(`${s.name}/${c}`)!;
        // the ratio of each round's pair, then the median of those
        const ratio = median(k.map((x, i) => x.msgs_per_s / d[i].msgs_per_s));
        console.log(
          `${c} conn${c === 1 ? "" : "s"}: ${s.name} ${
            ratio.toFixed(2)
          }x the messages/s of Deno.listen (median of per-round ratios)`,
        );
      }
    }
  } finally {
    for (const srv of running) await srv.stop();
  }
}
