/**
 * sock fairness bench: a 50-connection echo load (server and clients in
 * one process, 64-byte messages) with a 10 ms setInterval beside it, for
 * kernio's sock promise API and for Deno.listen/Deno.connect written the
 * same way. Reports timer ticks per second (target >= 90: the event loop
 * keeps turning), the longest gap between ticks, and echo messages per
 * second. Rounds alternate between the implementations; medians.
 *
 * Run: `deno run -A bench/sock_fairness_bench.ts [--conns=50] [--secs=2]
 * [--rounds=3]`. Permissions: --allow-ffi (libkernio), --allow-net=127.0.0.1.
 *
 * @module
 */

import { connect, listen } from "../sock/mod.ts";
import { intArg, numberArg } from "./_args.ts";

const CONNS = intArg("conns", 50);
const SECS = numberArg("secs", 2);
const ROUNDS = intArg("rounds", 3);
const SIZE = 64;

interface Conn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
  setNoDelay(on?: boolean): void;
}
interface Listener extends AsyncIterable<Conn> {
  close(): void;
  readonly addr: { port: number };
}

interface Result {
  ticksPerSec: number;
  maxGapMs: number;
  msgsPerSec: number;
}

async function run(impl: "kernio" | "deno"): Promise<Result> {
  const ln: Listener = impl === "deno"
    ? Deno.listen({ hostname: "127.0.0.1", port: 0 })
    : listen({ hostname: "127.0.0.1", port: 0 });
  const serving: Promise<void>[] = [];
  const server = (async () => {
    try {
      for await (const c of ln) {
        serving.push((async () => {
          const b = new Uint8Array(SIZE);
          try {
            for (;;) {
              const n = await c.read(b);
              if (n === null) break;
              let o = 0;
              while (o < n) o += await c.write(b.subarray(o, n));
            }
          } catch {
            // A client went away mid-echo at the end of the round.
          } finally {
            c.close();
          }
        })());
      }
    } catch {
      // Listener closed.
    }
  })();
  let stop = false;
  let msgs = 0;
  const clients: Promise<void>[] = [];
  for (let i = 0; i < CONNS; i++) {
    const c: Conn = impl === "deno"
      ? await Deno.connect({ hostname: "127.0.0.1", port: ln.addr.port })
      : await connect({ hostname: "127.0.0.1", port: ln.addr.port });
    c.setNoDelay(true);
    clients.push((async () => {
      const p = new Uint8Array(SIZE).fill(7);
      const b = new Uint8Array(SIZE);
      try {
        while (!stop) {
          await c.write(p);
          let o = 0;
          while (o < SIZE) {
            const n = await c.read(b.subarray(o));
            if (n === null) return;
            o += n;
          }
          msgs++;
        }
      } finally {
        c.close();
      }
    })());
  }
  let ticks = 0;
  let last = performance.now();
  let maxGap = 0;
  const iv = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 10);
  const t0 = performance.now();
  const m0 = msgs;
  await new Promise((r) => setTimeout(r, SECS * 1000));
  const el = (performance.now() - t0) / 1000;
  const m1 = msgs;
  clearInterval(iv);
  stop = true;
  await Promise.all(clients);
  ln.close();
  await server;
  await Promise.all(serving);
  return {
    ticksPerSec: ticks / el,
    maxGapMs: maxGap,
    msgsPerSec: (m1 - m0) / el,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const res: Record<string, Result[]> = { kernio: [], deno: [] };
for (let r = 0; r < ROUNDS; r++) {
  res.kernio.push(await run("kernio"));
  res.deno.push(await run("deno"));
}
const med = (impl: string, k: keyof Result) =>
  median(res[impl].map((x) => x[k]));
console.log(
  `sock fairness: ${CONNS}-connection echo + a 10 ms setInterval, ${SECS} s x ${ROUNDS} alternated rounds, medians`,
);
console.table(["kernio", "deno"].map((impl) => ({
  impl,
  "ticks/s (target >= 90)": med(impl, "ticksPerSec").toFixed(0),
  "max gap ms": med(impl, "maxGapMs").toFixed(0),
  "msgs/s": med(impl, "msgsPerSec").toFixed(0),
})));
console.log(
  "BENCH_JSON " + JSON.stringify({
    bench: "sock_fairness",
    rows: ["kernio", "deno"].flatMap((impl) => [
      {
        name: `timer_ticks_50conn_echo`,
        impl,
        value: Number(med(impl, "ticksPerSec").toFixed(1)),
        unit: "ops/s",
      },
      {
        name: `timer_max_gap_50conn_echo`,
        impl,
        value: Number(med(impl, "maxGapMs").toFixed(1)),
        unit: "ms",
      },
      {
        name: `echo_50conn_64B`,
        impl,
        value: Number(med(impl, "msgsPerSec").toFixed(0)),
        unit: "msgs/s",
      },
    ]),
    notes:
      `${CONNS} connections, ${SECS} s per round, ${ROUNDS} alternated rounds, medians; one process`,
  }),
);
