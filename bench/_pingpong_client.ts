/**
 * TCP ping-pong client for the round-trip comparison in echo_bench.ts: one
 * connection, a 64-byte message written and read back `n` times with the
 * promise API of `Deno.connect`, kernio's uring `connect` or sock's
 * `connect` (the same code, the import differs). Prints `RTT_US <mean>`.
 *
 * Run: `deno run --allow-all bench/_pingpong_client.ts <deno|uring|sock>
 * <port> [n]`.
 *
 * @example
 * ```sh
 * deno run --allow-all bench/_pingpong_client.ts uring 7000 20000
 * ```
 *
 * @module
 */

import { connect as sockConnect } from "../sock/mod.ts";
import { connect as uringConnect } from "../uring/mod.ts";

const [impl, portArg, nArg] = Deno.args;
const port = Number(portArg);
const n = Number(nArg ?? 20000);
if (!["deno", "uring", "sock"].includes(impl)) {
  throw new TypeError(`unknown implementation ${impl}: deno, uring or sock`);
}
const conn: Deno.TcpConn = impl === "uring"
  ? await uringConnect({ hostname: "127.0.0.1", port })
  : impl === "sock"
  ? await sockConnect({ hostname: "127.0.0.1", port })
  : await Deno.connect({ hostname: "127.0.0.1", port });
conn.setNoDelay(true);
const msg = new Uint8Array(64).fill(7);
const buf = new Uint8Array(64);

async function roundTrips(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await conn.write(msg);
    let got = 0;
    while (got < 64) {
      const r = await conn.read(buf.subarray(got));
      if (r === null) throw new Error("EOF");
      got += r;
    }
  }
}

await roundTrips(Math.min(2000, n)); // warm-up
const t0 = performance.now();
await roundTrips(n);
const us = (performance.now() - t0) * 1000 / n;
console.log(`RTT_US ${us.toFixed(2)}`);
conn.close();
Deno.exit(0);
