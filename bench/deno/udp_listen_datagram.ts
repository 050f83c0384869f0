/**
 * Deno's side of bench/udp_bench.ts: `Deno.listenDatagram` send/receive on
 * loopback, 64-byte payloads, 32 sends then 32 receives per batch. Prints
 * `RESULT <datagrams/s>`. Needs `--unstable-net --allow-net=127.0.0.1`.
 *
 * @module
 */

const BATCH = 32, SIZE = 64;
const total = Number(Deno.args[0] ?? 200_000);
// deno-lint-ignore no-explicit-any
const listen = (Deno as any).listenDatagram as (
  o: { transport: "udp"; hostname: string; port: number },
) => Deno.DatagramConn;
const rx = listen({ transport: "udp", hostname: "127.0.0.1", port: 0 });
const tx = listen({ transport: "udp", hostname: "127.0.0.1", port: 0 });
const to = rx.addr as Deno.NetAddr;
const payload = new Uint8Array(SIZE);
async function loop(n: number): Promise<number> {
  let got = 0;
  for (let done = 0; done < n; done += BATCH) {
    for (let i = 0; i < BATCH; i++) await tx.send(payload, to);
    for (let i = 0; i < BATCH; i++) {
      await rx.receive();
      got++;
    }
  }
  return got;
}
await loop(32 * 200);
const t0 = performance.now();
const got = await loop(total);
const ms = performance.now() - t0;
rx.close();
tx.close();
console.log(`RESULT ${got / (ms / 1000)}`);
