/**
 * kernio demo: the io_uring echo server (`examples/echo_server.ts`:
 * multishot accept, multishot receive from a provided buffer ring, sends
 * straight from the received buffers, driven by the event-loop driver)
 * against the same server written with `Deno.listen`
 * (`examples/echo_deno.ts`), both loaded on loopback by the same C load
 * generator (`bench/c/echo_client.c`, built here with `cc -O2`): 64-byte
 * messages, one in flight per connection. Prints a side-by-side table of
 * messages/s, p50 and p99 latency, and exits by itself.
 *
 * Run: `deno task demo` (builds the native library first), or
 * `deno run --allow-all examples/demo.ts [--seconds=3] [--conns=1,50]`.
 * Permissions: it runs `cc` and two `deno run` servers (the io_uring one
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

import { buildC } from "../bench/_cc.ts";
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

if (import.meta.main) {
  const seconds = Number(arg("seconds", "3"));
  const connsList = arg("conns", "1,50").split(",").map(Number);
  if (
    !(seconds > 0 && seconds <= 600) ||
    connsList.some((c) => !(Number.isInteger(c) && c >= 1 && c <= 5000))
  ) {
    console.error("usage: demo.ts [--seconds=3] [--conns=1,50]");
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
      name: "Deno.listen echo",
      cmd: [DENO, "run", "--allow-net=127.0.0.1", "examples/echo_deno.ts", "0"],
    },
  ];

  const results = new Map<string, EchoResult>();
  for (const s of servers) {
    console.log(`running ${s.name} ...`);
    const srv = await startServer(s.cmd);
    try {
      for (const c of connsList) {
        await runEchoClient(client, srv.port, c, 0.3); // warm-up
        results.set(
          `${s.name}/${c}`,
          await runEchoClient(client, srv.port, c, seconds),
        );
      }
    } finally {
      await srv.stop();
    }
  }

  const rows: string[][] = [];
  for (const c of connsList) {
    for (const s of servers) {
      const r = results.get(`${s.name}/${c}`)!;
      rows.push([
        s.name,
        String(c),
        Math.round(r.msgs_per_s).toLocaleString("en-US"),
        r.p50_us.toFixed(0),
        r.p99_us.toFixed(0),
      ]);
    }
  }
  console.log(
    `\necho on 127.0.0.1, 64-byte messages, ${seconds}s per run, same C client\n`,
  );
  console.log(
    table(["server", "conns", "messages/s", "p50 us", "p99 us"], rows),
  );
  console.log();
  for (const c of connsList) {
    const k = results.get(`${servers[0].name}/${c}`)!;
    const d = results.get(`${servers[1].name}/${c}`)!;
    console.log(
      `${c} conn${c === 1 ? "" : "s"}: io_uring ${
        (k.msgs_per_s / d.msgs_per_s).toFixed(2)
      }x the messages/s of Deno.listen`,
    );
  }
}
